DROP TABLE taf_actions;
DROP TRIGGER taf_meetings_are_kept ON taf_meetings;
DROP TRIGGER taf_meetings_finalised_are_immutable ON taf_meetings;
DROP FUNCTION taf_meetings_are_kept();
DROP FUNCTION taf_meetings_finalised_are_immutable();
DROP TABLE taf_meetings;
