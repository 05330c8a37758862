//! Ballots travel as a list: JSON object keys can only be strings.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Ballot;

#[derive(Serialize, Deserialize)]
struct Entry {
    #[serde(flatten)]
    ballot: Ballot,
    dots: u32,
}

pub(super) fn serialize<S: Serializer>(
    ballots: &BTreeMap<Ballot, u32>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(ballots.iter().map(|(ballot, dots)| Entry {
        ballot: *ballot,
        dots: *dots,
    }))
}

pub(super) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<Ballot, u32>, D::Error> {
    let entries = Vec::<Entry>::deserialize(deserializer)?;
    Ok(entries.into_iter().map(|e| (e.ballot, e.dots)).collect())
}
