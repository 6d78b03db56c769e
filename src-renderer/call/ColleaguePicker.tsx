import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** "Hent kollega": the team's free colleagues, one button each; Escape closes the list. */
export function ColleaguePicker({
  colleagues,
  loading,
  onRing,
  onClose,
}: {
  colleagues: { id: string; name: string }[];
  loading: boolean;
  onRing(id: string): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), [colleagues.length]);
  return (
    <section
      className="colleague-picker"
      aria-labelledby="colleagues-heading"
      data-testid="colleague-picker"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <h3 id="colleagues-heading">{t('call.colleaguesHeading')}</h3>
      {colleagues.length === 0 ? (
        <p role="status">{loading ? t('call.colleaguesLoading') : t('call.colleaguesNone')}</p>
      ) : (
        <ul>
          {colleagues.map((c, i) => (
            <li key={c.id}>
              <button ref={i === 0 ? first : undefined} type="button" onClick={() => onRing(c.id)}>
                {t('call.callColleague', { name: c.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={onClose}>
        {t('call.close')}
      </button>
    </section>
  );
}
