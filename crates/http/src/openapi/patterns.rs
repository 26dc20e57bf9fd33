//! The patterns of the API document: what each checked text of a request may be, written once
//! as a regular expression, so that generated clients and fuzzers know the server's rules.
//!
//! Each pattern restates one check of the server, named beside it, and is built from the same
//! tables (white space as `char::is_whitespace`, control characters as `char::is_control`, the
//! invisible characters of [`earlyhelp_domain::text::INVISIBLE`]); the tests below hold every
//! pattern to its check on a table of awkward samples. A pattern admits nothing its check
//! refuses, with one exception at the length limit of names (see [`single_line`]); where a rule
//! is beyond a pattern (a check digit, a cursor's content) the schema also names a `format`
//! (`nhs-number`, `upn`, `cursor`) and says so, and where the document is stricter than the
//! check (a mailbox's name part) its description says so.
//!
//! A pattern that admits no empty or blank value is the schema's minimum: such a schema gets no
//! `minLength: 1` beside it, which would say nothing more and which schemathesis' coverage phase
//! (given both) spends seconds on per field, then generates nothing for the whole operation.
//!
//! The patterns are read alike by ECMA-262 (as JSON Schema reads them, by code point), Python's
//! `re` and Rust's `regex`: character classes, groups, alternation and counted repetition only
//! (no look-around, no back-references), characters of the Basic Multilingual Plane written
//! `\uXXXX` and those beyond it written as themselves (Python cannot read `\u{...}`).

use earlyhelp_domain::text::INVISIBLE;

/// A set of characters: sorted, disjoint, inclusive ranges of code points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chars(Vec<(u32, u32)>);

impl Chars {
    pub fn of(ranges: &[(char, char)]) -> Self {
        Self::normalised(
            ranges
                .iter()
                .map(|&(low, high)| (u32::from(low), u32::from(high)))
                .collect(),
        )
    }

    fn normalised(mut ranges: Vec<(u32, u32)>) -> Self {
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (low, high) in ranges {
            match merged.last_mut() {
                Some(last) if low <= last.1.saturating_add(1) => last.1 = last.1.max(high),
                _ => merged.push((low, high)),
            }
        }
        Self(merged)
    }

    pub fn union(&self, other: &Chars) -> Self {
        Self::normalised(self.0.iter().chain(&other.0).copied().collect())
    }

    pub fn minus(&self, other: &Chars) -> Self {
        let mut ranges = Vec::new();
        for &(low, high) in &self.0 {
            let mut start = low;
            for &(cut_low, cut_high) in &other.0 {
                if cut_high < start || cut_low > high {
                    continue;
                }
                if cut_low > start {
                    ranges.push((start, cut_low - 1));
                }
                start = cut_high.saturating_add(1);
                if start > high {
                    break;
                }
            }
            if start <= high {
                ranges.push((start, high));
            }
        }
        Self(ranges)
    }

    /// The class of these characters: `[...]`.
    pub fn class(&self) -> String {
        format!("[{}]", self.members())
    }

    /// The class of every other character: `[^...]`.
    pub fn negated(&self) -> String {
        format!("[^{}]", self.members())
    }

    fn members(&self) -> String {
        let mut out = String::new();
        for &(low, high) in &self.0 {
            out.push_str(&escape(low));
            if high > low {
                out.push('-');
                out.push_str(&escape(high));
            }
        }
        out
    }
}

/// One character of a class: `\uXXXX` in the Basic Multilingual Plane, itself beyond it.
fn escape(code: u32) -> String {
    match char::from_u32(code) {
        Some(c) if code > 0xFFFF => c.to_string(),
        _ => format!("\\u{code:04X}"),
    }
}

/// White space, as `char::is_whitespace` (Unicode White_Space): what `str::trim` removes.
pub fn white_space() -> Chars {
    Chars::of(&[
        ('\t', '\r'),
        (' ', ' '),
        ('\u{85}', '\u{85}'),
        ('\u{A0}', '\u{A0}'),
        ('\u{1680}', '\u{1680}'),
        ('\u{2000}', '\u{200A}'),
        ('\u{2028}', '\u{2029}'),
        ('\u{202F}', '\u{202F}'),
        ('\u{205F}', '\u{205F}'),
        ('\u{3000}', '\u{3000}'),
    ])
}

/// Control characters, as `char::is_control` (Unicode category Cc); NUL among them.
pub fn control() -> Chars {
    Chars::of(&[('\0', '\u{1F}'), ('\u{7F}', '\u{9F}')])
}

/// The characters names may not hold: [`earlyhelp_domain::text::INVISIBLE`].
pub fn invisible() -> Chars {
    Chars::of(INVISIBLE)
}

fn just(c: char) -> Chars {
    Chars::of(&[(c, c)])
}

/// Text that is trimmed, then checked: surrounding white space (less `barred`, refused
/// anywhere) goes; what remains is 1 to `max` characters, none of them `inner_barred` or
/// `barred`, the first and last not white space. With `blank`, nothing at all is also allowed.
fn trimmed(max: usize, inner_barred: &Chars, barred: &Chars, blank: bool) -> String {
    let space = white_space().minus(barred).class();
    let inner_barred = inner_barred.union(barred);
    let inner = inner_barred.negated();
    let end = inner_barred.union(&white_space()).negated();
    let text = match max {
        0 => String::new(),
        1 => end.clone(),
        _ => format!("{end}(?:{inner}{{0,{}}}{end})?", max - 2),
    };
    if blank || max == 0 {
        format!("^{space}*(?:{text})?{space}*$")
    } else {
        format!("^{space}*{text}{space}*$")
    }
}

/// `earlyhelp_domain::directory::single_line` (names of people, organisations, localities and
/// users): trimmed, then 1 to `max` characters without control characters, and nothing
/// invisible anywhere. The check counts characters after Unicode normalisation (NFC), the
/// pattern as sent: a name typed decomposed counts its combining marks here (stricter), and
/// one holding one of the few characters NFC writes as two (U+0958, U+FB2A...) counts them
/// once here (at the limit, looser).
pub fn single_line(max: usize) -> String {
    trimmed(max, &control(), &invisible(), false)
}

/// `earlyhelp_domain::directory::optional_line` (a work contact, a role in a plan): empty or
/// blank is none, anything else `single_line`.
pub fn optional_line(max: usize) -> String {
    trimmed(max, &control(), &invisible(), true)
}

/// `earlyhelp_domain::directory::optional_text` (contact details, notes): trimmed, then at most
/// `max` characters, line breaks allowed but no other control characters; empty or blank is
/// none.
pub fn optional_text(max: usize) -> String {
    trimmed(max, &control().minus(&just('\n')), &Chars(Vec::new()), true)
}

/// `required_text` of the episode handlers (rationales, reasons): `optional_text` that is not
/// blank.
pub fn required_text(max: usize) -> String {
    trimmed(
        max,
        &control().minus(&just('\n')),
        &Chars(Vec::new()),
        false,
    )
}

/// The directory's search text: trimmed, then 1 to `max` characters without control
/// characters.
pub fn search_text(max: usize) -> String {
    trimmed(max, &control(), &Chars(Vec::new()), false)
}

/// The control characters review text may hold: tab and line breaks.
fn review_control() -> Chars {
    control().minus(&Chars::of(&[('\t', '\n'), ('\r', '\r')]))
}

/// A review's feedback (`earlyhelp_domain::review::check_decision`): no control characters
/// but tab and line breaks anywhere, then trimmed and at most `max` characters; `required`
/// (returning a form) not blank.
pub fn feedback(max: usize, required: bool) -> String {
    trimmed(max, &Chars(Vec::new()), &review_control(), !required)
}

/// A criterion's comment (`earlyhelp_domain::review::check_decision`): at most `max`
/// characters as sent, no control characters but tab and line breaks.
pub fn comment(max: usize) -> String {
    format!("^{}{{0,{max}}}$", review_control().negated())
}

/// A mailbox as `earlyhelp_domain::Email::parse` takes it, trimmed: a name part, `@` and a
/// domain of dot-separated labels, no white space or control characters. The check measures
/// the name part in bytes (at most 64), so the pattern admits ASCII there; and the domain
/// leaves out `İ`, the one character lower-casing lengthens.
fn mailbox() -> String {
    let unusable = white_space().union(&control()).union(&just('@'));
    let name = Chars::of(&[('!', '~')]).minus(&unusable).class();
    let label = unusable.union(&just('.')).union(&just('\u{130}')).negated();
    format!("{name}{{1,64}}@{label}+(?:\\.{label}+)+")
}

/// A sign-in email: `earlyhelp_domain::Email::parse`. Give it `maxLength` 254 (the check's
/// limit, counted without the surrounding white space).
pub fn email() -> String {
    let space = white_space().class();
    format!("^{space}*{}{space}*$", mailbox())
}

/// A contact mailbox (`contact_email` of the locality handlers): `optional_text` of 254
/// characters that is then a mailbox; empty or blank is none. Give it `maxLength` 254.
pub fn contact_email() -> String {
    let space = white_space().class();
    format!("^{space}*(?:{})?{space}*$", mailbox())
}

/// Each class followed by optional white space: the postcode check drops white space anywhere.
fn spaced(classes: &[&str]) -> String {
    let space = white_space().class();
    classes.iter().map(|c| format!("{c}{space}*")).collect()
}

/// A UK postcode as `earlyhelp_workflows::people::postcode` takes it: white space anywhere is
/// dropped and letters are upper-cased, then an outward code (A9, A99, A9A, AA9, AA99, AA9A)
/// and an inward code (9AA), or GIR 0AA; empty or blank is none.
pub fn postcode() -> String {
    let space = white_space().class();
    let letter = "[A-Za-z]";
    let outward = format!("(?:{letter}{space}*){{1,2}}[0-9]{space}*(?:[A-Za-z0-9]{space}*)?");
    let inward = spaced(&["[0-9]", letter, letter]);
    let giro = spaced(&["[Gg]", "[Ii]", "[Rr]", "0", "[Aa]", "[Aa]"]);
    format!("^{space}*(?:{outward}{inward}|{giro})?$")
}

/// A postcode as stored and answered: upper case, one space before the inward code.
pub const STORED_POSTCODE: &str = "^(?:[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}|GIR 0AA)$";

/// The shape of an NHS number as `earlyhelp_domain::person::NhsNumber::parse` takes it
/// (blank is none): ten digits, grouped with spaces or hyphens as the writer likes. The check
/// digit, and the refusal of ten equal digits, are beyond the pattern: `format: nhs-number`.
pub fn nhs_number() -> String {
    let space = white_space().class();
    format!("^{space}*(?:[ -]*(?:[0-9][ -]*){{10}})?{space}*$")
}

/// An NHS number as stored and answered: the ten digits.
pub const STORED_NHS_NUMBER: &str = "^[0-9]{10}$";

/// The letters of a UPN's check letter and of a temporary UPN's last character, in either case:
/// A to Z but I, O and S.
const UPN_LETTER: &str = "[A-HJ-NP-RT-Za-hj-np-rt-z]";

/// The shape of a Unique Pupil Number as `earlyhelp_domain::person::Upn::parse` takes it (blank
/// is none): a check letter, 11 digits, then a digit or letter, in either case. Whether the
/// check letter is right is beyond the pattern: `format: upn`.
pub fn upn() -> String {
    let space = white_space().class();
    format!("^{space}*(?:{UPN_LETTER}[0-9]{{11}}(?:[0-9]|{UPN_LETTER}))?{space}*$")
}

/// A UPN as stored and answered: upper case.
pub const STORED_UPN: &str = "^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$";

/// A keyset cursor (`earlyhelp_persistence::pagination::Cursor::decode`): unpadded base64url
/// as the `base64` crate's `URL_SAFE_NO_PAD` reads it (no `=`, unused trailing bits zero, so
/// no length of 4n+1), of a JSON object with the last row's sort key and id. That the text
/// decodes to such an object is beyond the pattern: `format: cursor`.
pub const CURSOR: &str =
    "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-][AQgw]|[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048])?$";

/// The shortest cursor: the base64url of `{"k":"","i":"<32 hex digits>"}`, 47 bytes.
pub const CURSOR_MIN_LENGTH: usize = 63;

/// A form template's name, and the key of a section, field or list item field
/// (`earlyhelp_domain::forms`): a lower-case letter, then at most 63 lower-case letters,
/// digits and underscores.
pub const KEY: &str = "^[a-z][a-z0-9_]{0,63}$";

/// Text with no NUL (`\u0000`) in it: PostgreSQL cannot store one, so the server refuses a
/// body holding one anywhere (`crate::json::parse_json`).
pub const NO_NUL: &str = "^[^\\u0000]*$";

/// Text with no NUL that is not blank (`trim().is_empty()` is false): the titles, labels and
/// codes of a form template.
pub fn not_blank() -> String {
    let nul = just('\0');
    format!(
        "^{any}*{visible}{any}*$",
        any = nul.negated(),
        visible = nul.union(&white_space()).negated()
    )
}

/// Sign-in password: 1 to 256 characters (`earlyhelp_domain::password::MAX_LENGTH`), no NUL.
pub const PASSWORD: &str = "^[^\\u0000]{1,256}$";

/// `If-Match` as the form handlers read it: `*`, or entity tags (`"3"`, `W/"3"` or `3`)
/// separated by commas.
pub const IF_MATCH: &str =
    "^(?:\\*|(?:W/)?\"?[0-9]{1,9}\"?(?:[\\t ]*,[\\t ]*(?:W/)?\"?[0-9]{1,9}\"?)*)$";

/// A date (`YYYY-MM-DD`) of this century or later: a consent's `given_on`.
pub const DATE_FROM_2000: &str = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$";

#[cfg(test)]
mod tests;
