//! Finding and using what a page shows, as a person would: by the words on it
//! (labels, button names, texts), waiting for it to appear.

#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

use std::time::Instant;

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

use crate::PATIENCE;
use crate::browser::screenshot_dir;

/// XPath string literal for any text (quotes included).
pub fn literal(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
    format!("concat({})", parts.join(", \"'\", "))
}

/// Waits for an element; on timeout, saves a screenshot and fails with what the page
/// shows, so that a failure in CI can be understood.
pub async fn wait(browser: &Client, locator: Locator<'_>, what: &str) -> Element {
    match browser.wait().at_most(PATIENCE).for_element(locator).await {
        Ok(element) => element,
        Err(error) => {
            let shot = screenshot_dir().join("failure.png");
            if let Ok(png) = browser.screenshot().await {
                let _ = std::fs::write(&shot, png);
            }
            let page = match browser.find(Locator::Css("body")).await {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!(
                "waiting for {what}: {error}\nscreenshot: {}\npage text:\n{page}",
                shot.display()
            );
        }
    }
}

/// Waits for an element, then clicks it.
pub async fn click(browser: &Client, locator: Locator<'_>, what: &str) {
    tap(browser, &wait(browser, locator, what).await).await;
}

/// Clicks an element once it is in the middle of the screen, as a person would:
/// WebDriver alone scrolls it to the very top, under the bar that stays there.
pub async fn tap(browser: &Client, element: &Element) {
    let at = serde_json::to_value(element).unwrap();
    browser
        .execute(
            "arguments[0].scrollIntoView({ block: 'center' }); return true;",
            vec![at],
        )
        .await
        .unwrap();
    element.click().await.unwrap();
}

/// The form field whose label reads `label`.
pub async fn field(browser: &Client, label: &str) -> Element {
    let xpath = format!("//label[normalize-space()={}]", literal(label));
    let label = wait(browser, Locator::XPath(&xpath), &format!("the label {label:?}")).await;
    let id = label
        .attr("for")
        .await
        .unwrap()
        .expect("the label names its field");
    browser.find(Locator::Id(&id)).await.unwrap()
}

pub async fn fill(browser: &Client, label: &str, text: &str) {
    let input = field(browser, label).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

pub async fn click_button(browser: &Client, name: &str) {
    let xpath = format!("//button[normalize-space()={}]", literal(name));
    click(browser, Locator::XPath(&xpath), &format!("the button {name:?}")).await;
}

pub async fn wait_for_text(browser: &Client, css: &str, text: &str) -> Element {
    let xpath = format!(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' {css} ') and normalize-space()={}]",
        literal(text)
    );
    wait(browser, Locator::XPath(&xpath), &format!("{text:?} in .{css}")).await
}

/// Waits until the form field at `xpath` holds `text` (found afresh each time: a
/// board may draw it anew).
pub async fn wait_for_value_at(browser: &Client, xpath: &str, text: &str, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let shown = wait(browser, Locator::XPath(xpath), what)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default();
        if shown == text {
            return;
        }
        assert!(Instant::now() < deadline, "{what} holds {text:?}, not {shown:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Waits until the field labelled `label` holds `text`.
pub async fn wait_for_value(browser: &Client, label: &str, text: &str) {
    let id = field(browser, label).await.attr("id").await.unwrap().unwrap();
    let xpath = format!("//*[@id={}]", literal(&id));
    wait_for_value_at(browser, &xpath, text, &format!("the field {label:?}")).await;
}
