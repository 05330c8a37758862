//! Reads SQLite's write-ahead log before SQLite does, to tell damage from a crash.
//!
//! When SQLite opens a database, it replays the log's frames up to the first one
//! whose checksum fails, and silently drops that frame and all that follow. After a
//! crash that is right: the frames after the last good one were never committed. But
//! if a byte of the log was damaged on disk, the transactions after it were committed
//! and acknowledged, and dropping them loses them without a word. The difference
//! shows in the file: after damage, frames of the same log generation (the same
//! salts) that check out against their predecessor, and end a transaction, follow
//! the bad one. That is refused; the rest is SQLite's ordinary recovery.
//!
//! The format is SQLite's (<https://www.sqlite.org/fileformat.html#the_write_ahead_log>):
//! a 32-byte header, then frames of a 24-byte header and one page.

/// What is wrong with a log, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Damage {
    /// The header does not check out but frames follow it.
    Header,
    /// Frame `at` (counted from 1) is bad, and `committed` transactions that check
    /// out come after it.
    Frame { at: u64, committed: u64 },
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Damage::Header => write!(f, "the write-ahead log's header is damaged"),
            Damage::Frame { at, committed } => write!(
                f,
                "frame {at} of the write-ahead log is damaged, and {committed} committed transaction(s) follow it, which SQLite would drop"
            ),
        }
    }
}

const HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_be_bytes(word)
}

/// SQLite's log checksum over `data` (a multiple of 8 bytes), going on from `sums`.
fn checksum(data: &[u8], big_endian: bool, sums: (u32, u32)) -> (u32, u32) {
    let (mut s0, mut s1) = sums;
    for pair in data.chunks_exact(8) {
        let word = |i: usize| {
            let bytes = [pair[i], pair[i + 1], pair[i + 2], pair[i + 3]];
            if big_endian {
                u32::from_be_bytes(bytes)
            } else {
                u32::from_le_bytes(bytes)
            }
        };
        s0 = s0.wrapping_add(word(0)).wrapping_add(s1);
        s1 = s1.wrapping_add(word(4)).wrapping_add(s0);
    }
    (s0, s1)
}

/// Checks a whole log as found on disk.
pub(super) fn check(log: &[u8]) -> Result<(), Damage> {
    if log.len() < HEADER {
        // Empty, or a header never completed: nothing was committed through it.
        return Ok(());
    }
    let magic = u32_at(log, 0);
    let page_size = u32_at(log, 8) as usize;
    let big_endian = magic == 0x377f_0683;
    let header_ok = (magic & !1) == 0x377f_0682
        && page_size.is_power_of_two()
        && (512..=65_536).contains(&page_size)
        && checksum(&log[..24], big_endian, (0, 0)) == (u32_at(log, 24), u32_at(log, 28));
    if !header_ok {
        return if log.len() > HEADER {
            Err(Damage::Header)
        } else {
            Ok(())
        };
    }
    let salts = (u32_at(log, 16), u32_at(log, 20));
    let frame = FRAME_HEADER + page_size;
    let frames = (log.len() - HEADER) / frame;
    // The sums each frame's header stores, and whether the frame checks out against
    // the previous frame's stored sums.
    let mut previous = (u32_at(log, 24), u32_at(log, 28));
    let mut first_bad = None;
    let mut committed_after = 0;
    for n in 0..frames {
        let start = HEADER + n * frame;
        let bytes = &log[start..start + frame];
        let stored = (u32_at(bytes, 16), u32_at(bytes, 20));
        let same_generation = (u32_at(bytes, 8), u32_at(bytes, 12)) == salts;
        let sums = checksum(
            &bytes[FRAME_HEADER..],
            big_endian,
            checksum(&bytes[..8], big_endian, previous),
        );
        let sound = same_generation && sums == stored;
        let commit = u32_at(bytes, 4) != 0;
        match first_bad {
            None if !sound => first_bad = Some(n as u64 + 1),
            Some(_) if sound && commit => committed_after += 1,
            _ => {}
        }
        previous = stored;
    }
    match first_bad {
        Some(at) if committed_after > 0 => Err(Damage::Frame {
            at,
            committed: committed_after,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log of `commits` one-frame transactions with 512-byte pages.
    fn log(commits: u32) -> Vec<u8> {
        let page = 512usize;
        let mut log = Vec::new();
        let words = [0x377f_0682u32, 3_007_000, page as u32, 0, 0xA1, 0xB2];
        for word in words {
            log.extend(word.to_be_bytes());
        }
        let mut sums = checksum(&log, false, (0, 0));
        log.extend(sums.0.to_be_bytes());
        log.extend(sums.1.to_be_bytes());
        for n in 1..=commits {
            let mut header = Vec::new();
            for word in [n, n, 0xA1, 0xB2] {
                header.extend(word.to_be_bytes());
            }
            let data = vec![n as u8; page];
            sums = checksum(&data, false, checksum(&header[..8], false, sums));
            header.extend(sums.0.to_be_bytes());
            header.extend(sums.1.to_be_bytes());
            log.extend(header);
            log.extend(data);
        }
        log
    }

    #[test]
    fn a_sound_log_and_a_log_cut_short_by_a_crash_pass() {
        let whole = log(5);
        assert_eq!(check(&whole), Ok(()));
        // The last frame half written: what a crash leaves.
        assert_eq!(check(&whole[..whole.len() - 300]), Ok(()));
        // The last frame written with garbage: also a crash, nothing follows it.
        let mut torn = whole.clone();
        let end = torn.len();
        torn[end - 10] ^= 0xFF;
        assert_eq!(check(&torn), Ok(()));
        assert_eq!(check(&[]), Ok(()));
    }

    #[test]
    fn a_damaged_frame_with_commits_after_it_is_refused() {
        let mut damaged = log(5);
        // A byte of the second frame's page.
        damaged[HEADER + (FRAME_HEADER + 512) + FRAME_HEADER + 100] ^= 0x01;
        assert_eq!(check(&damaged), Err(Damage::Frame { at: 2, committed: 3 }));
    }

    #[test]
    fn frames_of_an_older_generation_after_the_end_are_not_damage() {
        let mut reused = log(5);
        // A new generation (other salts) wrote two frames over the old ones' start:
        // here, the old frames 3..5 simply no longer match the header's salts.
        reused[16..24].copy_from_slice(&[0, 0, 0, 0xA2, 0, 0, 0, 0xC3]);
        let sums = checksum(&reused[..24], false, (0, 0));
        reused[24..28].copy_from_slice(&sums.0.to_be_bytes());
        reused[28..32].copy_from_slice(&sums.1.to_be_bytes());
        assert_eq!(check(&reused), Ok(()));
        let mut header = reused.clone();
        header[3] ^= 0x10;
        assert_eq!(check(&header), Err(Damage::Header));
    }
}
