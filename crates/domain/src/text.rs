//! Text as people type it: one Unicode form for what is stored, and one key for what is
//! compared.
//!
//! The same name arrives composed (`ë` as one character, as most keyboards send it) or
//! decomposed (`e` and a combining diaeresis, as macOS sends it), in any case, and sometimes
//! with letters from another script that look the same (Cyrillic `а` for Latin `a`). Stored
//! text is normalised to NFC; the duplicate check compares [`name_key`], computed here in one
//! place and stored beside the name, so the answer never depends on the database's locale.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Characters that change how text reads without being seen: bidirectional overrides and
/// isolates, zero-width spaces and joiners, the byte-order mark, variation selectors, Hangul
/// fillers, tags and the rest of Unicode's Default_Ignorable_Code_Point set, plus the
/// interlinear annotation marks. A name holding one can look identical to another name and
/// still differ, or display in an order other than the one stored. Public so that the API
/// document's name patterns are built from the same table.
pub const INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{2028}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF0}', '\u{FFFB}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

/// True for a character that is invisible or steers the display: see [`INVISIBLE`].
pub fn is_invisible(c: char) -> bool {
    INVISIBLE
        .iter()
        .any(|&(low, high)| (low..=high).contains(&c))
}

/// The text in Unicode Normalization Form C, the form it is stored in.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// The key two names are compared by: letters only, case-folded, without accents, with each
/// non-ASCII letter replaced by the letter it is confusable with (Unicode's UTS #39 skeleton:
/// Cyrillic `а` becomes Latin `a`). ASCII letters stay themselves, so `m` is not read as `rn`.
/// The same in any locale and any database: it is computed here and stored.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for c in name.nfd().flat_map(char::to_lowercase) {
        if c.is_ascii() {
            if c.is_ascii_alphabetic() {
                key.push(c);
            }
            continue;
        }
        let mut one = [0; 4];
        for prototype in unicode_security::skeleton(c.encode_utf8(&mut one))
            .flat_map(char::to_lowercase)
            .filter(|&p| p.is_alphabetic() && !is_combining_mark(p))
        {
            key.push(prototype);
        }
    }
    key
}

/// Whether two people's names are alike enough, given the same date of birth, to ask whether
/// they are one person: the same family name, or the same given name, or both names starting
/// with the same three letters (which catches Jon/Jonathan and typos late in a name). Each
/// side is `(given name key, family name key)`; a key with no letters matches nothing.
pub fn names_alike(a: (&str, &str), b: (&str, &str)) -> bool {
    let same = |x: &str, y: &str| !x.is_empty() && x == y;
    let prefix = |key: &str| key.chars().take(3).collect::<String>();
    same(a.1, b.1)
        || same(a.0, b.0)
        || (same(&prefix(a.1), &prefix(b.1)) && same(&prefix(a.0), &prefix(b.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_typed_composed_or_decomposed_has_one_key_and_one_stored_form() {
        let composed = "Zo\u{00EB}";
        let decomposed = "Zoe\u{0308}";
        assert_ne!(composed, decomposed);
        assert_eq!(nfc(decomposed), composed);
        assert_eq!(name_key(composed), name_key(decomposed));
    }

    #[test]
    fn the_key_ignores_case_accents_spacing_and_punctuation() {
        assert_eq!(name_key("Zoë Łukasz"), name_key("ZOË ŁUKASZ"));
        assert_eq!(name_key("Zoë"), "zoe");
        assert_eq!(name_key("O'Brien-Smith"), "obriensmith");
        assert_eq!(name_key("  de la Cruz "), "delacruz");
    }

    #[test]
    fn cyrillic_and_greek_look_alikes_key_as_the_latin_letters_they_imitate() {
        // "Ada" with a Cyrillic а at each end; "Nora" with a Greek omicron (ο) and Cyrillic а.
        assert_eq!(name_key("\u{0410}d\u{0430}"), name_key("Ada"));
        assert_eq!(name_key("N\u{03BF}r\u{0430}"), name_key("Nora"));
    }

    #[test]
    fn ascii_letters_key_as_themselves() {
        assert_eq!(name_key("Emma Williams"), "emmawilliams");
    }

    #[test]
    fn letters_without_a_latin_look_alike_keep_their_own_script() {
        assert_eq!(name_key("Дарья"), name_key("ДАРЬЯ"));
        assert!(!name_key("Дарья").is_empty());
        assert_eq!(name_key("李小龍"), "李小龍");
    }

    #[test]
    fn names_are_alike_with_one_name_in_common_or_both_beginning_alike() {
        let key = |given: &str, family: &str| (name_key(given), name_key(family));
        let alike =
            |a: &(String, String), b: &(String, String)| names_alike((&a.0, &a.1), (&b.0, &b.1));
        let jon = key("Jon", "Smythe");
        assert!(alike(&jon, &key("Jonathan", "Smyth")));
        assert!(alike(&jon, &key("Ann", "SMYTHE")));
        assert!(alike(&jon, &key("jon", "Brown")));
        assert!(!alike(&jon, &key("Ann", "Smith")));
        assert!(
            !alike(&key("1", "2"), &key("3", "4")),
            "no letters, no match"
        );
    }

    #[test]
    fn bidi_overrides_zero_width_characters_and_the_bom_are_invisible() {
        for c in [
            '\u{202E}',
            '\u{2066}',
            '\u{200B}',
            '\u{200D}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{E0041}',
        ] {
            assert!(is_invisible(c), "{:04X}", u32::from(c));
        }
        for c in ['a', 'ë', 'Ł', '\'', '-', ' ', 'д', '李'] {
            assert!(!is_invisible(c), "{c}");
        }
    }
}
