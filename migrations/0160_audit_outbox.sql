-- The audit log becomes the queue of AuditEvents for the EOJ (the EOJ keeps the record). Each row
-- gets a stable event id (the EOJ recognises a resend by it), the citizen it concerns, the role and
-- room the actor was signed in with, and its sending state. No index is added: a status change
-- still writes one audit page, and the sender reads the unsent rows from the oldest one on (rowid).
ALTER TABLE audit_log ADD COLUMN event_id TEXT;
ALTER TABLE audit_log ADD COLUMN patient_id TEXT;
ALTER TABLE audit_log ADD COLUMN actor_role TEXT;
ALTER TABLE audit_log ADD COLUMN room_id TEXT;
ALTER TABLE audit_log ADD COLUMN send_state TEXT NOT NULL DEFAULT 'pending' CHECK (send_state IN ('pending', 'sent', 'refused'));
ALTER TABLE audit_log ADD COLUMN send_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN next_send_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN send_error TEXT;
ALTER TABLE audit_log ADD COLUMN sent_ms INTEGER;
-- Rows from before: a random (version 4) UUID each, and their citizen where the visit is still held.
UPDATE audit_log SET event_id =
  lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' ||
  substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)));
UPDATE audit_log SET patient_id = CASE
  WHEN subject_type = 'Patient' THEN subject_id
  WHEN subject_type = 'Appointment' THEN (SELECT citizen_id FROM visits WHERE visits.id = audit_log.subject_id)
END;
