-- The citizen's verdict on a call (the tablet's faces), one per call. It reaches the EOJ as a
-- QuestionnaireResponse on the call's Encounter, so it waits here until the outcome that creates
-- that Encounter is recorded (sent_mutation_id: the outbox row that carries it).
CREATE TABLE call_verdicts (
  call_id          TEXT PRIMARY KEY,
  visit_id         TEXT NOT NULL,
  verdict          TEXT NOT NULL CHECK (verdict IN ('good', 'okay', 'bad', 'none')),
  actor_id         TEXT NOT NULL,
  at_ms            INTEGER NOT NULL,
  sent_mutation_id TEXT
) STRICT;
CREATE INDEX call_verdicts_waiting ON call_verdicts (visit_id, at_ms) WHERE sent_mutation_id IS NULL;
