//! One row per note, for a spreadsheet or a script: its workshop, room, territory,
//! column, the note it hangs under or was merged into, its author (unless posted
//! anonymously), where it comes from, when it was posted, and its last closed vote.
//!
//! RFC 4180 quoting, UTF-8 with a byte-order mark (so Excel reads the accents), and
//! the separator the reader's spreadsheet expects: `;` in French (where `,` is the
//! decimal mark), `,` in English.

use atelier_shared::report::Report;

use super::labels::Labels;
use super::{NoteRow, Options, inert_cell, note_rows};
use atelier_shared::Lang;

/// The header of the CSV and of each room's sheet.
pub fn header(l: &Labels) -> [&'static str; 14] {
    [
        l.workshop,
        l.room,
        l.territory,
        l.column,
        l.note,
        l.under,
        l.merged_into,
        l.author,
        l.origin,
        l.posted_at,
        l.hidden,
        l.vote,
        l.rank,
        l.points,
    ]
}

/// A row's cells, as text, in the order of [`header`]; numbers stay numbers.
pub fn cells(row: &NoteRow<'_>, options: &Options) -> [Cell; 14] {
    let l = Labels::of(options.lang);
    let line = row.line;
    let vote = line.vote.as_ref();
    [
        Cell::Text(row.workshop.to_owned()),
        Cell::Text(row.room.to_owned()),
        Cell::Text(row.territory.to_owned()),
        Cell::Text(row.column.to_owned()),
        Cell::Text(line.text.clone()),
        Cell::Text(line.parent.clone().unwrap_or_default()),
        Cell::Text(row.merged_into.unwrap_or_default().to_owned()),
        Cell::Text(line.author.clone().unwrap_or_default()),
        Cell::Text((l.origin_of)(line.origin).to_owned()),
        Cell::Text(options.zone.date_time(line.created, options.lang)),
        Cell::Text(if line.hidden {
            l.yes.to_owned()
        } else {
            String::new()
        }),
        Cell::Text(vote.map(|v| v.step.clone()).unwrap_or_default()),
        // A rank among notes without a dot says nothing.
        vote.filter(|v| v.votes > 0)
            .map_or(Cell::Empty, |v| Cell::Number(v.rank)),
        vote.map_or(Cell::Empty, |v| Cell::Number(v.votes)),
    ]
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Number(u32),
    Empty,
}

pub fn render(reports: &[Report], options: &Options) -> String {
    let separator = match options.lang {
        Lang::Fr => ';',
        Lang::En => ',',
    };
    let mut out = String::from('\u{feff}');
    let push_row = |out: &mut String, fields: &mut dyn Iterator<Item = String>| {
        let mut first = true;
        for field in fields {
            if !first {
                out.push(separator);
            }
            first = false;
            out.push_str(&field);
        }
        out.push_str("\r\n");
    };
    let l = Labels::of(options.lang);
    push_row(&mut out, &mut header(l).into_iter().map(quote));
    for report in reports {
        for row in note_rows(report) {
            push_row(
                &mut out,
                &mut cells(&row, options).into_iter().map(|cell| match cell {
                    Cell::Text(text) => quote(inert_cell(&text)),
                    Cell::Number(n) => n.to_string(),
                    Cell::Empty => String::new(),
                }),
            );
        }
    }
    out
}

/// Always quoted, quotes doubled: separators, quotes and line breaks stay inside.
fn quote(field: impl AsRef<str>) -> String {
    format!("\"{}\"", field.as_ref().replace('"', "\"\""))
}
