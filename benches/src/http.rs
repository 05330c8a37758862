//! The JSON requests that set a workload up, over plain HTTP/1.1 connections.

use anyhow::{Context, Result};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `POST path` with a JSON body; the answer's JSON.
pub async fn post(host: &str, path: &str, body: Value) -> Result<Value> {
    let body = body.to_string();
    let mut stream = TcpStream::connect(host).await?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let (head, json) = answer.split_once("\r\n\r\n").context("an HTTP answer")?;
    anyhow::ensure!(head.starts_with("HTTP/1.1 20"), "{path}: {answer}");
    Ok(serde_json::from_str(json)?)
}
