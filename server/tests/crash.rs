//! `kill -9` in the middle of a workshop: the real binary, real websockets, notes
//! posted and votes cast as fast as they are acknowledged, the process killed without
//! warning, then started again on the same data directory. Every acknowledged note is
//! there, once; every voter's dots are what their last acknowledged vote (or the one
//! in flight) made them; the facilitator's timer and steps are as they were.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod support;

use std::collections::{BTreeMap, BTreeSet};

use atelier_shared::api::{CreateWorkshop, Created, JoinRequest, Joined, RoomRequest};
use atelier_shared::model::TimerState;
use atelier_shared::{Colour, Command, NoteId, ParticipantId};
use support::{DataDir, PATIENCE, command, connect, post, room_named, start, step_keyed};
use tokio::time::timeout;
use uuid::Uuid;

/// What a participant's command, once acknowledged, did.
#[derive(Debug)]
enum Acked {
    Note(NoteId),
    /// The voter's `index`-th vote (see [`nth_vote`]).
    Vote {
        voter: ParticipantId,
        index: usize,
    },
}

/// A voter's votes go round the notes: one dot on a note, then none, then one dot on
/// the next. After vote `index`, the voter has a dot on this note, or on none.
fn nth_vote(notes: &[NoteId], index: usize) -> (NoteId, u32) {
    let note = notes[(index / 2) % notes.len()];
    (note, u32::from(index.is_multiple_of(2)))
}

/// Where a voter's dots are after vote `index`: on one note or nowhere.
fn dots_after(notes: &[NoteId], index: Option<usize>) -> Option<NoteId> {
    index
        .map(|i| nth_vote(notes, i))
        .and_then(|(note, dots)| (dots == 1).then_some(note))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_note_and_vote_survives_kill_9_and_none_is_doubled() {
    let data = DataDir(std::env::temp_dir().join(format!("atelier-crash-{}", Uuid::new_v4())));
    let (mut server, host) = start(&data.0).await;

    let room = |name: &str| RoomRequest {
        name: name.into(),
        territory: None,
    };
    let created: Created = post(
        &host,
        "/api/workshops",
        &CreateWorkshop {
            facilitator_name: "Camille".into(),
            rooms: vec![room("Aude"), room("Gard")],
            columns: vec!["Idées".into()],
            ..CreateWorkshop::default()
        },
    )
    .await;
    let (mut lead, workshop, _) = connect(&host, &created.facilitator_secret).await;
    let (aude, gard) = (room_named(&workshop, "Aude"), room_named(&workshop, "Gard"));
    let vote_step = step_keyed(&workshop, "vote");
    let column = workshop.current_step(gard).unwrap().columns[0];

    // Gard has notes to vote on, and goes on to the vote while Aude brainstorms.
    let mut ballot = Vec::new();
    for n in 0..6 {
        let note = NoteId(Uuid::new_v4());
        let seed = Command::PostNote {
            note,
            room: gard,
            column,
            text: format!("Proposition {n}"),
            colour: Colour::Green,
            parent: None,
        };
        assert_eq!(command(&mut lead, 100 + n, seed).await, Some(true));
        ballot.push(note);
    }
    let to_vote = Command::GoToStep {
        room: Some(gard),
        step: vote_step,
    };
    assert_eq!(command(&mut lead, 1, to_vote).await, Some(true));
    let timer = Command::StartTimer {
        seconds: 900,
        auto_lock: false,
    };
    assert_eq!(command(&mut lead, 2, timer).await, Some(true));

    // Four participants, two per room: in Aude they post notes, in Gard they vote,
    // each sending its next command as soon as the last is acknowledged.
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<Acked>();
    let mut writers = Vec::new();
    let mut voters = Vec::new();
    for n in 0..4 {
        let request = JoinRequest {
            code: created.code.to_string(),
            name: format!("Personne {n}"),
        };
        let joined: Joined = post(&host, "/api/join", &request).await;
        let (mut socket, _, you) = connect(&host, &joined.token).await;
        let room = joined.room.expect("placed in a room");
        let acked = acked_tx.clone();
        let ballot = ballot.clone();
        if room == gard {
            voters.push(you);
        } else {
            assert_eq!(room, aude);
        }
        writers.push(tokio::spawn(async move {
            for index in 0usize.. {
                let id = index as u64 + 1;
                let (sent, done) = if room == gard {
                    let (note, dots) = nth_vote(&ballot, index);
                    let done = Acked::Vote { voter: you, index };
                    (Command::Vote { note, dots }, done)
                } else {
                    let note = NoteId(Uuid::new_v4());
                    let post = Command::PostNote {
                        note,
                        room,
                        column,
                        text: format!("Note {id} de la personne {n}"),
                        colour: Colour::Yellow,
                        parent: None,
                    };
                    (post, Acked::Note(note))
                };
                // Until the server dies.
                match command(&mut socket, id, sent).await {
                    Some(accepted) => {
                        assert!(accepted, "command {id} of person {n} refused");
                        let _ = acked.send(done);
                    }
                    None => return,
                }
            }
        }));
    }
    drop(acked_tx);
    assert_eq!(voters.len(), 2, "two people in each room");

    // Mid-stream, with writes in flight: kill -9.
    let mut acknowledged = BTreeSet::new();
    let mut last_vote: BTreeMap<ParticipantId, usize> = BTreeMap::new();
    let mut absorb = |acked: Acked| match acked {
        Acked::Note(note) => {
            acknowledged.insert(note);
        }
        Acked::Vote { voter, index } => {
            last_vote.insert(voter, index);
        }
    };
    let mut count = 0;
    while count < 300 {
        absorb(acked_rx.recv().await.unwrap());
        count += 1;
    }
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    while let Ok(acked) = acked_rx.try_recv() {
        absorb(acked);
    }

    // Started again on the same directory.
    let (_server, host) = start(&data.0).await;
    let (_lead, workshop, _) = connect(&host, &created.facilitator_secret).await;
    let notes = &workshop.notes;
    let missing: Vec<&NoteId> = acknowledged.iter().filter(|id| !notes.contains_key(id)).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged notes lost: {missing:?}",
        missing.len()
    );
    let texts: BTreeSet<&str> = notes.values().map(|n| n.text.as_str()).collect();
    assert_eq!(texts.len(), notes.len(), "no note is there twice");
    assert!(notes.len() >= acknowledged.len() + ballot.len());
    for voter in &voters {
        let acked = last_vote.get(voter).copied();
        let held: Vec<NoteId> = ballot
            .iter()
            .copied()
            .filter(|&note| workshop.dots(vote_step, *voter, note) > 0)
            .collect();
        let held = match held.as_slice() {
            [] => None,
            [one] => Some(*one),
            more => panic!("voter {voter} holds dots on {more:?}"),
        };
        // The last acknowledged vote, or the one in flight when the server died.
        let next = acked.map_or(0, |i| i + 1);
        let allowed = [dots_after(&ballot, acked), dots_after(&ballot, Some(next))];
        assert!(
            allowed.contains(&held),
            "voter {voter}: last acknowledged vote {acked:?}, dots now on {held:?}"
        );
        assert!(acked.is_some_and(|i| i >= 20), "{voter} voted a while: {acked:?}");
    }
    assert_eq!(
        workshop.rooms.iter().find(|r| r.id == gard).unwrap().step,
        vote_step,
        "Gard is still voting"
    );
    assert!(
        matches!(workshop.timer.state, TimerState::Running { .. }),
        "the timer survives"
    );
    eprintln!(
        "before kill -9: {} notes and {} votes acknowledged; after the restart: {} notes",
        acknowledged.len(),
        last_vote.values().map(|i| i + 1).sum::<usize>(),
        notes.len() - ballot.len()
    );
}

#[tokio::test]
async fn a_damaged_store_stops_the_start_up_with_a_clear_message_and_is_left_alone() {
    let data = DataDir(std::env::temp_dir().join(format!("atelier-damaged-{}", Uuid::new_v4())));
    std::fs::create_dir_all(&data.0).unwrap();
    let file = data.0.join("atelier.db");
    let garbage = b"SQLite format 3\0 but then the disk was damaged ".repeat(200);
    std::fs::write(&file, &garbage).unwrap();
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_atelier"))
        .args(["--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&data.0)
        .env("NO_COLOR", "1")
        .kill_on_drop(true)
        .output();
    let output = timeout(PATIENCE, run).await.expect("it stops at once").unwrap();
    assert!(!output.status.success(), "it does not serve from a damaged store");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(&file.display().to_string()),
        "names the file: {said}"
    );
    assert!(said.contains("damaged"), "says what is wrong: {said}");
    assert!(said.contains("restore a backup"), "says what to do: {said}");
    assert_eq!(std::fs::read(&file).unwrap(), garbage, "the file is untouched");
}
