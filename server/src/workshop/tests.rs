//! The actor and the store: the room hears at once, the author once it is durable.

use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atelier_shared::{Colour, Command, NoteId};
use axum::extract::ws::Utf8Bytes;
use tokio::sync::oneshot;
use uuid::Uuid;

use super::outbox::{Frames, outbox};
use super::spawn;
use crate::config::Limits;
use crate::store::tests::{COLUMN, LEAD, ROOM, workshop};
use crate::store::{Committer, Loaded, Record, Store, StoreError};

/// A store whose first write waits until the test lets it go, and which records
/// how many records each write carried.
#[derive(Debug)]
struct Gate {
    held: Option<std_mpsc::Receiver<()>>,
    writes: Arc<Mutex<Vec<usize>>>,
}

impl Store for Gate {
    fn write(&mut self, batch: &[Record]) -> Result<(), StoreError> {
        if let Some(held) = self.held.take() {
            let _ = held.recv();
        }
        self.writes.lock().unwrap().push(batch.len());
        Ok(())
    }

    fn load(&mut self) -> Result<Loaded, StoreError> {
        Ok(Loaded::default())
    }
}

fn post(n: u128) -> Command {
    Command::PostNote {
        note: NoteId(Uuid::from_u128(n)),
        room: ROOM,
        column: COLUMN,
        text: format!("note {n}"),
        colour: Colour::Yellow,
        parent: None,
    }
}

/// The next frame queued for a connection, if one comes within a second.
async fn next(queue: &Frames) -> Option<String> {
    let mut taken: Vec<Utf8Bytes> = Vec::new();
    tokio::time::timeout(Duration::from_secs(1), queue.take(&mut taken, 1))
        .await
        .ok()
        .map(|()| taken[0].as_str().to_owned())
}

/// Whatever is queued for a connection right now.
fn queued(queue: &Frames) -> Vec<String> {
    let mut taken: Vec<Utf8Bytes> = Vec::new();
    queue.try_take(&mut taken, usize::MAX);
    taken.iter().map(|frame| frame.as_str().to_owned()).collect()
}

#[tokio::test]
async fn the_room_hears_at_once_and_the_author_once_it_is_written() {
    let (release, held) = std_mpsc::channel();
    let writes = Arc::new(Mutex::new(Vec::new()));
    let store = Committer::start(Gate {
        held: Some(held),
        writes: Arc::clone(&writes),
    });
    let handle = spawn(workshop(), Default::default(), &Limits::default(), Some(store));
    // The lead on two connections: 1 sends, 2 watches.
    let mut queues = Vec::new();
    for conn in [1, 2] {
        let (outbox, queue) = outbox(64);
        let (kick, kicked) = oneshot::channel();
        std::mem::forget(kicked);
        handle.attach(conn, LEAD, outbox, kick).await.unwrap();
        assert!(next(&queue).await.unwrap().contains("\"welcome\""));
        queues.push(queue);
    }
    let [author, watcher] = &queues[..] else {
        unreachable!()
    };
    queued(author);
    queued(watcher);

    handle.submit(1, LEAD, 7, post(1)).await.unwrap();
    let seen = next(watcher)
        .await
        .expect("the room hears while the store is still writing");
    assert!(seen.contains("note_posted") && seen.contains("note 1"), "{seen}");
    // While that write is held, the actor goes on: three more notes, heard at once.
    for n in 2..=4 {
        handle.submit(1, LEAD, 6 + n as u64, post(n)).await.unwrap();
        let seen = next(watcher).await.expect("heard while the first write is held");
        assert!(seen.contains(&format!("note {n}")), "{seen}");
    }
    // The author's frames were queued in the same actor steps as the watcher's, which
    // it has all received: nothing more is on its way before the write ends.
    let before = queued(author);
    // Each note, then "applied" (its events came, not on disk yet), and no ack.
    let expected: Vec<String> = (1..=4)
        .flat_map(|n| [format!("note {n}"), format!("applied {}", 6 + n)])
        .collect();
    let seen: Vec<String> = before
        .iter()
        .map(|frame| match frame.split("\"id\":").nth(1) {
            Some(rest) if frame.contains("\"applied\"") => {
                format!("applied {}", rest.split('}').next().unwrap())
            }
            _ if frame.contains("\"ack\"") => "ack".into(),
            _ => format!(
                "note {}",
                frame.split("note ").nth(1).unwrap().split('"').next().unwrap()
            ),
        })
        .collect();
    assert_eq!(seen, expected, "nobody is told done before it is written");

    release.send(()).unwrap();
    let mut acks = Vec::new();
    while acks.len() < 4 {
        let frame = next(author).await.expect("acknowledged once written");
        acks.push(frame);
    }
    for (frame, id) in acks.iter().zip(7..) {
        assert!(
            frame.contains(&format!("\"id\":{id}")),
            "answers in order: {acks:?}"
        );
    }
    // The three applied during the first write went to the store together.
    assert_eq!(*writes.lock().unwrap(), vec![1, 3]);
}

#[tokio::test]
async fn a_hub_stopping_writes_what_its_workshops_applied_but_had_not_handed_over() {
    let (release, held) = std_mpsc::channel();
    let writes = Arc::new(Mutex::new(Vec::new()));
    let store = Committer::start(Gate {
        held: Some(held),
        writes: Arc::clone(&writes),
    });
    let hub = crate::Hub::new(
        crate::Config::default(),
        "http://atelier.test".into(),
        Some(store),
        crate::ServerKey::ephemeral(),
    );
    let workshop = workshop();
    let id = workshop.id;
    hub.restore(Loaded {
        workshops: vec![workshop],
        ..Loaded::default()
    });
    let handle = hub.workshop(id).unwrap();
    // The first note's write is held; the next two wait in the actor behind it.
    handle.submit(1, LEAD, 1, post(1)).await.unwrap();
    handle.inspect().await.unwrap();
    handle.submit(1, LEAD, 2, post(2)).await.unwrap();
    handle.submit(1, LEAD, 3, post(3)).await.unwrap();
    assert_eq!(
        handle.inspect().await.unwrap().workshop.notes.len(),
        3,
        "all applied"
    );

    let stopping = tokio::spawn(async move { hub.stop().await });
    release.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), stopping)
        .await
        .expect("it stops once written")
        .unwrap();
    assert_eq!(
        *writes.lock().unwrap(),
        vec![1, 2],
        "the notes waiting behind the held write are written too"
    );
}
