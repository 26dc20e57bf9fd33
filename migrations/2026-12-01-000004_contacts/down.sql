ALTER TABLE localities DROP COLUMN opening_hours, DROP COLUMN mash_phone;
