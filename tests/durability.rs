//! With a data directory, what the server acknowledged survives a restart: the
//! workshop, its notes and votes, the step and the timer, and everyone's token.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::path::PathBuf;

use atelier_server::Config;
use atelier_shared::model::TimerState;
use atelier_shared::{Colour, Command, NoteId};
use atelier_tests::workshop::{assert_replica, room_of, step};
use atelier_tests::{TestServer, WsClient};
use uuid::Uuid;

/// A data directory of its own, removed at the end.
struct DataDir(PathBuf);

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_acknowledged_is_there_after_a_restart_and_tokens_still_work() {
    let dir = DataDir(std::env::temp_dir().join(format!("atelier-data-{}", Uuid::new_v4())));
    let config = Config {
        data_dir: Some(dir.0.clone()),
        ..Config::default()
    };
    let first = TestServer::start_with(config.clone()).await;
    let created = first.create_workshop("YESS CAMP 1", &["Aude", "Gard"]).await;
    let joined = first.join(created.code.as_str(), "Alice").await;
    let mut lead = WsClient::connect(&first, &created.facilitator_secret).await;
    let mut alice = WsClient::connect(&first, &joined.token).await;
    let room = room_of(&alice);
    let ideas = alice.workshop.current_step(room).unwrap().columns[0];
    let mut posted = Vec::new();
    for n in 0..25 {
        let note = NoteId(Uuid::new_v4());
        alice
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
    let before = first
        .hub
        .workshop(created.workshop)
        .unwrap()
        .inspect()
        .await
        .unwrap()
        .workshop;

    // A second server on the same directory: it starts from the store alone.
    let second = TestServer::start_with(config).await;
    let after = second
        .hub
        .workshop(created.workshop)
        .expect("the workshop is back")
        .inspect()
        .await
        .unwrap()
        .workshop;
    assert_eq!(after, before, "the workshop is rebuilt exactly");
    assert_eq!(after.notes.len(), 25);
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
        .request(hyper::Method::GET, &format!("/api/join/{}", created.code), None)
        .await;
    assert_eq!(status, hyper::StatusCode::OK, "{info}");
}
