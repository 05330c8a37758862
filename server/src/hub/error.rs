//! Why the hub refused: the use cases' own error, which the HTTP edge turns into a
//! status and a message (`http::error`), so that nothing here depends on HTTP.

use std::time::Duration;

use atelier_shared::Rejection;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum HubError {
    #[error("no workshop has this code")]
    UnknownCode,
    #[error("{0}")]
    Rejected(#[from] Rejection),
    #[error("{0}")]
    BadRequest(String),
    /// The workshop or the store cannot answer now.
    #[error("the workshop is not available right now")]
    Unavailable,
    #[error("no such template")]
    UnknownTemplate,
    #[error("only the lead facilitator of that workshop may do this")]
    NotFacilitator,
    #[error("this key does not open that workshop's reports")]
    NoAccess,
    #[error("too many attempts from this address")]
    TooManyRequests { wait: Duration },
    /// No workshop has this id (or token) here, nor in a shared store.
    #[error("no such workshop")]
    NoSuchWorkshop,
    /// Another node serves this workshop: ask again through the proxy, naming it
    /// (`?workshop=ID`), which sends the request to the node it belongs with.
    #[error("another node serves this workshop")]
    Elsewhere(atelier_shared::WorkshopId),
    /// The workshop is moving between nodes (one was lost, or is handing it over):
    /// try again in a moment.
    #[error("the workshop is moving to another server; try again in a moment")]
    Moving,
    /// A fault of the server's own (already logged).
    #[error("something went wrong on the server")]
    Internal,
}
