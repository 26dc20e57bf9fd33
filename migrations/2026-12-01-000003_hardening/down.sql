ALTER TABLE audit_events DROP COLUMN client_address;
DROP TABLE sign_in_failures;
DROP TABLE known_elsewhere_matches;
DROP INDEX people_family_name_key_idx;
ALTER TABLE people DROP COLUMN family_name_key, DROP COLUMN given_name_key;
ALTER TABLE people
    ADD COLUMN family_name_key text NOT NULL GENERATED ALWAYS AS (lower(regexp_replace(family_name, '[^[:alpha:]]', '', 'g'))) STORED,
    ADD COLUMN given_name_key text NOT NULL GENERATED ALWAYS AS (lower(regexp_replace(given_name, '[^[:alpha:]]', '', 'g'))) STORED;
