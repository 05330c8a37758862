//! The workbook organisers sort and filter: a summary sheet (each room's figures and
//! every ranking), then one sheet per room with one row per note, as in the CSV.
//! Written by `rust_xlsxwriter`; typed text goes in string cells, which Excel and
//! LibreOffice never evaluate. What reads like a formula (`=`, `+`, `-`, `@`…) is
//! written as typed, with the cell's "quote prefix" style: the spreadsheet shows no
//! apostrophe, and keeps the cell text even when someone edits it.

use std::collections::HashSet;

use atelier_shared::report::Report;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::csv::{Cell, cells, header};
use super::labels::Labels;
use super::{Options, inert_cell, note_rows};

pub fn render(reports: &[Report], options: &Options) -> Vec<u8> {
    match workbook(reports, options) {
        Ok(bytes) => bytes,
        Err(error) => {
            // Only a bug of ours (a bad sheet name, a cell out of range) gets here.
            tracing::error!("the XLSX export failed: {error}");
            Vec::new()
        }
    }
}

fn workbook(reports: &[Report], options: &Options) -> Result<Vec<u8>, XlsxError> {
    let l = Labels::of(options.lang);
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let mut names = HashSet::new();

    let summary = book.add_worksheet();
    summary.set_name(sheet_name(l.summary, &mut names))?;
    let mut row = 0;
    summary.write_string_with_format(row, 0, l.report, &bold)?;
    row += 1;
    let generated = format!(
        "{} {} ({})",
        l.generated,
        options.zone.date_time(options.generated, options.lang),
        options.zone.name()
    );
    summary.write_string(row, 0, generated)?;
    row += 2;
    let figure_header: Vec<&str> = [l.workshop, l.room, l.territory, l.current_step]
        .into_iter()
        .chain(l.figure_columns())
        .collect();
    write_header(summary, row, &figure_header, &bold)?;
    row += 1;
    for report in reports {
        for room in &report.rooms {
            text(summary, row, 0, &report.title)?;
            text(summary, row, 1, &room.name)?;
            text(summary, row, 2, room.territory.as_deref().unwrap_or_default())?;
            text(summary, row, 3, &room.step)?;
            for (col, n) in (4..).zip(room.figures.counts()) {
                summary.write_number(row, col, n as f64)?;
            }
            row += 1;
        }
    }
    row += 1;
    let ranking_header = [
        l.workshop, l.room, l.vote, l.column, l.rank, l.note, l.under, l.points, l.voters,
    ];
    write_header(summary, row, &ranking_header, &bold)?;
    row += 1;
    for report in reports {
        let workshop_votes = report.votes.iter().map(|v| (None, v));
        let room_votes = report
            .rooms
            .iter()
            .flat_map(|room| room.votes.iter().map(move |v| (Some(room.name.as_str()), v)));
        for (room, vote) in workshop_votes.chain(room_votes) {
            for ranking in &vote.columns {
                for r in &ranking.rows {
                    text(summary, row, 0, &report.title)?;
                    text(summary, row, 1, room.or(r.room.as_deref()).unwrap_or_default())?;
                    text(summary, row, 2, &vote.step)?;
                    text(summary, row, 3, &ranking.column)?;
                    summary.write_number(row, 4, r.rank)?;
                    text(summary, row, 5, &r.text)?;
                    text(summary, row, 6, r.parent.as_deref().unwrap_or_default())?;
                    summary.write_number(row, 7, r.votes)?;
                    summary.write_number(row, 8, r.voters)?;
                    row += 1;
                }
            }
        }
    }
    if reports.iter().any(|r| !r.polls.is_empty()) {
        row += 1;
        write_header(summary, row, &[l.workshop, l.poll, l.option, l.chosen_by], &bold)?;
        row += 1;
        for report in reports {
            for poll in &report.polls {
                for option in &poll.options {
                    text(summary, row, 0, &report.title)?;
                    text(summary, row, 1, &poll.question)?;
                    text(summary, row, 2, &option.text)?;
                    summary.write_number(row, 3, option.count)?;
                    row += 1;
                }
            }
        }
    }
    summary.set_column_width(0, 28)?;
    summary.set_column_width(5, 48)?;

    for (w, report) in reports.iter().enumerate() {
        let rows = note_rows(report);
        for (index, room) in report.rooms.iter().enumerate() {
            let prefix = if reports.len() > 1 {
                format!("{} ", w + 1)
            } else {
                String::new()
            };
            let sheet = book.add_worksheet();
            sheet.set_name(sheet_name(&format!("{prefix}{}", room.name), &mut names))?;
            write_header(sheet, 0, &header(l), &bold)?;
            sheet.set_freeze_panes(1, 0)?;
            for (r, row) in (1..).zip(rows.iter().filter(|row| row.room_index == index)) {
                for (col, cell) in cells(row, options).into_iter().enumerate() {
                    let col = col as u16;
                    match cell {
                        Cell::Text(t) => {
                            text(sheet, r, col, &t)?;
                        }
                        Cell::Number(n) => {
                            sheet.write_number(r, col, n)?;
                        }
                        Cell::Empty => {}
                    }
                }
            }
            for (col, width) in [
                (0, 24),
                (1, 16),
                (3, 22),
                (4, 48),
                (5, 30),
                (6, 30),
                (7, 18),
                (11, 24),
            ] {
                sheet.set_column_width(col, width)?;
            }
        }
    }
    book.save_to_buffer()
}

fn write_header(sheet: &mut Worksheet, row: u32, titles: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (col, title) in titles.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *title, bold)?;
    }
    Ok(())
}

fn text(sheet: &mut Worksheet, row: u32, col: u16, value: &str) -> Result<(), XlsxError> {
    if value.is_empty() {
        return Ok(());
    }
    if inert_cell(value) == value {
        sheet.write_string(row, col, value)?;
    } else {
        sheet.write_string_with_format(row, col, value, &Format::new().set_quote_prefix())?;
    }
    Ok(())
}

/// A name Excel accepts: at most 31 characters, none of `[]:*?/\`, not quoted, and
/// unique in the workbook whatever the case.
fn sheet_name(wanted: &str, taken: &mut HashSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim().trim_matches('\'').trim();
    let base: String = if clean.is_empty() {
        "Salle".to_owned()
    } else {
        clean.chars().take(31).collect()
    };
    // Excel keeps "History" for itself.
    taken.insert("history".to_owned());
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        let suffix = format!(" ({n})");
        let room = 31 - suffix.chars().count();
        name = format!("{}{suffix}", base.chars().take(room).collect::<String>());
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_ones_excel_accepts() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name("Aude", &mut taken), "Aude");
        assert_eq!(sheet_name("aude", &mut taken), "aude (2)");
        assert_eq!(sheet_name("a/b:c*?", &mut taken), "a b c");
        assert_eq!(sheet_name("'History'", &mut taken), "History (2)");
        let long = "Pyrénées-Orientales et Haute-Garonne réunies";
        let first = sheet_name(long, &mut taken);
        let second = sheet_name(long, &mut taken);
        assert_eq!(first.chars().count(), 31);
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with(" (2)"), "{second}");
        assert_eq!(sheet_name("[]", &mut taken), "Salle");
    }
}
