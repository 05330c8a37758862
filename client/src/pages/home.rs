//! `/`: join a workshop with its code, or (behind a button, so that participants who
//! come with a code see only what is theirs) create one to facilitate.

use atelier_shared::WorkshopId;
use atelier_shared::api::{Continuation, CreateWorkshop, RoomRequest, TemplateSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{JoinForm, enter_workshop};
use crate::api;
use crate::browser;
use crate::components::Shell;
use crate::i18n::{Lang, texts, tr};

#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn HomePage() -> impl IntoView {
    browser::set_title("Atelier");
    // A campaign's "continue" link opens the form at once.
    let creating = RwSignal::new(browser::query("from").is_some());
    view! {
        <Shell>
                <h1 class="tagline">{tr(|t| t.tagline)}</h1>
                <div class="home-cards">
                    <section class="card" aria-labelledby="join-heading">
                        <h2 id="join-heading">{tr(|t| t.join_heading)}</h2>
                        <p class="intro">{tr(|t| t.join_intro)}</p>
                        <JoinForm/>
                    </section>
                    <section class="card" aria-labelledby="create-heading">
                        <h2 id="create-heading">{tr(|t| t.create_heading)}</h2>
                        <p class="intro">{tr(|t| t.create_intro)}</p>
                        <Show
                            when=move || creating.get()
                            fallback=move || view! {
                                <button type="button" class="button" on:click=move |_| creating.set(true)>
                                    {tr(|t| t.create_open)}
                                </button>
                            }
                        >
                            <Suspense fallback=|| view! { <p class="loading">{tr(|t| t.one_moment)}</p> }>
                                {Suspend::new(create_form_view())}
                            </Suspense>
                        </Show>
                    </section>
                </div>
        </Shell>
    }
}

/// An archive (`report.json`, exported from a report) brought back as live workshops:
/// this browser becomes their lead and opens the first.
#[component]
fn ImportArchive() -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let choose = move |ev: leptos::ev::Event| {
        let Some(file) = browser::chosen_file(&ev) else {
            return;
        };
        let name = file.name();
        enter_workshop(busy, error, async move {
            let text = browser::read_text(&file).await.unwrap_or_default();
            // Checked here for a clear message, without building it: the server reads it.
            serde_json::from_str::<serde::de::IgnoredAny>(&text).map_err(|_| api::Failure::Unreadable)?;
            let imported = api::import_archive(&text).await?;
            for created in &imported.workshops {
                browser::keep_credential(created.workshop, &created.facilitator_secret);
                browser::remember_led(created.workshop, &name, None);
            }
            let first = imported
                .workshops
                .into_iter()
                .next()
                .ok_or(api::Failure::Unreadable)?;
            Ok((first.workshop, first.facilitator_secret))
        });
    };
    view! {
        <details class="import-archive">
            <summary>{tr(|t| t.archive_heading)}</summary>
            <p class="hint">{tr(|t| t.archive_hint)}</p>
            <label for="archive-file">{tr(|t| t.archive_file)}</label>
            <input id="archive-file" type="file" accept=".json,application/json" disabled=move || busy.get() on:change=choose/>
        </details>
        // Outside the fold: a refusal shows even if the section was closed meanwhile.
        <p class="error" role="alert">{move || error.get()}</p>
    }
}

/// The template a new workshop follows unless the facilitator picks another.
const DEFAULT_TEMPLATE: &str = "brainstorm-vote";

/// Lines of a text area, trimmed, without blanks.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The creation form, in its own wasm chunk: people who join (most visitors) never
/// load it.
#[lazy]
fn create_form_view() -> AnyView {
    view! {
        <CreateForm/>
        <ImportArchive/>
    }
    .into_any()
}

#[component]
fn CreateForm() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let templates = RwSignal::new(Vec::<TemplateSummary>::new());
    let template = RwSignal::new(DEFAULT_TEMPLATE.to_owned());
    // Filled from the chosen programme once the catalogue has arrived.
    let title = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let rooms = RwSignal::new(String::new());
    let columns = RwSignal::new(texts().columns_example.to_owned());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // A campaign goes on from a workshop this browser led ("?from=" preselects one,
    // as the cockpit's "continue the campaign" link does).
    let led = browser::led_workshops();
    let from = RwSignal::new(
        browser::query("from")
            .filter(|id| led.iter().any(|l| l.workshop.to_string() == *id))
            .unwrap_or_default(),
    );
    let pick = move |key: String| {
        if let Some(summary) = templates.with_untracked(|list| list.iter().find(|t| t.key == key).cloned()) {
            title.set(summary.title.clone());
            rooms.set(summary.rooms.join("\n"));
        }
        template.set(key);
    };
    // The template that follows `from`'s in the catalogue and continues a campaign
    // (YESS CAMP 2 after YESS CAMP 1).
    let sources = led.clone();
    let next_template = move |from: &str| -> Option<String> {
        let led = sources.iter().find(|l| l.workshop.to_string() == from)?;
        let source = led.template.as_deref()?;
        templates.with_untracked(|list| {
            let at = list.iter().position(|t| t.key == source)?;
            list[at + 1..].iter().find(|t| t.continues).map(|t| t.key.clone())
        })
    };
    let next_template = StoredValue::new(next_template);
    // The catalogue in the interface's language, fetched again when it changes; the
    // title and rooms follow unless the facilitator has changed them.
    Effect::new(move |_| {
        let code = lang.get().code();
        spawn_local(async move {
            let Ok(list) = api::templates(code).await else {
                return;
            };
            let shown = templates.with_untracked(|list| {
                list.iter()
                    .find(|t| t.key == template.get_untracked())
                    .map(|t| (t.title.clone(), t.rooms.join("\n")))
            });
            let first = shown.is_none();
            let untouched =
                shown.is_none_or(|(t, r)| title.get_untracked() == t && rooms.get_untracked() == r);
            templates.set(list);
            let key = first
                .then(|| next_template.with_value(|next| next(&from.get_untracked())))
                .flatten()
                .unwrap_or_else(|| template.get_untracked());
            if untouched {
                pick(key);
            } else {
                template.set(key);
            }
        });
    });
    let chosen =
        Memo::new(move |_| templates.with(|list| list.iter().find(|t| t.key == template.get()).cloned()));
    let custom_columns = move || chosen.get().is_none_or(|t| t.custom_columns);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = CreateWorkshop {
            template: Some(template.get_untracked()),
            title: Some(title.get_untracked()),
            facilitator_name: name.get_untracked(),
            rooms: lines(&rooms.get_untracked())
                .into_iter()
                .map(|name| RoomRequest {
                    territory: Some(name.clone()),
                    name,
                })
                .collect(),
            columns: if custom_columns() {
                lines(&columns.get_untracked())
            } else {
                Vec::new()
            },
            from: from
                .get_untracked()
                .parse::<WorkshopId>()
                .ok()
                .and_then(|workshop| {
                    let token = browser::credential(workshop)?;
                    Some(Continuation { workshop, token })
                }),
            lang: Some(lang.get_untracked().code().to_owned()),
        };
        let title = request.title.clone().unwrap_or_default();
        let template = request.template.clone();
        enter_workshop(busy, error, async move {
            let created = api::create_workshop(&request).await?;
            browser::remember_led(created.workshop, &title, template.as_deref());
            Ok((created.workshop, created.facilitator_secret))
        });
    };

    view! {
        <form class="form" on:submit=submit>
            <label for="create-template">{tr(|t| t.template_label)}</label>
            <select id="create-template" prop:value=move || template.get() on:change=move |ev| pick(event_target_value(&ev))>
                <For each=move || templates.get() key=|t| t.key.clone() let:summary>
                    <option value=summary.key.clone() selected=summary.key == template.get_untracked()>
                        {format!("{} ({} min)", summary.title, summary.minutes)}
                    </option>
                </For>
            </select>
            <p class="hint">{move || chosen.get().map(|t| t.summary).unwrap_or_default()}</p>
            {(!led.is_empty()).then(|| view! {
                <label for="create-from">{tr(|t| t.continue_label)}</label>
                <select id="create-from" on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    if let Some(next) = next_template.with_value(|next| next(&chosen)) {
                        pick(next);
                    }
                    from.set(chosen);
                }>
                    <option value="" selected=from.get_untracked().is_empty()>{tr(|t| t.continue_none)}</option>
                    {led.iter().map(|l| {
                        let id = l.workshop.to_string();
                        let selected = from.get_untracked() == id;
                        view! { <option value=id selected=selected>{l.title.clone()}</option> }
                    }).collect_view()}
                </select>
                <p class="hint">{tr(|t| t.continue_hint)}</p>
            })}
            <label for="create-title">{tr(|t| t.title_label)}</label>
            <input id="create-title" type="text" required bind:value=title/>
            <label for="create-name">{tr(|t| t.facilitator_name_label)}</label>
            <input id="create-name" type="text" required autocomplete="name" bind:value=name/>
            <label for="create-rooms">{tr(|t| t.rooms_label)}</label>
            <textarea id="create-rooms" rows="5" aria-describedby="create-rooms-hint" bind:value=rooms></textarea>
            <p class="hint" id="create-rooms-hint">{tr(|t| t.rooms_hint)}</p>
            <Show when=custom_columns>
                <label for="create-columns">{tr(|t| t.columns_label)}</label>
                <textarea id="create-columns" rows="3" bind:value=columns></textarea>
            </Show>
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="button primary" disabled=move || busy.get()>
                {move || if busy.get() { texts().one_moment } else { texts().create_button }}
            </button>
        </form>
    }
}
