//! Thin, typed access to what the browser offers: storage, randomness, the clock,
//! the location, the clipboard. Failures here degrade (no storage, no clipboard);
//! they never crash the page.

use atelier_shared::protocol::Token;
use atelier_shared::{Millis, WorkshopId};
use wasm_bindgen::{JsCast, JsValue};

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
/// The workshop is named for the proxy in front of several servers, which sends
/// every connection of a workshop to the server that holds it.
pub fn websocket_url(workshop: atelier_shared::WorkshopId) -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss:",
        _ => "ws:",
    };
    format!(
        "{scheme}//{}/ws?workshop={workshop}",
        location.host().unwrap_or_default()
    )
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

/// The languages the browser prefers, best first (`navigator.languages`), as
/// primary subtags: `["en", "fr"]`.
pub fn preferred_languages() -> Vec<String> {
    window()
        .navigator()
        .languages()
        .iter()
        .filter_map(|l| l.as_string())
        .map(|l| l.split('-').next().unwrap_or_default().to_ascii_lowercase())
        .collect()
}

pub fn set_document_language(code: &str) {
    if let Some(root) = window().document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", code);
    }
}

/// Brings the element with this id to the top of the page (below the sticky bar: see
/// `scroll-padding-top` in the stylesheet) and moves the keyboard and screen reader
/// focus to it.
pub fn bring_into_view(id: &str) {
    let Some(element) = window().document().and_then(|d| d.get_element_by_id(id)) else {
        return;
    };
    element.scroll_into_view_with_bool(true);
    if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

/// Focuses the first element matching `selector` (the browser scrolls to it).
pub fn focus_first(selector: &str) {
    let found = window()
        .document()
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = found {
        let _ = element.focus();
    }
}

/// Whether the window is wide enough for the cockpit's two columns (as the
/// stylesheet's `max-width: 900px` rule decides).
pub fn wide() -> bool {
    window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w > 900.0)
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

/// Rings the end-of-time chime; nothing if the browser will not play sound yet (no
/// click on the page so far), and never an error in the console.
pub fn chime() {
    let Ok(audio) = web_sys::HtmlAudioElement::new_with_src("/assets/chime.wav") else {
        return;
    };
    if let Ok(playing) = audio.play() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(playing).await;
        });
    }
}

/// The file chosen in the `<input type="file">` an event comes from.
pub fn chosen_file(event: &web_sys::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = event.target()?.dyn_into().ok()?;
    input.files()?.get(0)
}

/// A chosen file's content as text (UTF-8), or `None` if it cannot be read.
pub async fn read_text(file: &web_sys::File) -> Option<String> {
    wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?
        .as_string()
}

/// A workshop this browser leads, remembered for "continue the campaign".
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Led {
    pub workshop: WorkshopId,
    pub title: String,
    /// Its template's key, when known: the next one of the campaign is proposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

const LED: &str = "atelier:led";

/// The workshops this browser led (most recent first) whose credential it still holds.
pub fn led_workshops() -> Vec<Led> {
    let list: Vec<Led> = load(LED)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    list.into_iter()
        .filter(|l| credential(l.workshop).is_some())
        .collect()
}

/// Remembers that this browser leads `workshop`, titled `title`, made from `template`.
pub fn remember_led(workshop: WorkshopId, title: &str, template: Option<&str>) {
    let mut list = led_workshops();
    list.retain(|l| l.workshop != workshop);
    list.insert(
        0,
        Led {
            workshop,
            title: title.to_owned(),
            template: template.map(str::to_owned),
        },
    );
    list.truncate(30);
    if let Ok(json) = serde_json::to_string(&list) {
        save(LED, &json);
    }
}

/// A parameter of the page's query string (`?from=…`).
pub fn query(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}
