DROP TABLE snf_targets;
DROP TABLE report_populations;
