//! Calls to the HTTP API (`/api/...`), typed by `atelier_shared::api`.

use atelier_shared::WorkshopId;
use atelier_shared::api::{
    CodeInfo, CreateWorkshop, Created, ErrorBody, Imported, JoinRequest, Joined, OrganiserAccess,
    TemplateSummary,
};
use atelier_shared::protocol::Token;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use crate::browser::window;
use crate::i18n::Texts;

/// Why a call failed, in terms the interface can explain.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The server said no, and why.
    Refused(ErrorBody),
    /// No answer (network down, server stopped).
    Unreachable,
    /// A file chosen to send is not what it should be (not JSON, not an archive).
    Unreadable,
}

impl Failure {
    pub fn explain(&self, t: &Texts) -> String {
        match self {
            Failure::Unreachable => t.server_unreachable.into(),
            Failure::Unreadable => t.archive_unreadable.into(),
            Failure::Refused(body) => match (&body.rejection, body.error.as_str()) {
                (Some(rejection), _) => (t.rejection)(rejection),
                (None, "unknown_code") => t.unknown_code.into(),
                (None, "too_large" | "http_413") => t.file_too_large.into(),
                (None, "too_many_requests") => (t.slow_down)(body.retry_after_secs.unwrap_or(30)),
                _ => t.server_error.into(),
            },
        }
    }
}

pub async fn create_workshop(request: &CreateWorkshop) -> Result<Created, Failure> {
    // Continuing a campaign: named for the proxy in front of several servers, which
    // sends the request to the one that holds the earlier workshop.
    let path = match &request.from {
        Some(from) => format!("/api/workshops?workshop={}", from.workshop),
        None => "/api/workshops".to_owned(),
    };
    call("POST", &path, Some(request), None).await
}

/// Brings an exported archive (its JSON text, sent as it is) back as live workshops
/// (`POST /api/import`).
pub async fn import_archive(archive: &str) -> Result<Imported, Failure> {
    answer(fetch("POST", "/api/import", Some(archive), None).await)
}

/// The programmes, their words in `lang` (`fr`, `en`).
pub async fn templates(lang: &str) -> Result<Vec<TemplateSummary>, Failure> {
    call::<(), _>("GET", &format!("/api/templates?lang={lang}"), None, None).await
}

pub async fn join(code: &str, name: &str) -> Result<Joined, Failure> {
    let request = JoinRequest {
        code: code.to_owned(),
        name: name.to_owned(),
    };
    call("POST", "/api/join", Some(&request), None).await
}

/// Deletes the workshop for good; `token` must be its lead's.
pub async fn delete_workshop(workshop: WorkshopId, token: &Token) -> Result<(), Failure> {
    let path = format!("/api/workshops/{workshop}");
    let (ok, status, text) = fetch("DELETE", &path, None, Some(token))
        .await
        .map_err(|_| Failure::Unreachable)?;
    if ok { Ok(()) } else { Err(refusal(status, text)) }
}

/// The organiser key and link of the workshop; `token` must be its lead's.
pub async fn organiser_access(workshop: WorkshopId, token: &Token) -> Result<OrganiserAccess, Failure> {
    let path = format!("/api/workshops/{workshop}/organiser");
    call::<(), _>("GET", &path, None, Some(token)).await
}

pub async fn code_info(code: &str) -> Result<CodeInfo, Failure> {
    let code: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    call::<(), _>("GET", &format!("/api/join/{code}"), None, None).await
}

async fn call<B: Serialize, R: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&B>,
    bearer: Option<&Token>,
) -> Result<R, Failure> {
    let json = body
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| Failure::Unreachable)?;
    answer(fetch(method, path, json.as_deref(), bearer).await)
}

/// The typed answer to a request, or why there is none.
fn answer<R: DeserializeOwned>(response: Result<(bool, u16, String), JsValue>) -> Result<R, Failure> {
    let (ok, status, text) = response.map_err(|_| Failure::Unreachable)?;
    if ok {
        serde_json::from_str(&text).map_err(|_| Failure::Unreachable)
    } else {
        Err(refusal(status, text))
    }
}

fn refusal(status: u16, text: String) -> Failure {
    let body = serde_json::from_str(&text).unwrap_or(ErrorBody {
        error: format!("http_{status}"),
        message: text,
        rejection: None,
        retry_after_secs: None,
    });
    Failure::Refused(body)
}

/// Sends `json` (if any) and returns whether it went well, the status and the body.
async fn fetch(
    method: &str,
    path: &str,
    json: Option<&str>,
    bearer: Option<&Token>,
) -> Result<(bool, u16, String), JsValue> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(json) = json {
        init.set_body(&JsValue::from_str(json));
    }
    let request = Request::new_with_str_and_init(path, &init)?;
    request.headers().set("content-type", "application/json")?;
    if let Some(token) = bearer {
        request
            .headers()
            .set("authorization", &format!("Bearer {}", token.0))?;
    }
    let response: Response = JsFuture::from(window().fetch_with_request(&request))
        .await?
        .dyn_into()?;
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    Ok((response.ok(), response.status(), text))
}
