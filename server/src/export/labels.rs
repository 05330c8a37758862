//! The words of the exports, in French and English, and how dates read in each.

use atelier_shared::model::{Field, Side};
use atelier_shared::report::{Figures, Origin};
use atelier_shared::{Lang, Millis};

impl Labels {
    /// A characterisation's question (the same words participants answered).
    pub fn question(&self, field: Field) -> &'static str {
        self.lang.question(field)
    }

    /// A side of a problem tree.
    pub fn side(&self, side: Side) -> &'static str {
        self.lang.side(side)
    }

    /// The words of `lang`.
    pub fn of(lang: Lang) -> &'static Labels {
        match lang {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

#[derive(Debug)]
pub struct Labels {
    pub lang: Lang,
    pub report: &'static str,
    pub campaign: &'static str,
    pub stamp: &'static str,
    pub created: &'static str,
    pub generated: &'static str,
    pub figures: fn(&Figures) -> String,
    pub room: &'static str,
    pub territory: &'static str,
    pub workshop: &'static str,
    pub current_step: &'static str,
    pub workshop_votes: &'static str,
    pub polls: &'static str,
    pub poll_open: &'static str,
    pub answers: fn(u32) -> String,
    pub poll: &'static str,
    pub option: &'static str,
    pub chosen_by: &'static str,
    pub percent: fn(u32) -> String,
    pub ranking_of: &'static str,
    pub rank: &'static str,
    pub note: &'static str,
    pub points: &'static str,
    /// "1 point", "3 points".
    pub dots: fn(u32) -> String,
    pub voters: &'static str,
    pub under: &'static str,
    pub characterisation: &'static str,
    pub trees: &'static str,
    pub attached: &'static str,
    pub board: &'static str,
    pub column: &'static str,
    pub author: &'static str,
    pub origin: &'static str,
    pub origin_of: fn(Origin) -> &'static str,
    pub posted_at: &'static str,
    pub hidden: &'static str,
    pub merged_into: &'static str,
    pub merged: &'static str,
    pub vote: &'static str,
    pub anonymous: &'static str,
    pub timeline: &'static str,
    pub timeline_notes: &'static str,
    pub timeline_arrivals: &'static str,
    pub per_slice: fn(u32) -> String,
    pub nothing_yet: &'static str,
    pub summary: &'static str,
    pub by_room: &'static str,
    pub contributors: &'static str,
    pub notes: &'static str,
    pub downloads: &'static str,
    /// Between a label and what follows it: " : " in French, ": " in English.
    pub colon: &'static str,
    pub print: &'static str,
    pub follow_live: &'static str,
    pub stop_live: &'static str,
    pub yes: &'static str,
}

pub static FR: Labels = Labels {
    lang: Lang::Fr,
    report: "Rapport de l'atelier",
    campaign: "Campagne",
    stamp: "Dossier",
    created: "Atelier ouvert le",
    generated: "État au",
    figures: |f| {
        format!(
            "{} participant{} · {} {} posté · {} {} voté · {} note{} · {} point{}",
            f.participants,
            plural(f.participants),
            f.contributors,
            if f.contributors > 1 { "ont" } else { "a" },
            f.voters,
            if f.voters > 1 { "ont" } else { "a" },
            f.notes,
            plural(f.notes),
            f.dots,
            plural(f.dots as usize),
        )
    },
    room: "Salle",
    territory: "Territoire",
    workshop: "Atelier",
    current_step: "Étape en cours",
    workshop_votes: "Classements de l'atelier",
    polls: "Sondages express",
    poll_open: "encore ouvert",
    answers: |n| format!("{n} réponse{}", plural(n as usize)),
    poll: "Sondage",
    option: "Réponse",
    chosen_by: "Nombre",
    percent: |n| format!("{n} %"),
    ranking_of: "Classement",
    rank: "Rang",
    note: "Note",
    points: "Points",
    dots: |n| format!("{n} point{}", plural(n as usize)),
    voters: "Votants",
    under: "Rattachée à",
    characterisation: "Caractérisation des besoins",
    trees: "Arbres à problèmes",
    attached: "pour",
    board: "Le tableau",
    column: "Colonne",
    author: "Auteur",
    origin: "Origine",
    origin_of: |o| match o {
        Origin::Posted => "posté en atelier",
        Origin::Map => "cartographie",
        Origin::Campaign => "atelier précédent",
    },
    posted_at: "Posté le",
    hidden: "Cachée",
    merged_into: "Regroupée dans",
    merged: "regroupée",
    vote: "Vote",
    anonymous: "anonyme",
    timeline: "Participation dans le temps",
    timeline_notes: "Notes postées",
    timeline_arrivals: "Arrivées",
    per_slice: |m| format!("par tranche de {}", duration_fr(m)),
    nothing_yet: "Rien pour l'instant.",
    summary: "Synthèse",
    by_room: "Synthèse par salle",
    contributors: "Ont posté",
    notes: "Notes",
    downloads: "Télécharger",
    colon: " : ",
    print: "Imprimer ou enregistrer en PDF",
    follow_live: "Suivre en direct (toutes les 30 s)",
    stop_live: "Arrêter le suivi en direct",
    yes: "oui",
};

pub static EN: Labels = Labels {
    lang: Lang::En,
    report: "Workshop report",
    campaign: "Campaign",
    stamp: "File",
    created: "Workshop opened on",
    generated: "As of",
    figures: |f| {
        format!(
            "{} participant{} · {} posted · {} voted · {} note{} · {} dot{}",
            f.participants,
            plural_en(f.participants),
            f.contributors,
            f.voters,
            f.notes,
            plural_en(f.notes),
            f.dots,
            plural_en(f.dots as usize),
        )
    },
    room: "Room",
    territory: "Territory",
    workshop: "Workshop",
    current_step: "Current step",
    workshop_votes: "Workshop rankings",
    polls: "Quick polls",
    poll_open: "still open",
    answers: |n| format!("{n} answer{}", plural_en(n as usize)),
    poll: "Poll",
    option: "Answer",
    chosen_by: "Count",
    percent: |n| format!("{n}%"),
    ranking_of: "Ranking",
    rank: "Rank",
    note: "Note",
    points: "Dots",
    dots: |n| format!("{n} dot{}", plural_en(n as usize)),
    voters: "Voters",
    under: "Under",
    characterisation: "Characterisation of the needs",
    trees: "Problem trees",
    attached: "for",
    board: "The board",
    column: "Column",
    author: "Author",
    origin: "Origin",
    origin_of: |o| match o {
        Origin::Posted => "posted in the workshop",
        Origin::Map => "map",
        Origin::Campaign => "earlier workshop",
    },
    posted_at: "Posted on",
    hidden: "Hidden",
    merged_into: "Merged into",
    merged: "merged",
    vote: "Vote",
    anonymous: "anonymous",
    timeline: "Participation over time",
    timeline_notes: "Notes posted",
    timeline_arrivals: "Arrivals",
    per_slice: |m| format!("per {}", duration_en(m)),
    nothing_yet: "Nothing yet.",
    summary: "Summary",
    by_room: "Summary by room",
    contributors: "Posted",
    notes: "Notes",
    downloads: "Download",
    colon: ": ",
    print: "Print or save as PDF",
    follow_live: "Follow live (every 30 s)",
    stop_live: "Stop following live",
    yes: "yes",
};

impl Labels {
    /// The headers of [`Figures::counts`], in its order.
    pub fn figure_columns(&self) -> [&'static str; 5] {
        [
            "Participants",
            self.contributors,
            self.voters,
            self.notes,
            self.points,
        ]
    }
}

/// French: "0 point", "1 point", "2 points".
fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

/// English: "0 dots", "1 dot", "2 dots".
fn plural_en(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn duration_fr(minutes: u32) -> String {
    match minutes {
        m if m % 60 == 0 => format!("{} h", m / 60),
        m => format!("{m} min"),
    }
}

fn duration_en(minutes: u32) -> String {
    match minutes {
        60 => "hour".to_owned(),
        m if m % 60 == 0 => format!("{} hours", m / 60),
        m => format!("{m} minutes"),
    }
}

/// How times read in an export: the reader's offset from UTC, in minutes east (Paris
/// in winter: 60). Browsers pass theirs; without it, times are UTC and say so.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Zone {
    pub offset_minutes: i32,
}

impl Zone {
    /// Offsets beyond ±14 h do not exist.
    pub fn new(offset_minutes: i32) -> Option<Zone> {
        (-14 * 60..=14 * 60)
            .contains(&offset_minutes)
            .then_some(Zone { offset_minutes })
    }

    /// "22/11/2026 14:05" (French) or "2026-11-22 14:05" (English).
    pub fn date_time(self, at: Millis, lang: Lang) -> String {
        let local = i64::try_from(at.0 / 1000).unwrap_or(i64::MAX) + i64::from(self.offset_minutes) * 60;
        let days = local.div_euclid(86_400);
        let seconds = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let (hour, minute) = (seconds / 3600, seconds % 3600 / 60);
        match lang {
            Lang::Fr => format!("{day:02}/{month:02}/{year} {hour:02}:{minute:02}"),
            Lang::En => format!("{year}-{month:02}-{day:02} {hour:02}:{minute:02}"),
        }
    }

    /// "UTC", "UTC+01:00".
    pub fn name(self) -> String {
        if self.offset_minutes == 0 {
            return "UTC".to_owned();
        }
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let m = self.offset_minutes.unsigned_abs();
        format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
    }
}

/// The Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_the_readers_zone() {
        // 2026-11-22 23:53:33 UTC.
        let at = Millis(1_795_391_613_000);
        assert_eq!(Zone::default().date_time(at, Lang::Fr), "22/11/2026 23:53");
        let paris = Zone::new(60).expect("a real offset");
        assert_eq!(paris.date_time(at, Lang::Fr), "23/11/2026 00:53");
        assert_eq!(paris.date_time(at, Lang::En), "2026-11-23 00:53");
        assert_eq!(paris.name(), "UTC+01:00");
        assert_eq!(Zone::new(-210).map(Zone::name).as_deref(), Some("UTC-03:30"));
        assert_eq!(Zone::new(15 * 60), None);
        // A leap day and the epoch.
        assert_eq!(
            Zone::default().date_time(Millis(951_782_400_000), Lang::En),
            "2000-02-29 00:00"
        );
        assert_eq!(Zone::default().date_time(Millis(0), Lang::En), "1970-01-01 00:00");
    }
}
