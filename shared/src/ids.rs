//! Newtype identifiers: a `NoteId` can never be passed where a `RoomId` is expected.
//! All are uuids on the wire; the join code is the one human-typed identifier.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Builds an id from 16 random bytes (a version-4 uuid).
            pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
                Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }

            /// A fixed id, for tests and fixtures.
            pub const fn from_u128(value: u128) -> Self {
                Self(Uuid::from_u128(value))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// One live session (a workshop of a campaign).
    WorkshopId
);
uuid_id!(
    /// A breakout room of a workshop.
    RoomId
);
uuid_id!(
    /// Someone in a workshop: a participant, an observer or a facilitator.
    ParticipantId
);
uuid_id!(
    /// A sticky note; chosen by the client that posts it, so the author sees it at once.
    NoteId
);
uuid_id!(
    /// A column (category) of the boards of a workshop.
    ColumnId
);
uuid_id!(
    /// A step of a workshop's agenda.
    StepId
);
uuid_id!(
    /// A cause or a consequence in a note's problem tree.
    BranchId
);
uuid_id!(
    /// A series of workshops (the YESS CAMP's three sessions).
    CampaignId
);

/// Milliseconds since the Unix epoch, as stamped by the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Millis(pub u64);

impl Millis {
    /// The latest instant a workshop may carry: the start of the year 3000. Far beyond
    /// any real workshop, and far below what would overflow sums of instants (or a
    /// browser's exact integers, 2^53).
    pub const LATEST: Millis = Millis(32_503_680_000_000);
}

/// The short code participants type to join a workshop, e.g. `K7M4PX`.
///
/// Six characters from an alphabet without look-alikes (no 0/O, no 1/I/L), read
/// aloud on a video call and typed by people who are not at ease with computers:
/// 31^6 ≈ 887 million codes, and guessing is throttled by the server.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JoinCode(String);

impl JoinCode {
    /// The characters a code is made of.
    pub const ALPHABET: &'static [u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    /// Number of characters in a code.
    pub const LEN: usize = 6;

    /// Reads what a person typed: case, spaces and dashes do not matter.
    pub fn parse(typed: &str) -> Option<JoinCode> {
        let code: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid = code.len() == Self::LEN && code.bytes().all(|b| Self::ALPHABET.contains(&b));
        valid.then_some(JoinCode(code))
    }

    /// A code from random bytes (one byte per character, reduced modulo the alphabet).
    pub fn from_random_bytes(bytes: [u8; Self::LEN]) -> JoinCode {
        JoinCode(
            bytes
                .iter()
                .map(|b| char::from(Self::ALPHABET[usize::from(*b) % Self::ALPHABET.len()]))
                .collect(),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stable id derived from others, for things the state machine creates itself (a
/// map imported into every room gets one note per room and item): the same inputs
/// always give the same id, on the server and in a replaying client.
pub fn derived_id(seed: Uuid, parts: &[u128]) -> Uuid {
    // Two FNV-1a passes with different offsets make 128 bits; ids only need to be
    // unique, and collisions are still refused as duplicates by the state machine.
    let mut bytes = Vec::with_capacity(16 + parts.len() * 16);
    bytes.extend_from_slice(seed.as_bytes());
    for part in parts {
        bytes.extend_from_slice(&part.to_le_bytes());
    }
    let fnv = |offset: u64| {
        bytes.iter().fold(offset, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    let (high, low) = (fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142));
    uuid::Builder::from_random_bytes(((u128::from(high) << 64) | u128::from(low)).to_be_bytes()).into_uuid()
}

impl fmt::Debug for JoinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JoinCode({})", self.0)
    }
}

impl fmt::Display for JoinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for JoinCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        JoinCode::parse(&s).ok_or_else(|| format!("not a join code: {s:?}"))
    }
}

impl From<JoinCode> for String {
    fn from(code: JoinCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_codes_forgive_case_spaces_and_dashes() {
        let code = JoinCode::parse(" k7m-4px ").unwrap();
        assert_eq!(code.as_str(), "K7M4PX");
        assert_eq!(JoinCode::parse("K7M 4PX"), Some(code));
    }

    #[test]
    fn join_codes_refuse_look_alikes_and_wrong_lengths() {
        assert_eq!(JoinCode::parse("K7M4P0"), None, "0 looks like O");
        assert_eq!(JoinCode::parse("K7M4PI"), None, "I looks like 1");
        assert_eq!(JoinCode::parse("K7M4P"), None);
        assert_eq!(JoinCode::parse("K7M4PXX"), None);
        assert_eq!(JoinCode::parse("K7M4PÉ"), None);
    }

    #[test]
    fn random_codes_are_valid_codes() {
        for seed in 0..=255u8 {
            let bytes = [seed, seed.wrapping_mul(7), 255 - seed, seed / 3, seed ^ 0x5a, 17];
            let code = JoinCode::from_random_bytes(bytes);
            assert_eq!(JoinCode::parse(code.as_str()), Some(code));
        }
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let seed = Uuid::from_u128(7);
        assert_eq!(derived_id(seed, &[1, 2]), derived_id(seed, &[1, 2]));
        assert_ne!(derived_id(seed, &[1, 2]), derived_id(seed, &[2, 1]));
        assert_ne!(derived_id(seed, &[1]), derived_id(Uuid::from_u128(8), &[1]));
    }

    #[test]
    fn ids_serialise_as_plain_uuids() {
        let id = NoteId::from_u128(1);
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"00000000-0000-0000-0000-000000000001\""
        );
    }
}
