DROP TABLE no_names_consultations;
