//! Reading a workshop made from a template: its steps and columns by key, its rooms by
//! name, and checking that a client's replica shows what the server says it may see.

use atelier_shared::{ColumnId, Note, RoomId, StepId, Workshop};

use crate::WsClient;

pub fn step(w: &Workshop, key: &str) -> StepId {
    w.steps
        .iter()
        .find(|s| s.key.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no step {key}"))
        .id
}

pub fn column(w: &Workshop, key: &str) -> ColumnId {
    w.columns
        .iter()
        .find(|c| c.key.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no column {key}"))
        .id
}

pub fn room_named(w: &Workshop, name: &str) -> RoomId {
    w.rooms
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no room {name}"))
        .id
}

/// The notes of a room's column, as shown on its board.
pub fn notes(w: &Workshop, room: RoomId, column: ColumnId) -> Vec<Note> {
    w.notes_in(room, column).into_iter().cloned().collect()
}

/// The room a client works in.
pub fn room_of(client: &WsClient) -> RoomId {
    client.workshop.participants[&client.you].room.expect("in a room")
}

/// Asserts that `client`'s replica shows exactly what the server's `state` lets it see.
pub fn assert_replica(state: &Workshop, client: &WsClient) {
    let viewer = state.viewer(client.you);
    let mut expected = state.view(&viewer);
    let mut shown = client.workshop.view(&viewer);
    // A client learns the workshop's position only from the events it receives.
    expected.seq = 0;
    shown.seq = 0;
    assert_eq!(shown, expected, "the replica of {} diverged", client.you);
}
