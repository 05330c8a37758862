//! `/w/ID/report`: the case file ("rapport d'enquête"), live. Per room: the rankings
//! of every closed vote, the characterisations, the problem trees, the notes under
//! each retained note (solutions under needs), and the participation figures. It
//! prints on A4 from the browser.

use atelier_shared::api::OrganiserAccess;
use atelier_shared::report::{self, Figures};
use atelier_shared::vocab::Format;
use atelier_shared::{Note, Role, RoomId, Workshop};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::board::{TopBar, me};
use crate::api;
use crate::browser;
use crate::components::ContinueCampaign;
use crate::derive;
use crate::i18n::{Lang, texts, tr};
use crate::route::{Route, navigate};
use crate::session::Session;

/// The report, in its own wasm chunk fetched on first use: most people never open it.
#[lazy]
pub fn report_view() -> AnyView {
    view! { <Report/> }.into_any()
}

#[component]
fn Report() -> impl IntoView {
    let session = expect_context::<Session>();
    let workshop = session.workshop;
    let figures = Memo::new(move |_| {
        workshop.with(|w| {
            let Some(w) = w.as_ref() else { return (0, 0, 0, 0) };
            // Counted as the exports count them: notes people posted, not a map's.
            let f = Figures::of(w, None);
            (w.rooms.len(), f.participants, f.notes, f.dots)
        })
    });
    let rooms = Memo::new(move |_| {
        workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    w.rooms
                        .iter()
                        .filter(|r| w.notes.values().any(|n| n.room == r.id))
                        .map(|r| (r.id, r.name.clone(), r.territory.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let board = Route::Board(session.workshop_id);
    let me = me(session);
    let is_lead = Memo::new(move |_| me.with(|m| m.as_ref().is_some_and(|m| m.role == Role::Lead)));
    view! {
        <TopBar/>
        <main class="report" aria-labelledby="report-heading">
            <header class="report-head">
                <p class="stamp" aria-hidden="true">{tr(|t| t.case_file_stamp)}</p>
                <h2 id="report-heading">{tr(|t| t.report_heading)}</h2>
                <p class="report-title">{move || workshop.with(|w| w.as_ref().map(|w| w.title.clone()).unwrap_or_default())}</p>
                <p class="figures">
                    {move || {
                        let (rooms, people, notes, dots) = figures.get();
                        (texts().report_figures)(rooms, people, notes, dots)
                    }}
                </p>
                <div class="actions no-print">
                    <button type="button" class="button primary" on:click=move |_| browser::print()>
                        {tr(|t| t.print)}
                    </button>
                    <a class="button" href=board.path() on:click=move |ev| {
                        ev.prevent_default();
                        navigate(board.clone());
                    }>{tr(|t| t.back_to_board)}</a>
                    <Show when=move || is_lead.get()>
                        <ContinueCampaign/>
                    </Show>
                </div>
            </header>
            <Show when=move || is_lead.get()>
                <Exports/>
            </Show>
            <Show when=move || rooms.with(Vec::is_empty)>
                <p class="empty">{tr(|t| t.report_empty)}</p>
            </Show>
            <For each=move || rooms.get() key=|r| r.clone() let:room>
                <RoomReport room=room.0 name=room.1 territory=room.2/>
            </For>
        </main>
    }
}

/// The lead's download links, made with the organiser key (so the lead's own token
/// never goes into a URL), and the organiser link to hand on.
#[component]
fn Exports() -> impl IntoView {
    let session = expect_context::<Session>();
    let access = RwSignal::new(None::<OrganiserAccess>);
    let failure = RwSignal::new(None::<String>);
    if let Some(token) = session.token() {
        spawn_local(async move {
            match api::organiser_access(session.workshop_id, &token).await {
                Ok(granted) => access.set(Some(granted)),
                Err(error) => failure.set(Some(error.explain(texts()))),
            }
        });
    }
    let lang = expect_context::<RwSignal<Lang>>();
    let links = move |stem: &'static str| {
        let key = access.with(|a| a.as_ref().map(|a| a.key.clone()))?;
        // Minutes east of UTC: the browser counts them the other way.
        let tz = -(js_sys::Date::new_0().get_timezone_offset() as i32);
        let query = format!("key={key}&lang={}&tz={tz}", lang.get().code());
        let base = format!("/api/workshops/{}/{stem}", session.workshop_id);
        Some(
            Format::ALL
                .into_iter()
                .map(|format| {
                    let extension = format.extension();
                    let href = format!("{base}.{extension}?{query}");
                    // The printable page opens beside the report; the rest download.
                    let page = format == Format::Html;
                    let name = if page { texts().export_page } else { format.name() };
                    let target = page.then_some("_blank");
                    let download = (!page).then_some("");
                    view! { <a class="button" href=href target=target rel="noopener" download=download>{name}</a> }
                })
                .collect_view(),
        )
    };
    view! {
        <section class="panel exports no-print" aria-labelledby="exports-heading">
            <h3 id="exports-heading">{tr(|t| t.exports_heading)}</h3>
            <p class="intro">{tr(|t| t.exports_intro)}</p>
            <p class="export-row"><strong>{tr(|t| t.export_workshop)}{tr(|t| t.colon)}</strong>{move || links("report")}</p>
            <p class="export-row"><strong>{tr(|t| t.export_campaign)}{tr(|t| t.colon)}</strong>{move || links("campaign")}</p>
            <label for="organiser-link">{tr(|t| t.organiser_link)}</label>
            <input id="organiser-link" class="organiser-link" type="text" readonly
                prop:value=move || access.with(|a| a.as_ref().map(|a| a.url.clone()).unwrap_or_default())/>
            <p class="hint">{tr(|t| t.organiser_hint)}</p>
            {move || failure.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </section>
    }
}

#[component]
fn RoomReport(room: RoomId, name: String, territory: Option<String>) -> impl IntoView {
    let session = expect_context::<Session>();
    let heading = format!("report-{room}");
    let labelled_by = heading.clone();
    let body = move || {
        session
            .workshop
            .with(|w| w.as_ref().map(|w| room_report(w, room)))
    };
    let place = territory.filter(|t| *t != name);
    view! {
        <section class="report-room" aria-labelledby=labelled_by>
            <h3 id=heading>
                {tr(|t| t.room)}" "{name.clone()}
                {place.clone().map(|t| view! { <span class="hint">{format!(" · {t}")}</span> })}
            </h3>
            {body}
        </section>
    }
}

/// One room's part of the case file, from the workshop as it stands.
fn room_report(w: &Workshop, room: RoomId) -> impl IntoView + use<> {
    let t = texts();
    // Counted as the header and the exports count: people's notes, not a map's.
    let Figures {
        participants: people,
        notes,
        ..
    } = Figures::of(w, Some(room));

    // Every closed vote that ranked this room's notes, in agenda order.
    let votes = w
        .steps
        .iter()
        .filter_map(|step| {
            let rules = step.vote_rules()?;
            let result = w.result(step.id, rules.tally_room(room))?;
            let columns = step
                .columns
                .iter()
                .filter_map(|c| w.column(*c))
                .map(|column| {
                    let rows: Vec<_> = result
                        .ranking
                        .iter()
                        .filter(|r| r.column == column.id && r.votes > 0)
                        .filter_map(|r| {
                            w.notes
                                .get(&r.note)
                                .filter(|n| n.room == room)
                                .map(|n| (r.clone(), n.text.clone()))
                        })
                        .collect();
                    (column.title.clone(), rows)
                })
                .filter(|(_, rows)| !rows.is_empty())
                .collect::<Vec<_>>();
            Some((step.title.clone(), columns))
        })
        .collect::<Vec<_>>();

    let detailed: Vec<&Note> = w
        .notes
        .values()
        .filter(|n| n.room == room && !n.details.is_empty())
        .collect();
    let characterised = detailed
        .iter()
        .filter(|n| !(n.details.why.is_empty() && n.details.who.is_empty() && n.details.measure.is_empty()))
        .map(|n| {
            (
                n.text.clone(),
                n.details.why.clone(),
                n.details.who.clone(),
                n.details.measure.clone(),
            )
        })
        .collect::<Vec<_>>();
    let trees = detailed
        .iter()
        .filter(|n| !(n.details.causes.is_empty() && n.details.consequences.is_empty()))
        .map(|n| {
            let texts =
                |b: &Vec<atelier_shared::model::Branch>| b.iter().map(|b| b.text.clone()).collect::<Vec<_>>();
            (
                n.text.clone(),
                texts(&n.details.consequences),
                texts(&n.details.causes),
            )
        })
        .collect::<Vec<_>>();

    // Notes under others (solutions under their need), with their latest votes.
    let ranking = derive::latest_ranking(w, room)
        .map(|(_, r)| r)
        .unwrap_or_default();
    let votes_of = |id| ranking.iter().find(|r| r.note == id).map(|r| r.votes);
    let attached = report::under_parents(w, room)
        .into_iter()
        .map(|(column, parent, children)| {
            let mut under: Vec<(String, Option<u32>)> = children
                .iter()
                .map(|c| (c.text.clone(), votes_of(c.id)))
                .collect();
            under.sort_by_key(|(_, v)| std::cmp::Reverse(v.unwrap_or(0)));
            (column.title.clone(), parent.text.clone(), under)
        })
        .collect::<Vec<_>>();

    view! {
        <p class="figures">{(t.room_figures)(people, notes)}</p>
        {votes.into_iter().map(|(title, columns)| view! {
            <h4>{(t.ranking_of)(&title)}</h4>
            {columns.into_iter().map(|(column, rows)| view! {
                <table class="ranking-table">
                    <caption>{column}</caption>
                    <thead><tr>
                        <th scope="col">{t.rank_header}</th>
                        <th scope="col">{t.note_header}</th>
                        <th scope="col">{t.points_header}</th>
                        <th scope="col">{t.voters_header}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(r, text)| view! {
                            <tr>
                                <td>{r.rank}</td>
                                <td>{text}</td>
                                <td>{r.votes}</td>
                                <td>{r.voters}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }).collect_view()}
        }).collect_view()}
        {(!characterised.is_empty()).then(|| view! {
            <h4>{t.characterisation_heading}</h4>
            {characterised.into_iter().map(|(text, why, who, measure)| view! {
                <article class="report-dossier">
                    <h5>{text}</h5>
                    <dl>
                        <dt>{t.question(atelier_shared::model::Field::Why)}</dt><dd>{why}</dd>
                        <dt>{t.question(atelier_shared::model::Field::Who)}</dt><dd>{who}</dd>
                        <dt>{t.question(atelier_shared::model::Field::Measure)}</dt><dd>{measure}</dd>
                    </dl>
                </article>
            }).collect_view()}
        })}
        {(!trees.is_empty()).then(|| view! {
            <h4>{t.trees_heading}</h4>
            {trees.into_iter().map(|(text, consequences, causes)| view! {
                <article class="report-tree">
                    <h5>{text}</h5>
                    <p><strong>{t.side(atelier_shared::model::Side::Consequence)}{t.colon}</strong>{consequences.join(" · ")}</p>
                    <p><strong>{t.side(atelier_shared::model::Side::Cause)}{t.colon}</strong>{causes.join(" · ")}</p>
                </article>
            }).collect_view()}
        })}
        {(!attached.is_empty()).then(|| view! {
            {attached.into_iter().map(|(column, parent, under)| view! {
                <article class="report-attached">
                    <h5>{column}" — "{parent}</h5>
                    <ul>
                        {under.into_iter().map(|(text, votes)| view! {
                            <li>{text}{votes.filter(|v| *v > 0).map(|v| format!(" ({})", (t.points)(v)))}</li>
                        }).collect_view()}
                    </ul>
                </article>
            }).collect_view()}
        })}
    }
}
