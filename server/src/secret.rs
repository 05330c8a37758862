//! Randomness and credentials: join codes, participant tokens, constant-time checks.
//!
//! A token reads `<participant id>.<64 hex digits>`: the id says whose credential to
//! check, the 256 random bits are the proof. Only the proof is secret.

use std::fmt;

use atelier_shared::protocol::Token;
use atelier_shared::{JoinCode, ParticipantId};

/// Bytes from the operating system's generator. Without it nothing here is safe, so
/// its failure is fatal.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random generator is available");
    bytes
}

pub fn new_join_code() -> JoinCode {
    JoinCode::from_random_bytes(random_bytes())
}

/// The secret half of a token. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret([u8; 32]);

impl Secret {
    pub fn generate() -> Secret {
        Secret(random_bytes())
    }

    /// The token that proves `participant` holds this secret.
    pub fn token_for(&self, participant: ParticipantId) -> Token {
        Token(format!("{}.{}", participant.0.simple(), self.hex()))
    }

    /// The 64 hex digits; what an organiser's link carries as its key.
    pub fn hex(&self) -> String {
        self.0.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// The secret whose [`Secret::hex`] is `hex`, if it is one.
    pub fn from_hex(hex: &str) -> Option<Secret> {
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut secret = [0u8; 32];
        for (byte, pair) in secret.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
            let pair = std::str::from_utf8(pair).ok()?;
            *byte = u8::from_str_radix(pair, 16).ok()?;
        }
        Some(Secret(secret))
    }

    /// Whether `candidate` is this secret; takes the same time wherever they differ.
    pub fn matches(&self, candidate: &Secret) -> bool {
        let difference = self
            .0
            .iter()
            .zip(candidate.0.iter())
            .fold(0u8, |acc, (a, b)| std::hint::black_box(acc | (a ^ b)));
        difference == 0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Splits a token into whose it claims to be and the secret it presents.
pub fn parse_token(token: &Token) -> Option<(ParticipantId, Secret)> {
    let (id, hex) = token.0.split_once('.')?;
    let participant = id.parse().ok()?;
    Some((participant, Secret::from_hex(hex)?))
}

/// How the store keeps an organiser's key: apart from participants' tokens, which
/// start with a participant id.
pub const ORGANISER_PREFIX: &str = "organiser.";

/// An organiser's key as the store keeps it.
pub fn organiser_record(secret: &Secret) -> Token {
    Token(format!("{ORGANISER_PREFIX}{}", secret.hex()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_proves_its_secret_and_only_it() {
        let who = ParticipantId::from_u128(42);
        let secret = Secret::generate();
        let (parsed_who, parsed) = parse_token(&secret.token_for(who)).unwrap();
        assert_eq!(parsed_who, who);
        assert!(secret.matches(&parsed));
        assert!(!Secret::generate().matches(&parsed));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let who = ParticipantId::from_u128(42);
        let good = Secret::generate().token_for(who).0;
        for bad in [
            String::new(),
            "no-dot".into(),
            format!("{}x", good),
            good.replace('.', ":"),
            format!("not-a-uuid.{}", &good[33..]),
            good[..good.len() - 1].to_owned() + "g",
            good[..good.len() - 2].to_owned() + "é",
        ] {
            assert!(parse_token(&Token(bad.clone())).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn secrets_never_print() {
        assert_eq!(format!("{:?}", Secret::generate()), "Secret(<redacted>)");
    }
}
