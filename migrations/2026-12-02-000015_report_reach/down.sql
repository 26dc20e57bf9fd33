ALTER TABLE users DROP COLUMN report_reach;
