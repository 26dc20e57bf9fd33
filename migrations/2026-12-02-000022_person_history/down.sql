DROP TABLE person_history;
