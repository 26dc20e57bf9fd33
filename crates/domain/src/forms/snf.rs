//! The Strengths and Needs form, version 1: the template `earlyhelp migrate` publishes, built
//! from the sections of the authority's paper Early Help Assessment and its Strengths and
//! Needs guidance.

use super::{CodeOption, Field, FieldKind, Section, TemplateDefinition};

// ---------------------------------------------------------------------------------------------
// The seeded Strengths and Needs form, version 1

/// Version 1 of the Strengths and Needs form, seeded at install so the service works before an
/// admin publishes anything.
///
/// Its sections follow the order a practitioner fills them in: consent first (nothing may be
/// recorded without it), then the family, the reason, the child's and the parents' own views
/// (before the professional's judgement, so they shape it), the three sides of the assessment
/// triangle, the three questions, the analysis, and finally the outcomes, the plan and the
/// threshold level. Required answers are the ones LCSS reviewers check for: consent, the
/// child's voice, the family's views, evidenced strengths and needs, real analysis,
/// measurable outcomes and a reasoned threshold.
pub fn snf_v1() -> TemplateDefinition {
    TemplateDefinition {
        title: "Strengths and Needs Form".into(),
        sections: vec![
            section(
                "consent",
                "Consent and who was involved",
                Some(
                    "Early help is voluntary. Record who took part and what the family agreed \
                     to about storing and sharing this assessment.",
                ),
                vec![
                    long_text(
                        "involved_in_completing",
                        "Who was involved in completing this assessment",
                    )
                    .mandatory()
                    .hint(
                        "The child or young person, parents and carers, and any professionals \
                         who contributed.",
                    ),
                    boolean(
                        "family_agrees_to_store_and_share",
                        "The family agrees to this assessment being stored and shared with the \
                         professionals and agencies who can help",
                    )
                    .mandatory(),
                    long_text("copy_recipients", "Who should receive a copy"),
                    long_text(
                        "not_to_be_shared_with",
                        "Anyone the family does not want to see this assessment",
                    )
                    .hint("A named person or agency that must not be given access to it."),
                ],
            ),
            section(
                "family_and_household",
                "Family and household",
                Some(
                    "The children and adults themselves are recorded on the family record; \
                     this section adds what helps to understand the household and the people \
                     around it.",
                ),
                vec![
                    date("assessment_start_date", "Date the assessment started").mandatory(),
                    long_text("household", "Who lives in the household"),
                    text(
                        "first_language_child",
                        "First language of the child or children",
                    )
                    .limit(100),
                    text(
                        "first_language_parents",
                        "First language of the parents or carers",
                    )
                    .limit(100),
                    boolean("interpreter_needed", "An interpreter is needed"),
                    text(
                        "interpreter_language",
                        "Language the interpreter is needed for",
                    )
                    .limit(100),
                    list(
                        "connected_people",
                        "Other family members and connected people",
                        vec![
                            text("name", "Name").limit(200).mandatory(),
                            text("relationship", "Relationship to the child")
                                .limit(200)
                                .mandatory(),
                            boolean("lives_in_household", "Lives in the household"),
                            long_text("views", "Their views"),
                        ],
                    )
                    .hint(
                        "Extended family, friends and others who matter to the child, whether \
                         or not they live in the home, and what they think.",
                    ),
                    list(
                        "professionals_involved",
                        "Professionals already involved",
                        vec![
                            text("role", "Role").limit(200).mandatory().hint(
                                "For example GP, school, health visitor, mental health service.",
                            ),
                            text("name_or_service", "Name or service")
                                .limit(200)
                                .mandatory(),
                            text("contact", "Contact details").limit(200),
                            long_text("views", "Their view"),
                        ],
                    ),
                ],
            ),
            section(
                "reason",
                "Reason for the assessment",
                None,
                vec![
                    long_text(
                        "reason_for_assessment",
                        "Why this assessment is being completed now",
                    )
                    .mandatory(),
                    long_text("family_hopes", "What the family hopes will change"),
                ],
            ),
            section(
                "childs_views",
                "The child's own views",
                None,
                vec![
                    long_text("views", "What the child or young person says")
                        .mandatory()
                        .hint(
                            "In their own words where possible, for each child. For a baby or a \
                         child who does not speak, what you observed of them.",
                        ),
                    long_text("how_gathered", "How their views were gathered")
                        .hint("For example a conversation, drawings, three houses, observation."),
                ],
            ),
            section(
                "parents_views",
                "Parents' and carers' views",
                None,
                vec![long_text("views", "What the parents or carers say")
                    .mandatory()
                    .hint(
                        "Each parent's or carer's own view, including any who do not live with \
                         the child.",
                    )],
            ),
            triangle_side(
                "childs_development",
                "Child's development",
                &[
                    ("health", "Health"),
                    ("learning", "Learning"),
                    (
                        "emotional_behavioural_development",
                        "Emotional and behavioural development",
                    ),
                    ("identity", "Identity"),
                    ("relationships", "Family and social relationships"),
                    ("self_care", "Self-care skills"),
                ],
            ),
            triangle_side(
                "parenting_capacity",
                "Parenting capacity",
                &[
                    ("basic_care", "Basic care"),
                    ("safety", "Ensuring safety"),
                    ("emotional_warmth", "Emotional warmth"),
                    ("stimulation", "Stimulation"),
                    ("guidance_and_boundaries", "Guidance and boundaries"),
                    ("stability", "Stability"),
                ],
            ),
            triangle_side(
                "family_and_environment",
                "Family and environment",
                &[
                    (
                        "family_history_and_functioning",
                        "Family history and functioning",
                    ),
                    ("wider_family", "Wider family"),
                    ("housing", "Housing"),
                    ("employment_and_income", "Employment and income"),
                    ("community_resources", "Community resources"),
                ],
            ),
            section(
                "summary",
                "Working well, worries and what needs to happen",
                None,
                vec![
                    long_text("working_well", "What is working well").mandatory(),
                    long_text("worries", "What we are worried about").mandatory(),
                    long_text("needs_to_happen", "What needs to happen").mandatory(),
                ],
            ),
            section(
                "analysis",
                "Analysis",
                None,
                vec![long_text("analysis", "Analysis").mandatory().hint(
                    "What the information means for the child: why things are as they are, how \
                     the strengths and needs affect each other, and what is likely to happen if \
                     nothing changes. Analysis rather than description.",
                )],
            ),
            section(
                "desired_outcomes",
                "Desired outcomes",
                None,
                vec![list(
                    "outcomes",
                    "What the family wants to be different",
                    vec![
                        text("outcome", "Outcome")
                            .mandatory()
                            .hint("Specific and measurable, in the family's words where possible."),
                        text("measure", "How we will know"),
                        date("by_when", "By when"),
                    ],
                )
                .mandatory()],
            ),
            section(
                "plan",
                "The plan",
                Some("The actions agreed with the family and the Team Around the Family."),
                vec![list(
                    "actions",
                    "Actions",
                    vec![
                        text("action", "What will be done").mandatory(),
                        text("who", "Who").limit(200).mandatory(),
                        date("by_when", "By when"),
                    ],
                )],
            ),
            section(
                "threshold",
                "Threshold level",
                None,
                vec![
                    select(
                        "level",
                        "Threshold of needs",
                        &[("2", "Level 2: Vulnerable"), ("3", "Level 3: Complex")],
                    )
                    .mandatory()
                    .hint(
                        "Early help works at levels 2 and 3. Level 4 (critical) needs a referral \
                         to the MASH, not an early help assessment.",
                    ),
                    long_text("rationale", "Why this level").mandatory(),
                ],
            ),
        ],
    }
}

/// One side of the assessment triangle: an optional answer per area, then the two summaries
/// the reviewer looks for, which are required.
fn triangle_side(key: &str, title: &str, areas: &[(&str, &str)]) -> Section {
    let mut fields: Vec<Field> = areas
        .iter()
        .map(|(key, label)| long_text(key, label))
        .collect();
    fields.push(
        long_text("strengths", "Strengths: summary")
            .mandatory()
            .hint("What is going well in these areas, with the evidence for it."),
    );
    fields.push(
        long_text("needs", "Needs: summary")
            .mandatory()
            .hint("What needs to change in these areas, with the evidence for it."),
    );
    section(
        key,
        title,
        Some("Strengths and needs in each area; summarise both at the end."),
        fields,
    )
}

fn section(key: &str, title: &str, description: Option<&str>, fields: Vec<Field>) -> Section {
    Section {
        key: key.into(),
        title: title.into(),
        description: description.map(Into::into),
        fields,
    }
}

fn field(key: &str, label: &str, kind: FieldKind) -> Field {
    Field {
        key: key.into(),
        label: label.into(),
        kind,
        required: false,
        options: Vec::new(),
        max_length: None,
        item_fields: Vec::new(),
        help: None,
    }
}

fn text(key: &str, label: &str) -> Field {
    field(key, label, FieldKind::Text)
}

fn long_text(key: &str, label: &str) -> Field {
    field(key, label, FieldKind::LongText)
}

fn date(key: &str, label: &str) -> Field {
    field(key, label, FieldKind::Date)
}

fn boolean(key: &str, label: &str) -> Field {
    field(key, label, FieldKind::Boolean)
}

fn select(key: &str, label: &str, options: &[(&str, &str)]) -> Field {
    Field {
        options: options
            .iter()
            .map(|(code, label)| CodeOption {
                code: (*code).into(),
                label: (*label).into(),
            })
            .collect(),
        ..field(key, label, FieldKind::Select)
    }
}

fn list(key: &str, label: &str, item_fields: Vec<Field>) -> Field {
    Field {
        item_fields,
        ..field(key, label, FieldKind::List)
    }
}

impl Field {
    fn mandatory(mut self) -> Self {
        self.required = true;
        self
    }

    fn hint(mut self, help: &str) -> Self {
        self.help = Some(help.into());
        self
    }

    fn limit(mut self, max_length: u32) -> Self {
        self.max_length = Some(max_length);
        self
    }
}
