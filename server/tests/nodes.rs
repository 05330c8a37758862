//! Two nodes behind HAProxy (`deploy/haproxy.cfg`, run for real), one PostgreSQL
//! store: people post notes through the proxy as fast as they are acknowledged, and
//! the node serving their workshop is killed with `kill -9`. Their clients reconnect
//! by themselves through the proxy, re-sending what was not acknowledged; the other
//! node takes the workshop once the lost node's lease expires. Then the lost node
//! comes back (the workshop moves back to it, handed over), and is stopped cleanly
//! (handed over at once). Every acknowledged note is there, once.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

#[path = "../../tests/support/postgres.rs"]
#[allow(dead_code, unreachable_pub)]
mod postgres;
mod support;

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use atelier_shared::api::{CreateWorkshop, Created, JoinRequest, Joined, RoomRequest};
use atelier_shared::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, ServerMsg, Token};
use atelier_shared::{Colour, ColumnId, Command, NoteId, RoomId, WorkshopId};
use futures_util::StreamExt;
use support::{PATIENCE, Socket, get, post, send, start_exactly};
use tokio::process::Child;
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep, timeout};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

/// A lost node's workshops wait this long before another node takes them.
const LEASE_SECONDS: &str = "2";

/// Between one person's acknowledged note and their next.
const PACE: Duration = Duration::from_millis(100);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One `atelier` process on the shared store.
struct Node {
    name: &'static str,
    port: u16,
    process: Option<Child>,
}

impl Node {
    async fn start(name: &'static str, port: u16, store: &str) -> Node {
        let addr = format!("127.0.0.1:{port}");
        let (process, _, _) = start_exactly(&[
            "--addr",
            &addr,
            "--store",
            store,
            "--node",
            name,
            "--lease-seconds",
            LEASE_SECONDS,
            "--no-rate-limits",
            "--trust-forwarded-for",
        ])
        .await;
        Node {
            name,
            port,
            process: Some(process),
        }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// How many workshops this node serves, from its own health check.
    async fn workshops(&self) -> u64 {
        if self.process.is_none() {
            return 0;
        }
        let health = get(&self.host(), "/api/health", &[]).await;
        let health: serde_json::Value = serde_json::from_slice(&health.body).unwrap();
        health["workshops"].as_u64().unwrap()
    }

    async fn kill(&mut self) {
        let mut process = self.process.take().unwrap();
        process.start_kill().unwrap();
        process.wait().await.unwrap();
    }

    /// SIGTERM, as `systemctl stop` sends, and wait for the process to end.
    async fn stop(&mut self) {
        let mut process = self.process.take().unwrap();
        let pid = process.id().unwrap().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        timeout(PATIENCE, process.wait()).await.unwrap().unwrap();
    }
}

/// HAProxy running `deploy/haproxy.cfg` in front of `nodes`.
struct Haproxy {
    port: u16,
    _process: Child,
    dir: PathBuf,
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Haproxy {
    async fn start(nodes: &[(&str, u16)]) -> Haproxy {
        let haproxy = std::env::var("HAPROXY").unwrap_or_else(|_| "/usr/sbin/haproxy".into());
        assert!(
            std::path::Path::new(&haproxy).is_file(),
            "no HAProxy at {haproxy} (set HAPROXY, or `apt-get install haproxy`; `cargo xtask test` installs it)"
        );
        let shipped =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/haproxy.cfg")).unwrap();
        let port = free_port();
        let servers: String = nodes
            .iter()
            .map(|(name, port)| format!("    server {name} 127.0.0.1:{port} check\n"))
            .collect();
        let mut config = String::new();
        for line in shipped.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("server ") {
                continue;
            }
            if trimmed == "bind :80" {
                config.push_str(&format!("    bind 127.0.0.1:{port}\n"));
                continue;
            }
            config.push_str(line);
            config.push('\n');
            if trimmed.starts_with("default-server ") {
                config.push_str(&servers);
            }
        }
        assert!(
            config.contains(&servers),
            "the shipped file has its servers after default-server"
        );
        let dir = std::env::temp_dir().join(format!("atelier-haproxy-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("haproxy.cfg");
        std::fs::write(&file, config).unwrap();
        let process = tokio::process::Command::new(haproxy)
            .arg("-db")
            .arg("-f")
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let proxy = Haproxy {
            port,
            _process: process,
            dir,
        };
        let start = Instant::now();
        while !healthy(&proxy.host()).await {
            assert!(start.elapsed() < PATIENCE, "HAProxy answers in time");
            sleep(Duration::from_millis(100)).await;
        }
        proxy
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

/// Whether `host` answers its health check with 200; a refused or reset connection
/// (HAProxy still starting) is a no.
async fn healthy(host: &str) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let asked = async {
        let mut stream = tokio::net::TcpStream::connect(host).await?;
        stream
            .write_all(format!("GET /api/health HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
            .await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok::<_, std::io::Error>(answer.starts_with(b"HTTP/1.1 200") || answer.starts_with(b"HTTP/1.0 200"))
    };
    matches!(timeout(PATIENCE, asked).await, Ok(Ok(true)))
}

/// What a person's client reports.
#[derive(Debug)]
enum Report {
    /// Welcomed (again) at this instant.
    Live(usize, Instant),
    /// This note was acknowledged.
    Acked(NoteId),
}

/// A person posting notes through the proxy, one at a time, each as soon as the
/// last is acknowledged; reconnecting (through the proxy) when the connection
/// drops, and re-sending the command that was not acknowledged, with its id.
async fn person(
    n: usize,
    proxy: String,
    workshop: WorkshopId,
    token: Token,
    place: (RoomId, ColumnId),
    reports: mpsc::UnboundedSender<Report>,
    mut stop: watch::Receiver<bool>,
) {
    let mut id = 1u64;
    let mut pending: Option<(u64, NoteId, Command)> = None;
    while !*stop.borrow() {
        let Some(mut socket) = connect(&proxy, workshop, &token).await else {
            sleep(Duration::from_millis(100)).await;
            continue;
        };
        let _ = reports.send(Report::Live(n, Instant::now()));
        loop {
            if *stop.borrow() {
                return;
            }
            let (command_id, note, command) = pending.take().unwrap_or_else(|| {
                let note = NoteId(Uuid::new_v4());
                let command = Command::PostNote {
                    note,
                    room: place.0,
                    column: place.1,
                    text: format!("Note {id} de la personne {n}"),
                    colour: Colour::Yellow,
                    parent: None,
                };
                id += 1;
                (id - 1, note, command)
            });
            pending = Some((command_id, note, command.clone()));
            if !send(
                &mut socket,
                &ClientMsg::Command {
                    id: command_id,
                    command,
                },
            )
            .await
            {
                break;
            }
            let answer = tokio::select! {
                answer = answer_to(&mut socket, command_id) => answer,
                _ = stop.changed() => return,
            };
            match answer {
                Some(true) => {
                    pending = None;
                    let _ = reports.send(Report::Acked(note));
                    // Ten notes a second each: a lively room, within the workshop's
                    // thousand notes for the whole test.
                    sleep(PACE).await;
                }
                Some(false) => panic!("person {n}: command {command_id} refused"),
                None => break,
            }
        }
    }
}

/// Opens a websocket through the proxy as the browser does, and says hello:
/// `None` unless welcomed.
async fn connect(proxy: &str, workshop: WorkshopId, token: &Token) -> Option<Socket> {
    let url = format!("ws://{proxy}/ws?workshop={workshop}");
    let (mut socket, _) = timeout(PATIENCE, tokio_tungstenite::connect_async(url))
        .await
        .ok()?
        .ok()?;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: token.clone(),
    };
    send(&mut socket, &hello).await.then_some(())?;
    loop {
        let Ok(Some(Ok(Message::Text(text)))) = timeout(PATIENCE, socket.next()).await else {
            return None;
        };
        for message in ServerMsg::decode_frame(&text).ok()? {
            match message {
                ServerMsg::Welcome { .. } => return Some(socket),
                ServerMsg::Error { code, .. } => {
                    assert!(
                        matches!(code, ErrorCode::Moving | ErrorCode::ShuttingDown),
                        "refused with {code:?}"
                    );
                    return None;
                }
                _ => {}
            }
        }
    }
}

/// `Some(true)` when command `id` is acknowledged, `Some(false)` if refused, `None`
/// if the connection ends first.
async fn answer_to(socket: &mut Socket, id: u64) -> Option<bool> {
    loop {
        let Ok(Some(Ok(frame))) = timeout(PATIENCE, socket.next()).await else {
            return None;
        };
        let Message::Text(text) = frame else {
            if matches!(frame, Message::Close(_)) {
                return None;
            }
            continue;
        };
        for message in ServerMsg::decode_frame(&text).ok()? {
            match message {
                ServerMsg::Ack { id: acked, .. } if acked == id => return Some(true),
                ServerMsg::Rejected { id: refused, .. } if refused == id => return Some(false),
                ServerMsg::Error { code, .. } if code.close_code().is_some() => return None,
                _ => {}
            }
        }
    }
}

/// Gathers reports until `acked` notes more than now are acknowledged and every
/// person has been welcomed after `since`; returns when each was welcomed again.
async fn until(
    reports: &mut mpsc::UnboundedReceiver<Report>,
    acked: &mut BTreeSet<NoteId>,
    more: usize,
    people: usize,
    since: Instant,
) -> Vec<Instant> {
    let target = acked.len() + more;
    let mut live: Vec<Option<Instant>> = vec![None; people];
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.len() < target || live.iter().any(Option::is_none) {
        let left = deadline.saturating_duration_since(Instant::now());
        match timeout(left, reports.recv()).await {
            Ok(Some(Report::Acked(note))) => {
                assert!(acked.insert(note), "a note acknowledged twice");
            }
            Ok(Some(Report::Live(n, at))) if at >= since => {
                live[n].get_or_insert(at);
            }
            Ok(Some(Report::Live(..))) => {}
            _ => panic!(
                "stuck: {} of {target} notes acknowledged, welcomed again: {live:?}",
                acked.len()
            ),
        }
    }
    live.into_iter().map(Option::unwrap).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_lost_mid_workshop_costs_nothing_acknowledged_and_nothing_is_doubled() {
    let db = postgres::Database::fresh();
    let (p1, p2) = (free_port(), free_port());
    let mut nodes = [
        Node::start("atelier1", p1, &db.url).await,
        Node::start("atelier2", p2, &db.url).await,
    ];
    let proxy = Haproxy::start(&[("atelier1", p1), ("atelier2", p2)]).await;
    let host = proxy.host();

    // Made through the proxy (any node), joined through it (the code is sent on to
    // the workshop's node), used through it.
    let created: Created = post(
        &host,
        "/api/workshops",
        &CreateWorkshop {
            facilitator_name: "Camille".into(),
            rooms: vec![RoomRequest {
                name: "Aude".into(),
                territory: None,
            }],
            columns: vec!["Idées".into()],
            ..CreateWorkshop::default()
        },
    )
    .await;
    let workshop = created.workshop;
    let mut tokens = vec![created.facilitator_secret.clone()];
    let mut room = None;
    for n in 0..3 {
        let request = JoinRequest {
            code: created.code.to_string(),
            name: format!("Personne {n}"),
        };
        let joined: Joined = post(&host, "/api/join", &request).await;
        assert_eq!(joined.workshop, workshop);
        room = joined.room;
        tokens.push(joined.token);
    }
    let room = room.expect("placed in a room");
    let lead = connect(&host, workshop, &created.facilitator_secret)
        .await
        .unwrap();
    drop(lead);
    let (_, snapshot, _) = support::connect(&nodes_host(&nodes, workshop).await, &tokens[0]).await;
    let column = snapshot.current_step(room).unwrap().columns[0];

    let (reports_tx, mut reports) = mpsc::unbounded_channel();
    let (stop_tx, stop) = watch::channel(false);
    let people = tokens.len();
    let mut tasks = Vec::new();
    for (n, token) in tokens.iter().enumerate() {
        tasks.push(tokio::spawn(person(
            n,
            host.clone(),
            workshop,
            token.clone(),
            (room, column),
            reports_tx.clone(),
            stop.clone(),
        )));
    }
    let mut acked = BTreeSet::new();
    until(&mut reports, &mut acked, 20, people, Instant::now()).await;

    // 1. The workshop's node dies mid-stream.
    let owner = owner(&nodes, workshop).await;
    let killed = Instant::now();
    nodes[owner].kill().await;
    let back = until(&mut reports, &mut acked, 20, people, killed).await;
    let failover = back.iter().max().unwrap().duration_since(killed);
    assert_eq!(nodes[1 - owner].workshops().await, 1, "the other node serves it");
    eprintln!(
        "kill -9 of {}: every client live again after {failover:?}",
        nodes[owner].name
    );
    assert!(failover < Duration::from_secs(15), "{failover:?}");

    // 2. It comes back: the proxy sends the workshop's requests to it again; a
    // newcomer's join has it handed over, and everyone follows.
    let name = nodes[owner].name;
    nodes[owner] = Node::start(name, [p1, p2][owner], &db.url).await;
    let returned = Instant::now();
    let newcomer: Joined = post(
        &host,
        "/api/join",
        &JoinRequest {
            code: created.code.to_string(),
            name: "Retardataire".into(),
        },
    )
    .await;
    assert_eq!(newcomer.workshop, workshop);
    // Once the proxy has seen it healthy (two good checks), the newcomer's
    // connection reaches it, and it asks for the workshop.
    let holder = || {
        db.query_text(&format!(
            "SELECT node FROM leases WHERE workshop = '{workshop}' AND expires > now()"
        ))
    };
    let newcomer = loop {
        let socket = connect(&host, workshop, &newcomer.token).await;
        if socket.is_some() && holder().as_deref() == Some(name) {
            break socket;
        }
        assert!(returned.elapsed() < PATIENCE, "the workshop went back to {name}");
        sleep(Duration::from_millis(100)).await;
    };
    until(&mut reports, &mut acked, 20, people, returned).await;
    drop(newcomer);
    assert_eq!(owner_of(&nodes, workshop).await, Some(owner), "handed back");

    // 3. Stopped cleanly: handed over at once, without waiting for a lease.
    let stopped = Instant::now();
    nodes[owner].stop().await;
    let back = until(&mut reports, &mut acked, 20, people, stopped).await;
    let handover = back.iter().max().unwrap().duration_since(stopped);
    eprintln!("clean stop of {name}: every client live again after {handover:?}");

    // Everything acknowledged is there, once; at most one note per person was in
    // flight and not acknowledged when a node went.
    stop_tx.send_replace(true);
    for task in tasks {
        task.await.unwrap();
    }
    while let Ok(report) = reports.try_recv() {
        if let Report::Acked(note) = report {
            assert!(acked.insert(note));
        }
    }
    let (_, final_state, _) = support::connect(&nodes[1 - owner].host(), &tokens[0]).await;
    let stored: BTreeSet<NoteId> = final_state.notes.keys().copied().collect();
    let lost: Vec<&NoteId> = acked.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged notes lost: {lost:?}",
        lost.len()
    );
    let texts: BTreeSet<&str> = final_state.notes.values().map(|n| n.text.as_str()).collect();
    assert_eq!(texts.len(), final_state.notes.len(), "no note is there twice");
    assert!(
        stored.len() <= acked.len() + 3 * people,
        "{} notes stored, {} acknowledged",
        stored.len(),
        acked.len()
    );
    eprintln!("{} notes acknowledged, {} stored", acked.len(), stored.len());
}

/// Which node serves `workshop` now.
async fn owner_of(nodes: &[Node], workshop: WorkshopId) -> Option<usize> {
    let _ = workshop;
    let mut serving = None;
    for (i, node) in nodes.iter().enumerate() {
        if node.workshops().await > 0 {
            assert!(serving.is_none(), "two nodes serve the workshop");
            serving = Some(i);
        }
    }
    serving
}

async fn owner(nodes: &[Node], workshop: WorkshopId) -> usize {
    owner_of(nodes, workshop)
        .await
        .expect("a node serves the workshop")
}

async fn nodes_host(nodes: &[Node], workshop: WorkshopId) -> String {
    nodes[owner(nodes, workshop).await].host()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workshops_open_at_once_and_stay_where_their_people_are() {
    let db = postgres::Database::fresh();
    let (p1, p2) = (free_port(), free_port());
    let nodes = [
        Node::start("atelier1", p1, &db.url).await,
        Node::start("atelier2", p2, &db.url).await,
    ];
    let proxy = Haproxy::start(&[("atelier1", p1), ("atelier2", p2)]).await;
    let host = proxy.host();

    // Made at the same moment, each opened at once by its lead through the proxy:
    // every one opens (made on one node, served by the one the proxy picks).
    let creations = (0..12).map(|n| {
        let host = host.clone();
        async move {
            let created: Created = post(
                &host,
                "/api/workshops",
                &CreateWorkshop {
                    facilitator_name: format!("Camille {n}"),
                    ..CreateWorkshop::default()
                },
            )
            .await;
            let opened = timeout(
                Duration::from_secs(10),
                connect(&host, created.workshop, &created.facilitator_secret),
            )
            .await;
            (created, opened.ok().flatten())
        }
    });
    let mut workshops = Vec::new();
    for (created, socket) in futures_util::future::join_all(creations).await {
        let socket = socket.unwrap_or_else(|| panic!("workshop {} does not open", created.workshop));
        workshops.push((created, socket));
    }

    // Two workshops served by different nodes (the lease's holder, in the database).
    let holder = |id: WorkshopId| {
        db.query_text(&format!(
            "SELECT node FROM leases WHERE workshop = '{id}' AND expires > now() AND node <> ''"
        ))
    };
    let mine = 0;
    let w = workshops[mine].0.workshop;
    let before = holder(w).expect("a node serves it");
    let other = workshops
        .iter()
        .position(|(created, _)| holder(created.workshop).is_some_and(|node| node != before))
        .expect("the proxy spreads twelve workshops over both nodes");
    let v = workshops[other].0.workshop;

    // A token of W in a URL naming V (whose node is the other one): refused, and W
    // stays where its people are.
    let joined: Joined = post(
        &host,
        "/api/join",
        &JoinRequest {
            code: workshops[mine].0.code.to_string(),
            name: "Alice".into(),
        },
    )
    .await;
    let url = format!("ws://{host}/ws?workshop={v}");
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: joined.token.clone(),
    };
    assert!(send(&mut socket, &hello).await);
    let refused = support::next(&mut socket, |m| match m {
        ServerMsg::Error { code, .. } => Some(code),
        ServerMsg::Welcome { .. } => Some(ErrorCode::Malformed),
        _ => None,
    })
    .await;
    assert_eq!(refused, Some(ErrorCode::UnknownToken));

    // A report read on the node that does not serve W: the report, and W stays.
    let lead = &workshops[mine].0.facilitator_secret;
    let bearer = format!("Bearer {}", lead.0);
    let elsewhere = nodes.iter().find(|node| node.name != before).unwrap();
    let report = get(
        &elsewhere.host(),
        &format!("/api/workshops/{w}/report.md"),
        &[("authorization", bearer.as_str())],
    )
    .await;
    assert_eq!(report.status, 200);
    assert_eq!(holder(w), Some(before), "W did not move");
    // Its lead's connection is still open: a command is acknowledged.
    let lead_socket = &mut workshops[mine].1;
    let id = 7;
    assert!(
        send(
            lead_socket,
            &ClientMsg::Command {
                id,
                command: Command::AddTime { seconds: 60 }
            }
        )
        .await
    );
    assert!(
        answer_to(lead_socket, id).await.is_some(),
        "the lead was not moved"
    );
}
