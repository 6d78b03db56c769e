-- A conflict or refusal the staff member has dealt with: kept (nothing is ever dropped), but no
-- longer shown as a problem. "accepted_eoj": the EOJ's version stands; "retried": sent again.
ALTER TABLE outbox ADD COLUMN resolved_ms INTEGER;
ALTER TABLE outbox ADD COLUMN resolution TEXT CHECK (resolution IN ('accepted_eoj', 'retried'));
