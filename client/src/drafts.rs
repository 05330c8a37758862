//! Text someone has typed and not yet had accepted: a note being written, a
//! characterisation, a branch of a problem tree. Kept per field, for the whole visit
//! and in the browser's storage, so that neither a step change, nor a dropped
//! connection, nor a reload loses a word; a field is cleared when what it held is
//! sent and accepted.

use std::collections::BTreeMap;

use atelier_shared::WorkshopId;
use leptos::prelude::*;

use crate::browser;

/// The drafts of one workshop in this browser; `Copy`, so views capture it freely.
#[derive(Clone, Copy, Debug)]
pub struct Drafts {
    workshop: WorkshopId,
    texts: StoredValue<BTreeMap<String, String>>,
}

fn storage_key(workshop: WorkshopId) -> String {
    format!("atelier:drafts:{workshop}")
}

impl Drafts {
    /// The drafts this browser kept for `workshop`.
    pub fn load(workshop: WorkshopId) -> Drafts {
        let texts = browser::load(&storage_key(workshop))
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        Drafts {
            workshop,
            texts: StoredValue::new(texts),
        }
    }

    /// The draft of field `key`, if one is kept.
    pub fn get(self, key: &str) -> Option<String> {
        self.texts.try_with_value(|t| t.get(key).cloned()).flatten()
    }

    /// Keeps `text` as the draft of `key` (an empty text too: clearing a field is an
    /// edit like any other).
    pub fn keep(self, key: &str, text: &str) {
        let changed = self.texts.try_update_value(|t| {
            let changed = t.get(key).map(String::as_str) != Some(text);
            if changed {
                t.insert(key.to_owned(), text.to_owned());
            }
            changed
        });
        if changed == Some(true) {
            self.persist();
        }
    }

    /// Keeps the text of a field that starts empty (a note being written, a branch):
    /// emptied, it has nothing to keep.
    pub fn note_down(self, key: &str, text: &str) {
        if text.is_empty() {
            self.forget(key);
        } else {
            self.keep(key, text);
        }
    }

    /// Forgets the draft of `key`: its text was accepted or abandoned.
    pub fn forget(self, key: &str) {
        if self.texts.try_update_value(|t| t.remove(key).is_some()) == Some(true) {
            self.persist();
        }
    }

    fn persist(self) {
        let key = storage_key(self.workshop);
        let json = self
            .texts
            .try_with_value(|t| (!t.is_empty()).then(|| serde_json::to_string(t).ok()).flatten());
        match json {
            Some(Some(json)) => browser::save(&key, &json),
            Some(None) => browser::forget(&key),
            None => {}
        }
    }
}
