-- Who else took part in a call (relatives, colleagues) and when: the visit's Encounter lists them.
-- JSON: [{"person": "RelatedPerson/<id>", "start": "<instant>", "end": "<instant>"}]; NULL when nobody else.
ALTER TABLE calls ADD COLUMN guests_json TEXT;
