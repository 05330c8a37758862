//! People and their rooms: placing, appointing facilitators and co-leads.

use atelier_shared::{Command, ParticipantId, Role, RoomId};
use leptos::prelude::*;

use crate::i18n::{texts, tr};
use crate::session::Session;

/// Someone the lead may place or appoint.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Person {
    id: ParticipantId,
    name: String,
    room: Option<RoomId>,
    online: bool,
    role: Role,
}

/// Everyone but the viewer, with their room and their role: the lead places people,
/// appoints a facilitator per room and co-leads who share the cockpit. The lobby first.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn People() -> impl IntoView {
    let session = expect_context::<Session>();
    let rooms = session.room_names();
    let people = Memo::new(move |_| {
        let online = session.online.get();
        session.read(|w| {
            let me = session.you.get();
            let mut people: Vec<Person> = w
                .participants
                .values()
                .filter(|p| Some(p.id) != me)
                .map(|p| Person {
                    id: p.id,
                    name: p.name.clone(),
                    room: p.room,
                    online: online.contains(&p.id),
                    role: p.role,
                })
                .collect();
            // The lobby first, then by name.
            people.sort_by_key(|p| (p.room.is_some(), p.name.to_lowercase()));
            people
        })
    });
    let waiting = move || people.with(|p| p.iter().filter(|p| p.room.is_none()).count());
    view! {
        <details class="panel people-panel">
            <summary>
                <h3>{tr(|t| t.people_heading)}</h3>
                <span class="tag">{move || (texts().people)(people.with(Vec::len))}</span>
                <Show when=move || { waiting() > 0 }>
                    <span class="tag warn">{move || (texts().in_lobby)(waiting())}</span>
                </Show>
            </summary>
            <ul class="people-list" role="list">
                <For each=move || people.get() key=|p| p.clone() let:person>
                    {
                        let Person { id, name, room, online, role } = person;
                        let select_id = format!("move-{id}");
                        let role_label = format!("{} — {}", texts().role_label, name);
                        view! {
                            <li class:online=online>
                                <span class="presence-dot" aria-hidden="true"></span>
                                <label for=select_id.clone()>{name.clone()}</label>
                                <select class="role-select" aria-label=role_label on:change=move |ev| {
                                    let chosen = match event_target_value(&ev).as_str() {
                                        "lead" => Role::Lead,
                                        "room_facilitator" => Role::RoomFacilitator,
                                        "observer" => Role::Observer,
                                        _ => Role::Participant,
                                    };
                                    let _ = session.send(Command::SetRole { participant: id, role: chosen });
                                }>
                                    {[(Role::Participant, "participant"), (Role::RoomFacilitator, "room_facilitator"), (Role::Lead, "lead"), (Role::Observer, "observer")]
                                        .into_iter()
                                        .map(|(r, value)| view! {
                                            <option value=value selected=role == r>{move || (texts().role_choice)(r)}</option>
                                        })
                                        .collect_view()}
                                </select>
                                <select id=select_id disabled=role == Role::Lead on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    let room = value.parse::<RoomId>().ok();
                                    let _ = session.send(Command::MoveParticipant { participant: id, room });
                                }>
                                    <option value="" selected=room.is_none()>{tr(|t| t.lobby)}</option>
                                    {move || rooms.get().into_iter().map(|(rid, rname)| view! {
                                        <option value=rid.to_string() selected=room == Some(rid)>{rname}</option>
                                    }).collect_view()}
                                </select>
                            </li>
                        }
                    }
                </For>
            </ul>
        </details>
    }
}
