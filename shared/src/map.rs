//! Maps: prepared lists of needs or solutions (the "cartographie") that a facilitator
//! imports into a column, read from CSV or JSON.
//!
//! CSV: one item per row. A first row naming the columns (`texte`/`text`, and
//! optionally `couleur`/`colour`, `territoire`/`territory`) is read as a header;
//! without one, the first column is the text. Commas or semicolons (as spreadsheets in
//! French export them) separate fields; quotes work as in RFC 4180. JSON: an array of
//! strings, or of objects with `text` and optionally `colour` and `territory`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::Colour;
use crate::text;

/// Items in one map at most: a board of more would not be read.
pub const MAX_ITEMS: usize = 200;

/// One entry of a map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapItem {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<Colour>,
    /// Only the room of this territory (or of this name) receives the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<String>,
}

/// What is wrong with a map file, with where.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum MapError {
    #[error("line {line}: {problem}")]
    Line { line: usize, problem: String },
    #[error("not a JSON map: {0}")]
    Json(String),
    #[error("the map is empty")]
    Empty,
    #[error("the map has {0} items; at most {MAX_ITEMS}")]
    TooLong(usize),
}

/// Reads a CSV map.
pub fn parse_csv(input: &str) -> Result<Vec<MapItem>, MapError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let separator = detect_separator(input);
    let rows = csv_rows(input, separator)?;
    let mut rows = rows
        .into_iter()
        .filter(|(_, fields)| fields.iter().any(|f| !f.trim().is_empty()));
    let Some((first_line, first)) = rows.next() else {
        return Err(MapError::Empty);
    };
    let header = Header::read(&first);
    let (columns, body): (Header, Vec<(usize, Vec<String>)>) = match header {
        Some(header) => (header, rows.collect()),
        None => (
            Header::default(),
            std::iter::once((first_line, first)).chain(rows).collect(),
        ),
    };
    let mut items = Vec::with_capacity(body.len());
    for (line, fields) in body {
        let field = |index: Option<usize>| {
            index
                .and_then(|i| fields.get(i))
                .map(|f| f.trim())
                .filter(|f| !f.is_empty())
        };
        let text = field(Some(columns.text)).unwrap_or_default();
        let colour = match field(columns.colour) {
            Some(name) => Some(parse_colour(name).ok_or_else(|| MapError::Line {
                line,
                problem: format!("unknown colour {name:?}"),
            })?),
            None => None,
        };
        items.push(item(
            line,
            text,
            colour,
            field(columns.territory).map(str::to_owned),
        )?);
    }
    finish(items)
}

/// Reads a JSON map.
pub fn parse_json(input: &str) -> Result<Vec<MapItem>, MapError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Entry {
        Text(String),
        Item {
            text: String,
            #[serde(default)]
            colour: Option<String>,
            #[serde(default)]
            territory: Option<String>,
        },
    }
    let entries: Vec<Entry> = serde_json::from_str(input).map_err(|e| MapError::Json(e.to_string()))?;
    let mut items = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let line = index + 1;
        let (text, colour, territory) = match entry {
            Entry::Text(text) => (text, None, None),
            Entry::Item {
                text,
                colour,
                territory,
            } => (text, colour, territory),
        };
        let colour = match colour {
            Some(name) => Some(parse_colour(&name).ok_or_else(|| MapError::Line {
                line,
                problem: format!("unknown colour {name:?}"),
            })?),
            None => None,
        };
        items.push(item(line, &text, colour, territory)?);
    }
    finish(items)
}

fn item(
    line: usize,
    text: &str,
    colour: Option<Colour>,
    territory: Option<String>,
) -> Result<MapItem, MapError> {
    let problem = |e: crate::Rejection| MapError::Line {
        line,
        problem: e.to_string(),
    };
    Ok(MapItem {
        text: text::note(text).map_err(problem)?,
        colour,
        territory: territory
            .as_deref()
            .map(text::label)
            .transpose()
            .map_err(problem)?,
    })
}

fn finish(items: Vec<MapItem>) -> Result<Vec<MapItem>, MapError> {
    match items.len() {
        0 => Err(MapError::Empty),
        n if n > MAX_ITEMS => Err(MapError::TooLong(n)),
        _ => Ok(items),
    }
}

/// Colours by their English or French names.
fn parse_colour(name: &str) -> Option<Colour> {
    let name = name.trim().to_lowercase();
    let french = match name.as_str() {
        "jaune" => Some(Colour::Yellow),
        "rose" => Some(Colour::Pink),
        "bleu" => Some(Colour::Blue),
        "vert" => Some(Colour::Green),
        "violet" => Some(Colour::Purple),
        _ => None,
    };
    french.or_else(|| Colour::parse(&name))
}

/// Where each field is, from a header row.
#[derive(Debug, Default)]
struct Header {
    text: usize,
    colour: Option<usize>,
    territory: Option<usize>,
}

impl Header {
    /// A header names its text column; a row of data does not.
    fn read(row: &[String]) -> Option<Header> {
        let find = |names: &[&str]| {
            row.iter()
                .position(|f| names.contains(&f.trim().to_lowercase().as_str()))
        };
        Some(Header {
            text: find(&[
                "texte",
                "text",
                "besoin",
                "besoins",
                "solution",
                "solutions",
                "need",
                "needs",
            ])?,
            colour: find(&["couleur", "colour", "color"]),
            territory: find(&["territoire", "territory", "salle", "room"]),
        })
    }
}

/// `;` when the first line has more of them than commas (outside quotes).
fn detect_separator(input: &str) -> char {
    let first = input.lines().next().unwrap_or_default();
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { ';' } else { ',' }
}

/// Rows of fields, each with the line it starts on (RFC 4180: quotes may hold
/// separators, newlines and doubled quotes).
fn csv_rows(input: &str, separator: char) -> Result<Vec<(usize, Vec<String>)>, MapError> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let (mut line, mut row_line) = (1, 1);
    let mut chars = input.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, '\n') => {
                line += 1;
                field.push('\n');
            }
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (false, c) if c == separator => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push((row_line, std::mem::take(&mut row)));
                line += 1;
                row_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(MapError::Line {
            line: row_line,
            problem: "a quote is never closed".into(),
        });
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push((row_line, row));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_list_is_one_item_per_line() {
        let items = parse_csv("Mobilité rurale\nAccès aux soins\n\nLogement des jeunes\n").unwrap();
        let texts: Vec<_> = items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Mobilité rurale", "Accès aux soins", "Logement des jeunes"]
        );
        assert!(items.iter().all(|i| i.colour.is_none() && i.territory.is_none()));
    }

    #[test]
    fn a_french_spreadsheet_export_reads_with_its_header() {
        let csv = "\u{feff}Territoire;Besoin;Couleur\r\nGard;\"Tiers-lieux; fablabs\";vert\r\nAude;\"Dire \"\"bonjour\"\"\";\r\n";
        let items = parse_csv(csv).unwrap();
        assert_eq!(
            items,
            vec![
                MapItem {
                    text: "Tiers-lieux; fablabs".into(),
                    colour: Some(Colour::Green),
                    territory: Some("Gard".into()),
                },
                MapItem {
                    text: "Dire \"bonjour\"".into(),
                    colour: None,
                    territory: Some("Aude".into()),
                },
            ]
        );
    }

    #[test]
    fn quoted_fields_may_span_lines() {
        let items = parse_csv("text,colour\n\"deux\nlignes\",blue\nsuite,\n").unwrap();
        assert_eq!(items[0].text, "deux\nlignes");
        assert_eq!(items[1].text, "suite");
    }

    #[test]
    fn problems_are_reported_with_their_line() {
        assert_eq!(parse_csv(""), Err(MapError::Empty));
        assert_eq!(parse_csv("texte\n"), Err(MapError::Empty));
        let error = parse_csv("texte,couleur\nbien,jaune\n,rouge\n").unwrap_err();
        assert!(matches!(error, MapError::Line { line: 3, .. }), "{error}");
        let error = parse_csv(&format!("ok\n{}\n", "x".repeat(300))).unwrap_err();
        assert!(matches!(error, MapError::Line { line: 2, .. }), "{error}");
        assert!(matches!(
            parse_csv("\"jamais fermé\n"),
            Err(MapError::Line { line: 1, .. })
        ));
        let many = "idée\n".repeat(MAX_ITEMS + 1);
        assert_eq!(parse_csv(&many), Err(MapError::TooLong(MAX_ITEMS + 1)));
    }

    #[test]
    fn json_maps_are_strings_or_objects() {
        let items = parse_json(r#"["Mobilité", {"text": "Soins", "colour": "pink", "territory": "Lozère"}]"#)
            .unwrap();
        assert_eq!(items[0].text, "Mobilité");
        assert_eq!(items[1].colour, Some(Colour::Pink));
        assert_eq!(items[1].territory.as_deref(), Some("Lozère"));
        assert!(matches!(parse_json("{}"), Err(MapError::Json(_))));
        assert!(matches!(
            parse_json(r#"[{"text": ""}]"#),
            Err(MapError::Line { line: 1, .. })
        ));
        assert!(matches!(
            parse_json(r#"["a", {"text": "b", "colour": "mauve"}]"#),
            Err(MapError::Line { line: 2, .. })
        ));
    }
}
