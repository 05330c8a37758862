//! Reports over HTTP: the organiser link and who it lets in, every format served
//! with its type and name, the report following the workshop live, and a campaign
//! exported as JSON and imported back as the same campaign, ready to continue.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::io::Cursor;

use atelier_server::catalog::Catalog;
use atelier_server::export::archive;
use atelier_shared::api::{Archive, Imported, OrganiserAccess};
use atelier_shared::model::PollRules;
use atelier_shared::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, Token};
use atelier_shared::{Activity, Command, NoteId, Step, StepId, Workshop, WorkshopId};
use atelier_tests::client::{closing, open};
use atelier_tests::fixture;
use atelier_tests::server::durable;
use atelier_tests::workshop::room_of;
use atelier_tests::{TestServer, WsClient};
use calamine::{Reader, Xlsx};
use futures_util::SinkExt;
use hyper::{Method, StatusCode};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

async fn organiser_key(server: &TestServer, workshop: WorkshopId, token: &Token) -> OrganiserAccess {
    let (status, _, body) = server
        .get(&format!("/api/workshops/{workshop}/organiser"), Some(token))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisers_read_every_format_with_their_key_and_nobody_else_does() {
    let (_dir, config) = durable();
    let server = TestServer::start_with(config.clone()).await;
    let created = server
        .create_workshop("Atelier <b>du Gard</b>", &["Aude", "Gard"])
        .await;
    let other = server.create_workshop("Un autre atelier", &["Hérault"]).await;
    let joined = server.join(created.code.as_str(), "Alice").await;
    let id = created.workshop;

    // Only the lead gets the organiser link; asking again gives the same key.
    let access = organiser_key(&server, id, &created.facilitator_secret).await;
    assert_eq!(access.key.len(), 64);
    assert!(
        access
            .url
            .ends_with(&format!("/api/workshops/{id}/open#{}", access.key))
    );
    assert_eq!(
        organiser_key(&server, id, &created.facilitator_secret).await,
        access
    );
    let path = format!("/api/workshops/{id}/organiser");
    for token in [None, Some(&joined.token), Some(&other.facilitator_secret)] {
        let (status, _, _) = server.get(&path, token).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    // Every format, with its type, as a file but the page.
    let formats = [
        ("html", "text/html; charset=utf-8", "inline"),
        ("md", "text/markdown; charset=utf-8", "attachment"),
        ("csv", "text/csv; charset=utf-8", "attachment"),
        ("json", "application/json", "attachment"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "attachment",
        ),
    ];
    for stem in ["report", "campaign"] {
        for (extension, kind, disposition) in formats {
            let path = format!("/api/workshops/{id}/{stem}.{extension}?key={}", access.key);
            let (status, headers, body) = server.get(&path, None).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(headers["content-type"], kind);
            let named = headers["content-disposition"].to_str().unwrap();
            assert!(named.starts_with(disposition), "{named}");
            assert!(named.contains(&format!(".{extension}\"")), "{named}");
            assert_eq!(headers["cache-control"], "no-store");
            assert!(!body.is_empty());
        }
    }
    let (_, headers, page) = server
        .get(
            &format!("/api/workshops/{id}/report.html?key={}", access.key),
            None,
        )
        .await;
    let page = String::from_utf8(page.to_vec()).unwrap();
    assert!(page.contains("Atelier &lt;b&gt;du Gard&lt;/b&gt;"));
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    // The page links to the other formats with the same key.
    assert!(page.contains(&format!("href=\"report.xlsx?key={}&amp;lang=fr\"", access.key)));
    // The lead reads them with their own token too.
    let (status, _, _) = server
        .get(
            &format!("/api/workshops/{id}/report.md"),
            Some(&created.facilitator_secret),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Everyone else is refused alike, whatever they try.
    let wrong = "0".repeat(64);
    let other_key = organiser_key(&server, other.workshop, &other.facilitator_secret)
        .await
        .key;
    let refused = [
        (format!("/api/workshops/{id}/report.md"), None),
        (format!("/api/workshops/{id}/report.md?key={wrong}"), None),
        (format!("/api/workshops/{id}/report.md?key=short"), None),
        (format!("/api/workshops/{id}/report.md?key={other_key}"), None),
        (format!("/api/workshops/{id}/report.md"), Some(&joined.token)),
        (
            format!("/api/workshops/{id}/report.md"),
            Some(&other.facilitator_secret),
        ),
        (
            format!("/api/workshops/{}/report.md?key={wrong}", Uuid::new_v4()),
            None,
        ),
        (
            format!("/api/workshops/not-an-id/report.md?key={}", access.key),
            None,
        ),
    ];
    for (path, token) in refused {
        let (status, _, body) = server.get(&path, token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["error"], "forbidden");
    }
    for bad in ["report.pdf", "secret.md", "report"] {
        let path = format!("/api/workshops/{id}/{bad}?key={}", access.key);
        assert_eq!(server.get(&path, None).await.0, StatusCode::NOT_FOUND, "{bad}");
    }
    for bad in ["lang=de", "tz=9000", "tz=abc"] {
        let path = format!("/api/workshops/{id}/report.md?key={}&{bad}", access.key);
        assert_eq!(server.get(&path, None).await.0, StatusCode::BAD_REQUEST, "{bad}");
    }

    // The key opens reports, not the workshop: it is no websocket token.
    let mut socket = open(&server).await;
    let token = Token(format!("organiser.{}", access.key));
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: token.clone(),
    };
    socket.send(Message::text(hello.encode())).await.unwrap();
    let (error, _) = closing(&mut socket).await;
    assert_eq!(error.map(|(code, _)| code), Some(ErrorCode::UnknownToken));
    assert_eq!(
        server.delete(&format!("/api/workshops/{id}"), Some(&token)).await,
        StatusCode::FORBIDDEN
    );

    // The key survives a restart.
    drop(server);
    let again = TestServer::start_with(config).await;
    let path = format!("/api/workshops/{id}/report.md?key={}", access.key);
    assert_eq!(again.get(&path, None).await.0, StatusCode::OK);
    assert_eq!(
        organiser_key(&again, id, &created.facilitator_secret).await.key,
        access.key
    );

    // Deleting the workshop ends it.
    assert_eq!(
        again
            .delete(&format!("/api/workshops/{id}"), Some(&created.facilitator_secret))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(again.get(&path, None).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_follows_the_workshop_as_it_happens() {
    let server = TestServer::start().await;
    let created = server.create_workshop("Atelier en direct", &["Aude"]).await;
    let joined = server.join(created.code.as_str(), "Alice").await;
    let access = organiser_key(&server, created.workshop, &created.facilitator_secret).await;
    let path = |extension: &str| {
        format!(
            "/api/workshops/{}/report.{extension}?key={}&lang=en",
            created.workshop, access.key
        )
    };
    let (_, _, before) = server.get(&path("md"), None).await;
    assert!(!String::from_utf8_lossy(&before).contains("Mobilité"));

    let mut alice = WsClient::connect(&server, &joined.token).await;
    let room = room_of(&alice);
    let column = alice.workshop.current_step(room).unwrap().columns[0];
    for text in ["Mobilité solidaire", "=1+1"] {
        alice
            .ok(Command::PostNote {
                note: NoteId(Uuid::new_v4()),
                room,
                column,
                text: text.into(),
                colour: Default::default(),
                parent: None,
            })
            .await;
    }
    let (_, _, after) = server.get(&path("md"), None).await;
    let after = String::from_utf8_lossy(&after);
    assert!(after.contains("Mobilité solidaire — Alice"), "{after}");
    assert!(
        after.contains("1 participant · 1 posted · 0 voted · 2 notes · 0 dots"),
        "{after}"
    );

    let (_, _, workbook) = server.get(&path("xlsx"), None).await;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(workbook.to_vec())).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "Aude"]);
    let sheet = book.worksheet_range("Aude").unwrap();
    let mut notes: Vec<String> = sheet.rows().skip(1).map(|row| row[4].to_string()).collect();
    // Notes posted in the same millisecond may come in either order.
    notes.sort();
    assert_eq!(
        notes,
        ["=1+1", "Mobilité solidaire"],
        "shown as typed: a string cell, no apostrophe"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_polls_counts_reach_every_format_of_the_report() {
    let server = TestServer::start().await;
    let created = server.create_workshop("Séminaire", &["Aude", "Gard"]).await;
    let access = organiser_key(&server, created.workshop, &created.facilitator_secret).await;
    let mut lead = WsClient::connect(&server, &created.facilitator_secret).await;
    let step = StepId(Uuid::new_v4());
    let poll = Step {
        id: step,
        key: None,
        title: "Quel défi <pour> vous ?".into(),
        instructions: String::new(),
        minutes: None,
        columns: Vec::new(),
        activity: Activity::Poll {
            rules: PollRules {
                options: vec!["Mobilité".into(), "Logement & habitat".into()],
                secret: true,
            },
        },
    };
    lead.ok(Command::AddStep {
        step: poll,
        position: 9,
    })
    .await;
    lead.ok(Command::GoToStep { room: None, step }).await;
    for (name, option) in [("Alice", 1), ("Bob", 1), ("Carol", 0)] {
        let joined = server.join(created.code.as_str(), name).await;
        let mut client = WsClient::connect(&server, &joined.token).await;
        client
            .ok(Command::Answer {
                step,
                option: Some(option),
            })
            .await;
    }
    let path = |extension: &str| {
        format!(
            "/api/workshops/{}/report.{extension}?key={}",
            created.workshop, access.key
        )
    };
    // Open, a secret poll's counts are for the organisers (and the lead) already.
    let (_, _, md) = server.get(&path("md"), None).await;
    let md = String::from_utf8_lossy(&md);
    assert!(md.contains("## Sondages express"), "{md}");
    assert!(md.contains("_3 réponses (encore ouvert)_"), "{md}");
    assert!(md.contains("- Logement \\& habitat : 2 (67 %)"), "escaped: {md}");
    lead.ok(Command::CloseVote { room: None, step }).await;
    let (_, _, md) = server.get(&path("md"), None).await;
    assert!(String::from_utf8_lossy(&md).contains("_3 réponses_"));
    let (_, _, html) = server.get(&path("html"), None).await;
    let html = String::from_utf8_lossy(&html);
    assert!(
        html.contains("<h3>Quel défi &lt;pour&gt; vous ?</h3>"),
        "escaped: {html}"
    );
    assert!(html.contains("Logement &amp; habitat"), "{html}");
    let (_, _, json) = server.get(&path("json"), None).await;
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    // The JSON export is the archive: the workshop whole, answers and counts included.
    let poll = json.pointer(&format!("/workshops/0/polls/{step}")).cloned();
    assert_eq!(
        poll.and_then(|p| p.get("counts").cloned()),
        Some(json!([1, 2])),
        "{json}"
    );
    // …which comes back as a live workshop, its answers given to the new ids.
    let (status, body) = server.request(Method::POST, "/api/import", Some(json)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let imported: Imported = serde_json::from_value(body).unwrap();
    let back = WsClient::connect(&server, &imported.workshops[0].facilitator_secret).await;
    assert_eq!(back.workshop.poll_counts(step), vec![1, 2]);
    let answers = &back.workshop.polls[&step].answers;
    assert_eq!(answers.len(), 3);
    assert!(
        answers
            .keys()
            .all(|who| back.workshop.participants.contains_key(who))
    );
    let (_, _, workbook) = server.get(&path("xlsx"), None).await;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(workbook.to_vec())).unwrap();
    let summary = book.worksheet_range("Synthèse").unwrap();
    let rows: Vec<Vec<String>> = summary
        .rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .filter(|row: &Vec<String>| row.get(1).is_some_and(|q| q == "Quel défi <pour> vous ?"))
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        (rows[1][2].as_str(), rows[1][3].as_str()),
        ("Logement & habitat", "2")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_exported_as_json_comes_back_whole_and_continues() {
    let (_dir, config) = durable();
    let server = TestServer::start_with(config.clone()).await;
    let campaign = fixture::campaign(&Catalog::builtin());
    let archive: Archive = serde_json::from_slice(&archive::export(&campaign, fixture::GENERATED)).unwrap();
    let (status, body) = server
        .request(
            Method::POST,
            "/api/import",
            Some(serde_json::to_value(&archive).unwrap()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let imported: Imported = serde_json::from_value(body).unwrap();
    assert_eq!(imported.workshops.len(), 2);
    let [first, second] = [&imported.workshops[0], &imported.workshops[1]];
    assert_ne!(first.workshop, campaign[0].id);

    // The second workshop's campaign export holds both, as they were.
    let (status, _, json) = server
        .get(
            &format!("/api/workshops/{}/campaign.json", second.workshop),
            Some(&second.facilitator_secret),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let again: Archive = serde_json::from_slice(&json).unwrap();
    let titles: Vec<&str> = again.workshops.iter().map(|w| w.title.as_str()).collect();
    assert_eq!(titles, [campaign[0].title.as_str(), campaign[1].title.as_str()]);
    for (old, new) in campaign.iter().zip(&again.workshops) {
        assert_eq!(new.notes.len(), old.notes.len());
        assert_eq!(new.results, old.results);
        assert_eq!(
            new.ballots.values().sum::<u32>(),
            old.ballots.values().sum::<u32>()
        );
        let names = |w: &Workshop| {
            let mut names: Vec<String> = w.participants.values().map(|p| p.name.clone()).collect();
            names.sort();
            names
        };
        assert_eq!(names(new), names(old));
    }
    // The same report, whichever copy it is made from.
    let (_, _, original) = {
        let created = server
            .request(
                Method::POST,
                "/api/import",
                Some(serde_json::to_value(&archive).unwrap()),
            )
            .await;
        let copy: Imported = serde_json::from_value(created.1).unwrap();
        server
            .get(
                &format!("/api/workshops/{}/campaign.csv", copy.workshops[1].workshop),
                Some(&copy.workshops[1].facilitator_secret),
            )
            .await
    };
    let (_, _, reimported) = server
        .get(
            &format!("/api/workshops/{}/campaign.csv", second.workshop),
            Some(&second.facilitator_secret),
        )
        .await;
    assert_eq!(original, reimported);

    // The imported workshops are live: people join with the new code, the lead runs
    // them, and the campaign goes on from the second.
    let joined = server.join(first.code.as_str(), "Zoé").await;
    let mut lead = WsClient::connect(&server, &first.facilitator_secret).await;
    lead.until(|c| c.workshop.participants.contains_key(&joined.participant))
        .await;
    let third = server
        .create_from_template("yess-camp-3", Some((second.workshop, &second.facilitator_secret)))
        .await;
    let (_, _, json) = server
        .get(
            &format!("/api/workshops/{}/campaign.json", third.workshop),
            Some(&third.facilitator_secret),
        )
        .await;
    let campaign_now: Archive = serde_json::from_slice(&json).unwrap();
    assert_eq!(campaign_now.workshops.len(), 3);
    assert_eq!(campaign_now.workshops[2].origin, Some(second.workshop));

    // A file that is not an archive changes nothing.
    let before = server.workshops_made();
    for bad in [
        json!({ "format": "trello", "version": 1, "exported": 0, "workshops": [] }),
        json!({ "format": "atelier-archive", "version": 1, "exported": 0, "workshops": [] }),
        json!({ "format": "atelier-archive", "version": 9, "exported": 0, "workshops": [] }),
        json!({ "workshops": "nope" }),
    ] {
        let (status, body) = server.request(Method::POST, "/api/import", Some(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(server.workshops_made(), before);

    // Imported workshops are as durable as any: after a restart, the campaign is whole
    // and its lead's token still works.
    drop(lead);
    drop(server);
    let again = TestServer::start_with(config).await;
    let (status, _, json) = again
        .get(
            &format!("/api/workshops/{}/campaign.json", third.workshop),
            Some(&third.facilitator_secret),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let restored: Archive = serde_json::from_slice(&json).unwrap();
    assert_eq!(restored.workshops, campaign_now.workshops);
    let lead = WsClient::connect(&again, &first.facilitator_secret).await;
    assert!(lead.workshop.participants.contains_key(&joined.participant));
}

/// The organiser link keeps its key out of every log: the key follows `#`, a form
/// posts it, and a cookie scoped to that workshop's reports carries it from then on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organiser_form_opens_the_reports_without_a_key_in_any_url() {
    let server = TestServer::start().await;
    let created = server.create_workshop("YESS CAMP 1", &["Aude"]).await;
    let other = server.create_workshop("Un autre atelier", &["Gard"]).await;
    let id = created.workshop;
    let access = organiser_key(&server, id, &created.facilitator_secret).await;
    let (_, key) = access.url.split_once('#').unwrap();
    assert_eq!(key, access.key);

    let open = format!("/api/workshops/{id}/open");
    let (status, headers, page) = server.get(&format!("{open}?lang=en"), None).await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8_lossy(&page);
    assert!(
        page.contains("Organiser key") && page.contains(r#"<form method="post">"#),
        "{page}"
    );
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("script-src 'sha256-") && policy.contains("form-action 'self'"),
        "{policy}"
    );

    // A wrong key, or another workshop's, gets the page again and no cookie.
    let others = organiser_key(&server, other.workshop, &other.facilitator_secret).await;
    for wrong in ["", "zz", &"0".repeat(64), &others.key] {
        let (status, headers, page) = server.post_form(&open, &format!("key={wrong}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{wrong}");
        assert!(headers.get("set-cookie").is_none());
        assert!(page.contains("role=\"alert\""), "{page}");
    }

    // The right key: a cookie for this workshop's reports only, and the report.
    let (status, headers, _) = server.post_form(&open, &format!("key={key}")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers["location"],
        format!("/api/workshops/{id}/report.html?lang=fr")
    );
    let cookie = headers["set-cookie"].to_str().unwrap();
    for part in [
        "HttpOnly",
        "SameSite=Strict",
        &format!("Path=/api/workshops/{id}/"),
    ] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let (pair, _) = cookie.split_once(';').unwrap();
    let with_cookie = [("cookie", pair.to_owned())];
    for format in ["report.html", "report.md", "campaign.csv"] {
        let path = format!("/api/workshops/{id}/{format}");
        let (status, _, _) = server.fetch(&path, &with_cookie).await;
        assert_eq!(status, StatusCode::OK, "{format}");
    }
    // The page's links to the other formats carry no key.
    let (_, _, page) = server
        .fetch(&format!("/api/workshops/{id}/report.html"), &with_cookie)
        .await;
    assert!(
        page.contains(r#"href="report.md?lang=fr""#),
        "links to the other formats"
    );
    assert!(!page.contains(key), "the key is in no link");
    let (status, _, _) = server
        .fetch(
            &format!("/api/workshops/{}/report.html", other.workshop),
            &with_cookie,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "this workshop's key opens no other"
    );
}
