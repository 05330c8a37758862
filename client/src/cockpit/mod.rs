//! The lead facilitator's cockpit ("le QG"): every room at a glance, the agenda and
//! what moves everyone along, the timer, a message to all rooms, people and their
//! rooms, invitations (code, link, QR code), importing a map, and deleting the
//! workshop once it is over.

use atelier_shared::RoomId;
use leptos::prelude::*;

use crate::i18n::tr;

mod conduct;
mod invite;
mod people;
mod poll;
mod rooms;
mod tools;

use conduct::*;
use invite::*;
use people::*;
use poll::*;
use rooms::*;
use tools::*;

/// A facilitator link carries its credential after `#k=`: fragments never reach
/// servers or their logs.
pub const LINK_KEY: &str = "k=";

/// The cockpit, compiled into its own wasm chunk and fetched the first time it is
/// shown: only leads need it, so participants' phones never download it.
#[lazy]
pub fn cockpit_view(room: Memo<Option<RoomId>>, chosen: RwSignal<Option<RoomId>>) -> AnyView {
    view! { <Cockpit room chosen/> }.into_any()
}

#[component]
fn Cockpit(room: Memo<Option<RoomId>>, chosen: RwSignal<Option<RoomId>>) -> impl IntoView {
    view! {
        <section class="cockpit" aria-labelledby="cockpit-heading">
            <h2 id="cockpit-heading" class="visually-hidden">{tr(|t| t.cockpit_heading)}</h2>
            <div class="cockpit-grid">
                <Conduct/>
                <div class="cockpit-side">
                    <RoomsAtAGlance room chosen/>
                    <div class="cockpit-tools">
                        <Invite/>
                        <QuickPoll/>
                        <People/>
                        <Broadcast/>
                        <ImportMap/>
                        <DeleteWorkshop/>
                    </div>
                </div>
            </div>
        </section>
    }
}
