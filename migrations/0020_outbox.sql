-- Local changes waiting to reach the EOJ (design §3). Written in the same transaction as the
-- change itself. No foreign key to visits: a visit may vanish from the EOJ, its outbox row may not.
-- Plain INTEGER PRIMARY KEY, not AUTOINCREMENT: one page fewer to encrypt per commit, and seq
-- still only grows while rows are kept.
CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY,                -- FIFO order
  mutation_id     TEXT NOT NULL UNIQUE,               -- UUID; the idempotency key on the EOJ
  visit_id        TEXT NOT NULL,
  intent          TEXT NOT NULL CHECK (json_valid(intent)),
  base_version    TEXT,                               -- Appointment versionId the change was made on
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'inflight', 'done', 'conflict', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT,
  created_ms      INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL
) STRICT;

CREATE INDEX outbox_by_state_due ON outbox (state, next_attempt_ms);
CREATE INDEX outbox_by_visit ON outbox (visit_id, seq);
