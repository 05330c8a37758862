//! Every rule of the state machine, without a socket or a runtime: one file per group
//! of commands, and random sessions in `properties`.

mod agenda;
mod creation;
mod details;
mod invariants;
mod members;
mod notes;
mod polls;
mod properties;
mod roles;
mod rooms;
mod sight;
mod timer;
mod votes;
