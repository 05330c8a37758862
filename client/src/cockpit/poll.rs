//! A quick poll, written and launched live: a question, a few answers, every room
//! moved to it at once (the seminar's "where do you stand on these challenges?").

use atelier_shared::machine::check_step;
use atelier_shared::model::PollRules;
use atelier_shared::{Activity, Command, Step, StepId};
use leptos::prelude::*;
use uuid::Uuid;

use crate::i18n::tr;
use crate::session::Session;
use crate::{browser, derive};

/// The options typed one per line, blank lines left out.
fn options_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn QuickPoll() -> impl IntoView {
    let session = expect_context::<Session>();
    let question = RwSignal::new(String::new());
    let options = RwSignal::new(String::new());
    let secret = RwSignal::new(false);
    let invalid = RwSignal::new(false);
    let launch = move || {
        let id = StepId(Uuid::from_bytes(browser::random_bytes()));
        let step = Step {
            id,
            key: None,
            title: question.get_untracked(),
            instructions: String::new(),
            minutes: None,
            columns: Vec::new(),
            activity: Activity::Poll {
                rules: PollRules {
                    options: options.with_untracked(|o| options_of(o)),
                    secret: secret.get_untracked(),
                },
            },
        };
        // The agenda's own check (question, 2 to 12 distinct options), and where the
        // rooms are: right after their step, so "next step" carries on from there;
        // a poll still open there is closed first, its results published rather than
        // left hanging once everyone has moved on.
        let (valid, position, open_poll) = session.read_untracked(|w| {
            let current = derive::common_step(w);
            (
                check_step(w, step.clone()).is_ok(),
                current
                    .and_then(|s| w.steps.iter().position(|x| x.id == s.id))
                    .map_or(w.steps.len(), |i| i + 1),
                current
                    .filter(|s| s.poll_rules().is_some() && !w.poll_closed(s.id))
                    .map(|s| s.id),
            )
        });
        invalid.set(!valid);
        if !valid {
            return;
        }
        if let Some(open) = open_poll {
            let _ = session.send(Command::CloseVote {
                room: None,
                step: open,
            });
        }
        if session.send(Command::AddStep { step, position }).is_ok()
            && session.send(Command::GoToStep { room: None, step: id }).is_ok()
        {
            question.set(String::new());
            options.set(String::new());
        }
    };
    view! {
        <details class="panel quick-poll">
            <summary><h3>{tr(|t| t.quick_poll_heading)}</h3></summary>
            <p class="intro">{tr(|t| t.quick_poll_intro)}</p>
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                launch();
            }>
                <label for="quick-poll-question">{tr(|t| t.quick_poll_question)}</label>
                <input id="quick-poll-question" type="text" maxlength=atelier_shared::text::TITLE_MAX_CHARS bind:value=question/>
                <label for="quick-poll-options">{tr(|t| t.quick_poll_options)}</label>
                <textarea id="quick-poll-options" rows="4" bind:value=options></textarea>
                <label class="inline-check">
                    <input type="checkbox" prop:checked=move || secret.get() on:change=move |_| secret.update(|s| *s = !*s)/>
                    <span>{tr(|t| t.quick_poll_secret)}</span>
                </label>
                {move || invalid.get().then(|| view! { <p class="error" role="alert">{tr(|t| t.quick_poll_invalid)}</p> })}
                <div class="actions">
                    <button type="submit" class="button small primary">{tr(|t| t.quick_poll_launch)}</button>
                </div>
            </form>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::options_of;

    #[test]
    fn options_are_the_lines_typed_trimmed_without_blank_ones() {
        assert_eq!(
            options_of(" Mobilité \n\n  \nLogement\r\nAlimentation"),
            vec!["Mobilité", "Logement", "Alimentation"]
        );
        assert!(options_of("\n \n").is_empty());
    }
}
