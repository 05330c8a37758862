//! The HTTP API over a real socket: clear errors, nothing changed by bad requests.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use atelier_tests::TestServer;
use hyper::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn creating_a_workshop_gives_a_code_a_join_link_and_a_facilitator_secret() {
    let server = TestServer::start().await;
    let created = server
        .create_workshop("YESS CAMP 1", &["Aude", "Gard", "Hérault"])
        .await;
    assert_eq!(created.code.as_str().len(), 6);
    assert_eq!(created.join_url, server.url(&format!("/j/{}", created.code)));
    assert!(created.facilitator_secret.0.len() > 64);

    let (status, info) = server
        .request(Method::GET, &format!("/api/join/{}", created.code), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["title"], "YESS CAMP 1");
    let lower = created.code.as_str().to_lowercase();
    let (status, _) = server
        .request(Method::GET, &format!("/api/join/{lower}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "codes are case-insensitive");
}

#[tokio::test]
async fn the_join_link_is_offered_as_a_qr_code() {
    let server = TestServer::start().await;
    let created = server.create_workshop("YESS CAMP 1", &["Aude"]).await;
    let lower = created.code.as_str().to_lowercase();
    let (status, kind, svg) = server.get_text(&format!("/api/join/{lower}/qr.svg")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "image/svg+xml");
    // The very code a QR encoder makes of the join link (the test server has no
    // configured public address, so the link names the address the browser used).
    let expected = qrcode::QrCode::with_error_correction_level(&created.join_url, qrcode::EcLevel::M)
        .unwrap()
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(qrcode::render::svg::Color("#1f2a3d"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    assert_eq!(svg, expected, "the QR code encodes {}", created.join_url);

    let (status, _, _) = server.get_text("/api/join/ZZZZZZ/qr.svg").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invalid_creations_are_refused_with_the_reason() {
    let server = TestServer::start().await;
    let cases = [
        (json!({}), StatusCode::BAD_REQUEST, "bad_request"),
        (
            json!({ "title": "", "facilitator_name": "C", "rooms": [{ "name": "A" }], "columns": ["B"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_text",
        ),
        (
            json!({ "title": "T", "facilitator_name": "C", "rooms": [{ "name": " " }], "columns": ["B"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_text",
        ),
        (
            json!({ "template": "yess-camp-1", "facilitator_name": "C", "lang": "de" }),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            json!({ "template": "nope", "facilitator_name": "C" }),
            StatusCode::NOT_FOUND,
            "unknown_template",
        ),
        (
            json!({ "title": "T", "facilitator_name": "C", "rooms": [{ "name": "A" }, { "name": "a" }], "columns": ["B"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "duplicate_label",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = server
            .request(Method::POST, "/api/workshops", Some(body.clone()))
            .await;
        assert_eq!(got, status, "{body} → {answer}");
        let reported = answer["rejection"]["code"]
            .as_str()
            .unwrap_or(answer["error"].as_str().unwrap());
        assert_eq!(reported, code, "{answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(server.workshops_made(), 0, "nothing was created");
}

#[tokio::test]
async fn the_programmes_are_offered_and_followed_in_english_too() {
    let server = TestServer::start().await;
    let (status, french) = server.request(Method::GET, "/api/templates", None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, english) = server.request(Method::GET, "/api/templates?lang=en", None).await;
    let keys = |list: &serde_json::Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|t| t["key"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        keys(&french),
        keys(&english),
        "the same programmes in both languages"
    );
    assert_eq!(french[1]["title"], "YESS CAMP 1 — Menez l'enquête !");
    assert_eq!(english[1]["title"], "YESS CAMP 1 — Lead the investigation!");
    assert_eq!(
        english[1]["rooms"], french[1]["rooms"],
        "place names are not translated"
    );
    assert_ne!(english[1]["steps"], french[1]["steps"]);

    let body = json!({ "template": "yess-camp-1", "facilitator_name": "Camille", "lang": "en" });
    let (status, created) = server.request(Method::POST, "/api/workshops", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let code = created["code"].as_str().unwrap();
    let (_, info) = server
        .request(Method::GET, &format!("/api/join/{code}"), None)
        .await;
    assert_eq!(info["title"], "YESS CAMP 1 — Lead the investigation!");
}

#[tokio::test]
async fn joining_needs_a_known_code_and_a_free_valid_name() {
    let server = TestServer::start().await;
    let created = server.create_workshop("Atelier", &["Salle 1"]).await;
    let code = created.code.as_str();

    let (status, answer) = server.try_join("ZZZZZZ", "Alice").await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_code"))
    );
    let (status, _) = server.try_join("not a code", "Alice").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, answer) = server.try_join(code, "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["rejection"]["code"], "empty_text");
    let (status, answer) = server.try_join(code, "Camille (animation)").await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the facilitator's name is taken: {answer}"
    );

    let joined = server.join(&format!(" {} ", code.to_lowercase()), "Alice").await;
    assert_eq!(joined.workshop, created.workshop);
    let handle = server.hub.find(created.workshop, true).await.unwrap();
    let state = handle.inspect().await.unwrap().workshop;
    assert_eq!(state.participants.len(), 2, "the lead and Alice, no one else");
}

#[tokio::test]
async fn the_health_endpoint_counts_workshops_and_connections() {
    let server = TestServer::start().await;
    let created = server.create_workshop("Atelier", &["Salle 1"]).await;
    // (On a store shared by several nodes, a node serves a workshop once asked for it.)
    server.hub.find(created.workshop, true).await.unwrap();
    let (status, health) = server.request(Method::GET, "/api/health", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        health,
        json!({ "status": "ok", "workshops": 1, "connections": 0 })
    );
}
