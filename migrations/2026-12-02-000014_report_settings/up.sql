-- What performance reports compare against: the under-18 population of the county and of each
-- locality (SNFs per 10,000), and the number of Strengths and Needs forms aimed for in a
-- financial year, in all and per kind of organisation.
CREATE TABLE report_populations (
    -- NULL: the county as a whole.
    locality_id  uuid        REFERENCES localities (id),
    under_18     integer     NOT NULL CHECK (under_18 > 0),
    updated_by   uuid        NOT NULL REFERENCES users (id),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX report_populations_area_idx
    ON report_populations (coalesce(locality_id, '00000000-0000-0000-0000-000000000000'::uuid));
COMMENT ON TABLE report_populations IS 'The under-18 population of the county (locality_id NULL) and of each locality, for SNFs per 10,000 children.';

CREATE TABLE snf_targets (
    financial_year     smallint    NOT NULL CHECK (financial_year BETWEEN 2000 AND 2100),
    -- 'all', or the kind of organisation the target is for.
    organisation_kind  text        NOT NULL CHECK (organisation_kind IN ('all',
                           'school', 'early_years_setting', 'gp_practice', 'health_visiting',
                           'school_health_nursing', 'police', 'camhs', 'voluntary_community',
                           'lcss', 'children_social_care', 'targeted_early_help', 'other')),
    target             integer     NOT NULL CHECK (target > 0),
    updated_by         uuid        NOT NULL REFERENCES users (id),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (financial_year, organisation_kind)
);
COMMENT ON TABLE snf_targets IS 'Strengths and Needs forms to complete in a financial year (April to March, named by the year it starts): in all, and per kind of lead organisation.';
