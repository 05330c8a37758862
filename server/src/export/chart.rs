//! SVG charts for the HTML report, drawn on the server: no script, no library, they
//! print as sharp as the text. Every label is escaped like the rest of the page.

use std::fmt::Write;

use atelier_shared::Millis;
use atelier_shared::report::{Ranking, Timeline};

use super::html::esc;
use super::labels::{Labels, Zone};
use atelier_shared::Lang;

const INK: &str = "#1f2a3d";
const BAR: &str = "#b03a26";
const SECOND: &str = "#5b6b86";
const WIDTH: u32 = 640;

/// One horizontal bar per ranked note (the first 12), longest for the most points.
pub fn ranking(ranking: &Ranking, l: &Labels) -> String {
    let rows: Vec<_> = ranking.rows.iter().take(12).collect();
    let max = rows.iter().map(|r| r.votes).max().unwrap_or(0).max(1);
    let (label_width, row_height, top) = (250u32, 24u32, 8u32);
    let height = top * 2 + row_height * rows.len() as u32;
    let bar_space = WIDTH - label_width - 48;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{} — {}</title>"#,
        esc(l.ranking_of),
        esc(&ranking.column),
    );
    for (i, row) in rows.iter().enumerate() {
        let y = top + row_height * i as u32;
        let width = (bar_space * row.votes / max).max(2);
        let label = shorten(&format!("{}. {}", row.rank, row.text), 32);
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{INK}">{}</text><rect x="{label_width}" y="{}" width="{width}" height="{}" fill="{BAR}" rx="2"/><text x="{}" y="{}" font-size="12" fill="{INK}">{}</text>"#,
            label_width - 8,
            y + 16,
            esc(&label),
            y + 4,
            row_height - 8,
            label_width + width + 6,
            y + 16,
            row.votes,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Notes posted and arrivals per slice of time, side by side, with a legend.
pub fn timeline(timeline: &Timeline, l: &Labels, zone: Zone, lang: Lang) -> String {
    let slices = timeline.notes.len().max(1) as u32;
    let max = timeline
        .notes
        .iter()
        .chain(&timeline.arrivals)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let (left, top, plot_height, bottom) = (32u32, 28u32, 140u32, 34u32);
    let height = top + plot_height + bottom;
    let slot = (WIDTH - left - 8) / slices;
    let bar = (slot.saturating_sub(4) / 2).max(1);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(l.timeline),
    );
    let _ = write!(
        svg,
        r#"<rect x="{left}" y="6" width="12" height="12" fill="{BAR}"/><text x="{}" y="16" font-size="12" fill="{INK}">{}</text><rect x="{}" y="6" width="12" height="12" fill="{SECOND}"/><text x="{}" y="16" font-size="12" fill="{INK}">{}</text>"#,
        left + 16,
        esc(l.timeline_notes),
        left + 160,
        left + 176,
        esc(l.timeline_arrivals),
    );
    let base = top + plot_height;
    let _ = write!(
        svg,
        r#"<line x1="{left}" y1="{base}" x2="{}" y2="{base}" stroke="{INK}" stroke-width="1"/><text x="{}" y="{}" text-anchor="end" font-size="11" fill="{INK}">{max}</text>"#,
        WIDTH - 8,
        left - 4,
        top + 10,
    );
    let slice = u64::from(timeline.minutes) * 60_000;
    let every = (slices / 8).max(1) as usize;
    for (i, (notes, arrivals)) in timeline.notes.iter().zip(&timeline.arrivals).enumerate() {
        let x = left + 2 + slot * i as u32;
        for (offset, value, colour) in [(0, *notes, BAR), (bar, *arrivals, SECOND)] {
            if value > 0 {
                let h = (plot_height * value / max).max(1);
                let _ = write!(
                    svg,
                    r#"<rect x="{}" y="{}" width="{bar}" height="{h}" fill="{colour}"><title>{value}</title></rect>"#,
                    x + offset,
                    base - h,
                );
            }
        }
        if i % every == 0 {
            let at = Millis(timeline.start.0 + slice * i as u64);
            let time = zone.date_time(at, lang);
            let hour = time.rsplit(' ').next().unwrap_or_default();
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}" font-size="11" fill="{INK}">{}</text>"#,
                x,
                base + 16,
                esc(hour),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// At most `max` characters, an ellipsis marking the cut.
fn shorten(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}
