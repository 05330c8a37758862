//! The hostile-client suite, over real websockets and HTTP against a real server.
//!
//! A participant, an observer, a room facilitator and a lead of another workshop send
//! everything a broken or malicious client could: malformed JSON, wrong types, unknown
//! variants, huge and binary frames, replayed commands, commands aimed at other
//! workshops and rooms, commands above their role, hostile text, forged tokens. Every
//! input must get its answer (an error or a refusal, or the acknowledgement of an
//! already-applied command), no workshop may change, and the server must go on
//! serving. Floods, guessed codes, connections per address and foreign origins are
//! tested against the default limits. Each test prints how many inputs it tried.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use atelier_server::Config;
use atelier_shared::api::Created;
use atelier_shared::model::{Assignment, Settings};
use atelier_shared::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, ServerMsg, Token};
use atelier_shared::rejection::Paced;
use atelier_shared::{
    Colour, ColumnId, Command, JoinCode, NoteId, ParticipantId, Rejection, Role, RoomId, Workshop,
};
use atelier_tests::client::{closing, open};
use atelier_tests::{PATIENCE, TestServer, WsClient};
use futures_util::SinkExt;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

/// How many inputs of each kind a test tried.
#[derive(Default)]
struct Tally(BTreeMap<&'static str, usize>);

impl Tally {
    fn count(&mut self, kind: &'static str) {
        *self.0.entry(kind).or_default() += 1;
    }

    fn total(&self) -> usize {
        self.0.values().sum()
    }

    fn report(&self, test: &str, outcome: &str) {
        let kinds: Vec<String> = self.0.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        eprintln!(
            "{test}: {} hostile inputs tried ({}); {outcome}",
            self.total(),
            kinds.join(", ")
        );
    }
}

/// Workshop A (Aude, Gard) with its lead, Alice (participant, Aude), Bob (participant,
/// Gard), Olga (observer, Aude) and Inès (facilitator of Gard); workshop B with its
/// own lead and Zoé. Alice, Bob and Zoé have each posted a note.
struct Scene {
    server: TestServer,
    a: Created,
    b: Created,
    lead: WsClient,
    alice: WsClient,
    olga: WsClient,
    ines: WsClient,
    other_lead: WsClient,
    alices_note: NoteId,
    bobs_note: NoteId,
    zoes_note: NoteId,
    /// Alice's last accepted command, to replay.
    alices_post: (u64, Command),
    alices_token: Token,
}

fn room(w: &Workshop, name: &str) -> RoomId {
    w.rooms.iter().find(|r| r.name == name).unwrap().id
}

fn first_column(w: &Workshop, room: RoomId) -> ColumnId {
    w.current_step(room).unwrap().columns[0]
}

fn post(room: RoomId, column: ColumnId, text: &str) -> (NoteId, Command) {
    let note = NoteId(Uuid::new_v4());
    let command = Command::PostNote {
        note,
        room,
        column,
        text: text.into(),
        colour: Colour::Yellow,
        parent: None,
    };
    (note, command)
}

impl Scene {
    async fn new(config: Config) -> Scene {
        let server = TestServer::start_with(config).await;
        let a = server.create_workshop("YESS CAMP 1", &["Aude", "Gard"]).await;
        let b = server.create_workshop("Un autre atelier", &["Lozère"]).await;
        let code = a.code.as_str();
        let alice = server.join(code, "Alice").await;
        let bob = server.join(code, "Bob").await;
        let olga = server.join(code, "Olga").await;
        let ines = server.join(code, "Inès").await;
        let zoe = server.join(b.code.as_str(), "Zoé").await;

        let mut lead = WsClient::connect(&server, &a.facilitator_secret).await;
        let (aude, gard) = (room(&lead.workshop, "Aude"), room(&lead.workshop, "Gard"));
        let moves = [
            (alice.participant, aude, Role::Participant),
            (bob.participant, gard, Role::Participant),
            (olga.participant, aude, Role::Observer),
            (ines.participant, gard, Role::RoomFacilitator),
        ];
        for (participant, room, role) in moves {
            lead.ok(Command::MoveParticipant {
                participant,
                room: Some(room),
            })
            .await;
            lead.ok(Command::SetRole { participant, role }).await;
        }
        let column = first_column(&lead.workshop, aude);
        let mut alice_ws = WsClient::connect(&server, &alice.token).await;

        let (alices_note, command) = post(aude, column, "Une épicerie solidaire");
        let id = alice_ws.send(command.clone()).await;
        alice_ws.outcome(id).await.unwrap();
        let mut bob_ws = WsClient::connect(&server, &bob.token).await;
        let (bobs_note, bobs_post) = post(gard, column, "Un tiers-lieu à Alès");
        bob_ws.ok(bobs_post).await;
        let mut zoe_ws = WsClient::connect(&server, &zoe.token).await;
        let lozere = zoe_ws.workshop.rooms[0].id;
        let (zoes_note, zoes_post) = post(lozere, first_column(&zoe_ws.workshop, lozere), "Des bus");
        zoe_ws.ok(zoes_post).await;
        Scene {
            lead,
            alice: alice_ws,
            olga: WsClient::connect(&server, &olga.token).await,
            ines: WsClient::connect(&server, &ines.token).await,
            other_lead: WsClient::connect(&server, &b.facilitator_secret).await,
            server,
            a,
            b,
            alices_note,
            bobs_note,
            zoes_note,
            alices_post: (id, command),
            alices_token: alice.token,
        }
    }

    async fn states(&self) -> (Workshop, Workshop) {
        let state = |id| async move {
            let handle = self.server.hub.find(id, true).await.expect("live workshop");
            handle.inspect().await.expect("actor alive").workshop
        };
        (state(self.a.workshop).await, state(self.b.workshop).await)
    }

    fn aude(&self) -> RoomId {
        room(&self.lead.workshop, "Aude")
    }

    fn gard(&self) -> RoomId {
        room(&self.lead.workshop, "Gard")
    }
}

/// Sends raw text and waits for the error it must bring.
async fn expect_error(client: &mut WsClient, text: &str, code: ErrorCode) {
    client.send_text(text).await;
    let (got, message) = client.error().await;
    assert_eq!(got, code, "{text:.200} → {message}");
}

/// Sends a command that must be refused; returns why.
async fn expect_refusal(client: &mut WsClient, command: Command) -> Rejection {
    let described = format!("{command:?}");
    match client.command(command).await {
        Err(rejection) => rejection,
        Ok(events) => panic!("{described} was accepted: {events:?}"),
    }
}

/// Sends commands that must each be refused, counting them as `kind`.
async fn expect_refusals(
    client: &mut WsClient,
    commands: impl IntoIterator<Item = Command>,
    tally: &mut Tally,
    kind: &'static str,
) {
    for command in commands {
        expect_refusal(client, command).await;
        tally.count(kind);
    }
}

/// Every way of breaking a valid message's JSON: each prefix, and each value made
/// another type.
fn broken_versions(valid: &str) -> Vec<String> {
    let mut broken: Vec<String> = (0..valid.len())
        .filter(|&n| valid.is_char_boundary(n))
        .map(|n| valid[..n].to_owned())
        .collect();
    let value: Value = serde_json::from_str(valid).unwrap();
    let others = [
        json!(null),
        json!(-1),
        json!(1.5),
        json!("x"),
        json!([]),
        json!({}),
        json!(true),
    ];
    let mut paths = Vec::new();
    leaves(&value, &mut Vec::new(), &mut paths);
    for path in paths {
        for other in &others {
            let mut changed = value.clone();
            let mut at = &mut changed;
            for key in &path {
                at = &mut at[key.as_str()];
            }
            if at != other {
                *at = other.clone();
                broken.push(changed.to_string());
            }
        }
    }
    broken
}

fn leaves(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(key.clone());
                leaves(child, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

/// Commands only facilitators may send, aimed at workshop A.
fn facilitator_commands(s: &Scene, me: ParticipantId) -> Vec<Command> {
    let w = &s.lead.workshop;
    let (aude, gard) = (s.aude(), s.gard());
    let step = w.steps[0].clone();
    let any_step = w.steps.last().unwrap().id;
    vec![
        Command::SetRole {
            participant: me,
            role: Role::Lead,
        },
        Command::MoveParticipant {
            participant: me,
            room: Some(gard),
        },
        Command::UpdateSettings {
            settings: Settings {
                assignment: Assignment::Choice,
                joining_open: false,
            },
        },
        Command::AddRoom {
            room: RoomId(Uuid::new_v4()),
            name: "Hérault".into(),
            territory: None,
        },
        Command::RenameRoom {
            room: aude,
            name: "Pwned".into(),
            territory: None,
        },
        Command::RemoveRoom { room: gard },
        Command::RenameColumn {
            column: first_column(w, aude),
            title: "Pwned".into(),
        },
        Command::Lock {
            room: None,
            locked: true,
        },
        Command::Broadcast {
            text: "Tout le monde dehors".into(),
        },
        Command::EditStep { step },
        Command::RemoveStep { step: any_step },
        Command::GoToStep {
            room: None,
            step: any_step,
        },
        Command::GoToStep {
            room: Some(aude),
            step: any_step,
        },
        Command::Reveal { room: None },
        Command::StartTimer {
            seconds: 60,
            auto_lock: true,
        },
        Command::AddTime { seconds: 600 },
        Command::StopTimer,
        Command::MergeNotes {
            into: s.alices_note,
            notes: vec![s.bobs_note],
        },
        Command::Ungroup { note: s.alices_note },
        Command::DeleteNote { note: s.bobs_note },
        Command::CloseVote {
            room: None,
            step: any_step,
        },
        Command::ReopenVote {
            room: Some(aude),
            step: any_step,
        },
        // The server's own.
        Command::Admit {
            participant: ParticipantId(Uuid::new_v4()),
            name: "Intrus".into(),
            role: Role::Lead,
        },
        Command::TimerElapsed,
    ]
}

/// Facilitator commands that name workshop A's rooms, columns, notes or people.
fn aimed_at_a(s: &Scene) -> Vec<Command> {
    let (aude, gard) = (s.aude(), s.gard());
    let alice = s.alice.you;
    let step = s.lead.workshop.steps[0].id;
    vec![
        Command::SetRole {
            participant: alice,
            role: Role::Observer,
        },
        Command::MoveParticipant {
            participant: alice,
            room: None,
        },
        Command::RenameRoom {
            room: aude,
            name: "Pwned".into(),
            territory: None,
        },
        Command::RemoveRoom { room: gard },
        Command::RenameColumn {
            column: first_column(&s.lead.workshop, aude),
            title: "Pwned".into(),
        },
        Command::Lock {
            room: Some(aude),
            locked: true,
        },
        Command::GoToStep {
            room: Some(aude),
            step,
        },
        Command::Reveal { room: Some(aude) },
        Command::MergeNotes {
            into: s.alices_note,
            notes: vec![s.bobs_note],
        },
        Command::DeleteNote { note: s.bobs_note },
        Command::EditNote {
            note: s.alices_note,
            text: "Pwned".into(),
            colour: Colour::Pink,
        },
        Command::CloseVote {
            room: Some(aude),
            step,
        },
    ]
}

/// Reads until every command of `ids` has its answer: `Ok` or the refusal, by id.
async fn outcomes(client: &mut WsClient, ids: &[u64]) -> BTreeMap<u64, Result<(), Rejection>> {
    let mut answers = BTreeMap::new();
    while answers.len() < ids.len() {
        match client.recv().await {
            ServerMsg::Ack { id, .. } => {
                answers.insert(id, Ok(()));
            }
            ServerMsg::Rejected { id, rejection, .. } => {
                answers.insert(id, Err(rejection));
            }
            ServerMsg::Event { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(ids.iter().all(|id| answers.contains_key(id)));
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_client_gets_an_answer_for_everything_and_changes_nothing() {
    let mut config = Config::default();
    // Every input must reach the decoder and the state machine, not the pace (the
    // flood test below is about the pace).
    config.limits.commands = None;
    let mut s = Scene::new(config).await;
    let before = s.states().await;
    // The scene's five clients, once the two it let go of are gone.
    let started = Instant::now();
    let health_before = loop {
        let health = s.server.request(Method::GET, "/api/health", None).await.1;
        if health["connections"] == 5 || started.elapsed() > PATIENCE {
            break health;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(health_before["connections"], 5, "{health_before}");
    let mut tally = Tally::default();
    let (aude, gard) = (s.aude(), s.gard());
    let column = first_column(&s.lead.workshop, aude);

    // Malformed JSON and unknown variants.
    let garbage = [
        "",
        " ",
        "null",
        "0",
        "\"hello\"",
        "[]",
        "{}",
        "{{}}",
        "{\"type\":\"command\"",
        "{\"type\":\"command\",\"id\":1}",
        "{\"type\":\"command\",\"id\":1,\"command\":null}",
        "{\"type\":\"command\",\"id\":1,\"command\":{\"kind\":\"become_lead\"}}",
        "{\"type\":\"command\",\"id\":1,\"command\":{\"kind\":\"delete_workshop\"}}",
        "{\"type\":\"command\",\"id\":1,\"command\":{\"kind\":\"POST_NOTE\"}}",
        "{\"type\":\"admin\"}",
        "{\"type\":\"HELLO\",\"protocol\":1,\"token\":\"x\"}",
        "{\"type\":\"ping\",\"type\":\"admin\"}",
        "{\"type\":\"command\",\"id\":1.5,\"command\":{\"kind\":\"stop_timer\"}}",
        "{\"type\":\"command\",\"id\":-1,\"command\":{\"kind\":\"stop_timer\"}}",
        "{\"type\":\"command\",\"id\":18446744073709551616,\"command\":{\"kind\":\"stop_timer\"}}",
        "\u{feff}{\"type\":\"ping\"}",
        "{\"type\":\"ping\"}{\"type\":\"ping\"}",
        "<script>alert(1)</script>",
        "\u{0}\u{1}\u{2}",
    ];
    for text in garbage {
        expect_error(&mut s.alice, text, ErrorCode::Malformed).await;
        tally.count("malformed or unknown");
    }
    // Nesting deep enough to overflow a naive recursive parser's stack.
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    expect_error(&mut s.alice, &deep, ErrorCode::Malformed).await;
    tally.count("malformed or unknown");

    // Every prefix of a valid command, and every field made another type. Olga is
    // an observer: any version that still decodes asks for something she may not do.
    let (_, olgas_post) = post(aude, column, "Observatrice");
    let valid = ClientMsg::Command {
        id: 1,
        command: olgas_post,
    }
    .encode();
    for text in broken_versions(&valid) {
        s.olga.send_text(&text).await;
        match s.olga.recv().await {
            ServerMsg::Error {
                code: ErrorCode::Malformed,
                ..
            } => tally.count("truncated or mistyped"),
            ServerMsg::Rejected { .. } => tally.count("truncated or mistyped"),
            other => panic!("{text} → {other:?}"),
        }
    }

    // Too large for a message, but not for the connection; binary frames.
    let limit = s.server.hub.config.limits.max_message_bytes;
    let huge = format!(
        "{{\"type\":\"command\",\"id\":1,\"command\":{{\"kind\":\"broadcast\",\"text\":\"{}\"}}}}",
        "x".repeat(limit)
    );
    expect_error(&mut s.alice, &huge, ErrorCode::TooLarge).await;
    tally.count("too large");
    for bytes in [vec![], vec![0xFF; 1000], valid.clone().into_bytes()] {
        s.alice.socket.send(Message::binary(bytes)).await.unwrap();
        assert_eq!(s.alice.error().await.0, ErrorCode::Binary);
        tally.count("binary");
    }
    // A second hello, with the lead's token: no one becomes someone else.
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: s.a.facilitator_secret.clone(),
    };
    expect_error(&mut s.alice, &hello.encode(), ErrorCode::AlreadyGreeted).await;
    tally.count("hello again");

    // Replays: the same command again is acknowledged, not applied twice; the same
    // note under a new command id is a duplicate.
    let (id, command) = s.alices_post.clone();
    for _ in 0..3 {
        s.alice.send_as(id, command.clone()).await;
        assert!(s.alice.outcome(id).await.unwrap().is_empty(), "no new event");
        tally.count("replayed");
        assert_eq!(
            expect_refusal(&mut s.alice, command.clone()).await,
            Rejection::DuplicateId
        );
        tally.count("replayed");
    }

    // Other rooms and other workshops.
    let lozere = s.other_lead.workshop.rooms[0].id;
    let elsewhere = [
        post(gard, column, "Chez les voisins").1,
        post(lozere, column, "Dans un autre atelier").1,
        Command::EditNote {
            note: s.bobs_note,
            text: "Réécrit".into(),
            colour: Colour::Pink,
        },
        Command::DeleteNote { note: s.bobs_note },
        Command::EditNote {
            note: s.zoes_note,
            text: "Réécrit".into(),
            colour: Colour::Pink,
        },
        Command::DeleteNote { note: s.zoes_note },
        Command::Vote {
            note: s.zoes_note,
            dots: 1,
        },
        Command::ChooseRoom { room: lozere },
    ];
    expect_refusals(&mut s.alice, elsewhere, &mut tally, "other room or workshop").await;
    // Another workshop's lead has no power here: whatever names workshop A's rooms,
    // notes or people is unknown to theirs.
    let aimed = aimed_at_a(&s);
    expect_refusals(&mut s.other_lead, aimed, &mut tally, "other room or workshop").await;

    // Above one's role: a participant, an observer, and (for what only the lead may
    // do, or only in another room) a room facilitator.
    // (Which rule refuses first may be the step's; `machine::tests::roles` proves
    // each command is refused for its role alone.)
    let alice = s.alice.you;
    let commands = facilitator_commands(&s, alice);
    expect_refusals(&mut s.alice, commands, &mut tally, "role escalation").await;
    let olga = s.olga.you;
    let commands = facilitator_commands(&s, olga);
    expect_refusals(&mut s.olga, commands, &mut tally, "role escalation").await;
    let observer_posts = [
        post(aude, column, "Je ne fais que regarder").1,
        Command::Vote {
            note: s.alices_note,
            dots: 1,
        },
        Command::SetReady { ready: true },
    ];
    expect_refusals(&mut s.olga, observer_posts, &mut tally, "role escalation").await;
    let ines = s.ines.you;
    let bobs_note = s.bobs_note;
    let lead_only: Vec<Command> = facilitator_commands(&s, ines)
        .into_iter()
        .filter(|c| match c {
            // Hers to do, in Gard.
            Command::Lock { room: Some(r), .. } | Command::GoToStep { room: Some(r), .. } => *r != gard,
            Command::DeleteNote { note } => *note != bobs_note,
            _ => true,
        })
        .collect();
    expect_refusals(&mut s.ines, lead_only, &mut tally, "role escalation").await;

    // Text no one should have to read.
    let too_long = "x".repeat(atelier_shared::text::NOTE_MAX_CHARS + 1);
    let zalgo = format!("Z{}", "\u{0301}\u{0316}".repeat(20));
    let arabic_pile = format!("\u{0628}{}", "\u{0610}".repeat(30));
    let music_pile = format!("\u{1D15F}{}", "\u{1D167}".repeat(40));
    let thai_pile = format!("\u{0E01}{}", "\u{0E49}".repeat(40));
    let texts = [
        "",
        "   \n\t ",
        "\u{200B}\u{200B}",
        "\u{200E}\u{061C} \u{E0020}\u{FFF9}\u{2065}",
        "\u{206A}\u{1D173}",
        "bip\u{7}bip",
        "\u{1b}[2J effacé",
        "Budget \u{202E}0001",
        zalgo.as_str(),
        arabic_pile.as_str(),
        music_pile.as_str(),
        thai_pile.as_str(),
        too_long.as_str(),
    ];
    for text in texts {
        let rejection = expect_refusal(&mut s.alice, post(aude, column, text).1).await;
        assert!(
            matches!(
                rejection,
                Rejection::EmptyText { .. }
                    | Rejection::ControlCharacters { .. }
                    | Rejection::UnreadableText { .. }
                    | Rejection::TextTooLong { .. }
            ),
            "{text:?}: {rejection:?}"
        );
        tally.count("unreadable text");
    }

    // Forged credentials, each on a connection of its own.
    let alice_id = s.alice.you.0.simple().to_string();
    let lead_token = s.a.facilitator_secret.0.clone();
    let (lead_id, lead_secret) = lead_token.split_once('.').unwrap();
    let last_digit_flipped = {
        let mut t = lead_token.clone();
        let last = if t.ends_with('0') { '1' } else { '0' };
        t.pop();
        t.push(last);
        t
    };
    let forged = [
        String::new(),
        "x".repeat(10_000),
        format!("{alice_id}.{}", "0".repeat(64)),
        format!("{alice_id}.{lead_secret}"),
        format!("{lead_id}.{}", "f".repeat(64)),
        last_digit_flipped,
        format!("organiser.{lead_secret}"),
        format!("{lead_token} "),
    ];
    for token in forged {
        let mut socket = open(&s.server).await;
        let hello = ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            token: Token(token),
        };
        socket.send(Message::text(hello.encode())).await.unwrap();
        let (error, close) = closing(&mut socket).await;
        assert_eq!(error.unwrap().0, ErrorCode::UnknownToken);
        assert_eq!(u16::from(close.unwrap().code), 4003);
        tally.count("forged token");
    }

    // Nothing changed, anywhere; everyone still connected and served.
    assert_eq!(s.states().await, before, "no workshop changed");
    // (The refused connections are counted until the server has let them go, which
    // follows their close frame by a moment.)
    let started = Instant::now();
    loop {
        let health_after = s.server.request(Method::GET, "/api/health", None).await.1;
        if health_after == health_before || started.elapsed() > PATIENCE {
            assert_eq!(health_after, health_before, "same workshops, same connections");
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for client in [&mut s.alice, &mut s.olga, &mut s.ines, &mut s.other_lead] {
        client.sync().await;
    }
    let (_, fine) = post(aude, column, "Toujours là");
    s.alice.ok(fine).await;
    assert!(tally.total() > 300, "{}", tally.total());
    tally.report(
        "hostile client",
        "each answered, none changed a workshop, the server kept serving",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn floods_are_paced_and_the_room_goes_on() {
    let mut s = Scene::new(Config::default()).await;
    let limits = s.server.hub.config.limits.clone();
    let commands = limits.commands.unwrap();
    let notes = limits.notes.unwrap();
    let (aude, column) = (s.aude(), first_column(&s.lead.workshop, s.aude()));
    let mut tally = Tally::default();

    // Alice's client goes mad: 400 notes as fast as the socket takes them.
    let start = Instant::now();
    let mut ids = Vec::new();
    for n in 0..400 {
        let (_, command) = post(aude, column, &format!("spam {n}"));
        ids.push(s.alice.send(command).await);
    }
    let (mut accepted, mut too_fast_notes, mut too_fast_commands) = (0, 0, 0);
    for (_, outcome) in outcomes(&mut s.alice, &ids).await {
        match outcome {
            Ok(_) => accepted += 1,
            Err(Rejection::TooFast {
                what: Paced::Notes, ..
            }) => too_fast_notes += 1,
            Err(Rejection::TooFast {
                what: Paced::Commands,
                retry_secs,
                ..
            }) => {
                assert!(retry_secs >= 1);
                too_fast_commands += 1;
            }
            Err(other) => panic!("{other:?}"),
        }
        tally.count("flooded notes");
    }
    let elapsed = start.elapsed();
    // Notes: the burst, plus what the sustained rate allowed meanwhile.
    let allowed_notes = notes.burst as usize + (elapsed.as_millis() / notes.every.as_millis()) as usize;
    // (Less the note she posted as the scene was set.)
    assert!(accepted >= notes.burst as usize - 1, "{accepted}");
    assert!(accepted <= allowed_notes, "{accepted} notes in {elapsed:?}");
    let allowed_commands =
        commands.burst as usize + (elapsed.as_micros() / commands.every.as_micros()) as usize;
    assert!(
        400 - too_fast_commands <= allowed_commands,
        "{too_fast_commands} paced in {elapsed:?}"
    );
    assert!(too_fast_commands > 0 && too_fast_notes > 0);
    eprintln!(
        "flood: 400 notes in {elapsed:?}: {accepted} posted, {too_fast_notes} over the notes pace, \
         {too_fast_commands} over the commands pace"
    );

    // The same person on a second connection shares the notes allowance.
    let mut second = WsClient::connect(&s.server, &s.alices_token).await;
    let refused = second.command(post(aude, column, "encore").1).await;
    assert!(
        matches!(
            refused,
            Err(Rejection::TooFast {
                what: Paced::Notes,
                ..
            })
        ),
        "{refused:?}"
    );
    tally.count("flooded notes");

    // Pings and garbage over the pace are answered `rate_limited`, and the
    // connection stays open.
    let mut rate_limited = 0;
    for _ in 0..(commands.burst * 3) {
        s.olga.send_text(&ClientMsg::Ping.encode()).await;
    }
    let mut answered = 0;
    while answered < commands.burst * 3 {
        match s.olga.recv().await {
            // Alice's notes, which Olga watches.
            ServerMsg::Event { .. } => continue,
            ServerMsg::Pong { .. } => {}
            ServerMsg::Error {
                code: ErrorCode::RateLimited,
                ..
            } => rate_limited += 1,
            other => panic!("{other:?}"),
        }
        answered += 1;
        tally.count("flooded pings");
    }
    assert!(rate_limited > 0);

    // Meanwhile the lead works as usual, and the flood is over for Alice once the
    // pace allows.
    s.lead.ok(post(aude, column, "L'animation poste").1).await;
    // The paces run on the server's real clock: there is no event to wait on but time.
    tokio::time::sleep(notes.every + commands.every).await;
    s.alice.ok(post(aude, column, "Je me calme").1).await;
    tally.report(
        "floods",
        "the paces held, the room went on, the connections stayed open",
    );
}

/// A burst far past the pace (5,000 messages sent before reading any answer) is
/// slowed, not cut: every message gets its answer, most of them `rate_limited`, and
/// the connection stays open, as docs/protocol.md says.
#[tokio::test]
async fn a_burst_is_slowed_not_cut() {
    let mut s = Scene::new(Config::default()).await;
    const BURST: usize = 5_000;
    for _ in 0..BURST {
        s.olga.send_text(&ClientMsg::Ping.encode()).await;
    }
    let (mut pongs, mut rate_limited) = (0, 0);
    while pongs + rate_limited < BURST {
        match s.olga.recv().await {
            ServerMsg::Pong { .. } => pongs += 1,
            ServerMsg::Error {
                code: ErrorCode::RateLimited,
                ..
            } => rate_limited += 1,
            ServerMsg::Error { code, message } => panic!("{code:?}: {message}"),
            _ => continue,
        }
    }
    assert!(
        pongs > 0 && rate_limited > 0,
        "{pongs} pongs, {rate_limited} paced"
    );
    // Still open, and answered normally once the pace allows.
    let commands = s.server.hub.config.limits.commands.unwrap();
    tokio::time::sleep(commands.every * 2).await;
    s.olga.send_text(&ClientMsg::Ping.encode()).await;
    loop {
        match s.olga.recv().await {
            ServerMsg::Pong { .. } => break,
            ServerMsg::Error { code, message } => panic!("{code:?}: {message}"),
            _ => continue,
        }
    }
}

#[tokio::test]
async fn guessing_codes_is_slowed_to_uselessness() {
    let config = Config {
        trust_forwarded_for: true,
        ..Config::default()
    };
    let server = TestServer::start_with(config).await;
    let created = server.create_workshop("YESS CAMP 1", &["Aude"]).await;
    let guesses = server.hub.config.limits.code_guesses.unwrap();
    let from = |ip: &str| vec![("x-forwarded-for", ip.to_owned())];
    let mut tally = Tally::default();

    // An attacker's address: the allowance of typos, then nothing, not even the
    // right code, whichever endpoint they try.
    let attacker = from("203.0.113.66");
    for n in 0..guesses.burst {
        let last = char::from(JoinCode::ALPHABET[n as usize]);
        let body = json!({ "code": format!("ZZZZZ{last}"), "name": "X" });
        let (status, _, _) = server
            .send(Method::POST, "/api/join", Some(body), &attacker)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        tally.count("guessed code");
    }
    let right = created.code.as_str();
    let attempts = [
        (
            Method::POST,
            "/api/join".to_owned(),
            Some(json!({ "code": right, "name": "X" })),
        ),
        (Method::GET, format!("/api/join/{right}"), None),
        (Method::GET, format!("/api/join/{right}/qr.svg"), None),
    ];
    for (method, path, body) in attempts {
        let (status, headers, answer) = server.send(method, &path, body, &attacker).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{path}");
        let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=guesses.every.as_secs()).contains(&wait), "{wait}");
        assert_eq!(answer["error"], "too_many_requests");
        assert_eq!(answer["retry_after_secs"], json!(wait));
        tally.count("guessed code");
    }
    // Someone else, at another address, joins as usual.
    let body = json!({ "code": right, "name": "Alice" });
    let (status, _, _) = server
        .send(Method::POST, "/api/join", Some(body), &from("198.51.100.7"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(server.workshops_made(), 1);
    tally.report(
        "code guessing",
        "past the allowance even the right code was refused; another address joined",
    );
}

/// A venue puts a whole room behind one NAT. Someone there guessing (or mistyping)
/// codes must not lock the room out of the workshop it is attending, and must learn
/// nothing new: past the allowance, only codes this network had already opened
/// still open from it.
#[tokio::test]
async fn a_guesser_behind_a_venues_nat_does_not_lock_the_room_out() {
    let config = Config {
        trust_forwarded_for: true,
        ..Config::default()
    };
    let server = TestServer::start_with(config).await;
    let attended = server.create_workshop("YESS CAMP 1", &["Aude"]).await;
    let elsewhere = server.create_workshop("Un autre atelier", &["Gard"]).await;
    let guesses = server.hub.config.limits.code_guesses.unwrap();
    let venue = vec![("x-forwarded-for", "192.0.2.10".to_owned())];
    let join = |code: &str, name: &str| json!({ "code": code, "name": name });

    // The first participant in the room joins with the code on the screen.
    let (status, _, _) = server
        .send(
            Method::POST,
            "/api/join",
            Some(join(attended.code.as_str(), "Alice")),
            &venue,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Someone on the venue's wifi spends the allowance, and more.
    for n in 0..guesses.burst + 5 {
        let last = char::from(JoinCode::ALPHABET[n as usize]);
        let (status, _, _) = server
            .send(
                Method::POST,
                "/api/join",
                Some(join(&format!("ZZZZZ{last}"), "X")),
                &venue,
            )
            .await;
        let expected = if n < guesses.burst {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(status, expected, "guess {n}");
    }
    // The rest of the room joins all the same, by every way in.
    for n in 0..20 {
        let name = format!("Participant {n}");
        let (status, _, answer) = server
            .send(
                Method::POST,
                "/api/join",
                Some(join(attended.code.as_str(), &name)),
                &venue,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{name}: {answer}");
    }
    let code = attended.code.as_str();
    for path in [format!("/api/join/{code}"), format!("/api/join/{code}/qr.svg")] {
        let (status, _, _) = server.send(Method::GET, &path, None, &venue).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    // A right code this network never opened stays refused like any guess: the
    // answer tells the guesser nothing.
    let (status, _, answer) = server
        .send(
            Method::POST,
            "/api/join",
            Some(join(elsewhere.code.as_str(), "X")),
            &venue,
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer["error"], "too_many_requests");
    let (status, _, wrong) = server
        .send(Method::POST, "/api/join", Some(join("ZZZZZZ", "X")), &venue)
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let without_wait = |mut answer: serde_json::Value| {
        answer.as_object_mut().unwrap().remove("retry_after_secs");
        answer.to_string()
    };
    assert_eq!(
        without_wait(wrong),
        without_wait(answer),
        "a right code and a wrong one get the same answer"
    );
    assert_eq!(server.hub.guards.known.len(), 3, "two creations and the venue");
}

/// Someone joining as "Lead" followed by an invisible character would pass for the
/// lead in every list. Unicode's own data decides what is invisible (default-ignorable
/// code points, format characters) and what a combining mark is, in every script.
#[tokio::test]
async fn invisible_characters_neither_disguise_a_name_nor_make_an_empty_one() {
    let server = TestServer::start().await;
    let created = server.create_workshop("YESS CAMP 1", &["Aude"]).await;
    let code = created.code.as_str();
    let (status, _) = server.try_join(code, "Lead").await;
    assert_eq!(status, StatusCode::OK);
    let disguises = [
        "\u{200E}",
        "\u{200F}",
        "\u{061C}",
        "\u{E0041}\u{E0042}",
        "\u{206A}",
        "\u{FFF9}",
        "\u{2065}",
        "\u{180F}",
    ];
    for disguise in disguises {
        for name in [
            format!("Lead{disguise}"),
            format!("L{disguise}ead"),
            format!("LEAD{disguise} "),
        ] {
            let (status, body) = server.try_join(code, &name).await;
            assert_eq!(status, StatusCode::CONFLICT, "{name:?}: {body}");
            assert_eq!(body["rejection"]["code"], "name_taken", "{name:?}");
        }
        let (status, body) = server.try_join(code, &disguise.repeat(3)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{disguise:?}: {body}");
        assert_eq!(body["rejection"]["code"], "empty_text", "{disguise:?}");
    }
    // Compatibility forms are the same letters.
    let (status, _) = server.try_join(code, "Ｌｅａｄ").await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Real names in any script still join.
    for name in ["Nguyễn Thị Minh", "سارة", "שָׂרָה", "สมชาย", "Zoë 🇫🇷"] {
        let (status, body) = server.try_join(code, name).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
    }
}

/// A forged `Host` header must not make Atelier hand out a link to another site: the
/// organiser's link names the server's own address.
#[tokio::test]
async fn links_name_the_server_never_the_requests_host() {
    let server = TestServer::start().await;
    let created = server.create_workshop("YESS CAMP 1", &["Aude"]).await;
    let ours = server.url("/");
    assert!(created.join_url.starts_with(&ours), "{}", created.join_url);
    let headers = [
        ("host", "evil.example".to_owned()),
        (
            "authorization",
            format!("Bearer {}", created.facilitator_secret.0),
        ),
    ];
    let path = format!("/api/workshops/{}/organiser", created.workshop);
    let (status, _, access) = server.send(Method::GET, &path, None, &headers).await;
    assert_eq!(status, StatusCode::OK, "{access}");
    let url = access["url"].as_str().unwrap();
    assert!(url.starts_with(&ours), "{url}");
    assert!(!url.contains("evil"), "{url}");
}

#[tokio::test]
async fn connections_per_address_are_capped_and_foreign_pages_cannot_connect() {
    let mut config = Config::default();
    config.limits.connections_per_address = Some(3);
    let server = TestServer::start_with(config).await;
    let created = server.create_workshop("YESS CAMP 1", &["Aude"]).await;
    let token = created.facilitator_secret.clone();

    let mut open_ones = Vec::new();
    for _ in 0..3 {
        open_ones.push(WsClient::connect(&server, &token).await);
    }
    let mut fourth = open(&server).await;
    let (error, close) = closing(&mut fourth).await;
    assert_eq!(error.unwrap().0, ErrorCode::TooManyConnections);
    assert_eq!(u16::from(close.unwrap().code), 4029);
    // One closes: a new one gets in.
    let mut connections = server.hub.connections();
    let mut close_one = async |open_ones: &mut Vec<WsClient>| {
        drop(open_ones.pop());
        let left = open_ones.len();
        tokio::time::timeout(Duration::from_secs(5), connections.wait_for(|n| *n == left))
            .await
            .unwrap()
            .unwrap();
    };
    close_one(&mut open_ones).await;
    open_ones.push(WsClient::connect(&server, &token).await);

    // A page of another site cannot open a websocket here (refused before it takes a
    // slot); our own page can.
    close_one(&mut open_ones).await;
    for (origin, allowed) in [
        ("https://evil.example", false),
        ("null", false),
        (&format!("http://{}", server.addr) as &str, true),
    ] {
        let mut request = format!("ws://{}/ws", server.addr).into_client_request().unwrap();
        request.headers_mut().insert("origin", origin.parse().unwrap());
        let outcome = tokio_tungstenite::connect_async(request).await;
        match (outcome, allowed) {
            (Ok(_), true) => {}
            (Err(tokio_tungstenite::tungstenite::Error::Http(response)), false) => {
                assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin}");
            }
            (outcome, _) => panic!("{origin}: {:?}", outcome.map(|_| ())),
        }
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let server = TestServer::start().await;
    let created = server.create_workshop("YESS CAMP 1", &["Aude"]).await;
    let key = server
        .hub
        .organiser_key(created.workshop, &created.facilitator_secret)
        .await
        .unwrap();
    let report = format!("/api/workshops/{}/report.html?key={key}", created.workshop);
    for path in [
        "/",
        "/j/ABCDEF",
        "/api/health",
        "/api/templates",
        "/api/join/ZZZZZZ",
        &report,
    ] {
        let (_, headers, _) = server.get(path, None).await;
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["cross-origin-opener-policy"], "same-origin", "{path}");
        assert!(
            headers["permissions-policy"]
                .to_str()
                .unwrap()
                .contains("camera=()")
        );
        let policy = headers["content-security-policy"].to_str().unwrap();
        if path == report {
            assert!(policy.starts_with("default-src 'none'"), "{policy}");
        } else {
            assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
            assert!(policy.contains("object-src 'none'"), "{path}: {policy}");
        }
        assert!(!headers.contains_key("strict-transport-security"), "plain HTTP");
    }
}
