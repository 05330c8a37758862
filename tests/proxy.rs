//! `deploy/nginx.conf`, the file administrators are given, run for real in front of a
//! real server: plain HTTP is redirected to HTTPS, a facilitator creates a workshop in
//! Chromium over TLS, a participant joins through the join link and posts a note, and
//! the facilitator sees it arrive live, both websockets carried by nginx. The server,
//! started with `trust_forwarded_for` as the unit file starts it, counts requests
//! against the address nginx saw, not one the client wrote in `X-Forwarded-For`.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use atelier_server::{Config, Rate};
use atelier_tests::browser::{Driver, assert_no_console_errors};
use atelier_tests::nginx::{Nginx, Ports, accept_any_certificate};
use atelier_tests::page::{click_button, fill, wait, wait_for_text, wait_for_value};
use atelier_tests::{PATIENCE, TestServer};
use fantoccini::Locator;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn the_nginx_example_carries_a_live_workshop_over_tls() {
    assert!(
        atelier_server::http::client::embedded(),
        "the server was compiled without the client: run `cargo xtask test`, which builds it first"
    );
    let started = Instant::now();
    let ports = Ports::free();
    let mut config = Config {
        public_url: Some(ports.public_url()),
        trust_forwarded_for: true,
        ..Config::default()
    };
    // One unknown code spends an address's guesses: whose address it was shows.
    config.limits.code_guesses = Some(Rate::per_hour(1, 1));
    let server = TestServer::start_with(config).await;
    let nginx = Nginx::start(ports, server.addr);

    // Plain HTTP answers with a redirection to the same path over HTTPS, from nginx.
    let (head, _) = plain_get(ports.http, "/j/ABCDEF?lang=en").await;
    assert!(head.starts_with("HTTP/1.1 301"), "{head}");
    assert!(
        head.lines()
            .any(|line| line.eq_ignore_ascii_case("location: https://127.0.0.1/j/ABCDEF?lang=en")),
        "redirected to the same path over HTTPS:\n{head}"
    );

    let driver = Driver::start().await;

    // The facilitator creates a workshop over TLS.
    let facilitator = driver.session().await;
    accept_any_certificate(&facilitator).await;
    facilitator.goto(&nginx.url("/")).await.unwrap();
    click_button(&facilitator, "Créer un atelier").await;
    wait_for_value(&facilitator, "Titre de l'atelier", "Brainstorm et vote").await;
    fill(&facilitator, "Votre nom (animation)", "Camille").await;
    fill(&facilitator, "Salles", "Aude").await;
    click_button(&facilitator, "Créer l'atelier").await;
    let code = wait(&facilitator, Locator::Css(".join-code"), "the join code")
        .await
        .text()
        .await
        .unwrap()
        .replace(' ', "");
    assert_eq!(code.len(), 6, "a join code is shown: {code:?}");
    wait_for_text(&facilitator, "status", "En direct").await;
    let cockpit = facilitator.current_url().await.unwrap();
    assert!(
        cockpit.as_str().starts_with(&nginx.url("/w/")),
        "the cockpit is served through nginx: {cockpit}"
    );

    // A participant follows the join link (what the QR code says) and posts a note.
    let participant = driver.session().await;
    accept_any_certificate(&participant).await;
    participant.goto(&nginx.url(&format!("/j/{code}"))).await.unwrap();
    wait_for_text(&participant, "workshop-title", "Brainstorm et vote").await;
    fill(&participant, "Votre nom", "Alice Martin").await;
    click_button(&participant, "Rejoindre").await;
    wait_for_text(&participant, "status", "En direct").await;
    wait_for_text(&participant, "room-heading", "Salle Aude").await;
    let posted = Instant::now();
    fill(
        &participant,
        "Nouvelle note dans « Besoins prioritaires »",
        "Mobilité en zone rurale\n",
    )
    .await;
    wait_for_text(&participant, "note-text", "Mobilité en zone rurale").await;

    // The facilitator's board receives it over its own websocket, through nginx.
    wait_for_text(&facilitator, "note-text", "Mobilité en zone rurale").await;
    wait_for_text(&facilitator, "note-author", "Alice Martin").await;
    let live = posted.elapsed();

    // A client claiming another address in X-Forwarded-For: nginx appends the one it
    // saw, and that last entry is the one the server counts.
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let claimed: IpAddr = "203.0.113.7".parse().unwrap();
    let guesses = &server.hub.guards.code_guesses;
    assert!(guesses.check(loopback, std::time::Instant::now()).is_ok());
    let unknown = if code == "ZZZZZZ" { "YYYYYY" } else { "ZZZZZZ" };
    let status = participant
        .execute(
            "return fetch(arguments[0], { headers: { 'X-Forwarded-For': arguments[1] } })
                 .then(answer => answer.status);",
            vec![json!(format!("/api/join/{unknown}")), json!(claimed.to_string())],
        )
        .await
        .unwrap();
    assert_eq!(status, json!(404), "an unknown code, through nginx");
    assert!(
        guesses.check(loopback, std::time::Instant::now()).is_err(),
        "the guess counted against the address nginx saw"
    );
    assert!(
        guesses.check(claimed, std::time::Instant::now()).is_ok(),
        "not against the address the client claimed"
    );

    for (who, browser) in [("the facilitator", facilitator), ("the participant", participant)] {
        assert_no_console_errors(&browser, who).await;
        browser.close().await.unwrap();
    }

    // nginx logs an upgraded connection when it ends: once the browsers are closed,
    // both websockets are there, switched (101) on the TLS port.
    let deadline = Instant::now() + PATIENCE;
    loop {
        let log = nginx.access_log();
        let upgraded = log
            .lines()
            // The browser names its workshop (`/ws?workshop=ID`, for several nodes).
            .filter(|line| line.contains("\"GET /ws?workshop=") && line.contains(" HTTP/1.1\" 101 "))
            .count();
        if upgraded >= 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "two websockets through nginx, {upgraded} logged:\n{log}\n{}",
            nginx.logs()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    eprintln!(
        "through nginx: note posted → on the facilitator's board in {live:?} (with WebDriver round trips); whole test {:?}",
        started.elapsed()
    );
}

/// `GET path` over plain HTTP on `port`: the answer's head and body.
async fn plain_get(port: u16, path: &str) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("nginx answers")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").expect("a whole answer");
    (head.to_owned(), body.to_owned())
}
