//! The JSON bodies of the HTTP API (`/api/...`), shared by the server and the client.
//! The websocket protocol is in [`crate::protocol`].

use serde::{Deserialize, Serialize};

use crate::ids::{JoinCode, ParticipantId, RoomId, WorkshopId};
use crate::protocol::Token;
use crate::rejection::Rejection;

/// `POST /api/workshops`. Only the facilitator's name is required: the rest defaults
/// to the template's (or, continuing a campaign, to the earlier workshop's rooms).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateWorkshop {
    /// A template's key (`GET /api/templates`); by default `brainstorm-vote`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub facilitator_name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rooms: Vec<RoomRequest>,
    /// Column titles, for templates whose columns the facilitator names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// Continue a campaign: the workshop to start from, and its lead's token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Continuation>,
    /// The language of the template's words (`fr` or `en`); French by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The finished workshop a new one continues, proven by its lead facilitator's token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Continuation {
    pub workshop: WorkshopId,
    pub token: Token,
}

/// `GET /api/templates`: the methods a workshop can follow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub key: String,
    pub title: String,
    pub summary: String,
    /// The rooms it proposes.
    pub rooms: Vec<String>,
    /// Its steps' titles, in order.
    pub steps: Vec<String>,
    /// Its planned length.
    pub minutes: u32,
    /// Whether the facilitator names the columns.
    pub custom_columns: bool,
    /// Whether it continues an earlier workshop of a campaign.
    pub continues: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomRequest {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<String>,
}

/// The answer to a creation (201). The secret is shown this once and never logged:
/// the client keeps it, and it is what makes its holder the lead facilitator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub workshop: WorkshopId,
    pub code: JoinCode,
    pub join_url: String,
    pub facilitator: ParticipantId,
    pub facilitator_secret: Token,
}

/// `POST /api/join`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub code: String,
    pub name: String,
}

/// The answer to a join: the token lets the participant come back as themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    pub workshop: WorkshopId,
    pub participant: ParticipantId,
    pub room: Option<RoomId>,
    pub token: Token,
}

/// `GET /api/join/{code}`: what a code opens, before one gives a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeInfo {
    pub workshop: WorkshopId,
    pub title: String,
}

/// `GET /api/health`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub workshops: usize,
    pub connections: usize,
}

/// The body of every error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable, for programs: `unknown_code`, `rejected`, `bad_request`, `unavailable`,
    /// `too_many_requests`, … (the list is in `docs/protocol.md`).
    pub error: String,
    /// For people (English); clients translate from `error` and `rejection`.
    pub message: String,
    /// The typed reason, when the state machine refused the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Rejection>,
    /// With `too_many_requests`: when trying again will work (also in `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u32>,
}

/// What `ARCHIVE_FORMAT` files are called in their `format` field.
pub const ARCHIVE_FORMAT: &str = "atelier-archive";
/// The version of the archive's shape this server writes and reads.
pub const ARCHIVE_VERSION: u32 = 1;

/// The JSON export (`…/report.json`, `…/campaign.json`): the complete workshops, in the
/// order they were created, exactly as the server holds them. `POST /api/import` takes
/// it back, so it is also the archive of a finished campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Archive {
    pub format: String,
    pub version: u32,
    pub exported: crate::ids::Millis,
    pub workshops: Vec<crate::model::Workshop>,
}

/// The answer to an import: each workshop anew, with its code and its lead's token,
/// in the archive's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub workshops: Vec<Created>,
}

/// `GET /api/workshops/{id}/organiser`: the read-only link the lead hands to organisers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganiserAccess {
    /// The key the export links carry (`?key=…`).
    pub key: String,
    /// The link to hand on: a page that opens the printable report (every export's
    /// download link) with the key, which follows `#` and so reaches no log.
    pub url: String,
}
