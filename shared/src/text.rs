//! What user-typed text may be: trimmed, bounded, free of control characters.
//! Text is stored as typed and always rendered as text, never as markup.

use crate::rejection::{Rejection, TextField};

/// A sticky note is read at a glance on a shared screen: a tweet's length is plenty.
/// Longer thoughts belong in a note's characterisation (why, who, how to measure).
pub const NOTE_MAX_CHARS: usize = 280;
/// Long enough for "Marie-Christine de la Roche-Aymon (Mairie)", short enough for a badge.
pub const NAME_MAX_CHARS: usize = 60;
/// Workshop titles are shown in a header and in reports.
pub const TITLE_MAX_CHARS: usize = 120;
/// Room names and territories, column titles, step titles.
pub const LABEL_MAX_CHARS: usize = 60;
/// A characterisation field or a step's instructions: a few sentences.
pub const DETAILS_MAX_CHARS: usize = 1_000;
/// A message to every room: read in a banner, so as short as a note.
pub const MESSAGE_MAX_CHARS: usize = 280;
/// A cause or a consequence in a problem tree: one short line.
pub const BRANCH_MAX_CHARS: usize = 140;
/// An answer a quick poll offers: one line, as long as a title.
pub const OPTION_MAX_CHARS: usize = 120;

/// A characterisation field or instructions: several lines, may be empty.
pub fn details(text: &str) -> Result<String, Rejection> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    clean(text, TextField::Details, DETAILS_MAX_CHARS, true)
}

/// A cause or a consequence: one line.
pub fn branch(text: &str) -> Result<String, Rejection> {
    clean(text, TextField::Branch, BRANCH_MAX_CHARS, false)
}

/// A note: several lines allowed (tabs and newlines), nothing else invisible.
pub fn note(text: &str) -> Result<String, Rejection> {
    clean(text, TextField::Note, NOTE_MAX_CHARS, true)
}

/// A message to every room: several lines allowed.
pub fn message(text: &str) -> Result<String, Rejection> {
    clean(text, TextField::Message, MESSAGE_MAX_CHARS, true)
}

/// A display name: one line.
pub fn name(text: &str) -> Result<String, Rejection> {
    clean(text, TextField::Name, NAME_MAX_CHARS, false)
}

/// A workshop title: one line.
pub fn title(text: &str) -> Result<String, Rejection> {
    clean(text, TextField::Title, TITLE_MAX_CHARS, false)
}

/// An option of a quick poll: one line.
pub fn option(text: &str) -> Result<String, Rejection> {
    clean(text, TextField::Option, OPTION_MAX_CHARS, false)
}

/// A room name, a territory, a column title: one line.
pub fn label(text: &str) -> Result<String, Rejection> {
    clean(text, TextField::Label, LABEL_MAX_CHARS, false)
}

/// Combining marks one letter may carry, counted once decomposed (NFKD). Written
/// languages stack up to five (a Vietnamese vowel has two, pointed Hebrew with a
/// cantillation mark four or five, a Burmese syllable five); dozens make "zalgo" text
/// that spills over the lines above and below it.
pub const MAX_MARKS_IN_A_ROW: usize = 6;

fn clean(text: &str, field: TextField, max: usize, multiline: bool) -> Result<String, Rejection> {
    let trimmed = text.trim();
    if trimmed.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        return Err(Rejection::EmptyText { field });
    }
    let allowed = |c: char| multiline && (c == '\n' || c == '\t');
    if trimmed.chars().any(|c| is_invisible_control(c) && !allowed(c)) {
        return Err(Rejection::ControlCharacters { field });
    }
    if trimmed.chars().any(is_direction_control) || marks_pile_up(trimmed) {
        return Err(Rejection::UnreadableText { field });
    }
    let len = trimmed.chars().count();
    if len > max {
        return Err(Rejection::TextTooLong { field, len, max });
    }
    Ok(trimmed.to_owned())
}

/// C0/C1 controls, and the Unicode line/paragraph separators that break layouts.
fn is_invisible_control(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// Characters that take no room and show nothing: Unicode's default-ignorable code
/// points (zero-width spaces and joiners, direction marks, the soft hyphen, variation
/// selectors, tags, Hangul fillers, unassigned ones kept for the same use), format
/// characters, and the blanks that are neither (the braille blank, which renders as a
/// space; the object replacement character, which browsers draw as nothing; the
/// musical null notehead; the Khitan filler). They have uses inside text (emoji
/// sequences), but a text made only of them is empty, and two names that differ only
/// by them are the same name.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{2800}' | '\u{FFFC}' | '\u{1D159}' | '\u{16FE4}') || unicode::ignorable(c)
}

/// Embeddings, overrides and isolates: they reorder how the text, and what follows
/// it on screen, is displayed ("Trojan Source"). Right-to-left scripts display right
/// without them; the marks U+200E/U+200F/U+061C stay allowed (and are ignored when
/// names are compared).
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether some letter carries more than [`MAX_MARKS_IN_A_ROW`] combining marks
/// (Unicode's general category Mark, in every script), counted once decomposed: one
/// precomposed character can hold three. Invisible characters between marks don't
/// start a new letter.
fn marks_pile_up(text: &str) -> bool {
    let mut run = 0;
    unicode::decomposed(text).chars().any(|c| {
        if unicode::mark(c) {
            run += 1;
        } else if !is_invisible(c) {
            run = 0;
        }
        run > MAX_MARKS_IN_A_ROW
    })
}

/// The key two texts are the same by, as people read them: invisible characters
/// dropped, compatibility forms folded (NFKC: "Ｌｅａｄ" is "Lead", "ﬁ" is "fi"),
/// case ignored, runs of spaces one space. Names and room labels are unique by it.
pub fn fold(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut visible = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A flag's tags make it Scotland rather than Wales: kept whole, or not at all.
        if c == '\u{1F3F4}'
            && let Some(tags) = flag_tags(&chars[i + 1..])
        {
            visible.extend(&chars[i..=i + tags]);
            i += tags + 1;
            continue;
        }
        if !is_invisible(c) || joins_neighbours(&chars, i) {
            visible.push(c);
        }
        i += 1;
    }
    let lower = unicode::compatible(&visible).to_lowercase();
    let folded = unicode::compatible(&lower);
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many characters of `rest` (what follows a black flag) form its tag sequence:
/// tag letters, then the cancel tag. `None` when they don't make a complete one.
fn flag_tags(rest: &[char]) -> Option<usize> {
    let letters = rest
        .iter()
        .take_while(|c| ('\u{E0020}'..='\u{E007E}').contains(*c))
        .count();
    (letters > 0 && rest.get(letters) == Some(&'\u{E007F}')).then_some(letters + 1)
}

/// Whether `chars[i]` is a joiner or non-joiner that changes what its neighbours
/// show, so two texts that differ by it look different: between two emoji (a family
/// is not three people side by side), or between two letters of one script whose
/// letters join or form conjuncts (Persian's non-joiner, Sinhala's joiner). Anywhere
/// else (after a Latin letter, at the end, between Han characters) it changes
/// nothing, and is dropped.
fn joins_neighbours(chars: &[char], i: usize) -> bool {
    if !matches!(chars[i], '\u{200C}' | '\u{200D}') {
        return false;
    }
    // The letters on each side, past their marks and other invisible characters.
    let letter = |c: &&char| !is_invisible(**c) && !unicode::mark(**c);
    let before = chars[..i].iter().rev().find(letter);
    let after = chars[i + 1..].iter().find(letter);
    match (before, after) {
        (Some(&a), Some(&b)) => unicode::joined(a, b),
        _ => false,
    }
}

/// Whether two texts read as the same (see [`fold`]).
pub fn same(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

/// Unicode's own data, from ICU4X, where the binary can afford it: the server, which
/// decides what is accepted, builds with the `unicode` feature.
#[cfg(feature = "unicode")]
mod unicode {
    use std::borrow::Cow;

    use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
    use icu_properties::props::{
        DefaultIgnorableCodePoint, EmojiModifier, ExtendedPictographic, GeneralCategory,
        GeneralCategoryGroup, Script,
    };
    use icu_properties::{CodePointMapData, CodePointSetData};

    fn category(c: char) -> GeneralCategory {
        CodePointMapData::<GeneralCategory>::new().get(c)
    }

    /// Default_Ignorable_Code_Point, and the format characters (Cf) it leaves out.
    pub(super) fn ignorable(c: char) -> bool {
        CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
            || category(c) == GeneralCategory::Format
    }

    /// Nonspacing, spacing and enclosing marks.
    pub(super) fn mark(c: char) -> bool {
        GeneralCategoryGroup::Mark.contains(category(c))
    }

    /// Normalization form KC.
    pub(super) fn compatible(text: &str) -> Cow<'_, str> {
        ComposingNormalizerBorrowed::new_nfkc().normalize(text)
    }

    /// Normalization form KD: every mark a character holds, apart.
    pub(super) fn decomposed(text: &str) -> Cow<'_, str> {
        DecomposingNormalizerBorrowed::new_nfkd().normalize(text)
    }

    /// Whether a (non-)joiner between `a` and `b` changes what is shown: two emoji,
    /// or two letters of one script that joins (Arabic, Syriac, N'Ko, Mongolian,
    /// Mandaic) or forms conjuncts (the Brahmic scripts).
    pub(super) fn joined(a: char, b: char) -> bool {
        let emoji = |c: char| {
            CodePointSetData::new::<ExtendedPictographic>().contains(c)
                || CodePointSetData::new::<EmojiModifier>().contains(c)
        };
        let scripts = CodePointMapData::<Script>::new();
        let script = scripts.get(a);
        (emoji(a) && emoji(b))
            || (script == scripts.get(b)
                && [
                    Script::Arabic,
                    Script::Syriac,
                    Script::Nko,
                    Script::Mongolian,
                    Script::Mandaic,
                    Script::Devanagari,
                    Script::Bengali,
                    Script::Gurmukhi,
                    Script::Gujarati,
                    Script::Oriya,
                    Script::Tamil,
                    Script::Telugu,
                    Script::Kannada,
                    Script::Malayalam,
                    Script::Sinhala,
                    Script::Myanmar,
                    Script::Khmer,
                ]
                .contains(&script))
    }
}

/// The browser's approximation, without Unicode's tables (they would double the
/// client's first download). It only decides what the browser checks before
/// sending: the server decides with the data above and says why it refused.
#[cfg(not(feature = "unicode"))]
mod unicode {
    use std::borrow::Cow;

    pub(super) fn ignorable(c: char) -> bool {
        matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
    }

    pub(super) fn mark(c: char) -> bool {
        matches!(
            c,
            '\u{0300}'..='\u{036F}'
                | '\u{0483}'..='\u{0489}'
                | '\u{0591}'..='\u{05C7}'
                | '\u{0610}'..='\u{061A}'
                | '\u{064B}'..='\u{065F}'
                | '\u{06D6}'..='\u{06ED}'
                | '\u{0E31}'
                | '\u{0E34}'..='\u{0E3A}'
                | '\u{0E47}'..='\u{0E4E}'
                | '\u{1AB0}'..='\u{1AFF}'
                | '\u{1DC0}'..='\u{1DFF}'
                | '\u{20D0}'..='\u{20FF}'
                | '\u{FE20}'..='\u{FE2F}'
                | '\u{1D165}'..='\u{1D169}'
                | '\u{1D16D}'..='\u{1D172}'
                | '\u{1D17B}'..='\u{1D182}'
                | '\u{1D185}'..='\u{1D18B}'
                | '\u{1D1AA}'..='\u{1D1AD}'
        )
    }

    pub(super) fn compatible(text: &str) -> Cow<'_, str> {
        Cow::Borrowed(text)
    }

    pub(super) fn decomposed(text: &str) -> Cow<'_, str> {
        Cow::Borrowed(text)
    }

    pub(super) fn joined(a: char, b: char) -> bool {
        let emoji = |c: char| c >= '\u{1F000}';
        // Arabic and its supplements, the Brahmic scripts by their 128-character
        // blocks, Myanmar, Khmer and Mongolian.
        let script = |c: char| match c {
            '\u{0600}'..='\u{08FF}' => Some(0),
            '\u{0900}'..='\u{0DFF}' => Some((c as u32) >> 7),
            '\u{1000}'..='\u{109F}' => Some(1),
            '\u{1780}'..='\u{18AF}' => Some(2),
            _ => None,
        };
        (emoji(a) && emoji(b)) || script(a).is_some_and(|s| script(b) == Some(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_otherwise_kept_as_typed() {
        assert_eq!(note("  <b>Mobilité</b> & co  ").unwrap(), "<b>Mobilité</b> & co");
        assert_eq!(note("ligne 1\nligne 2").unwrap(), "ligne 1\nligne 2");
    }

    #[test]
    fn empty_text_is_refused() {
        assert_eq!(
            note(" \n\t "),
            Err(Rejection::EmptyText {
                field: TextField::Note
            })
        );
        assert_eq!(
            name(""),
            Err(Rejection::EmptyText {
                field: TextField::Name
            })
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let accents = "é".repeat(NOTE_MAX_CHARS);
        assert!(note(&accents).is_ok());
        let too_long = "é".repeat(NOTE_MAX_CHARS + 1);
        assert_eq!(
            note(&too_long),
            Err(Rejection::TextTooLong {
                field: TextField::Note,
                len: NOTE_MAX_CHARS + 1,
                max: NOTE_MAX_CHARS
            })
        );
    }

    #[test]
    fn control_characters_are_refused_except_newlines_in_notes() {
        assert!(note("a\u{0}b").is_err());
        assert!(note("a\u{1b}[31mb").is_err());
        assert!(note("a\u{2028}b").is_err());
        assert!(name("Ma\nrie").is_err());
        assert!(title("Atelier\t1").is_err());
    }

    #[test]
    fn text_of_invisible_characters_only_is_empty() {
        for blank in ["\u{200B}", " \u{200B}\u{FEFF} ", "\u{2800}\u{3164}", "\u{00AD}"] {
            assert_eq!(
                name(blank),
                Err(Rejection::EmptyText {
                    field: TextField::Name
                }),
                "{blank:?}"
            );
        }
        // Inside text they have their uses: a family emoji is joined by U+200D.
        assert!(note("Familles 👨\u{200D}👩\u{200D}👧 accueillies").is_ok());
    }

    #[test]
    fn direction_overrides_and_piled_up_marks_are_refused() {
        let unreadable = |field| Err(Rejection::UnreadableText { field });
        // "Trojan Source": the note would display as something else than it says.
        assert_eq!(note("Budget \u{202E}0001\u{202C} €"), unreadable(TextField::Note));
        assert_eq!(name("Alice\u{2066}"), unreadable(TextField::Name));
        let zalgo = format!("Z{}algo", "\u{0301}\u{0316}\u{0334}".repeat(10));
        assert_eq!(note(&zalgo), unreadable(TextField::Note));
        // Real languages pass: Vietnamese stacks two marks, Arabic and Hebrew need no
        // override, and a right-to-left mark is allowed.
        assert!(note("Vie\u{0323}\u{0302}t Nam").is_ok());
        assert!(note("جمعية محلية").is_ok());
        assert!(name("שרה\u{200F}").is_ok());
    }

    /// The characters an outside tester used to pass "Lead" off as someone else.
    const DISGUISES: [char; 8] = [
        '\u{200E}',
        '\u{200F}',
        '\u{061C}',
        '\u{E0041}',
        '\u{206A}',
        '\u{FFF9}',
        '\u{2065}',
        '\u{180F}',
    ];

    #[test]
    fn names_that_differ_only_by_invisible_characters_are_the_same_name() {
        for c in DISGUISES {
            let disguised = format!("Lead{c}");
            assert!(same(&disguised, "Lead"), "{c:?}");
            assert!(same(&format!("Le{c}ad"), "lead"), "{c:?}");
            assert!(name(&disguised).is_ok(), "{c:?}: allowed inside text");
            assert_eq!(
                name(&c.to_string()),
                Err(Rejection::EmptyText {
                    field: TextField::Name
                }),
                "{c:?}"
            );
            assert_eq!(
                note(&format!("{c}{c} {c}")),
                Err(Rejection::EmptyText {
                    field: TextField::Note
                }),
                "{c:?}"
            );
        }
        assert!(same("Marie  Dupont", "marie dupont"));
        assert!(!same("René", "Rene"), "accents make different names");
        // Blanks that are not default-ignorable.
        for blank in ['\u{FFFC}', '\u{2800}', '\u{1D159}'] {
            assert!(same(&format!("Lead{blank}"), "Lead"), "{blank:?}");
            assert!(name(&blank.to_string()).is_err(), "{blank:?}");
        }
        // A joiner between Latin letters shows nothing.
        assert!(same("Le\u{200D}ad", "Lead"));
        assert!(same("Le\u{200C}ad\u{200D}", "Lead"));
    }

    #[test]
    fn invisible_characters_that_change_what_is_shown_make_different_names() {
        let scotland = "Fin 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        let wales = "Fin 🏴\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}";
        assert!(!same(scotland, wales));
        assert!(!same(scotland, "Fin 🏴"));
        assert!(same(scotland, scotland));
        assert!(
            !same("Bea 👨\u{200D}👩\u{200D}👧", "Bea 👨👩👧"),
            "a family, three people"
        );
        assert!(!same("نیک\u{200C}نام", "نیکنام"), "Persian's non-joiner");
        assert!(!same("ශ්\u{200D}රී", "ශ්රී"), "Sinhala's joiner");
        // Tags after anything but a flag show nothing.
        assert!(same("Lead\u{E0067}\u{E0062}", "Lead"));
        // Nor do joiners where nothing joins, nor a flag's incomplete or extra tags.
        for (a, b) in [
            ("Bob 😀", "Bob 😀\u{200D}"),
            ("王伟", "王\u{200D}伟"),
            ("さくら", "さ\u{200C}くら"),
            ("שרה", "ש\u{200C}רה"),
            ("علي", "علي\u{200C}"),
            ("Fin 🏴", "Fin 🏴\u{E0041}"),
            ("Fin 🏴", "Fin 🏴\u{200D}"),
            (scotland, &format!("{scotland}\u{E007F}")),
        ] {
            assert!(same(a, b), "{a:?} {b:?}");
        }
        assert!(
            !same("بِب", "بِ\u{200C}ب") || cfg!(not(feature = "unicode")),
            "past the vowel sign, two Arabic letters"
        );
    }

    #[cfg(feature = "unicode")]
    #[test]
    fn compatibility_forms_are_the_same_name() {
        assert!(same("Ｌｅａｄ", "Lead"));
        assert!(same("ﬁlles", "Filles"));
        // Composed or decomposed, an accent is the same letter.
        assert!(same("Rene\u{0301}", "René"));
    }

    #[test]
    fn marks_piled_up_in_any_script_are_refused_and_real_scripts_pass() {
        let unreadable = |field| Err(Rejection::UnreadableText { field });
        for (base, mark, count) in [
            ("\u{0628}", '\u{0610}', 30),
            ("\u{1D15F}", '\u{1D167}', 40),
            ("\u{0E01}", '\u{0E49}', 40),
            ("a", '\u{0301}', MAX_MARKS_IN_A_ROW + 1),
        ] {
            let piled = format!("{base}{}", mark.to_string().repeat(count));
            assert_eq!(note(&piled), unreadable(TextField::Note), "{mark:?}");
        }
        // An invisible character between marks does not start a new letter.
        let hidden = format!("a{}", "\u{0301}\u{200B}".repeat(MAX_MARKS_IN_A_ROW + 1));
        assert_eq!(note(&hidden), unreadable(TextField::Note));
        let blank = format!("a{}", "\u{0300}\u{0301}\u{FFFC}".repeat(4));
        assert_eq!(note(&blank), unreadable(TextField::Note));
        for real in [
            "ภาษาไทย น้ำใจ",
            "Tiếng Việt, Nguyễn",
            "Vie\u{0323}\u{0302}t Nam",
            "بِسْمِ ٱللَّٰهِ",
            "שָׁלוֹם",
            "हिन्दी क्षेत्र",
            "လျှော့ချရန် မျှော်လင့်",
            "שָּׁ֑לוֹם",
            "🇫🇷 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} 👨\u{200D}👩\u{200D}👧",
        ] {
            assert!(note(real).is_ok(), "{real}");
            assert!(name(real).is_ok(), "{real}");
        }
    }

    #[cfg(feature = "unicode")]
    #[test]
    fn marks_are_counted_decomposed() {
        let unreadable = |field| Err(Rejection::UnreadableText { field });
        // U+0344 is two marks; U+0F77 three once decomposed.
        assert_eq!(
            note(&format!("u{}", "\u{0344}".repeat(4))),
            unreadable(TextField::Note)
        );
        assert_eq!(
            note(&format!("\u{0F40}{}", "\u{0F77}".repeat(4))),
            unreadable(TextField::Note)
        );
    }
}
