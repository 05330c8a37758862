//! The hostile-input suite, for archives: what `POST /api/import` does with a file
//! made to hurt, over real HTTP against a real server.
//!
//! An archive is a whole workshop written by someone else, so it must pass every
//! rule a live command passes (the same checks, `check_invariants`), cost what an
//! address is allowed, and never touch another workshop. The property test takes a
//! real archive and breaks it at every kind of place (each value replaced by a
//! hostile one, a value moved where an id of another kind is expected, a part
//! removed): every answer is 201 or a 4xx with a reason, every accepted archive
//! exports in every format, and a workshop running beside it never notices.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use atelier_server::catalog::Catalog;
use atelier_server::export::archive;
use atelier_server::{Config, Limits, Rate};
use atelier_shared::api::Imported;
use atelier_shared::{Colour, Command, NoteId, Workshop};
use atelier_tests::fixture;
use atelier_tests::{TestServer, WsClient};
use hyper::{Method, StatusCode};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as Cases, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};
use uuid::Uuid;

/// The demo campaign's first workshop as the export writes it: rooms, participants,
/// notes with characterisations, ballots, results.
fn real_archive() -> Value {
    let campaign = fixture::campaign(&Catalog::builtin());
    serde_json::from_slice(&archive::export(&campaign[..1], fixture::GENERATED)).unwrap()
}

/// Every node of a JSON value, as a JSON pointer (the root excluded).
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{}", escape(key));
                out.push(here.clone());
                pointers(child, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let here = format!("{at}/{i}");
                out.push(here.clone());
                pointers(child, &here, out);
            }
        }
        _ => {}
    }
}

/// Values a hostile file could hold anywhere.
fn hostile_values() -> Vec<Value> {
    vec![
        json!(u64::MAX),
        json!(i64::MAX),
        json!((1u64 << 53) + 1),
        json!(-1),
        json!(0),
        json!(1.5),
        json!(1e300),
        json!(null),
        json!(true),
        json!(""),
        json!([]),
        json!({}),
        json!("x".repeat(100_000)),
        json!(format!("\u{202E}{}", "a".repeat(20_000))),
        json!("nul\u{0}esc\u{1b}[31m"),
        json!("<script>alert(1)</script>"),
        json!("=HYPERLINK(\"http://evil.example\")"),
        json!("\u{200B}\u{2060}\u{FEFF}"),
        json!(Uuid::new_v4().to_string()),
        json!("yess-camp-1"),
    ]
}

/// One way of breaking an archive.
#[derive(Clone, Debug)]
enum Damage {
    /// The node at this pointer becomes this hostile value.
    Replace(usize, usize),
    /// The node at the first pointer takes the value of the node at the second (an
    /// id where another kind of id, or a number, was expected).
    Copy(usize, usize),
    /// The node at this pointer is removed.
    Remove(usize),
}

fn apply(archive: &Value, at: &[String], damage: &Damage) -> Value {
    let mut broken = archive.clone();
    match *damage {
        Damage::Replace(node, value) => {
            *broken.pointer_mut(&at[node]).unwrap() = hostile_values()[value].clone();
        }
        Damage::Copy(node, from) => {
            let value = archive.pointer(&at[from]).unwrap().clone();
            *broken.pointer_mut(&at[node]).unwrap() = value;
        }
        Damage::Remove(node) => {
            let (parent, key) = at[node].rsplit_once('/').unwrap();
            let key = key.replace("~1", "/").replace("~0", "~");
            match broken.pointer_mut(parent).unwrap() {
                Value::Object(map) => {
                    map.remove(&key);
                }
                Value::Array(items) => {
                    items.remove(key.parse::<usize>().unwrap());
                }
                _ => unreachable!("a pointer's parent holds it"),
            }
        }
    }
    broken
}

fn unpaced() -> Config {
    Config {
        limits: Limits::default().unpaced(),
        ..Config::default()
    }
}

/// A workshop in use beside the imports: its state, to compare at the end.
struct Bystander {
    client: WsClient,
    id: atelier_shared::WorkshopId,
}

impl Bystander {
    async fn new(server: &TestServer) -> Bystander {
        let created = server.create_workshop("Atelier voisin", &["Aude"]).await;
        let zoe = server.join(created.code.as_str(), "Zoé").await;
        let mut client = WsClient::connect(server, &zoe.token).await;
        client
            .ok(Self::post(&client.workshop, "Des bus le dimanche"))
            .await;
        Bystander {
            client,
            id: created.workshop,
        }
    }

    fn post(w: &Workshop, text: &str) -> Command {
        let room = w.rooms[0].id;
        Command::PostNote {
            note: NoteId(Uuid::new_v4()),
            room,
            column: w.columns[0].id,
            text: text.into(),
            colour: Colour::Yellow,
            parent: None,
        }
    }

    async fn state(&self, server: &TestServer) -> Workshop {
        let handle = server
            .hub
            .find(self.id, true)
            .await
            .expect("the bystander is live");
        handle.inspect().await.expect("its actor is alive").workshop
    }

    /// Unchanged since `before`, and still taking commands.
    async fn unharmed(&mut self, server: &TestServer, before: &Workshop) {
        assert_eq!(&self.state(server).await, before, "the bystander changed");
        let post = Self::post(&self.client.workshop, "Toujours là");
        self.client.ok(post).await;
    }
}

/// Every export of an imported workshop answers 200 with a body.
async fn exports_render(server: &TestServer, imported: &Imported) {
    for workshop in &imported.workshops {
        for file in [
            "report.md",
            "report.html",
            "report.csv",
            "report.xlsx",
            "report.json",
            "campaign.md",
        ] {
            let path = format!("/api/workshops/{}/{file}", workshop.workshop);
            let (status, _, body) = server.get(&path, Some(&workshop.facilitator_secret)).await;
            assert_eq!(status, StatusCode::OK, "{file} of an accepted archive");
            assert!(!body.is_empty(), "{file} of an accepted archive is empty");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_passes_every_rule_a_command_passes() {
    let server = TestServer::start_with(unpaced()).await;
    let mut bystander = Bystander::new(&server).await;
    let before = bystander.state(&server).await;
    let base = real_archive();
    let note = {
        let notes = base["workshops"][0]["notes"].as_object().unwrap();
        notes.keys().next().unwrap().clone()
    };
    let detailed = {
        let notes = base["workshops"][0]["notes"].as_object().unwrap();
        notes
            .iter()
            .find(|(_, n)| n.get("details").is_some())
            .unwrap()
            .0
            .clone()
    };
    let w = "/workshops/0";
    let cases: Vec<(&str, String, Value)> = vec![
        // The attacker's crash: a note from the end of time made the report's
        // timeline allocate hundreds of gigabytes.
        (
            "a note created at 2^64-1",
            format!("{w}/notes/{note}/created"),
            json!(u64::MAX),
        ),
        (
            "a note from the future",
            format!("{w}/notes/{note}/created"),
            json!(32_503_680_000_000u64),
        ),
        (
            "a workshop created at 2^64-1",
            format!("{w}/created"),
            json!(u64::MAX),
        ),
        // The store keeps sequence numbers as SQLite integers.
        ("a sequence number past i64", format!("{w}/seq"), json!(i64::MAX)),
        (
            "a 20,000-character title with U+202E",
            format!("{w}/title"),
            json!(format!("\u{202E}{}", "t".repeat(20_000))),
        ),
        (
            "NUL and ESC in a room's name",
            format!("{w}/rooms/0/name"),
            json!("Aude\u{0}\u{1b}[2J"),
        ),
        (
            "100,000 characters in a characterisation",
            format!("{w}/notes/{detailed}/details/why"),
            json!("p".repeat(100_000)),
        ),
        (
            "a timer that runs for a thousand years",
            format!("{w}/timer/state"),
            json!({ "state": "running", "ends_at": 32_503_680_000_000u64 }),
        ),
        (
            "a paused timer with 2^64-1 ms left",
            format!("{w}/timer/state"),
            json!({ "state": "paused", "remaining": u64::MAX }),
        ),
        (
            "a step of a million minutes",
            format!("{w}/steps/0/minutes"),
            json!(1_000_000),
        ),
        (
            "an invisible participant name",
            format!("{w}/participants/{}/name", first_key(&base, "participants")),
            json!("\u{200B}\u{2060}"),
        ),
    ];
    for (what, pointer, value) in cases {
        let mut archive = base.clone();
        *archive
            .pointer_mut(&pointer)
            .unwrap_or_else(|| panic!("{pointer}")) = value;
        let count = server.workshops_made();
        let (status, body) = server.request(Method::POST, "/api/import", Some(archive)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{what}: a refusal says why");
        assert_eq!(server.workshops_made(), count, "{what}: nothing was created");
    }
    // The archive as exported is still welcome, and its reports render.
    let (status, body) = server.request(Method::POST, "/api/import", Some(base)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    exports_render(&server, &serde_json::from_value(body).unwrap()).await;
    bystander.unharmed(&server, &before).await;
}

fn first_key(archive: &Value, map: &str) -> String {
    archive["workshops"][0][map]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_are_bounded_in_size_and_per_address() {
    let server = TestServer::start().await;
    let limits = server.hub.config.limits.clone();
    let count = server.workshops_made();

    // Too large to be read: refused from its declared length, before a byte is parsed.
    let (status, body) = server
        .post_declaring("/api/import", limits.max_import_bytes + 1)
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"], "too_large", "{body}");
    assert!(body["message"].as_str().unwrap().contains("KiB"), "{body}");
    assert_eq!(server.workshops_made(), count);

    // An address may create so many workshops an hour, imported or not: a campaign
    // archive of 2 workshops counts 2, and the one that would pass the allowance is
    // refused whole.
    let creations = limits.creations.unwrap();
    let campaign = fixture::campaign(&Catalog::builtin());
    let two: Value = serde_json::from_slice(&archive::export(&campaign, fixture::GENERATED)).unwrap();
    assert_eq!(two["workshops"].as_array().unwrap().len(), 2);
    let mut created = 0;
    let refused = loop {
        let (status, body) = server
            .request(Method::POST, "/api/import", Some(two.clone()))
            .await;
        match status {
            StatusCode::CREATED => created += 2,
            StatusCode::TOO_MANY_REQUESTS => break body,
            other => panic!("{other}: {body}"),
        }
        assert!(created <= creations.burst, "the allowance held");
    };
    assert!(created + 2 > creations.burst, "refused only past the allowance");
    assert!(
        refused["message"].as_str().unwrap().contains("try again"),
        "{refused}"
    );
    assert_eq!(server.workshops_made(), count + created as usize);
    // The allowance is the address's, not the server's: creating by hand is refused too.
    let (status, _) = server
        .request(
            Method::POST,
            "/api/workshops",
            Some(json!({
                "template": "brainstorm-vote",
                "title": "Encore un",
                "facilitator_name": "Camille",
                "rooms": [{ "name": "Aude", "territory": "Aude" }],
                "columns": ["Besoins"],
            })),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

/// What one address may import is counted in bytes too, from each archive's declared
/// length: past the allowance the next archive is refused before it is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_bytes_are_paced_per_address() {
    let body = real_archive();
    let kib = u32::try_from(body.to_string().len().div_ceil(1024)).unwrap();
    let mut config = unpaced();
    config.limits.import_kib = Some(Rate::per_hour(kib, 3 * kib));
    let server = TestServer::start_with(config).await;
    for n in 0..3 {
        let (status, answer) = server
            .request(Method::POST, "/api/import", Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::CREATED, "import {n}: {answer}");
    }
    let (status, answer) = server
        .request(Method::POST, "/api/import", Some(body.clone()))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    assert!(answer["retry_after_secs"].as_u64().unwrap() > 0, "{answer}");
    assert_eq!(server.workshops_made(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_damage_to_an_archive_is_refused_or_harmless() {
    let server = TestServer::start_with(unpaced()).await;
    let mut bystander = Bystander::new(&server).await;
    let before = bystander.state(&server).await;
    let base = real_archive();
    let mut at = Vec::new();
    pointers(&base, "", &mut at);
    let values = hostile_values().len();
    let nodes = at.len();
    let damage = prop_oneof![
        4 => (0..nodes, 0..values).prop_map(|(n, v)| Damage::Replace(n, v)),
        2 => (0..nodes, 0..nodes).prop_map(|(n, from)| Damage::Copy(n, from)),
        1 => (0..nodes).prop_map(Damage::Remove),
    ];
    // Fixed cases (a deterministic runner): the same 400 damages on every run.
    let mut runner =
        TestRunner::new_with_rng(Cases::default(), TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let cases: Vec<Damage> = (0..400)
        .map(|_| damage.new_tree(&mut runner).unwrap().current())
        .collect();
    let (mut accepted, mut refused) = (0, 0);
    for damage in &cases {
        let broken = apply(&base, &at, damage);
        let count = server.workshops_made();
        let (status, body) = server.request(Method::POST, "/api/import", Some(broken)).await;
        match status {
            StatusCode::CREATED => {
                accepted += 1;
                exports_render(&server, &serde_json::from_value(body).unwrap()).await;
            }
            StatusCode::BAD_REQUEST => {
                refused += 1;
                assert!(
                    !body["message"].as_str().unwrap_or_default().is_empty(),
                    "{damage:?}"
                );
                assert_eq!(server.workshops_made(), count, "{damage:?} left something");
            }
            other => panic!("{damage:?}: {other} {body}"),
        }
    }
    let (status, _) = server.request(Method::GET, "/api/health", None).await;
    assert_eq!(status, StatusCode::OK);
    bystander.unharmed(&server, &before).await;
    eprintln!(
        "archive damage: {} nodes, {} cases: {accepted} accepted (every export rendered), \
         {refused} refused with a reason, the bystander unharmed",
        nodes,
        cases.len()
    );
    assert!(refused > cases.len() / 2, "most damage is caught");
}
