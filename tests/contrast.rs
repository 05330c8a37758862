//! The interface's colour pairs meet WCAG AA (4.5:1 for text), read from the one
//! stylesheet, so a palette change that hurts legibility fails here.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::BTreeMap;

const STYLESHEET: &str = include_str!("../assets/static/styles.css");

/// `--name: #rrggbb;` declarations of the stylesheet.
fn palette() -> BTreeMap<String, String> {
    STYLESHEET
        .lines()
        .filter_map(|line| {
            let (name, value) = line.trim().strip_prefix("--")?.split_once(':')?;
            let value = value.trim().trim_end_matches(';').trim();
            (value.len() == 7 && value.starts_with('#')).then(|| (name.to_owned(), value.to_owned()))
        })
        .collect()
}

fn rgb(hex: &str) -> [f64; 3] {
    let channel = |i: usize| f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()) / 255.0;
    [channel(0), channel(1), channel(2)]
}

/// `fg` laid over `bg` at `alpha`.
fn over(fg: &str, bg: &str, alpha: f64) -> String {
    let (f, b) = (rgb(fg), rgb(bg));
    let mixed: Vec<String> = (0..3)
        .map(|i| {
            format!(
                "{:02x}",
                ((f[i] * alpha + b[i] * (1.0 - alpha)) * 255.0).round() as u8
            )
        })
        .collect();
    format!("#{}", mixed.concat())
}

fn luminance(hex: &str) -> f64 {
    let linear = |c: f64| {
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = rgb(hex);
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn text_colours_meet_wcag_aa_on_their_backgrounds() {
    let p = palette();
    let var = |name: &str| {
        p.get(name)
            .unwrap_or_else(|| panic!("--{name} is in the palette"))
            .clone()
    };
    let white = "#ffffff".to_owned();
    // The status pill and the timer sit on the top bar, behind 12 % white.
    let pill = over(&white, &var("ink"), 0.12);
    let pairs = [
        ("ink on paper", var("ink"), var("paper")),
        ("secondary text on paper", var("ink-soft"), var("paper")),
        ("secondary text on cards", var("ink-soft"), var("card")),
        ("buttons: white on the stamp red", white.clone(), var("accent")),
        ("step number: stamp red on paper", var("accent"), var("paper")),
        ("top bar: white on ink", white.clone(), var("ink")),
        ("errors on white", var("bad"), white.clone()),
        ("warnings on paper", var("warn"), var("paper")),
        ("status pill, live", "#9be3b4".to_owned(), pill.clone()),
        ("status pill, waiting", "#ffd68a".to_owned(), pill.clone()),
        ("status pill, stopped", "#ffb0a8".to_owned(), pill.clone()),
        ("timer with no countdown", "#aeb6c4".to_owned(), pill),
        ("broadcast label", var("warn"), "#fff3c4".to_owned()),
        ("connection banner", "#5c3d00".to_owned(), "#fde8c8".to_owned()),
    ];
    let notes = ["yellow", "pink", "blue", "green", "orange", "purple"];
    let mut failures = Vec::new();
    let mut check = |what: String, fg: &str, bg: &str| {
        let ratio = contrast(fg, bg);
        if ratio < 4.5 {
            failures.push(format!("{what}: {fg} on {bg} is {ratio:.2}:1"));
        }
    };
    for (what, fg, bg) in &pairs {
        check((*what).to_owned(), fg, bg);
    }
    for colour in notes {
        let note = var(&format!("note-{colour}"));
        check(format!("note text on {colour}"), &var("ink"), &note);
        check(format!("author on {colour}"), &var("ink-soft"), &note);
    }
    assert!(failures.is_empty(), "below 4.5:1:\n{}", failures.join("\n"));
}

#[test]
fn the_contrast_formula_matches_known_values() {
    assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
}
