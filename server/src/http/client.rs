//! The browser client: built by `cargo xtask dist` into `dist/` and compiled into the
//! binary, so one file is the whole server. `--static-dir` serves a directory instead
//! (a client built apart, or one being worked on).
//!
//! Every text file and the wasm come with a `.br` and a `.gz` twin made at build
//! time: the browser gets the smallest one it accepts, and the server compresses
//! nothing while serving.

use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, get_service};
use rust_embed::Embed;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// `dist/` as it was when the server was compiled (empty if it was not built).
#[derive(Embed)]
#[folder = "../dist/"]
#[allow_missing = true]
struct Built;

/// Whether the binary carries a built client.
pub fn embedded() -> bool {
    Built::get("index.html").is_some()
}

/// Serves `dir` if given, else the embedded client. `pages` answers the client's
/// own routes (`/j/CODE`, `/w/ID`: paths whose last segment has no dot) with
/// `index.html`, and a missing file (`/favicon.ico`) with 404; `bundle` (the hashed
/// files under `/pkg`) answers 404 for anything it does not hold. Both answer GET
/// and HEAD only.
pub fn routers<S: Clone + Send + Sync + 'static>(dir: Option<&Path>) -> (Router<S>, Router<S>) {
    match dir {
        Some(dir) => {
            let index = dir.join("index.html");
            let page = ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(get(move |uri: Uri, request: Request| {
                    let index = index.clone();
                    async move {
                        if !is_page(uri.path()) {
                            return not_found();
                        }
                        ServeFile::new(index)
                            .precompressed_br()
                            .precompressed_gzip()
                            .oneshot(request)
                            .await
                            .into_response()
                    }
                }));
            let bundle = ServeDir::new(dir.join("pkg"))
                .precompressed_br()
                .precompressed_gzip();
            (
                Router::new().fallback_service(get_service(page)),
                Router::new().fallback_service(get_service(bundle)),
            )
        }
        None => (
            Router::new().fallback(get(|uri: Uri, headers: HeaderMap| async move {
                let path = uri.path().trim_start_matches('/');
                match path {
                    _ if is_file(path) => file(path, &headers),
                    _ if is_page(path) => file("index.html", &headers),
                    _ => not_found(),
                }
            })),
            Router::new().fallback(get(|uri: Uri, headers: HeaderMap| async move {
                file(&format!("pkg{}", uri.path()), &headers)
            })),
        ),
    }
}

/// Whether `path` is one of the client's routes rather than a file (or a call to
/// the API that the API's router did not take, such as `/api/`).
fn is_page(path: &str) -> bool {
    !path.rsplit('/').next().unwrap_or_default().contains('.')
        && !path.trim_start_matches('/').starts_with("api/")
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found").into_response()
}

fn is_file(path: &str) -> bool {
    !path.ends_with(".br") && !path.ends_with(".gz") && Built::get(path).is_some()
}

/// `path` in the best encoding `headers` accept, with its type and entity tag.
fn file(path: &str, headers: &HeaderMap) -> Response {
    if !is_file(path) {
        return not_found();
    }
    let accepted = accepted_encodings(headers);
    let (file, encoding) = [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(|(name, _)| accepted.contains(name))
        .find_map(|(name, suffix)| Built::get(&format!("{path}{suffix}")).map(|f| (f, Some(name))))
        .or_else(|| Built::get(path).map(|f| (f, None)))
        .expect("checked above");
    let tag = entity_tag(&file.metadata.sha256_hash());
    // Several header lines are one list (RFC 9110).
    let mut response = if headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|given| given.to_str().ok())
        .any(|given| matches(given, &tag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(file.data))
    };
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(path)));
    out.insert(
        header::ETAG,
        HeaderValue::from_str(&tag).expect("hex is a header"),
    );
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// Whether an `If-None-Match` list names `tag` (compared weakly, as RFC 9110 asks
/// for this header) or is `*`.
fn matches(given: &str, tag: &str) -> bool {
    given
        .split(',')
        .map(str::trim)
        .any(|item| item == "*" || item.strip_prefix("W/").unwrap_or(item) == tag)
}

/// The encodings named in `Accept-Encoding` without `q=0`.
fn accepted_encodings(headers: &HeaderMap) -> Vec<&'static str> {
    let Some(value) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
        return Vec::new();
    };
    let mut accepted = Vec::new();
    for item in value.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default().to_ascii_lowercase();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if refused {
            continue;
        }
        match name.as_str() {
            "br" => accepted.push("br"),
            "gzip" | "x-gzip" => accepted.push("gzip"),
            "*" => accepted.extend(["br", "gzip"]),
            _ => {}
        }
    }
    accepted
}

fn entity_tag(hash: &[u8; 32]) -> String {
    let hex: String = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn encodings_refused_with_q_zero_are_not_used() {
        assert_eq!(accepted_encodings(&accept("gzip, deflate, br")), ["gzip", "br"]);
        assert_eq!(accepted_encodings(&accept("br;q=0, gzip;q=0.5")), ["gzip"]);
        assert_eq!(accepted_encodings(&accept("identity")), Vec::<&str>::new());
        assert_eq!(accepted_encodings(&HeaderMap::new()), Vec::<&str>::new());
    }

    #[test]
    fn entity_tags_match_in_lists_and_weakly() {
        let tag = "\"abc\"";
        assert!(matches("\"abc\"", tag));
        assert!(matches("\"x\", W/\"abc\"", tag));
        assert!(matches("*", tag));
        assert!(!matches("\"abcd\", \"ab\"", tag));
        assert!(!matches("", tag));
    }

    #[test]
    fn only_paths_without_a_dot_in_their_last_segment_are_pages() {
        assert!(is_page("/"));
        assert!(is_page("j/ABCD-1234"));
        assert!(is_page("/w/6f1c/report"));
        assert!(!is_page("favicon.ico"));
        assert!(!is_page("/static/missing.css"));
        assert!(!is_page("/api/"));
    }

    #[test]
    fn types_follow_the_extension() {
        assert_eq!(content_type("pkg/abc/atelier_client_bg.wasm"), "application/wasm");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
