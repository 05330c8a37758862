//! The hub over real websockets: a real server on a free port, real clients.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use atelier_shared::api::Created;
use atelier_shared::model::PollRules;
use atelier_shared::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, ServerMsg, Token};
use atelier_shared::{Activity, Colour, Command, Event, NoteId, Rejection, RoomId, Step, StepId, Workshop};
use atelier_tests::client::{closing, open, read_frame};
use atelier_tests::{PATIENCE, TestServer, WsClient};
use futures_util::SinkExt;
use hyper::StatusCode;
use serde_json::json;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

/// A workshop with rooms Aude and Gard, its lead connected, and Alice and Carol
/// (Aude) and Bob (Gard) connected.
struct Scene {
    server: TestServer,
    created: Created,
    /// Alice's, Bob's and Carol's tokens.
    tokens: [Token; 3],
    lead: WsClient,
    alice: WsClient,
    bob: WsClient,
    carol: WsClient,
}

impl Scene {
    async fn new() -> Scene {
        let server = TestServer::start().await;
        let created = server.create_workshop("YESS CAMP 1", &["Aude", "Gard"]).await;
        let code = created.code.as_str();
        let alice = server.join(code, "Alice").await;
        let bob = server.join(code, "Bob").await;
        let carol = server.join(code, "Carol").await;
        assert_eq!(alice.room, carol.room, "rooms fill in turn");
        assert_ne!(alice.room, bob.room);
        Scene {
            lead: WsClient::connect(&server, &created.facilitator_secret).await,
            alice: WsClient::connect(&server, &alice.token).await,
            bob: WsClient::connect(&server, &bob.token).await,
            carol: WsClient::connect(&server, &carol.token).await,
            tokens: [alice.token, bob.token, carol.token],
            created,
            server,
        }
    }

    async fn state(&self) -> Workshop {
        let handle = self
            .server
            .hub
            .workshop(self.created.workshop)
            .expect("live workshop");
        handle.inspect().await.expect("actor alive").workshop
    }
}

fn room_of(client: &WsClient) -> RoomId {
    client.workshop.participants[&client.you].room.expect("in a room")
}

fn post(client: &WsClient, text: &str) -> (NoteId, Command) {
    let note = NoteId(Uuid::new_v4());
    let command = Command::PostNote {
        note,
        room: room_of(client),
        column: client.workshop.columns[0].id,
        text: text.into(),
        colour: Colour::Yellow,
        parent: None,
    };
    (note, command)
}

#[tokio::test]
async fn participants_of_a_room_see_each_others_notes_live_and_other_rooms_do_not() {
    let mut s = Scene::new().await;
    let (note, command) = post(&s.alice, "Mobilité en zone rurale");

    let echoed = s.alice.command(command).await.expect("accepted");
    assert!(
        matches!(&echoed[..], [Event::NotePosted { note: n }] if n.id == note),
        "{echoed:?}"
    );

    let Event::NotePosted { note: seen } = s.carol.event().await else {
        panic!("Carol should see Alice's note")
    };
    assert_eq!(
        (seen.id, seen.text.as_str(), seen.author),
        (note, "Mobilité en zone rurale", Some(s.alice.you))
    );
    let Event::NotePosted { note: watched } = s.lead.event().await else {
        panic!("the lead watches every room")
    };
    assert_eq!(watched.id, note);
    assert_eq!(s.bob.sync().await, vec![], "Bob is in another room");

    // Every replica that sees the room ends equal to the server's view of it.
    let state = s.state().await;
    assert_eq!(s.carol.workshop.notes, s.alice.workshop.notes);
    assert_eq!(
        s.carol.workshop.notes,
        state.view(&state.viewer(s.carol.you)).notes
    );
    assert_eq!(s.lead.workshop.notes, state.notes);
    assert!(s.bob.workshop.notes.is_empty());
}

#[tokio::test]
async fn authors_edit_and_delete_their_notes_and_others_cannot() {
    let mut s = Scene::new().await;
    let (note, command) = post(&s.alice, "mobilite");
    s.alice.command(command).await.expect("posted");
    s.carol.event().await;

    let edit = Command::EditNote {
        note,
        text: "Mobilité".into(),
        colour: Colour::Green,
    };
    assert_eq!(
        s.carol.command(edit.clone()).await,
        Err(atelier_shared::Rejection::NotYourNote)
    );
    s.alice.command(edit).await.expect("the author edits");
    assert!(matches!(s.carol.event().await, Event::NoteEdited { rev: 1, .. }));
    assert_eq!(s.carol.workshop.notes[&note].text, "Mobilité");

    s.alice
        .command(Command::DeleteNote { note })
        .await
        .expect("the author deletes");
    assert!(matches!(s.carol.event().await, Event::NoteDeleted { .. }));
    assert!(s.carol.workshop.notes.is_empty());
    assert!(s.state().await.notes.is_empty());
}

#[tokio::test]
async fn a_command_for_a_room_one_is_not_in_is_refused_and_changes_nothing() {
    let mut s = Scene::new().await;
    let before = s.state().await;
    let (_, mut command) = post(&s.alice, "chez les voisins");
    if let Command::PostNote { room, .. } = &mut command {
        *room = room_of(&s.bob);
    }
    assert_eq!(
        s.alice.command(command).await,
        Err(atelier_shared::Rejection::NotYourRoom)
    );
    assert_eq!(s.state().await, before);
    assert_eq!(s.bob.sync().await, vec![]);
    assert_eq!(s.lead.sync().await, vec![]);
}

#[tokio::test]
async fn a_malformed_message_gets_a_clear_error_and_the_connection_stays_usable() {
    let mut s = Scene::new().await;
    let before = s.state().await;
    for garbage in [
        "not json",
        "{}",
        r#"{"type":"command","id":1}"#,
        r#"{"type":"command","id":"one","command":{"kind":"delete_note","note":"x"}}"#,
        r#"{"type":"command","id":1,"command":{"kind":"become_lead"}}"#,
    ] {
        s.alice.send_text(garbage).await;
        let (code, message) = s.alice.error().await;
        assert_eq!(code, ErrorCode::Malformed, "{garbage}");
        assert!(message.starts_with("unreadable message"), "{message}");
    }
    s.alice.socket.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    assert_eq!(s.alice.error().await.0, ErrorCode::Binary);
    let hello_again = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: Token("whatever".into()),
    };
    s.alice.send_text(&hello_again.encode()).await;
    assert_eq!(s.alice.error().await.0, ErrorCode::AlreadyGreeted);

    assert_eq!(s.state().await, before, "nothing changed");
    assert_eq!(s.carol.sync().await, vec![]);
    let (_, command) = post(&s.alice, "toujours là");
    s.alice
        .command(command)
        .await
        .expect("the connection still works");
}

fn oversized(client: &WsClient, bytes: usize) -> String {
    let (_, command) = post(client, "x");
    let mut message = serde_json::to_value(ClientMsg::Command { id: 1, command }).unwrap();
    message["command"]["text"] = json!("x".repeat(bytes));
    message.to_string()
}

#[tokio::test]
async fn an_oversized_message_is_refused_with_a_reason_and_changes_nothing() {
    let mut s = Scene::new().await;
    let before = s.state().await;
    let limit = s.server.hub.config.limits.max_message_bytes;
    let message = oversized(&s.alice, limit);
    assert!(message.len() > limit);
    s.alice.send_text(&message).await;

    let (code, reason) = s.alice.error().await;
    assert_eq!(code, ErrorCode::TooLarge);
    assert!(reason.contains(&limit.to_string()), "{reason}");
    assert_eq!(s.state().await, before);
    assert_eq!(s.carol.sync().await, vec![]);
    let (_, command) = post(&s.alice, "plus court");
    s.alice
        .command(command)
        .await
        .expect("the connection still works");
}

#[tokio::test]
async fn an_absurdly_large_message_ends_the_connection_and_changes_nothing() {
    let mut s = Scene::new().await;
    let before = s.state().await;
    let hard = s.server.hub.config.limits.hard_message_bytes;
    let message = oversized(&s.alice, hard);
    // The server stops reading at the frame header, so this send may itself fail.
    let _ = s.alice.socket.send(Message::text(message)).await;

    let (_, close) = closing(&mut s.alice.socket).await;
    if let Some(close) = close {
        assert_eq!(u16::from(close.code), 1009, "{close:?}");
    }
    let mut connections = s.server.hub.connections();
    timeout(PATIENCE, connections.wait_for(|n| *n == 3))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.state().await, before);
    assert_eq!(s.carol.sync().await, vec![]);
}

#[tokio::test]
async fn another_protocol_version_is_refused_with_a_clear_reason() {
    let server = TestServer::start().await;
    let created = server.create_workshop("Atelier", &["Salle 1"]).await;
    for hello in [
        ClientMsg::Hello {
            protocol: PROTOCOL_VERSION + 1,
            token: created.facilitator_secret.clone(),
        }
        .encode(),
        // A future client whose hello no longer has the same shape.
        json!({ "type": "hello", "protocol": 99, "credentials": { "kind": "new" } }).to_string(),
        // A client that writes its version as text.
        json!({ "type": "hello", "protocol": "2", "token": created.facilitator_secret.0 }).to_string(),
    ] {
        let mut socket = open(&server).await;
        socket.send(Message::text(hello)).await.unwrap();
        let (error, close) = closing(&mut socket).await;
        let (code, message) = error.expect("a typed error");
        assert_eq!(code, ErrorCode::VersionMismatch);
        assert!(
            message.contains(&format!("protocol {PROTOCOL_VERSION}")),
            "{message}"
        );
        assert_eq!(u16::from(close.expect("a close frame").code), 4001);
    }
}

#[tokio::test]
async fn a_connection_must_start_with_a_hello_carrying_a_genuine_token() {
    let server = TestServer::start().await;
    let created = server.create_workshop("Atelier", &["Salle 1"]).await;
    let forged = {
        let genuine = created.facilitator_secret.0.clone();
        let (id, secret) = genuine.split_once('.').unwrap();
        let flipped = if secret.starts_with('0') { "1" } else { "0" };
        Token(format!("{id}.{flipped}{}", &secret[1..]))
    };
    let cases = [
        (r#"{"type":"ping"}"#.to_owned(), ErrorCode::HelloExpected, 4000),
        ("garbage".to_owned(), ErrorCode::HelloExpected, 4000),
        (
            ClientMsg::Hello {
                protocol: PROTOCOL_VERSION,
                token: forged,
            }
            .encode(),
            ErrorCode::UnknownToken,
            4003,
        ),
        (
            ClientMsg::Hello {
                protocol: PROTOCOL_VERSION,
                token: Token("nobody".into()),
            }
            .encode(),
            ErrorCode::UnknownToken,
            4003,
        ),
    ];
    for (first, expected, close_code) in cases {
        let mut socket = open(&server).await;
        socket.send(Message::text(first.clone())).await.unwrap();
        let (error, close) = closing(&mut socket).await;
        assert_eq!(error.map(|e| e.0), Some(expected), "{first}");
        assert_eq!(u16::from(close.expect("a close frame").code), close_code);
    }
}

#[tokio::test]
async fn a_token_brings_its_holder_back_as_themselves_with_the_board_as_it_is() {
    let mut s = Scene::new().await;
    let (note, command) = post(&s.alice, "avant la coupure");
    s.alice.command(command).await.unwrap();
    let (alice, room) = (s.alice.you, room_of(&s.alice));
    s.alice.socket.close(None).await.unwrap();

    let back = WsClient::connect(&s.server, &s.tokens[0]).await;
    assert_eq!(back.you, alice);
    assert_eq!(room_of(&back), room);
    assert_eq!(back.workshop.notes[&note].text, "avant la coupure");
    // Her name stays hers.
    let (status, body) = s.server.try_join(s.created.code.as_str(), "ALICE").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["rejection"]["code"], "name_taken");
}

#[tokio::test]
async fn the_welcome_shows_a_participant_their_room_only_and_the_lead_everything() {
    let mut s = Scene::new().await;
    let (aude_note, command) = post(&s.alice, "Aude");
    s.alice.command(command).await.unwrap();
    let (gard_note, command) = post(&s.bob, "Gard");
    s.bob.command(command).await.unwrap();

    let carol = WsClient::connect(&s.server, &s.tokens[2]).await;
    assert_eq!(carol.workshop.notes.keys().collect::<Vec<_>>(), vec![&aude_note]);
    assert!(!carol.workshop.participants.contains_key(&s.bob.you));
    assert_eq!(carol.workshop.rooms.len(), 2, "room names are public");
    let lead = WsClient::connect(&s.server, &s.created.facilitator_secret).await;
    assert!(lead.workshop.notes.contains_key(&aude_note) && lead.workshop.notes.contains_key(&gard_note));
    assert_eq!(lead.workshop, s.state().await);
}

#[tokio::test]
async fn a_closed_connection_frees_its_resources() {
    let s = Scene::new().await;
    let handle = s.server.hub.find(s.created.workshop, true).await.unwrap();
    let mut connections = s.server.hub.connections();
    assert_eq!(*connections.borrow(), 4);
    assert_eq!(handle.inspect().await.unwrap().subscribers, 4);

    let Scene {
        mut alice,
        bob,
        carol,
        lead,
        ..
    } = s;
    alice.socket.close(None).await.unwrap(); // a polite goodbye
    drop((alice, bob, carol, lead)); // and three that just vanish
    timeout(PATIENCE, connections.wait_for(|n| *n == 0))
        .await
        .expect("every connection is released")
        .unwrap();
    assert_eq!(handle.inspect().await.unwrap().subscribers, 0);
}

#[tokio::test]
async fn events_queued_together_travel_in_one_frame() {
    let mut s = Scene::new().await;
    // Ten posts sent without waiting: Carol's queue fills faster than one frame each.
    let mut ids = Vec::new();
    for i in 0..10 {
        let (note, command) = post(&s.alice, &format!("idée {i}"));
        s.alice.send(command).await;
        ids.push(note);
    }
    let mut frames = 0;
    let mut seen = Vec::new();
    while seen.len() < ids.len() {
        frames += 1;
        for message in read_frame(&mut s.carol.socket).await {
            if let ServerMsg::Event {
                event: Event::NotePosted { note },
                ..
            } = message
            {
                seen.push(note.id);
            }
        }
    }
    assert_eq!(seen, ids, "in order, none missing");
    assert!(frames <= ids.len());
}

/// Sends one raw frame on a fresh websocket (no client library, which would refuse
/// to write a broken one) and returns the close code the server answers with.
async fn close_code_for(server: &TestServer, frame: &[u8]) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "GET /ws HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        server.addr
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut read = Vec::new();
    let mut chunk = [0u8; 1024];
    while !read.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tcp.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the handshake was refused");
        read.extend_from_slice(&chunk[..n]);
    }
    let end = read.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(
        read.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&read)
    );
    let mut frames = read.split_off(end);
    tcp.write_all(frame).await.unwrap();
    let reading = async {
        loop {
            // Server frames are unmasked, short here: [opcode, length, payload…].
            while frames.len() >= 2 && frames.len() >= 2 + usize::from(frames[1] & 0x7f) {
                let (opcode, len) = (frames[0] & 0x0f, usize::from(frames[1] & 0x7f));
                if opcode == 0x8 {
                    return (len >= 2).then(|| u16::from_be_bytes([frames[2], frames[3]]));
                }
                frames.drain(..2 + len);
            }
            match tcp.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => frames.extend_from_slice(&chunk[..n]),
            }
        }
    };
    timeout(PATIENCE, reading)
        .await
        .expect("the server ends the connection")
}

/// A client frame: `first` byte (FIN, reserved bits, opcode), masked with a zero key
/// unless `masked` is false.
fn raw_frame(first: u8, payload: &[u8], masked: bool) -> Vec<u8> {
    let mut frame = vec![first];
    let mask_bit = if masked { 0x80 } else { 0 };
    if payload.len() < 126 {
        frame.push(mask_bit | payload.len() as u8);
    } else {
        frame.push(mask_bit | 126);
        frame.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    }
    if masked {
        frame.extend_from_slice(&[0, 0, 0, 0]);
    }
    frame.extend_from_slice(payload);
    frame
}

#[tokio::test]
async fn a_broken_frame_gets_the_standard_close_code() {
    let server = TestServer::start().await;
    let cases = [
        (
            "text that is not UTF-8",
            raw_frame(0x81, &[0xff, 0xfe, 0xfd], true),
            1007,
        ),
        ("a reserved bit set", raw_frame(0xC1, b"{}", true), 1002),
        ("a reserved opcode", raw_frame(0x83, b"{}", true), 1002),
        ("an unmasked frame", raw_frame(0x81, b"{}", false), 1002),
        ("a ping of 200 bytes", raw_frame(0x89, &[b'x'; 200], true), 1002),
    ];
    for (what, frame, expected) in cases {
        assert_eq!(close_code_for(&server, &frame).await, Some(expected), "{what}");
    }
}

/// The closing handshake completes: a client's close frame gets one back, with the
/// same code, or 1002 when the code it sent is not one a peer may send.
#[tokio::test]
async fn a_close_frame_is_answered() {
    let server = TestServer::start().await;
    let normal = raw_frame(0x88, &1000u16.to_be_bytes(), true);
    assert_eq!(close_code_for(&server, &normal).await, Some(1000));
    let reserved = raw_frame(0x88, &999u16.to_be_bytes(), true);
    assert_eq!(close_code_for(&server, &reserved).await, Some(1002));
}

#[tokio::test]
async fn someone_typing_in_a_field_is_shown_to_those_who_see_it_and_only_when_they_may_write_there() {
    use atelier_shared::model::Field;

    let mut s = Scene::new().await;
    let (note, command) = post(&s.alice, "Mobilité en zone rurale");
    s.alice.ok(command).await;
    s.carol.sync().await;
    s.lead.sync().await;

    // The lead may characterise at any time: Aude's people see them typing.
    let writing = ClientMsg::Writing {
        note,
        field: Field::Why,
    };
    s.lead.send_text(&writing.encode()).await;
    for client in [&mut s.alice, &mut s.carol] {
        let ServerMsg::Writing {
            participant,
            note: seen,
            field,
        } = client.recv().await
        else {
            panic!("Aude sees the lead typing");
        };
        assert_eq!((participant, seen, field), (s.lead.you, note, Field::Why));
    }
    // Gard does not see Aude's notes, and the writer is not told about themselves:
    // `sync` fails on anything but events.
    s.bob.sync().await;
    s.lead.sync().await;

    // Alice may not characterise during a brainstorm: nothing is relayed.
    s.alice.send_text(&writing.encode()).await;
    s.carol.sync().await;
    s.lead.sync().await;
    // A note that does not exist: nothing either, and the connection stays usable.
    let ghost = ClientMsg::Writing {
        note: NoteId(Uuid::new_v4()),
        field: Field::Who,
    };
    s.lead.send_text(&ghost.encode()).await;
    s.alice.sync().await;
    s.lead.sync().await;
    assert!(
        s.state().await.notes[&note].details.why.is_empty(),
        "nothing is stored"
    );
}

fn quick_poll(secret: bool) -> Step {
    Step {
        id: StepId(Uuid::new_v4()),
        key: None,
        title: "Sur quel défi voulez-vous travailler ?".into(),
        instructions: String::new(),
        minutes: None,
        columns: Vec::new(),
        activity: Activity::Poll {
            rules: PollRules {
                options: vec!["Mobilité".into(), "Logement".into(), "Alimentation".into()],
                secret,
            },
        },
    }
}

fn answer(step: StepId, option: u32) -> Command {
    Command::Answer {
        step,
        option: Some(option),
    }
}

#[tokio::test]
async fn a_secret_quick_poll_keeps_each_answer_to_its_author_and_the_lead_until_it_closes() {
    let mut s = Scene::new().await;
    // Options that read alike are one option, full-width letters too (the server
    // folds them with Unicode's own data).
    let mut twice = quick_poll(true);
    twice.activity = Activity::Poll {
        rules: PollRules {
            options: vec!["Oui".into(), "ＯＵＩ".into()],
            secret: true,
        },
    };
    let refused = s
        .lead
        .command(Command::AddStep {
            step: twice,
            position: 99,
        })
        .await;
    assert!(
        matches!(refused, Err(Rejection::InvalidRules { .. })),
        "{refused:?}"
    );
    let poll = quick_poll(true);
    let step = poll.id;
    s.lead
        .ok(Command::AddStep {
            step: poll,
            position: 99,
        })
        .await;
    s.lead.ok(Command::GoToStep { room: None, step }).await;
    s.alice.ok(answer(step, 1)).await;
    s.bob.ok(answer(step, 1)).await;
    s.carol.ok(answer(step, 2)).await;
    // Nobody but the lead hears of anyone else's answer, not even in another room.
    for client in [&mut s.alice, &mut s.bob, &mut s.carol] {
        let heard = client.sync().await;
        assert!(
            heard.iter().all(|e| !matches!(e, Event::Answered { .. })),
            "{heard:?}"
        );
    }
    assert_eq!(s.alice.workshop.poll_counts(step), vec![0, 1, 0]);
    assert_eq!(s.carol.workshop.poll_counts(step), vec![0, 0, 1]);
    s.lead.sync().await;
    assert_eq!(s.lead.workshop.poll_counts(step), vec![0, 2, 1]);

    // What a hostile participant tries is refused and changes nothing.
    let before = s.state().await;
    assert!(matches!(
        s.bob.command(answer(step, 7)).await,
        Err(Rejection::InvalidRules { .. })
    ));
    assert_eq!(
        s.bob.command(Command::CloseVote { room: None, step }).await,
        Err(Rejection::Forbidden)
    );
    assert_eq!(
        s.bob.command(answer(step, 1)).await,
        Ok(vec![]),
        "the same answer again"
    );
    assert_eq!(s.state().await.polls, before.polls);

    // Closing publishes the counts to everyone and stops the answers.
    s.lead.ok(Command::CloseVote { room: None, step }).await;
    for client in [&mut s.alice, &mut s.bob, &mut s.carol] {
        client.sync().await;
        assert_eq!(client.workshop.poll_counts(step), vec![0, 2, 1]);
    }
    assert_eq!(s.carol.command(answer(step, 0)).await, Err(Rejection::VoteClosed));
    let state = s.state().await;
    for client in [&s.alice, &s.bob, &s.carol, &s.lead] {
        assert_eq!(client.workshop.polls, state.view(&state.viewer(client.you)).polls);
    }
    assert_eq!(
        s.alice.workshop.polls[&step].answers.len(),
        1,
        "still only her own"
    );
}

/// A link that delivers at most 1 KiB every 10 ms (about 100 KB/s), as a poor mobile
/// connection does: the sleep is the slow link itself.
struct PoorLink {
    inner: tokio::net::TcpStream,
    pause: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl tokio::io::AsyncRead for PoorLink {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::task::{Poll, ready};
        let this = self.get_mut();
        if let Some(pause) = &mut this.pause {
            ready!(pause.as_mut().poll(cx));
            this.pause = None;
        }
        let mut chunk = [0u8; 1024];
        let want = chunk.len().min(buf.remaining());
        let mut limited = tokio::io::ReadBuf::new(&mut chunk[..want]);
        ready!(std::pin::Pin::new(&mut this.inner).poll_read(cx, &mut limited))?;
        buf.put_slice(limited.filled());
        if !limited.filled().is_empty() {
            this.pause = Some(Box::pin(tokio::time::sleep(std::time::Duration::from_millis(10))));
        }
        Poll::Ready(Ok(()))
    }
}

impl tokio::io::AsyncWrite for PoorLink {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_on_a_poor_link_stays_connected_while_the_room_talks_fast() {
    use futures_util::StreamExt;
    let mut config = atelier_server::Config::default();
    // Less than a snapshot of this board takes to cross the link (about 2 s): only
    // a reader that takes nothing at all may be cut off.
    config.limits.write_timeout = std::time::Duration::from_secs(1);
    config.limits.notes = None;
    let server = TestServer::start_with(config).await;
    let created = server.create_workshop("Atelier", &["Salle 1"]).await;
    let (handle, lead) = server.hub.authenticate(&created.facilitator_secret).unwrap();
    let board = handle.inspect().await.unwrap().workshop;
    let (room, column) = (board.rooms[0].id, board.columns[0].id);
    use atelier_shared::Actor;

    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(32 * 1024).unwrap();
    let stream = socket.connect(server.addr).await.unwrap();
    let link = PoorLink {
        inner: stream,
        pause: None,
    };
    let (mut slow, _) = tokio_tungstenite::client_async(format!("ws://{}/ws", server.addr), link)
        .await
        .unwrap();
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: created.facilitator_secret.clone(),
    };
    slow.send(Message::text(hello.encode())).await.unwrap();

    // The room talks: 500 notes, then 1,500 edits of them, as fast as the workshop
    // takes them: about 1 MB of events, ten times what the link carries in a second.
    let talk = tokio::spawn({
        let handle = handle.clone();
        async move {
            let notes: Vec<NoteId> = (0..500).map(|_| NoteId(Uuid::new_v4())).collect();
            let text = |i: usize| {
                format!(
                    "Idée {i} : {}",
                    "un peu de texte pour peser son poids, ".repeat(5)
                )
            };
            for (i, note) in notes.iter().enumerate() {
                let post = Command::PostNote {
                    note: *note,
                    room,
                    column,
                    text: text(i),
                    colour: Colour::Yellow,
                    parent: None,
                };
                handle.command(Actor::Member(lead), post).await.unwrap().unwrap();
            }
            for i in 0..1_500 {
                let edit = Command::EditNote {
                    note: notes[i % notes.len()],
                    text: text(i),
                    colour: Colour::Blue,
                };
                handle.command(Actor::Member(lead), edit).await.unwrap().unwrap();
            }
        }
    });

    // The reader keeps up as it can: snapshots replace what it could not take, and
    // it ends with the board as it is, never told to go.
    let mut replica: Option<Workshop> = None;
    let mut snapshots = 0;
    let mut last = None;
    while last.is_none() || replica.as_ref().map(|w| w.seq) != last {
        let frame = timeout(PATIENCE, slow.next())
            .await
            .expect("the server keeps talking")
            .expect("still open")
            .expect("a frame");
        let Message::Text(text) = frame else {
            assert!(!matches!(frame, Message::Close(_)), "closed: {frame:?}");
            continue;
        };
        for message in ServerMsg::decode_frame(&text).unwrap() {
            match message {
                ServerMsg::Event { seq, event } => {
                    let w = replica.as_mut().expect("a welcome first");
                    w.apply_event(&event);
                    w.seq = seq;
                }
                ServerMsg::Welcome { workshop, .. } => {
                    snapshots += 1;
                    replica = Some(workshop);
                }
                ServerMsg::Error { code, message } => panic!("told {code:?}: {message}"),
                _ => {}
            }
        }
        if last.is_none() && talk.is_finished() {
            last = Some(handle.inspect().await.unwrap().workshop.seq);
        }
    }
    talk.await.unwrap();
    let board = handle.inspect().await.unwrap().workshop;
    assert_eq!(replica.unwrap().notes, board.notes, "the board as it is");
    assert!(
        snapshots >= 2,
        "the backlog was replaced by a snapshot ({snapshots} welcomes)"
    );
    assert_eq!(server.hub.connections().borrow().to_owned(), 1, "still connected");
}
