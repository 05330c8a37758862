//! A quick poll as a board shows it: the options, one choice each, with a bar per
//! option that moves as people answer, or, in a secret poll until it closes, only
//! the viewer's own choice.

use atelier_shared::{Command, Role, StepId};
use leptos::prelude::*;

use super::Here;
use crate::browser;
use crate::i18n::{texts, tr};
use crate::session::Session;

/// What the poll board shows, computed from the replica.
#[derive(Clone, Debug, PartialEq)]
struct PollView {
    step: StepId,
    options: Vec<PollLine>,
    /// People who answered (as far as the viewer may know).
    answers: u32,
    /// The option the viewer chose.
    mine: Option<u32>,
    closed: bool,
    /// Whether the counts are the viewer's to see: an open poll, a closed one, or
    /// the lead's view of a secret one.
    counts_shown: bool,
    /// Whether the viewer may answer: a participant or a room's facilitator, in a
    /// room that is not locked, while the poll is open.
    may_answer: bool,
    /// Whether the viewer is someone who answers polls at all.
    answerer: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct PollLine {
    text: String,
    count: u32,
    /// Of the answers, in whole percent.
    share: u32,
}

#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn PollBoard() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let poll = Memo::new(move |_| -> Option<PollView> {
        let step = here.step.get()?;
        let rules = step.poll_rules()?.clone();
        let me = session.you.get();
        let room = here.room.get();
        session.read(|w| {
            let person = me.and_then(|me| w.participants.get(&me));
            let role = person.map(|p| p.role);
            let answerer = matches!(role, Some(Role::Participant | Role::RoomFacilitator));
            let closed = w.poll_closed(step.id);
            let locked = room.and_then(|r| w.room(r)).is_some_and(|r| r.locked);
            let counts = w.poll_counts(step.id);
            let answers: u32 = counts.iter().sum();
            Some(PollView {
                step: step.id,
                options: rules
                    .options
                    .iter()
                    .zip(&counts)
                    .map(|(text, count)| PollLine {
                        text: text.clone(),
                        count: *count,
                        share: atelier_shared::report::percent(*count, answers),
                    })
                    .collect(),
                answers,
                mine: me.and_then(|me| w.answer(step.id, me)),
                closed,
                counts_shown: !rules.secret || closed || role == Some(Role::Lead),
                may_answer: answerer && !closed && !locked,
                answerer,
            })
        })
    });
    let answer = move |option: Option<u32>| {
        if let Some(step) = poll.with_untracked(|p| p.as_ref().map(|p| p.step)) {
            let _ = session.send(Command::Answer { step, option });
            // The options are drawn anew: keep the keyboard where it was, on the
            // choice just made (or, after a withdrawal, on the first option).
            let target = if option.is_some() {
                ".poll-option.chosen input"
            } else {
                ".poll-option input"
            };
            set_timeout(move || browser::focus_first(target), std::time::Duration::ZERO);
        }
    };

    view! {
        {move || poll.get().map(|p| {
            let counts_shown = p.counts_shown;
            let mine = p.mine;
            let lines = p.options.into_iter().enumerate().map(|(index, line)| {
                let option = index as u32;
                let chosen = mine == Some(option);
                view! {
                    <li class="poll-option" class:chosen=chosen>
                        <label>
                            <input
                                type="radio"
                                name="poll-answer"
                                prop:checked=chosen
                                disabled=!p.may_answer
                                on:change=move |_| answer(Some(option))
                            />
                            <span class="poll-text">{line.text}</span>
                            {chosen.then(|| view! { <span class="poll-yours">{tr(|t| t.poll_yours)}</span> })}
                        </label>
                        {counts_shown.then(|| view! {
                            <div class="poll-result">
                                <span class="poll-bar" aria-hidden="true">
                                    <span class="poll-fill" style:width=format!("{}%", line.share)></span>
                                </span>
                                <span class="poll-count">{format!("{} ({})", line.count, (texts().percent)(line.share))}</span>
                            </div>
                        })}
                    </li>
                }
            }).collect_view();
            view! {
                <section class="poll" aria-labelledby="step-title">
                    <fieldset class="poll-options">
                        <legend>{if p.closed { texts().poll_results } else { texts().poll_choose }}</legend>
                        <ul role="list">{lines}</ul>
                    </fieldset>
                    <p class="poll-total" aria-live="polite">
                        {if counts_shown {
                            (texts().poll_answers)(p.answers)
                        } else {
                            texts().poll_results_later.to_owned()
                        }}
                    </p>
                    {(!p.answerer).then(|| view! { <p class="hint">{tr(|t| t.poll_onlooker)}</p> })}
                    {(p.may_answer && mine.is_some()).then(|| view! {
                        <button type="button" class="button small quiet" on:click=move |_| answer(None)>
                            {tr(|t| t.poll_withdraw)}
                        </button>
                    })}
                </section>
            }
        })}
    }
}
