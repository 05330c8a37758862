//! axe-core (vendored, `vendor/axe-core`) run in the page as it stands: every serious
//! or critical violation of WCAG 2.2 A/AA and axe's best practices fails the test.

use fantoccini::Client;
use serde::Deserialize;
use serde_json::json;

/// The engine, injected into the page on first use.
const AXE: &str = include_str!("../../vendor/axe-core/axe.min.js");

/// One rule broken somewhere on the page.
#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    /// CSS selectors of the offending elements, with axe's summary of what is wrong.
    pub nodes: Vec<Offender>,
}

#[derive(Debug, Deserialize)]
pub struct Offender {
    pub target: Vec<serde_json::Value>,
    #[serde(rename = "failureSummary", default)]
    pub failure: String,
}

/// Runs axe on the whole document (scrolled to the top) and returns its violations,
/// every impact included.
pub async fn violations(browser: &Client) -> Vec<Violation> {
    let loaded = browser
        .execute("return typeof window.axe !== 'undefined'", vec![])
        .await
        .expect("ask whether axe is loaded");
    if loaded != json!(true) {
        browser
            .execute(&format!("{AXE}\nreturn true;"), vec![])
            .await
            .expect("inject axe-core");
    }
    let result = browser
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               // From the top of the page: what scrolls under the bar that stays on
               // screen is not hidden from anyone who scrolls back.
               window.scrollTo(0, 0);
               // A note fading in is read once it has arrived, as a person reads it.
               Promise.all(document.getAnimations().map(a => a.finished.catch(() => null))).then(() => axe.run(document, {
                 runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
                 resultTypes: ['violations'],
               })).then(r => done(r.violations), e => done({ error: String(e) }));"#,
            vec![],
        )
        .await
        .expect("axe runs");
    if let Some(error) = result.get("error") {
        panic!("axe failed: {error}");
    }
    serde_json::from_value(result).expect("axe's violations")
}

/// Fails the test if the page, as it is now, has a serious or critical violation;
/// `screen` names it in the failure.
pub async fn assert_accessible(browser: &Client, screen: &str) {
    let found = violations(browser).await;
    let serious: Vec<String> = found
        .iter()
        .filter(|v| matches!(v.impact.as_deref(), Some("serious" | "critical")))
        .map(|v| {
            let nodes: Vec<String> = v
                .nodes
                .iter()
                .take(5)
                .map(|n| format!("    {} — {}", json!(n.target), n.failure.replace('\n', " ")))
                .collect();
            format!(
                "  {} ({}, {} element(s)): {}\n{}",
                v.id,
                v.impact.as_deref().unwrap_or("?"),
                v.nodes.len(),
                v.help,
                nodes.join("\n")
            )
        })
        .collect();
    assert!(
        serious.is_empty(),
        "axe-core: {screen} has serious or critical accessibility violations:\n{}",
        serious.join("\n")
    );
}
