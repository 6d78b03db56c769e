-- EOJ resources that could not be read (one bad resource never stops the rest of the queue):
-- one row each, shown until the resource reads well or is no longer there. No personal data:
-- the resource's id, the field and what is wrong with it, never the value.
CREATE TABLE sync_problems (
  resource TEXT PRIMARY KEY,
  field TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
) STRICT;
