//! `docker stop`, `systemctl stop` and Kubernetes send SIGTERM: the real binary stops
//! the way Ctrl-C stops it. It says so, tells every websocket to come back later
//! (close code 1001), keeps everything it acknowledged, and exits cleanly.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report
#![cfg(unix)]

mod support;

use atelier_shared::api::{CreateWorkshop, Created};
use atelier_shared::{Colour, Command, NoteId};
use futures_util::StreamExt;
use support::{DataDir, PATIENCE, Paces, command, connect, post, start, start_in};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_server_gently_and_keeps_what_it_acknowledged() {
    let data = DataDir(std::env::temp_dir().join(format!("atelier-stop-{}", Uuid::new_v4())));
    let (mut server, host, mut log) = start_in(&[], &data.0, Paces::Lifted).await;
    let created: Created = post(
        &host,
        "/api/workshops",
        &CreateWorkshop {
            facilitator_name: "Camille".into(),
            ..CreateWorkshop::default()
        },
    )
    .await;
    let (mut lead, workshop, _) = connect(&host, &created.facilitator_secret).await;
    let room = workshop.rooms[0].id;
    let note = NoteId(Uuid::new_v4());
    let posted = Command::PostNote {
        note,
        room,
        column: workshop.current_step(room).unwrap().columns[0],
        text: "Dit juste avant l'arrêt".into(),
        colour: Colour::Yellow,
        parent: None,
    };
    assert_eq!(command(&mut lead, 1, posted).await, Some(true), "acknowledged");

    let pid = server.id().unwrap().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -TERM {pid}");

    // The participant is told to come back later, not cut off.
    let closed = timeout(PATIENCE, async {
        while let Some(Ok(frame)) = lead.next().await {
            if let Message::Close(frame) = frame {
                return frame.map(|f| f.code);
            }
        }
        None
    })
    .await
    .expect("the websocket is closed in time");
    assert_eq!(closed, Some(CloseCode::Away), "1001: going away, come back later");

    let status = timeout(PATIENCE, server.wait())
        .await
        .expect("the server exits in time")
        .unwrap();
    assert!(status.success(), "a clean exit, not a kill: {status}");
    let mut lines = Vec::new();
    while let Ok(Some(line)) = timeout(PATIENCE, log.recv()).await {
        lines.push(line);
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("shutting down") && l.contains("SIGTERM")),
        "it says why it stops:\n{}",
        lines.join("\n")
    );

    // Started again on the same data: the acknowledged note is there.
    let (_again, host) = start(&data.0).await;
    let (_, workshop, _) = connect(&host, &created.facilitator_secret).await;
    assert!(
        workshop.notes.contains_key(&note),
        "nothing acknowledged was lost"
    );
}
