-- Leadership reports read from the EOJ, kept in the encrypted store so a repeated report is
-- instant and works offline: the facts of a pulled window (ids and numbers, no names of citizens,
-- no CPR) and computed reports, each with the time its data was read.
CREATE TABLE report_cache (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('facts', 'report')),
  body TEXT NOT NULL,
  data_at_ms INTEGER NOT NULL,
  used_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX report_cache_used ON report_cache (kind, used_ms);
