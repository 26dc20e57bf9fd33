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
