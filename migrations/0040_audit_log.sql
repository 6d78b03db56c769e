-- Who did what when. Identifiers and actions only: never health data, names or CPR numbers.
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,      -- grows with time: no separate time index needed
  at_ms        INTEGER NOT NULL,
  actor_id     TEXT NOT NULL,            -- Practitioner.id
  action       TEXT NOT NULL,
  subject_type TEXT,
  subject_id   TEXT,
  details      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
) STRICT;
