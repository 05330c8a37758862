//! A campaign run entirely over the protocol: YESS CAMP 1 (the needs), then 2 created
//! from it (the solutions per need), then 3 created from 2 (the key success factors).
//! Each workshop's rooms start from what their territory retained in the one before.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::{BTreeMap, BTreeSet};

use atelier_shared::api::Created;
use atelier_shared::model::Source;
use atelier_shared::{Colour, ColumnId, Command, NoteId, RoomId, Workshop};
use atelier_tests::workshop::{column, notes, room_of, step};
use atelier_tests::{TestServer, WsClient};
use futures_util::future::join_all;
use hyper::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

/// Two participants per room.
const PEOPLE: usize = 12;

struct Workshop_ {
    created: Created,
    lead: WsClient,
    people: Vec<WsClient>,
}

async fn open(server: &TestServer, created: Created, prefix: &str) -> Workshop_ {
    let mut lead = WsClient::connect(server, &created.facilitator_secret).await;
    let mut people = Vec::new();
    for i in 0..PEOPLE {
        let joined = server
            .join(created.code.as_str(), &format!("{prefix} {i:02}"))
            .await;
        people.push(WsClient::connect(server, &joined.token).await);
    }
    lead.sync().await;
    Workshop_ {
        created,
        lead,
        people,
    }
}

impl Workshop_ {
    async fn go(&mut self, key: &str) {
        let step = step(&self.lead.workshop, key);
        self.lead.ok(Command::GoToStep { room: None, step }).await;
        join_all(self.people.iter_mut().map(|p| p.sync())).await;
    }

    async fn close(&mut self, key: &str) {
        let step = step(&self.lead.workshop, key);
        self.lead.ok(Command::CloseVote { room: None, step }).await;
        self.lead.sync().await;
    }

    async fn state(&self, server: &TestServer) -> Workshop {
        let handle = server.hub.find(self.created.workshop, true).await.unwrap();
        handle.inspect().await.unwrap().workshop
    }
}

fn post(room: RoomId, column: ColumnId, text: String, parent: Option<NoteId>) -> Command {
    Command::PostNote {
        note: NoteId(Uuid::new_v4()),
        room,
        column,
        text,
        colour: Colour::Green,
        parent,
    }
}

/// Per territory, the texts of `column`'s notes in the room of that territory.
fn by_territory(w: &Workshop, column: ColumnId) -> BTreeMap<String, BTreeSet<String>> {
    w.rooms
        .iter()
        .map(|room| {
            let texts = notes(w, room.id, column).into_iter().map(|n| n.text).collect();
            (room.territory.clone().unwrap(), texts)
        })
        .collect()
}

/// Per territory, the notes of `column` ranked `top` or better with at least a dot.
fn retained(w: &Workshop, vote: &str, column: ColumnId, top: u32) -> BTreeMap<String, BTreeSet<String>> {
    let vote = step(w, vote);
    w.rooms
        .iter()
        .map(|room| {
            let result = w.result(vote, Some(room.id)).unwrap();
            let texts = result
                .ranking
                .iter()
                .filter(|r| r.column == column && r.rank <= top && r.votes > 0)
                .map(|r| w.notes[&r.note].text.clone())
                .collect();
            (room.territory.clone().unwrap(), texts)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yess_camp_1_then_2_then_3_each_room_starting_from_its_territorys_findings() {
    let server = TestServer::start().await;

    // ——— Workshop 1: the needs ———
    let created = server.create_from_template("yess-camp-1", None).await;
    let mut one = open(&server, created, "Enquêteur").await;
    let needs = column(&one.lead.workshop, "needs");
    one.go("clues").await;
    join_all(one.people.iter_mut().map(|p| async move {
        let room = room_of(p);
        p.ok(post(room, needs, format!("Besoin de {}", p.you), None))
            .await;
    }))
    .await;
    one.go("selection").await;
    join_all(one.people.iter_mut().enumerate().map(|(i, p)| async move {
        let room = room_of(p);
        let board = notes(&p.workshop, room, needs);
        // Both people of a room agree on the first two, and differ on the third.
        // Rooms fill in turn: participants i and i + 6 share a room.
        for note in [board[0].id, board[1].id, board[2 + (i / 6) % 2].id] {
            p.ok(Command::Vote { note, dots: 1 }).await;
        }
    }))
    .await;
    one.close("selection").await;
    let w1 = one.state(&server).await;
    let retained_needs = retained(&w1, "selection", needs, 3);
    assert!(
        retained_needs.values().all(|texts| texts.len() == 4),
        "ranks 1, 1, 3, 3: ties at the cut stay"
    );

    // Only its lead may continue a workshop.
    let someone = server.join(one.created.code.as_str(), "Curieux").await;
    let body = json!({ "template": "yess-camp-2", "facilitator_name": "X",
        "from": { "workshop": one.created.workshop, "token": someone.token } });
    let (status, _) = server.request(Method::POST, "/api/workshops", Some(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // ——— Workshop 2: the suspects ———
    let created = server
        .create_from_template(
            "yess-camp-2",
            Some((one.created.workshop, &one.created.facilitator_secret)),
        )
        .await;
    let mut two = open(&server, created, "Témoin").await;
    let w2 = two.state(&server).await;
    assert_eq!(w2.campaign, w1.campaign);
    assert_eq!(w2.origin, Some(w1.id));
    let recalled = column(&w2, "needs");
    assert_eq!(
        by_territory(&w2, recalled),
        retained_needs,
        "each room recalls its territory's needs"
    );
    assert!(
        w2.notes
            .values()
            .filter(|n| n.column == recalled)
            .all(|n| matches!(n.source, Source::Campaign { .. }))
    );

    let solutions = column(&w2, "solutions");
    two.go("suspects").await;
    join_all(two.people.iter_mut().map(|p| async move {
        let room = room_of(p);
        let needs = notes(&p.workshop, room, recalled);
        for need in &needs {
            let text = format!("Solution de {} pour « {} »", p.you, need.text);
            p.ok(post(room, solutions, text, Some(need.id))).await;
        }
    }))
    .await;
    two.go("lineup").await;
    join_all(two.people.iter_mut().map(|p| async move {
        let room = room_of(p);
        for need in notes(&p.workshop, room, recalled) {
            let under: Vec<NoteId> = notes(&p.workshop, room, solutions)
                .into_iter()
                .filter(|s| s.parent == Some(need.id))
                .map(|s| s.id)
                .collect();
            assert_eq!(under.len(), 2, "both people proposed one solution per need");
            p.ok(Command::Vote {
                note: under[0],
                dots: 1,
            })
            .await;
        }
    }))
    .await;
    two.close("lineup").await;
    let w2 = two.state(&server).await;
    let lineup = step(&w2, "lineup");
    for room in &w2.rooms {
        let result = w2.result(lineup, Some(room.id)).unwrap();
        assert!(
            result.ranking.iter().all(|r| r.parent.is_some()),
            "solutions ranked per need"
        );
    }

    // ——— Workshop 3: the outcome ———
    let created = server
        .create_from_template(
            "yess-camp-3",
            Some((two.created.workshop, &two.created.facilitator_secret)),
        )
        .await;
    let mut three = open(&server, created, "Juge").await;
    let w3 = three.state(&server).await;
    assert_eq!(w3.campaign, w1.campaign, "one campaign, three workshops");
    assert_eq!(by_territory(&w3, column(&w3, "needs")), retained_needs);
    let kept_solutions = by_territory(&w3, column(&w3, "solutions"));
    for room in &w2.rooms {
        let territory = room.territory.clone().unwrap();
        let expected: BTreeSet<String> = w2
            .result(lineup, Some(room.id))
            .unwrap()
            .ranking
            .iter()
            .filter(|r| r.rank <= 3 && r.votes > 0)
            .map(|r| w2.notes[&r.note].text.clone())
            .collect();
        assert_eq!(kept_solutions[&territory], expected);
    }

    let (where_, factors) = (column(&w3, "where"), column(&w3, "factors"));
    three.go("holders").await;
    join_all(three.people.iter_mut().map(|p| async move {
        let room = room_of(p);
        p.ok(post(room, where_, "Au tiers-lieu du village".into(), None))
            .await;
    }))
    .await;
    three.go("factors").await;
    join_all(three.people.iter_mut().map(|p| async move {
        let room = room_of(p);
        p.ok(post(
            room,
            factors,
            format!("Un réseau de mentors ({})", p.you),
            None,
        ))
        .await;
    }))
    .await;
    three.go("ranking").await;
    join_all(three.people.iter_mut().map(|p| async move {
        let room = room_of(p);
        for factor in notes(&p.workshop, room, factors).iter().take(3) {
            p.ok(Command::Vote {
                note: factor.id,
                dots: 1,
            })
            .await;
        }
    }))
    .await;
    three.close("ranking").await;
    three.go("report").await;
    let w3 = three.state(&server).await;
    let ranking = step(&w3, "ranking");
    for room in &w3.rooms {
        let result = w3.result(ranking, Some(room.id)).unwrap();
        assert_eq!(result.ranking.iter().map(|r| r.votes).sum::<u32>(), 2 * 3);
        assert_eq!(
            result.ranking.len(),
            5 + 2,
            "the prepared factors and the room's own"
        );
    }
    for p in &three.people {
        assert_eq!(
            p.workshop.results.len(),
            6,
            "the report shows every room's ranking"
        );
    }
}
