//! With a store (SQLite in a data directory, or PostgreSQL), what the server
//! acknowledged survives a restart: the workshop, its notes and votes, the step and
//! the timer, and everyone's token. Each test runs on both stores.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use atelier_shared::model::TimerState;
use atelier_shared::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION};
use atelier_shared::{Colour, Command, NoteId, Workshop, WorkshopId};
use atelier_tests::client::{closing, open};
use atelier_tests::server::{Backend, durable_on};
use atelier_tests::workshop::{assert_replica, room_of, step};
use atelier_tests::{TestServer, WsClient};
use futures_util::SinkExt;
use hyper::{Method, StatusCode};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

/// The workshop as its actor holds it.
async fn state(server: &TestServer, workshop: WorkshopId) -> Workshop {
    let handle = server
        .hub
        .find(workshop, true)
        .await
        .expect("the workshop is there");
    handle.inspect().await.unwrap().workshop
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_acknowledged_is_there_after_a_restart_and_tokens_still_work() {
    what_was_acknowledged_is_there_after_a_restart_and_tokens_still_work_on(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_acknowledged_is_there_after_a_restart_and_tokens_still_work_on_postgres() {
    what_was_acknowledged_is_there_after_a_restart_and_tokens_still_work_on(Backend::Postgres).await;
}

async fn what_was_acknowledged_is_there_after_a_restart_and_tokens_still_work_on(backend: Backend) {
    let (_kept, config) = durable_on(backend);
    let first = TestServer::start_with(config.clone()).await;
    let created = first.create_workshop("YESS CAMP 1", &["Aude", "Gard"]).await;
    let joined = first.join(created.code.as_str(), "Alice").await;
    let mut lead = WsClient::connect(&first, &created.facilitator_secret).await;
    let mut alice = WsClient::connect(&first, &joined.token).await;
    let room = room_of(&alice);
    let ideas = alice.workshop.current_step(room).unwrap().columns[0];
    let mut posted = Vec::new();
    // Alice and the lead post ten each: what one person may post at once.
    for n in 0..20 {
        let note = NoteId(Uuid::new_v4());
        let author = if n % 2 == 0 { &mut alice } else { &mut lead };
        author
            .ok(Command::PostNote {
                note,
                room,
                column: ideas,
                text: format!("Idée n° {n}"),
                colour: Colour::Blue,
                parent: None,
            })
            .await;
        posted.push(note);
    }
    lead.ok(Command::GoToStep {
        room: None,
        step: step(&lead.workshop, "vote"),
    })
    .await;
    alice.sync().await;
    alice
        .ok(Command::Vote {
            note: posted[3],
            dots: 1,
        })
        .await;
    lead.ok(Command::StartTimer {
        seconds: 600,
        auto_lock: false,
    })
    .await;
    let before = state(&first, created.workshop).await;
    drop(first);

    // A second server on the same directory: it starts from the store alone.
    let second = TestServer::start_with(config).await;
    let after = state(&second, created.workshop).await;
    assert_eq!(after, before, "the workshop is rebuilt exactly");
    assert_eq!(after.notes.len(), 20);
    assert_eq!(after.dots(step(&after, "vote"), alice.you, posted[3]), 1);
    assert!(matches!(after.timer.state, TimerState::Running { .. }));

    // Everyone comes back with the token they had, and sees what they saw.
    let alice_again = WsClient::connect(&second, &joined.token).await;
    assert_eq!(alice_again.you, alice.you);
    assert_replica(&after, &alice_again);
    let lead_again = WsClient::connect(&second, &created.facilitator_secret).await;
    assert_replica(&after, &lead_again);
    // The code still opens the workshop.
    let (status, info) = second
        .request(Method::GET, &format!("/api/join/{}", created.code), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{info}");
}

/// The timer's time left, when paused.
fn paused(w: &Workshop) -> u64 {
    match w.timer.state {
        TimerState::Paused { remaining } => remaining,
        other => panic!("the timer should be paused: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_re_sent_after_a_reconnection_or_a_restart_is_applied_once() {
    a_command_re_sent_after_a_reconnection_or_a_restart_is_applied_once_on(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_re_sent_after_a_reconnection_or_a_restart_is_applied_once_on_postgres() {
    a_command_re_sent_after_a_reconnection_or_a_restart_is_applied_once_on(Backend::Postgres).await;
}

async fn a_command_re_sent_after_a_reconnection_or_a_restart_is_applied_once_on(backend: Backend) {
    let (_kept, config) = durable_on(backend);
    let first = TestServer::start_with(config.clone()).await;
    let created = first.create_workshop("Atelier", &["Aude"]).await;
    let joined = first.join(created.code.as_str(), "Alice").await;
    let mut lead = WsClient::connect(&first, &created.facilitator_secret).await;
    lead.ok(Command::StartTimer {
        seconds: 600,
        auto_lock: false,
    })
    .await;
    lead.ok(Command::PauseTimer).await;
    let left = paused(&lead.workshop);

    // Adding time is not idempotent: applied twice, it would add two minutes.
    let id = 0x0005_EED0_0001;
    let add = Command::AddTime { seconds: 60 };
    lead.send_as(id, add.clone()).await;
    assert!(!lead.outcome(id).await.unwrap().is_empty());
    assert_eq!(paused(&lead.workshop), left + 60_000);

    // The acknowledgement was lost with the connection: the client re-sends.
    drop(lead);
    let mut lead = WsClient::connect(&first, &created.facilitator_secret).await;
    lead.send_as(id, add.clone()).await;
    let events = lead.outcome(id).await.expect("acknowledged again");
    assert!(events.is_empty(), "nothing applied a second time: {events:?}");
    assert_eq!(paused(&lead.workshop), left + 60_000);

    // Ids are someone's own: another participant's command with the same id applies.
    let mut alice = WsClient::connect(&first, &joined.token).await;
    let room = room_of(&alice);
    let ideas = alice.workshop.current_step(room).unwrap().columns[0];
    alice
        .send_as(
            id,
            Command::PostNote {
                note: NoteId(Uuid::new_v4()),
                room,
                column: ideas,
                text: "Même numéro, autre personne".into(),
                colour: Colour::Yellow,
                parent: None,
            },
        )
        .await;
    assert!(!alice.outcome(id).await.unwrap().is_empty());
    drop((lead, alice));
    drop(first);

    // The server crashed before its answer left: the receipt was stored with the events.
    // (Without the pace on commands: further down, a script sends hundreds at once.)
    let mut config = config;
    config.limits.commands = None;
    let second = TestServer::start_with(config).await;
    let mut lead = WsClient::connect(&second, &created.facilitator_secret).await;
    assert_eq!(paused(&lead.workshop), left + 60_000);
    lead.send_as(id, add.clone()).await;
    assert!(lead.outcome(id).await.unwrap().is_empty());
    assert_eq!(paused(&lead.workshop), left + 60_000);
    // A new command, with a new id, is applied as usual.
    lead.send_as(id + 1, add).await;
    assert!(!lead.outcome(id + 1).await.unwrap().is_empty());
    assert_eq!(paused(&lead.workshop), left + 120_000);
    assert_eq!(paused(&state(&second, created.workshop).await), left + 120_000);

    // A script (or a page offline for long) re-sends, all at once, far more commands
    // than the receipts keep runs: each is still known, none applied twice.
    let many = 3 * atelier_server::store::Receipts::KEPT as u64;
    let base = id + 1_000;
    for n in 0..many {
        lead.send_as(base + n, Command::AddTime { seconds: 1 }).await;
        assert!(!lead.outcome(base + n).await.unwrap().is_empty());
    }
    let added = left + 120_000 + many * 1_000;
    assert_eq!(paused(&lead.workshop), added);
    drop(lead);
    let mut lead = WsClient::connect(&second, &created.facilitator_secret).await;
    for n in 0..many {
        lead.send_as(base + n, Command::AddTime { seconds: 1 }).await;
    }
    for n in 0..many {
        let events = lead.outcome(base + n).await.expect("acknowledged again");
        assert!(events.is_empty(), "command {n} applied a second time");
    }
    assert_eq!(paused(&state(&second, created.workshop).await), added);

    // Commands that changed nothing count too: every other one here (pausing the
    // paused timer), so the accepted ones do not break into hundreds of runs; and
    // re-sent after a later command, such a one must not apply then.
    let base = base + 10_000;
    for n in 0..many {
        let command = match n % 2 {
            0 => Command::AddTime { seconds: 1 },
            _ => Command::PauseTimer,
        };
        lead.send_as(base + n, command).await;
        lead.outcome(base + n).await.unwrap();
    }
    let added = added + many / 2 * 1_000;
    assert_eq!(paused(&lead.workshop), added);
    let resume = base + many;
    lead.send_as(resume, Command::ResumeTimer).await;
    lead.outcome(resume).await.unwrap();
    drop(lead);
    let mut lead = WsClient::connect(&second, &created.facilitator_secret).await;
    for n in 0..=many {
        let command = match n % 2 {
            _ if n == many => Command::ResumeTimer,
            0 => Command::AddTime { seconds: 1 },
            _ => Command::PauseTimer,
        };
        lead.send_as(base + n, command).await;
    }
    for n in 0..=many {
        let events = lead.outcome(base + n).await.expect("acknowledged again");
        assert!(events.is_empty(), "command {n} applied a second time: {events:?}");
    }
    let timer = state(&second, created.workshop).await.timer.state;
    assert!(
        matches!(timer, TimerState::Running { .. }),
        "still running: {timer:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_that_changed_nothing_is_still_known_after_a_restart() {
    a_command_that_changed_nothing_is_still_known_after_a_restart_on(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_that_changed_nothing_is_still_known_after_a_restart_on_postgres() {
    a_command_that_changed_nothing_is_still_known_after_a_restart_on(Backend::Postgres).await;
}

/// Pause, pause again (nothing to change), resume: all acknowledged, then the server
/// stops. Its answers were lost, so the client re-sends the three; the second must
/// not pause the running timer now.
async fn a_command_that_changed_nothing_is_still_known_after_a_restart_on(backend: Backend) {
    let (_kept, config) = durable_on(backend);
    let first = TestServer::start_with(config.clone()).await;
    let created = first.create_workshop("Atelier", &["Aude"]).await;
    let mut lead = WsClient::connect(&first, &created.facilitator_secret).await;
    lead.ok(Command::StartTimer {
        seconds: 600,
        auto_lock: false,
    })
    .await;
    let id = 0x0000_0A0A_0001;
    let sent = [Command::PauseTimer, Command::PauseTimer, Command::ResumeTimer];
    let mut changed = Vec::new();
    for (n, command) in (id..).zip(&sent) {
        lead.send_as(n, command.clone()).await;
        changed.push(!lead.outcome(n).await.expect("accepted").is_empty());
    }
    assert_eq!(changed, [true, false, true], "the second pause changes nothing");
    drop(lead);
    drop(first);

    let second = TestServer::start_with(config).await;
    let mut lead = WsClient::connect(&second, &created.facilitator_secret).await;
    for (n, command) in (id..).zip(&sent) {
        lead.send_as(n, command.clone()).await;
        let events = lead.outcome(n).await.expect("acknowledged again");
        assert!(events.is_empty(), "command {n:#x} applied again: {events:?}");
    }
    let timer = state(&second, created.workshop).await.timer.state;
    assert!(
        matches!(timer, TimerState::Running { .. }),
        "still running: {timer:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lead_deletes_a_workshop_for_good_and_no_one_else_can() {
    the_lead_deletes_a_workshop_for_good_and_no_one_else_can_on(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lead_deletes_a_workshop_for_good_and_no_one_else_can_on_postgres() {
    the_lead_deletes_a_workshop_for_good_and_no_one_else_can_on(Backend::Postgres).await;
}

async fn the_lead_deletes_a_workshop_for_good_and_no_one_else_can_on(backend: Backend) {
    let (_kept, config) = durable_on(backend);
    let server = TestServer::start_with(config.clone()).await;
    let doomed = server.create_workshop("Ancien atelier", &["Aude"]).await;
    let kept = server.create_workshop("Atelier en cours", &["Gard"]).await;
    let alice = server.join(doomed.code.as_str(), "Alice").await;
    let mut watching = WsClient::connect(&server, &alice.token).await;
    let path = format!("/api/workshops/{}", doomed.workshop);

    // Nobody but the workshop's own lead: not a participant, not another lead.
    assert_eq!(server.delete(&path, None).await, StatusCode::FORBIDDEN);
    assert_eq!(
        server.delete(&path, Some(&alice.token)).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server.delete(&path, Some(&kept.facilitator_secret)).await,
        StatusCode::FORBIDDEN
    );
    let garbled = format!("/api/workshops/{}x", doomed.workshop);
    assert_eq!(
        server.delete(&garbled, Some(&doomed.facilitator_secret)).await,
        StatusCode::FORBIDDEN
    );
    watching.sync().await;

    assert_eq!(
        server.delete(&path, Some(&doomed.facilitator_secret)).await,
        StatusCode::NO_CONTENT
    );
    // Whoever is connected is told, and told not to come back.
    let (error, close) = closing(&mut watching.socket).await;
    assert_eq!(error.map(|(code, _)| code), Some(ErrorCode::WorkshopDeleted));
    assert_eq!(close.map(|frame| u16::from(frame.code)), Some(4004));
    let (status, _) = server
        .request(Method::GET, &format!("/api/join/{}", doomed.code), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the code opens nothing");
    let mut socket = open(&server).await;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: alice.token.clone(),
    };
    socket.send(Message::text(hello.encode())).await.unwrap();
    let (error, _) = closing(&mut socket).await;
    assert_eq!(error.map(|(code, _)| code), Some(ErrorCode::UnknownToken));
    // Deleting twice: it is gone.
    assert_eq!(
        server.delete(&path, Some(&doomed.facilitator_secret)).await,
        StatusCode::FORBIDDEN
    );
    drop(server);

    // After a restart, the other workshop is there and the deleted one is not.
    let restarted = TestServer::start_with(config).await;
    assert!(restarted.hub.find(doomed.workshop, true).await.is_err());
    assert!(restarted.hub.find(kept.workshop, true).await.is_ok());
    let (status, _) = restarted
        .request(Method::GET, &format!("/api/join/{}", doomed.code), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
