//! The one error type of the HTTP API: a status, a stable code, a plain message.
//! Internal details never reach the client.

use atelier_shared::Rejection;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ApiError {
    #[error("no workshop has this code")]
    UnknownCode,
    #[error("{0}")]
    Rejected(#[from] Rejection),
    #[error("the request is not valid JSON of the expected shape: {0}")]
    BadRequest(String),
    #[error("the workshop is not available right now; try again in a moment")]
    Unavailable,
}

/// The body of every error response.
#[derive(Debug, Serialize)]
struct ErrorBody<'a> {
    /// Stable, for programs: `unknown_code`, `rejected`, `bad_request`, `unavailable`.
    error: &'a str,
    /// For people.
    message: String,
    /// The typed reason, when the state machine refused the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    rejection: Option<&'a Rejection>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error) = match &self {
            ApiError::UnknownCode => (StatusCode::NOT_FOUND, "unknown_code"),
            ApiError::Rejected(Rejection::NameTaken) => (StatusCode::CONFLICT, "rejected"),
            ApiError::Rejected(_) => (StatusCode::UNPROCESSABLE_ENTITY, "rejected"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        };
        let rejection = match &self {
            ApiError::Rejected(rejection) => Some(rejection),
            _ => None,
        };
        let body = ErrorBody {
            error,
            message: self.to_string(),
            rejection,
        };
        (status, Json(body)).into_response()
    }
}
