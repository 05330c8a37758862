//! The JSON requests that set a workload up, over plain HTTP/1.1 connections.

use anyhow::{Context, Result};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `POST path` with a JSON body; the answer's JSON. A `307` (several nodes: a
/// join code is sent on to its workshop's node) is followed as a browser does.
pub async fn post(host: &str, path: &str, body: Value) -> Result<Value> {
    let body = body.to_string();
    let mut path = path.to_owned();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(host).await?;
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await?;
        let (head, json) = answer.split_once("\r\n\r\n").context("an HTTP answer")?;
        if head.starts_with("HTTP/1.1 307") {
            path = head
                .lines()
                .find_map(|line| {
                    line.strip_prefix("location: ")
                        .or_else(|| line.strip_prefix("Location: "))
                })
                .context("a redirection without a location")?
                .trim()
                .to_owned();
            continue;
        }
        anyhow::ensure!(head.starts_with("HTTP/1.1 20"), "{path}: {answer}");
        return Ok(serde_json::from_str(json)?);
    }
    anyhow::bail!("{path}: redirected more than 3 times")
}
