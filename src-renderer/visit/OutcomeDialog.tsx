import { useTranslation } from 'react-i18next';
import type { RecordOutcome } from '../../src-shared/api/contract';
import type { QueueVisit } from '../../src-shared/domain/visit';
import type { RetryPolicy } from '../../src-shared/workflow/outcome';
import { OutcomeForm, type OutcomeDefaults } from './OutcomeForm';

/** The outcome form as its own dialog: after a call (with how it ended), or from the queue. */
export function OutcomeDialog({
  visit,
  defaults,
  endedText,
  retryPolicy,
  onSave,
  onCancel,
}: {
  visit: QueueVisit;
  defaults: OutcomeDefaults;
  endedText: string | null;
  retryPolicy: RetryPolicy;
  onSave(input: RecordOutcome): Promise<boolean>;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  return (
    <div
      className="outcome-dialog"
      role="dialog"
      aria-modal="false"
      aria-labelledby="outcome-heading"
      data-testid="outcome-dialog"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <h2 id="outcome-heading">{t('outcome.heading')}</h2>
      {endedText && <p className="outcome-ended">{endedText}</p>}
      <OutcomeForm visit={visit} defaults={defaults} retryPolicy={retryPolicy} onSave={onSave} onCancel={onCancel} />
    </div>
  );
}
