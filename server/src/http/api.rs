//! `POST /api/workshops` (create), `GET /api/join/{code}` (what a code opens),
//! `GET /api/join/{code}/qr.svg` (the join link as a QR code), `POST /api/join` (join
//! with a code and a name), `DELETE /api/workshops/{id}` (the lead deletes their
//! workshop), `GET /api/templates`, `GET /api/health`.

use crate::http::routing::Routed;
use crate::hub::HubError;
use std::sync::Arc;

use atelier_shared::api::{CodeInfo, CreateWorkshop, Created, Health, JoinRequest, Joined, TemplateSummary};
use atelier_shared::{JoinCode, WorkshopId};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

use super::error::ApiError;
use super::organiser::{PageQuery, page_lang};
use super::reports::bearer;
use crate::guard::ClientIp;
use crate::hub::Hub;

pub async fn create_workshop(
    State(hub): State<Arc<Hub>>,
    ClientIp(ip): ClientIp,
    routed: Routed,
    body: Result<Json<CreateWorkshop>, JsonRejection>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let Json(request) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    // Continuing a campaign reads the earlier workshop where it is served: with
    // several nodes, the request is sent there first (nothing counted here).
    if let Some(from) = &request.from
        && hub.shared_store()
        && routed.workshop != Some(from.workshop)
    {
        return Err(routed.answer(HubError::Elsewhere(from.workshop)));
    }
    super::pace_creation(&hub, ip)?;
    let created = hub.create_workshop(request).await?;
    hub.guards
        .known
        .remember(ip, created.workshop, std::time::Instant::now());
    tracing::info!(workshop = %created.workshop, code = %created.code, "workshop created");
    Ok((StatusCode::CREATED, Json(created)))
}

/// `Authorization: Bearer <the lead's token>`; 204 once nothing of it is left.
pub async fn delete_workshop(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = bearer(&headers).ok_or(ApiError::NotFacilitator)?;
    let id: WorkshopId = id.parse().map_err(|_| ApiError::NotFacilitator)?;
    hub.delete_workshop(id, &token).await?;
    tracing::info!(workshop = %id, "workshop deleted by its lead");
    Ok(StatusCode::NO_CONTENT)
}

pub async fn code_info(
    State(hub): State<Arc<Hub>>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    routed: Routed,
) -> Result<Json<CodeInfo>, ApiError> {
    let handle = hub
        .open_code(ip, &code, routed.workshop)
        .await
        .map_err(|e| routed.answer(e))?;
    Ok(Json(CodeInfo {
        workshop: handle.id,
        title: handle.title.to_string(),
    }))
}

/// The join link as a QR code, for the facilitator to show on a shared screen. The
/// link names the configured public address or, without one, the bound address;
/// never the request's `Host`, which anyone can forge.
pub async fn join_qr(
    State(hub): State<Arc<Hub>>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    routed: Routed,
) -> Result<impl IntoResponse, ApiError> {
    let code = JoinCode::parse(&code).ok_or(ApiError::UnknownCode)?;
    hub.open_code(ip, code.as_str(), routed.workshop)
        .await
        .map_err(|e| routed.answer(e))?;
    let link = format!("{}/j/{code}", hub.public_url);
    let svg =
        qr_svg(&link).ok_or_else(|| ApiError::BadRequest("this link is too long for a QR code".into()))?;
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"))],
        svg,
    ))
}

/// A QR code as SVG, dark modules on white, with the quiet zone scanners need.
fn qr_svg(text: &str) -> Option<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(240, 240)
            .dark_color(svg::Color("#1f2a3d"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

pub async fn join(
    State(hub): State<Arc<Hub>>,
    ClientIp(ip): ClientIp,
    routed: Routed,
    body: Result<Json<JoinRequest>, JsonRejection>,
) -> Result<Json<Joined>, ApiError> {
    let Json(request) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let joined = hub
        .join(ip, &request.code, &request.name, routed.workshop)
        .await
        .map_err(|e| routed.answer(e))?;
    tracing::info!(workshop = %joined.workshop, participant = %joined.participant, "participant joined");
    Ok(Json(joined))
}

/// The programmes, their words in English with `?lang=en`, in French otherwise.
pub async fn templates(
    State(hub): State<Arc<Hub>>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Json<Vec<TemplateSummary>> {
    Json(hub.catalog.summaries(page_lang(query)))
}

/// `200 ok`, or `503 store_unreachable` when a node cannot reach its shared store
/// (so that a proxy sends people to a node that can).
pub async fn health(State(hub): State<Arc<Hub>>) -> (StatusCode, Json<Health>) {
    let (status, word) = if hub.healthy() {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "store_unreachable")
    };
    let health = Health {
        status: word.into(),
        workshops: hub.workshop_count(),
        connections: *hub.connections().borrow(),
    };
    (status, Json(health))
}
