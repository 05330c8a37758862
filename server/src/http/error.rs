//! The one error type of the HTTP API: a status, a stable code, a plain message.
//! Internal details never reach the client.

use atelier_shared::Rejection;
use atelier_shared::api::ErrorBody;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use thiserror::Error;

use crate::hub::HubError;

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
    #[error(
        "no such export: ask for report.FORMAT or campaign.FORMAT, FORMAT being {}",
        atelier_shared::vocab::Format::extensions()
    )]
    NotFound,
    #[error("no such API call (docs/protocol.md lists them)")]
    UnknownCall,
    #[error("this API call does not take this method (docs/protocol.md lists them)")]
    WrongMethod,
    #[error("no such template")]
    UnknownTemplate,
    #[error("only the lead facilitator of that workshop may do this")]
    NotFacilitator,
    #[error(
        "this key does not open that workshop's reports: ask its lead facilitator for the organiser link"
    )]
    NoAccess,
    #[error("the request is too large: at most {max_kib} KiB")]
    TooLarge { max_kib: usize },
    #[error("too many attempts from your address: try again in {retry_after} s")]
    TooManyRequests { retry_after: u32 },
    #[error("no such workshop")]
    NoSuchWorkshop,
    /// Another node serves the workshop: ask again at `location`, which names it
    /// for the proxy.
    #[error("another server serves this workshop: ask again at {location}")]
    Elsewhere { location: String },
    #[error("the workshop is moving to another server; try again in a moment")]
    Moving,
    /// A fault of the server's own (details go to the log, not the client).
    #[error("something went wrong on the server")]
    Internal,
}

impl ApiError {
    /// A paced request refused: try again after `wait`.
    pub fn too_many_requests(wait: std::time::Duration) -> ApiError {
        ApiError::TooManyRequests {
            retry_after: crate::guard::seconds(wait),
        }
    }
}

impl From<HubError> for ApiError {
    fn from(error: HubError) -> ApiError {
        match error {
            HubError::UnknownCode => ApiError::UnknownCode,
            HubError::Rejected(rejection) => ApiError::Rejected(rejection),
            HubError::BadRequest(reason) => ApiError::BadRequest(reason),
            HubError::Unavailable => ApiError::Unavailable,
            HubError::UnknownTemplate => ApiError::UnknownTemplate,
            HubError::NotFacilitator => ApiError::NotFacilitator,
            HubError::NoAccess => ApiError::NoAccess,
            HubError::TooManyRequests { wait } => ApiError::too_many_requests(wait),
            HubError::Internal => ApiError::Internal,
            HubError::NoSuchWorkshop => ApiError::NoSuchWorkshop,
            // Only requests that name a workshop by its code are sent elsewhere, by
            // `http::routing`, which knows where they went.
            HubError::Elsewhere(_) => ApiError::Moving,
            HubError::Moving => ApiError::Moving,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error) = match &self {
            ApiError::UnknownCode => (StatusCode::NOT_FOUND, "unknown_code"),
            ApiError::Rejected(Rejection::NameTaken) => (StatusCode::CONFLICT, "rejected"),
            ApiError::Rejected(_) => (StatusCode::UNPROCESSABLE_ENTITY, "rejected"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::UnknownTemplate => (StatusCode::NOT_FOUND, "unknown_template"),
            ApiError::NotFound | ApiError::UnknownCall => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::WrongMethod => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::NotFacilitator | ApiError::NoAccess => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            ApiError::NoSuchWorkshop => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Elsewhere { .. } => (StatusCode::TEMPORARY_REDIRECT, "elsewhere"),
            ApiError::Moving => (StatusCode::SERVICE_UNAVAILABLE, "moving"),
        };
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after } => Some(*retry_after),
            ApiError::Moving => Some(1),
            _ => None,
        };
        let rejection = match &self {
            ApiError::Rejected(rejection) => Some(rejection.clone()),
            _ => None,
        };
        let body = ErrorBody {
            error: error.to_owned(),
            message: self.to_string(),
            rejection,
            retry_after_secs: retry_after,
        };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::Elsewhere { location } = &self
            && let Ok(location) = HeaderValue::from_str(location)
        {
            response.headers_mut().insert(header::LOCATION, location);
        }
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
