//! Requests routed by workshop, for several nodes behind a proxy: the proxy hashes
//! on the workshop a request names (`?workshop=ID`, or the id in
//! `/api/workshops/ID/…`), so every request about a workshop reaches the node that
//! serves it. A request that names a workshop only through its join code is sent
//! back to ask again with `?workshop=ID` added (`307`, which keeps the method and
//! the body), once the code is looked up.

use axum::extract::FromRequestParts;
use axum::http::Uri;
use axum::http::request::Parts;

use atelier_shared::WorkshopId;

use crate::http::error::ApiError;
use crate::hub::HubError;

/// The workshop a request was routed by (`?workshop=ID`), and where it went.
#[derive(Clone, Debug)]
pub struct Routed {
    pub workshop: Option<WorkshopId>,
    uri: Uri,
}

impl<S: Send + Sync> FromRequestParts<S> for Routed {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Routed, Self::Rejection> {
        Ok(Routed {
            workshop: workshop_param(parts.uri.query()),
            uri: parts.uri.clone(),
        })
    }
}

/// The `workshop` parameter of a query string, if it is a workshop id.
pub fn workshop_param(query: Option<&str>) -> Option<WorkshopId> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("workshop="))
        .and_then(|id| id.parse().ok())
}

impl Routed {
    /// `error` as the API answers it: another node's workshop is asked for again,
    /// naming it, so that the proxy sends the request there.
    pub fn answer(&self, error: HubError) -> ApiError {
        match error {
            HubError::Elsewhere(id) => {
                let path = self.uri.path();
                let kept: Vec<&str> = self
                    .uri
                    .query()
                    .unwrap_or_default()
                    .split('&')
                    .filter(|pair| !pair.is_empty() && !pair.starts_with("workshop="))
                    .collect();
                let mut location = format!("/api{path}?workshop={id}");
                for pair in kept {
                    location.push('&');
                    location.push_str(pair);
                }
                ApiError::Elsewhere { location }
            }
            other => other.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workshop_parameter_is_read_and_kept_once() {
        let id = WorkshopId(uuid::Uuid::from_u128(7));
        assert_eq!(workshop_param(Some(&format!("lang=en&workshop={id}"))), Some(id));
        assert_eq!(workshop_param(Some("workshop=not-an-id")), None);
        assert_eq!(workshop_param(None), None);
        let routed = Routed {
            workshop: None,
            uri: "/join/ABCD?lang=en&workshop=old".parse().unwrap(),
        };
        let ApiError::Elsewhere { location } = routed.answer(HubError::Elsewhere(id)) else {
            panic!("a redirection");
        };
        assert_eq!(location, format!("/api/join/ABCD?workshop={id}&lang=en"));
    }
}
