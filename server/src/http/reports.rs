//! Reports and exports over HTTP:
//! - `GET /api/workshops/{id}/organiser` (the lead's token as `Authorization: Bearer`):
//!   the organiser key and link, read-only access to the reports (the link opens
//!   [`super::organiser`]'s page, which keeps the key out of logs).
//! - `GET /api/workshops/{id}/report.{html,md,csv,xlsx,json}` and
//!   `…/campaign.{…}` (the workshop and every workshop of its campaign), with
//!   `?key=<organiser key>`, the organiser cookie or the lead's token; `lang=fr|en`,
//!   `tz=<minutes east of UTC>`, `live=1` (the HTML page reloads every 30 s),
//!   `download=1` (the HTML page as a file).
//! - `POST /api/import`: a JSON export back as live workshops.

use std::sync::Arc;

use atelier_shared::WorkshopId;
use atelier_shared::api::{Archive, Imported, OrganiserAccess};
use atelier_shared::protocol::Token;
use std::time::Instant;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::error::ApiError;
use super::organiser;
use crate::clock;
use crate::export::{self, Format, Lang, Options, Scope, Zone};
use crate::guard::ClientIp;
use crate::hub::Hub;

/// The lead's token, from `Authorization: Bearer …`.
pub fn bearer(headers: &HeaderMap) -> Option<Token> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(|token| Token(token.trim().to_owned()))
}

pub async fn organiser(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<OrganiserAccess>, ApiError> {
    let token = bearer(&headers).ok_or(ApiError::NotFacilitator)?;
    let id: WorkshopId = id.parse().map_err(|_| ApiError::NotFacilitator)?;
    let key = hub.organiser_key(id, &token).await?;
    // Links name the configured or bound address, never the request's `Host`: a
    // forged header must not make Atelier hand out a link to someone else's site.
    let url = organiser::link(&hub, id, &key);
    Ok(Json(OrganiserAccess { key, url }))
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    key: Option<String>,
    lang: Option<String>,
    tz: Option<i32>,
    live: Option<String>,
    download: Option<String>,
}

pub async fn export(
    State(hub): State<Arc<Hub>>,
    Path((id, file)): Path<(String, String)>,
    query: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let (stem, extension) = file.rsplit_once('.').ok_or(ApiError::NotFound)?;
    let campaign = match stem {
        "report" => false,
        "campaign" => true,
        _ => return Err(ApiError::NotFound),
    };
    let format = Format::from_extension(extension).ok_or(ApiError::NotFound)?;
    let lang = Lang::requested(query.lang.as_deref()).map_err(ApiError::BadRequest)?;
    let zone = match query.tz {
        None => Zone::default(),
        Some(minutes) => Zone::new(minutes).ok_or_else(|| {
            ApiError::BadRequest(format!("tz={minutes}: an offset from UTC is within ±840 minutes"))
        })?,
    };
    let id: WorkshopId = id.parse().map_err(|_| ApiError::NoAccess)?;
    let lead = bearer(&headers);
    let key = query.key.clone().or_else(|| organiser::key_in_cookie(&headers));
    let workshop = hub.readable_workshop(id, key.as_deref(), lead.as_ref()).await?;
    let workshops = if campaign {
        hub.campaign_of(workshop).await?
    } else {
        vec![workshop]
    };
    let options = Options {
        lang,
        zone,
        generated: clock::now(),
        // Links to the other formats carry what opened this one.
        // (The cookie, sent with them by itself, needs no key in them.)
        query: key.as_ref().map(|key| {
            let mut q = match &query.key {
                Some(_) => format!("key={key}&lang={}", lang.code()),
                None => format!("lang={}", lang.code()),
            };
            if let Some(tz) = query.tz {
                q.push_str(&format!("&tz={tz}"));
            }
            q
        }),
        live: query.live.as_deref() == Some("1"),
    };
    let scope = Scope {
        workshops: &workshops,
        campaign,
    };
    let body = export::render(format, scope, &options);
    if body.is_empty() {
        return Err(ApiError::Internal);
    }
    let name = export::file_name(format, scope, &options);
    let attachment = format != Format::Html || query.download.as_deref() == Some("1");
    let disposition = if attachment {
        format!("attachment; filename=\"{name}\"")
    } else {
        format!("inline; filename=\"{name}\"")
    };
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|_| ApiError::Internal)?,
            ),
        ],
        body,
    )
        .into_response();
    if format == Format::Html {
        let policy = export::html::content_security_policy();
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy).map_err(|_| ApiError::Internal)?,
        );
    }
    Ok(response)
}

/// The time an archive has to arrive, once its headers have.
const IMPORT_UPLOAD_TIME: std::time::Duration = std::time::Duration::from_secs(60);

/// An archive back as live workshops. What it may cost is settled before it is read:
/// its declared size against the address's allowance of imported KiB, then a turn
/// (archives are parsed one at a time), then its workshops against the address's
/// allowance of new workshops. Every refusal leaves nothing behind.
pub async fn import(
    State(hub): State<Arc<Hub>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Imported>), ApiError> {
    let max = hub.config.limits.max_import_bytes;
    let too_large = || ApiError::TooLarge { max_kib: max / 1024 };
    // A body of unknown length is counted as the largest there may be.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(max);
    if declared > max {
        return Err(too_large());
    }
    let kib = u32::try_from(declared.div_ceil(1024)).unwrap_or(u32::MAX);
    hub.guards
        .imports
        .take_n(ip, Instant::now(), kib)
        .map_err(ApiError::too_many_requests)?;
    // A body that trickles in is dropped after a minute (4 MiB in a minute is a very
    // slow line); it is read before taking a turn, so it never holds up other imports.
    let bytes = match tokio::time::timeout(IMPORT_UPLOAD_TIME, axum::body::to_bytes(body, max)).await {
        Ok(read) => read.map_err(|_| too_large())?,
        Err(_) => return Err(ApiError::BadRequest("the archive took too long to arrive".into())),
    };
    let _turn = hub.import_turn().await?;
    let archive: Archive = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::BadRequest(format!("this is not a JSON archive: {e}")))?;
    drop(bytes);
    let workshops = u32::try_from(archive.workshops.len()).unwrap_or(u32::MAX);
    hub.guards
        .creations
        .take_n(ip, Instant::now(), workshops.max(1))
        .map_err(ApiError::too_many_requests)?;
    let imported = hub.import(archive).await?;
    tracing::info!(workshops = imported.workshops.len(), %ip, "archive imported");
    Ok((StatusCode::CREATED, Json(imported)))
}
