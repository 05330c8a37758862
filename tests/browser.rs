//! The real client in real headless Chromium against a real server: a facilitator
//! creates a workshop, a participant joins from another browser, posts, and the
//! facilitator sees the note arrive. The UI is driven through labels and names, as a
//! person (or a screen reader) finds it.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::time::Instant;

use atelier_tests::axe::assert_accessible;
use atelier_tests::browser::{Driver, assert_no_console_errors, screenshot_dir};
use atelier_tests::page::{
    click, click_button, field, fill, literal, tap, wait, wait_for_text, wait_for_value, wait_for_value_at,
};
use atelier_tests::{PATIENCE, TestServer};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

/// The join code the cockpit shows, without its space.
async fn join_code(lead: &Client) -> String {
    wait(lead, Locator::Css(".join-code"), "the join code")
        .await
        .text()
        .await
        .unwrap()
        .replace(' ', "")
}

/// Ends a test's browsers: none may have logged an error (a panic, an exception, a
/// rejected promise) at any point of the test.
async fn finish(browsers: Vec<(&str, Client)>) {
    for (who, browser) in browsers {
        assert_no_console_errors(&browser, who).await;
        browser.close().await.unwrap();
    }
}

/// Saves what `browser` shows from the top of the page.
async fn screenshot(browser: &Client, name: &str) {
    browser
        .execute("window.scrollTo(0, 0); return true;", vec![])
        .await
        .unwrap();
    let png = browser.screenshot().await.unwrap();
    std::fs::write(screenshot_dir().join(name), png).unwrap();
}

#[tokio::test]
async fn a_note_posted_in_one_browser_appears_live_in_the_facilitators() {
    assert!(
        atelier_server::http::client::embedded(),
        "the server was compiled without the client: run `cargo xtask test`, which builds it first"
    );
    let server = TestServer::start().await;
    let driver = Driver::start().await;

    // The facilitator creates the workshop from the home page.
    let facilitator = driver.session().await;
    open_creation(&facilitator, &server).await;
    fill(&facilitator, "Votre nom (animation)", "Camille").await;
    fill(&facilitator, "Salles", "Aude\nGard").await;
    click_button(&facilitator, "Créer l'atelier").await;
    let code = join_code(&facilitator).await;
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
    wait_for_text(&bob, "workshop-title", "Brainstorm et vote").await;
    assert!(
        nowhere(&bob, Locator::Id("join-code")).await,
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
    click(&facilitator, Locator::XPath(gard), "the tab of room Gard").await;
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
    click(&facilitator, Locator::XPath(aude), "the tab of room Aude").await;
    let first = wait_for_text(&participant, "note-text", "Mobilité en zone rurale").await;
    let card = first.find(Locator::XPath("./ancestor::li")).await.unwrap();
    let button = card
        .find(Locator::XPath(".//button[normalize-space()='Modifier']"))
        .await
        .unwrap();
    tap(&participant, &button).await;
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
    let button = card
        .find(Locator::XPath(".//button[normalize-space()='Supprimer']"))
        .await
        .unwrap();
    tap(&participant, &button).await;
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

    // A hostile name is text too, in the facilitator's list of people.
    let hostile_name = "<img src=x onerror=\"document.title='pwned'\">Zoé";
    server.join(&code, hostile_name).await;
    let listed = format!(
        "//ul[contains(@class, 'people-list')]//label[.={}]",
        literal(hostile_name)
    );
    wait(&facilitator, Locator::XPath(&listed), "the hostile name, as text").await;
    let people_images = facilitator
        .find_all(Locator::Css(".people-list img"))
        .await
        .unwrap();
    assert!(people_images.is_empty(), "markup in a name was not rendered");
    assert_ne!(facilitator.title().await.unwrap(), "pwned");

    finish(vec![
        ("Bob", bob),
        ("the facilitator", facilitator),
        ("Alice", participant),
    ])
    .await;
}

/// The button whose accessible name (its `aria-label`) is `label`.
async fn labelled_button(browser: &Client, label: &str) -> Element {
    let xpath = format!("//button[@aria-label={}]", literal(label));
    wait(
        browser,
        Locator::XPath(&xpath),
        &format!("the button labelled {label:?}"),
    )
    .await
}

/// Clicks "+" on the note `text` (its button is named after the note).
async fn add_dot(browser: &Client, text: &str) {
    let button = labelled_button(browser, &format!("Ajouter un point à « {text} »")).await;
    tap(browser, &button).await;
}

/// Seconds shown by the shared timer.
async fn timer_seconds(browser: &Client) -> u64 {
    let face = wait(browser, Locator::Css(".timer-face"), "the timer")
        .await
        .text()
        .await
        .unwrap();
    let (minutes, seconds) = face
        .split_once(':')
        .unwrap_or_else(|| panic!("a running timer, not {face:?}"));
    minutes.trim().parse::<u64>().unwrap() * 60 + seconds.trim().parse::<u64>().unwrap()
}

/// The first line of a room's ranking in a plenary.
async fn best_ranked(browser: &Client, room: &str) -> String {
    let xpath = format!(
        "//section[contains(@class, 'room-results')][h3[normalize-space(text())={}]]",
        literal(room)
    );
    let results = wait(browser, Locator::XPath(&xpath), &format!("{room}'s results")).await;
    results
        .find(Locator::Css(".ranking li"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn join(driver: &Driver, server: &TestServer, code: &str, name: &str) -> Client {
    join_in(driver.session().await, server, code, name).await
}

/// `browser` (a phone, an English one…) joins with the code and a name.
async fn join_in(browser: Client, server: &TestServer, code: &str, name: &str) -> Client {
    browser.goto(&server.url("/")).await.unwrap();
    // By the fields' ids: the browser may be in either language.
    let code_field = wait(&browser, Locator::Id("join-code"), "the code field").await;
    code_field.send_keys(code).await.unwrap();
    let name_field = browser.find(Locator::Id("join-name")).await.unwrap();
    name_field.send_keys(name).await.unwrap();
    click(
        &browser,
        Locator::Css("form button[type='submit']"),
        "the join button",
    )
    .await;
    wait(&browser, Locator::Css(".status-live"), "the live connection").await;
    browser
}

async fn post(browser: &Client, column: &str, text: &str) {
    fill(
        browser,
        &format!("Nouvelle note dans « {column} »"),
        &format!("{text}\n"),
    )
    .await;
    wait_for_text(browser, "note-text", text).await;
}

async fn absent(browser: &Client, css: &str, text: &str) -> bool {
    let xpath = format!(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' {css} ') and normalize-space()={}]",
        literal(text)
    );
    nowhere(browser, Locator::XPath(&xpath)).await
}

#[tokio::test]
async fn a_facilitator_runs_a_short_workshop_with_three_participants_in_two_rooms() {
    let server = TestServer::start().await;
    let driver = Driver::start().await;

    // The facilitator creates a brainstorm-and-vote workshop with two rooms.
    let lead = driver.session().await;
    open_creation(&lead, &server).await;
    wait(
        &lead,
        Locator::XPath("//option[contains(., 'YESS CAMP 1')]"),
        "the templates",
    )
    .await;
    screenshot(&lead, "home.png").await;
    fill(&lead, "Titre de l'atelier", "Atelier des quartiers").await;
    fill(&lead, "Votre nom (animation)", "Camille").await;
    fill(&lead, "Salles", "Aude\nGard").await;
    fill(&lead, "Colonnes du tableau (une par ligne)", "Idées").await;
    click_button(&lead, "Créer l'atelier").await;
    let code = join_code(&lead).await;
    wait(&lead, Locator::Css("img.qr"), "the QR code").await;

    // Three people join with the code; the rooms fill evenly.
    let alice = join(&driver, &server, &code, "Alice").await;
    wait_for_text(&alice, "room-heading", "Salle Aude").await;
    let bob = join(&driver, &server, &code, "Bob").await;
    wait_for_text(&bob, "room-heading", "Salle Gard").await;
    let chloe = join(&driver, &server, &code, "Chloé").await;
    wait_for_text(&chloe, "room-heading", "Salle Aude").await;
    wait_for_text(&lead, "room-stats", "2 participants · aucune note").await;

    // Ideas stay hidden until the facilitator reveals them.
    let hidden = "//label[normalize-space()=\"Notes cachées jusqu'à la révélation\"]/input";
    click(&lead, Locator::XPath(hidden), "the hidden-notes switch").await;
    wait_for_text(&alice, "mode", "Notes cachées jusqu'à la révélation").await;
    post(&alice, "Idées", "Mobilité en zone rurale").await;
    post(&alice, "Idées", "Un tiers-lieu").await;
    post(&chloe, "Idées", "Épicerie solidaire").await;
    post(&bob, "Idées", "Covoiturage").await;
    post(&bob, "Idées", "Jardins partagés").await;
    wait_for_text(&lead, "room-stats", "2 participants · 3 notes").await;
    assert!(
        absent(&chloe, "note-text", "Mobilité en zone rurale").await,
        "Chloé does not see Alice's hidden idea"
    );
    screenshot(&chloe, "participant-hidden-brainstorm.png").await;
    screenshot(&lead, "cockpit-brainstorm.png").await;
    click_button(&lead, "Révéler les notes cachées").await;
    wait_for_text(&chloe, "note-text", "Mobilité en zone rurale").await;

    // The timer: the same second on every screen.
    fill(&lead, "Minutes", "5").await;
    click_button(&lead, "Lancer le minuteur").await;
    wait(&alice, Locator::Css(".timer.running"), "a running timer").await;
    wait(&bob, Locator::Css(".timer.running"), "a running timer").await;
    let shown = [
        timer_seconds(&lead).await,
        timer_seconds(&alice).await,
        timer_seconds(&bob).await,
        timer_seconds(&chloe).await,
    ];
    let (low, high) = (shown.iter().min().unwrap(), shown.iter().max().unwrap());
    assert!(high - low <= 1, "every screen shows the same time: {shown:?}");
    assert!((290..=300).contains(low), "about five minutes left: {shown:?}");

    // The vote: 3 dots each, one per idea at most.
    click_button(&lead, "Étape suivante : Votez pour vos préférées").await;
    wait_for_text(&alice, "step-title", "Votez pour vos préférées").await;
    wait_for_text(&alice, "budget", "Il vous reste 3 points sur 3").await;
    add_dot(&alice, "Épicerie solidaire").await;
    wait_for_text(&alice, "budget", "Il vous reste 2 points sur 3").await;
    let again = labelled_button(&alice, "Ajouter un point à « Épicerie solidaire »").await;
    assert_eq!(
        again.attr("disabled").await.unwrap().as_deref(),
        Some("true"),
        "one dot per idea at most"
    );
    add_dot(&alice, "Mobilité en zone rurale").await;
    add_dot(&alice, "Un tiers-lieu").await;
    wait_for_text(&alice, "budget", "Il vous reste 0 point sur 3").await;
    screenshot(&alice, "participant-vote.png").await;
    add_dot(&chloe, "Épicerie solidaire").await;
    wait_for_text(&chloe, "budget", "Il vous reste 2 points sur 3").await;
    add_dot(&bob, "Jardins partagés").await;
    wait_for_text(&bob, "budget", "Il vous reste 2 points sur 3").await;
    wait_for_text(&lead, "room-stats", "1 en ligne · 0 a terminé · 1 point").await;

    // Alice says she is done; the cockpit shows it.
    click_button(&alice, "J'ai terminé").await;
    wait_for_text(&lead, "room-stats", "2 en ligne · 1 a terminé · 4 points").await;
    // A toggle keeps its name; its pressed state tells.
    wait(
        &alice,
        Locator::XPath("//button[@aria-pressed='true'][normalize-space()=\"✓ J'ai terminé\"]"),
        "the pressed \"J'ai terminé\"",
    )
    .await;
    screenshot(&lead, "cockpit-vote.png").await;

    // Closing the vote ranks each room.
    click_button(&lead, "Clore le vote").await;
    wait_for_text(&alice, "budget", "Le vote est clos : voici le classement.").await;
    let best = wait_for_text(&alice, "note-text", "Épicerie solidaire").await;
    let card = best.find(Locator::XPath("./ancestor::li")).await.unwrap();
    assert_eq!(
        card.find(Locator::Css(".rank"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "1er"
    );

    // The plenary: both rooms, ranked, on everyone's screen.
    click_button(&lead, "Étape suivante : Résultats en plénière").await;
    for browser in [&alice, &bob, &chloe] {
        wait_for_text(browser, "step-title", "Résultats en plénière").await;
        let first = best_ranked(browser, "Aude").await;
        assert!(
            first.contains("1er") && first.contains("Épicerie solidaire"),
            "{first:?}"
        );
        let first = best_ranked(browser, "Gard").await;
        assert!(first.contains("Jardins partagés"), "{first:?}");
    }
    screenshot(&bob, "plenary.png").await;

    // A message to every room.
    open_panel(&lead, "Message à toutes les salles").await;
    fill(&lead, "Message", "Retour en salle principale dans 2 minutes").await;
    click_button(&lead, "Afficher dans toutes les salles").await;
    wait_for_text(
        &chloe,
        "broadcast-text",
        "Retour en salle principale dans 2 minutes",
    )
    .await;

    // The report: the case file, with each room's ranking.
    let report = "//a[normalize-space()=\"Rapport de l'atelier\"]";
    click(&lead, Locator::XPath(report), "the report link").await;
    wait_for_text(&lead, "report-title", "Atelier des quartiers").await;
    let row = wait(
        &lead,
        Locator::XPath("//table[caption='Idées']//tr[td[2]='Épicerie solidaire']"),
        "Épicerie solidaire in the report",
    )
    .await;
    let cells: Vec<String> = {
        let mut texts = Vec::new();
        for cell in row.find_all(Locator::Css("td")).await.unwrap() {
            texts.push(cell.text().await.unwrap());
        }
        texts
    };
    assert_eq!(cells, ["1", "Épicerie solidaire", "2", "2"]);
    screenshot(&lead, "report.png").await;

    // A participant on a phone, in the plenary.
    chloe.set_window_size(390, 844).await.unwrap();
    screenshot(&chloe, "plenary-phone.png").await;

    finish(vec![
        ("Alice", alice),
        ("Bob", bob),
        ("Chloé", chloe),
        ("the lead", lead),
    ])
    .await;
}

/// The lead opens the agenda and sends every room to the step titled `title`.
async fn go_to_step(lead: &Client, title: &str) {
    let agenda = "//details[contains(@class, 'agenda')]";
    let agenda = wait(lead, Locator::XPath(agenda), "the agenda").await;
    if agenda.attr("open").await.unwrap().is_none() {
        agenda
            .find(Locator::Css("summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    let go = format!(
        "//details[contains(@class, 'agenda')]//li[.//*[normalize-space()={}]]//button",
        literal(title)
    );
    click(lead, Locator::XPath(&go), &format!("the agenda entry {title:?}")).await;
}

/// The home page, its creation form opened (participants coming with a code see only
/// the join form), the default programme's title filled in.
async fn open_creation(browser: &Client, server: &TestServer) {
    browser.goto(&server.url("/")).await.unwrap();
    click_button(browser, "Créer un atelier").await;
    wait_for_value(browser, "Titre de l'atelier", "Brainstorm et vote").await;
}

/// Camille creates a YESS CAMP 1 workshop (its rooms and maps come with it) from the
/// home page; returns the join code the cockpit shows.
async fn create_yess_camp_1(lead: &Client, server: &TestServer) -> String {
    open_creation(lead, server).await;
    click(
        lead,
        Locator::XPath("//option[@value='yess-camp-1']"),
        "the YESS CAMP 1 template",
    )
    .await;
    fill(lead, "Votre nom (animation)", "Camille").await;
    click_button(lead, "Créer l'atelier").await;
    join_code(lead).await
}

#[tokio::test]
async fn yess_camp_1_characterises_and_builds_the_problem_tree_of_the_retained_needs() {
    let server = TestServer::start().await;
    let driver = Driver::start().await;

    // The facilitator picks the YESS CAMP 1 programme: its rooms and map come with it.
    let lead = driver.session().await;
    let code = create_yess_camp_1(&lead, &server).await;
    // Newcomers choose their territory's room.
    click(
        &lead,
        Locator::XPath("//select[@id='assignment']/option[@value='choice']"),
        "the choice of rooms",
    )
    .await;
    let alice = join(&driver, &server, &code, "Alice").await;
    wait_for_text(&alice, "lobby-heading", "Bienvenue dans le hall").await;
    screenshot(&alice, "lobby-choice.png").await;
    let aude = "//ul[contains(@class, 'room-choices')]//button[starts-with(normalize-space(), 'Aude')]";
    click(&alice, Locator::XPath(aude), "the room Aude to choose").await;
    wait_for_text(&alice, "room-heading", "Salle Aude").await;
    let need = "Mobilité durable en zone rurale (transport à la demande, covoiturage)";
    wait_for_text(&alice, "note-text", need).await;

    // Selection: per-column budgets.
    go_to_step(&lead, "Sélection des besoins prioritaires").await;
    wait_for_text(&alice, "budget-column", "Besoins du territoire : 3 sur 3").await;
    wait_for_text(&alice, "budget-column", "Besoins émergents : 2 sur 2").await;
    add_dot(&alice, need).await;
    wait_for_text(&alice, "budget-column", "Besoins du territoire : 2 sur 3").await;
    click_button(&lead, "Clore le vote").await;
    wait_for_text(&alice, "budget", "Le vote est clos : voici le classement.").await;

    // Characterisation of the retained need, seen by the facilitator.
    go_to_step(&lead, "Caractérisez les besoins prioritaires").await;
    wait_for_text(&alice, "dossier-title", need).await;
    let why = "Pourquoi est-ce important sur le territoire ?";
    fill(&alice, why, "Pas de bus le dimanche dans la haute vallée\t").await;
    let mirrored = "//textarea[contains(@id, '-Why')]";
    wait_for_value_at(
        &lead,
        mirrored,
        "Pas de bus le dimanche dans la haute vallée",
        "the facilitator's copy",
    )
    .await;
    screenshot(&alice, "characterise.png").await;

    // The problem tree: a consequence above, a cause below.
    click_button(&lead, "Étape suivante : L'arbre à problèmes").await;
    wait_for_text(&alice, "trunk", need).await;
    fill(&alice, "Ajouter une cause", "Lignes de car supprimées\n").await;
    fill(
        &alice,
        "Ajouter une conséquence",
        "Isolement des personnes âgées\n",
    )
    .await;
    let cause = "//section[contains(@class, 'causes')]//li[contains(@class, 'branch')][normalize-space(span)='Lignes de car supprimées']";
    wait(
        &lead,
        Locator::XPath(cause),
        "the cause on the facilitator's screen",
    )
    .await;
    let consequence = "//section[contains(@class, 'consequences')]//li[contains(@class, 'branch')][normalize-space(span)='Isolement des personnes âgées']";
    wait(
        &lead,
        Locator::XPath(consequence),
        "the consequence on the facilitator's screen",
    )
    .await;
    screenshot(&alice, "problem-tree.png").await;
    screenshot(&lead, "cockpit-problem-tree.png").await;

    finish(vec![("Alice", alice), ("the lead", lead)]).await;
}

/// Camille creates a brainstorm-and-vote workshop with these rooms from the home
/// page; returns the join code the cockpit shows.
async fn create_workshop(lead: &Client, server: &TestServer, rooms: &str) -> String {
    open_creation(lead, server).await;
    fill(lead, "Votre nom (animation)", "Camille").await;
    fill(lead, "Salles", rooms).await;
    click_button(lead, "Créer l'atelier").await;
    join_code(lead).await
}

/// The lead opens a closed panel of the cockpit by its heading.
async fn open_panel(lead: &Client, heading: &str) {
    let summary = format!("//summary[.//h3[normalize-space()={}]]", literal(heading));
    click(lead, Locator::XPath(&summary), &format!("the panel {heading:?}")).await;
}

#[tokio::test]
async fn the_cockpit_imports_a_map_moves_people_and_merges_duplicates_and_votes_work_from_the_keyboard() {
    let server = TestServer::start().await;
    let driver = Driver::start().await;
    let lead = driver.session().await;
    let code = create_workshop(&lead, &server, "Aude\nGard").await;
    let alice = join(&driver, &server, &code, "Alice").await;
    wait_for_text(&alice, "room-heading", "Salle Aude").await;
    let bob = join(&driver, &server, &code, "Bob").await;
    wait_for_text(&bob, "room-heading", "Salle Gard").await;

    // A map chosen as a file (JSON here; CSV as a spreadsheet exports it works the
    // same): each line to its territory's room, or to all.
    open_panel(&lead, "Importer une cartographie").await;
    let map = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("carte-aude-gard.json");
    std::fs::write(
        &map,
        r#"[{"text": "Cantine bio", "territory": "Aude"}, {"text": "Navette vers la gare", "territory": "Gard"}, "Crèche associative"]"#,
    )
    .unwrap();
    field(&lead, "Fichier CSV ou JSON")
        .await
        .send_keys(&map.display().to_string())
        .await
        .unwrap();
    wait_for_value(
        &lead,
        "Contenu de la cartographie",
        &std::fs::read_to_string(&map).unwrap(),
    )
    .await;
    click_button(&lead, "Importer").await;
    wait_for_text(&lead, "hint", "3 notes importées.").await;
    wait_for_text(&alice, "note-text", "Cantine bio").await;
    wait_for_text(&alice, "note-text", "Crèche associative").await;
    wait_for_text(&bob, "note-text", "Navette vers la gare").await;
    wait_for_text(&bob, "note-text", "Crèche associative").await;
    assert!(absent(&alice, "note-text", "Navette vers la gare").await);

    // Bob is moved to Aude: his board follows.
    open_panel(&lead, "Participants").await;
    let option =
        "//label[normalize-space()='Bob']/following-sibling::select/option[normalize-space()='Aude']";
    click(&lead, Locator::XPath(option), "Bob's room choice").await;
    wait_for_text(&bob, "room-heading", "Salle Aude").await;
    wait_for_text(&bob, "note-text", "Cantine bio").await;
    wait(
        &alice,
        Locator::XPath("//summary[contains(., '2 en ligne sur 2')]"),
        "Bob online in Alice's room",
    )
    .await;

    // Two notes saying the same thing become one.
    post(&alice, "Besoins prioritaires", "Transport scolaire").await;
    post(&bob, "Besoins prioritaires", "Transports pour les collégiens").await;
    wait_for_text(&lead, "note-text", "Transports pour les collégiens").await;
    click_button(&lead, "Regrouper des doublons").await;
    for text in ["Transport scolaire", "Transports pour les collégiens"] {
        let label = format!("Choisir « {text} »");
        let tick = format!("//label[span[normalize-space()={}]]/input", literal(&label));
        click(&lead, Locator::XPath(&tick), &label).await;
    }
    click_button(&lead, "Regrouper").await;
    let merged =
        "//details[contains(@class, 'group-members')]/summary[normalize-space()='+ 1 note regroupée']";
    wait(&alice, Locator::XPath(merged), "the merged note on Alice's board").await;
    assert!(absent(&alice, "note-text", "Transports pour les collégiens").await);
    screenshot(&lead, "cockpit-merged.png").await;

    // The vote, from the keyboard: Enter on a focused button.
    click_button(&lead, "Étape suivante : Votez pour vos préférées").await;
    let add = labelled_button(&alice, "Ajouter un point à « Transport scolaire »").await;
    add.send_keys("\u{E007}").await.unwrap();
    wait_for_text(&alice, "budget", "Il vous reste 2 points sur 3").await;

    // The workshop is over: the lead deletes it, after a confirmation.
    open_panel(&lead, "Supprimer l'atelier").await;
    click_button(&lead, "Supprimer définitivement").await;
    let question = lead.get_alert_text().await.unwrap();
    assert!(
        question.contains("Supprimer définitivement cet atelier"),
        "{question}"
    );
    lead.accept_alert().await.unwrap();
    wait(
        &bob,
        Locator::XPath("//p[@role='alert'][normalize-space()='Cet atelier a été supprimé par son animateur ou son animatrice.']"),
        "the deletion explained on Bob's screen",
    )
    .await;
    screenshot(&bob, "deleted.png").await;
    let (_, health) = server.request(hyper::Method::GET, "/api/health", None).await;
    assert_eq!(health["workshops"], 0, "nothing left on the server: {health}");

    finish(vec![("Alice", alice), ("Bob", bob), ("the lead", lead)]).await;
}

/// Lets the test cut this browser's network: websockets are caught as they send, and
/// while the network is "down" a new one fails as a browser's does offline (an error,
/// then a close with code 1006), without a request the page's policy would refuse.
async fn watch_network(browser: &Client) {
    let script = r#"
        const Real = window.WebSocket;
        window.__atelierNet = { offline: false, sockets: [] };
        const send = Real.prototype.send;
        Real.prototype.send = function (data) {
            if (!window.__atelierNet.sockets.includes(this)) window.__atelierNet.sockets.push(this);
            return send.call(this, data);
        };
        window.WebSocket = function (url, protocols) {
            if (!window.__atelierNet.offline) return new Real(url, protocols);
            const unreachable = {
                readyState: 0, binaryType: 'blob', bufferedAmount: 0, url,
                send() {}, close() {},
            };
            setTimeout(() => {
                unreachable.readyState = 3;
                if (unreachable.onerror) unreachable.onerror(new Event('error'));
                if (unreachable.onclose) unreachable.onclose(new CloseEvent('close', { code: 1006, wasClean: false }));
            }, 20);
            return unreachable;
        };
        window.WebSocket.prototype = Real.prototype;
        Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
        return true;
    "#;
    browser.execute(script, vec![]).await.unwrap();
}

/// The network drops: open sockets close, and reconnecting fails until [`network_back`].
async fn network_down(browser: &Client) {
    let script = r#"
        window.__atelierNet.offline = true;
        for (const socket of window.__atelierNet.sockets) socket.close();
        window.__atelierNet.sockets = [];
        return true;
    "#;
    browser.execute(script, vec![]).await.unwrap();
}

/// The network comes back, and the browser says so (`online`), as a real one does.
async fn network_back(browser: &Client) {
    let script = r#"
        window.__atelierNet.offline = false;
        window.dispatchEvent(new Event('online'));
        return true;
    "#;
    browser.execute(script, vec![]).await.unwrap();
}

#[tokio::test]
async fn a_participant_who_loses_the_network_keeps_working_and_catches_up_without_duplicates() {
    let server = TestServer::start().await;
    let driver = Driver::start().await;
    let lead = driver.session().await;
    let code = create_workshop(&lead, &server, "Aude").await;
    let alice = join(&driver, &server, &code, "Alice").await;
    let column = "Besoins prioritaires";

    // A first note goes through; the connection then drops (the socket that sent it
    // is cut, and reconnecting fails).
    watch_network(&alice).await;
    post(&alice, column, "Avant la coupure").await;
    wait_for_text(&lead, "note-text", "Avant la coupure").await;
    network_down(&alice).await;
    wait_for_text(&alice, "status", "Reconnexion…").await;

    // Offline, Alice keeps writing: her note shows at once, marked as waiting.
    post(&alice, column, "Pendant la coupure").await;
    wait_for_text(&alice, "status", "Reconnexion… (1 modification en attente)").await;
    wait(
        &alice,
        Locator::Css(".connection-lost"),
        "the banner saying the connection dropped",
    )
    .await;
    wait_for_text(&alice, "note-author", "envoi…").await;
    screenshot(&alice, "reconnecting.png").await;
    assert!(absent(&lead, "note-text", "Pendant la coupure").await);

    // The network comes back: the client reconnects by itself, sends what waited,
    // and everyone ends with each note once.
    network_back(&alice).await;
    wait_for_text(&alice, "status", "En direct").await;
    assert!(nowhere(&alice, Locator::Css(".connection-lost")).await);
    wait_for_text(&lead, "note-text", "Pendant la coupure").await;
    wait_for_text(&alice, "note-author", "Alice").await;
    for browser in [&alice, &lead] {
        for text in ["Avant la coupure", "Pendant la coupure"] {
            let xpath = format!(
                "//p[contains(@class, 'note-text') and normalize-space()={}]",
                literal(text)
            );
            let copies = browser.find_all(Locator::XPath(&xpath)).await.unwrap().len();
            assert_eq!(copies, 1, "{text:?} shown once");
        }
    }

    finish(vec![("Alice", alice), ("the lead", lead)]).await;
}

/// Pages of a PDF as Chromium writes it: one `/Type /Page` object each.
fn pdf_pages(pdf: &[u8]) -> usize {
    let marker = b"/Type /Page";
    pdf.windows(marker.len() + 1)
        .filter(|w| w.starts_with(marker) && !w[marker.len()].is_ascii_alphabetic())
        .count()
}

#[tokio::test]
async fn an_organiser_opens_the_printable_report_of_an_imported_campaign_and_prints_it() {
    use atelier_server::catalog::Catalog;
    use atelier_server::export::archive;
    use atelier_shared::api::Imported;
    use atelier_tests::fixture;
    use fantoccini::wd::{PrintConfiguration, PrintSize};
    use hyper::{Method, StatusCode};

    let server = TestServer::start().await;
    let campaign = fixture::campaign(&Catalog::builtin());
    let archive: serde_json::Value =
        serde_json::from_slice(&archive::export(&campaign, fixture::GENERATED)).unwrap();
    let (status, body) = server.request(Method::POST, "/api/import", Some(archive)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let imported: Imported = serde_json::from_value(body).unwrap();
    let first = &imported.workshops[0];

    // The lead's report page: download links and the organiser link to hand on.
    let driver = Driver::start().await;
    let lead = driver.session().await;
    let private = format!("/w/{}#k={}", first.workshop, first.facilitator_secret.0);
    lead.goto(&server.url(&private)).await.unwrap();
    wait(&lead, Locator::Css(".join-code"), "the cockpit").await;
    lead.goto(&server.url(&format!("/w/{}/report", first.workshop)))
        .await
        .unwrap();
    let xlsx = wait(
        &lead,
        Locator::XPath("//section[@aria-labelledby='exports-heading']//a[normalize-space()='Excel (XLSX)']"),
        "the XLSX download",
    )
    .await;
    let href = xlsx.attr("href").await.unwrap().unwrap();
    assert!(
        href.starts_with(&format!("/api/workshops/{}/report.xlsx?key=", first.workshop)),
        "{href}"
    );
    assert!(
        !href.contains(&first.facilitator_secret.0),
        "the lead's token never goes into a link"
    );
    let link = field(&lead, "Lien organisateur (lecture seule)").await;
    let started = Instant::now();
    let url = loop {
        let value = link.prop("value").await.unwrap().unwrap_or_default();
        if !value.is_empty() {
            break value;
        }
        assert!(started.elapsed() < PATIENCE, "the organiser link never came");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    // The key follows `#`: no browser sends it, so no log keeps it.
    assert!(url.contains("/open#"), "{url}");
    screenshot(&lead, "report-exports.png").await;

    // The organiser, in another browser, with nothing but the link.
    let organiser = driver.session().await;
    organiser.goto(&url).await.unwrap();
    wait_for_text(
        &organiser,
        "title",
        "YESS CAMP Occitanie — Enquête sur les besoins",
    )
    .await;
    let rooms = organiser.find_all(Locator::Css("section.room")).await.unwrap();
    assert_eq!(rooms.len(), 6);
    let charts = organiser.find_all(Locator::Css("svg.chart")).await.unwrap();
    assert!(
        charts.len() >= 13,
        "a timeline and each room's rankings: {}",
        charts.len()
    );
    // Hostile notes show as text; the page runs no script of theirs.
    let hostile = format!("//td[normalize-space()={}]", literal(fixture::HOSTILE[0]));
    wait(&organiser, Locator::XPath(&hostile), "the hostile note, as text").await;
    let scripts = organiser
        .execute("return document.scripts.length", vec![])
        .await
        .unwrap();
    assert_eq!(scripts, serde_json::json!(0));
    organiser.set_window_size(1000, 1400).await.unwrap();
    screenshot(&organiser, "report-organiser.png").await;

    // Printed on A4: the cover, then each of the six rooms from a new page.
    let a4 = PrintConfiguration::builder()
        .size(PrintSize::A4)
        .background(true)
        .build()
        .unwrap();
    let pdf = organiser.print(a4).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = pdf_pages(&pdf);
    assert!((7..=20).contains(&pages), "{pages} pages");
    let saved = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-organiser.pdf");
    std::fs::write(&saved, &pdf).unwrap();

    finish(vec![("the lead", lead), ("the organiser", organiser)]).await;
}

/// The texts of a column's notes, top to bottom, as `browser` shows them.
async fn column_notes(browser: &Client, column: &str) -> Vec<String> {
    let xpath = format!(
        "//section[contains(@class, 'column')][h3[starts-with(normalize-space(), {})]]//p[contains(@class, 'note-text')]",
        literal(column)
    );
    let mut texts = Vec::new();
    for note in browser.find_all(Locator::XPath(&xpath)).await.unwrap() {
        texts.push(note.text().await.unwrap());
    }
    texts
}

/// The card of the note `text`.
async fn card(browser: &Client, text: &str) -> Element {
    wait_for_text(browser, "note-text", text)
        .await
        .find(Locator::XPath("./ancestor::li[contains(@class, 'note')]"))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_facilitator_on_a_call_moves_on_safely_results_read_well_and_no_typed_word_is_lost() {
    let server = TestServer::start().await;
    let driver = Driver::start().await;
    let lead = driver.session().await;
    let code = create_yess_camp_1(&lead, &server).await;
    click(
        &lead,
        Locator::XPath("//select[@id='assignment']/option[@value='choice']"),
        "the choice of rooms",
    )
    .await;
    let aude = "//ul[contains(@class, 'room-choices')]//button[starts-with(normalize-space(), 'Aude')]";
    let alice = join(&driver, &server, &code, "Alice").await;
    click(&alice, Locator::XPath(aude), "the room Aude").await;
    let bob = join(&driver, &server, &code, "Bob").await;
    click(&bob, Locator::XPath(aude), "the room Aude").await;
    wait_for_text(&bob, "room-heading", "Salle Aude").await;

    // Before the brainstorm, from the agenda: its notes will stay hidden. Each "Y aller"
    // says where it goes.
    let brainstorm = "Nouveaux indices : proposez des besoins";
    let agenda = wait(&lead, Locator::Css("details.agenda > summary"), "the agenda").await;
    agenda.click().await.unwrap();
    let hidden = format!(
        "//details[contains(@class, 'agenda')]//label[normalize-space()={}]/input",
        literal(&format!("Cachées — {brainstorm}"))
    );
    click(&lead, Locator::XPath(&hidden), "the brainstorm's hidden switch").await;
    let go = format!("Y aller — étape 3 : {brainstorm}");
    tap(&lead, &labelled_button(&lead, &go).await).await;
    wait_for_text(&alice, "step-title", brainstorm).await;
    wait_for_text(&alice, "mode", "Notes cachées jusqu'à la révélation").await;
    // The timer follows the steps: the brainstorm's planned 15 minutes.
    wait(&alice, Locator::Css(".timer.running"), "the step's timer").await;
    let left = timer_seconds(&alice).await;
    assert!((880..=900).contains(&left), "15 minutes on the clock: {left}");

    // Needs, and a note Alice is still writing when the lead moves on.
    let column = "Besoins du territoire";
    post(&alice, column, "Maison de santé").await;
    post(&alice, column, "Navette vers les marchés").await;
    post(&bob, column, "Épicerie itinérante").await;
    let composer = format!("Nouvelle note dans « {column} »");
    field(&alice, &composer)
        .await
        .send_keys("Un lieu pour les jeunes")
        .await
        .unwrap();
    click_button(&lead, "Révéler les notes cachées").await;
    wait_for_text(&bob, "note-text", "Maison de santé").await;
    let selection = "Sélection des besoins prioritaires";
    click_button(&lead, &format!("Étape suivante : {selection}")).await;
    wait_for_text(&alice, "step-title", selection).await;
    let left = timer_seconds(&alice).await;
    assert!((580..=600).contains(&left), "the vote's 10 minutes: {left}");
    // Back to the brainstorm: the unsent note is still in its field.
    tap(&lead, &labelled_button(&lead, &go).await).await;
    wait_for_value(&alice, &composer, "Un lieu pour les jeunes").await;
    tap(
        &lead,
        &labelled_button(&lead, &format!("Y aller — étape 4 : {selection}")).await,
    )
    .await;
    wait_for_text(&alice, "step-title", selection).await;

    // The vote: Maison de santé gets two dots; Navette, Épicerie and a need of the map
    // one each, tied at the cut of the "top 3" the next steps keep.
    let mapped = "Mobilité durable en zone rurale (transport à la demande, covoiturage)";
    add_dot(&alice, "Maison de santé").await;
    add_dot(&alice, "Navette vers les marchés").await;
    add_dot(&alice, mapped).await;
    add_dot(&bob, "Maison de santé").await;
    add_dot(&bob, "Épicerie itinérante").await;
    wait_for_text(&bob, "budget-column", "Besoins du territoire : 1 sur 3").await;
    wait_for_text(&lead, "room-stats", "2 en ligne · 0 a terminé · 5 points").await;

    // While the vote is open, closing it is the primary action; moving on says it
    // closes the vote too.
    let close = wait(
        &lead,
        Locator::XPath("//button[normalize-space()='Clore le vote']"),
        "the close button",
    )
    .await;
    assert!(close.attr("class").await.unwrap().unwrap().contains("primary"));
    let onward = wait(
        &lead,
        Locator::XPath("//button[normalize-space()=\"Clore le vote et passer à : Appel à témoins\"]"),
        "the next step, which closes the vote",
    )
    .await;
    assert!(!onward.attr("class").await.unwrap().unwrap().contains("primary"));
    screenshot(&lead, "cockpit-open-vote.png").await;
    close.click().await.unwrap();

    // Results people can read: best first, totals for everyone, the retained needs set
    // apart, no more vote buttons.
    wait_for_text(&alice, "budget", "Le vote est clos : voici le classement.").await;
    wait(
        &alice,
        Locator::Css("h4.retained-heading"),
        "the retained notes' heading",
    )
    .await;
    let order = column_notes(&alice, column).await;
    assert_eq!(
        order.first().map(String::as_str),
        Some("Maison de santé"),
        "{order:?}"
    );
    let best = card(&alice, "Maison de santé").await;
    assert_eq!(
        best.find(Locator::Css(".rank"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "1er"
    );
    assert_eq!(
        best.find(Locator::Css(".ranked-votes"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "2 points"
    );
    let retained = alice
        .find_all(Locator::XPath(
            "//ul[contains(@class, 'retained')]//p[contains(@class, 'note-text')]",
        ))
        .await
        .unwrap();
    let mut kept = Vec::new();
    for note in retained {
        kept.push(note.text().await.unwrap());
    }
    assert_eq!(kept.len(), 4, "ties at the cut are all kept: {kept:?}");
    assert!(
        nowhere(&alice, Locator::Css(".dot-button")).await,
        "no vote buttons once the vote is closed"
    );

    // The facilitator sees the tie at the cut, and settles it.
    wait_for_text(&lead, "tag", "égalité à départager").await;
    let tie = wait(&lead, Locator::Css(".tie-box"), "the tie at the cut").await;
    assert!(
        tie.text()
            .await
            .unwrap()
            .contains("3 notes à égalité au 2e rang pour 2 places (l'étape suivante garde le top 3)"),
        "{}",
        tie.text().await.unwrap()
    );
    screenshot(&lead, "cockpit-tie.png").await;
    for text in ["Navette vers les marchés", "Épicerie itinérante"] {
        let tick = format!(
            "//section[contains(@class, 'tie-box')]//label[normalize-space()={}]/input",
            literal(text)
        );
        click(&lead, Locator::XPath(&tick), text).await;
    }
    click_button(&lead, "Retenir ces 2 notes").await;
    wait_for_text(&alice, "retained-heading", "Retenues pour la suite (3)").await;
    let rest = card(&alice, mapped).await;
    assert_eq!(
        rest.find(Locator::Css(".rank"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "4e"
    );
    assert!(nowhere(&lead, Locator::Css(".tie-box")).await);
    screenshot(&alice, "results-closed.png").await;
    // The same results in English.
    click_button(&bob, "English").await;
    wait_for_text(&bob, "retained-heading", "Kept for what comes next (3)").await;
    let best = card(&bob, "Maison de santé").await;
    assert_eq!(
        best.find(Locator::Css(".rank"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "1st"
    );
    assert_eq!(
        best.find(Locator::Css(".ranked-votes"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "2 dots"
    );
    click_button(&bob, "Français").await;

    // Reopened, then "next step": the vote is closed on the way, so the steps after
    // it have their needs.
    click_button(&lead, "Rouvrir le vote").await;
    let question = lead.get_alert_text().await.unwrap();
    assert!(question.contains("Son classement"), "{question}");
    lead.accept_alert().await.unwrap();
    wait(&alice, Locator::Css(".dot-button"), "the vote open again").await;
    click_button(&lead, "Clore le vote et passer à : Appel à témoins").await;
    wait_for_text(&alice, "step-title", "Appel à témoins").await;
    // The discussion that follows shows the vote's results: the tie is back, all kept.
    wait_for_text(&alice, "retained-heading", "Retenues pour la suite (4)").await;
    let characterise = "Caractérisez les besoins prioritaires";
    tap(
        &lead,
        &labelled_button(&lead, &format!("Y aller — étape 6 : {characterise}")).await,
    )
    .await;
    wait_for_text(&alice, "dossier-title", "Maison de santé").await;

    // Typing is saved while the writer pauses, without leaving the field.
    let dossier = "//article[@aria-label='Maison de santé']";
    let why_field = wait(
        &alice,
        Locator::XPath(&format!("{dossier}//textarea[contains(@id, '-Why')]")),
        "the why field",
    )
    .await;
    why_field.send_keys("Les médecins partent").await.unwrap();
    let mirrored = format!("{dossier}//textarea[contains(@id, '-Why')]");
    wait_for_value_at(&lead, &mirrored, "Les médecins partent", "the lead's copy").await;

    // Two people in one field: the one typing keeps their text and is told.
    let who = "//article[@aria-label='Maison de santé']//textarea[contains(@id, '-Who')]";
    let bobs = wait(&bob, Locator::XPath(who), "Bob's who field").await;
    tap(&bob, &bobs).await;
    bobs.send_keys("Les familles").await.unwrap();
    wait_for_text(&alice, "field-writing", "✎ Bob écrit dans ce champ…").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let alices = wait(&alice, Locator::XPath(who), "Alice's who field").await;
    alices.clear().await.unwrap();
    alices.send_keys("Les aînés\t").await.unwrap();
    wait_for_text(
        &bob,
        "field-status",
        "Quelqu'un d'autre vient d'enregistrer ce champ pendant que vous écriviez. Reprendre sa version · Garder la mienne",
    )
    .await;
    assert_eq!(bobs.prop("value").await.unwrap().as_deref(), Some("Les familles"));
    screenshot(&bob, "field-overtaken.png").await;
    click_button(&bob, "Reprendre sa version").await;
    assert_eq!(bobs.prop("value").await.unwrap().as_deref(), Some("Les aînés"));

    // The lead moves on while Alice is mid-sentence: nothing is lost, nothing panics.
    why_field.send_keys(" à la retraite").await.unwrap();
    click_button(&lead, "Étape suivante : L'arbre à problèmes").await;
    wait_for_text(&alice, "trunk", "Maison de santé").await;
    tap(
        &lead,
        &labelled_button(&lead, &format!("Y aller — étape 6 : {characterise}")).await,
    )
    .await;
    let field = wait(
        &alice,
        Locator::XPath(&format!("{dossier}//textarea[contains(@id, '-Why')]")),
        "the why field again",
    )
    .await;
    assert_eq!(
        field.prop("value").await.unwrap().as_deref(),
        Some("Les médecins partent à la retraite")
    );
    // Only the end of the sentence was missing: it is saved as the field comes back.
    wait_for_value_at(
        &lead,
        &mirrored,
        "Les médecins partent à la retraite",
        "the lead's copy",
    )
    .await;
    screenshot(&alice, "characterise-draft.png").await;

    // A step that works from a vote offers to close it when it is open.
    tap(
        &lead,
        &labelled_button(&lead, &format!("Y aller — étape 4 : {selection}")).await,
    )
    .await;
    click_button(&lead, "Rouvrir le vote").await;
    let question = lead.get_alert_text().await.unwrap();
    assert!(question.contains("Son classement"), "{question}");
    lead.accept_alert().await.unwrap();
    tap(
        &lead,
        &labelled_button(&lead, &format!("Y aller — étape 6 : {characterise}")).await,
    )
    .await;
    wait_for_text(
        &alice,
        "empty",
        "Aucune note retenue : le vote précédent doit être clos.",
    )
    .await;
    let warning = wait(&lead, Locator::Css(".warn-box"), "the open vote's warning").await;
    assert!(warning.text().await.unwrap().contains(selection));
    screenshot(&lead, "cockpit-vote-to-close.png").await;
    click_button(&lead, &format!("Clore le vote « {selection} »")).await;
    wait_for_text(&alice, "dossier-title", "Maison de santé").await;
    // Closed from here, the vote's tie at the cut is offered here too.
    wait(
        &lead,
        Locator::Css(".tie-box"),
        "the tie, on the characterisation step",
    )
    .await;
    for text in ["Navette vers les marchés", "Épicerie itinérante"] {
        let tick = format!(
            "//section[contains(@class, 'tie-box')]//label[normalize-space()={}]/input",
            literal(text)
        );
        click(&lead, Locator::XPath(&tick), text).await;
    }
    click_button(&lead, "Retenir ces 2 notes").await;
    let deadline = Instant::now() + PATIENCE;
    while alice
        .find_all(Locator::Css("article.dossier"))
        .await
        .unwrap()
        .len()
        != 3
    {
        assert!(
            Instant::now() < deadline,
            "three needs to characterise once the tie is settled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Time is up: a banner on every screen (and a chime).
    click_button(&lead, "Arrêter").await;
    fill(&lead, "Minutes", "0,05").await;
    click_button(&lead, "Lancer le minuteur").await;
    wait_for_text(&alice, "time-up-banner", "Temps écoulé !").await;
    wait_for_text(&lead, "time-up-banner", "Temps écoulé !").await;
    screenshot(&alice, "time-up.png").await;

    // One count of notes everywhere: people's notes, not the map's.
    wait_for_text(&lead, "room-stats", "2 participants · 3 notes").await;
    let report = "//a[normalize-space()=\"Rapport de l'atelier\"]";
    click(&lead, Locator::XPath(report), "the report link").await;
    wait_for_text(
        &lead,
        "figures",
        "6 salles · 2 participants · 3 notes · 5 points de vote",
    )
    .await;
    wait_for_text(&lead, "figures", "2 participants · 3 notes").await;

    finish(vec![("Alice", alice), ("Bob", bob), ("the lead", lead)]).await;
}

#[tokio::test]
async fn a_lead_shares_the_work_and_continues_the_campaign_and_imports_an_archive_from_the_interface() {
    use atelier_server::catalog::Catalog;
    use atelier_server::export::archive;
    use atelier_tests::fixture;

    let server = TestServer::start().await;
    let driver = Driver::start().await;
    let lead = driver.session().await;
    let code = create_yess_camp_1(&lead, &server).await;

    // The cockpit asks the lead to keep their own link, once.
    click_button(&lead, "Copier mon lien d'animation").await;
    assert!(nowhere(&lead, Locator::Css(".keep-link")).await);

    // Alice, placed in Aude, becomes its facilitator: her board gets the tools.
    let alice = join(&driver, &server, &code, "Alice").await;
    wait_for_text(&alice, "room-heading", "Salle Aude").await;
    open_panel(&lead, "Participants").await;
    let role = "//select[@aria-label='Rôle — Alice']/option[@value='room_facilitator']";
    click(&lead, Locator::XPath(role), "Alice's role").await;
    click_button(&alice, "Regrouper des doublons").await;
    screenshot(&lead, "cockpit-roles.png").await;

    // A need is voted and retained.
    let need = "Mobilité durable en zone rurale (transport à la demande, covoiturage)";
    go_to_step(&lead, "Sélection des besoins prioritaires").await;
    add_dot(&alice, need).await;
    click_button(&lead, "Clore le vote").await;
    wait_for_text(&alice, "budget", "Le vote est clos : voici le classement.").await;

    // "Continue the campaign": the creation form, set to go on from this workshop.
    let onward = "//a[normalize-space()='Continuer la campagne']";
    click(&lead, Locator::XPath(onward), "the campaign link").await;
    field(&lead, "Suite d'un atelier précédent (campagne)").await;
    let from = lead
        .execute(
            "return document.getElementById('create-from').selectedOptions[0].text",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(from, serde_json::json!("YESS CAMP 1 — Menez l'enquête !"));
    // The programme that continues YESS CAMP 1 is proposed.
    wait_for_value(
        &lead,
        "Titre de l'atelier",
        "YESS CAMP 2 — Identifiez les suspects !",
    )
    .await;
    let template = lead
        .execute("return document.getElementById('create-template').value", vec![])
        .await
        .unwrap();
    assert_eq!(template, serde_json::json!("yess-camp-2"));
    fill(&lead, "Votre nom (animation)", "Camille").await;
    screenshot(&lead, "continue-campaign.png").await;
    click_button(&lead, "Créer l'atelier").await;
    wait(&lead, Locator::Css(".join-code"), "the new workshop's cockpit").await;
    let carried = card(&lead, need).await;
    assert_eq!(
        carried
            .find(Locator::Css(".campaign-rank"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "1er · 1 point à l'atelier précédent"
    );
    screenshot(&lead, "campaign-continued.png").await;

    // An archive, chosen as a file on the home page, becomes a live workshop.
    let campaign = fixture::campaign(&Catalog::builtin());
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("archive-campagne.json");
    std::fs::write(&file, archive::export(&campaign, fixture::GENERATED)).unwrap();
    let organiser = driver.session().await;
    open_creation(&organiser, &server).await;
    click(
        &organiser,
        Locator::XPath("//summary[normalize-space()='Importer une archive (JSON)']"),
        "the archive import",
    )
    .await;
    field(&organiser, "Fichier d'archive (.json)")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    wait(
        &organiser,
        Locator::Css(".join-code"),
        "the imported workshop's cockpit",
    )
    .await;
    wait_for_text(&organiser, "status", "En direct").await;

    finish(vec![
        ("Alice", alice),
        ("the lead", lead),
        ("the organiser", organiser),
    ])
    .await;
}

/// Whether the page has no element at `locator`, now.
async fn nowhere(browser: &Client, locator: Locator<'_>) -> bool {
    browser.find_all(locator).await.unwrap().is_empty()
}

/// Where an element is on screen, in CSS pixels: (top, bottom, viewport height).
async fn on_screen(browser: &Client, css: &str) -> (f64, f64, f64) {
    let script = r#"
        const e = document.querySelector(arguments[0]);
        if (!e) return null;
        const r = e.getBoundingClientRect();
        return [r.top, r.bottom, window.innerHeight];
    "#;
    let found = browser
        .execute(script, vec![serde_json::json!(css)])
        .await
        .unwrap();
    let found: Option<(f64, f64, f64)> = serde_json::from_value(found).unwrap();
    found.unwrap_or_else(|| panic!("no {css} on the page"))
}

/// Whether the element is wholly on screen.
async fn in_view(browser: &Client, css: &str) -> bool {
    let (top, bottom, height) = on_screen(browser, css).await;
    top >= 0.0 && bottom <= height + 0.5
}

async fn scroll_to_bottom(browser: &Client) {
    browser
        .execute(
            "window.scrollTo(0, document.documentElement.scrollHeight); return true;",
            vec![],
        )
        .await
        .unwrap();
}

/// The visible buttons, links styled as buttons and foldable headings smaller than a
/// fingertip (44 × 44 CSS pixels), described.
async fn small_targets(browser: &Client) -> Vec<String> {
    let script = r#"
        const small = [];
        for (const e of document.querySelectorAll('button, a.button, summary, select, .step-brief a')) {
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === 'hidden') continue;
            if (r.width < 43.5 || r.height < 43.5) {
                small.push(`${e.tagName.toLowerCase()}.${e.className} "${(e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
            }
        }
        return small;
    "#;
    serde_json::from_value(browser.execute(script, vec![]).await.unwrap()).unwrap()
}

/// Fails if a visible control is smaller than a fingertip (see [`small_targets`]).
async fn fingertip_sized(browser: &Client) {
    let small = small_targets(browser).await;
    assert!(
        small.is_empty(),
        "touch targets under 44 px on a phone:\n{}",
        small.join("\n")
    );
}

/// Resizes the page to `width` × `height` CSS pixels.
async fn resize(browser: &Client, width: u32, height: u32) {
    browser.set_window_size(width, height).await.unwrap();
    let script = "return [window.innerWidth, window.innerHeight];";
    let inner: (u32, u32) = serde_json::from_value(browser.execute(script, vec![]).await.unwrap()).unwrap();
    assert_eq!(inner.0, width, "the page is {width} px wide");
}

#[tokio::test]
async fn a_participant_on_a_phone_follows_a_whole_yess_camp_and_every_screen_passes_axe() {
    let server = TestServer::start().await;
    let driver = Driver::start().await;
    let phone = (390, 844);

    // The home page: a participant sees the join form; the creation form is behind a
    // button (here opened by the facilitator).
    let alice = driver.session_as("fr-FR", phone).await;
    alice.goto(&server.url("/")).await.unwrap();
    let width = alice.execute("return window.innerWidth", vec![]).await.unwrap();
    assert_eq!(width, serde_json::json!(390), "a phone's width");
    wait(
        &alice,
        Locator::XPath("//button[normalize-space()='Créer un atelier']"),
        "the creation button",
    )
    .await;
    assert!(
        nowhere(&alice, Locator::Id("create-title")).await,
        "no creation form before it is asked for"
    );
    assert_accessible(&alice, "the home page (phone)").await;
    let lead = driver.session().await;
    let code = create_yess_camp_1(&lead, &server).await;
    click(
        &lead,
        Locator::XPath("//select[@id='assignment']/option[@value='choice']"),
        "the choice of rooms",
    )
    .await;
    assert_accessible(&lead, "the cockpit (desktop)").await;

    // Half a screen, the video call beside it: the rooms come first, above the fold.
    resize(&lead, 683, 900).await;
    let (top, _, height) = on_screen(&lead, ".rooms-glance").await;
    assert!(top < height / 2.0, "the room cards start at {top} px of {height}");
    assert_accessible(&lead, "the cockpit (half width)").await;
    screenshot(&lead, "cockpit-half-width.png").await;
    resize(&lead, 1280, 900).await;

    // A participant on a phone joins, chooses a room.
    let alice = join_in(alice, &server, &code, "Alice").await;
    wait_for_text(&alice, "lobby-heading", "Bienvenue dans le hall").await;
    assert_accessible(&alice, "the lobby (phone)").await;
    let aude = "//ul[contains(@class, 'room-choices')]//button[starts-with(normalize-space(), 'Aude')]";
    click(&alice, Locator::XPath(aude), "the room Aude to choose").await;
    wait_for_text(&alice, "room-heading", "Salle Aude").await;
    let bob = join(&driver, &server, &code, "Bernadette Delacroix-Fontaine").await;
    click(&bob, Locator::XPath(aude), "the room Aude to choose").await;
    wait_for_text(&bob, "room-heading", "Salle Aude").await;

    // The opening is a discussion: nothing to finish, nothing to post.
    wait_for_text(&alice, "step-title", "Ouverture de l'enquête").await;
    assert!(
        nowhere(&alice, Locator::Css(".done-button")).await,
        "no \"J'ai terminé\" on a read-only step"
    );
    assert_accessible(&alice, "a discussion (phone)").await;
    assert_accessible(&bob, "a discussion (desktop)").await;
    screenshot(&alice, "phone-discussion.png").await;

    // The brainstorm. Alice was reading the map at the bottom of the page: she is
    // taken to the new step's title, below the bar that stays on screen.
    scroll_to_bottom(&alice).await;
    go_to_step(&lead, "Nouveaux indices : proposez des besoins").await;
    wait_for_text(&alice, "step-title", "Nouveaux indices : proposez des besoins").await;
    let mut taken = false;
    for _ in 0..50 {
        let (title_top, _, height) = on_screen(&alice, "#step-title").await;
        let (_, head_bottom, _) = on_screen(&alice, ".live-head").await;
        if title_top >= head_bottom - 1.0 && title_top < height / 2.0 {
            taken = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(taken, "the new step's title is brought on screen, under the bar");
    // The timer and the step stay on screen however far down one is.
    scroll_to_bottom(&alice).await;
    assert!(
        in_view(&alice, ".timer").await,
        "the timer on screen at the bottom of the page"
    );
    assert!(
        in_view(&alice, ".step-brief").await,
        "the step on screen at the bottom of the page"
    );
    // The note box is one tap away.
    click_button(&alice, "+ Écrire une note").await;
    let focused = alice
        .execute(
            "return document.activeElement.classList.contains('composer-text')",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        focused,
        serde_json::json!(true),
        "the tap puts the cursor in a note box"
    );
    assert!(
        in_view(&alice, ".composer-text:focus").await,
        "the note box on screen"
    );
    let need = "Un médecin à moins de 30 minutes";
    alice
        .active_element()
        .await
        .unwrap()
        .send_keys(&format!("{need}\n"))
        .await
        .unwrap();
    wait_for_text(&bob, "note-text", need).await;
    fingertip_sized(&alice).await;
    assert_accessible(&alice, "a brainstorm (phone)").await;
    assert_accessible(&bob, "a brainstorm (desktop)").await;
    screenshot(&alice, "phone-brainstorm.png").await;

    // The vote: the dots left stay on screen.
    go_to_step(&lead, "Sélection des besoins prioritaires").await;
    wait_for_text(&alice, "step-brief-dots", "5/5 points").await;
    add_dot(&alice, need).await;
    wait_for_text(&alice, "step-brief-dots", "4/5 points").await;
    assert!(
        nowhere(&alice, Locator::Css(".note-tools button")).await,
        "once the vote starts, authors no longer edit or delete their notes"
    );
    scroll_to_bottom(&alice).await;
    assert!(
        in_view(&alice, ".step-brief-dots").await,
        "the dots left on screen at the bottom"
    );
    add_dot(&bob, need).await;
    fingertip_sized(&alice).await;
    assert_accessible(&alice, "a vote (phone)").await;
    assert_accessible(&bob, "a vote (desktop)").await;
    screenshot(&alice, "phone-vote.png").await;

    // The connection drops while she is at the bottom of the page: she sees it there.
    watch_network(&alice).await;
    // (Her socket is caught as it sends: one more dot, elsewhere.)
    let other = "Mobilité durable en zone rurale (transport à la demande, covoiturage)";
    add_dot(&alice, other).await;
    wait_for_text(&alice, "step-brief-dots", "3/5 points").await;
    scroll_to_bottom(&alice).await;
    network_down(&alice).await;
    wait(&alice, Locator::Css(".connection-lost"), "the outage notice").await;
    assert!(
        in_view(&alice, ".connection-lost").await,
        "the outage notice on screen"
    );
    network_back(&alice).await;
    wait_for_text(&alice, "status", "En direct").await;

    // Results.
    click_button(&lead, "Clore le vote").await;
    wait_for_text(&alice, "budget", "Le vote est clos : voici le classement.").await;
    assert_accessible(&alice, "the results of a vote (phone)").await;
    assert_accessible(&bob, "the results of a vote (desktop)").await;
    screenshot(&alice, "phone-results.png").await;

    // Characterisation, the problem tree.
    go_to_step(&lead, "Caractérisez les besoins prioritaires").await;
    wait_for_text(&alice, "dossier-title", need).await;
    assert_accessible(&alice, "a characterisation (phone)").await;
    assert_accessible(&bob, "a characterisation (desktop)").await;
    assert_accessible(&lead, "the cockpit on a characterisation").await;
    screenshot(&alice, "phone-characterise.png").await;
    click_button(&lead, "Étape suivante : L'arbre à problèmes").await;
    wait_for_text(&alice, "trunk", need).await;
    fill(&alice, "Ajouter une cause", "Départs en retraite non remplacés\n").await;
    wait(
        &bob,
        Locator::XPath(
            "//li[contains(@class, 'branch')][normalize-space(span)='Départs en retraite non remplacés']",
        ),
        "the cause",
    )
    .await;
    assert_accessible(&alice, "a problem tree (phone)").await;
    assert_accessible(&bob, "a problem tree (desktop)").await;
    screenshot(&alice, "phone-tree.png").await;

    // The plenary: one's own room first; nothing to finish.
    go_to_step(&lead, "Rapport des sections").await;
    let first_room = wait(&alice, Locator::Css(".plenary .room-results h3"), "the plenary").await;
    assert!(
        first_room.text().await.unwrap().starts_with("Aude"),
        "Alice's room first"
    );
    assert!(nowhere(&alice, Locator::Css(".done-button")).await);
    assert_accessible(&alice, "the plenary (phone)").await;
    assert_accessible(&bob, "the plenary (desktop)").await;
    assert_accessible(&lead, "the cockpit in the plenary").await;
    screenshot(&alice, "phone-plenary.png").await;
    // Long names wrap between words in the people list.
    click(&alice, Locator::Css(".people summary"), "the people in the room").await;
    let lines = alice
        .execute(
            r#"const walker = document.createTreeWalker(document.querySelector('.people'), NodeFilter.SHOW_TEXT);
               while (walker.nextNode()) {
                   const at = walker.currentNode.data.indexOf('Delacroix-Fontaine');
                   if (at < 0) continue;
                   const range = document.createRange();
                   range.setStart(walker.currentNode, at);
                   range.setEnd(walker.currentNode, at + 'Delacroix'.length);
                   return range.getClientRects().length;
               }
               return null;"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(lines, serde_json::json!(1), "a name is not cut mid-word");

    // Alice leaves (a tap on the logo) and comes back through the join link: she is
    // herself again, not a new name refused as taken.
    click(&alice, Locator::Css(".brand"), "the logo").await;
    wait(&alice, Locator::Id("join-code"), "the home page").await;
    alice.goto(&server.url(&format!("/j/{code}"))).await.unwrap();
    let back = format!(
        "//a[normalize-space()={}]",
        literal("Revenir dans l'atelier (vous y êtes déjà inscrit·e)")
    );
    click(&alice, Locator::XPath(&back), "the way back").await;
    wait_for_text(&alice, "room-heading", "Salle Aude").await;
    alice.goto(&server.url("/")).await.unwrap();
    let code_field = wait(&alice, Locator::Id("join-code"), "the code field").await;
    code_field.send_keys(&code).await.unwrap();
    alice
        .find(Locator::Id("join-name"))
        .await
        .unwrap()
        .send_keys("Alice")
        .await
        .unwrap();
    click(
        &alice,
        Locator::Css("form button[type='submit']"),
        "the join button",
    )
    .await;
    wait_for_text(&alice, "room-heading", "Salle Aude").await;

    // The live report and the printable one.
    lead.goto(&server.url(&format!("{}/report", lead.current_url().await.unwrap().path())))
        .await
        .unwrap();
    wait(&lead, Locator::Id("report-heading"), "the report").await;
    assert_accessible(&lead, "the live report").await;
    let printable = wait(
        &lead,
        Locator::XPath("//section[@aria-labelledby='exports-heading']//a[contains(@href, 'report.html')]"),
        "the printable report's link",
    )
    .await
    .attr("href")
    .await
    .unwrap()
    .unwrap();
    lead.goto(&server.url(&printable)).await.unwrap();
    wait(&lead, Locator::Css("main"), "the printable report").await;
    assert_accessible(&lead, "the printable report").await;

    finish(vec![("Alice", alice), ("Bob", bob), ("the lead", lead)]).await;
}

#[tokio::test]
async fn an_english_browser_gets_atelier_and_its_programmes_in_english() {
    let server = TestServer::start().await;
    let driver = Driver::start().await;

    // First visit: the browser prefers English.
    let lead = driver.session_as("en-US", (1280, 900)).await;
    lead.goto(&server.url("/")).await.unwrap();
    wait_for_text(&lead, "lang-switch", "Français").await;
    click_button(&lead, "Create a workshop").await;
    wait_for_value(&lead, "Workshop title", "Brainstorm and vote").await;
    click(
        &lead,
        Locator::XPath("//option[@value='yess-camp-1']"),
        "the YESS CAMP 1 template",
    )
    .await;
    wait_for_value(&lead, "Workshop title", "YESS CAMP 1 — Lead the investigation!").await;
    assert_accessible(&lead, "the home page in English").await;
    fill(&lead, "Your name (facilitator)", "Camille").await;
    click_button(&lead, "Create the workshop").await;
    let code = join_code(&lead).await;

    // A participant on an English phone sees the programme's own words in English.
    let sam = join_in(
        driver.session_as("en-GB", (390, 844)).await,
        &server,
        &code,
        "Sam",
    )
    .await;
    wait(&sam, Locator::Css(".room-heading"), "the room").await;
    let title = wait(&sam, Locator::Id("step-title"), "the step")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !title.is_empty() && title != "Ouverture de l'enquête",
        "the step's title in English: {title:?}"
    );
    assert_accessible(&sam, "a board in English (phone)").await;
    screenshot(&sam, "phone-english.png").await;

    finish(vec![("the lead", lead), ("Sam", sam)]).await;
}

#[tokio::test]
async fn a_lead_launches_a_secret_quick_poll_live_and_everyone_sees_the_bars_once_it_closes() {
    let server = TestServer::start().await;
    let driver = Driver::start().await;
    let lead = driver.session().await;
    let code = create_workshop(&lead, &server, "Aude\nGard").await;
    let alice = join_in(
        driver.session_as("fr-FR", (390, 844)).await,
        &server,
        &code,
        "Alice",
    )
    .await;
    wait_for_text(&alice, "room-heading", "Salle Aude").await;
    let bob = join(&driver, &server, &code, "Bob").await;
    wait_for_text(&bob, "room-heading", "Salle Gard").await;

    // The seminar's "where do you stand on these challenges?", written on the spot.
    open_panel(&lead, "Sondage express").await;
    fill(&lead, "Question", "Sur quel défi voulez-vous travailler ?").await;
    fill(
        &lead,
        "Réponses possibles, une par ligne (de 2 à 12)",
        "Mobilité\n\nLogement\nAlimentation <b>bio</b>",
    )
    .await;
    let secret = "//label[span[normalize-space()=\"Résultats cachés jusqu'à la clôture\"]]/input";
    click(&lead, Locator::XPath(secret), "the secret box").await;
    click_button(&lead, "Lancer le sondage dans toutes les salles").await;
    for browser in [&alice, &bob] {
        wait_for_text(browser, "step-title", "Sur quel défi voulez-vous travailler ?").await;
        wait_for_text(browser, "mode", "Résultats cachés jusqu'à la clôture").await;
    }
    // Hostile text is an option like any other, shown as typed.
    wait_for_text(&alice, "poll-text", "Alimentation <b>bio</b>").await;

    // Each chooses by tapping an option; a secret poll shows only one's own choice.
    let option = |text: &str| {
        format!(
            "//li[contains(@class, 'poll-option')]//label[span[normalize-space()={}]]",
            literal(text)
        )
    };
    click(&alice, Locator::XPath(&option("Mobilité")), "Mobilité").await;
    wait(
        &alice,
        Locator::XPath("//li[contains(@class, 'chosen')]//span[normalize-space()='Mobilité']"),
        "Alice's choice",
    )
    .await;
    click(
        &alice,
        Locator::XPath(&option("Logement")),
        "Logement, on second thought",
    )
    .await;
    wait(
        &alice,
        Locator::XPath("//li[contains(@class, 'chosen')]//span[normalize-space()='Logement']"),
        "Alice's new choice",
    )
    .await;
    click(&bob, Locator::XPath(&option("Logement")), "Logement").await;
    wait_for_text(&bob, "poll-yours", "votre réponse").await;
    wait_for_text(
        &alice,
        "poll-total",
        "Les résultats s'afficheront à la clôture du sondage.",
    )
    .await;
    assert!(
        nowhere(&alice, Locator::Css(".poll-count")).await,
        "no counts before it closes"
    );
    assert_accessible(&alice, "a secret poll on a phone").await;
    screenshot(&alice, "poll-secret-phone.png").await;
    screenshot(&lead, "poll-cockpit.png").await;

    // The lead closes it: everyone sees the bars.
    click_button(&lead, "Clore le sondage").await;
    for browser in [&alice, &bob] {
        wait_for_text(browser, "mode", "Sondage clos").await;
        wait_for_text(browser, "poll-total", "2 réponses").await;
        let logement = "//li[.//span[normalize-space()='Logement']]//span[contains(@class, 'poll-count')][normalize-space()='2 (100 %)']";
        wait(browser, Locator::XPath(logement), "Logement's count").await;
    }
    let disabled: bool = alice
        .execute(
            "return [...document.querySelectorAll('.poll input')].every(i => i.disabled);",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(disabled, "a closed poll takes no answer");
    screenshot(&alice, "poll-closed-phone.png").await;
    assert_accessible(&bob, "a closed poll").await;

    // The case file has it.
    click(
        &lead,
        Locator::XPath("//a[normalize-space()=\"Rapport de l'atelier\"]"),
        "the report",
    )
    .await;
    wait(
        &lead,
        Locator::XPath("//h3[normalize-space()='Sondages express']"),
        "the polls' section",
    )
    .await;
    wait(
        &lead,
        Locator::XPath("//tr[td[normalize-space()='Logement']]/td[normalize-space()='2 (100 %)']"),
        "Logement in the report",
    )
    .await;
    screenshot(&lead, "poll-report.png").await;

    finish(vec![("Alice", alice), ("Bob", bob), ("the lead", lead)]).await;
}
