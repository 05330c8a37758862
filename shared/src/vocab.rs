//! The words the interface and the exports share, defined once: the languages
//! Atelier speaks, the questions of a characterisation, the sides of a problem tree,
//! the formats of an export. What only one side shows stays in its own table (the
//! client's `i18n`, the server's export `labels`).

use crate::model::{Field, Side};

/// A language of the interface, the templates and the exports. French by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// Its code: `fr`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The language a request asks for: French when it names none; an unknown code
    /// is refused with the reason.
    pub fn requested(code: Option<&str>) -> Result<Lang, String> {
        match code {
            None => Ok(Lang::default()),
            Some(code) => Lang::parse(code).ok_or_else(|| format!("unknown language {code:?}: use fr or en")),
        }
    }

    /// The one to switch to.
    pub fn other(self) -> Lang {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    /// A characterisation's question, as participants see it and the reports print it.
    pub fn question(self, field: Field) -> &'static str {
        match (self, field) {
            (Lang::Fr, Field::Why) => "Pourquoi est-ce important sur le territoire ?",
            (Lang::Fr, Field::Who) => "Qui est concerné ?",
            (Lang::Fr, Field::Measure) => "Comment le mesurer (indicateurs d'impact) ?",
            (Lang::En, Field::Why) => "Why does it matter on the territory?",
            (Lang::En, Field::Who) => "Who is affected?",
            (Lang::En, Field::Measure) => "How could it be measured (impact indicators)?",
        }
    }

    /// A side of a problem tree.
    pub fn side(self, side: Side) -> &'static str {
        match (self, side) {
            (Lang::Fr, Side::Cause) => "Causes",
            (Lang::Fr, Side::Consequence) => "Conséquences",
            (Lang::En, Side::Cause) => "Causes",
            (Lang::En, Side::Consequence) => "Consequences",
        }
    }
}

/// The formats of an export, by file extension, in the order they are offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Csv,
    Xlsx,
    Json,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Html,
        Format::Markdown,
        Format::Xlsx,
        Format::Csv,
        Format::Json,
    ];

    pub fn from_extension(extension: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == extension)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Json => "application/json",
        }
    }

    /// What a download button says.
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown",
            Format::Html => "HTML",
            Format::Csv => "CSV",
            Format::Xlsx => "Excel (XLSX)",
            Format::Json => "JSON",
        }
    }

    /// The extensions, for a message: "html, md, xlsx, csv or json".
    pub fn extensions() -> String {
        let all: Vec<_> = Format::ALL.iter().map(|f| f.extension()).collect();
        match all.split_last() {
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_extensions_read_back() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
            assert_ne!(lang.other(), lang);
        }
        assert_eq!(Lang::requested(None), Ok(Lang::Fr));
        assert!(Lang::requested(Some("de")).is_err());
        for format in Format::ALL {
            assert_eq!(Format::from_extension(format.extension()), Some(format));
        }
        assert_eq!(Format::extensions(), "html, md, xlsx, csv or json");
    }
}
