//! `/w/ID/report`: the case file ("rapport d'enquête"), live: `shared::report` (what
//! every export renders) drawn as a page. The workshop's own rankings and quick
//! polls; per room, the rankings of every closed vote, the characterisations, the
//! problem trees, the notes under each retained note (solutions under needs), and the
//! participation figures. It prints on A4 from the browser.

use atelier_shared::Role;
use atelier_shared::api::OrganiserAccess;
use atelier_shared::model::{Field, Side};
use atelier_shared::report::{self, PollReport, RoomReport, VoteReport};
use atelier_shared::vocab::Format;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::board::{TopBar, me};
use crate::api;
use crate::browser;
use crate::components::ContinueCampaign;
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
    // The case file as every export renders it, from this copy of the workshop (a
    // lead's holds everything; a participant's, their room).
    let report = Memo::new(move |_| session.read(|w| Some(report::Report::of(w))));
    let rooms_count = Memo::new(move |_| session.read(|w| w.rooms.len()));
    let board = Route::Board(session.workshop_id);
    let me = me(session);
    let is_lead = Memo::new(move |_| me.with(|m| m.as_ref().is_some_and(|m| m.role == Role::Lead)));
    // Rooms with notes to tell about, in the workshop's order.
    let rooms = Memo::new(move |_| {
        report.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.rooms
                        .iter()
                        .filter(|room| !room.columns.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <TopBar/>
        <main class="report" aria-labelledby="report-heading">
            <header class="report-head">
                <p class="stamp" aria-hidden="true">{tr(|t| t.case_file_stamp)}</p>
                <h2 id="report-heading">{tr(|t| t.report_heading)}</h2>
                <p class="report-title">{move || report.with(|r| r.as_ref().map(|r| r.title.clone()).unwrap_or_default())}</p>
                <p class="figures">
                    {move || {
                        // Counted as the exports count them: notes people posted, not a map's.
                        let f = report.with(|r| r.as_ref().map(|r| r.figures).unwrap_or_default());
                        (texts().report_figures)(rooms_count.get(), f.participants, f.notes, f.dots)
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
            {move || report.with(|r| r.as_ref().map(|r| workshop_part(&r.votes, &r.polls, is_lead.get())))}
            <Show when=move || rooms.with(Vec::is_empty)>
                <p class="empty">{tr(|t| t.report_empty)}</p>
            </Show>
            {move || rooms.get().into_iter().enumerate().map(|(index, room)| room_part(index, room)).collect_view()}
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

/// The workshop's own rankings (a vote of every room) and its quick polls.
/// `lead`: the viewer sees an open secret poll's counts (a participant's copy holds
/// only their own answer, which would read as a result).
fn workshop_part(votes: &[VoteReport], polls: &[PollReport], lead: bool) -> impl IntoView + use<> {
    let t = texts();
    view! {
        {(!votes.is_empty()).then(|| view! {
            <section class="report-room" aria-labelledby="report-workshop-votes">
                <h3 id="report-workshop-votes">{t.workshop_rankings}</h3>
                {votes.iter().map(|vote| vote_tables(vote, true)).collect_view()}
            </section>
        })}
        {(!polls.is_empty()).then(|| view! {
            <section class="report-room" aria-labelledby="report-polls">
                <h3 id="report-polls">{t.polls_heading}</h3>
                {polls.iter().map(|poll| {
                    let answers = poll.answers;
                    if poll.open && poll.secret && !lead {
                        return view! {
                            <h4>{poll.question.clone()}</h4>
                            <p class="hint">{t.poll_results_later}</p>
                        }
                        .into_any();
                    }
                    view! {
                        <h4>{poll.question.clone()}</h4>
                        <p class="hint">
                            {(t.poll_answers)(answers)}
                            {poll.open.then(|| format!(" · {}", t.poll_still_open))}
                        </p>
                        <table class="ranking-table poll-table">
                            <thead><tr>
                                <th scope="col">{t.poll_option_header}</th>
                                <th scope="col">{t.poll_count_header}</th>
                            </tr></thead>
                            <tbody>
                                {poll.options.iter().map(|o| {
                                    let share = (t.percent)(report::percent(o.count, answers));
                                    view! { <tr><td>{o.text.clone()}</td><td>{format!("{} ({share})", o.count)}</td></tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }).collect_view()}
            </section>
        })}
    }
}

/// One ranking table per column of a closed vote; `rooms` adds each note's room.
fn vote_tables(vote: &VoteReport, rooms: bool) -> impl IntoView + use<> {
    let t = texts();
    view! {
        <h4>{(t.ranking_of)(&vote.step)}</h4>
        {vote.columns.iter().map(|ranking| view! {
            <table class="ranking-table">
                <caption>{ranking.column.clone()}</caption>
                <thead><tr>
                    <th scope="col">{t.rank_header}</th>
                    <th scope="col">{t.note_header}</th>
                    {rooms.then(|| view! { <th scope="col">{t.room}</th> })}
                    <th scope="col">{t.points_header}</th>
                    <th scope="col">{t.voters_header}</th>
                </tr></thead>
                <tbody>
                    {ranking.rows.iter().map(|row| view! {
                        <tr>
                            <td>{row.rank}</td>
                            <td>{row.text.clone()}</td>
                            {rooms.then(|| view! { <td>{row.room.clone().unwrap_or_default()}</td> })}
                            <td>{row.votes}</td>
                            <td>{row.voters}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }).collect_view()}
    }
}

/// One room's part of the case file (a function, not a component: called inside the
/// closure that reads the language, it is redrawn when the language changes).
fn room_part(index: usize, room: RoomReport) -> impl IntoView + use<> {
    let t = texts();
    let heading = format!("report-room-{index}");
    let labelled_by = heading.clone();
    let place = room.territory.clone().filter(|place| *place != room.name);
    view! {
        <section class="report-room" aria-labelledby=labelled_by>
            <h3 id=heading>
                {tr(|t| t.room)}" "{room.name.clone()}
                {place.map(|place| view! { <span class="hint">{format!(" · {place}")}</span> })}
            </h3>
            <p class="figures">{(t.room_figures)(room.figures.participants, room.figures.notes)}</p>
            {room.votes.iter().map(|vote| vote_tables(vote, false)).collect_view()}
            {(!room.characterised.is_empty()).then(|| view! {
                <h4>{t.characterisation_heading}</h4>
                {room.characterised.iter().map(|c| view! {
                    <article class="report-dossier">
                        <h5>{c.note.clone()}</h5>
                        <dl>
                            <dt>{t.question(Field::Why)}</dt><dd>{c.why.clone()}</dd>
                            <dt>{t.question(Field::Who)}</dt><dd>{c.who.clone()}</dd>
                            <dt>{t.question(Field::Measure)}</dt><dd>{c.measure.clone()}</dd>
                        </dl>
                    </article>
                }).collect_view()}
            })}
            {(!room.trees.is_empty()).then(|| view! {
                <h4>{t.trees_heading}</h4>
                {room.trees.iter().map(|tree| view! {
                    <article class="report-tree">
                        <h5>{tree.note.clone()}</h5>
                        <p><strong>{t.side(Side::Consequence)}{t.colon}</strong>{tree.consequences.join(" · ")}</p>
                        <p><strong>{t.side(Side::Cause)}{t.colon}</strong>{tree.causes.join(" · ")}</p>
                    </article>
                }).collect_view()}
            })}
            {room.attached.iter().map(|attached| view! {
                <article class="report-attached">
                    <h5>{attached.column.clone()}" — "{attached.parent.clone()}</h5>
                    <ul>
                        {attached.notes.iter().map(|note| view! {
                            <li>
                                {note.text.clone()}
                                {note.vote.as_ref().filter(|v| v.votes > 0).map(|v| format!(" ({})", (t.points)(v.votes)))}
                            </li>
                        }).collect_view()}
                    </ul>
                </article>
            }).collect_view()}
        </section>
    }
}
