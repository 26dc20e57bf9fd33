ALTER TABLE families DROP COLUMN known_to_social_care_on;
DROP TABLE step_ups;
