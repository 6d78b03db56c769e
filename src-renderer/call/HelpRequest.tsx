import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore, type StoreApi } from 'zustand';
import type { QueueVisit } from '../../src-shared/domain/visit';
import type { CallState } from './callStore';

/** A colleague's request for help, over whichever view is open (the day, the board, the reports). */
export function IncomingHelp({ store, visitNow }: { store: StoreApi<CallState>; visitNow(id: string): QueueVisit | undefined }) {
  const { t } = useTranslation();
  const request = useStore(store, (s) => s.helpRequest);
  const phase = useStore(store, (s) => s.phase);
  if (!request || phase === 'ringing' || phase === 'connected') return null;
  const { acceptHelp, declineHelp } = store.getState();
  return (
    <HelpRequest
      request={request}
      citizen={visitNow(request.visitId)?.citizen.name ?? (request.citizenFirstName || t('call.citizenFallback'))}
      onAccept={acceptHelp}
      onDecline={declineHelp}
    />
  );
}

/**
 * A colleague asks us into their call ("Hent kollega"): who asks and for which citizen, with one
 * button to join and one to say not now. The join button has focus, so Enter joins and Escape declines.
 */
export function HelpRequest({
  request,
  citizen,
  onAccept,
  onDecline,
}: {
  request: NonNullable<CallState['helpRequest']>;
  citizen: string;
  onAccept(): void;
  onDecline(): void;
}) {
  const { t } = useTranslation();
  const accept = useRef<HTMLButtonElement>(null);
  useEffect(() => accept.current?.focus(), [request.callId]);
  return (
    <div
      className="help-request"
      role="alertdialog"
      aria-labelledby="help-heading"
      aria-describedby="help-intro"
      data-testid="help-request"
      onKeyDown={(e) => e.key === 'Escape' && onDecline()}
    >
      <h2 id="help-heading">{t('call.helpHeading', { caller: request.caller })}</h2>
      <p id="help-intro">{t('call.helpIntro', { citizen })}</p>
      <div className="help-actions">
        <button ref={accept} type="button" className="primary" onClick={onAccept}>
          {t('call.helpAccept')}
        </button>
        <button type="button" onClick={onDecline}>
          {t('call.helpDecline')}
        </button>
      </div>
    </div>
  );
}
