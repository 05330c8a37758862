//! The case file as one self-contained HTML page: styles inline, charts as inline SVG,
//! no script but the print button's. On screen it reads like the client's report; on
//! paper it is A4, one room per page, tables and charts never cut in two.

use std::fmt::Write;

use atelier_shared::model::{Field, Side};
use atelier_shared::report::{NoteLine, Origin, PollReport, Report, RoomReport, VoteReport};

use super::labels::Labels;
use super::{Format, Options, chart};

/// The print button's only script; the page's Content-Security-Policy allows this
/// handler by its hash and nothing else.
pub const PRINT_HANDLER: &str = "window.print()";
/// `'sha256-…'` of [`PRINT_HANDLER`], for the Content-Security-Policy.
pub const PRINT_HANDLER_HASH: &str = "sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU=";

/// The Content-Security-Policy the page is served with: its own inline styles, the
/// print button, nothing fetched, nothing framed.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-hashes' '{PRINT_HANDLER_HASH}'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
}

pub fn render(reports: &[Report], campaign: bool, options: &Options) -> String {
    let l = Labels::of(options.lang);
    let title = reports.first().map_or("", |r| r.title.as_str());
    let heading = if campaign { l.campaign } else { l.report };
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!doctype html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{} — {}</title>"#,
        options.lang.code(),
        esc(heading),
        esc(title),
    );
    if options.live {
        out.push_str(r#"<meta http-equiv="refresh" content="30">"#);
    }
    let _ = write!(out, "<style>{STYLE}</style></head><body>");
    if let Some(query) = &options.query {
        downloads(&mut out, campaign, query, options.live, l);
    }
    // Every part of the page inside a landmark, for screen readers' navigation.
    out.push_str("<main>");
    if campaign {
        let _ = write!(
            out,
            r#"<header class="cover"><p class="stamp">{}</p><h1>{} — {}</h1><ol>"#,
            esc(l.stamp),
            esc(l.campaign),
            esc(title)
        );
        for report in reports {
            let _ = write!(out, "<li>{}</li>", esc(&report.title));
        }
        out.push_str("</ol></header>");
    }
    for report in reports {
        workshop(&mut out, report, options, l);
    }
    out.push_str("</main></body></html>\n");
    out
}

fn downloads(out: &mut String, campaign: bool, query: &str, live: bool, l: &Labels) {
    let stem = if campaign { "campaign" } else { "report" };
    let _ = write!(
        out,
        r#"<nav class="downloads no-print" aria-label="{}"><span>{}{}</span>"#,
        esc(l.downloads),
        esc(l.downloads),
        l.colon.trim_end()
    );
    for format in Format::ALL.into_iter().filter(|f| *f != Format::Html) {
        let _ = write!(
            out,
            r#"<a class="button" href="{stem}.{}?{}" download>{}</a>"#,
            format.extension(),
            esc(query),
            esc(format.name())
        );
    }
    let _ = write!(
        out,
        r#"<button type="button" class="button primary" onclick="{PRINT_HANDLER}">{}</button>"#,
        esc(l.print)
    );
    let (live_query, live_label) = if live {
        (query.to_owned(), l.stop_live)
    } else {
        (format!("{query}&live=1"), l.follow_live)
    };
    let _ = write!(
        out,
        r#"<a class="button" href="{stem}.html?{}">{}</a></nav>"#,
        esc(&live_query),
        esc(live_label)
    );
}

fn workshop(out: &mut String, report: &Report, options: &Options, l: &Labels) {
    let (zone, lang) = (options.zone, options.lang);
    let _ = write!(
        out,
        r#"<article class="workshop"><header class="head"><p class="stamp" aria-hidden="true">{}</p><h1>{}</h1><p class="title">{}</p><p class="meta">{} {} · {} {} ({})</p><p class="figures">{}</p></header>"#,
        esc(l.stamp),
        esc(l.report),
        esc(&report.title),
        esc(l.created),
        zone.date_time(report.created, lang),
        esc(l.generated),
        zone.date_time(options.generated, lang),
        zone.name(),
        esc(&(l.figures)(&report.figures)),
    );
    summary(out, report, l);
    if !report.votes.is_empty() {
        let _ = write!(
            out,
            r#"<section class="votes"><h2>{}</h2>"#,
            esc(l.workshop_votes)
        );
        for vote in &report.votes {
            votes(out, vote, true, l);
        }
        out.push_str("</section>");
    }
    polls(out, &report.polls, l);
    let t = &report.timeline;
    if t.notes.iter().chain(&t.arrivals).any(|n| *n > 0) {
        let _ = write!(
            out,
            r#"<section class="timeline"><h2>{} <small>({})</small></h2>{}</section>"#,
            esc(l.timeline),
            esc(&(l.per_slice)(t.minutes)),
            chart::timeline(t, l, zone, lang),
        );
    }
    for room in &report.rooms {
        room_section(out, room, l);
    }
    out.push_str("</article>");
}

/// One line per room: where it is and how much it did.
fn summary(out: &mut String, report: &Report, l: &Labels) {
    let _ = write!(
        out,
        r#"<section class="summary"><h2>{}</h2><table><thead><tr><th scope="col">{}</th><th scope="col">{}</th>"#,
        esc(l.by_room),
        esc(l.room),
        esc(l.current_step)
    );
    for title in l.figure_columns() {
        let _ = write!(out, r#"<th scope="col" class="n">{}</th>"#, esc(title));
    }
    out.push_str("</tr></thead><tbody>");
    for room in &report.rooms {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td>",
            esc(&room.label()),
            esc(&room.step)
        );
        for n in room.figures.counts() {
            let _ = write!(out, r#"<td class="n">{n}</td>"#);
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></section>");
}

fn room_section(out: &mut String, room: &RoomReport, l: &Labels) {
    let _ = write!(
        out,
        r#"<section class="room"><h2>{} {}</h2><p class="meta">{}{}{}</p><p class="figures">{}</p>"#,
        esc(l.room),
        esc(&room.label()),
        esc(l.current_step),
        l.colon,
        esc(&room.step),
        esc(&(l.figures)(&room.figures)),
    );
    for vote in &room.votes {
        votes(out, vote, false, l);
    }
    if !room.characterised.is_empty() {
        let _ = write!(out, "<h3>{}</h3>", esc(l.characterisation));
        for c in &room.characterised {
            let _ = write!(out, r#"<div class="dossier"><h4>{}</h4><dl>"#, esc(&c.note));
            for (field, answer) in [
                (Field::Why, &c.why),
                (Field::Who, &c.who),
                (Field::Measure, &c.measure),
            ] {
                let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(l.question(field)), esc(answer));
            }
            out.push_str("</dl></div>");
        }
    }
    if !room.trees.is_empty() {
        let _ = write!(out, "<h3>{}</h3>", esc(l.trees));
        for tree in &room.trees {
            let _ = write!(out, r#"<div class="tree"><h4>{}</h4>"#, esc(&tree.note));
            for (side, branches) in [
                (Side::Consequence, &tree.consequences),
                (Side::Cause, &tree.causes),
            ] {
                let _ = write!(out, "<p><strong>{}</strong></p><ul>", esc(l.side(side)));
                for branch in branches {
                    let _ = write!(out, "<li>{}</li>", esc(branch));
                }
                out.push_str("</ul>");
            }
            out.push_str("</div>");
        }
    }
    for attached in &room.attached {
        let _ = write!(
            out,
            r#"<div class="attached"><h3>{} {} « {} »</h3><ul>"#,
            esc(&attached.column),
            esc(l.attached),
            esc(&attached.parent)
        );
        for line in &attached.notes {
            let _ = write!(out, "<li>{}</li>", note(line, l));
        }
        out.push_str("</ul></div>");
    }
    if !room.columns.is_empty() {
        let _ = write!(out, r#"<h3>{}</h3><div class="board">"#, esc(l.board));
        for column in &room.columns {
            let _ = write!(out, r#"<div class="column"><h4>{}</h4><ul>"#, esc(&column.column));
            for line in &column.notes {
                let _ = write!(out, "<li>{}", note(line, l));
                if !line.merged.is_empty() {
                    out.push_str("<ul>");
                    for merged in &line.merged {
                        let _ = write!(out, "<li>{} : {}</li>", esc(l.merged), note(merged, l));
                    }
                    out.push_str("</ul>");
                }
                out.push_str("</li>");
            }
            out.push_str("</ul></div>");
        }
        out.push_str("</div>");
    } else {
        let _ = write!(out, r#"<p class="empty">{}</p>"#, esc(l.nothing_yet));
    }
    out.push_str("</section>");
}

fn votes(out: &mut String, vote: &VoteReport, rooms: bool, l: &Labels) {
    let _ = write!(out, "<h3>{} — {}</h3>", esc(l.ranking_of), esc(&vote.step));
    for ranking in &vote.columns {
        let parents = ranking.rows.iter().any(|r| r.parent.is_some());
        let _ = write!(
            out,
            r#"<div class="ranking"><h4>{}</h4>{}<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th>"#,
            esc(&ranking.column),
            chart::ranking(ranking, l),
            esc(l.rank),
            esc(l.note),
        );
        if parents {
            let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(l.under));
        }
        if rooms {
            let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(l.room));
        }
        let _ = write!(
            out,
            r#"<th scope="col" class="n">{}</th><th scope="col" class="n">{}</th></tr></thead><tbody>"#,
            esc(l.points),
            esc(l.voters)
        );
        for row in &ranking.rows {
            let _ = write!(out, "<tr><td>{}</td><td>{}</td>", row.rank, esc(&row.text));
            if parents {
                let _ = write!(out, "<td>{}</td>", esc(row.parent.as_deref().unwrap_or_default()));
            }
            if rooms {
                let _ = write!(out, "<td>{}</td>", esc(row.room.as_deref().unwrap_or_default()));
            }
            let _ = write!(
                out,
                r#"<td class="n">{}</td><td class="n">{}</td></tr>"#,
                row.votes, row.voters
            );
        }
        out.push_str("</tbody></table></div>");
    }
}

fn note(line: &NoteLine, l: &Labels) -> String {
    let mut html = format!(r#"<span class="text">{}</span>"#, esc(&line.text));
    let mut about = Vec::new();
    if let Some(author) = &line.author {
        about.push(esc(author));
    }
    if line.origin != Origin::Posted {
        about.push(esc((l.origin_of)(line.origin)));
    }
    if line.hidden {
        about.push(esc(&l.hidden.to_lowercase()));
    }
    if let Some(vote) = line.vote.as_ref().filter(|v| v.votes > 0) {
        about.push(format!(
            "{} ({} {})",
            esc(&(l.dots)(vote.votes)),
            esc(&l.rank.to_lowercase()),
            vote.rank
        ));
    }
    if !about.is_empty() {
        let _ = write!(html, r#" <span class="about">— {}</span>"#, about.join(" · "));
    }
    html
}

/// Text as HTML that shows it verbatim: the five characters that could open markup
/// or close an attribute become entities.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --paper: #f6f3ec; --ink: #1f2a3d; --ink-soft: #4a5568; --stamp: #b03a26; --line: #d9d3c4; }
* { box-sizing: border-box; }
svg { max-width: 100%; height: auto; }
body { margin: 0; padding: 24px; background: var(--paper); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.workshop, .cover, .downloads { max-width: 880px; margin: 0 auto 32px; }
.downloads { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.button { display: inline-block; padding: 6px 12px; border: 1px solid var(--ink); border-radius: 6px;
  background: #fff; color: var(--ink); font: inherit; text-decoration: none; cursor: pointer; }
.button.primary { background: var(--ink); color: #fff; }
.button:focus-visible { outline: 3px solid #2b6cb0; outline-offset: 2px; }
.head { border-bottom: 3px double var(--ink); margin-bottom: 16px; }
.stamp { display: inline-block; transform: rotate(-4deg); border: 3px solid var(--stamp); color: var(--stamp);
  padding: 2px 12px; font-weight: 800; letter-spacing: .15em; text-transform: uppercase; margin: 0; }
h1 { margin: 8px 0 0; font-size: 28px; }
.title { font-size: 20px; font-weight: 600; margin: 4px 0; }
.meta { color: var(--ink-soft); margin: 4px 0; }
.figures { font-weight: 600; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 28px; }
h2 small { font-weight: 400; color: var(--ink-soft); font-size: 14px; }
h3 { margin: 20px 0 8px; }
h4 { margin: 12px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; background: #fff; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #ece6d8; }
.n { text-align: right; width: 5em; }
.chart { display: block; max-width: 100%; height: auto; margin: 4px 0; }
.dossier, .tree, .attached, .column { background: #fff; border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 12px; margin: 8px 0; }
dt { font-weight: 600; margin-top: 6px; }
dd { margin: 0 0 0 16px; white-space: pre-wrap; }
.text { white-space: pre-wrap; }
.about { color: var(--ink-soft); }
.empty { color: var(--ink-soft); font-style: italic; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { background: #fff; padding: 0; font-size: 11pt; }
  .no-print { display: none !important; }
  .room { break-before: page; }
  .workshop, .cover { max-width: none; }
  table { font-size: 9.5pt; table-layout: auto; }
  th, td { padding: 3px 5px; }
  .n { width: auto; }
  h2, h3, h4 { break-after: avoid; }
  tr, .chart, .dossier, .tree, .attached li, .column li { break-inside: avoid; }
  .dossier, .tree, .attached, .column, table { background: #fff; }
}
"#;

/// Each quick poll: its question, then a bar per option with its count and share.
fn polls(out: &mut String, polls: &[PollReport], l: &Labels) {
    if polls.is_empty() {
        return;
    }
    let _ = write!(out, r#"<section class="polls"><h2>{}</h2>"#, esc(l.polls));
    for poll in polls {
        let open = if poll.open {
            format!(" ({})", l.poll_open)
        } else {
            String::new()
        };
        let _ = write!(
            out,
            r#"<h3>{}</h3><p class="meta">{}{}</p><ul class="poll">"#,
            esc(&poll.question),
            esc(&(l.answers)(poll.answers)),
            esc(&open)
        );
        for option in &poll.options {
            let share = atelier_shared::report::percent(option.count, poll.answers);
            let _ = write!(
                out,
                r#"<li><span class="option">{}</span> <meter min="0" max="100" value="{share}"></meter> <strong>{}</strong> ({})</li>"#,
                esc(&option.text),
                option.count,
                esc(&(l.percent)(share))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_cannot_become_markup() {
        assert_eq!(
            esc(r#"<img src=x onerror="alert('1')">&"#),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;"
        );
    }
}
