-- No Names Consultations: advice LCSS gives with no identifying data. The table has no column
-- for a child or family.
CREATE TABLE no_names_consultations (
    id                       uuid        PRIMARY KEY,
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
CREATE INDEX no_names_consultations_locality_idx ON no_names_consultations (locality_id, held_on);
COMMENT ON TABLE no_names_consultations IS 'A No Names Consultation: advice LCSS gave a professional about a child or family it never identifies (no column can hold an identifier; free text is checked for them before it is stored).';
COMMENT ON COLUMN no_names_consultations.consulting_user_id IS 'The consulting professional, when they have an account; else consulting_name.';
