//! The websocket protocol: one message enum per direction, checked at the first message.
//!
//! A client's frame is one [`ClientMsg`]. A server's frame is a JSON array of
//! [`ServerMsg`], so that messages already queued for a connection travel in one frame;
//! each message is serialised once, and the same bytes go to every connection. The
//! full description, with examples, is `docs/protocol.md`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::command::Command;
use crate::event::Event;
use crate::ids::{Millis, NoteId, ParticipantId};
use crate::model::{Field, Workshop};
use crate::rejection::Rejection;

/// Bumped on any change a client of the previous version would misread.
pub const PROTOCOL_VERSION: u32 = 2;

/// A participant's credential: proves who they are on every (re)connection.
/// Never shown in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Token(pub String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Client → server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// Must be the first message of a connection.
    Hello { protocol: u32, token: Token },
    /// `id` is chosen by the client; the server answers `Ack` or `Rejected` with it.
    Command { id: u64, command: Command },
    /// Answered by `Pong`: lets a browser, which cannot see websocket pings, notice a
    /// dead connection.
    Ping,
    /// "I am typing in this field of this note": relayed as `Writing` to the others
    /// who see the note, so nobody types over someone else unawares. Nothing is stored
    /// and nothing is answered; a client sends it at most every few seconds while typing.
    Writing { note: NoteId, field: Field },
}

/// Server → client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// The answer to `Hello`: who you are and what you see, as of event `workshop.seq`.
    /// Sent again, whole, whenever the connection must resynchronise (another room,
    /// another role, new rules of what you may see).
    Welcome {
        protocol: u32,
        you: ParticipantId,
        workshop: Workshop,
        /// The server's clock, to show the timer right whatever the client's clock says.
        now: Millis,
        /// Who, among the people you see, is connected.
        online: Vec<ParticipantId>,
    },
    /// Something happened; `seq` numbers the workshop's events.
    Event { seq: u64, event: Event },
    /// Command `id` was applied and its events were sent before this, but they are
    /// not yet on disk: the page shows them as they came (not the command again on
    /// top), and sends the command again if it reconnects before the `ack`.
    Applied { id: u64 },
    /// Command `id` was accepted; its events (if any) were sent before this, and `seq`
    /// is the workshop's position after them. With a store, they are on disk.
    Ack { id: u64, seq: u64 },
    /// Command `id` was refused and changed nothing.
    Rejected {
        id: u64,
        rejection: Rejection,
        message: String,
    },
    /// A message that could not be handled at all. Fatal codes close the connection.
    Error { code: ErrorCode, message: String },
    /// Someone you see connected (their first connection) or left (their last).
    Presence {
        participant: ParticipantId,
        online: bool,
    },
    /// The answer to `Ping`, with the server's clock.
    Pong { now: Millis },
    /// `participant` is typing in `field` of `note` (see `ClientMsg::Writing`).
    Writing {
        participant: ParticipantId,
        note: NoteId,
        field: Field,
    },
}

/// Problems with the conversation itself rather than with a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not a message this protocol knows. The connection stays open.
    Malformed,
    /// Binary frames are not part of the protocol. The connection stays open.
    Binary,
    /// A second `Hello` on a greeted connection. The connection stays open.
    AlreadyGreeted,
    /// The first message was not a `Hello`, or it did not come in time.
    HelloExpected,
    /// The client speaks another protocol version: it must reload.
    VersionMismatch,
    /// The token is unknown: the participant must join again.
    UnknownToken,
    /// The workshop was deleted by its lead facilitator.
    WorkshopDeleted,
    /// A message exceeded the size limit. Past the hard limit, the connection is closed.
    TooLarge,
    /// The connection could not keep up with its room and is closed; reconnecting
    /// brings a fresh snapshot.
    Lagging,
    /// The server has too many connections right now; try again later.
    ServerBusy,
    /// The server is shutting down; reconnect in a moment.
    ShuttingDown,
    /// No message in too long.
    Idle,
    /// This connection sends faster than a person can: the message was ignored. The
    /// connection stays open. (Commands over the rate are `Rejected` with `too_fast`.)
    RateLimited,
    /// Too many connections from the same network address: close other tabs.
    TooManyConnections,
    /// The workshop is moving to another server (one was lost, or hands it over):
    /// reconnect in a moment.
    Moving,
}

impl ErrorCode {
    /// The websocket close code a fatal error closes the connection with, or `None`
    /// when the connection stays open.
    pub fn close_code(self) -> Option<u16> {
        match self {
            ErrorCode::Malformed | ErrorCode::Binary | ErrorCode::AlreadyGreeted | ErrorCode::RateLimited => {
                None
            }
            // Only fatal past the hard limit; the code the close then carries:
            ErrorCode::TooLarge => Some(1009),
            ErrorCode::ServerBusy => Some(1013),
            ErrorCode::ShuttingDown => Some(1001),
            ErrorCode::HelloExpected => Some(4000),
            ErrorCode::VersionMismatch => Some(4001),
            ErrorCode::UnknownToken => Some(4003),
            ErrorCode::WorkshopDeleted => Some(4004),
            ErrorCode::Lagging => Some(4008),
            ErrorCode::Idle => Some(4009),
            ErrorCode::TooManyConnections => Some(4029),
            ErrorCode::Moving => Some(4012),
        }
    }

    /// Whether a client should reconnect after being closed with this code: not when
    /// the same request would be refused again.
    pub fn retry(self) -> bool {
        !matches!(
            self,
            ErrorCode::VersionMismatch | ErrorCode::UnknownToken | ErrorCode::WorkshopDeleted
        )
    }

    /// The error a close code stands for, if it is one of ours.
    pub fn from_close_code(code: u16) -> Option<ErrorCode> {
        const FATAL: [ErrorCode; 11] = [
            ErrorCode::TooLarge,
            ErrorCode::ServerBusy,
            ErrorCode::ShuttingDown,
            ErrorCode::HelloExpected,
            ErrorCode::VersionMismatch,
            ErrorCode::UnknownToken,
            ErrorCode::WorkshopDeleted,
            ErrorCode::Lagging,
            ErrorCode::Idle,
            ErrorCode::TooManyConnections,
            ErrorCode::Moving,
        ];
        FATAL.into_iter().find(|e| e.close_code() == Some(code))
    }
}

impl ClientMsg {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("client messages always serialise")
    }

    pub fn decode(text: &str) -> Result<ClientMsg, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// The frame of `ServerMsg::Event { seq, event }`, byte for byte, serialised from a
/// borrowed event: the server publishes every event without copying it first.
pub fn event_frame(seq: u64, event: &Event) -> String {
    event_json_frame(seq, &event_json(event))
}

/// An event as JSON, as it stands inside its frame (and as the server's store keeps it).
pub fn event_json(event: &Event) -> String {
    serde_json::to_string(event).expect("events always serialise")
}

/// The frame of an event already serialised by [`event_json`]: the server serialises
/// each event once, for its store and for the connections that see it whole.
pub fn event_json_frame(seq: u64, json: &str) -> String {
    format!(r#"[{{"type":"event","seq":{seq},"event":{json}}}]"#)
}

/// The protocol version a hello claims, as written (`2`, `"2"`, `null`…), even if the
/// rest of it is not understood: a client of another version must be told so, not
/// that its message is malformed.
pub fn claimed_version(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(rename = "type")]
        kind: String,
        protocol: serde_json::Value,
    }
    serde_json::from_str::<Probe>(text)
        .ok()
        .filter(|p| p.kind == "hello")
        .map(|p| {
            // Echoed in the answer: a few characters say enough.
            let claimed = p.protocol.to_string();
            match claimed.char_indices().nth(24) {
                Some((cut, _)) => format!("{}…", &claimed[..cut]),
                None => claimed,
            }
        })
}

impl ServerMsg {
    /// This message alone in a frame, `[{...}]`: serialised once, and the same bytes
    /// can go to every connection that must receive it.
    pub fn to_frame(&self) -> String {
        let json = serde_json::to_string(self).expect("server messages always serialise");
        let mut frame = String::with_capacity(json.len() + 2);
        frame.push('[');
        frame.push_str(&json);
        frame.push(']');
        frame
    }

    /// Several frames from [`ServerMsg::to_frame`] (or [`event_frame`]) merged into one, in order, without
    /// parsing or serialising anything again.
    pub fn join_frames<'a>(frames: impl IntoIterator<Item = &'a str> + Clone) -> String {
        let len = frames.clone().into_iter().map(str::len).sum::<usize>() + 1;
        let mut joined = String::with_capacity(len);
        joined.push('[');
        for frame in frames {
            let inner = frame
                .strip_prefix('[')
                .and_then(|f| f.strip_suffix(']'))
                .unwrap_or_default();
            if inner.is_empty() {
                continue;
            }
            if joined.len() > 1 {
                joined.push(',');
            }
            joined.push_str(inner);
        }
        joined.push(']');
        joined
    }

    /// Reads a server frame.
    pub fn decode_frame(text: &str) -> Result<Vec<ServerMsg>, serde_json::Error> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ColumnId, NoteId, RoomId};
    use crate::model::Colour;
    use crate::rejection::TextField;

    #[test]
    fn client_messages_read_as_documented() {
        let hello = r#"{"type":"hello","protocol":1,"token":"abc"}"#;
        assert_eq!(
            ClientMsg::decode(hello).unwrap(),
            ClientMsg::Hello {
                protocol: 1,
                token: Token("abc".into())
            }
        );
        let post = r#"{"type":"command","id":7,"command":{"kind":"post_note",
            "note":"00000000-0000-0000-0000-000000000001",
            "room":"00000000-0000-0000-0000-000000000002",
            "column":"00000000-0000-0000-0000-000000000003","text":"Mobilité"}}"#;
        assert_eq!(
            ClientMsg::decode(post).unwrap(),
            ClientMsg::Command {
                id: 7,
                command: Command::PostNote {
                    note: NoteId::from_u128(1),
                    room: RoomId::from_u128(2),
                    column: ColumnId::from_u128(3),
                    text: "Mobilité".into(),
                    colour: Colour::Yellow,
                    parent: None,
                }
            }
        );
        assert_eq!(ClientMsg::decode(r#"{"type":"ping"}"#).unwrap(), ClientMsg::Ping);
    }

    #[test]
    fn malformed_client_messages_are_errors_not_panics() {
        for text in [
            "",
            "null",
            "[]",
            "{",
            r#"{"type":"hello"}"#,
            r#"{"type":"command","id":-1,"command":{"kind":"delete_note","note":"x"}}"#,
            r#"{"type":"command","id":1,"command":{"kind":"launch_missiles"}}"#,
            r#"{"type":"teleport"}"#,
        ] {
            assert!(ClientMsg::decode(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn the_claimed_version_is_read_from_hellos_only() {
        assert_eq!(
            claimed_version(r#"{"type":"hello","protocol":2,"new":"shape"}"#).as_deref(),
            Some("2")
        );
        assert_eq!(
            claimed_version(r#"{"type":"hello","protocol":"two","token":"t"}"#).as_deref(),
            Some(r#""two""#)
        );
        let long = format!(r#"{{"type":"hello","protocol":"{}"}}"#, "9".repeat(5_000));
        assert_eq!(
            claimed_version(&long).as_deref(),
            Some(format!("\"{}…", "9".repeat(23)).as_str())
        );
        assert_eq!(claimed_version(r#"{"type":"ping","protocol":2}"#), None);
        assert_eq!(claimed_version("garbage"), None);
    }

    #[test]
    fn frames_of_one_message_join_without_reserialising() {
        let frames = [
            ServerMsg::Pong { now: Millis(5) }.to_frame(),
            ServerMsg::Rejected {
                id: 3,
                rejection: Rejection::EmptyText {
                    field: TextField::Note,
                },
                message: "the note is empty".into(),
            }
            .to_frame(),
        ];
        assert_eq!(frames[0], r#"[{"type":"pong","now":5}]"#);
        assert_eq!(
            ServerMsg::Applied { id: 7 }.to_frame(),
            r#"[{"type":"applied","id":7}]"#
        );
        let joined = ServerMsg::join_frames(frames.iter().map(String::as_str));
        assert_eq!(
            joined,
            r#"[{"type":"pong","now":5},{"type":"rejected","id":3,"rejection":{"code":"empty_text","field":"note"},"message":"the note is empty"}]"#
        );
        assert_eq!(ServerMsg::decode_frame(&joined).unwrap().len(), 2);
        assert_eq!(ServerMsg::join_frames([frames[0].as_str()]), frames[0]);
    }

    #[test]
    fn an_event_frame_is_the_frame_of_its_server_message() {
        let event = Event::NoteDeleted {
            note: NoteId::from_u128(1),
            room: RoomId::from_u128(2),
        };
        let owned = ServerMsg::Event {
            seq: 42,
            event: event.clone(),
        };
        assert_eq!(event_frame(42, &event), owned.to_frame());
        assert_eq!(event_json_frame(42, &event_json(&event)), owned.to_frame());
    }

    #[test]
    fn tokens_stay_out_of_debug_output() {
        let hello = ClientMsg::Hello {
            protocol: 1,
            token: Token("s3cr3t".into()),
        };
        assert!(!format!("{hello:?}").contains("s3cr3t"));
    }

    #[test]
    fn close_codes_map_back_to_errors() {
        for code in [
            ErrorCode::VersionMismatch,
            ErrorCode::Lagging,
            ErrorCode::TooLarge,
        ] {
            assert_eq!(ErrorCode::from_close_code(code.close_code().unwrap()), Some(code));
        }
        assert_eq!(ErrorCode::from_close_code(1000), None);
        assert!(!ErrorCode::UnknownToken.retry());
        assert!(ErrorCode::Lagging.retry());
    }

    /// The decoder against whatever arrives: random bytes, and valid messages broken
    /// in every way a byte can break them. It never panics, and what it accepts reads
    /// back the same once written again.
    mod fuzz {
        use proptest::prelude::*;

        use super::*;
        use crate::ids::ParticipantId;
        use crate::map::MapItem;
        use crate::model::{Assignment, Settings};

        fn valid() -> Vec<String> {
            let command = |id, command| ClientMsg::Command { id, command }.encode();
            vec![
                ClientMsg::Hello {
                    protocol: PROTOCOL_VERSION,
                    token: Token("0a.ff".into()),
                }
                .encode(),
                ClientMsg::Ping.encode(),
                command(
                    1,
                    Command::PostNote {
                        note: NoteId::from_u128(1),
                        room: RoomId::from_u128(2),
                        column: ColumnId::from_u128(3),
                        text: "Mobilité <b>&</b> \"santé\"\n".into(),
                        colour: Colour::Pink,
                        parent: Some(NoteId::from_u128(4)),
                    },
                ),
                command(
                    u64::MAX,
                    Command::Vote {
                        note: NoteId::from_u128(1),
                        dots: 3,
                    },
                ),
                command(
                    3,
                    Command::SetRole {
                        participant: ParticipantId::from_u128(9),
                        role: crate::Role::Lead,
                    },
                ),
                command(
                    4,
                    Command::UpdateSettings {
                        settings: Settings {
                            assignment: Assignment::Choice,
                            joining_open: false,
                        },
                    },
                ),
                command(
                    5,
                    Command::ImportMap {
                        import: uuid::Uuid::from_u128(7),
                        column: ColumnId::from_u128(3),
                        room: None,
                        items: vec![MapItem {
                            text: "Fablab".into(),
                            colour: None,
                            territory: Some("Gard".into()),
                        }],
                    },
                ),
                command(6, Command::AddTime { seconds: -60 }),
            ]
        }

        /// Decodes without panicking; what decodes survives a round trip.
        fn decode_is_sound(text: &str) -> Result<(), TestCaseError> {
            let _ = claimed_version(text);
            let _ = ServerMsg::decode_frame(text);
            if let Ok(message) = ClientMsg::decode(text) {
                prop_assert_eq!(ClientMsg::decode(&message.encode()).ok(), Some(message));
            }
            Ok(())
        }

        /// What a byte-level mutation does to a message.
        #[derive(Clone, Debug)]
        enum Mutation {
            Truncate(usize),
            Delete(usize),
            Insert(usize, char),
            Replace(usize, char),
            /// Swaps a JSON value for one of another type.
            Retype(usize, &'static str),
        }

        fn mutation() -> impl Strategy<Value = Mutation> {
            let significant = prop::sample::select(vec![
                '{', '}', '[', ']', '"', ':', ',', '\\', '0', '9', '-', 'e', '.', 'n', 't', ' ', 'é',
                '\u{0}', '\u{202E}',
            ]);
            let values = prop::sample::select(vec![
                "null",
                "true",
                "-1",
                "1e999",
                "18446744073709551616",
                "\"\"",
                "[]",
                "{}",
                "\"x\"",
                "0.5",
            ]);
            prop_oneof![
                any::<usize>().prop_map(Mutation::Truncate),
                any::<usize>().prop_map(Mutation::Delete),
                (any::<usize>(), significant.clone()).prop_map(|(at, c)| Mutation::Insert(at, c)),
                (any::<usize>(), significant).prop_map(|(at, c)| Mutation::Replace(at, c)),
                (any::<usize>(), values).prop_map(|(at, v)| Mutation::Retype(at, v)),
            ]
        }

        fn mutate(text: &str, mutation: &Mutation) -> String {
            let chars: Vec<char> = text.chars().collect();
            let at = |n: usize| n % (chars.len() + 1);
            let mut out = chars.clone();
            match *mutation {
                Mutation::Truncate(n) => out.truncate(at(n)),
                Mutation::Delete(n) => {
                    if at(n) < out.len() {
                        out.remove(at(n));
                    }
                }
                Mutation::Insert(n, c) => out.insert(at(n), c),
                Mutation::Replace(n, c) => {
                    if at(n) < out.len() {
                        out[at(n)] = c;
                    }
                }
                Mutation::Retype(n, value) => {
                    // The value after the n-th colon, up to the next `,` or `}`.
                    let colons: Vec<usize> = (0..chars.len()).filter(|&i| chars[i] == ':').collect();
                    if let Some(&colon) = colons.get(n % colons.len().max(1)) {
                        let end = (colon + 1..chars.len())
                            .find(|&i| chars[i] == ',' || chars[i] == '}')
                            .unwrap_or(chars.len());
                        out.splice(colon + 1..end, value.chars());
                    }
                }
            }
            out.into_iter().collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(10_000))]

            #[test]
            fn random_bytes_never_panic_the_decoder(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
                decode_is_sound(&String::from_utf8_lossy(&bytes))?;
            }

            #[test]
            fn broken_messages_are_refused_or_read_soundly(
                pick in any::<prop::sample::Index>(),
                mutations in prop::collection::vec(mutation(), 1..4),
            ) {
                let corpus = valid();
                let mut text = corpus[pick.index(corpus.len())].clone();
                for m in &mutations {
                    text = mutate(&text, m);
                }
                decode_is_sound(&text)?;
            }
        }

        #[test]
        fn the_valid_corpus_is_valid() {
            for text in valid() {
                assert!(ClientMsg::decode(&text).is_ok(), "{text}");
            }
        }
    }
}
