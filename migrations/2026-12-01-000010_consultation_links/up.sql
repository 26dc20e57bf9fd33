-- A No Names Consultation linked to the episode of the family it was about, once the family
-- consented. The consultation itself stays anonymous: the link is kept here, and on the
-- family's chronology.
CREATE TABLE no_names_consultation_links (
    consultation_id uuid        PRIMARY KEY REFERENCES no_names_consultations (id),
    episode_id      uuid        NOT NULL REFERENCES episodes (id),
    family_id       uuid        NOT NULL REFERENCES families (id),
    linked_by       uuid        NOT NULL REFERENCES users (id),
    linked_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX no_names_consultation_links_family_idx ON no_names_consultation_links (family_id);
COMMENT ON TABLE no_names_consultation_links IS 'Which episode a No Names Consultation turned out to be about, recorded once the family consented; the consultation row itself never names the family.';
