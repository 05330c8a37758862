//! Scenario 3, the burst: many workshops at once, as at the start of a national day.
//! Each lead starts the timer; everyone posts 3 notes within 10 s; each lead moves
//! every room to the vote; everyone spends 3 dots within 10 s. Then each lead
//! reconnects and the workshop it is given is checked against what was acknowledged:
//! every note once, every dot once.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use atelier_shared::{Activity, Command, NoteId, ParticipantId, RoomId, StepId, Workshop};
use futures_util::StreamExt;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite::Message;

use crate::crowd::{self, Shape};
use crate::load::{epoch, on_off, rule};
use crate::participant::{Participant, Socket, handshake, send};
use crate::scan::{note_text, scan};
use crate::server::{Server, Usage};
use crate::stats::Latencies;

/// Each person's notes, and dots.
pub const NOTES_EACH: usize = 3;
pub const DOTS_EACH: usize = 3;
/// Each phase's window.
const WINDOW: Duration = Duration::from_secs(10);
/// After a window, how long late answers are still awaited.
const DRAIN: Duration = Duration::from_secs(3);

/// What one connection saw during a phase.
#[derive(Debug, Default)]
struct Tally {
    acks: Latencies,
    rejections: usize,
    /// Other people's generated notes received, with their latency.
    deliveries: Latencies,
    /// Start of the timer → its event here.
    timer: Option<u64>,
    dropped: bool,
    /// Commands acknowledged, by their id.
    acked: BTreeSet<u64>,
}

/// Plays a script of timed commands on one connection until `until`, reading
/// everything that arrives. `me`: the author number whose notes are not counted as
/// deliveries. `timer_from`: when the timer was started, if its arrival is timed.
async fn play(
    socket: &mut Socket,
    next_id: &mut u64,
    me: Option<u32>,
    script: Vec<(Instant, Command)>,
    until: Instant,
    timer_from: Option<Instant>,
) -> Tally {
    let mut tally = Tally::default();
    let mut script = script.into_iter().peekable();
    let mut in_flight: HashMap<u64, Instant> = HashMap::new();
    loop {
        let next_send = script.peek().map(|(at, _)| *at).unwrap_or(until);
        tokio::select! {
            frame = socket.next() => {
                let Some(Ok(frame)) = frame else {
                    tally.dropped = true;
                    break;
                };
                let Message::Text(text) = frame else { continue };
                let now = Instant::now();
                let seen = scan(&text);
                tally.rejections += seen.rejections.len();
                for id in seen.acks {
                    if let Some(sent) = in_flight.remove(&id) {
                        tally.acks.record(now.duration_since(sent).as_micros() as u64);
                        tally.acked.insert(id);
                    }
                }
                let since_epoch = now.duration_since(epoch()).as_micros() as u64;
                for (author, sent) in seen.notes {
                    if Some(author) != me {
                        tally.deliveries.record(since_epoch.saturating_sub(sent));
                    }
                }
                if let Some(from) = timer_from
                    && tally.timer.is_none()
                    && text.contains(r#""kind":"timer_changed""#)
                {
                    tally.timer = Some(now.duration_since(from).as_micros() as u64);
                }
            }
            () = sleep_until(next_send), if script.peek().is_some() => {
                let Some((_, command)) = script.next() else { continue };
                *next_id += 1;
                in_flight.insert(*next_id, Instant::now());
                if send(socket, *next_id, command).await.is_err() {
                    tally.dropped = true;
                    break;
                }
            }
            () = sleep_until(until) => break,
        }
    }
    tally
}

/// A deterministic pseudo-random sequence (splitmix64), so a run can be repeated.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// `n` instants spread at random over `[from, from + WINDOW)`, in order.
fn moments(seed: u64, n: usize, from: Instant) -> Vec<Instant> {
    let mut at: Vec<Instant> = (0..n as u64)
        .map(|k| from + WINDOW.mul_f64((mix(seed * 31 + k) % 1_000_000) as f64 / 1_000_000.0))
        .collect();
    at.sort();
    at
}

/// Totals of one phase over every connection.
#[derive(Debug, Default)]
struct Phase {
    acks: Latencies,
    deliveries: Latencies,
    expected_deliveries: usize,
    rejections: usize,
    dropped: usize,
    server_cpu: f64,
    generator_cpu: f64,
}

impl Phase {
    fn add(&mut self, tally: Tally) {
        self.acks.merge(tally.acks);
        self.deliveries.merge(tally.deliveries);
        self.rejections += tally.rejections;
        self.dropped += usize::from(tally.dropped);
    }
}

/// A lead connection, kept apart from the participants.
struct Lead {
    socket: Socket,
    sent: u64,
    vote: StepId,
}

type LeadRun = JoinHandle<(Lead, Tally)>;

/// Each lead sends one command at its instant (`command` of its position and itself),
/// then reads until `until`.
fn leads_send(
    leads: Vec<Lead>,
    until: Instant,
    command: impl Fn(usize, &Lead) -> (Instant, Command),
) -> Vec<LeadRun> {
    leads
        .into_iter()
        .enumerate()
        .map(|(w, mut lead)| {
            let script = vec![command(w, &lead)];
            tokio::spawn(async move {
                let tally = play(&mut lead.socket, &mut lead.sent, None, script, until, None).await;
                (lead, tally)
            })
        })
        .collect()
}

/// The leads back, once their phase is over, with the notes they received; their
/// rejections and drops count in `phase`.
async fn leads_back(runs: Vec<LeadRun>, phase: &mut Phase) -> Result<(Vec<Lead>, Latencies)> {
    let mut leads = Vec::with_capacity(runs.len());
    let mut deliveries = Latencies::default();
    for run in runs {
        let (lead, tally) = run.await?;
        phase.rejections += tally.rejections;
        phase.dropped += usize::from(tally.dropped);
        deliveries.merge(tally.deliveries);
        leads.push(lead);
    }
    Ok((leads, deliveries))
}

/// Runs the burst; returns the table's rows and the verification's lines.
pub async fn run(binary: &Path, shape: Shape, spread: Duration, store: bool) -> Result<String> {
    Server::with(binary, store, async |server| {
        drive(server, shape, spread, store).await
    })
    .await
}

async fn drive(server: &Server, shape: Shape, spread: Duration, store: bool) -> Result<String> {
    let host = server.host.as_str();
    let created = crowd::create(host, shape).await?;
    let participants = crowd::connect(host, &created).await?;
    let mut leads = Vec::with_capacity(created.len());
    for workshop in &created {
        let (socket, welcome, _) = handshake(host, workshop.workshop, workshop.lead.clone()).await?;
        leads.push(Lead {
            socket,
            sent: 0,
            vote: vote_step(&welcome)?,
        });
    }
    let people = participants.len();
    let each = shape.participants;

    // ——— Timer, then notes ———
    // Lead `w` starts its timer at `timer_at(w)`: all at once, or spread.
    let timer_base = Instant::now() + Duration::from_millis(500);
    let workshops = created.len();
    let timer_at = move |w: usize| timer_base + spread.mul_f64(w as f64 / workshops as f64);
    let notes_from = timer_base + spread + Duration::from_secs(1);
    let notes_until = notes_from + WINDOW + DRAIN;
    let lead_runs = leads_send(leads, notes_until, |w, _| {
        let start = Command::StartTimer {
            seconds: 30 * 60,
            auto_lock: false,
        };
        (timer_at(w), start)
    });
    let runs: Vec<_> = participants
        .into_iter()
        .map(|mut p| {
            tokio::spawn(async move {
                let script = moments(u64::from(p.index), NOTES_EACH, notes_from)
                    .into_iter()
                    .map(|at| {
                        let text = note_text(p.index, at.duration_since(epoch()).as_micros() as u64);
                        (at, p.post(text))
                    })
                    .collect::<Vec<_>>();
                // The stamp is the planned instant; the send is at it or just after.
                let me = Some(p.index);
                let tally = play(
                    &mut p.socket,
                    &mut p.sent,
                    me,
                    script,
                    notes_until,
                    Some(timer_at(p.index as usize / each)),
                )
                .await;
                (p, tally)
            })
        })
        .collect();
    // The timer's second: the participants post nothing until `notes_from`.
    let timing = measure_window(server, timer_base, notes_from).await?;
    let notes = measure_window(server, notes_from, notes_from + WINDOW).await?;
    let mut timer = Latencies::default();
    let mut phase_notes = Phase {
        server_cpu: notes.0,
        generator_cpu: notes.1,
        ..Phase::default()
    };
    let mut participants = Vec::with_capacity(people);
    for run in runs {
        let (p, mut tally) = run.await?;
        if let Some(micros) = tally.timer.take() {
            timer.record(micros);
        }
        phase_notes.add(tally);
        participants.push(p);
    }
    let missing_timer = people - timer.len();
    let (leads, lead_deliveries) = leads_back(lead_runs, &mut phase_notes).await?;
    // Each note reaches the other people of its room and the lead.
    let room_sizes = room_sizes(&participants, each);
    phase_notes.expected_deliveries = room_sizes
        .values()
        .map(|n| n * (n - 1) * NOTES_EACH)
        .sum::<usize>();
    let expected_lead = people * NOTES_EACH;
    let got_lead = lead_deliveries.len();
    phase_notes.deliveries.merge(lead_deliveries);
    phase_notes.expected_deliveries += expected_lead;

    // ——— Votes ———
    let step_at = Instant::now() + Duration::from_millis(200);
    let votes_from = step_at + Duration::from_secs(1);
    let votes_until = votes_from + WINDOW + DRAIN;
    let targets = vote_targets(&participants, each);
    let lead_runs = leads_send(leads, votes_until, |_, lead| {
        let go = Command::GoToStep {
            room: None,
            step: lead.vote,
        };
        (step_at, go)
    });
    let runs: Vec<_> = participants
        .into_iter()
        .zip(targets)
        .map(|(mut p, chosen)| {
            tokio::spawn(async move {
                let script = moments(u64::from(p.index) + 1_000_003, DOTS_EACH, votes_from)
                    .into_iter()
                    .zip(chosen.iter().copied())
                    .map(|(at, note)| (at, Command::Vote { note, dots: 1 }))
                    .collect::<Vec<_>>();
                let first_id = p.sent + 1;
                let tally = play(
                    &mut p.socket,
                    &mut p.sent,
                    Some(p.index),
                    script,
                    votes_until,
                    None,
                )
                .await;
                // Which of the chosen notes got their dot acknowledged.
                let acked: Vec<NoteId> = chosen
                    .iter()
                    .zip(first_id..)
                    .filter(|(_, id)| tally.acked.contains(id))
                    .map(|(note, _)| *note)
                    .collect();
                (p, tally, acked)
            })
        })
        .collect();
    let votes = measure_window(server, votes_from, votes_from + WINDOW).await?;
    let mut phase_votes = Phase {
        server_cpu: votes.0,
        generator_cpu: votes.1,
        ..Phase::default()
    };
    let mut dots_sent: HashMap<u32, Vec<NoteId>> = HashMap::new();
    let mut participants = Vec::with_capacity(people);
    for run in runs {
        let (p, tally, acked) = run.await?;
        // Votes are not notes: nothing is counted as a delivery in this phase.
        phase_votes.add(Tally {
            deliveries: Latencies::default(),
            ..tally
        });
        dots_sent.insert(p.index, acked);
        participants.push(p);
    }
    // What the leads see of votes is not counted as deliveries.
    let (leads, _) = leads_back(lead_runs, &mut phase_votes).await?;
    let rss_kib = server.usage()?.rss_kib;

    // ——— What the server kept ———
    let check = verify(host, &created, &participants, &dots_sent, each).await?;
    drop(leads);
    for p in participants {
        p.close().await;
    }

    let timers = if spread.is_zero() {
        "at once".to_owned()
    } else {
        format!("over {} s", spread.as_secs_f64())
    };
    let mut out = String::new();
    let label = format!(
        "{} | {} × {} ({} rooms)",
        on_off(store),
        shape.workshops,
        shape.participants,
        shape.rooms
    );
    out.push_str(&format!(
        "| {label} | timer started by {} leads {timers} | {} | — | — | {} | {missing_timer} | {} | — | — | {:.2} | {:.2} |\n",
        created.len(),
        created.len(),
        timer.len(),
        three(&mut timer),
        timing.0,
        timing.1,
    ));
    for (name, commands, mut phase) in [
        ("notes", people * NOTES_EACH, phase_notes),
        ("votes", people * DOTS_EACH, phase_votes),
    ] {
        let lost = phase.expected_deliveries.saturating_sub(phase.deliveries.len());
        let leads = if name == "notes" {
            format!("{got_lead} of {expected_lead}")
        } else {
            "—".to_owned()
        };
        out.push_str(&format!(
            "| {label} | {name} | {commands} | {} | {} | {} | {lost} | {} | {} | {leads} | {:.2} | {:.2} |\n",
            three(&mut phase.acks),
            phase.rejections,
            phase.deliveries.len(),
            three(&mut phase.deliveries),
            phase.dropped,
            phase.server_cpu,
            phase.generator_cpu,
        ));
    }
    out.push_str(&format!(
        "\nStore {store}, timers {timers}: checked afterwards, from each lead's fresh snapshot (server RSS {:.0} MiB at the end): {check}\n",
        rss_kib as f64 / 1024.0,
        store = on_off(store),
    ));
    Ok(out)
}

/// "p50 / p99 / max" in milliseconds, or a dash when nothing was measured.
fn three(latencies: &mut Latencies) -> String {
    if latencies.is_empty() {
        return "—".to_owned();
    }
    format!(
        "{:.2} / {:.2} / {:.2}",
        latencies.quantile_ms(0.5),
        latencies.quantile_ms(0.99),
        latencies.quantile_ms(1.0)
    )
}

pub fn header() -> String {
    let header = "| store | workshops × people | phase | commands | ack p50 / p99 / max (ms) | rejected | deliveries | lost | delivery p50 / p99 / max (ms) | connections dropped | leads' deliveries | server CPU | generator CPU |";
    format!("{header}\n{}", rule(header.matches('|').count() - 1))
}

/// Server and generator CPU (cores) from `from` to `until`.
async fn measure_window(server: &Server, from: Instant, until: Instant) -> Result<(f64, f64)> {
    sleep_until(from).await;
    let (server_before, generator_before) = (server.usage()?, Usage::of("self")?);
    sleep_until(until).await;
    let (server_after, generator_after) = (server.usage()?, Usage::of("self")?);
    let seconds = until.duration_since(from).as_secs_f64();
    Ok((
        (server_after.cpu_seconds - server_before.cpu_seconds) / seconds,
        (generator_after.cpu_seconds - generator_before.cpu_seconds) / seconds,
    ))
}

/// People per (workshop, room).
fn room_sizes(participants: &[Participant], each: usize) -> BTreeMap<(usize, RoomId), usize> {
    let mut sizes = BTreeMap::new();
    for p in participants {
        *sizes.entry((p.index as usize / each, p.room)).or_default() += 1;
    }
    sizes
}

/// For each participant, in order, `DOTS_EACH` distinct notes of other people of
/// its room, chosen at random.
fn vote_targets(participants: &[Participant], each: usize) -> Vec<Vec<NoteId>> {
    let mut by_room: BTreeMap<(usize, RoomId), Vec<(u32, NoteId)>> = BTreeMap::new();
    for p in participants {
        let notes = by_room.entry((p.index as usize / each, p.room)).or_default();
        notes.extend(p.mine.iter().map(|note| (p.index, *note)));
    }
    participants
        .iter()
        .map(|p| {
            let mut candidates: Vec<NoteId> = by_room[&(p.index as usize / each, p.room)]
                .iter()
                .filter(|(author, _)| *author != p.index)
                .map(|(_, note)| *note)
                .collect();
            // A partial Fisher–Yates shuffle.
            let take = DOTS_EACH.min(candidates.len());
            for k in 0..take {
                let j = k + (mix(u64::from(p.index) * 7 + k as u64) as usize) % (candidates.len() - k);
                candidates.swap(k, j);
            }
            candidates.truncate(take);
            candidates
        })
        .collect()
}

/// The template's vote step.
fn vote_step(workshop: &Workshop) -> Result<StepId> {
    let step = workshop
        .steps
        .iter()
        .find(|s| matches!(s.activity, Activity::Vote { .. }))
        .context("the template has a vote")?;
    Ok(step.id)
}

/// Reconnects each lead and compares the workshop it is given with what was
/// acknowledged: every note present once, every acknowledged dot counted once.
async fn verify(
    host: &str,
    created: &[crowd::Created],
    participants: &[Participant],
    dots_sent: &HashMap<u32, Vec<NoteId>>,
    each: usize,
) -> Result<String> {
    let (mut notes_expected, mut notes_found, mut notes_extra) = (0, 0, 0);
    let (mut dots_expected, mut dots_counted, mut lost, mut double) = (0, 0, 0, 0);
    for (w, workshop) in created.iter().enumerate() {
        let (_socket, snapshot, _) = handshake(host, workshop.workshop, workshop.lead.clone()).await?;
        let vote = vote_step(&snapshot)?;
        let mut counted: HashMap<(ParticipantId, NoteId), u32> = HashMap::new();
        for (ballot, dots) in &snapshot.ballots {
            if ballot.step == vote {
                counted.insert((ballot.voter, ballot.note), *dots);
                dots_counted += *dots as usize;
            }
        }
        let members = &participants[w * each..(w + 1) * each];
        notes_extra += snapshot
            .notes
            .len()
            .saturating_sub(members.iter().map(|p| p.mine.len()).sum());
        for p in members {
            notes_expected += p.mine.len();
            notes_found += p.mine.iter().filter(|n| snapshot.notes.contains_key(n)).count();
            // Who the server says the participant is: the author of their first note.
            let voter = snapshot
                .notes
                .get(&p.mine[0])
                .and_then(|note| note.author)
                .context("the first note of each participant is kept")?;
            for note in &dots_sent[&p.index] {
                dots_expected += 1;
                match counted.remove(&(voter, *note)) {
                    None | Some(0) => lost += 1,
                    Some(1) => {}
                    Some(more) => double += more as usize - 1,
                }
            }
        }
        double += counted.values().map(|d| *d as usize).sum::<usize>();
    }
    Ok(format!(
        "notes {notes_found}/{notes_expected} kept, {notes_extra} unexpected; dots {dots_counted} counted for {dots_expected} acknowledged: **{lost} lost, {double} counted twice**"
    ))
}
