-- What the visit panel shows about the citizen, beyond name, masked CPR and address.
ALTER TABLE visits ADD COLUMN citizen_birth_date TEXT;
-- JSON {name, phone, relationship}; the whole database is encrypted.
ALTER TABLE visits ADD COLUMN citizen_emergency_contact TEXT;
ALTER TABLE visits ADD COLUMN citizen_relatives_may_join INTEGER CHECK (citizen_relatives_may_join IN (0, 1));
ALTER TABLE visits ADD COLUMN citizen_home_care_group_id TEXT;
ALTER TABLE visits ADD COLUMN citizen_home_care_group_name TEXT;

-- The skærmenhed's documented progress of a visit: outcome, failed attempts, retry, escalation.
-- Kept apart from the pulled EOJ data, so a pull never overwrites it.
CREATE TABLE visit_workflow (
  visit_id          TEXT PRIMARY KEY,
  citizen_id        TEXT NOT NULL,
  failed_attempts   INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  outcome           TEXT CHECK (outcome IN ('completed', 'not_answered', 'technical_failure', 'converted_physical', 'urgent')),
  note              TEXT NOT NULL DEFAULT '',
  duration_s        INTEGER CHECK (duration_s >= 0),
  retry_at_ms       INTEGER,
  escalated_at_ms   INTEGER,
  escalation_reason TEXT,
  urgent_at_ms      INTEGER,
  called_at_ms      INTEGER,
  recorded_by       TEXT,
  updated_ms        INTEGER NOT NULL
) STRICT;

-- "Notes from the last visit": the citizen's latest documented outcome.
CREATE INDEX visit_workflow_by_citizen ON visit_workflow (citizen_id, updated_ms);
