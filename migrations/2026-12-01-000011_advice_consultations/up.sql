-- Advice consultations: LCSS advice about a family the professional names, with the family's
-- knowledge; on the family's record and chronology.
CREATE TABLE advice_consultations (
    id                       uuid        PRIMARY KEY,
    family_id                uuid        NOT NULL REFERENCES families (id),
    locality_id              uuid        NOT NULL REFERENCES localities (id),
    held_on                  date        NOT NULL,
    consulting_user_id       uuid        REFERENCES users (id),
    consulting_name          text        CHECK (length(consulting_name) BETWEEN 1 AND 100),
    consulting_organisation  text        NOT NULL CHECK (length(consulting_organisation) BETWEEN 1 AND 200),
    themes                   text[]      NOT NULL CHECK (cardinality(themes) BETWEEN 1 AND 12),
    threshold_view           smallint    NOT NULL CHECK (threshold_view BETWEEN 1 AND 4),
    advice                   text        NOT NULL CHECK (length(advice) BETWEEN 1 AND 4000),
    outcome                  text        NOT NULL CHECK (outcome IN ('seek_consent', 'refer_to_mash', 'signpost', 'universal_services', 'no_further_action')),
    signposted_to            text        CHECK (length(signposted_to) BETWEEN 1 AND 200),
    follow_up_on             date,
    recorded_by              uuid        NOT NULL REFERENCES users (id),
    recorded_at              timestamptz NOT NULL DEFAULT now(),
    CHECK ((consulting_user_id IS NULL) <> (consulting_name IS NULL)),
    CHECK ((outcome = 'signpost') = (signposted_to IS NOT NULL))
);
CREATE INDEX advice_consultations_family_idx ON advice_consultations (family_id, held_on);
COMMENT ON TABLE advice_consultations IS 'An advice consultation: LCSS advice to a professional about a named family, with the family''s knowledge.';
