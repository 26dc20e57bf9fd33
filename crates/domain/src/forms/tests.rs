use super::*;
use serde_json::json;

fn paths(problems: &[FieldProblem]) -> Vec<&str> {
    problems.iter().map(|p| p.path.as_str()).collect()
}

fn definition(value: Value) -> TemplateDefinition {
    serde_json::from_value(value).unwrap()
}

/// A small template in the shape of a family-members section, to exercise every kind.
fn family_template() -> TemplateDefinition {
    definition(json!({
        "title": "Test form",
        "sections": [
            {
                "key": "childs_views",
                "title": "The child's views",
                "fields": [
                    {"key": "views", "label": "Views", "type": "long_text", "required": true},
                    {"key": "nickname", "label": "Nickname", "type": "text", "max_length": 5}
                ]
            },
            {
                "key": "family_members",
                "title": "Family members",
                "fields": [
                    {"key": "started", "label": "Started", "type": "date"},
                    {"key": "agrees", "label": "Agrees", "type": "boolean", "required": true},
                    {"key": "children", "label": "Children", "type": "integer"},
                    {"key": "level", "label": "Level", "type": "select",
                     "options": [{"code": "2", "label": "Two"},
                                 {"code": "3", "label": "Three"}]},
                    {"key": "needs", "label": "Needs", "type": "multi_select", "required": true,
                     "options": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]},
                    {"key": "people", "label": "People", "type": "list", "required": true,
                     "item_fields": [
                        {"key": "name", "label": "Name", "type": "text", "required": true},
                        {"key": "born", "label": "Born", "type": "date"}
                     ]}
                ]
            }
        ]
    }))
}

#[test]
fn the_seeded_strengths_and_needs_form_is_a_valid_template() {
    assert_eq!(snf_v1().check(), Ok(()));
}

#[test]
fn the_seeded_form_survives_a_json_round_trip() {
    let json = serde_json::to_value(snf_v1()).unwrap();
    assert_eq!(definition(json), snf_v1());
}

fn complete_snf() -> Value {
    let triangle = |areas: &[&str]| {
        let mut side = Map::new();
        for area in areas {
            side.insert((*area).into(), json!(format!("About {area}.")));
        }
        side.insert("strengths".into(), json!("Warm, loving home."));
        side.insert("needs".into(), json!("Routines at bedtime."));
        Value::Object(side)
    };
    json!({
        "consent": {
            "involved_in_completing": "Mum, Jay (10) and the school's family worker.",
            "family_agrees_to_store_and_share": true,
            "copy_recipients": "Mum; school",
            "not_to_be_shared_with": null
        },
        "family_and_household": {
            "assessment_start_date": "2025-09-01",
            "household": "Mum, Jay and his sister Mia (4).",
            "first_language_child": "English",
            "first_language_parents": "Polish",
            "interpreter_needed": false,
            "connected_people": [
                {"name": "Nan", "relationship": "Maternal grandmother",
                 "lives_in_household": false, "views": "Wants to help with school runs."}
            ],
            "professionals_involved": [
                {"role": "School", "name_or_service": "Cherwell Primary, family worker"},
                {"role": "GP", "name_or_service": "Banbury Cross practice",
                 "contact": "01295 000000"}
            ]
        },
        "reason": {
            "reason_for_assessment": "Jay's attendance has fallen to 82% this term.",
            "family_hopes": "Mornings that are less of a battle."
        },
        "childs_views": {
            "views": "\"I hate mornings. I like football club.\"",
            "how_gathered": "Talking while drawing at school."
        },
        "parents_views": {"views": "Mum feels on her own since the separation."},
        "childs_development": triangle(&[
            "health", "learning", "emotional_behavioural_development", "identity",
            "relationships", "self_care"
        ]),
        "parenting_capacity": triangle(&[
            "basic_care", "safety", "emotional_warmth", "stimulation",
            "guidance_and_boundaries", "stability"
        ]),
        "family_and_environment": triangle(&[
            "family_history_and_functioning", "wider_family", "housing",
            "employment_and_income", "community_resources"
        ]),
        "summary": {
            "working_well": "Jay and Mum are close; Nan is nearby.",
            "worries": "Missed school; Mum's low mood.",
            "needs_to_happen": "A morning routine; support for Mum."
        },
        "analysis": {"analysis": "The drop in attendance followed the separation..."},
        "desired_outcomes": {
            "outcomes": [
                {"outcome": "Jay attends school every day", "measure": "Attendance above 95%",
                 "by_when": "2025-12-19"},
                {"outcome": "Mum feels supported", "measure": null, "by_when": null}
            ]
        },
        "plan": {
            "actions": [
                {"action": "Morning routine chart", "who": "Mum and family worker",
                 "by_when": "2025-09-15"}
            ]
        },
        "threshold": {"level": "2", "rationale": "Needs can be met with a TAF."}
    })
}

#[test]
fn a_complete_strengths_and_needs_form_can_be_submitted() {
    let problems = snf_v1().validate(&complete_snf(), Strictness::Submit);
    assert_eq!(problems, vec![]);
}

#[test]
fn an_empty_form_is_a_valid_draft_but_submission_lists_every_required_answer() {
    let template = snf_v1();
    assert_eq!(template.validate(&json!({}), Strictness::Draft), vec![]);
    let problems = template.validate(&json!({}), Strictness::Submit);
    assert!(problems.iter().all(|p| p.message == "is required"));
    assert_eq!(
        paths(&problems),
        vec![
            "consent.involved_in_completing",
            "consent.family_agrees_to_store_and_share",
            "family_and_household.assessment_start_date",
            "reason.reason_for_assessment",
            "childs_views.views",
            "parents_views.views",
            "childs_development.strengths",
            "childs_development.needs",
            "parenting_capacity.strengths",
            "parenting_capacity.needs",
            "family_and_environment.strengths",
            "family_and_environment.needs",
            "summary.working_well",
            "summary.worries",
            "summary.needs_to_happen",
            "analysis.analysis",
            "desired_outcomes.outcomes",
            "threshold.level",
            "threshold.rationale",
        ]
    );
}

#[test]
fn a_level_four_threshold_is_not_an_option_on_the_form() {
    let mut content = complete_snf();
    content["threshold"]["level"] = json!("4");
    let problems = snf_v1().validate(&content, Strictness::Draft);
    assert_eq!(
        problems,
        vec![FieldProblem::new("threshold.level", "must be one of: 2, 3")]
    );
}

#[test]
fn nulls_are_unanswered_questions_in_a_draft() {
    let content = json!({
        "childs_views": {"views": null, "nickname": null},
        "family_members": {"started": null, "agrees": null, "people": [{"name": null}]}
    });
    let template = family_template();
    assert_eq!(template.validate(&content, Strictness::Draft), vec![]);
    assert_eq!(
        paths(&template.validate(&content, Strictness::Submit)),
        vec![
            "childs_views.views",
            "family_members.agrees",
            "family_members.needs",
            "family_members.people[0].name",
        ]
    );
}

#[test]
fn blank_text_and_empty_lists_do_not_answer_a_required_question() {
    let content = json!({
        "childs_views": {"views": "  \n "},
        "family_members": {"agrees": false, "needs": [], "people": []}
    });
    let template = family_template();
    assert_eq!(template.validate(&content, Strictness::Draft), vec![]);
    let problems = template.validate(&content, Strictness::Submit);
    assert_eq!(
        paths(&problems),
        vec![
            "childs_views.views",
            "family_members.needs",
            "family_members.people"
        ]
    );
}

#[test]
fn every_problem_is_reported_with_its_path() {
    let content = json!({
        "childs_views": {"views": 42, "nickname": "Jayjay", "mood": "fine"},
        "family_members": {
            "started": "01/09/2025",
            "agrees": "yes",
            "children": 2.5,
            "level": "4",
            "needs": ["a", "c", "a", 1],
            "people": [
                {"name": "Jay", "born": "2015-02-30"},
                {"name": 7, "age": 10},
                "Mia"
            ]
        },
        "extra": {}
    });
    let problems = family_template().validate(&content, Strictness::Draft);
    assert_eq!(
        problems,
        vec![
            FieldProblem::new("extra", "unknown section"),
            FieldProblem::new("childs_views.mood", "unknown field"),
            FieldProblem::new("childs_views.views", "must be text"),
            FieldProblem::new("childs_views.nickname", "must be at most 5 characters"),
            FieldProblem::new(
                "family_members.started",
                "must be a date in the form YYYY-MM-DD"
            ),
            FieldProblem::new("family_members.agrees", "must be true or false"),
            FieldProblem::new("family_members.children", "must be a whole number"),
            FieldProblem::new("family_members.level", "must be one of: 2, 3"),
            FieldProblem::new("family_members.needs[1]", "must be one of: a, b"),
            FieldProblem::new("family_members.needs[2]", "is chosen more than once"),
            FieldProblem::new("family_members.needs[3]", "must be one of: a, b"),
            FieldProblem::new(
                "family_members.people[0].born",
                "must be a date in the form YYYY-MM-DD"
            ),
            FieldProblem::new("family_members.people[1].age", "unknown field"),
            FieldProblem::new("family_members.people[1].name", "must be text"),
            FieldProblem::new("family_members.people[2]", "must be an object"),
        ]
    );
}

#[test]
fn text_length_is_counted_in_characters_with_defaults_per_kind() {
    let template = family_template();
    let five_accented = json!({"childs_views": {"nickname": "Zoëëë"}});
    assert_eq!(template.validate(&five_accented, Strictness::Draft), vec![]);
    let long = "x".repeat(20_001);
    let problems = template.validate(&json!({"childs_views": {"views": long}}), Strictness::Draft);
    assert_eq!(
        problems,
        vec![FieldProblem::new(
            "childs_views.views",
            "must be at most 20000 characters"
        )]
    );
}

#[test]
fn integers_may_be_negative_or_large() {
    let template = family_template();
    for n in [json!(0), json!(-3), json!(u64::MAX)] {
        let content = json!({"family_members": {"children": n}});
        assert_eq!(template.validate(&content, Strictness::Draft), vec![]);
    }
}

#[test]
fn a_nul_character_is_refused_in_text() {
    let content = json!({"childs_views": {"views": "a\u{0}b"}});
    assert_eq!(
        family_template().validate(&content, Strictness::Draft),
        vec![FieldProblem::new(
            "childs_views.views",
            "must not contain NUL characters"
        )]
    );
}

#[test]
fn content_and_sections_must_be_objects() {
    let template = family_template();
    assert_eq!(
        template.validate(&json!([]), Strictness::Draft),
        vec![FieldProblem::new(
            "content",
            "must be an object keyed by section"
        )]
    );
    assert_eq!(
        template.validate(&json!({"childs_views": "I am fine"}), Strictness::Draft),
        vec![FieldProblem::new(
            "childs_views",
            "must be an object keyed by field"
        )]
    );
    assert_eq!(
        template.validate(&json!({"childs_views": null}), Strictness::Draft),
        vec![]
    );
}

#[test]
fn a_template_with_unknown_attributes_is_refused() {
    let result = serde_json::from_value::<TemplateDefinition>(json!({
        "title": "T",
        "sections": [{"key": "s", "title": "S", "fields": [
            {"key": "f", "label": "F", "type": "text", "mandatory": true}
        ]}]
    }));
    assert!(result.is_err());
    let result = serde_json::from_value::<TemplateDefinition>(json!({
        "title": "T",
        "sections": [{"key": "s", "title": "S", "fields": [
            {"key": "f", "label": "F", "type": "paragraph"}
        ]}]
    }));
    assert!(result.is_err());
}

#[test]
fn a_template_needs_sections_and_fields() {
    let problems = definition(json!({"title": " ", "sections": []}))
        .check()
        .unwrap_err();
    assert_eq!(paths(&problems), vec!["title", "sections"]);
    let problems = definition(json!({
        "title": "T", "sections": [{"key": "s", "title": "S", "fields": []}]
    }))
    .check()
    .unwrap_err();
    assert_eq!(paths(&problems), vec!["sections[0].fields"]);
}

#[test]
fn template_keys_must_be_well_formed_and_unique() {
    let problems = definition(json!({
        "title": "T",
        "sections": [
            {"key": "about", "title": "A", "fields": [
                {"key": "name", "label": "N", "type": "text"},
                {"key": "name", "label": "N again", "type": "text"},
                {"key": "Name", "label": "Capital", "type": "text"},
                {"key": "people", "label": "P", "type": "list", "item_fields": [
                    {"key": "x", "label": "X", "type": "text"},
                    {"key": "x", "label": "X again", "type": "date"}
                ]}
            ]},
            {"key": "about", "title": "Again", "fields": [
                {"key": "name", "label": "N", "type": "text"}
            ]},
            {"key": "2nd", "title": "Digit first", "fields": [
                {"key": "a".repeat(65), "label": "Long", "type": "text"}
            ]}
        ]
    }))
    .check()
    .unwrap_err();
    assert_eq!(
        paths(&problems),
        vec![
            "sections[0].fields[1].key",
            "sections[0].fields[2].key",
            "sections[0].fields[3].item_fields[1].key",
            "sections[1].key",
            "sections[2].key",
            "sections[2].fields[0].key",
        ]
    );
    assert!(problems[0].message.contains("duplicate field key 'name'"));
    assert!(problems[3]
        .message
        .contains("duplicate section key 'about'"));
    assert!(is_valid_key(&"a".repeat(64)));
}

#[test]
fn options_belong_to_selects_and_must_be_distinct() {
    let problems = definition(json!({
        "title": "T",
        "sections": [{"key": "s", "title": "S", "fields": [
            {"key": "a", "label": "A", "type": "select"},
            {"key": "b", "label": "B", "type": "multi_select", "options": [
                {"code": "x", "label": "X"}, {"code": "x", "label": "X2"},
                {"code": " ", "label": ""}
            ]},
            {"key": "c", "label": "C", "type": "text", "options": [{"code": "x", "label": "X"}]}
        ]}]
    }))
    .check()
    .unwrap_err();
    assert_eq!(
        paths(&problems),
        vec![
            "sections[0].fields[0].options",
            "sections[0].fields[1].options[1].code",
            "sections[0].fields[1].options[2].code",
            "sections[0].fields[1].options[2].label",
            "sections[0].fields[2].options",
        ]
    );
}

#[test]
fn lists_need_item_fields_and_cannot_be_nested() {
    let problems = definition(json!({
        "title": "T",
        "sections": [{"key": "s", "title": "S", "fields": [
            {"key": "empty", "label": "E", "type": "list"},
            {"key": "outer", "label": "O", "type": "list", "item_fields": [
                {"key": "inner", "label": "I", "type": "list", "item_fields": [
                    {"key": "x", "label": "X", "type": "text"}
                ]}
            ]},
            {"key": "plain", "label": "P", "type": "text", "item_fields": [
                {"key": "x", "label": "X", "type": "text"}
            ]}
        ]}]
    }))
    .check()
    .unwrap_err();
    assert_eq!(
        paths(&problems),
        vec![
            "sections[0].fields[0].item_fields",
            "sections[0].fields[1].item_fields[0].type",
            "sections[0].fields[2].item_fields",
        ]
    );
}

#[test]
fn max_length_is_only_for_text_and_within_bounds() {
    let problems = definition(json!({
        "title": "T",
        "sections": [{"key": "s", "title": "S", "fields": [
            {"key": "a", "label": "A", "type": "date", "max_length": 10},
            {"key": "b", "label": "B", "type": "text", "max_length": 0},
            {"key": "c", "label": "C", "type": "long_text", "max_length": 100001},
            {"key": "d", "label": "D", "type": "long_text", "max_length": 50000}
        ]}]
    }))
    .check()
    .unwrap_err();
    assert_eq!(
        paths(&problems),
        vec![
            "sections[0].fields[0].max_length",
            "sections[0].fields[1].max_length",
            "sections[0].fields[2].max_length",
        ]
    );
}
