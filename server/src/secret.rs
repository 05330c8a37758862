//! Randomness and credentials: join codes, participant tokens, organiser keys,
//! constant-time checks.
//!
//! A token reads `<participant id>.<64 hex digits>`: the id says whose credential to
//! check, the 256 random bits are the proof. Only the proof is secret, and the server
//! never keeps it: the store holds its SHA-256 digest ([`Digest`], stored as
//! `<participant id>.sha256.<64 hex digits>`), which proves a presented token and
//! opens nothing itself. 256 random bits need no salt nor slow hash: there is no
//! dictionary to try.
//!
//! An organiser key is an HMAC of the workshop's id under the server's key
//! ([`ServerKey`], in `atelier.key` beside the store, private to its user): it is
//! the same every time the lead asks, and nothing about it is stored.

use std::fmt;
use std::io::{ErrorKind, Write};
use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::{Digest as _, Sha256};

use atelier_shared::protocol::Token;
use atelier_shared::{JoinCode, ParticipantId, WorkshopId};

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
        same(&self.0, &candidate.0)
    }

    /// What the store may keep of this secret.
    pub fn digest(&self) -> Digest {
        Digest(Sha256::digest(self.0).into())
    }
}

/// Whether two 32-byte values are equal; takes the same time wherever they differ.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let difference = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (a, b)| std::hint::black_box(acc | (a ^ b)));
    difference == 0
}

/// The SHA-256 of a secret: proves a presented secret, and is not one.
#[derive(Clone, PartialEq, Eq)]
pub struct Digest([u8; 32]);

impl Digest {
    /// Whether `presented` is the secret this is the digest of, in constant time.
    pub fn proves(&self, presented: &Secret) -> bool {
        same(&self.0, &presented.digest().0)
    }

    fn hex(&self) -> String {
        Secret(self.0).hex()
    }

    fn from_hex(hex: &str) -> Option<Digest> {
        Secret::from_hex(hex).map(|s| Digest(s.0))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Digest(<redacted>)")
    }
}

/// A credential as the store keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// A participant's (or facilitator's) token.
    Participant(ParticipantId, Digest),
    /// An organiser key issued by an earlier version, which stored a random key per
    /// workshop; it keeps opening the reports it opened.
    Organiser(Digest),
}

const SHA256: &str = "sha256.";

impl Stored {
    /// What the store keeps for `secret`, the proof of `participant`'s token.
    pub fn participant(participant: ParticipantId, secret: &Secret) -> Stored {
        Stored::Participant(participant, secret.digest())
    }

    /// Reads a stored credential, including the clear forms earlier versions wrote
    /// (`<participant id>.<secret>`, `organiser.<secret>`), whose digest is taken.
    pub fn parse(stored: &str) -> Option<Stored> {
        let (who, rest) = stored.split_once('.')?;
        let digest = match rest.strip_prefix(SHA256) {
            Some(hex) => Digest::from_hex(hex)?,
            None => Secret::from_hex(rest)?.digest(),
        };
        if who == ORGANISER {
            return Some(Stored::Organiser(digest));
        }
        Some(Stored::Participant(who.parse().ok()?, digest))
    }

    /// The text the store keeps: never the secret itself.
    pub fn to_text(&self) -> String {
        match self {
            Stored::Participant(who, digest) => format!("{}.{SHA256}{}", who.0.simple(), digest.hex()),
            Stored::Organiser(digest) => format!("{ORGANISER}.{SHA256}{}", digest.hex()),
        }
    }
}

/// What the stored credentials of earlier versions started with, for organiser keys.
const ORGANISER: &str = "organiser";

/// The server's own secret, from which organiser keys are derived.
#[derive(Clone)]
pub struct ServerKey([u8; 32]);

impl ServerKey {
    /// A key for this process only (a server without a data directory forgets
    /// everything when it stops, its organiser keys included).
    pub fn ephemeral() -> ServerKey {
        ServerKey(random_bytes())
    }

    /// The key kept in `file`, made (readable by its user only) if there is none yet.
    /// A file that is not a key is refused, never replaced: the organiser links
    /// already handed out depend on it.
    pub fn kept_in(file: &Path) -> std::io::Result<ServerKey> {
        match std::fs::read(file) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                return Secret::from_hex(text.trim()).map(|s| ServerKey(s.0)).ok_or_else(|| {
                    std::io::Error::new(
                        ErrorKind::InvalidData,
                        format!(
                            "{} is not an Atelier key (64 hex digits): restore it from a backup, or remove it (organiser links given so far stop working)",
                            file.display()
                        ),
                    )
                });
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let key = ServerKey::ephemeral();
        let fresh = file.with_extension("key.new");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut out = options.open(&fresh)?;
        writeln!(out, "{}", Secret(key.0).hex())?;
        out.sync_all()?;
        std::fs::rename(&fresh, file)?;
        Ok(key)
    }

    /// A key kept elsewhere than in a file (a database shared by several nodes).
    pub fn from_hex(hex: &str) -> Option<ServerKey> {
        Secret::from_hex(hex.trim()).map(|s| ServerKey(s.0))
    }

    /// The key as it is kept: 64 hex digits.
    pub fn to_hex(&self) -> String {
        Secret(self.0).hex()
    }

    /// The organiser key of `workshop`: the same every time, unguessable without
    /// this server's key.
    pub fn organiser_key(&self, workshop: WorkshopId) -> Secret {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(b"atelier organiser key ");
        mac.update(workshop.0.as_bytes());
        Secret(mac.finalize().into_bytes().into())
    }
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey(<redacted>)")
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
        assert_eq!(format!("{:?}", Secret::generate().digest()), "Digest(<redacted>)");
        assert_eq!(format!("{:?}", ServerKey::ephemeral()), "ServerKey(<redacted>)");
    }

    #[test]
    fn the_store_keeps_a_digest_that_proves_the_token_and_is_not_it() {
        let who = ParticipantId::from_u128(42);
        let secret = Secret::generate();
        let token = secret.token_for(who);
        let text = Stored::participant(who, &secret).to_text();
        assert!(!text.contains(&secret.hex()), "{text}");
        // Presented as a token, the stored text opens nothing.
        assert!(parse_token(&Token(text.clone())).is_none());
        let Some(Stored::Participant(parsed_who, digest)) = Stored::parse(&text) else {
            panic!("{text}")
        };
        assert_eq!(parsed_who, who);
        assert!(digest.proves(&parse_token(&token).unwrap().1));
        assert!(!digest.proves(&Secret::generate()));
        // What earlier versions stored in clear reads as the same digest.
        assert_eq!(Stored::parse(&token.0), Stored::parse(&text));
        let legacy = format!("organiser.{}", secret.hex());
        assert_eq!(Stored::parse(&legacy), Some(Stored::Organiser(secret.digest())));
        for bad in [
            "",
            "organiser.",
            "organiser.sha256.zz",
            "x.sha256.00",
            "sha256.",
            "a.b",
        ] {
            assert!(Stored::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn organiser_keys_are_stable_per_workshop_and_server() {
        let key = ServerKey::ephemeral();
        let (one, two) = (WorkshopId::from_u128(1), WorkshopId::from_u128(2));
        assert!(key.organiser_key(one).matches(&key.organiser_key(one)));
        assert!(!key.organiser_key(one).matches(&key.organiser_key(two)));
        assert!(
            !ServerKey::ephemeral()
                .organiser_key(one)
                .matches(&key.organiser_key(one))
        );
    }

    #[test]
    fn the_server_key_is_kept_private_and_a_damaged_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("atelier-key-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("atelier.key");
        let made = ServerKey::kept_in(&file).unwrap();
        let again = ServerKey::kept_in(&file).unwrap();
        let id = WorkshopId::from_u128(7);
        assert!(made.organiser_key(id).matches(&again.organiser_key(id)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&file, "not a key").unwrap();
        let refused = ServerKey::kept_in(&file).unwrap_err();
        assert!(refused.to_string().contains("not an Atelier key"), "{refused}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "not a key",
            "left as it was"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
