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

/// A room name, a territory, a column title: one line.
pub fn label(text: &str) -> Result<String, Rejection> {
    clean(text, TextField::Label, LABEL_MAX_CHARS, false)
}

/// Combining marks one letter may carry. Written languages stack two or three (a
/// Vietnamese vowel has two); dozens make "zalgo" text that spills over the lines
/// above and below it.
pub const MAX_MARKS_IN_A_ROW: usize = 4;

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

/// Characters that take no room and show nothing: zero-width spaces and joiners,
/// the soft hyphen, variation selectors, fillers that render as blanks. They have uses
/// inside text (emoji sequences), but a text made only of them is empty, and two
/// names that differ only by them are the same name.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// Embeddings, overrides and isolates: they reorder how the text, and what follows
/// it on screen, is displayed ("Trojan Source"). Right-to-left scripts display right
/// without them; the marks U+200E/U+200F stay allowed.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Combining marks of the blocks used to pile diacritics up.
fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{0483}'..='\u{0489}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Whether some letter carries more than [`MAX_MARKS_IN_A_ROW`] combining marks.
fn marks_pile_up(text: &str) -> bool {
    let mut run = 0;
    text.chars().any(|c| {
        run = if is_combining_mark(c) { run + 1 } else { 0 };
        run > MAX_MARKS_IN_A_ROW
    })
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
}
