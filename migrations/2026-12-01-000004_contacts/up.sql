-- Each locality's contacts, kept as data an administrator edits, never as numbers in the code:
-- the LCSS team's opening hours beside its phone, email and address, and the number of the
-- MASH (the front door to Children's Social Care) that serves the locality.
ALTER TABLE localities
    ADD COLUMN opening_hours text CHECK (length(opening_hours) <= 200),
    ADD COLUMN mash_phone text CHECK (length(mash_phone) <= 200);
COMMENT ON COLUMN localities.opening_hours IS 'When the locality''s LCSS team answers, as written (e.g. Monday to Friday, 9am to 5pm).';
COMMENT ON COLUMN localities.mash_phone IS 'The number of the MASH serving the locality, for immediate safeguarding concerns.';
