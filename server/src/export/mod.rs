//! Exports of a workshop or of a campaign (every workshop of a series), for the lead
//! facilitator and the organisers: the case file in Markdown, as a printable HTML page
//! with charts, one row per note in CSV and XLSX, and the complete workshops in JSON,
//! which `archive` re-imports.
//!
//! Every format but JSON renders [`Report`], the case file as plain data
//! (`atelier_shared::report`). Text is kept as typed and escaped by each renderer for
//! its format: HTML entities, Markdown backslashes, and a quote before what a
//! spreadsheet would take for a formula.
//!
//! - [`labels`]: the words (French, English) and dates in the reader's time zone.
//! - [`markdown`], [`html`] (with [`chart`], its SVG charts), [`csv`], [`xlsx`].
//! - [`archive`]: the JSON export and its import.

pub mod archive;
pub mod chart;
pub mod csv;
pub mod html;
pub mod labels;
pub mod markdown;
pub mod xlsx;

use atelier_shared::report::{NoteLine, Report};
use atelier_shared::{Millis, Workshop};

pub use atelier_shared::vocab::{Format, Lang};
pub use labels::Zone;

/// What is exported: one workshop, or a campaign's workshops in the order they were
/// created.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    pub workshops: &'a [Workshop],
    pub campaign: bool,
}

/// How an export reads.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub lang: Lang,
    pub zone: Zone,
    /// The moment the export shows the workshops at.
    pub generated: Millis,
    /// For the HTML page: the query string (`key=…&lang=…`) its links to the other
    /// formats carry, and whether it reloads itself every 30 seconds.
    pub query: Option<String>,
    pub live: bool,
}

/// The export's bytes.
pub fn render(format: Format, scope: Scope<'_>, options: &Options) -> Vec<u8> {
    let reports = || scope.workshops.iter().map(Report::of).collect::<Vec<_>>();
    match format {
        Format::Markdown => markdown::render(&reports(), scope.campaign, options).into_bytes(),
        Format::Html => html::render(&reports(), scope.campaign, options).into_bytes(),
        Format::Csv => csv::render(&reports(), options).into_bytes(),
        Format::Xlsx => xlsx::render(&reports(), options),
        Format::Json => archive::export(scope.workshops, options.generated),
    }
}

/// "rapport-yess-camp-1-2026-11-22.md", "campagne-….xlsx".
pub fn file_name(format: Format, scope: Scope<'_>, options: &Options) -> String {
    let kind = match (scope.campaign, options.lang) {
        (true, Lang::Fr) => "campagne",
        (true, Lang::En) => "campaign",
        (false, Lang::Fr) => "rapport",
        (false, Lang::En) => "report",
    };
    let title = scope.workshops.first().map_or("atelier", |w| w.title.as_str());
    let date = options.zone.date_time(options.generated, Lang::En);
    let day = date.split(' ').next().unwrap_or_default();
    format!("{kind}-{}-{day}.{}", slug(title), format.extension())
}

/// Lower-case ASCII words joined by dashes: safe in any file system and header.
fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'â' | 'ä' | 'á' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' => "i",
            'ô' | 'ö' | 'ó' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ç' => "c",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        if folded == "-" && (slug.is_empty() || slug.ends_with('-')) {
            continue;
        }
        slug.push_str(folded);
    }
    let slug = slug.trim_end_matches('-');
    let cut: String = slug.chars().take(60).collect();
    if cut.is_empty() { "atelier".to_owned() } else { cut }
}

/// One note as a row of the CSV and of a room's sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteRow<'a> {
    pub workshop: &'a str,
    /// The room's place in the workshop (names may repeat).
    pub room_index: usize,
    pub room: &'a str,
    pub territory: &'a str,
    pub column: &'a str,
    pub line: &'a NoteLine,
    /// The note it was merged into.
    pub merged_into: Option<&'a str>,
}

/// Every note of every room, as the board lists them, merged duplicates after the
/// note they were merged into.
pub fn note_rows(report: &Report) -> Vec<NoteRow<'_>> {
    let mut rows = Vec::new();
    for (room_index, room) in report.rooms.iter().enumerate() {
        for column in &room.columns {
            for line in &column.notes {
                let row = |line, merged_into| NoteRow {
                    workshop: &report.title,
                    room_index,
                    room: &room.name,
                    territory: room.territory.as_deref().unwrap_or_default(),
                    column: &column.column,
                    line,
                    merged_into,
                };
                rows.push(row(line, None));
                for merged in &line.merged {
                    rows.push(row(merged, Some(line.text.as_str())));
                }
            }
        }
    }
    rows
}

/// Text a spreadsheet must show as text: a cell starting with `=`, `+`, `-`, `@` (or a
/// tab or carriage return before them) is a formula to Excel and LibreOffice, so it
/// gets a leading apostrophe, as OWASP advises against formula injection.
pub fn inert_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(
            slug("YESS CAMP 1 — Sélection « besoins »"),
            "yess-camp-1-selection-besoins"
        );
        assert_eq!(slug("<script>"), "script");
        assert_eq!(slug("——"), "atelier");
        assert_eq!(slug("Œuvre"), "oeuvre");
    }

    #[test]
    fn spreadsheet_formulas_are_made_text() {
        assert_eq!(inert_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert_cell("+33 6"), "'+33 6");
        assert_eq!(inert_cell("-1"), "'-1");
        assert_eq!(inert_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert_cell("Épicerie"), "Épicerie");
        assert_eq!(inert_cell(""), "");
    }
}
