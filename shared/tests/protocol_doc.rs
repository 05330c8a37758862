//! `docs/protocol.md` tells the truth: each JSON example reads as the type it shows and
//! writes back to the same JSON, so a renamed field or variant fails here.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use atelier_shared::api::{
    CodeInfo, CreateWorkshop, Created, ErrorBody, Imported, JoinRequest, Joined, OrganiserAccess,
    TemplateSummary,
};
use atelier_shared::protocol::{ClientMsg, ServerMsg};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The fenced blocks of the document, with their info string.
fn examples() -> Vec<(String, String)> {
    let doc = include_str!("../../docs/protocol.md");
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in doc.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => blocks.extend(current.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// Reads `json` as `T` and checks that writing it back gives the same JSON.
fn round_trip<T: DeserializeOwned + Serialize>(json: &str, info: &str) -> T {
    let value: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("```{info} example: {e}\n{json}"));
    let written = serde_json::to_value(&value).unwrap();
    let original: Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        written, original,
        "```{info} example does not write back the same"
    );
    value
}

#[test]
fn every_example_in_the_protocol_document_is_exact() {
    let mut checked = 0;
    for (info, json) in examples() {
        match info.as_str() {
            "json client" => {
                round_trip::<ClientMsg>(&json, &info);
            }
            "json server" => {
                let frame: Vec<Value> = serde_json::from_str(&json).unwrap();
                assert!(!frame.is_empty(), "a server frame is a non-empty array");
                for message in frame {
                    round_trip::<ServerMsg>(&message.to_string(), &info);
                }
            }
            "json http:create_workshop" => drop(round_trip::<CreateWorkshop>(&json, &info)),
            "json http:templates" => drop(round_trip::<Vec<TemplateSummary>>(&json, &info)),
            "json http:created" => drop(round_trip::<Created>(&json, &info)),
            "json http:code_info" => drop(round_trip::<CodeInfo>(&json, &info)),
            "json http:join_request" => drop(round_trip::<JoinRequest>(&json, &info)),
            "json http:joined" => drop(round_trip::<Joined>(&json, &info)),
            "json http:error" => drop(round_trip::<ErrorBody>(&json, &info)),
            "json http:organiser" => drop(round_trip::<OrganiserAccess>(&json, &info)),
            "json http:imported" => drop(round_trip::<Imported>(&json, &info)),
            other => panic!("an example with an unknown info string: ```{other}"),
        }
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} examples found");
}
