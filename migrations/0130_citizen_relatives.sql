-- The citizen's relatives the EOJ lists (RelatedPerson: id, name, relationship, whether the citizen
-- consents to their taking part, whether they can be texted), as JSON. No phone numbers: the
-- number is read from the EOJ when an invitation is sent. NULL: the EOJ could not be asked.
ALTER TABLE visits ADD COLUMN citizen_relatives TEXT;
