//! Invitations: the code, the link, the QR code, and the lead's private link.

use atelier_shared::Command;
use atelier_shared::model::Assignment;
use leptos::prelude::*;

use super::*;
use crate::browser;
use crate::i18n::{texts, tr};
use crate::session::Session;

/// The code, the link, the QR code, and the lead's private link.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn Invite() -> impl IntoView {
    let session = expect_context::<Session>();
    let code = Memo::new(move |_| session.read(|w| w.code.to_string()));
    let spaced = move || {
        let code = code.get();
        let (a, b) = code.split_at(code.len() / 2);
        format!("{a} {b}")
    };
    let join_link = move || format!("{}/j/{}", browser::origin(), code.get());
    let facilitator_link = move || {
        let token = session.token().map(|t| t.0).unwrap_or_default();
        format!(
            "{}/w/{}#{LINK_KEY}{token}",
            browser::origin(),
            session.workshop_id
        )
    };
    let joining_open = Memo::new(move |_| session.read(|w| w.settings.joining_open));
    let assignment = Memo::new(move |_| session.read(|w| Some(w.settings.assignment)));
    let set_assignment = move |value: String| {
        let chosen = match value.as_str() {
            "facilitator" => Assignment::Facilitator,
            "choice" => Assignment::Choice,
            _ => Assignment::Balanced,
        };
        let settings = session.read_untracked(|w| Some(w.settings.clone()));
        if let Some(mut settings) = settings {
            settings.assignment = chosen;
            let _ = session.send(Command::UpdateSettings { settings });
        }
    };
    let toggle_door = move |_| {
        let settings = session.read_untracked(|w| Some(w.settings.clone()));
        if let Some(mut settings) = settings {
            settings.joining_open = !settings.joining_open;
            let _ = session.send(Command::UpdateSettings { settings });
        }
    };
    // Until the lead has copied their own link once, the cockpit asks them to: it is
    // their only way back from another device, or if this browser forgets.
    let kept_key = format!("atelier:link-kept:{}", session.workshop_id);
    let kept = RwSignal::new(browser::load(&kept_key).is_some());
    let keep_link = move |_| {
        browser::copy_to_clipboard(&facilitator_link());
        browser::save(&kept_key, "yes");
        kept.set(true);
    };
    view! {
        <Show when=move || !kept.get()>
            <div class="warn-box keep-link" role="note">
                <p>{tr(|t| t.keep_link_prompt)}</p>
                <button type="button" class="button small primary" on:click=keep_link.clone()>{tr(|t| t.keep_link_button)}</button>
            </div>
        </Show>
        // Open beside the rooms on a wide screen; folded below them on a narrow one.
        <details class="panel invite" open=browser::wide()>
            <summary><h3>{tr(|t| t.invite_heading)}</h3></summary>
            <p class="intro">{tr(|t| t.invite_intro)}</p>
            <div class="invite-body">
                <div>
                    <p class="join-code" aria-label=move || format!("{} {}", texts().code_label, code.get())>{spaced}</p>
                    <CopyField label=Signal::derive(move || texts().join_link.to_owned()) value=Signal::derive(join_link)/>
                    <label for="assignment">{tr(|t| t.assignment_label)}</label>
                    <select id="assignment" on:change=move |ev| set_assignment(event_target_value(&ev))>
                        {[(Assignment::Balanced, "balanced"), (Assignment::Choice, "choice"), (Assignment::Facilitator, "facilitator")]
                            .into_iter()
                            .map(|(mode, value)| view! {
                                <option value=value selected=move || assignment.get() == Some(mode)>
                                    {move || (texts().assignment)(mode)}
                                </option>
                            })
                            .collect_view()}
                    </select>
                    <label class="inline-check">
                        <input type="checkbox" prop:checked=move || !joining_open.get() on:change=toggle_door/>
                        <span>{tr(|t| t.close_door)}</span>
                    </label>
                </div>
                <img
                    class="qr"
                    width="160"
                    height="160"
                    src=move || format!("/api/join/{}/qr.svg", code.get())
                    alt=move || (texts().qr_alt)(&join_link())
                />
            </div>
            <details class="private-link">
                <summary>{tr(|t| t.facilitator_link)}</summary>
                <p class="hint">{tr(|t| t.facilitator_link_hint)}</p>
                <CopyField
                    label=Signal::derive(move || texts().facilitator_link.to_owned())
                    value=Signal::derive(facilitator_link)
                />
            </details>
        </details>
    }
}

#[component]
fn CopyField(label: Signal<String>, value: Signal<String>) -> impl IntoView {
    let copied = RwSignal::new(false);
    view! {
        <div class="copy-field">
            <input type="text" readonly aria-label=move || label.get() prop:value=move || value.get()/>
            <button type="button" class="button small" on:click=move |_| {
                browser::copy_to_clipboard(&value.get_untracked());
                copied.set(true);
                set_timeout(
                    move || {
                        let _ = copied.try_set(false);
                    },
                    std::time::Duration::from_secs(2),
                );
            }>
                {move || if copied.get() { texts().copied } else { texts().copy }}
            </button>
        </div>
    }
}
