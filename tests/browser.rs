//! The real client in real headless Chromium against a real server: a facilitator
//! creates a workshop, a participant joins from another browser, posts, and the
//! facilitator sees the note arrive. The UI is driven through labels and names, as a
//! person (or a screen reader) finds it.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::time::Instant;

use atelier_tests::browser::{Driver, screenshot_dir};
use atelier_tests::server::dist_dir;
use atelier_tests::{PATIENCE, TestServer};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

/// XPath string literal for any text (quotes included).
fn literal(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
    format!("concat({})", parts.join(", \"'\", "))
}

/// Waits for an element; on timeout, saves a screenshot and fails with what the page
/// shows, so that a failure in CI can be understood.
async fn wait(browser: &Client, locator: Locator<'_>, what: &str) -> Element {
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

/// The form field whose label reads `label`.
async fn field(browser: &Client, label: &str) -> Element {
    let xpath = format!("//label[normalize-space()={}]", literal(label));
    let label = wait(browser, Locator::XPath(&xpath), &format!("the label {label:?}")).await;
    let id = label
        .attr("for")
        .await
        .unwrap()
        .expect("the label names its field");
    browser.find(Locator::Id(&id)).await.unwrap()
}

async fn fill(browser: &Client, label: &str, text: &str) {
    let input = field(browser, label).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn click_button(browser: &Client, name: &str) {
    let xpath = format!("//button[normalize-space()={}]", literal(name));
    wait(browser, Locator::XPath(&xpath), &format!("the button {name:?}"))
        .await
        .click()
        .await
        .unwrap();
}

async fn wait_for_text(browser: &Client, css: &str, text: &str) -> Element {
    let xpath = format!(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' {css} ') and normalize-space()={}]",
        literal(text)
    );
    wait(browser, Locator::XPath(&xpath), &format!("{text:?} in .{css}")).await
}

async fn screenshot(browser: &Client, name: &str) {
    let png = browser.screenshot().await.unwrap();
    std::fs::write(screenshot_dir().join(name), png).unwrap();
}

#[tokio::test]
async fn a_note_posted_in_one_browser_appears_live_in_the_facilitators() {
    assert!(
        dist_dir().join("index.html").is_file(),
        "the client is not built in {}: run `cargo xtask test`, which builds it first",
        dist_dir().display()
    );
    let server = TestServer::start().await;
    let driver = Driver::start().await;

    // The facilitator creates the workshop from the home page.
    let facilitator = driver.session().await;
    facilitator.goto(&server.url("/")).await.unwrap();
    fill(&facilitator, "Votre nom (animation)", "Camille").await;
    fill(&facilitator, "Salles", "Aude\nGard").await;
    click_button(&facilitator, "Créer l'atelier").await;
    let code = wait(&facilitator, Locator::Css(".join-code"), "the join code")
        .await
        .text()
        .await
        .unwrap()
        .replace(' ', "");
    assert_eq!(code.len(), 6, "a join code is shown: {code:?}");
    wait_for_text(&facilitator, "status", "En direct").await;

    // A participant joins from another browser with the code and a name.
    let participant = driver.session().await;
    participant.goto(&server.url("/")).await.unwrap();
    fill(&participant, "Code de l'atelier", &code.to_lowercase()).await;
    fill(&participant, "Votre nom", "Alice Martin").await;
    let clicked = Instant::now();
    click_button(&participant, "Rejoindre").await;
    wait_for_text(&participant, "status", "En direct").await;
    let join_to_board = clicked.elapsed();
    wait_for_text(&participant, "room-heading", "Salle Aude").await;

    // She posts a note, and then some hostile markup.
    let composer = "Nouvelle note dans « Besoins prioritaires »";
    fill(&participant, composer, "Mobilité en zone rurale\n").await;
    wait_for_text(&participant, "note-text", "Mobilité en zone rurale").await;
    let hostile = "<img src=x onerror=\"document.title='pwned'\"><b>gras</b>";
    fill(&participant, composer, hostile).await;
    click_button(&participant, "Ajouter").await;

    // The facilitator, watching room Aude, sees both arrive, the markup as text.
    wait_for_text(&facilitator, "note-text", "Mobilité en zone rurale").await;
    let shown = wait_for_text(&facilitator, "note-text", hostile).await;
    assert!(
        shown.find_all(Locator::Css("img, b")).await.unwrap().is_empty(),
        "markup was not rendered"
    );
    assert_ne!(facilitator.title().await.unwrap(), "pwned");
    wait_for_text(&facilitator, "note-author", "Alice Martin").await;
    wait_for_text(&facilitator, "room-stats", "1 participant · 2 notes").await;

    screenshot(&facilitator, "board-facilitator.png").await;
    screenshot(&participant, "board-participant.png").await;
    eprintln!("join → live board: {join_to_board:?} (includes WebDriver round trips)");

    // Bob arrives through the join link: the title is shown, only his name is asked.
    let bob = driver.session().await;
    bob.goto(&server.url(&format!("/j/{code}"))).await.unwrap();
    wait_for_text(&bob, "workshop-title", "YESS CAMP 1 — Menez l'enquête !").await;
    assert!(
        bob.find_all(Locator::Id("join-code")).await.unwrap().is_empty(),
        "the link carries the code"
    );
    fill(&bob, "Votre nom", "Bob").await;
    click_button(&bob, "Rejoindre").await;
    wait_for_text(&bob, "room-heading", "Salle Gard").await;
    fill(&bob, composer, "Un tiers-lieu à Alès\n").await;
    wait_for_text(&bob, "note-text", "Un tiers-lieu à Alès").await;

    // The facilitator finds it under Gard's tab; Aude's notes are not on Bob's board.
    let gard =
        "//button[contains(@class, 'room-tab')][.//*[@class='room-name' and normalize-space()='Gard']]";
    wait(&facilitator, Locator::XPath(gard), "the tab of room Gard")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(&facilitator, "room-heading", "Salle Gard").await;
    wait_for_text(&facilitator, "note-text", "Un tiers-lieu à Alès").await;
    assert_eq!(bob.find_all(Locator::Css(".note")).await.unwrap().len(), 1);
    assert_eq!(
        participant.find_all(Locator::Css(".note")).await.unwrap().len(),
        2
    );

    // Alice corrects her note, then deletes the other; the facilitator follows along.
    let aude =
        "//button[contains(@class, 'room-tab')][.//*[@class='room-name' and normalize-space()='Aude']]";
    wait(&facilitator, Locator::XPath(aude), "the tab of room Aude")
        .await
        .click()
        .await
        .unwrap();
    let first = wait_for_text(&participant, "note-text", "Mobilité en zone rurale").await;
    let card = first.find(Locator::XPath("./ancestor::li")).await.unwrap();
    card.find(Locator::XPath(".//button[normalize-space()='Modifier']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let editor = wait(
        &participant,
        Locator::Css("textarea.note-edit"),
        "the note editor",
    )
    .await;
    editor.clear().await.unwrap();
    editor
        .send_keys("Mobilité des personnes âgées en zone rurale\n")
        .await
        .unwrap();
    wait_for_text(
        &facilitator,
        "note-text",
        "Mobilité des personnes âgées en zone rurale",
    )
    .await;

    let second = wait_for_text(&participant, "note-text", hostile).await;
    let card = second.find(Locator::XPath("./ancestor::li")).await.unwrap();
    card.find(Locator::XPath(".//button[normalize-space()='Supprimer']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    participant.accept_alert().await.unwrap();
    wait_for_text(&facilitator, "room-stats", "1 participant · 1 note").await;
    assert_eq!(
        facilitator.find_all(Locator::Css(".note")).await.unwrap().len(),
        1
    );
    screenshot(&bob, "board-other-room.png").await;

    // On a phone, in English: the switch translates in place, the session stays live.
    participant.set_window_size(390, 844).await.unwrap();
    click_button(&participant, "English").await;
    wait_for_text(&participant, "room-heading", "Room Aude").await;
    wait_for_text(&participant, "status", "Live").await;
    field(&participant, "New note in “Besoins prioritaires”").await;
    screenshot(&participant, "board-phone-english.png").await;

    bob.close().await.unwrap();
    facilitator.close().await.unwrap();
    participant.close().await.unwrap();
}
