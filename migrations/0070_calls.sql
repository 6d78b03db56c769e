-- Calls made for a visit: when ringing started, when the citizen answered, when it ended and why.
-- The outcome form (later) documents the visit; this is the measured part.
CREATE TABLE calls (
  call_id      TEXT PRIMARY KEY,
  visit_id     TEXT NOT NULL,
  staff_id     TEXT NOT NULL,
  rang_ms      INTEGER NOT NULL,
  connected_ms INTEGER,
  ended_ms     INTEGER NOT NULL,
  end_reason   TEXT NOT NULL,
  CHECK (ended_ms >= rang_ms)
) STRICT;

CREATE INDEX calls_by_visit ON calls (visit_id, rang_ms);
