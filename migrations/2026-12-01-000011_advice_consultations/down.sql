DROP TABLE advice_consultations;
