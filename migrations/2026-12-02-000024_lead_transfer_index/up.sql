-- An episode's transfers are read with the episode (its history) on every episode read; without
-- an index that was a sequential scan of every transfer (measured on main, issue #14).
CREATE INDEX lead_transfers_episode_idx ON lead_transfers (episode_id, accepted_at);
