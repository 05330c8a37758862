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

fn clean(text: &str, field: TextField, max: usize, multiline: bool) -> Result<String, Rejection> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Rejection::EmptyText { field });
    }
    let allowed = |c: char| multiline && (c == '\n' || c == '\t');
    if trimmed.chars().any(|c| is_invisible_control(c) && !allowed(c)) {
        return Err(Rejection::ControlCharacters { field });
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
}
