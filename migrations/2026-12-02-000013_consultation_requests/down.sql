DROP INDEX no_names_consultations_follow_up_idx;
ALTER TABLE no_names_consultations
    DROP COLUMN follow_up_note,
    DROP COLUMN followed_up_by,
    DROP COLUMN followed_up_at;
DROP TABLE consultation_requests;
