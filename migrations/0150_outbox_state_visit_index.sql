-- One index over the outbox's state and visit instead of two: every new row (a status change, a
-- move, an outcome) writes one index page fewer, and in the encrypted store each page written is
-- encrypted and authenticated again. Queries by visit alone name every state (see outbox.ts).
-- next_attempt_ms is left out: the rows due are the few unfinished ones, filtered after the seek,
-- and a retry no longer rewrites an index entry.
DROP INDEX outbox_by_state_due;
DROP INDEX outbox_by_visit;
CREATE INDEX outbox_by_state_visit ON outbox (state, visit_id, seq);
