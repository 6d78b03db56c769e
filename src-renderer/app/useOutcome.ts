import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StoreApi } from 'zustand';
import type { CallRecord, QueueVisit } from '../../src-shared/domain/visit';
import type { Outcome } from '../../src-shared/workflow/outcome';
import type { CallState } from '../call/callStore';
import type { OutcomeDefaults } from '../visit/OutcomeForm';

/** What a call's end suggests as its outcome (the staff member confirms or changes it). */
export function suggestedOutcome(reason: CallRecord['endReason'] | null, answered: boolean, urgent: boolean): Outcome {
  if (urgent) return 'urgent';
  if (reason === 'lost' || reason === 'failed') return 'technical_failure';
  return answered ? 'completed' : 'not_answered';
}

export interface PendingOutcome {
  visitId: string;
  defaults: OutcomeDefaults;
  endedText: string | null;
}

/**
 * The outcome form: asked for at once when our call ends (with the measured times filled in), or
 * opened from a visit. The call store is watched, not rendered from: a call's state changes
 * re-render nothing here until it ends.
 */
export function useOutcome(calls: StoreApi<CallState>, visitNow: (id: string) => QueueVisit | undefined) {
  const { t } = useTranslation();
  const [outcomeFor, setOutcomeFor] = useState<PendingOutcome | null>(null);
  useEffect(
    () =>
      calls.subscribe((call, before) => {
        if (call.phase !== 'ended' || before.phase === 'ended' || !call.visit) return;
        const answered = call.connectedAt !== null;
        const urgent = Boolean(visitNow(call.visit.id)?.workflow.urgentAt);
        setOutcomeFor({
          visitId: call.visit.id,
          endedText: t(`call.ended.${call.endReason ?? 'hangup'}`),
          defaults: {
            outcome: suggestedOutcome(call.endReason, answered, urgent),
            durationSeconds: answered && call.endedAt && call.connectedAt ? Math.round((call.endedAt - call.connectedAt) / 1000) : 0,
            call: {
              rangAt: call.rangAt ? new Date(call.rangAt).toISOString() : null,
              connectedAt: call.connectedAt ? new Date(call.connectedAt).toISOString() : null,
              endedAt: call.endedAt ? new Date(call.endedAt).toISOString() : null,
            },
          },
        });
        calls.getState().dismiss();
      }),
    [calls, visitNow, t],
  );
  const openOutcome = (visit: QueueVisit) =>
    setOutcomeFor({ visitId: visit.id, endedText: null, defaults: { outcome: null, durationSeconds: null, call: null } });
  return { outcomeFor, openOutcome, closeOutcome: () => setOutcomeFor(null) };
}
