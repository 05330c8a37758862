//! Frames are read as text, not parsed: a participant only needs the acknowledgements
//! addressed to it and the timestamps inside other people's notes. Parsing every
//! event whole would make the generator, not the server, the bottleneck.

/// What a note posted by the generator says: who posted it and when (microseconds
/// since the run started).
pub fn note_text(author: u32, sent_micros: u64) -> String {
    format!("t@{author}@{sent_micros}@")
}

/// What one server frame holds that the generator cares about.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// Acknowledgements (a connection's commands are answered in order), by id.
    pub acks: Vec<u64>,
    /// Rejections (a workload should have none), by id.
    pub rejections: Vec<u64>,
    /// (author, sent) of every generated note the frame carries.
    pub notes: Vec<(u32, u64)>,
}

pub fn scan(frame: &str) -> Seen {
    let mut seen = Seen {
        acks: ids(frame, r#""type":"ack","id":"#),
        rejections: ids(frame, r#""type":"rejected","id":"#),
        notes: Vec::new(),
    };
    let mut rest = frame;
    while let Some(at) = rest.find("t@") {
        rest = &rest[at + 2..];
        if let Some(note) = stamp(rest) {
            seen.notes.push(note);
        }
    }
    seen
}

/// The number after each `prefix`.
fn ids(frame: &str, prefix: &str) -> Vec<u64> {
    frame
        .match_indices(prefix)
        .filter_map(|(at, _)| {
            let digits = &frame[at + prefix.len()..];
            let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
            digits[..end].parse().ok()
        })
        .collect()
}

/// `author@micros@...` → (author, micros).
fn stamp(text: &str) -> Option<(u32, u64)> {
    let (author, rest) = text.split_once('@')?;
    let (micros, _) = rest.split_once('@')?;
    Some((author.parse().ok()?, micros.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_rejections_and_stamped_notes_are_found_in_a_frame() {
        let frame = format!(
            r#"[{{"type":"event","seq":3,"event":{{"kind":"note_posted","note":{{"text":"{}"}}}}}},{{"type":"ack","id":7,"seq":3}},{{"type":"rejected","id":8,"message":"no"}},{{"type":"event","event":{{"text":"t@not a stamp"}}}}]"#,
            note_text(12, 345_678)
        );
        let seen = scan(&frame);
        assert_eq!(seen.acks, vec![7]);
        assert_eq!(seen.rejections, vec![8]);
        assert_eq!(seen.notes, vec![(12, 345_678)]);
    }
}
