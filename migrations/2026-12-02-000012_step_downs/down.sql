DROP TABLE step_down_allocations;
DROP TABLE step_downs;
ALTER TABLE episodes DROP COLUMN origin;
