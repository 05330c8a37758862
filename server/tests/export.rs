//! The exports of a fixed campaign (YESS CAMP 1 in six rooms, then YESS CAMP 2) against
//! golden files, the workbook read back by a reader crate, hostile text in every
//! format, and the JSON archive through a round trip.
//!
//! A golden file that no longer matches is left next to it as `*.actual.*` for review;
//! `UPDATE_GOLDEN=1 cargo test -p atelier-server --test export` rewrites them.

/// The campaign every golden file is made from.
#[allow(unreachable_pub)] // public in the test library it belongs to
#[path = "../../tests/support/fixture.rs"]
mod fixture;

use std::io::Cursor;
use std::path::PathBuf;

use atelier_server::catalog::Catalog;
use atelier_server::export::archive::{self, ImportError};
use atelier_server::export::{self, Format, Lang, Options, Scope, Zone};
use atelier_shared::api::Archive;
use atelier_shared::report::Report;
use atelier_shared::{Role, Workshop};
use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

fn options(lang: Lang) -> Options {
    Options {
        lang,
        zone: Zone::new(60).expect("Paris in winter"),
        generated: fixture::GENERATED,
        query: None,
        live: false,
    }
}

fn first() -> Workshop {
    fixture::yess_camp_1(&Catalog::builtin())
}

fn render(format: Format, workshops: &[Workshop], campaign: bool, lang: Lang) -> Vec<u8> {
    export::render(format, Scope { workshops, campaign }, &options(lang))
}

fn golden(name: &str, actual: &[u8]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let path = dir.join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(&dir).expect("the golden directory can be made");
        std::fs::write(&path, actual).expect("the golden file can be written");
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|_| panic!("{} is missing: UPDATE_GOLDEN=1 writes it", path.display()));
    if expected != actual {
        let (stem, extension) = name.rsplit_once('.').unwrap_or((name, "txt"));
        let actual_path = dir.join(format!("{stem}.actual.{extension}"));
        std::fs::write(&actual_path, actual).expect("the actual output can be written");
        let expected = String::from_utf8_lossy(&expected);
        let actual = String::from_utf8_lossy(actual);
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .map_or(expected.lines().count().min(actual.lines().count()) + 1, |i| {
                i + 1
            });
        panic!(
            "{name} differs from its golden file from line {line}; the output is in {}",
            actual_path.display()
        );
    }
}

#[test]
fn every_format_matches_its_golden_file() {
    let w = [first()];
    golden("report.md", &render(Format::Markdown, &w, false, Lang::Fr));
    golden("report.html", &render(Format::Html, &w, false, Lang::Fr));
    golden("report.csv", &render(Format::Csv, &w, false, Lang::Fr));
    golden("report.json", &render(Format::Json, &w, false, Lang::Fr));
    golden("report.en.md", &render(Format::Markdown, &w, false, Lang::En));
    let campaign = fixture::campaign(&Catalog::builtin());
    golden(
        "campaign.md",
        &render(Format::Markdown, &campaign, true, Lang::Fr),
    );
}

#[test]
fn the_report_holds_what_the_workshop_produced() {
    let report = Report::of(&first());
    assert_eq!(report.rooms.len(), 6);
    assert_eq!(report.figures.participants, 12);
    assert_eq!(report.figures.contributors, 12);
    assert_eq!(report.figures.voters, 12);
    assert_eq!(report.figures.notes, 18, "three notes posted per room");
    let aude = &report.rooms[0];
    assert_eq!(aude.name, "Aude");
    let needs = &aude.votes[0].columns[0];
    assert_eq!(needs.column, "Besoins du territoire");
    assert_eq!((needs.rows[0].rank, needs.rows[0].votes), (1, 2));
    assert!(
        needs
            .rows
            .iter()
            .any(|r| r.text == fixture::HOSTILE[0] && r.rank == 1)
    );
    assert_eq!(aude.characterised.len(), 1);
    assert_eq!(aude.trees[0].causes.len(), 2);
    // Gard merged two emerging needs: the merged one is listed under its leader.
    let gard = &report.rooms[1];
    let emerging = gard
        .columns
        .iter()
        .find(|c| c.column == "Besoins émergents")
        .expect("a column");
    assert_eq!(emerging.notes.len(), 1);
    assert_eq!(emerging.notes[0].merged.len(), 1);
    assert!(report.timeline.notes.iter().sum::<u32>() == 18);
    assert_eq!(report.timeline.arrivals.iter().sum::<u32>(), 12);

    let campaign = fixture::campaign(&Catalog::builtin());
    let second = Report::of(&campaign[1]);
    let solutions: Vec<_> = second.rooms[0].attached.iter().collect();
    assert_eq!(solutions.len(), 2, "solutions under two recalled needs");
    assert_eq!(solutions[0].notes.len(), 2);
    assert!(solutions[0].notes[0].vote.as_ref().is_some_and(|v| v.votes == 1));
}

#[test]
fn the_workbook_reads_back_with_a_summary_and_a_sheet_per_room() {
    let w = first();
    let bytes = render(Format::Xlsx, std::slice::from_ref(&w), false, Lang::Fr);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("a workbook calamine reads");
    assert_eq!(
        book.sheet_names(),
        [
            "Synthèse",
            "Aude",
            "Gard",
            "Hérault",
            "Lozère",
            "Pyrénées-Orientales",
            "Occitanie"
        ]
    );
    let report = Report::of(&w);
    let summary = book.worksheet_range("Synthèse").expect("the summary");
    let text = |cell: Option<&Data>| cell.map(|d| d.to_string()).unwrap_or_default();
    assert_eq!(text(summary.get((0, 0))), "Rapport de l'atelier");
    assert_eq!(text(summary.get((3, 0))), "Atelier");
    // One figures row per room, numbers as numbers.
    for (i, room) in report.rooms.iter().enumerate() {
        let row = 4 + i;
        assert_eq!(text(summary.get((row, 1))), room.name);
        assert_eq!(
            summary.get((row, 4)),
            Some(&Data::Float(room.figures.participants as f64))
        );
        assert_eq!(
            summary.get((row, 8)),
            Some(&Data::Float(f64::from(room.figures.dots)))
        );
    }
    let aude = book.worksheet_range("Aude").expect("Aude's sheet");
    assert_eq!(text(aude.get((0, 4))), "Note");
    let notes_in_aude = report.rooms[0]
        .columns
        .iter()
        .map(|c| c.notes.iter().map(|n| 1 + n.merged.len()).sum::<usize>())
        .sum::<usize>();
    assert_eq!(aude.height(), 1 + notes_in_aude);
    let cells: Vec<String> = aude.rows().map(|row| text(row.get(4))).collect();
    assert!(cells.iter().any(|c| c == fixture::HOSTILE[0]), "{cells:?}");
    // A formula typed as a note is a string cell, shown as typed (no visible
    // apostrophe: the cell's style carries the quote prefix).
    let formula = aude
        .rows()
        .find_map(|row| match row.get(4) {
            Some(Data::String(s)) if s.contains("HYPERLINK") => Some(s.clone()),
            _ => None,
        })
        .expect("the hostile emerging need, as a string cell");
    assert_eq!(formula, fixture::HOSTILE[1]);
    let mut zipped = zip::ZipArchive::new(Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut zipped.by_name("xl/styles.xml").expect("styles"), &mut styles)
        .unwrap();
    assert!(
        styles.contains("quotePrefix=\"1\""),
        "a style keeps formula-like text as text"
    );
    let formulas = book
        .worksheet_formula("Aude")
        .expect("the formulas of Aude's sheet");
    assert!(
        formulas.cells().all(|(_, _, f)| f.is_empty()),
        "no cell holds a formula"
    );
}

#[test]
fn hostile_text_is_inert_in_every_format() {
    let campaign = fixture::campaign(&Catalog::builtin());
    let text = |format| String::from_utf8(render(format, &campaign, true, Lang::Fr)).expect("UTF-8");

    let html = text(Format::Html);
    assert!(!html.contains("<script"), "no script element in the page");
    assert!(!html.contains("<b>"));
    assert!(html.contains(
        "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt; Épicerie &lt;b&gt;solidaire&lt;/b&gt;"
    ));
    assert!(!html.contains("href=\"javascript"));

    let md = text(Format::Markdown);
    assert!(md.contains("\\<script\\>alert('note')\\</script\\>"));
    assert!(!md.contains("<script>"));
    assert!(md.contains("\\| Tiers-lieu \\| \\[lien\\](javascript:alert(1)) \\*\\*gras\\*\\* \\& co"));

    let csv = text(Format::Csv);
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Cliquez\"\")\""));
    for line in csv.lines() {
        for cell in line.split(';') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@']), "a formula in {line}");
        }
    }

    // The archive keeps text exactly as typed: it is data, not a document.
    let json = text(Format::Json);
    let archive: Archive = serde_json::from_str(&json).expect("an archive");
    let texts: Vec<&str> = archive
        .workshops
        .iter()
        .flat_map(|w| w.notes.values())
        .map(|n| n.text.as_str())
        .collect();
    for hostile in fixture::HOSTILE {
        assert!(texts.contains(&hostile), "{hostile} kept as typed");
    }
}

/// A workshop as JSON with the ids an import renews replaced by their rank in a stable
/// order, and the code dropped: two imports of one archive compare equal.
fn normalised(workshops: &[Workshop]) -> Value {
    let mut json = serde_json::to_string(workshops).expect("workshops serialise");
    let mut renewed: Vec<String> = Vec::new();
    for w in workshops {
        renewed.push(w.id.to_string());
        renewed.push(w.campaign.to_string());
        let mut people: Vec<_> = w.participants.values().collect();
        people.sort_by_key(|p| (p.joined, p.name.clone()));
        renewed.extend(people.iter().map(|p| p.id.to_string()));
    }
    for (i, id) in renewed.iter().enumerate() {
        json = json.replace(id.as_str(), &format!("renewed-{i}"));
    }
    let mut value: Value = serde_json::from_str(&json).expect("still JSON");
    for w in value.as_array_mut().expect("a list") {
        w["code"] = Value::Null;
    }
    value
}

#[test]
fn the_archive_imports_as_the_same_campaign_under_new_ids() {
    let campaign = fixture::campaign(&Catalog::builtin());
    let json = render(Format::Json, &campaign, true, Lang::Fr);
    let archive: Archive = serde_json::from_slice(&json).expect("the export parses as an archive");
    let mut n = 0u128;
    let imported = archive::prepare(archive, fixture::GENERATED, || {
        n += 1;
        uuid::Uuid::from_u128(0xFEED_0000 + n)
    })
    .expect("the archive imports");
    assert_eq!(imported.len(), 2);
    assert_ne!(imported[0].id, campaign[0].id);
    assert_eq!(
        imported[1].origin,
        Some(imported[0].id),
        "the second still continues the first"
    );
    assert_eq!(imported[0].campaign, imported[1].campaign);
    assert_ne!(imported[0].campaign, campaign[0].campaign);
    for (old, new) in campaign.iter().zip(&imported) {
        assert!(old.participants.keys().all(|p| !new.participants.contains_key(p)));
        assert_eq!(
            archive::lead(new).map(|l| new.participants[&l].role),
            Some(Role::Lead)
        );
    }
    assert_eq!(normalised(&imported), normalised(&campaign));
    // The imported campaign exports the same report.
    let before = render(Format::Markdown, &campaign, true, Lang::Fr);
    let after = render(Format::Markdown, &imported, true, Lang::Fr);
    assert_eq!(String::from_utf8_lossy(&before), String::from_utf8_lossy(&after));
}

#[test]
fn a_broken_archive_is_refused_with_its_reason() {
    let w = first();
    let archive = |workshops: Vec<Workshop>| Archive {
        format: "atelier-archive".into(),
        version: 1,
        exported: fixture::GENERATED,
        workshops,
    };
    let fresh = uuid::Uuid::new_v4;
    let now = fixture::GENERATED;
    let mut wrong = archive(vec![w.clone()]);
    wrong.format = "trello".into();
    assert_eq!(
        archive::prepare(wrong, now, fresh),
        Err(ImportError::NotAnArchive("trello".into()))
    );
    let mut future = archive(vec![w.clone()]);
    future.version = 2;
    assert_eq!(archive::prepare(future, now, fresh), Err(ImportError::Version(2)));
    assert_eq!(
        archive::prepare(archive(vec![]), now, fresh),
        Err(ImportError::Empty)
    );
    assert_eq!(
        archive::prepare(archive(vec![w.clone(); 21]), now, fresh),
        Err(ImportError::TooMany(21))
    );
    let mut orphan = w.clone();
    let note = orphan.notes.values_mut().next().expect("a note");
    note.room = atelier_shared::RoomId::from_u128(0xDEAD);
    let refused = archive::prepare(archive(vec![orphan]), now, fresh);
    assert!(
        matches!(refused, Err(ImportError::Invalid { index: 1, .. })),
        "{refused:?}"
    );
    let mut leaderless = w;
    leaderless.participants.retain(|_, p| p.role != Role::Lead);
    let refused = archive::prepare(archive(vec![leaderless]), now, fresh);
    assert!(refused.is_err(), "{refused:?}");
}
