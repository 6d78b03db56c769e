import { useEffect, useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore, type StoreApi } from 'zustand';
import { useNow } from '../queue/useNow';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { formatClock } from '../../src-shared/time/copenhagen';
import type { CallGuest, CallState } from './callStore';
import { ColleaguePicker } from './ColleaguePicker';

function Video({
  stream,
  muted,
  label,
  className,
  sinkId,
}: {
  stream: MediaStream | null;
  muted: boolean;
  label: string;
  className: string;
  sinkId?: string | null;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  // Before the frame is painted, not after it: the picture starts one frame sooner.
  useLayoutEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  useEffect(() => {
    // setSinkId is not in every browser: where it is missing the system's output is used.
    const video = ref.current as (HTMLVideoElement & { setSinkId?(id: string): Promise<void> }) | null;
    if (video && sinkId && video.setSinkId) void video.setSinkId(sinkId).catch(() => undefined);
  }, [sinkId]);
  return <video ref={ref} className={className} autoPlay playsInline muted={muted} aria-label={label} />;
}

/** What the caller sees of a relative or colleague: where they stand now. */
function guestText(g: CallGuest): string {
  if (g.kind === 'colleague') {
    if (g.state === 'ringing') return 'call.colleagueRinging';
    if (g.state === 'refused') return 'call.colleagueRefused';
  }
  return g.state === 'waiting'
    ? 'call.guestWaiting'
    : g.state === 'asking'
      ? 'call.guestAsking'
      : g.state === 'in'
        ? 'call.guestIn'
        : g.state === 'refused'
          ? 'call.guestRefused'
          : 'call.guestLeft';
}

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/** The call in progress: who, how long, the pictures, and the few controls a call needs. */
/** What "Akut" shows: where the citizen is and whom to call, with the time it was pressed. */
function UrgentInfo({ visit, at }: { visit: QueueVisit; at: string }) {
  const { t } = useTranslation();
  const c = visit.citizen;
  return (
    <div className="urgent-info" role="alert" data-testid="urgent-info">
      <p>
        <strong>{t('urgent.recorded', { time: formatClock(at) })}</strong>
      </p>
      <p>
        {t('urgent.address')}: <strong>{c.address || '–'}</strong>
      </p>
      <p>
        {t('urgent.contact')}:{' '}
        <strong>
          {c.emergencyContact ? `${c.emergencyContact.name} (${c.emergencyContact.relationship}), ${c.emergencyContact.phone}` : t('visit.unknown')}
        </strong>
      </p>
      <p>{t('urgent.escalated', { group: c.homeCareGroup?.name ?? t('outcome.policy.homeCare') })}</p>
    </div>
  );
}

export function CallPanel({
  store,
  visitNow,
  onUrgent,
}: {
  store: StoreApi<CallState>;
  visitNow(id: string): QueueVisit | undefined;
  onUrgent(visitId: string): void;
}) {
  const { t } = useTranslation();
  const s = useStore(store);
  const now = useNow(1_000);
  if (s.pairing) {
    return (
      <div className="call-panel" role="dialog" aria-labelledby="pair-heading">
        <h2 id="pair-heading">{t('call.pairHeading')}</h2>
        <p>{t('call.pairIntro')}</p>
        <p className="pair-code" data-testid="pair-code">
          {s.pairing.code}
        </p>
        <button type="button" onClick={s.dismiss}>
          {t('call.close')}
        </button>
      </div>
    );
  }
  if (s.phase === 'idle' || s.phase === 'ended' || (!s.visit && !s.helping)) return null;
  const helping = s.helping;
  const live = s.visit ? visitNow(s.visit.id) : helping ? visitNow(helping.visitId) : undefined;
  const urgentAt = s.visit ? (live?.workflow.urgentAt ?? null) : null;
  const seconds = s.connectedAt ? Math.max(0, Math.floor((now.getTime() - s.connectedAt) / 1000)) : 0;
  const heading = s.visit?.citizen.name ?? live?.citizen.name ?? (helping?.citizenFirstName || t('call.citizenFallback'));
  return (
    <section className="call-stage" aria-labelledby="call-heading" data-call-phase={s.phase} data-helping={helping ? 'true' : undefined}>
      <h2 id="call-heading">{heading}</h2>
      <p role="status" className="call-status">
        {s.phase === 'ringing' && t('call.ringing')}
        {s.phase === 'connected' && helping && `${t('call.helping', { caller: helping.caller })} · `}
        {s.phase === 'connected' &&
          s.peerState !== 'failed' &&
          (s.peerState === 'recovering' ? t('call.recovering') : t('call.connected', { time: clock(seconds) }))}
      </p>
      {s.error && (
        <p role="alert" className="banner banner-error">
          {s.error}
        </p>
      )}
      {s.deviceNotice && (
        <p role="alert" className="banner banner-offline" data-testid="device-notice">
          {s.deviceNotice.to
            ? t(s.deviceNotice.handsFree ? 'check.device.switchedHandsFree' : 'check.device.switched', {
                from: s.deviceNotice.from?.label || t(`call.device.${s.deviceNotice.role}`),
                to: s.deviceNotice.to.label,
              })
            : t('check.device.gone', {
                from: s.deviceNotice.from?.label || t(`call.device.${s.deviceNotice.role}`),
                role: t(`call.device.${s.deviceNotice.role}`).toLowerCase(),
              })}{' '}
          <button type="button" onClick={s.dismissDeviceNotice}>
            {t('check.device.dismiss')}
          </button>
        </p>
      )}
      {s.phase === 'connected' &&
        Object.entries(s.returnOffers).map(([role, device]) => (
          <button key={role} type="button" className="switch-back" onClick={() => void s.switchBack(role as 'microphone' | 'camera' | 'speaker')}>
            {t('check.device.switchBack', { device: device.label })}
          </button>
        ))}
      {s.phase === 'connected' && s.audioOnly && (
        <p role="status" className="banner banner-offline" data-testid="audio-only">
          {t('call.audioOnly')}
        </p>
      )}
      {s.phase === 'connected' && !s.audioOnly && s.quality?.rating === 'poor' && (
        <p role="status" className="banner banner-offline">
          {t('call.poorQuality')}
        </p>
      )}
      {s.phase === 'connected' && s.peerState === 'failed' && (
        <p role="alert" className="banner banner-error">
          {s.turnRefused ? t('call.turnRefused') : t('call.mediaFailed')}
        </p>
      )}
      {urgentAt && live && <UrgentInfo visit={live} at={urgentAt} />}
      {s.guests.length > 0 && (
        <ul className="call-guests" aria-label={t('call.guests')} data-testid="call-guests">
          {s.guests.map((g) => (
            <li key={g.id} data-guest={g.id} data-state={g.state}>
              <span role={g.state === 'waiting' ? 'alert' : undefined}>{t(guestText(g), { name: g.name, relationship: g.relationship })}</span>
              {g.state === 'waiting' && (
                <>
                  <button type="button" className="primary" onClick={() => s.admit(g.id)}>
                    {t('call.admit')}
                  </button>
                  <button type="button" onClick={() => s.turnAway(g.id)}>
                    {t('call.turnAway')}
                  </button>
                </>
              )}
              {(g.state === 'in' || g.state === 'asking') && (
                <button type="button" onClick={() => s.removeGuest(g.id)}>
                  {t('call.removeGuest', { name: g.name.split(' ')[0] })}
                </button>
              )}
              {g.state === 'ringing' && (
                <button type="button" onClick={() => s.removeGuest(g.id)}>
                  {t('call.cancelColleague', { name: g.name.split(' ')[0] })}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {s.colleagues && <ColleaguePicker colleagues={s.colleagues.list} loading={s.colleagues.loading} onRing={s.ringColleague} onClose={s.closeColleagues} />}
      <div className={`call-videos${helping ? ' helping' : ''}${s.tiles.length > 0 ? ` with-guests guests-${s.tiles.length}` : ''}`}>
        {/* In a colleague's call everyone is a tile: there is no "other party" of our own. */}
        {/* The same element with or without guests, so the citizen's picture never restarts when someone joins. */}
        {!helping && (
          <figure className="remote-tile">
            <Video stream={s.remote} muted={false} label={t('call.remoteVideo')} className="remote-video" sinkId={s.devices.speaker} />
            {s.tiles.length > 0 && <figcaption>{heading}</figcaption>}
          </figure>
        )}
        {s.tiles.map((tile) => {
          const who = s.participants.find((p) => p.id === tile.peer);
          const label = who?.name ? t('call.guestVideo', { name: who.name, relationship: who.role }) : (who?.role ?? '');
          return (
            <figure key={tile.peer} className="guest-tile" data-peer={tile.peer} data-audio-only={tile.audioOnly ? 'true' : undefined}>
              <Video stream={tile.stream} muted={false} label={label} className="guest-video" sinkId={s.devices.speaker} />
              <figcaption>
                {label}
                {/* This pair's line cannot carry video: only sound with this person, the others keep their picture. */}
                {tile.audioOnly && ` · ${t('call.tileAudioOnly')}`}
              </figcaption>
            </figure>
          );
        })}
        <Video stream={s.local} muted label={t('call.selfVideo')} className="self-video" />
      </div>
      {s.phase === 'connected' && (
        <div className="call-devices">
          {(['microphone', 'camera', 'speaker'] as const).map((kind) => {
            const mediaKind: MediaDeviceKind = kind === 'microphone' ? 'audioinput' : kind === 'camera' ? 'videoinput' : 'audiooutput';
            const options = s.devices.available.filter((d) => d.kind === mediaKind);
            if (options.length === 0) return null;
            return (
              <label key={kind}>
                {t(`call.device.${kind}`)}
                <select value={s.devices[kind] ?? ''} onChange={(e) => void s.switchDevice(kind, e.target.value)}>
                  {s.devices[kind] === null && <option value="">{t('call.device.default')}</option>}
                  {options.map((o) => (
                    <option key={o.deviceId} value={o.deviceId}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </label>
            );
          })}
        </div>
      )}
      <div className="call-controls">
        <button type="button" aria-pressed={s.micMuted} onClick={s.toggleMic}>
          {s.micMuted ? t('call.unmute') : t('call.mute')}
        </button>
        <button type="button" aria-pressed={s.cameraOff} onClick={s.toggleCamera}>
          {s.cameraOff ? t('call.cameraOn') : t('call.cameraOff')}
        </button>
        {s.phase === 'connected' && !helping && !s.colleagues && (
          <button type="button" onClick={s.listColleagues} data-testid="fetch-colleague">
            {t('call.fetchColleague')}
          </button>
        )}
        {s.phase === 'connected' && !helping && !urgentAt && (
          <button type="button" className="urgent" onClick={() => s.visit && onUrgent(s.visit.id)}>
            {t('urgent.button')}
          </button>
        )}
        <button type="button" className="hangup" onClick={s.hangUp}>
          {helping ? t('call.leave') : t('call.hangUp')}
        </button>
      </div>
    </section>
  );
}
