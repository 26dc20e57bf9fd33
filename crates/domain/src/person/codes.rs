//! The coded characteristics the Children in Need (CIN) census asks for, with its codes, so
//! figures can be returned to the DfE without a translation table.

use serde::{Deserialize, Serialize};

/// A code that is not in one of the fixed code lists (sex, ethnicity, disability...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {list} code '{code}'; expected one of {expected}")]
pub struct UnknownCode {
    /// Which list was being read: "ethnicity", "disability"...
    pub list: &'static str,
    /// What was given.
    pub code: String,
    /// The valid codes, comma-separated, so a client can show them without a second request.
    pub expected: String,
}

impl UnknownCode {
    fn new<T: Copy>(
        list: &'static str,
        code: &str,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Self {
        Self {
            list,
            code: code.to_owned(),
            expected: all.iter().map(|c| name(*c)).collect::<Vec<_>>().join(", "),
        }
    }
}

/// Implements `ALL`, `as_str` and the `UnknownCode` its derived `FromStr` refuses with, for a
/// fixed code list whose names come from its strum derives.
macro_rules! code_list {
    ($ty:ident, $list:literal, [$($variant:ident),+ $(,)?]) => {
        impl $ty {
            pub const ALL: [$ty; [$($ty::$variant),+].len()] = [$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                self.into()
            }

            fn unknown(code: &str) -> UnknownCode {
                UnknownCode::new($list, code, &$ty::ALL, $ty::as_str)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Sex

/// Sex as the CIN census records it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[strum(parse_err_ty = UnknownCode, parse_err_fn = Self::unknown)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum Sex {
    M,
    F,
    /// Not known, including an unborn child.
    U,
}

code_list!(Sex, "sex", [M, F, U]);

// ---------------------------------------------------------------------------------------------
// Ethnicity

/// The DfE ethnicity codes of the CIN census. Variant names are the codes themselves, so a
/// census return and a database row read the same.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "UPPERCASE")]
#[strum(
    serialize_all = "UPPERCASE",
    parse_err_ty = UnknownCode,
    parse_err_fn = Self::unknown
)]
pub enum Ethnicity {
    Wbri,
    Wiri,
    Wirt,
    Woth,
    Wrom,
    Mwbc,
    Mwba,
    Mwas,
    Moth,
    Aind,
    Apkn,
    Aban,
    Aoth,
    Bcrb,
    Bafr,
    Both,
    Chne,
    Ooth,
    Refu,
    Nobt,
}

impl Ethnicity {
    /// The wording the DfE guidance uses, for drop-downs and reports.
    pub const fn description(self) -> &'static str {
        match self {
            Ethnicity::Wbri => "White British",
            Ethnicity::Wiri => "White Irish",
            Ethnicity::Wirt => "Traveller of Irish heritage",
            Ethnicity::Woth => "Any other White background",
            Ethnicity::Wrom => "Gypsy/Roma",
            Ethnicity::Mwbc => "White and Black Caribbean",
            Ethnicity::Mwba => "White and Black African",
            Ethnicity::Mwas => "White and Asian",
            Ethnicity::Moth => "Any other mixed background",
            Ethnicity::Aind => "Indian",
            Ethnicity::Apkn => "Pakistani",
            Ethnicity::Aban => "Bangladeshi",
            Ethnicity::Aoth => "Any other Asian background",
            Ethnicity::Bcrb => "Black Caribbean",
            Ethnicity::Bafr => "Black African",
            Ethnicity::Both => "Any other Black background",
            Ethnicity::Chne => "Chinese",
            Ethnicity::Ooth => "Any other ethnic group",
            Ethnicity::Refu => "Information refused",
            Ethnicity::Nobt => "Information not yet obtained",
        }
    }
}

code_list!(
    Ethnicity,
    "ethnicity",
    [
        Wbri, Wiri, Wirt, Woth, Wrom, Mwbc, Mwba, Mwas, Moth, Aind, Apkn, Aban, Aoth, Bcrb, Bafr,
        Both, Chne, Ooth, Refu, Nobt
    ]
);

// ---------------------------------------------------------------------------------------------
// Disability

/// The DfE disability codes of the CIN census. A child may have several; `None` stands alone.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "UPPERCASE")]
#[strum(
    serialize_all = "UPPERCASE",
    parse_err_ty = UnknownCode,
    parse_err_fn = Self::unknown
)]
pub enum Disability {
    None,
    Mob,
    Hand,
    Pc,
    Inc,
    Comm,
    Ld,
    Hear,
    Vis,
    Beh,
    Con,
    Aut,
    Dda,
}

impl Disability {
    pub const fn description(self) -> &'static str {
        match self {
            Disability::None => "No disability",
            Disability::Mob => "Mobility (getting about the house and beyond)",
            Disability::Hand => "Hand function (holding and touching)",
            Disability::Pc => "Personal care (eating, washing, dressing, going to the toilet)",
            Disability::Inc => "Incontinence (controlling the passage of urine or faeces)",
            Disability::Comm => "Communication (speaking and/or understanding others)",
            Disability::Ld => "Learning (or understanding or concentrating)",
            Disability::Hear => "Hearing",
            Disability::Vis => "Vision",
            Disability::Beh => "Behaviour (a condition entailing behavioural difficulties)",
            Disability::Con => "Consciousness (seizures)",
            Disability::Aut => "Autism or Asperger syndrome (diagnosed)",
            Disability::Dda => "Other disability (Disability Discrimination Act)",
        }
    }
}

code_list!(
    Disability,
    "disability",
    [None, Mob, Hand, Pc, Inc, Comm, Ld, Hear, Vis, Beh, Con, Aut, Dda]
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidDisability {
    #[error(transparent)]
    Unknown(#[from] UnknownCode),
    #[error("NONE (no disability) cannot be combined with another disability code")]
    NoneWithOthers,
}

/// Reads a list of disability codes into a sorted, duplicate-free list.
///
/// "NONE" together with a disability is a contradiction the census would reject, so it is
/// refused here rather than silently dropped. The error carries the index of the offending
/// entry (for `NoneWithOthers`, the index of "NONE") so a client can point at it.
pub fn parse_disabilities(raw: &[String]) -> Result<Vec<Disability>, (usize, InvalidDisability)> {
    let mut codes = Vec::with_capacity(raw.len());
    for (index, code) in raw.iter().enumerate() {
        let code = code.parse::<Disability>().map_err(|e| (index, e.into()))?;
        codes.push(code);
    }
    if codes.len() > 1 {
        if let Some(index) = codes.iter().position(|c| *c == Disability::None) {
            if codes.iter().any(|c| *c != Disability::None) {
                return Err((index, InvalidDisability::NoneWithOthers));
            }
        }
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

// ---------------------------------------------------------------------------------------------
// Family members

/// Whether a family member is a child (the subject of early help) or an adult in their life.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownCode,
    parse_err_fn = Self::unknown
)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum MemberKind {
    Child,
    Adult,
}

code_list!(MemberKind, "member kind", [Child, Adult]);

/// How one family member is related to another (read as "A is B's ...").
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownCode,
    parse_err_fn = Self::unknown
)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum RelationshipKind {
    Parent,
    StepParent,
    /// A carer who is not a parent: kinship carer, special guardian, foster carer.
    Carer,
    Sibling,
    Grandparent,
    Other,
}

code_list!(
    RelationshipKind,
    "relationship",
    [Parent, StepParent, Carer, Sibling, Grandparent, Other]
);

// ---------------------------------------------------------------------------------------------
// Referral source and reason for closure (a child's case with Children's Social Care)

/// Who referred a child to Children's Social Care, as the CIN census codes it. Early help
/// stepping a case up refers as `5D`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[strum(parse_err_ty = UnknownCode, parse_err_fn = Self::unknown)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum ReferralSource {
    #[serde(rename = "1A")]
    #[strum(serialize = "1A")]
    IndividualFamily,
    #[serde(rename = "1B")]
    #[strum(serialize = "1B")]
    IndividualAcquaintance,
    #[serde(rename = "1C")]
    #[strum(serialize = "1C")]
    IndividualSelf,
    #[serde(rename = "1D")]
    #[strum(serialize = "1D")]
    IndividualOther,
    #[serde(rename = "2A")]
    #[strum(serialize = "2A")]
    Schools,
    #[serde(rename = "2B")]
    #[strum(serialize = "2B")]
    EducationServices,
    #[serde(rename = "3A")]
    #[strum(serialize = "3A")]
    HealthGp,
    #[serde(rename = "3B")]
    #[strum(serialize = "3B")]
    HealthVisitor,
    #[serde(rename = "3C")]
    #[strum(serialize = "3C")]
    HealthSchoolNurse,
    #[serde(rename = "3D")]
    #[strum(serialize = "3D")]
    HealthOtherPrimary,
    #[serde(rename = "3E")]
    #[strum(serialize = "3E")]
    HealthEmergency,
    #[serde(rename = "3F")]
    #[strum(serialize = "3F")]
    HealthOther,
    #[serde(rename = "4")]
    #[strum(serialize = "4")]
    Housing,
    #[serde(rename = "5A")]
    #[strum(serialize = "5A")]
    LaSocialCare,
    #[serde(rename = "5B")]
    #[strum(serialize = "5B")]
    LaOtherInternal,
    #[serde(rename = "5C")]
    #[strum(serialize = "5C")]
    LaExternal,
    #[serde(rename = "5D")]
    #[strum(serialize = "5D")]
    LaEarlyHelp,
    #[serde(rename = "6")]
    #[strum(serialize = "6")]
    Police,
    #[serde(rename = "7")]
    #[strum(serialize = "7")]
    OtherLegalAgency,
    #[serde(rename = "8")]
    #[strum(serialize = "8")]
    Other,
    #[serde(rename = "9")]
    #[strum(serialize = "9")]
    Anonymous,
    #[serde(rename = "10")]
    #[strum(serialize = "10")]
    Unknown,
}

impl ReferralSource {
    /// The census's description of the code.
    pub const fn description(self) -> &'static str {
        match self {
            ReferralSource::IndividualFamily => "Individual - family member/relative/carer",
            ReferralSource::IndividualAcquaintance => {
                "Individual - acquaintance (including neighbours and child minders)"
            }
            ReferralSource::IndividualSelf => "Individual - self",
            ReferralSource::IndividualOther => "Individual - other",
            ReferralSource::Schools => "Schools",
            ReferralSource::EducationServices => "Education services",
            ReferralSource::HealthGp => "Health services - GP",
            ReferralSource::HealthVisitor => "Health services - health visitor",
            ReferralSource::HealthSchoolNurse => "Health services - school nurse",
            ReferralSource::HealthOtherPrimary => "Health services - other primary health services",
            ReferralSource::HealthEmergency => "Health services - A&E (emergency department)",
            ReferralSource::HealthOther => "Health services - other",
            ReferralSource::Housing => "Housing",
            ReferralSource::LaSocialCare => "LA services - social care e.g. adults social care",
            ReferralSource::LaOtherInternal => "LA services - other internal",
            ReferralSource::LaExternal => {
                "LA services - external e.g. from another LA's adult social care"
            }
            ReferralSource::LaEarlyHelp => "LA services - early help",
            ReferralSource::Police => "Police",
            ReferralSource::OtherLegalAgency => "Other legal agency",
            ReferralSource::Other => "Other",
            ReferralSource::Anonymous => "Anonymous",
            ReferralSource::Unknown => "Unknown",
        }
    }
}

code_list!(
    ReferralSource,
    "referral source",
    [
        IndividualFamily,
        IndividualAcquaintance,
        IndividualSelf,
        IndividualOther,
        Schools,
        EducationServices,
        HealthGp,
        HealthVisitor,
        HealthSchoolNurse,
        HealthOtherPrimary,
        HealthEmergency,
        HealthOther,
        Housing,
        LaSocialCare,
        LaOtherInternal,
        LaExternal,
        LaEarlyHelp,
        Police,
        OtherLegalAgency,
        Other,
        Anonymous,
        Unknown,
    ]
);

/// Why a child's case with Children's Social Care closed, as the CIN census codes it. A case
/// stepped down to early help closes as `RC9`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "UPPERCASE")]
#[strum(
    serialize_all = "UPPERCASE",
    parse_err_ty = UnknownCode,
    parse_err_fn = Self::unknown
)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum CscClosureReason {
    Rc1,
    Rc2,
    Rc3,
    Rc4,
    Rc5,
    Rc6,
    Rc7,
    Rc8,
    Rc9,
}

impl CscClosureReason {
    /// The census's description of the code.
    pub const fn description(self) -> &'static str {
        match self {
            CscClosureReason::Rc1 => "Adopted",
            CscClosureReason::Rc2 => "Died",
            CscClosureReason::Rc3 => "Child arrangements order",
            CscClosureReason::Rc4 => "Special guardianship order",
            CscClosureReason::Rc5 => "Transferred to services of another local authority",
            CscClosureReason::Rc6 => "Transferred to adult social care services",
            CscClosureReason::Rc7 => {
                "Services ceased for any other reason, including child no longer in need"
            }
            CscClosureReason::Rc8 => "Case closed after assessment, no further action",
            CscClosureReason::Rc9 => "Case closed after assessment, referred to early help",
        }
    }
}

code_list!(
    CscClosureReason,
    "reason for closure",
    [Rc1, Rc2, Rc3, Rc4, Rc5, Rc6, Rc7, Rc8, Rc9]
);

#[cfg(test)]
mod social_care_code_tests {
    use super::*;

    #[test]
    fn referral_sources_are_the_census_codes_in_order() {
        let codes: Vec<&str> = ReferralSource::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            codes,
            [
                "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A",
                "5B", "5C", "5D", "6", "7", "8", "9", "10"
            ]
        );
        for code in ReferralSource::ALL {
            assert_eq!(code.as_str().parse::<ReferralSource>(), Ok(code));
            assert_eq!(
                serde_json::to_string(&code).unwrap(),
                format!("\"{}\"", code.as_str())
            );
            assert!(!code.description().is_empty());
        }
        assert_eq!(
            ReferralSource::LaEarlyHelp.description(),
            "LA services - early help"
        );
        let unknown = "5E".parse::<ReferralSource>().unwrap_err();
        assert!(unknown.to_string().contains("1A, 1B"), "{unknown}");
        assert!("5d".parse::<ReferralSource>().is_err());
    }

    #[test]
    fn closure_reasons_are_rc1_to_rc9() {
        let codes: Vec<&str> = CscClosureReason::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            codes,
            ["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"]
        );
        for code in CscClosureReason::ALL {
            assert_eq!(code.as_str().parse::<CscClosureReason>(), Ok(code));
            assert_eq!(
                serde_json::to_string(&code).unwrap(),
                format!("\"{}\"", code.as_str())
            );
        }
        assert_eq!(
            CscClosureReason::Rc9.description(),
            "Case closed after assessment, referred to early help"
        );
        assert!("RC0".parse::<CscClosureReason>().is_err());
    }
}
