//! Idle sockets from one address, on the real binary with its default limits, under
//! systemd's default limit of 1,024 open files: 1,500 connections from 127.0.0.1
//! that say nothing or stop halfway through their headers. Everyone else (here,
//! 127.0.0.2) still gets answers at once; the address's connections past its share
//! are told `503` straight away; the silent ones are closed after the header timeout.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod support;

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use support::{DataDir, Paces, start_in};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::timeout;
use uuid::Uuid;

/// A connection to `host` from `from` (any loopback address).
async fn connect_from(from: &str, host: &str) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let to: SocketAddr = host.parse().unwrap();
    socket.connect(to).await.unwrap()
}

/// One request on a fresh connection from `from`: the status line, or why not.
async fn request(from: &str, host: &str, raw: String) -> Result<String, String> {
    let exchange = async {
        let mut stream = connect_from(from, host).await;
        stream
            .write_all(raw.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.map_err(|e| e.to_string())?;
        let answer = String::from_utf8_lossy(&answer).into_owned();
        Ok(answer.lines().next().unwrap_or_default().to_owned())
    };
    timeout(Duration::from_secs(5), exchange)
        .await
        .unwrap_or_else(|_| Err("no answer in 5 s".into()))
}

fn health(host: &str) -> String {
    format!("GET /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

fn creation(host: &str) -> String {
    let body = r#"{"facilitator_name":"Camille","rooms":[{"name":"Aude"}],"columns":["Idées"]}"#;
    format!(
        "POST /api/workshops HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_from_one_address_lock_no_one_else_out() {
    // This process holds its end of every connection.
    rlimit::increase_nofile_limit(8192).unwrap();
    let data = DataDir(std::env::temp_dir().join(format!("atelier-sockets-{}", Uuid::new_v4())));
    std::fs::create_dir_all(&data.0).unwrap();
    let wrapper = ["prlimit", "--nofile=1024:1024", "--"].map(OsStr::new);
    let (_server, host, _) = start_in(&wrapper, &data.0, Paces::Default).await;

    // 1,500 connections from one address: a third say nothing, a third send half a
    // request's headers, a third send one byte every second.
    let mut held = Vec::new();
    for n in 0..1_500 {
        let mut stream = connect_from("127.0.0.1", &host).await;
        match n % 3 {
            0 => {}
            1 => stream
                .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
                .await
                .unwrap(),
            _ => stream.write_all(b"G").await.unwrap(),
        }
        held.push((stream, Instant::now()));
    }

    // Everyone else is served at once.
    for _ in 0..5 {
        assert_eq!(
            request("127.0.0.2", &host, health(&host)).await.as_deref(),
            Ok("HTTP/1.1 200 OK")
        );
    }
    assert_eq!(
        request("127.0.0.2", &host, creation(&host)).await.as_deref(),
        Ok("HTTP/1.1 201 Created")
    );

    // The address's share was kept; its connections past it were answered `503` and
    // closed, not left hanging.
    // (On a busy machine, opening them all can take longer than the header timeout:
    // the first ones are then already closed, as they should be.)
    let (mut refused, mut timed_out) = (0, 0);
    let mut open = Vec::new();
    for (mut stream, opened) in held {
        let mut first = [0u8; 12];
        match timeout(Duration::from_millis(20), stream.read(&mut first)).await {
            Ok(Ok(n)) if first[..n].starts_with(b"HTTP/1.1 503") => refused += 1,
            Ok(Ok(0)) if opened.elapsed() >= Duration::from_secs(10) => timed_out += 1,
            Ok(other) => panic!("a held connection answered early: {other:?}"),
            Err(_) => open.push((stream, opened)),
        }
    }
    assert!(
        refused >= 1_000,
        "past its share, an address is refused: {refused}"
    );
    assert!(
        open.len() + timed_out >= 1 && open.len() + timed_out <= 400,
        "an address keeps at most its share: {} open, {timed_out} timed out",
        open.len()
    );
    // And the same address can still be answered once it lets go of its sockets.
    assert_eq!(
        request("127.0.0.2", &host, health(&host)).await.as_deref(),
        Ok("HTTP/1.1 200 OK")
    );

    // Trickling a byte a second does not keep a connection: headers must be complete
    // within the timeout (10 s), so every held connection is closed by then.
    for (mut stream, opened) in open {
        let deadline = opened + Duration::from_secs(15);
        let mut rest = Vec::new();
        loop {
            let _ = stream.write_all(b"E").await;
            let left = deadline.saturating_duration_since(Instant::now());
            match timeout(left.min(Duration::from_secs(1)), stream.read_to_end(&mut rest)).await {
                Ok(_) => break,
                Err(_) if Instant::now() < deadline => continue,
                Err(_) => panic!("a connection without headers stayed open past the timeout"),
            }
        }
        assert!(
            opened.elapsed() >= Duration::from_secs(9),
            "not closed before its time"
        );
    }
    assert_eq!(
        request("127.0.0.1", &host, health(&host)).await.as_deref(),
        Ok("HTTP/1.1 200 OK"),
        "the address is served again once its sockets are gone"
    );
}
