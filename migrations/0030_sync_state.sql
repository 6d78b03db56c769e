-- Where each sync stream stands (e.g. the Appointment pull for a team).
CREATE TABLE sync_state (
  scope               TEXT PRIMARY KEY,
  cursor              TEXT,              -- _lastUpdated high-water mark, opaque to the store
  last_pull_ms        INTEGER,
  last_full_resync_ms INTEGER,
  last_success_ms     INTEGER,
  last_error          TEXT
) STRICT;
