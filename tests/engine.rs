//! The facilitation engine over real websockets: a whole YESS CAMP 1 from its template
//! with 42 participants in 6 rooms, concurrent votes, the timer, presence, reveal.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::BTreeMap;

use atelier_shared::api::Created;
use atelier_shared::model::{Activity, TimerState};
use atelier_shared::{Colour, Command, Event, NoteId, ParticipantId, Rejection, RoomId, Workshop};
use atelier_tests::workshop::{assert_replica, column, notes, room_of, step};
use atelier_tests::{TestServer, WsClient};
use futures_util::future::join_all;
use uuid::Uuid;

struct Session {
    server: TestServer,
    created: Created,
    lead: WsClient,
    people: Vec<WsClient>,
}

impl Session {
    /// A workshop from `template`, its lead and `count` participants connected.
    async fn start(template: &str, count: usize) -> Session {
        let server = TestServer::start().await;
        let created = server.create_from_template(template, None).await;
        let mut lead = WsClient::connect(&server, &created.facilitator_secret).await;
        let mut people = Vec::with_capacity(count);
        for i in 0..count {
            let joined = server
                .join(created.code.as_str(), &format!("Participant {i:02}"))
                .await;
            people.push(WsClient::connect(&server, &joined.token).await);
        }
        lead.sync().await;
        Session {
            server,
            created,
            lead,
            people,
        }
    }

    async fn state(&self) -> Workshop {
        let handle = self.server.hub.find(self.created.workshop, true).await.unwrap();
        handle.inspect().await.unwrap().workshop
    }

    /// Moves every room to the step `key`, and lets everyone catch up.
    async fn go(&mut self, key: &str) {
        let step = step(&self.lead.workshop, key);
        self.lead.ok(Command::GoToStep { room: None, step }).await;
        self.everyone_syncs().await;
    }

    async fn everyone_syncs(&mut self) {
        join_all(self.people.iter_mut().map(|p| p.sync())).await;
        self.lead.sync().await;
    }
}

fn post(room: RoomId, column: atelier_shared::ColumnId, text: String) -> Command {
    Command::PostNote {
        note: NoteId(Uuid::new_v4()),
        room,
        column,
        text,
        colour: Colour::Yellow,
        parent: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_yess_camp_1_runs_with_42_participants_in_6_rooms() {
    let mut s = Session::start("yess-camp-1", 42).await;
    let w = s.lead.workshop.clone();
    assert_eq!(w.rooms.len(), 6);
    let (needs, emerging) = (column(&w, "needs"), column(&w, "emerging"));
    for room in &w.rooms {
        assert_eq!(w.headcount(room.id), 7, "balanced rooms");
        assert_eq!(
            notes(&w, room.id, needs).len(),
            10,
            "the map of needs is on every board"
        );
    }

    // New clues: everyone adds a need and an emerging need, all at once.
    s.go("clues").await;
    join_all(s.people.iter_mut().map(|p| async move {
        let room = room_of(p);
        p.ok(post(room, needs, format!("Besoin vu par {}", p.you))).await;
        p.ok(post(room, emerging, format!("Besoin émergent vu par {}", p.you)))
            .await;
    }))
    .await;

    // The selection: 3 priority needs and 1 emerging need each, all at once.
    s.go("selection").await;
    let ballots: Vec<Vec<NoteId>> = join_all(s.people.iter_mut().enumerate().map(|(i, p)| async move {
        let room = room_of(p);
        let board = notes(&p.workshop, room, needs);
        let future = notes(&p.workshop, room, emerging);
        assert_eq!(
            (board.len(), future.len()),
            (17, 7),
            "ten mapped and seven new needs, seven emerging"
        );
        let chosen = vec![
            board[i % 5].id,
            board[(i + 1) % 5].id,
            board[10 + i % 7].id,
            future[i % 7].id,
        ];
        for note in &chosen {
            p.ok(Command::Vote { note: *note, dots: 1 }).await;
        }
        let fourth = board[(i + 2) % 5].id;
        let refused = p
            .command(Command::Vote {
                note: fourth,
                dots: 1,
            })
            .await;
        assert!(
            matches!(refused, Err(Rejection::OverColumnBudget { budget: 3, .. })),
            "{refused:?}"
        );
        chosen
    }))
    .await;
    let mut expected: BTreeMap<NoteId, u32> = BTreeMap::new();
    for note in ballots.iter().flatten() {
        *expected.entry(*note).or_default() += 1;
    }

    let selection = step(&w, "selection");
    let events = s
        .lead
        .ok(Command::CloseVote {
            room: None,
            step: selection,
        })
        .await;
    let closed = events
        .iter()
        .filter(|e| matches!(e, Event::VoteClosed { .. }))
        .count();
    assert_eq!(closed, 6, "a ranking per room");
    let state = s.state().await;
    for room in &state.rooms {
        let result = state.result(selection, Some(room.id)).unwrap();
        let counted: u32 = result.ranking.iter().map(|r| r.votes).sum();
        assert_eq!(counted, 7 * 4, "every dot of {} counted once", room.name);
        for ranked in &result.ranking {
            assert_eq!(ranked.votes, expected.get(&ranked.note).copied().unwrap_or(0));
        }
        let top_needs = result
            .ranking
            .iter()
            .filter(|r| r.column == needs && r.rank <= 3)
            .count();
        assert!(top_needs >= 3);
    }

    // Characterising and the problem tree, on what the room retained.
    s.go("characterise").await;
    join_all(s.people.iter_mut().step_by(7).map(|p| async move {
        let room = room_of(p);
        let step = p.workshop.current_step(room).unwrap().clone();
        let focus = p.workshop.focus_notes(&step, room);
        assert!(focus.len() >= 3, "the room's priority needs");
        p.ok(Command::Characterise {
            note: focus[0],
            field: atelier_shared::model::Field::Why,
            text: "Les villages se vident de leurs services".into(),
        })
        .await;
    }))
    .await;
    s.go("tree").await;
    join_all(s.people.iter_mut().step_by(7).map(|p| async move {
        let room = room_of(p);
        let step = p.workshop.current_step(room).unwrap().clone();
        let focus = p.workshop.focus_notes(&step, room);
        p.ok(Command::AddBranch {
            note: focus[0],
            branch: atelier_shared::BranchId(Uuid::new_v4()),
            side: atelier_shared::model::Side::Cause,
            text: "Pas de transport le soir".into(),
        })
        .await;
    }))
    .await;

    // The plenary: everyone sees every room's results, and nothing more than allowed.
    s.go("report").await;
    let state = s.state().await;
    for p in &s.people {
        assert_eq!(p.workshop.results.len(), 6, "every room's ranking in the plenary");
        assert_replica(&state, p);
    }
    assert_replica(&state, &s.lead);
    let characterised = state.notes.values().filter(|n| !n.details.why.is_empty()).count();
    assert_eq!(characterised, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_votes_are_never_lost_nor_counted_twice() {
    let mut s = Session::start("brainstorm-vote", 60).await;
    let ideas = s.lead.workshop.columns[0].id;
    let room = s.lead.workshop.rooms[0].id;
    let mut ids = Vec::new();
    for i in 0..3 {
        let command = post(room, ideas, format!("Idée {i}"));
        if let Command::PostNote { note, .. } = &command {
            ids.push(*note);
        }
        s.lead.ok(command).await;
    }
    s.go("vote").await;
    // Everyone in the first room votes for the same three ideas at the same time, some
    // change their mind, and every command is sent twice as after a reconnection.
    let voters: Vec<&mut WsClient> = s.people.iter_mut().filter(|p| room_of(p) == room).collect();
    let count = voters.len();
    join_all(voters.into_iter().enumerate().map(|(i, p)| {
        let ids = ids.clone();
        async move {
            for note in &ids {
                let vote = Command::Vote { note: *note, dots: 1 };
                p.ok(vote.clone()).await;
                p.ok(vote).await;
            }
            if i % 3 == 0 {
                p.ok(Command::Vote {
                    note: ids[0],
                    dots: 0,
                })
                .await;
                p.ok(Command::Vote {
                    note: ids[0],
                    dots: 1,
                })
                .await;
            }
        }
    }))
    .await;
    let vote = step(&s.lead.workshop, "vote");
    s.lead
        .ok(Command::CloseVote {
            room: Some(room),
            step: vote,
        })
        .await;
    let state = s.state().await;
    let result = state.result(vote, Some(room)).unwrap();
    for ranked in &result.ranking {
        assert_eq!((ranked.votes, ranked.voters), (count as u32, count as u32));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timer_is_the_servers_and_locks_every_board_when_it_runs_out() {
    let mut s = Session::start("brainstorm-vote", 2).await;
    s.lead
        .ok(Command::StartTimer {
            seconds: 1,
            auto_lock: true,
        })
        .await;
    let TimerState::Running { ends_at } = s.lead.workshop.timer.state else {
        panic!("running: {:?}", s.lead.workshop.timer)
    };
    // Someone who connects now sees the same end.
    let joined = s.server.join(s.created.code.as_str(), "Retardataire").await;
    let late = WsClient::connect(&s.server, &joined.token).await;
    assert_eq!(late.workshop.timer.state, TimerState::Running { ends_at });
    // The server's clock runs it out; every board locks.
    let p = &mut s.people[0];
    p.until(|c| c.workshop.timer.state == TimerState::Elapsed && c.workshop.rooms.iter().all(|r| r.locked))
        .await;
    let room = room_of(p);
    let ideas = p.workshop.columns[0].id;
    let refused = p.command(post(room, ideas, "trop tard".into())).await;
    assert_eq!(refused, Err(Rejection::Locked));
}

#[tokio::test]
async fn everyone_sees_who_is_connected_in_their_room() {
    let mut s = Session::start("brainstorm-vote", 3).await;
    s.everyone_syncs().await;
    let ids: Vec<ParticipantId> = s.people.iter().map(|p| p.you).collect();
    assert!(ids.iter().all(|id| s.lead.online.contains(id)));
    let same_room: Vec<ParticipantId> = s
        .people
        .iter()
        .filter(|p| room_of(p) == room_of(&s.people[0]))
        .map(|p| p.you)
        .collect();
    assert!(same_room.iter().all(|id| s.people[0].online.contains(id)));
    let leaving = s.people.remove(1);
    let gone = leaving.you;
    drop(leaving);
    s.lead.until(|c| !c.online.contains(&gone)).await;
    let again = WsClient::connect(&s.server, &{
        let joined = s.server.join(s.created.code.as_str(), "Nouvelle").await;
        joined.token
    })
    .await;
    let mut again = again;
    let newcomer = again.you;
    again.sync().await;
    s.lead.until(|c| c.online.contains(&newcomer)).await;

    // Someone moved into a room shows as connected to those already there.
    let stay = &s.people[0];
    let room = room_of(stay);
    assert_ne!(room_of(&again), room, "the newcomer went to the other room");
    let mover = again.you;
    assert!(
        !stay.online.contains(&mover),
        "another room's people are not shown"
    );
    s.lead
        .ok(Command::MoveParticipant {
            participant: mover,
            room: Some(room),
        })
        .await;
    s.people[0].until(|c| c.online.contains(&mover)).await;
}

#[tokio::test]
async fn hidden_notes_reach_only_their_author_until_the_facilitator_reveals_them() {
    let mut s = Session::start("brainstorm-vote", 4).await;
    let mut ideas = s.lead.workshop.steps[0].clone();
    ideas.activity = Activity::Brainstorm {
        anonymous: true,
        hidden: true,
    };
    s.lead.ok(Command::EditStep { step: ideas }).await;
    s.everyone_syncs().await;
    let (first, rest) = s.people.split_first_mut().unwrap();
    let room = room_of(first);
    let column = first.workshop.columns[0].id;
    let events = first.ok(post(room, column, "une idée cachée".into())).await;
    let Some(Event::NotePosted { note }) = events.first() else {
        panic!("{events:?}")
    };
    assert!(note.hidden && note.author == Some(first.you));
    let mates: Vec<&mut WsClient> = rest.iter_mut().filter(|p| room_of(p) == room).collect();
    assert!(!mates.is_empty());
    for mate in mates {
        assert_eq!(mate.sync().await, vec![], "hidden from the others");
    }
    s.lead.ok(Command::Reveal { room: None }).await;
    for p in s.people.iter_mut().filter(|p| room_of(p) == room) {
        p.until(|c| {
            c.workshop
                .notes
                .values()
                .any(|n| n.text == "une idée cachée" && !n.hidden)
        })
        .await;
        let shown = p
            .workshop
            .notes
            .values()
            .find(|n| n.text == "une idée cachée")
            .unwrap();
        let own = shown.author == Some(p.you);
        assert!(own || shown.author.is_none(), "anonymous: only the author knows");
    }
}
