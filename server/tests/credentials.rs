//! What the data directory holds of credentials, on the real binary: digests only.
//! A copy of the files (a backup, a stolen disk) gives no one a way in; the files
//! are private to the server's user; tokens and organiser keys still work after a
//! crash and a restart.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod support;

use std::path::Path;

use atelier_shared::api::{CreateWorkshop, Created, JoinRequest, Joined, OrganiserAccess, RoomRequest};
use atelier_shared::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, ServerMsg, Token};
use support::{DataDir, PATIENCE, connect, next, send, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

/// `GET path` with `Authorization: Bearer token`: the status and the body.
async fn get(host: &str, path: &str, bearer: Option<&Token>) -> (u16, String) {
    let mut stream = TcpStream::connect(host).await.unwrap();
    let authorization = bearer
        .map(|t| format!("Authorization: Bearer {}\r\n", t.0))
        .unwrap_or_default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{authorization}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(PATIENCE, stream.read_to_string(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Every byte of the store's files, as text.
fn everything_in(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        all.push_str(&String::from_utf8_lossy(&bytes));
    }
    all
}

/// Hello with `token`: whether the server welcomed it, or its refusal's code.
async fn hello(host: &str, token: &Token) -> Result<(), ErrorCode> {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{host}/ws"))
        .await
        .unwrap();
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: token.clone(),
    };
    assert!(send(&mut socket, &hello).await);
    next(&mut socket, |m| match m {
        ServerMsg::Welcome { .. } => Some(Ok(())),
        ServerMsg::Error { code, .. } => Some(Err(code)),
        _ => None,
    })
    .await
    .expect("an answer to the hello")
}

#[tokio::test]
async fn the_store_keeps_no_credential_that_opens_anything_and_is_private() {
    let data = DataDir(std::env::temp_dir().join(format!("atelier-credentials-{}", Uuid::new_v4())));
    let (mut server, host) = start(&data.0).await;
    let created: Created = support::post(
        &host,
        "/api/workshops",
        &CreateWorkshop {
            template: Some("brainstorm-vote".into()),
            title: Some("YESS CAMP 1".into()),
            facilitator_name: "Camille".into(),
            rooms: vec![RoomRequest {
                name: "Aude".into(),
                territory: None,
            }],
            ..Default::default()
        },
    )
    .await;
    let mut tokens = vec![created.facilitator_secret.clone()];
    for n in 0..5 {
        let joined: Joined = support::post(
            &host,
            "/api/join",
            &JoinRequest {
                code: created.code.as_str().into(),
                name: format!("Participant {n}"),
            },
        )
        .await;
        tokens.push(joined.token);
    }
    let access_path = format!("/api/workshops/{}/organiser", created.workshop);
    let (status, body) = get(&host, &access_path, Some(&created.facilitator_secret)).await;
    assert_eq!(status, 200, "{body}");
    let access: OrganiserAccess = serde_json::from_str(&body).unwrap();
    let report = format!("/api/workshops/{}/report.md?key={}", created.workshop, access.key);
    assert_eq!(get(&host, &report, None).await.0, 200);

    // A crash: what is in the files is what a thief of the disk would read.
    server.kill().await.unwrap();
    let files = everything_in(&data.0);
    for token in &tokens {
        let (id, secret) = token.0.split_once('.').unwrap();
        assert!(files.contains(id), "the participant ids are there");
        assert!(
            !files.contains(secret),
            "a token's secret is in the data directory"
        );
    }
    assert!(
        !files.contains(&access.key),
        "the organiser key is in the data directory"
    );
    // What is stored for the lead, presented as a token, opens nothing.
    let lead_id = created.facilitator_secret.0.split_once('.').unwrap().0;
    let at = files
        .find(&format!("{lead_id}.sha256."))
        .expect("the lead's digest");
    let stored = Token(files[at..at + lead_id.len() + ".sha256.".len() + 64].to_owned());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data.0), 0o700, "the data directory");
        for entry in std::fs::read_dir(&data.0).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }

    // After a restart, every token and the organiser key still work; the stored
    // digest does not.
    let (_server, host) = start(&data.0).await;
    for token in &tokens {
        assert_eq!(hello(&host, token).await, Ok(()));
    }
    assert_eq!(hello(&host, &stored).await, Err(ErrorCode::UnknownToken));
    assert_eq!(get(&host, &report, None).await.0, 200);
    let (_, again) = get(&host, &access_path, Some(&created.facilitator_secret)).await;
    let again: OrganiserAccess = serde_json::from_str(&again).unwrap();
    assert_eq!(again.key, access.key, "the lead is given the same key as before");
    let (_socket, workshop, _) = connect(&host, &tokens[1]).await;
    assert_eq!(workshop.participants.len(), 6);
}
