DROP TABLE taf_members;
DROP TABLE tafs;
