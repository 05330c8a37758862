//! The built-in templates and maps: the files of `assets/templates` (French, with their
//! English translations in `assets/templates/en`) and `assets/maps`, compiled into the
//! binary so that a bare `atelier` runs the YESS CAMP.

use atelier_shared::api::TemplateSummary;
use atelier_shared::template::Template;

use atelier_shared::Lang;

/// Template files, in the order they are offered.
const TEMPLATES: [&str; 5] = [
    include_str!("../../assets/templates/brainstorm-vote.json"),
    include_str!("../../assets/templates/yess-camp-1.json"),
    include_str!("../../assets/templates/yess-camp-2.json"),
    include_str!("../../assets/templates/yess-camp-3.json"),
    include_str!("../../assets/templates/seminaire-cooperations.json"),
];

/// The same templates in English, in the same order: the same steps, columns, rules and
/// maps, only the words people read translated (checked by the tests below).
const TEMPLATES_EN: [&str; 5] = [
    include_str!("../../assets/templates/en/brainstorm-vote.json"),
    include_str!("../../assets/templates/en/yess-camp-1.json"),
    include_str!("../../assets/templates/en/yess-camp-2.json"),
    include_str!("../../assets/templates/en/yess-camp-3.json"),
    include_str!("../../assets/templates/en/seminaire-cooperations.json"),
];

const MAPS: [(&str, &str); 3] = [
    (
        "besoins-occitanie.csv",
        include_str!("../../assets/maps/besoins-occitanie.csv"),
    ),
    (
        "solutions-nationales.csv",
        include_str!("../../assets/maps/solutions-nationales.csv"),
    ),
    (
        "facteurs-cles.csv",
        include_str!("../../assets/maps/facteurs-cles.csv"),
    ),
];

/// The template used when a request names none.
pub const DEFAULT_TEMPLATE: &str = "brainstorm-vote";

/// Methods the server offers.
#[derive(Debug)]
pub struct Catalog {
    templates: Vec<Template>,
    english: Vec<Template>,
}

impl Catalog {
    /// The built-in catalog. Its files are checked by the tests below, so a broken
    /// file cannot ship.
    pub fn builtin() -> Catalog {
        let parse = |files: &[&str]| -> Vec<Template> {
            files
                .iter()
                .map(|json| Template::parse(json).expect("built-in templates are valid (tested)"))
                .collect()
        };
        Catalog {
            templates: parse(&TEMPLATES),
            english: parse(&TEMPLATES_EN),
        }
    }

    fn in_lang(&self, lang: Lang) -> &[Template] {
        match lang {
            Lang::Fr => &self.templates,
            Lang::En => &self.english,
        }
    }

    /// A template, in the language the workshop is created in.
    pub fn template(&self, key: &str, lang: Lang) -> Option<&Template> {
        self.in_lang(lang).iter().find(|t| t.key == key)
    }

    /// A map file's contents.
    pub fn map(&self, name: &str) -> Option<String> {
        MAPS.iter()
            .find(|(file, _)| *file == name)
            .map(|(_, text)| (*text).to_owned())
    }

    pub fn summaries(&self, lang: Lang) -> Vec<TemplateSummary> {
        self.in_lang(lang)
            .iter()
            .map(|t| TemplateSummary {
                key: t.key.clone(),
                title: t.title.clone(),
                summary: t.summary.clone(),
                rooms: t.rooms.iter().map(|r| r.name.clone()).collect(),
                steps: t.steps.iter().map(|s| s.title.clone()).collect(),
                minutes: t.steps.iter().filter_map(|s| s.minutes).sum(),
                custom_columns: t.custom_columns,
                continues: !t.campaign.is_empty(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use atelier_shared::ids::{JoinCode, Millis, ParticipantId, RoomId, WorkshopId};
    use atelier_shared::machine::{NewRoom, NewWorkshop, create};
    use atelier_shared::template::{Instance, Setup};
    use atelier_shared::{CampaignId, check_invariants};

    use super::*;

    /// `template`'s rooms (the first `rooms` of them), and the template instantiated
    /// over them from the built-in maps.
    fn instantiate(catalog: &Catalog, template: &Template, rooms: usize) -> (Vec<NewRoom>, Instance) {
        let rooms: Vec<NewRoom> = template
            .rooms
            .iter()
            .take(rooms)
            .enumerate()
            .map(|(i, r)| NewRoom {
                id: RoomId::from_u128(i as u128 + 1),
                name: r.name.clone(),
                territory: r.territory.clone(),
            })
            .collect();
        let setup = Setup {
            workshop: WORKSHOP,
            lead: LEAD,
            now: Millis(0),
            rooms: &rooms,
            custom_columns: &[],
            source: None,
        };
        let instance = template
            .instantiate(setup, &|file| catalog.map(file))
            .unwrap_or_else(|e| panic!("{e}"));
        (rooms, instance)
    }

    const WORKSHOP: WorkshopId = WorkshopId::from_u128(7);
    const LEAD: ParticipantId = ParticipantId::from_u128(1);

    #[test]
    fn every_builtin_template_makes_a_valid_workshop() {
        let catalog = Catalog::builtin();
        assert_eq!(catalog.summaries(Lang::Fr).len(), TEMPLATES.len());
        for template in catalog.templates.iter().chain(&catalog.english) {
            let (rooms, instance) = instantiate(&catalog, template, usize::MAX);
            let workshop = create(NewWorkshop {
                id: WORKSHOP,
                campaign: CampaignId::from_u128(1),
                origin: None,
                template: template.key.clone(),
                code: JoinCode::parse("ABCDEF").unwrap(),
                title: template.title.clone(),
                settings: Default::default(),
                rooms,
                columns: instance.columns,
                steps: instance.steps,
                notes: instance.notes,
                lead: LEAD,
                lead_name: "Camille".into(),
                now: Millis(0),
            })
            .unwrap_or_else(|e| panic!("{}: {e}", template.key));
            check_invariants(&workshop).unwrap();
            let minutes: u32 = workshop.steps.iter().filter_map(|s| s.minutes).sum();
            assert!(minutes > 0, "{} has durations", template.key);
        }
    }

    #[test]
    fn the_yess_camp_starts_with_the_map_of_needs_in_every_room() {
        let catalog = Catalog::builtin();
        let yess = catalog.template("yess-camp-1", Lang::Fr).unwrap();
        assert_eq!(yess.rooms.len(), 6);
        let map = atelier_shared::map::parse_csv(&catalog.map("besoins-occitanie.csv").unwrap()).unwrap();
        assert_eq!(map.len(), 10);
        let (_, instance) = instantiate(&catalog, yess, 1);
        let mut boarded = instance.notes.clone();
        boarded.sort_by_key(|n| (n.created, n.id));
        let texts: Vec<_> = boarded.iter().map(|n| n.text.clone()).collect();
        let written: Vec<_> = map.iter().map(|i| i.text.clone()).collect();
        assert_eq!(texts, written, "the board shows the map in its order");
    }

    /// Every string of a template file, by where it is: `steps.2.title`, `key`…
    fn strings(value: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::String(s) => out.push((path, s.clone())),
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    strings(item, format!("{path}.{i}"), out);
                }
            }
            serde_json::Value::Object(fields) => {
                for (name, item) in fields {
                    strings(item, format!("{path}.{name}"), out);
                }
            }
            _ => {}
        }
    }

    /// What people read, as opposed to what the program reads.
    fn is_words(path: &str) -> bool {
        ["title", "summary", "name", "instructions"]
            .iter()
            .any(|field| path.ends_with(&format!(".{field}")))
            // A poll's options are what people read and choose.
            || path.contains(".activity.options.")
    }

    #[test]
    fn each_english_template_is_its_french_template_with_only_the_words_translated() {
        for (fr, en) in TEMPLATES.iter().zip(TEMPLATES_EN) {
            let fr: serde_json::Value = serde_json::from_str(fr).unwrap();
            let en: serde_json::Value = serde_json::from_str(en).unwrap();
            let key = fr["key"].as_str().unwrap().to_owned();
            // Same shape: numbers, booleans, keys and lengths identical.
            let shape = |v: &serde_json::Value| {
                let mut v = v.clone();
                fn blank(v: &mut serde_json::Value) {
                    match v {
                        serde_json::Value::String(s) => s.clear(),
                        serde_json::Value::Array(items) => items.iter_mut().for_each(blank),
                        serde_json::Value::Object(fields) => fields.values_mut().for_each(blank),
                        _ => {}
                    }
                }
                blank(&mut v);
                v
            };
            assert_eq!(shape(&fr), shape(&en), "{key}: same structure in both languages");
            let (mut fr_strings, mut en_strings) = (Vec::new(), Vec::new());
            strings(&fr, String::new(), &mut fr_strings);
            strings(&en, String::new(), &mut en_strings);
            let mut translated = 0;
            for ((path, fr), (_, en)) in fr_strings.iter().zip(&en_strings) {
                if is_words(path) {
                    translated += usize::from(fr != en);
                } else {
                    assert_eq!(
                        fr, en,
                        "{key}{path} is read by the program: the same in both languages"
                    );
                }
            }
            assert!(translated >= 10, "{key}: only {translated} strings translated");
        }
        let catalog = Catalog::builtin();
        let english = catalog.summaries(Lang::En);
        let french = catalog.summaries(Lang::Fr);
        let keys = |s: &[TemplateSummary]| s.iter().map(|t| t.key.clone()).collect::<Vec<_>>();
        assert_eq!(
            keys(&english),
            keys(&french),
            "the same programmes, in the same order"
        );
        assert_eq!(english[1].title, "YESS CAMP 1 — Lead the investigation!");
    }
}
