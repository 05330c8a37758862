//! Thin, typed access to what the browser offers: storage, randomness, the clock,
//! the location, the clipboard. Failures here degrade (no storage, no clipboard);
//! they never crash the page.

use atelier_shared::protocol::Token;
use atelier_shared::{Millis, WorkshopId};
use wasm_bindgen::JsValue;

pub fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

pub fn save(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

pub fn forget(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

fn credential_key(workshop: WorkshopId) -> String {
    format!("atelier:credential:{workshop}")
}

/// The token this browser holds for `workshop`, if it joined or created it.
pub fn credential(workshop: WorkshopId) -> Option<Token> {
    load(&credential_key(workshop)).map(Token)
}

pub fn keep_credential(workshop: WorkshopId, token: &Token) {
    save(&credential_key(workshop), &token.0);
}

pub fn forget_credential(workshop: WorkshopId) {
    forget(&credential_key(workshop));
}

/// 16 bytes from the browser's cryptographic generator (ids chosen by the client).
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = window()
        .crypto()
        .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).map(|_| ()));
    if filled.is_err() {
        // No Web Crypto (very old browser): ids only need to be unique, not secret.
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = (js_sys::Math::random() * 256.0) as u8 ^ (i as u8);
        }
    }
    bytes
}

/// Where a page's command ids start: random, so that ids never repeat across page
/// loads or tabs of the same person (the server takes a known id for a re-sent
/// command), and below 2^53, so that JavaScript holds them exactly too.
pub fn first_command_id() -> u64 {
    let [a, b, c, d, e, f, ..] = random_bytes();
    u64::from_le_bytes([a, b, c, d, e, f & 0x0f, 0, 0]) + 1
}

pub fn now() -> Millis {
    Millis(js_sys::Date::now() as u64)
}

/// `https://host` of the page.
pub fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// The websocket URL of the server that served the page.
pub fn websocket_url() -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss:",
        _ => "ws:",
    };
    format!("{scheme}//{}/ws", location.host().unwrap_or_default())
}

/// The part of the URL after `#`, without it.
pub fn fragment() -> String {
    let hash = window().location().hash().unwrap_or_default();
    hash.trim_start_matches('#').to_owned()
}

pub fn replace_url(path: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(path));
    }
}

pub fn copy_to_clipboard(text: &str) {
    let _ = window().navigator().clipboard().write_text(text);
}

pub fn confirm(question: &str) -> bool {
    window().confirm_with_message(question).unwrap_or(false)
}

pub fn set_document_language(code: &str) {
    if let Some(root) = window().document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", code);
    }
}

pub fn set_title(title: &str) {
    if let Some(document) = window().document() {
        document.set_title(title);
    }
}

/// Opens the browser's print dialog (print to PDF included).
pub fn print() {
    let _ = window().print();
}
