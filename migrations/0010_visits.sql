-- The day's screen visits, mirrored from FHIR Appointments (plus names resolved for display).
CREATE TABLE visits (
  id                 TEXT PRIMARY KEY,       -- Appointment.id, assigned by the EOJ
  version_id         TEXT,                   -- Appointment.meta.versionId (opaque)
  start_ms           INTEGER NOT NULL,       -- epoch milliseconds, UTC
  end_ms             INTEGER NOT NULL,
  citizen_id         TEXT NOT NULL,          -- Patient.id
  citizen_name       TEXT NOT NULL,
  citizen_cpr_masked TEXT NOT NULL,          -- "DDMMYY-xxxx"; the full CPR is never stored
  citizen_address    TEXT NOT NULL,
  task_code          TEXT,                   -- FSIII intervention code where known
  task_type          TEXT NOT NULL,
  task_description   TEXT NOT NULL,
  practitioner_id    TEXT,
  practitioner_name  TEXT,
  room_id            TEXT,                   -- Location.id of the video room
  room_name          TEXT,
  team_id            TEXT,
  status             TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'completed', 'not_answered', 'cancelled')),
  notes              TEXT NOT NULL DEFAULT '',
  updated_ms         INTEGER NOT NULL,
  CHECK (end_ms >= start_ms)
) STRICT;

CREATE INDEX visits_by_start ON visits (start_ms);
CREATE INDEX visits_by_room_start ON visits (room_id, start_ms);
CREATE INDEX visits_by_practitioner_start ON visits (practitioner_id, start_ms);
CREATE INDEX visits_by_team_start ON visits (team_id, start_ms);
