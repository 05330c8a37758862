//! A real Atelier server in the test process, on `127.0.0.1:0`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use atelier_server::{Config, Hub, hub_for, serve};
use atelier_shared::WorkshopId;
use atelier_shared::api::{Created, Joined};
use atelier_shared::protocol::Token;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub struct TestServer {
    pub addr: SocketAddr,
    pub hub: Arc<Hub>,
    http: Client<HttpConnector, Full<Bytes>>,
    stop: Option<oneshot::Sender<()>>,
    /// With `ATELIER_TEST_STORE=postgres`, the database of its own it stores in.
    _database: Option<crate::postgres::Database>,
}

impl TestServer {
    /// A server in memory; with `ATELIER_TEST_STORE=postgres` (`cargo xtask test`
    /// runs the websocket suites a second time so), one storing in a PostgreSQL
    /// database of its own, as a node of several would.
    pub async fn start() -> TestServer {
        if std::env::var("ATELIER_TEST_STORE").as_deref() == Ok("postgres") {
            let database = crate::postgres::Database::fresh();
            let config = Config {
                store_url: Some(database.url.clone()),
                ..Config::default()
            };
            let mut server = Self::start_with(config).await;
            server._database = Some(database);
            return server;
        }
        Self::start_with(Config::default()).await
    }

    /// How many workshops exist: those the server runs or, on a store shared by
    /// several nodes (where a node runs a workshop once asked for it), those stored.
    pub fn workshops_made(&self) -> usize {
        match &self._database {
            Some(database) => database
                .query_text("SELECT count(*) FROM workshops")
                .and_then(|count| count.parse().ok())
                .expect("a count"),
            None => self.hub.workshop_count(),
        }
    }

    /// Serves the client compiled into the server, as the released binary does.
    pub async fn start_with(config: Config) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a free port");
        let addr = listener.local_addr().expect("bound address");
        let hub = hub_for(&listener, config).expect("hub");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(serve(listener, hub.clone(), async {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            hub,
            http: Client::builder(TokioExecutor::new()).build_http(),
            stop: Some(stop),
            _database: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sends a request; returns the status and the body as JSON (or `Null`).
    pub async fn request(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let request = Request::builder()
            .method(method)
            .uri(self.url(path))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .expect("request");
        let (status, _, bytes) = self.exchange(request).await;
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Sends a request and reads the whole answer: status, headers, body.
    /// Sends `request`; follows a `307` to this server as a browser does (same
    /// method, headers and body): a node sends a request that names a workshop only
    /// by its join code to ask again naming it.
    async fn exchange(&self, request: Request<Full<Bytes>>) -> (StatusCode, HeaderMap, Bytes) {
        let (head, body) = request.into_parts();
        let mut request = Request::from_parts(head.clone(), body.clone());
        for _ in 0..3 {
            let response = self.http.request(request).await.expect("HTTP response");
            let (parts, answer) = response.into_parts();
            let bytes = answer.collect().await.expect("body").to_bytes();
            let location = parts.headers.get("location").and_then(|l| l.to_str().ok());
            match location {
                Some(path) if parts.status == StatusCode::TEMPORARY_REDIRECT && path.starts_with('/') => {
                    let mut again = head.clone();
                    again.uri = self.url(path).parse().expect("a redirection to a path");
                    request = Request::from_parts(again, body.clone());
                }
                _ => return (parts.status, parts.headers, bytes),
            }
        }
        panic!("redirected more than 3 times");
    }

    /// `POST path` declaring a body of `length` bytes and sending none of it: the
    /// status and the body as JSON (or `Null`) of the answer the server gives from
    /// the headers alone. Raw TCP, because an HTTP client that writes the body
    /// races the server's early close (a broken pipe instead of the answer).
    pub async fn post_declaring(&self, path: &str, length: usize) -> (StatusCode, Value) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.expect("connect");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {length}\r\n\r\n",
            self.addr
        );
        stream.write_all(head.as_bytes()).await.expect("send the head");
        let mut answer = Vec::new();
        let read = async {
            let mut chunk = [0u8; 4096];
            loop {
                let n = stream.read(&mut chunk).await.expect("read the answer");
                answer.extend_from_slice(&chunk[..n]);
                if n == 0 || complete(&answer) {
                    break;
                }
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(10), read)
            .await
            .expect("the server answers from the headers alone");
        let text = String::from_utf8_lossy(&answer);
        let (head, body) = text.split_once("\r\n\r\n").expect("a whole answer");
        let code: u16 = head
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .expect("a status line");
        (
            StatusCode::from_u16(code).expect("a status"),
            serde_json::from_str(body).unwrap_or(Value::Null),
        )
    }

    /// `POST path` with a form body (`application/x-www-form-urlencoded`), as a
    /// browser's form sends it: the status, the headers and the body as text.
    pub async fn post_form(&self, path: &str, form: &str) -> (StatusCode, HeaderMap, String) {
        let request = Request::builder()
            .method(Method::POST)
            .uri(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(form.to_owned())))
            .expect("request");
        let (status, headers, bytes) = self.exchange(request).await;
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// `GET path` with these headers: the status, the headers and the body as text.
    pub async fn fetch(&self, path: &str, headers: &[(&str, String)]) -> (StatusCode, HeaderMap, String) {
        let mut request = Request::builder().uri(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request.body(Full::new(Bytes::new())).expect("request");
        let (status, headers, bytes) = self.exchange(request).await;
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// `DELETE path` with `Authorization: Bearer token`, when a token is given.
    pub async fn delete(&self, path: &str, token: Option<&Token>) -> StatusCode {
        let mut request = Request::builder().method(Method::DELETE).uri(self.url(path));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {}", token.0));
        }
        let request = request.body(Full::new(Bytes::new())).expect("request");
        self.http.request(request).await.expect("HTTP response").status()
    }

    /// `GET path`, with `Authorization: Bearer token` when a token is given: the
    /// status, the headers and the body's bytes.
    pub async fn get(&self, path: &str, token: Option<&Token>) -> (StatusCode, HeaderMap, Bytes) {
        let mut request = Request::builder().uri(self.url(path));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {}", token.0));
        }
        let request = request.body(Full::new(Bytes::new())).expect("request");
        self.exchange(request).await
    }

    /// A GET whose answer is not JSON: its status, content type and text.
    pub async fn get_text(&self, path: &str) -> (StatusCode, String, String) {
        let request = Request::builder()
            .uri(self.url(path))
            .body(Full::new(Bytes::new()))
            .expect("request");
        let (status, headers, bytes) = self.exchange(request).await;
        let kind = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, kind, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Creates a workshop with these rooms and the columns "Besoins" and "Idées".
    pub async fn create_workshop(&self, title: &str, rooms: &[&str]) -> Created {
        let rooms: Vec<Value> = rooms
            .iter()
            .map(|r| json!({ "name": r, "territory": r }))
            .collect();
        let body = json!({
            "template": "brainstorm-vote",
            "title": title,
            "facilitator_name": "Camille (animation)",
            "rooms": rooms,
            "columns": ["Besoins", "Idées"],
        });
        let (status, created) = self.request(Method::POST, "/api/workshops", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        serde_json::from_value(created).expect("a creation answer")
    }

    /// Creates a workshop from a template with its default rooms, possibly continuing a
    /// campaign from `from` (a workshop and its lead's token).
    pub async fn create_from_template(&self, template: &str, from: Option<(WorkshopId, &Token)>) -> Created {
        let mut body = json!({ "template": template, "facilitator_name": "Camille (animation)" });
        if let Some((workshop, token)) = from {
            body["from"] = json!({ "workshop": workshop, "token": token });
        }
        let (status, created) = self.request(Method::POST, "/api/workshops", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        serde_json::from_value(created).expect("a creation answer")
    }

    /// A request with extra headers; the answer's status, headers and JSON body
    /// (`null` when it is not JSON).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, String)],
    ) -> (StatusCode, HeaderMap, Value) {
        let mut request = Request::builder().method(method).uri(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let body = body.map(|b| Bytes::from(b.to_string())).unwrap_or_default();
        let request = request
            .header("content-type", "application/json")
            .body(Full::new(body))
            .expect("a valid request");
        let (status, headers, bytes) = self.exchange(request).await;
        (
            status,
            headers,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    pub async fn join(&self, code: &str, name: &str) -> Joined {
        let (status, joined) = self.try_join(code, name).await;
        assert_eq!(status, StatusCode::OK, "{joined}");
        serde_json::from_value(joined).expect("a join answer")
    }

    pub async fn try_join(&self, code: &str, name: &str) -> (StatusCode, Value) {
        let body = json!({ "code": code, "name": name });
        self.request(Method::POST, "/api/join", Some(body)).await
    }
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Stopping a test server closes its store too, as the process ending would: a
/// server started next on the same data directory can open it.
impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.hub.close();
    }
}

/// A data directory of its own, removed when dropped.
#[derive(Debug)]
pub struct DataDir(pub PathBuf);

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A configuration with a data directory of its own (removed with the `DataDir`):
/// a server started with it, stopped and started again, finds its workshops.
pub fn durable() -> (DataDir, Config) {
    let dir = DataDir(std::env::temp_dir().join(format!("atelier-data-{}", uuid::Uuid::new_v4())));
    let config = Config {
        data_dir: Some(dir.0.clone()),
        ..Config::default()
    };
    (dir, config)
}

/// Which store a durable test server writes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: SQLite in a data directory.
    Sqlite,
    /// A database of its own on the tests' PostgreSQL server.
    Postgres,
}

/// What a durable test server's store lives in, removed when dropped.
#[derive(Debug)]
pub enum Kept {
    Dir(DataDir),
    Database(crate::postgres::Database),
}

/// A configuration with a store of its own on `backend`: a server started with it,
/// stopped and started again, finds its workshops.
pub fn durable_on(backend: Backend) -> (Kept, Config) {
    match backend {
        Backend::Sqlite => {
            let (dir, config) = durable();
            (Kept::Dir(dir), config)
        }
        Backend::Postgres => {
            let database = crate::postgres::Database::fresh();
            let config = Config {
                store_url: Some(database.url.clone()),
                ..Config::default()
            };
            (Kept::Database(database), config)
        }
    }
}

/// Where `cargo xtask dist` puts the built client.
pub fn dist_dir() -> PathBuf {
    match std::env::var_os("ATELIER_DIST") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"),
    }
}

/// Whether these bytes hold an HTTP answer's head and the whole body its
/// `Content-Length` announces.
fn complete(answer: &[u8]) -> bool {
    let text = String::from_utf8_lossy(answer);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .is_some_and(|length| body.len() >= length)
}
