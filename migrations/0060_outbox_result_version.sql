-- The Appointment version our push produced: lets the next change to the same visit tell our own
-- earlier write apart from someone else's, while the visit row keeps the last version pulled.
ALTER TABLE outbox ADD COLUMN result_version TEXT;
