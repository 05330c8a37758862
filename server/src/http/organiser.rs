//! The organiser link that keeps its key out of every log.
//!
//! The link handed to organisers is `/api/workshops/{id}/open#<key>`: a browser never
//! sends what follows `#`, so the key reaches no proxy's or server's access log. The
//! page's one script (allowed by its hash, nothing else runs) moves the key into a
//! form and posts it; without script, the organiser pastes it. A right key sets a
//! cookie scoped to that workshop's reports (`HttpOnly`, `SameSite=Strict`, 8 hours)
//! and redirects to the printable report, whose links to the other formats then
//! carry no key either.
//! - `GET /api/workshops/{id}/open[?lang=en]`: the page.
//! - `POST /api/workshops/{id}/open[?lang=en]` (form: `key`): 303 to `report.html`,
//!   or the page again with "wrong key" (403).

use std::sync::Arc;

use atelier_shared::WorkshopId;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::error::ApiError;
use crate::hub::{Hub, HubError};
use atelier_shared::Lang;

/// The cookie that carries the key once the form is posted.
pub const COOKIE: &str = "atelier_organiser";

/// How long a browser keeps the key: a working day.
const KEPT_SECS: u32 = 8 * 3600;

/// Fills the form from the link's fragment and posts it, then forgets the fragment.
const SUBMIT: &str = "var k=location.hash.slice(1);if(k){history.replaceState(null,\"\",location.pathname+location.search);try{k=decodeURIComponent(k)}catch(e){}document.getElementById(\"key\").value=k;document.forms[0].submit()}";
/// `'sha256-…'` of [`SUBMIT`], for the Content-Security-Policy (the browser test
/// fails if they disagree: the form is never posted).
const SUBMIT_HASH: &str = "sha256-UbaRYpsTQ6pzC5Z9LIHJVa11iRaCM2GUzuArTL0E82A=";

/// `?lang=en|fr`, for a page or a list whose words come in both languages.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct KeyForm {
    key: String,
}

/// The organiser link of a workshop, to hand on.
pub fn link(hub: &Hub, id: WorkshopId, key: &str) -> String {
    format!("{}/api/workshops/{id}/open#{key}", hub.public_url)
}

/// The organiser key a request carries in its cookie, if any.
pub fn key_in_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE).then(|| value.to_owned())
        })
}

pub async fn page(query: Result<Query<PageQuery>, QueryRejection>) -> Response {
    render(page_lang(query), StatusCode::OK, false)
}

pub async fn open(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
    form: Result<Form<KeyForm>, FormRejection>,
) -> Result<Response, ApiError> {
    let lang = page_lang(query);
    // A form without its one field, or not a form: the page again, as for a wrong key.
    let Ok(Form(form)) = form else {
        return Ok(render(lang, StatusCode::BAD_REQUEST, true));
    };
    let key = form.key.trim();
    let Ok(id) = id.parse::<WorkshopId>() else {
        return Ok(render(lang, StatusCode::FORBIDDEN, true));
    };
    match hub.readable_workshop(id, Some(key), None).await {
        Ok(_) => {}
        Err(HubError::NoAccess) => return Ok(render(lang, StatusCode::FORBIDDEN, true)),
        Err(other) => return Err(other.into()),
    }
    let secure = if hub.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={key}; Path=/api/workshops/{id}/; Max-Age={KEPT_SECS}; HttpOnly; SameSite=Strict{secure}"
    );
    let location = format!("/api/workshops/{id}/report.html?lang={}", lang.code());
    Ok((
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|_| ApiError::NoAccess)?,
            ),
            (
                header::LOCATION,
                HeaderValue::from_str(&location).map_err(|_| ApiError::Internal)?,
            ),
        ],
    )
        .into_response())
}

/// The page's language: French unless `?lang=en` says otherwise (a query that cannot
/// be read is not worth an error page of its own).
pub(super) fn page_lang(query: Result<Query<PageQuery>, QueryRejection>) -> Lang {
    query
        .ok()
        .and_then(|Query(q)| q.lang)
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_default()
}

fn render(lang: Lang, status: StatusCode, wrong: bool) -> Response {
    let (title, label, button, refused) = match lang {
        Lang::Fr => (
            "Rapport de l'atelier",
            "Clé organisateur",
            "Ouvrir le rapport",
            "Cette clé n'ouvre pas ce rapport. Vérifiez le lien reçu.",
        ),
        Lang::En => (
            "Workshop report",
            "Organiser key",
            "Open the report",
            "This key does not open this report. Check the link you received.",
        ),
    };
    let error = if wrong {
        format!(r#"<p role="alert">{refused}</p>"#)
    } else {
        String::new()
    };
    let body = format!(
        r#"<!doctype html><html lang="{code}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} — Atelier</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}}label{{display:block;margin:1rem 0 .4rem}}input,button{{font:inherit;min-height:44px;box-sizing:border-box}}input{{width:100%;padding:.5rem}}button{{margin-top:1rem;padding:.5rem 1.2rem}}[role=alert]{{color:#a00}}</style></head><body><main><h1>{title}</h1>{error}<form method="post"><label for="key">{label}</label><input id="key" name="key" type="password" autocomplete="off" required><button type="submit">{button}</button></form></main><script>{SUBMIT}</script></body></html>"#,
        code = lang.code(),
    );
    let policy = format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src '{SUBMIT_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}
