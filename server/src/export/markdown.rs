//! The case file in Markdown (CommonMark with GitHub's tables), for a wiki, an e-mail
//! or a document editor. Typed text is escaped so that it reads as typed: no markup,
//! no links, no HTML, whatever it contains.

use std::fmt::Write;

use atelier_shared::model::{Field, Side};
use atelier_shared::report::{NoteLine, PollReport, Report, RoomReport, Timeline, VoteReport};
use atelier_shared::text;

use super::Options;
use super::labels::Labels;

pub fn render(reports: &[Report], campaign: bool, options: &Options) -> String {
    let l = Labels::of(options.lang);
    let mut out = String::new();
    if campaign {
        let title = reports.first().map_or("", |r| r.title.as_str());
        let _ = writeln!(out, "# {} — {}\n", l.campaign, md(title));
        for (i, report) in reports.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, md(&report.title));
        }
        out.push('\n');
    }
    for report in reports {
        workshop(&mut out, report, options, l);
    }
    out
}

fn workshop(out: &mut String, report: &Report, options: &Options, l: &Labels) {
    let (zone, lang) = (options.zone, options.lang);
    let _ = writeln!(out, "# {} — {}\n", l.report, md(&report.title));
    let _ = writeln!(
        out,
        "_{} {} · {} {} ({})_\n",
        l.created,
        zone.date_time(report.created, lang),
        l.generated,
        zone.date_time(options.generated, lang),
        zone.name(),
    );
    let _ = writeln!(out, "{}\n", (l.figures)(&report.figures));
    let _ = writeln!(out, "## {}\n", l.by_room);
    let header = [l.room, l.current_step].into_iter().chain(l.figure_columns());
    let _ = writeln!(out, "| {} |", header.collect::<Vec<_>>().join(" | "));
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for room in &report.rooms {
        let counts = room.figures.counts().map(|n| n.to_string());
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            md(&room.label()),
            md(&room.step),
            counts.join(" | ")
        );
    }
    out.push('\n');
    if !report.votes.is_empty() {
        let _ = writeln!(out, "## {}\n", l.workshop_votes);
        for vote in &report.votes {
            votes(out, vote, true, l);
        }
    }
    polls(out, &report.polls, l);
    timeline(out, &report.timeline, options, l);
    for room in &report.rooms {
        room_section(out, room, l);
    }
}

/// Each quick poll: its question, then each option with its count and share.
fn polls(out: &mut String, polls: &[PollReport], l: &Labels) {
    if polls.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {}\n", l.polls);
    for poll in polls {
        let open = if poll.open {
            format!(" ({})", l.poll_open)
        } else {
            String::new()
        };
        let _ = writeln!(out, "### {}\n", md(&poll.question));
        let _ = writeln!(out, "_{}{open}_\n", (l.answers)(poll.answers));
        for option in &poll.options {
            let share = atelier_shared::report::percent(option.count, poll.answers);
            let _ = writeln!(
                out,
                "- {}{}{} ({})",
                md(&option.text),
                l.colon,
                option.count,
                (l.percent)(share)
            );
        }
        out.push('\n');
    }
}

fn room_section(out: &mut String, room: &RoomReport, l: &Labels) {
    let _ = writeln!(out, "## {} {}\n", l.room, md(&room.label()));
    let _ = writeln!(out, "_{}{}{}_\n", l.current_step, l.colon, md(&room.step));
    let _ = writeln!(out, "{}\n", (l.figures)(&room.figures));
    for vote in &room.votes {
        votes(out, vote, false, l);
    }
    if !room.characterised.is_empty() {
        let _ = writeln!(out, "### {}\n", l.characterisation);
        for c in &room.characterised {
            let _ = writeln!(out, "#### {}\n", md(&c.note));
            for (field, answer) in [
                (Field::Why, &c.why),
                (Field::Who, &c.who),
                (Field::Measure, &c.measure),
            ] {
                let _ = writeln!(out, "- **{}** {}", l.question(field), md(answer));
            }
            out.push('\n');
        }
    }
    if !room.trees.is_empty() {
        let _ = writeln!(out, "### {}\n", l.trees);
        for tree in &room.trees {
            let _ = writeln!(out, "#### {}\n", md(&tree.note));
            for (side, branches) in [
                (Side::Consequence, &tree.consequences),
                (Side::Cause, &tree.causes),
            ] {
                let texts: Vec<String> = branches.iter().map(|b| md(b)).collect();
                let _ = writeln!(out, "- **{}**{}{}", l.side(side), l.colon, texts.join(" · "));
            }
            out.push('\n');
        }
    }
    for attached in &room.attached {
        let _ = writeln!(
            out,
            "### {} {} « {} »\n",
            md(&attached.column),
            l.attached,
            md(&attached.parent)
        );
        for line in &attached.notes {
            let _ = writeln!(out, "- {}", note(line, l));
        }
        out.push('\n');
    }
    if !room.columns.is_empty() {
        let _ = writeln!(out, "### {}\n", l.board);
        for column in &room.columns {
            let _ = writeln!(out, "#### {}\n", md(&column.column));
            for line in &column.notes {
                let _ = writeln!(out, "- {}", note(line, l));
                for merged in &line.merged {
                    let _ = writeln!(out, "  - {}{}{}", l.merged, l.colon, note(merged, l));
                }
            }
            out.push('\n');
        }
    }
}

fn votes(out: &mut String, vote: &VoteReport, rooms: bool, l: &Labels) {
    let _ = writeln!(out, "### {} — {}\n", l.ranking_of, md(&vote.step));
    for ranking in &vote.columns {
        let _ = writeln!(out, "#### {}\n", md(&ranking.column));
        let parents = ranking.rows.iter().any(|r| r.parent.is_some());
        let mut header = vec![l.rank, l.note];
        if parents {
            header.push(l.under);
        }
        if rooms {
            header.push(l.room);
        }
        header.extend([l.points, l.voters]);
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(out, "|{}", " --- |".repeat(header.len()));
        for row in &ranking.rows {
            let mut cells = vec![row.rank.to_string(), md(&row.text)];
            if parents {
                cells.push(md(row.parent.as_deref().unwrap_or_default()));
            }
            if rooms {
                cells.push(md(row.room.as_deref().unwrap_or_default()));
            }
            cells.extend([row.votes.to_string(), row.voters.to_string()]);
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        out.push('\n');
    }
}

fn timeline(out: &mut String, timeline: &Timeline, options: &Options, l: &Labels) {
    if timeline.notes.iter().chain(&timeline.arrivals).all(|n| *n == 0) {
        return;
    }
    let _ = writeln!(out, "## {} ({})\n", l.timeline, (l.per_slice)(timeline.minutes));
    let _ = writeln!(out, "| | {} | {} |", l.timeline_notes, l.timeline_arrivals);
    out.push_str("| --- | --- | --- |\n");
    let slice = u64::from(timeline.minutes) * 60_000;
    for (i, (notes, arrivals)) in timeline.notes.iter().zip(&timeline.arrivals).enumerate() {
        let at = atelier_shared::Millis(timeline.start.0 + slice * i as u64);
        let when = options.zone.date_time(at, options.lang);
        let _ = writeln!(out, "| {when} | {notes} | {arrivals} |");
    }
    out.push('\n');
}

/// "Épicerie solidaire — Alice · cartographie · 3 points (rang 1)".
fn note(line: &NoteLine, l: &Labels) -> String {
    let mut text = md(&line.text);
    let mut about = Vec::new();
    if let Some(author) = &line.author {
        about.push(md(author));
    }
    if line.origin != atelier_shared::report::Origin::Posted {
        about.push((l.origin_of)(line.origin).to_owned());
    }
    if line.hidden {
        about.push(l.hidden.to_lowercase());
    }
    if let Some(vote) = line.vote.as_ref().filter(|v| v.votes > 0) {
        about.push(format!(
            "{} ({} {})",
            (l.dots)(vote.votes),
            l.rank.to_lowercase(),
            vote.rank
        ));
    }
    if !about.is_empty() {
        text.push_str(" — ");
        text.push_str(&about.join(" · "));
    }
    text
}

/// Typed text as Markdown that shows it verbatim: on one line, with every character
/// that could open markup, a link, an entity or a table cell escaped (and no more: with
/// `[` and `]` escaped, `!`, `(` and `)` cannot make a link or an image, and `#` opens
/// a heading only at the start), and what an
/// auto-linking renderer would turn into a live link (a web address, an e-mail
/// address) in a code span, where no renderer links.
pub fn md(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(text.len());
    for (i, word) in one_line.trim().split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        // A `|` splits a word: a code span cannot hold one inside a table cell.
        for (j, piece) in word.split('|').enumerate() {
            if j > 0 {
                out.push_str("\\|");
            }
            if looks_like_a_link(piece) {
                out.push_str(&code_span(piece));
                continue;
            }
            for c in piece.chars() {
                if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~') {
                    out.push('\\');
                }
                out.push(c);
            }
        }
    }
    let out = out.trim();
    // At the start of a list item, "- ", "+ " or "1. " would open a nested list.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if out.starts_with(['-', '+', '=', '#']) {
        format!("\\{out}")
    } else if digits > 0 && out[digits..].starts_with('.') {
        format!("{}\\{}", &out[..digits], &out[digits..])
    } else {
        out.to_owned()
    }
}

/// What an auto-linking renderer could turn into a link: a scheme (`https://`,
/// `mailto:`), an address starting `//` or `www.`, an e-mail address (an `@` with
/// something before it and a dot after it), a bare domain (a dot between something
/// and two letters of any script, as linkify's fuzzy matching takes `evil.com` and
/// `пример.рф`). Read once folded
/// (`ｗｗｗ.` is `www.`). Ordinary words never match, and one that does only shows
/// in a code span.
fn looks_like_a_link(word: &str) -> bool {
    let folded = text::fold(word);
    let email = folded
        .char_indices()
        .any(|(i, c)| c == '@' && i > 0 && folded[i + 1..].contains('.'));
    // Anything but a space or ASCII punctuation before the dot (a letter, a mark, an
    // emoji), two letters of any script after it (`.рф` is a top-level domain).
    let domain = folded.char_indices().any(|(i, c)| {
        c == '.'
            && folded[..i]
                .chars()
                .next_back()
                .is_some_and(|b| !b.is_whitespace() && !b.is_ascii_punctuation())
            && folded[i + 1..].chars().take_while(|a| a.is_alphabetic()).count() >= 2
    });
    folded.contains("://")
        || folded.contains("www.")
        || folded.contains("mailto:")
        || folded.starts_with("//")
        || email
        || domain
}

/// A word as a code span, its fence one backtick longer than any run inside it.
fn code_span(word: &str) -> String {
    let longest = word.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if word.starts_with('`') || word.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{word}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn typed_text_cannot_become_markup() {
        assert_eq!(
            md("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(
            md("[clic](javascript:alert(1))"),
            "\\[clic\\](javascript:alert(1))"
        );
        assert_eq!(md("![image](x)"), "!\\[image\\](x)");
        assert_eq!(md("a | b\n# titre"), "a \\| b # titre");
        assert_eq!(md("# titre"), "\\# titre");
        assert_eq!(
            md("Menez l'enquête ! (vite)"),
            "Menez l'enquête ! (vite)",
            "no more than needed"
        );
        assert_eq!(md("**gras** &amp;"), "\\*\\*gras\\*\\* \\&amp;");
        assert_eq!(md("Épicerie solidaire"), "Épicerie solidaire");
        assert_eq!(md("- liste"), "\\- liste");
        assert_eq!(md("12. numéro"), "12\\. numéro");
        assert_eq!(md("2 cafés."), "2 cafés.");
        assert_eq!(md("a  b\nc"), "a  b c");
    }

    #[test]
    fn typed_addresses_do_not_become_live_links() {
        assert_eq!(
            md("voir https://exemple.fr/a_b et www.mairie.fr, écrire à contact@mairie.fr"),
            "voir `https://exemple.fr/a_b` et `www.mairie.fr,` écrire à `contact@mairie.fr`"
        );
        assert_eq!(md("HTTP://X.ORG/`a`"), "`` HTTP://X.ORG/`a` ``");
        assert_eq!(md("`www.x.org`"), "`` `www.x.org` ``");
        assert_eq!(md("a@b"), "a@b", "no domain, no link");
        assert_eq!(md("x|https://evil.com/"), "x\\|`https://evil.com/`");
        assert_eq!(md("https://evil.com|x"), "`https://evil.com`\\|x");
        assert_eq!(md("@x@evil.com"), "`@x@evil.com`");
        assert_eq!(
            md("evil-bare.com //evil.org ｗｗｗ.x"),
            "`evil-bare.com` `//evil.org` `ｗｗｗ.x`"
        );
        assert_eq!(
            md("пример.рф evil\u{0334}.com 😀.com 例\u{200D}.com"),
            "`пример.рф` `evil\u{0334}.com` `😀.com` `例\u{200D}.com`"
        );
        // Ordinary French stays as typed.
        assert_eq!(
            md("Fin 2.5 M€ etc. e.g. rdv @mairie"),
            "Fin 2.5 M€ etc. e.g. rdv @mairie"
        );
    }
}
