import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordOutcome } from '../../src-shared/api/contract';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { Outcome, type RetryPolicy } from '../../src-shared/workflow/outcome';

export interface OutcomeDefaults {
  outcome: Outcome | null;
  durationSeconds: number | null;
  call: RecordOutcome['call'];
}

/** A save shorter than this shows no "saving" state (most take a few milliseconds). */
const SAVING_SHOWN_AFTER_MS = 150;

/**
 * After the call: the outcome, the measured duration (editable) and a short note, saved with its
 * outbox rows in one transaction. Keys 1–5 choose the outcome, Ctrl+Enter saves.
 */
export function OutcomeForm({
  visit,
  defaults,
  retryPolicy,
  onSave,
  onCancel,
}: {
  visit: QueueVisit;
  defaults: OutcomeDefaults;
  retryPolicy: RetryPolicy;
  onSave(input: RecordOutcome): Promise<boolean>;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [outcome, setOutcome] = useState<Outcome | null>(defaults.outcome);
  const [minutes, setMinutes] = useState(defaults.durationSeconds === null ? '' : String(Math.round(defaults.durationSeconds / 60)));
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const failed = outcome === 'not_answered' || outcome === 'technical_failure';
  const attempt = visit.workflow.failedAttempts + 1;
  const lastAttempt = attempt > retryPolicy.retries;

  // The ref guards against a second save at once; the disabled button shows only when the save
  // takes long enough to notice (a re-render here would delay sending it by a frame).
  const inFlight = useRef(false);
  async function save() {
    if (!outcome || inFlight.current) return;
    inFlight.current = true;
    const showSaving = setTimeout(() => setSaving(true), SAVING_SHOWN_AFTER_MS);
    const parsed = Number.parseInt(minutes, 10);
    // The measured seconds are kept unless the staff member changed the minutes.
    const durationSeconds =
      minutes === ''
        ? null
        : defaults.durationSeconds !== null && parsed === Math.round(defaults.durationSeconds / 60)
          ? defaults.durationSeconds
          : Math.max(0, parsed) * 60;
    const ok = await onSave({
      visitId: visit.id,
      outcome,
      note: note.trim(),
      call: defaults.call,
      durationSeconds: Number.isNaN(durationSeconds) ? null : durationSeconds,
    });
    clearTimeout(showSaving);
    inFlight.current = false;
    if (!ok) setSaving(false);
  }

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void save();
    } else if (
      /^[1-5]$/.test(event.key) &&
      !(event.target instanceof HTMLTextAreaElement) &&
      !(event.target instanceof HTMLInputElement && event.target.type === 'number')
    ) {
      event.preventDefault();
      setOutcome(Outcome.options[Number(event.key) - 1] ?? null);
    }
  };

  return (
    <form
      className="outcome-form"
      aria-labelledby={`${id}-legend`}
      onKeyDown={onKeyDown}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset>
        <legend id={`${id}-legend`}>{t('outcome.legend', { name: visit.citizen.name })}</legend>
        <div className="outcome-options">
          {Outcome.options.map((o, i) => (
            <label key={o} className={`outcome-option outcome-${o}`}>
              <input ref={i === 0 ? first : undefined} type="radio" name={`${id}-outcome`} value={o} checked={outcome === o} onChange={() => setOutcome(o)} />
              <span>{t(`outcome.option.${o}`)}</span>
              <kbd aria-hidden="true">{i + 1}</kbd>
            </label>
          ))}
        </div>
      </fieldset>
      {failed && (
        <p className="outcome-policy" role="status">
          {lastAttempt
            ? t('outcome.policy.escalate', { group: visit.citizen.homeCareGroup?.name ?? t('outcome.policy.homeCare') })
            : t('outcome.policy.retry', { attempt, of: retryPolicy.retries + 1, minutes: Math.round(retryPolicy.intervalSeconds / 60) || 1 })}
        </p>
      )}
      {outcome === 'converted_physical' && (
        <p className="outcome-policy" role="status">
          {t('outcome.policy.escalate', { group: visit.citizen.homeCareGroup?.name ?? t('outcome.policy.homeCare') })}
        </p>
      )}
      <div className="outcome-fields">
        <label>
          {t('outcome.duration')}
          <input type="number" min={0} max={1440} inputMode="numeric" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
        </label>
        <label className="outcome-note">
          {t('outcome.note')}
          <textarea maxLength={2000} rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
      </div>
      <div className="outcome-actions">
        <button type="submit" className="primary" disabled={!outcome || saving}>
          {t('outcome.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('outcome.cancel')}
        </button>
        <span className="hint">{t('outcome.keys')}</span>
      </div>
    </form>
  );
}
