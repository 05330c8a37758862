//! `POST /api/workshops` (create), `GET /api/join/{code}` (what a code opens),
//! `POST /api/join` (join with a code and a name), `GET /api/templates`, `GET /api/health`.

use std::sync::Arc;

use atelier_shared::api::{CodeInfo, CreateWorkshop, Created, Health, JoinRequest, Joined, TemplateSummary};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::error::ApiError;
use crate::hub::Hub;

pub async fn create_workshop(
    State(hub): State<Arc<Hub>>,
    body: Result<Json<CreateWorkshop>, JsonRejection>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let Json(request) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let created = hub.create_workshop(request).await?;
    tracing::info!(workshop = %created.workshop, code = %created.code, "workshop created");
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn code_info(
    State(hub): State<Arc<Hub>>,
    Path(code): Path<String>,
) -> Result<Json<CodeInfo>, ApiError> {
    let handle = hub.by_code(&code).ok_or(ApiError::UnknownCode)?;
    Ok(Json(CodeInfo {
        workshop: handle.id,
        title: handle.title.to_string(),
    }))
}

pub async fn join(
    State(hub): State<Arc<Hub>>,
    body: Result<Json<JoinRequest>, JsonRejection>,
) -> Result<Json<Joined>, ApiError> {
    let Json(request) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let joined = hub.join(&request.code, &request.name).await?;
    tracing::info!(workshop = %joined.workshop, participant = %joined.participant, "participant joined");
    Ok(Json(joined))
}

pub async fn templates(State(hub): State<Arc<Hub>>) -> Json<Vec<TemplateSummary>> {
    Json(hub.catalog.summaries())
}

pub async fn health(State(hub): State<Arc<Hub>>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        workshops: hub.workshop_count(),
        connections: *hub.connections().borrow(),
    })
}
