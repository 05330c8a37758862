//! Every string the interface shows, one table per language. French first; a string
//! missing from one language is a compile error, not a blank on screen.

use atelier_shared::model::{Assignment, Field, Side};
use atelier_shared::protocol::ErrorCode;
use atelier_shared::rejection::{Counted, Paced, TextField};
use atelier_shared::{Colour, Rejection, Role};
use leptos::prelude::*;

/// The language everything here speaks: one with the server's (`atelier_shared`).
pub use atelier_shared::Lang;

impl Texts {
    /// A characterisation's question (the same words the reports print).
    pub fn question(&self, field: Field) -> &'static str {
        self.lang.question(field)
    }

    /// A side of a problem tree.
    pub fn side(&self, side: Side) -> &'static str {
        self.lang.side(side)
    }

    /// The strings of `lang`.
    pub fn of(lang: Lang) -> &'static Texts {
        match lang {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// The current language's strings; re-read whenever the language changes.
pub fn texts() -> &'static Texts {
    Texts::of(expect_context::<RwSignal<Lang>>().get())
}

/// One string of the current language, re-read when the language changes:
/// `{tr(|t| t.save)}`. Every call site shares this one closure type, so the views of
/// all fixed strings share one compiled renderer instead of one each (the bundle
/// budget counts).
pub fn tr(
    pick: fn(&'static Texts) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || pick(texts())
}

#[derive(Debug)]
pub struct Texts {
    pub lang: Lang,
    pub lang_name: &'static str,
    pub colon: &'static str,
    pub switch_language: &'static str,
    pub tagline: &'static str,
    pub one_moment: &'static str,

    pub join_heading: &'static str,
    pub join_intro: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub name_label: &'static str,
    pub name_hint: &'static str,
    pub join_button: &'static str,
    pub come_back: &'static str,
    pub joining: &'static str,

    pub create_heading: &'static str,
    pub create_intro: &'static str,
    pub create_open: &'static str,
    pub template_label: &'static str,
    pub title_label: &'static str,
    pub facilitator_name_label: &'static str,
    pub rooms_label: &'static str,
    pub rooms_hint: &'static str,
    pub columns_label: &'static str,
    pub columns_example: &'static str,
    pub create_button: &'static str,

    pub status_connecting: &'static str,
    pub status_live: &'static str,
    pub status_reconnecting: &'static str,
    pub status_stopped: &'static str,
    pub connection_lost: &'static str,
    pub you_are: &'static str,
    pub facilitator_badge: &'static str,
    pub room_facilitator_badge: &'static str,
    pub room: &'static str,
    pub your_room: &'static str,
    pub write_note: &'static str,
    pub dots_brief: fn(u32, u32) -> String,
    pub rooms_heading: &'static str,
    pub invite_heading: &'static str,
    pub invite_intro: &'static str,
    pub join_link: &'static str,
    pub facilitator_link: &'static str,
    pub facilitator_link_hint: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub people: fn(usize) -> String,
    pub notes: fn(usize) -> String,
    pub empty_column: &'static str,
    pub new_note_label: fn(&str) -> String,
    pub new_note_placeholder: &'static str,
    pub add_note: &'static str,
    pub characters_left: fn(i64) -> String,
    pub colour_label: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub confirm_delete: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub anonymous: &'static str,
    pub sending: &'static str,
    pub dismiss: &'static str,

    pub not_joined: &'static str,
    pub join_with_code: &'static str,
    pub back_home: &'static str,
    pub page_not_found: &'static str,

    pub unknown_code: &'static str,
    /// Too many attempts from this address; the seconds to wait.
    pub slow_down: fn(u32) -> String,
    pub server_unreachable: &'static str,
    pub server_error: &'static str,
    pub file_too_large: &'static str,
    pub reload: &'static str,

    pub cockpit_heading: &'static str,
    pub conduct_heading: &'static str,
    pub current_step: &'static str,
    pub next_step: fn(&str) -> String,
    pub close_and_next: fn(&str) -> String,
    pub close_poll_and_next: fn(&str) -> String,
    pub percent: fn(u32) -> String,
    pub reveal_all: &'static str,
    pub close_vote: &'static str,
    pub close_vote_named: fn(&str) -> String,
    pub focus_vote_open: fn(&str) -> String,
    pub reopen_vote: &'static str,
    pub reopen_confirm: &'static str,
    pub lock_all: &'static str,
    pub unlock_all: &'static str,
    pub report_link: &'static str,
    pub agenda_heading: &'static str,
    pub rooms_here: fn(usize) -> String,
    pub go_here: &'static str,
    pub go_to_step: fn(usize, &str) -> String,
    pub timer_follows: &'static str,
    pub time_up: &'static str,
    pub mode_hidden_short: &'static str,
    pub mode_anonymous_short: &'static str,
    pub online_short: fn(usize) -> String,
    pub hidden_count: fn(usize) -> String,
    pub close_door: &'static str,
    pub assignment_label: &'static str,
    pub assignment: fn(Assignment) -> &'static str,
    pub qr_alt: fn(&str) -> String,
    pub people_heading: &'static str,
    pub in_lobby: fn(usize) -> String,
    pub lobby: &'static str,
    pub role: fn(Role) -> &'static str,
    pub role_label: &'static str,
    pub role_choice: fn(Role) -> &'static str,
    pub keep_link_prompt: &'static str,
    pub keep_link_button: &'static str,
    pub continue_label: &'static str,
    pub continue_none: &'static str,
    pub continue_hint: &'static str,
    pub continue_campaign: &'static str,
    pub archive_heading: &'static str,
    pub archive_hint: &'static str,
    pub archive_file: &'static str,
    pub archive_unreadable: &'static str,
    pub delete_heading: &'static str,
    pub delete_intro: &'static str,
    pub delete_button: &'static str,
    pub delete_confirm: &'static str,
    pub broadcast_heading: &'static str,
    pub broadcast_label: &'static str,
    pub broadcast_send: &'static str,
    pub broadcast_clear: &'static str,
    pub broadcast_banner: &'static str,
    pub import_heading: &'static str,
    pub import_hint: &'static str,
    pub import_column: &'static str,
    pub import_room: &'static str,
    pub every_room: &'static str,
    pub import_text: &'static str,
    pub import_file: &'static str,
    pub import_unreadable: &'static str,
    pub import_button: &'static str,
    pub imported: fn(usize) -> String,

    pub timer_label: &'static str,
    pub timer_heading: &'static str,
    pub timer_controls: &'static str,
    pub timer_stopped: &'static str,
    pub timer_paused: &'static str,
    pub timer_elapsed: &'static str,
    pub timer_minutes: &'static str,
    pub timer_auto_lock: &'static str,
    pub timer_start: &'static str,
    pub timer_pause: &'static str,
    pub timer_resume: &'static str,
    pub timer_add_minute: &'static str,
    pub timer_add_five: &'static str,
    pub timer_stop: &'static str,

    pub step_of: fn(usize, usize) -> String,
    pub mode_locked: &'static str,
    pub mode_anonymous: &'static str,
    pub mode_hidden: &'static str,
    pub mode_secret: &'static str,
    pub mode_read_only: &'static str,
    pub online_count: fn(usize, usize) -> String,
    pub done_count: fn(usize) -> String,
    pub online: &'static str,
    pub offline: &'static str,
    pub done_tag: &'static str,
    pub im_done: &'static str,
    pub waiting_changes: fn(usize) -> String,
    pub vote_closed: &'static str,
    pub dots_left: fn(u32, u32) -> String,
    pub dots_left_in: fn(&str, u32, u32) -> String,
    pub your_dots: &'static str,
    pub add_dot: fn(&str) -> String,
    pub remove_dot: fn(&str) -> String,
    pub dots_given: fn(u32) -> String,
    pub points: fn(u32) -> String,
    pub rank: fn(u32) -> String,
    pub rank_title: &'static str,
    pub retained_heading: fn(usize) -> String,
    pub others_heading: &'static str,
    pub tie_heading: fn(&str, usize, u32, usize, u32) -> String,
    pub tie_hint: fn(usize) -> String,
    pub tie_confirm: fn(usize) -> String,
    pub tie_tag: &'static str,
    pub merge_start: &'static str,
    pub merge_selected: fn(usize) -> String,
    pub merge_confirm: &'static str,
    pub merged_count: fn(usize) -> String,
    pub ungroup: &'static str,
    pub select_note: fn(&str) -> String,
    pub edit_note: fn(&str) -> String,
    pub delete_note: fn(&str) -> String,
    pub hidden_tag: &'static str,
    pub anonymous_tag: &'static str,
    pub map_tag: &'static str,
    pub campaign_tag: &'static str,
    pub campaign_ranked: fn(u32, u32) -> String,
    pub you_anonymously: fn(&str) -> String,
    pub no_parents: &'static str,
    pub nothing_to_work_on: &'static str,
    pub field_hint: fn(Field) -> &'static str,
    pub field_overtaken: &'static str,
    pub field_take_theirs: &'static str,
    pub field_keep_mine: &'static str,
    pub field_draft: &'static str,
    pub someone_writing: fn(&str) -> String,
    pub add_branch: fn(Side) -> &'static str,
    pub remove_branch: fn(&str) -> String,
    pub add: &'static str,
    pub lobby_heading: &'static str,
    pub lobby_wait: &'static str,
    pub lobby_choose: &'static str,

    pub case_file_stamp: &'static str,
    pub report_heading: &'static str,
    pub report_figures: fn(usize, usize, usize, u32) -> String,
    pub report_empty: &'static str,
    pub exports_heading: &'static str,
    pub exports_intro: &'static str,
    pub export_workshop: &'static str,
    pub export_campaign: &'static str,
    pub export_page: &'static str,
    pub organiser_link: &'static str,
    pub organiser_hint: &'static str,
    pub print: &'static str,
    pub back_to_board: &'static str,
    pub room_figures: fn(usize, usize) -> String,
    pub ranking_of: fn(&str) -> String,
    pub rank_header: &'static str,
    pub note_header: &'static str,
    pub points_header: &'static str,
    pub voters_header: &'static str,
    pub characterisation_heading: &'static str,
    pub trees_heading: &'static str,

    pub poll_close: &'static str,
    pub poll_reopen: &'static str,
    pub poll_reopen_confirm: &'static str,
    pub mode_poll_secret: &'static str,
    pub mode_poll_closed: &'static str,
    pub poll_choose: &'static str,
    pub poll_results: &'static str,
    pub poll_withdraw: &'static str,
    pub poll_answers: fn(u32) -> String,
    pub poll_yours: &'static str,
    pub poll_results_later: &'static str,
    pub poll_onlooker: &'static str,
    pub quick_poll_heading: &'static str,
    pub polls_heading: &'static str,
    pub poll_still_open: &'static str,
    pub poll_option_header: &'static str,
    pub poll_count_header: &'static str,
    pub workshop_rankings: &'static str,
    pub quick_poll_intro: &'static str,
    pub quick_poll_question: &'static str,
    pub quick_poll_options: &'static str,
    pub quick_poll_secret: &'static str,
    pub quick_poll_launch: &'static str,
    pub quick_poll_invalid: &'static str,

    pub colour: fn(Colour) -> &'static str,
    pub rejection: fn(&Rejection) -> String,
    pub error: fn(ErrorCode) -> &'static str,
}

pub static FR: Texts = Texts {
    lang: Lang::Fr,
    lang_name: "Français",
    colon: " : ",
    switch_language: "English",
    tagline: "Ateliers participatifs en direct",
    one_moment: "Un instant…",

    join_heading: "Rejoindre un atelier",
    join_intro: "Saisissez le code donné par l'animation, puis votre nom.",
    code_label: "Code de l'atelier",
    code_hint: "6 caractères, par exemple K7M 4PX",
    name_label: "Votre nom",
    name_hint: "Tel que les autres participants le verront",
    join_button: "Rejoindre",
    come_back: "Revenir dans l'atelier (vous y êtes déjà inscrit·e)",
    joining: "Vous rejoignez",

    create_heading: "Animer un atelier",
    create_intro: "Créez l'atelier, partagez le code, suivez toutes les salles.",
    create_open: "Créer un atelier",
    template_label: "Déroulé",
    title_label: "Titre de l'atelier",
    facilitator_name_label: "Votre nom (animation)",
    rooms_label: "Salles",
    rooms_hint: "Une par ligne, par exemple un territoire par salle",
    columns_label: "Colonnes du tableau (une par ligne)",
    columns_example: "Besoins prioritaires\nBesoins émergents",
    create_button: "Créer l'atelier",

    status_connecting: "Connexion…",
    status_live: "En direct",
    status_reconnecting: "Reconnexion…",
    status_stopped: "Déconnecté",
    connection_lost: "La connexion est coupée. Continuez : ce que vous faites est gardé et partira dès le retour du réseau.",
    you_are: "Vous êtes",
    facilitator_badge: "Animation",
    room_facilitator_badge: "Animation de salle",
    room: "Salle",
    your_room: "votre salle",
    write_note: "+ Écrire une note",
    dots_brief: |left, total| format!("{left}/{total} points"),
    rooms_heading: "Salles",
    invite_heading: "Inviter les participants",
    invite_intro: "Donnez ce code, ou partagez le lien :",
    join_link: "Lien pour rejoindre",
    facilitator_link: "Votre lien d'animation",
    facilitator_link_hint: "Il donne tous les droits sur l'atelier : gardez-le pour vous.",
    copy: "Copier",
    copied: "Copié !",
    people: |n| match n {
        0 => "personne".into(),
        1 => "1 participant".into(),
        n => format!("{n} participants"),
    },
    notes: |n| match n {
        0 => "aucune note".into(),
        1 => "1 note".into(),
        n => format!("{n} notes"),
    },
    empty_column: "Aucune note pour l'instant.",
    new_note_label: |column| format!("Nouvelle note dans « {column} »"),
    new_note_placeholder: "Écrivez une idée, puis Entrée…",
    add_note: "Ajouter",
    characters_left: |n| {
        if n >= 0 {
            format!("{n} caractères restants")
        } else {
            format!("{} caractères de trop", -n)
        }
    },
    colour_label: "Couleur",
    edit: "Modifier",
    delete: "Supprimer",
    confirm_delete: "Supprimer cette note ?",
    save: "Enregistrer",
    cancel: "Annuler",
    anonymous: "Anonyme",
    sending: "envoi…",
    dismiss: "Fermer",

    not_joined: "Vous n'avez pas encore rejoint cet atelier depuis ce navigateur.",
    join_with_code: "Rejoindre avec le code",
    back_home: "Retour à l'accueil",
    page_not_found: "Cette page n'existe pas.",

    unknown_code: "Aucun atelier ne correspond à ce code. Vérifiez-le auprès de l'animation.",
    slow_down: |secs| format!("Trop de tentatives depuis votre connexion. Réessayez dans {secs} secondes."),
    server_unreachable: "Le serveur ne répond pas. Vérifiez votre connexion, puis réessayez.",
    server_error: "Le serveur n'a pas pu traiter la demande. Réessayez dans un instant.",
    file_too_large: "Ce fichier est trop gros pour être importé.",
    reload: "Recharger la page",

    cockpit_heading: "Poste de commandement",
    conduct_heading: "Conduite de l'atelier",
    current_step: "Étape en cours :",
    next_step: |title| format!("Étape suivante : {title}"),
    close_and_next: |title| format!("Clore le vote et passer à : {title}"),
    close_poll_and_next: |title| format!("Clore le sondage et passer à : {title}"),
    percent: |n| format!("{n} %"),
    reveal_all: "Révéler les notes cachées",
    close_vote: "Clore le vote",
    close_vote_named: |title| format!("Clore le vote « {title} »"),
    focus_vote_open: |title| {
        format!("Le vote « {title} » n'est pas clos : cette étape n'a encore aucune note à travailler.")
    },
    reopen_vote: "Rouvrir le vote",
    reopen_confirm: "Rouvrir le vote ? Son classement (et les égalités départagées) disparaît jusqu'à la prochaine clôture.",
    lock_all: "Verrouiller les tableaux",
    unlock_all: "Déverrouiller les tableaux",
    report_link: "Rapport de l'atelier",
    agenda_heading: "Déroulé de l'atelier",
    rooms_here: |n| {
        if n == 1 {
            "1 salle ici".into()
        } else {
            format!("{n} salles ici")
        }
    },
    go_here: "Y aller",
    go_to_step: |n, title| format!("Y aller — étape {n} : {title}"),
    timer_follows: "Relancer le minuteur à chaque étape (durée prévue)",
    time_up: "Temps écoulé !",
    mode_hidden_short: "Cachées",
    mode_anonymous_short: "Anonymes",
    online_short: |n| format!("{n} en ligne"),
    hidden_count: |n| {
        if n == 1 {
            "1 note cachée".into()
        } else {
            format!("{n} notes cachées")
        }
    },
    close_door: "Fermer l'accès aux nouveaux participants",
    assignment_label: "Les nouveaux arrivants",
    assignment: |mode| match mode {
        Assignment::Balanced => "vont dans la salle la moins remplie",
        Assignment::Choice => "choisissent leur salle",
        Assignment::Facilitator => "attendent que l'animation les place",
    },
    qr_alt: |link| format!("QR code du lien pour rejoindre : {link}"),
    people_heading: "Participants",
    in_lobby: |n| format!("{n} dans le hall"),
    lobby: "Hall d'accueil",
    role: |role| match role {
        Role::Lead => "Animation",
        Role::RoomFacilitator => "Inspecteur de salle",
        Role::Participant => "Participant",
        Role::Observer => "Observateur",
    },
    role_label: "Rôle",
    role_choice: |role| match role {
        Role::Lead => "Co-animation (tout l'atelier)",
        Role::RoomFacilitator => "Animation de sa salle",
        Role::Participant => "Participant",
        Role::Observer => "Observation",
    },
    keep_link_prompt: "Gardez votre lien d'animation (dans vos notes ou un courriel à vous-même) : c'est votre clé pour revenir sur cet atelier depuis un autre appareil, ou si ce navigateur l'oublie.",
    keep_link_button: "Copier mon lien d'animation",
    continue_label: "Suite d'un atelier précédent (campagne)",
    continue_none: "Non : un nouvel atelier",
    continue_hint: "Les besoins retenus par chaque salle de l'atelier choisi (un que vous avez animé ici) arrivent dans la salle du même territoire, dans l'ordre de leur classement.",
    continue_campaign: "Continuer la campagne",
    archive_heading: "Importer une archive (JSON)",
    archive_hint: "Une archive exportée depuis un rapport (report.json) redevient un atelier vivant, que vous animez.",
    archive_file: "Fichier d'archive (.json)",
    archive_unreadable: "Ce fichier n'est pas une archive Atelier (JSON).",
    delete_heading: "Supprimer l'atelier",
    delete_intro: "Une fois l'atelier terminé et son rapport enregistré, vous pouvez l'effacer du serveur : notes, votes, participants et accès. C'est définitif.",
    delete_button: "Supprimer définitivement",
    delete_confirm: "Supprimer définitivement cet atelier ? Les notes, les votes et les accès seront effacés du serveur. Enregistrez le rapport avant.",
    broadcast_heading: "Message à toutes les salles",
    broadcast_label: "Message",
    broadcast_send: "Afficher dans toutes les salles",
    broadcast_clear: "Retirer le message",
    broadcast_banner: "Message de l'animation",
    import_heading: "Importer une cartographie",
    import_hint: "Choisissez un fichier ou collez un tableau (CSV) : une ligne par note ; une colonne « territoire » envoie chaque ligne à la salle de ce territoire.",
    import_column: "Colonne",
    import_room: "Salle",
    every_room: "Toutes les salles",
    import_text: "Contenu de la cartographie",
    import_file: "Fichier CSV ou JSON",
    import_unreadable: "Ce fichier ne peut pas être lu comme du texte.",
    import_button: "Importer",
    imported: |n| {
        if n == 1 {
            "1 note importée.".into()
        } else {
            format!("{n} notes importées.")
        }
    },

    timer_label: "Temps restant",
    timer_heading: "Minuteur",
    timer_controls: "Commandes du minuteur",
    timer_stopped: "pas de minuteur",
    timer_paused: "en pause",
    timer_elapsed: "temps écoulé",
    timer_minutes: "Minutes",
    timer_auto_lock: "Verrouiller à la fin",
    timer_start: "Lancer le minuteur",
    timer_pause: "Pause",
    timer_resume: "Reprendre",
    timer_add_minute: "+1 min",
    timer_add_five: "+5 min",
    timer_stop: "Arrêter",

    step_of: |n, of| format!("Étape {n} sur {of}"),
    mode_locked: "Tableau verrouillé",
    mode_anonymous: "Notes anonymes",
    mode_hidden: "Notes cachées jusqu'à la révélation",
    mode_secret: "Vote secret jusqu'à la clôture",
    mode_read_only: "Lecture seule",
    online_count: |online, all| format!("{online} en ligne sur {all}"),
    done_count: |n| {
        if n <= 1 {
            format!("{n} a terminé")
        } else {
            format!("{n} ont terminé")
        }
    },
    online: "en ligne",
    offline: "hors ligne",
    done_tag: "terminé",
    im_done: "J'ai terminé",
    waiting_changes: |n| {
        if n == 1 {
            "(1 modification en attente)".into()
        } else {
            format!("({n} modifications en attente)")
        }
    },
    vote_closed: "Le vote est clos : voici le classement.",
    dots_left: |left, of| {
        if left <= 1 {
            format!("Il vous reste {left} point sur {of}")
        } else {
            format!("Il vous reste {left} points sur {of}")
        }
    },
    dots_left_in: |column, left, of| format!("{column} : {left} sur {of}"),
    your_dots: "Vos points",
    add_dot: |text| format!("Ajouter un point à « {text} »"),
    remove_dot: |text| format!("Retirer un point de « {text} »"),
    dots_given: |n| {
        if n <= 1 {
            format!("{n} point donné")
        } else {
            format!("{n} points donnés")
        }
    },
    points: |n| {
        if n <= 1 {
            format!("{n} point")
        } else {
            format!("{n} points")
        }
    },
    rank: |n| if n == 1 { "1er".into() } else { format!("{n}e") },
    rank_title: "Rang au vote",
    retained_heading: |n| {
        if n <= 1 {
            "Retenue pour la suite".into()
        } else {
            format!("Retenues pour la suite ({n})")
        }
    },
    others_heading: "Les autres notes",
    tie_heading: |column, tied, rank, places, top| {
        let rank = (FR.rank)(rank);
        let places = if places == 1 {
            "1 place".to_owned()
        } else {
            format!("{places} places")
        };
        format!(
            "Égalité à la coupure dans « {column} » : {tied} notes à égalité au {rank} rang pour {places} (l'étape suivante garde le top {top})."
        )
    },
    tie_hint: |places| {
        if places == 1 {
            "Cochez celle à retenir : les autres passent après.".into()
        } else {
            format!("Cochez les {places} à retenir : les autres passent après.")
        }
    },
    tie_confirm: |places| {
        if places == 1 {
            "Retenir cette note".into()
        } else {
            format!("Retenir ces {places} notes")
        }
    },
    tie_tag: "égalité à départager",
    merge_start: "Regrouper des doublons",
    merge_selected: |n| {
        if n <= 1 {
            format!("{n} note choisie")
        } else {
            format!("{n} notes choisies")
        }
    },
    merge_confirm: "Regrouper",
    merged_count: |n| {
        if n == 1 {
            "+ 1 note regroupée".into()
        } else {
            format!("+ {n} notes regroupées")
        }
    },
    ungroup: "Séparer",
    select_note: |text| format!("Choisir « {text} »"),
    edit_note: |text| format!("Modifier « {text} »"),
    delete_note: |text| format!("Supprimer « {text} »"),
    hidden_tag: "cachée",
    anonymous_tag: "anonyme",
    map_tag: "cartographie",
    campaign_tag: "atelier précédent",
    campaign_ranked: |rank, votes| {
        format!(
            "{} · {} à l'atelier précédent",
            (FR.rank)(rank),
            (FR.points)(votes)
        )
    },
    you_anonymously: |name| format!("{name} (anonyme)"),
    no_parents: "Aucune note à laquelle répondre pour l'instant.",
    nothing_to_work_on: "Aucune note retenue : le vote précédent doit être clos.",
    field_hint: |field| match field {
        Field::Why => "Les faits, les témoignages…",
        Field::Who => "Publics, acteurs, lieux…",
        Field::Measure => "Un chiffre à suivre, une source…",
    },
    field_overtaken: "Quelqu'un d'autre vient d'enregistrer ce champ pendant que vous écriviez.",
    field_take_theirs: "Reprendre sa version",
    field_keep_mine: "Garder la mienne",
    field_draft: "Brouillon pas encore enregistré.",
    someone_writing: |name| format!("✎ {name} écrit dans ce champ…"),
    add_branch: |side| match side {
        Side::Cause => "Ajouter une cause",
        Side::Consequence => "Ajouter une conséquence",
    },
    remove_branch: |text| format!("Retirer « {text} »"),
    add: "Ajouter",
    lobby_heading: "Bienvenue dans le hall",
    lobby_wait: "L'animation va vous placer dans une salle : restez sur cette page.",
    lobby_choose: "Choisissez votre salle :",

    case_file_stamp: "Dossier",
    report_heading: "Rapport de l'atelier",
    report_figures: |rooms, people, notes, dots| {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n <= 1 { one } else { many });
        format!(
            "{} · {} · {} · {}",
            plural(rooms, "salle", "salles"),
            plural(people, "participant", "participants"),
            plural(notes, "note", "notes"),
            plural(dots as usize, "point de vote", "points de vote"),
        )
    },
    report_empty: "Aucune salle n'a encore rien écrit.",
    exports_heading: "Exporter le rapport",
    exports_intro: "Chaque fichier montre l'atelier tel qu'il est à l'instant du téléchargement.",
    export_workshop: "Cet atelier",
    export_campaign: "Toute la campagne",
    export_page: "Rapport imprimable",
    organiser_link: "Lien organisateur (lecture seule)",
    organiser_hint: "À transmettre aux organisateurs et partenaires : ce lien ouvre le rapport et ses exports, sans donner accès aux tableaux.",
    print: "Imprimer ou enregistrer en PDF",
    back_to_board: "Retour au tableau",
    room_figures: |people, notes| format!("{} · {}", (FR.people)(people), (FR.notes)(notes)),
    ranking_of: |title| format!("Classement : {title}"),
    rank_header: "Rang",
    note_header: "Note",
    points_header: "Points",
    voters_header: "Votants",
    characterisation_heading: "Caractérisation",

    poll_close: "Clore le sondage",
    poll_reopen: "Rouvrir le sondage",
    poll_reopen_confirm: "Rouvrir le sondage ? Ses résultats sont retirés jusqu'à la prochaine clôture.",
    mode_poll_secret: "Résultats cachés jusqu'à la clôture",
    mode_poll_closed: "Sondage clos",
    poll_choose: "Choisissez une réponse",
    poll_results: "Résultats",
    poll_withdraw: "Retirer ma réponse",
    poll_answers: |n| format!("{n} réponse{}", if n > 1 { "s" } else { "" }),
    poll_yours: "votre réponse",
    poll_results_later: "Les résultats s'afficheront à la clôture du sondage.",
    poll_onlooker: "Vous suivez ce sondage sans y répondre.",
    quick_poll_heading: "Sondage express",
    polls_heading: "Sondages express",
    poll_still_open: "encore ouvert",
    poll_option_header: "Réponse",
    poll_count_header: "Nombre",
    workshop_rankings: "Classements de l'atelier",
    quick_poll_intro: "Une question, quelques réponses : chaque personne en choisit une. Toutes les salles y passent ensemble, tout de suite.",
    quick_poll_question: "Question",
    quick_poll_options: "Réponses possibles, une par ligne (de 2 à 12)",
    quick_poll_secret: "Résultats cachés jusqu'à la clôture",
    quick_poll_launch: "Lancer le sondage dans toutes les salles",
    quick_poll_invalid: "Écrivez une question et de 2 à 12 réponses différentes, une par ligne.",
    trees_heading: "Arbres à problèmes",

    colour: |c| match c {
        Colour::Yellow => "jaune",
        Colour::Pink => "rose",
        Colour::Blue => "bleu",
        Colour::Green => "vert",
        Colour::Orange => "orange",
        Colour::Purple => "violet",
    },
    rejection: |r| match r {
        Rejection::UnknownActor => "Vous ne faites pas partie de cet atelier.".into(),
        Rejection::Forbidden => "Votre rôle ne permet pas cette action.".into(),
        Rejection::NotYourRoom => "Vous ne pouvez agir que dans votre salle.".into(),
        Rejection::NotYourNote => "Seuls l'auteur et l'animation peuvent modifier cette note.".into(),
        Rejection::UnknownRoom => "Cette salle n'existe pas.".into(),
        Rejection::UnknownColumn => "Cette colonne n'existe pas.".into(),
        Rejection::UnknownNote => "Cette note n'existe plus.".into(),
        Rejection::DuplicateId => "Cette action a déjà été prise en compte.".into(),
        Rejection::EmptyText { field } => format!("{} est vide.", fr_field(*field)),
        Rejection::TextTooLong {
            field: TextField::Note,
            len,
            max,
        } => format!(
            "Note trop longue : {len} caractères pour {max} au plus. Une note se lit d'un coup d'œil \
             sur l'écran partagé : gardez l'idée, les détails iront dans la caractérisation."
        ),
        Rejection::TextTooLong { field, len, max } => {
            format!(
                "{} est trop long : {len} caractères pour {max} au plus.",
                fr_field(*field)
            )
        }
        Rejection::ControlCharacters { field } => {
            format!(
                "{} contient des caractères invisibles non autorisés.",
                fr_field(*field)
            )
        }
        Rejection::UnreadableText { field } => {
            format!(
                "{} contient des caractères qui brouilleraient son affichage (inversion du sens \
                 d'écriture, accents empilés).",
                fr_field(*field)
            )
        }
        Rejection::NameTaken => {
            "Ce nom est déjà pris dans cet atelier : ajoutez l'initiale de votre nom, par exemple.".into()
        }
        Rejection::DuplicateLabel => "Deux salles ou deux colonnes portent le même nom.".into(),
        Rejection::TooMany { what, max } => {
            let what = fr_counted(*what);
            // "Trop d'étapes", "Trop de salles".
            let de = if what.starts_with(['a', 'e', 'é', 'i', 'o', 'u']) {
                "d'"
            } else {
                "de "
            };
            format!("Trop {de}{what} : {max} au plus.")
        }
        Rejection::TooFew { what } => format!("Il faut au moins un élément : {}.", fr_counted(*what)),
        Rejection::UnknownStep => "Cette étape n'existe pas.".into(),
        Rejection::UnknownParticipant => "Cette personne ne participe pas à l'atelier.".into(),
        Rejection::UnknownBranch => "Cette cause ou conséquence n'existe plus.".into(),
        Rejection::WrongStep => "Ce n'est pas possible à cette étape de l'atelier.".into(),
        Rejection::Locked => "Le tableau est verrouillé par l'animation.".into(),
        Rejection::VoteClosed => {
            "Ce vote ou ce sondage est clos : ce changement n'a pas été pris en compte.".into()
        }
        Rejection::NotATie => "Ces notes ne sont pas à égalité dans le classement.".into(),
        Rejection::OverBudget { budget } => format!("Vous avez déjà utilisé vos {budget} points."),
        Rejection::OverColumnBudget { budget, .. } => {
            format!("Vous avez déjà utilisé vos {budget} points dans cette colonne.")
        }
        Rejection::OverParentBudget { budget } => {
            format!("Vous avez déjà utilisé vos {budget} points pour ce besoin.")
        }
        Rejection::OverNoteCap { cap } => format!("Au plus {cap} point(s) par note."),
        Rejection::BudgetBelowVotes { min } => {
            format!(
                "Des participants ont déjà utilisé {min} points : la limite ne peut pas descendre en dessous."
            )
        }
        Rejection::InvalidRules { reason } => format!("Réglage impossible : {reason}."),
        Rejection::FacilitatorsOnly => "Seule l'animation écrit dans cette colonne.".into(),
        Rejection::ParentRequired => "Choisissez le besoin auquel cette note répond.".into(),
        Rejection::WrongParent => "Cette note ne peut pas être rattachée à celle-ci.".into(),
        Rejection::CannotMerge => {
            "Ces notes ne peuvent pas être regroupées (même salle, même colonne, sans notes rattachées)."
                .into()
        }
        Rejection::HasAttachedNotes => {
            "Des notes y sont rattachées : seule l'animation peut la supprimer.".into()
        }
        Rejection::RoomInUse => "Cette salle n'est pas vide.".into(),
        Rejection::StepInUse => "Une salle est sur cette étape, ou une autre étape s'y réfère.".into(),
        Rejection::LastLead => "L'atelier doit garder au moins une personne à l'animation.".into(),
        Rejection::ChoiceNotAllowed => "L'animation répartit les participants dans les salles.".into(),
        Rejection::JoiningClosed => "L'atelier n'accepte plus de nouveaux participants.".into(),
        Rejection::TooFast {
            what,
            per_minute,
            retry_secs,
        } => format!(
            "Doucement : {per_minute} {} par minute au plus. Réessayez dans {retry_secs} s.",
            match what {
                Paced::Notes => "notes",
                Paced::Commands => "actions",
            }
        ),
    },
    error: |code| match code {
        ErrorCode::Malformed | ErrorCode::Binary | ErrorCode::AlreadyGreeted | ErrorCode::HelloExpected => {
            "Le serveur n'a pas compris un message. Rechargez la page si cela se répète."
        }
        ErrorCode::VersionMismatch => "Atelier a été mis à jour : rechargez la page.",
        ErrorCode::UnknownToken => "Votre accès n'est plus valable : rejoignez l'atelier avec son code.",
        ErrorCode::WorkshopDeleted => "Cet atelier a été supprimé par son animateur ou son animatrice.",
        ErrorCode::TooLarge => "Ce message est trop long pour être envoyé.",
        ErrorCode::Lagging | ErrorCode::Idle => "La connexion a décroché : reconnexion en cours.",
        ErrorCode::ServerBusy => "Le serveur est très sollicité : nouvel essai dans un instant.",
        ErrorCode::ShuttingDown => "Le serveur redémarre : reconnexion en cours.",
        ErrorCode::Moving => "L'atelier passe sur un autre serveur : reconnexion en cours.",
        ErrorCode::RateLimited => "Trop d'actions d'un coup : patientez un instant.",
        ErrorCode::TooManyConnections => {
            "Trop de connexions depuis votre réseau : fermez les onglets Atelier en trop."
        }
    },
};

fn fr_field(field: TextField) -> &'static str {
    match field {
        TextField::Note => "Le texte de la note",
        TextField::Name => "Le nom",
        TextField::Title => "Le titre",
        TextField::Label => "Un nom de salle ou de colonne",
        TextField::Details => "Le texte",
        TextField::Branch => "La cause ou conséquence",
        TextField::Message => "Le message",
        TextField::Option => "Une réponse du sondage",
    }
}

fn fr_counted(what: Counted) -> &'static str {
    match what {
        Counted::Rooms => "salles",
        Counted::Columns => "colonnes",
        Counted::Participants => "participants",
        Counted::Notes => "notes",
        Counted::Steps => "étapes",
        Counted::Branches => "causes ou conséquences",
        Counted::MapItems => "éléments dans la cartographie",
    }
}

pub static EN: Texts = Texts {
    lang: Lang::En,
    lang_name: "English",
    colon: ": ",
    switch_language: "Français",
    tagline: "Live participatory workshops",
    one_moment: "One moment…",

    join_heading: "Join a workshop",
    join_intro: "Enter the code your facilitator gave you, then your name.",
    code_label: "Workshop code",
    code_hint: "6 characters, for example K7M 4PX",
    name_label: "Your name",
    name_hint: "As other participants will see it",
    join_button: "Join",
    come_back: "Back to the workshop (you have already joined)",
    joining: "You are joining",

    create_heading: "Run a workshop",
    create_intro: "Create the workshop, share the code, follow every room.",
    create_open: "Create a workshop",
    template_label: "Method",
    title_label: "Workshop title",
    facilitator_name_label: "Your name (facilitator)",
    rooms_label: "Rooms",
    rooms_hint: "One per line, for example one territory per room",
    columns_label: "Board columns (one per line)",
    columns_example: "Priority needs\nEmerging needs",
    create_button: "Create the workshop",

    status_connecting: "Connecting…",
    status_live: "Live",
    status_reconnecting: "Reconnecting…",
    status_stopped: "Disconnected",
    connection_lost: "The connection dropped. Carry on: what you do is kept and will be sent as soon as the network is back.",
    you_are: "You are",
    facilitator_badge: "Facilitator",
    room_facilitator_badge: "Room facilitator",
    room: "Room",
    your_room: "your room",
    write_note: "+ Write a note",
    dots_brief: |left, total| format!("{left}/{total} dots"),
    rooms_heading: "Rooms",
    invite_heading: "Invite participants",
    invite_intro: "Give them this code, or share the link:",
    join_link: "Link to join",
    facilitator_link: "Your facilitator link",
    facilitator_link_hint: "It grants full control of the workshop: keep it to yourself.",
    copy: "Copy",
    copied: "Copied!",
    people: |n| match n {
        0 => "nobody".into(),
        1 => "1 participant".into(),
        n => format!("{n} participants"),
    },
    notes: |n| match n {
        0 => "no notes".into(),
        1 => "1 note".into(),
        n => format!("{n} notes"),
    },
    empty_column: "No notes yet.",
    new_note_label: |column| format!("New note in “{column}”"),
    new_note_placeholder: "Write an idea, then Enter…",
    add_note: "Add",
    characters_left: |n| {
        if n >= 0 {
            format!("{n} characters left")
        } else {
            format!("{} characters too many", -n)
        }
    },
    colour_label: "Colour",
    edit: "Edit",
    delete: "Delete",
    confirm_delete: "Delete this note?",
    save: "Save",
    cancel: "Cancel",
    anonymous: "Anonymous",
    sending: "sending…",
    dismiss: "Dismiss",

    not_joined: "You have not joined this workshop from this browser yet.",
    join_with_code: "Join with the code",
    back_home: "Back to the home page",
    page_not_found: "This page does not exist.",

    unknown_code: "No workshop has this code. Check it with your facilitator.",
    slow_down: |secs| format!("Too many attempts from your connection. Try again in {secs} seconds."),
    server_unreachable: "The server does not answer. Check your connection, then try again.",
    server_error: "The server could not handle the request. Try again in a moment.",
    file_too_large: "This file is too large to import.",
    reload: "Reload the page",

    cockpit_heading: "Command post",
    conduct_heading: "Running the workshop",
    current_step: "Current step:",
    next_step: |title| format!("Next step: {title}"),
    close_and_next: |title| format!("Close the vote and go to: {title}"),
    close_poll_and_next: |title| format!("Close the poll and go to: {title}"),
    percent: |n| format!("{n}%"),
    reveal_all: "Reveal hidden notes",
    close_vote: "Close the vote",
    close_vote_named: |title| format!("Close the vote “{title}”"),
    focus_vote_open: |title| {
        format!("The vote “{title}” is not closed: this step has no notes to work on yet.")
    },
    reopen_vote: "Reopen the vote",
    reopen_confirm: "Reopen the vote? Its ranking (and any tie you settled) is withdrawn until it closes again.",
    lock_all: "Lock the boards",
    unlock_all: "Unlock the boards",
    report_link: "Workshop report",
    agenda_heading: "Agenda",
    rooms_here: |n| {
        if n == 1 {
            "1 room here".into()
        } else {
            format!("{n} rooms here")
        }
    },
    go_here: "Go",
    go_to_step: |n, title| format!("Go — step {n}: {title}"),
    timer_follows: "Restart the timer at each step (its planned length)",
    time_up: "Time is up!",
    mode_hidden_short: "Hidden",
    mode_anonymous_short: "Anonymous",
    online_short: |n| format!("{n} online"),
    hidden_count: |n| {
        if n == 1 {
            "1 hidden note".into()
        } else {
            format!("{n} hidden notes")
        }
    },
    close_door: "Close the workshop to new participants",
    assignment_label: "Newcomers",
    assignment: |mode| match mode {
        Assignment::Balanced => "go to the least crowded room",
        Assignment::Choice => "choose their room",
        Assignment::Facilitator => "wait for the facilitator to place them",
    },
    qr_alt: |link| format!("QR code of the link to join: {link}"),
    people_heading: "Participants",
    in_lobby: |n| format!("{n} in the lobby"),
    lobby: "Lobby",
    role: |role| match role {
        Role::Lead => "Facilitator",
        Role::RoomFacilitator => "Room facilitator",
        Role::Participant => "Participant",
        Role::Observer => "Observer",
    },
    role_label: "Role",
    role_choice: |role| match role {
        Role::Lead => "Co-lead (the whole workshop)",
        Role::RoomFacilitator => "Facilitates their room",
        Role::Participant => "Participant",
        Role::Observer => "Observer",
    },
    keep_link_prompt: "Keep your facilitator link (in your notes or an e-mail to yourself): it is your key back to this workshop from another device, or if this browser forgets it.",
    keep_link_button: "Copy my facilitator link",
    continue_label: "Continues an earlier workshop (campaign)",
    continue_none: "No: a new workshop",
    continue_hint: "The needs each room of the chosen workshop (one you led here) retained arrive in the room of the same territory, in their ranking order.",
    continue_campaign: "Continue the campaign",
    archive_heading: "Import an archive (JSON)",
    archive_hint: "An archive exported from a report (report.json) becomes a live workshop again, which you lead.",
    archive_file: "Archive file (.json)",
    archive_unreadable: "This file is not an Atelier archive (JSON).",
    delete_heading: "Delete the workshop",
    delete_intro: "Once the workshop is over and its report saved, you can erase it from the server: notes, votes, participants and access. This cannot be undone.",
    delete_button: "Delete for good",
    delete_confirm: "Delete this workshop for good? Its notes, votes and access links will be erased from the server. Save the report first.",
    broadcast_heading: "Message to every room",
    broadcast_label: "Message",
    broadcast_send: "Show in every room",
    broadcast_clear: "Take the message down",
    broadcast_banner: "Message from the facilitator",
    import_heading: "Import a map",
    import_hint: "Choose a file or paste a table (CSV): one note per line; a “territory” column sends each line to that territory's room.",
    import_column: "Column",
    import_room: "Room",
    every_room: "Every room",
    import_text: "Map content",
    import_file: "CSV or JSON file",
    import_unreadable: "This file cannot be read as text.",
    import_button: "Import",
    imported: |n| {
        if n == 1 {
            "1 note imported.".into()
        } else {
            format!("{n} notes imported.")
        }
    },

    timer_label: "Time left",
    timer_heading: "Timer",
    timer_controls: "Timer controls",
    timer_stopped: "no timer",
    timer_paused: "paused",
    timer_elapsed: "time is up",
    timer_minutes: "Minutes",
    timer_auto_lock: "Lock when time is up",
    timer_start: "Start the timer",
    timer_pause: "Pause",
    timer_resume: "Resume",
    timer_add_minute: "+1 min",
    timer_add_five: "+5 min",
    timer_stop: "Stop",

    step_of: |n, of| format!("Step {n} of {of}"),
    mode_locked: "Board locked",
    mode_anonymous: "Anonymous notes",
    mode_hidden: "Notes hidden until revealed",
    mode_secret: "Secret vote until closed",
    mode_read_only: "Read only",
    online_count: |online, all| format!("{online} online of {all}"),
    done_count: |n| format!("{n} done"),
    online: "online",
    offline: "offline",
    done_tag: "done",
    im_done: "I'm done",
    waiting_changes: |n| {
        if n == 1 {
            "(1 change waiting)".into()
        } else {
            format!("({n} changes waiting)")
        }
    },
    vote_closed: "The vote is closed: here is the ranking.",
    dots_left: |left, of| {
        if left == 1 {
            format!("You have {left} dot left of {of}")
        } else {
            format!("You have {left} dots left of {of}")
        }
    },
    dots_left_in: |column, left, of| format!("{column}: {left} of {of}"),
    your_dots: "Your dots",
    add_dot: |text| format!("Add a dot to “{text}”"),
    remove_dot: |text| format!("Remove a dot from “{text}”"),
    dots_given: |n| {
        if n == 1 {
            "1 dot given".into()
        } else {
            format!("{n} dots given")
        }
    },
    points: |n| {
        if n == 1 {
            "1 dot".into()
        } else {
            format!("{n} dots")
        }
    },
    rank: |n| match n % 10 {
        1 if n % 100 != 11 => format!("{n}st"),
        2 if n % 100 != 12 => format!("{n}nd"),
        3 if n % 100 != 13 => format!("{n}rd"),
        _ => format!("{n}th"),
    },
    rank_title: "Rank in the vote",
    retained_heading: |n| {
        if n == 1 {
            "Kept for what comes next".into()
        } else {
            format!("Kept for what comes next ({n})")
        }
    },
    others_heading: "The other notes",
    tie_heading: |column, tied, rank, places, top| {
        let rank = (EN.rank)(rank);
        let places = if places == 1 {
            "1 place".to_owned()
        } else {
            format!("{places} places")
        };
        format!(
            "Tie at the cut in “{column}”: {tied} notes tied {rank} for {places} (the next step keeps the top {top})."
        )
    },
    tie_hint: |places| {
        if places == 1 {
            "Tick the one to keep: the others come after it.".into()
        } else {
            format!("Tick the {places} to keep: the others come after them.")
        }
    },
    tie_confirm: |places| {
        if places == 1 {
            "Keep this note".into()
        } else {
            format!("Keep these {places} notes")
        }
    },
    tie_tag: "tie to settle",
    merge_start: "Merge duplicates",
    merge_selected: |n| {
        if n == 1 {
            "1 note chosen".into()
        } else {
            format!("{n} notes chosen")
        }
    },
    merge_confirm: "Merge",
    merged_count: |n| {
        if n == 1 {
            "+ 1 merged note".into()
        } else {
            format!("+ {n} merged notes")
        }
    },
    ungroup: "Separate",
    select_note: |text| format!("Choose “{text}”"),
    edit_note: |text| format!("Edit “{text}”"),
    delete_note: |text| format!("Delete “{text}”"),
    hidden_tag: "hidden",
    anonymous_tag: "anonymous",
    map_tag: "map",
    campaign_tag: "earlier workshop",
    campaign_ranked: |rank, votes| {
        format!(
            "{}, {} in the earlier workshop",
            (EN.rank)(rank),
            (EN.points)(votes)
        )
    },
    you_anonymously: |name| format!("{name} (anonymous)"),
    no_parents: "Nothing to answer yet.",
    nothing_to_work_on: "No note retained yet: the previous vote must be closed.",
    field_hint: |field| match field {
        Field::Why => "Facts, testimonies…",
        Field::Who => "People, organisations, places…",
        Field::Measure => "A figure to follow, a source…",
    },
    field_overtaken: "Someone else has just saved this field while you were typing.",
    field_take_theirs: "Use their version",
    field_keep_mine: "Keep mine",
    field_draft: "Draft not saved yet.",
    someone_writing: |name| format!("✎ {name} is typing here…"),
    add_branch: |side| match side {
        Side::Cause => "Add a cause",
        Side::Consequence => "Add a consequence",
    },
    remove_branch: |text| format!("Remove “{text}”"),
    add: "Add",
    lobby_heading: "Welcome to the lobby",
    lobby_wait: "The facilitator will place you in a room: stay on this page.",
    lobby_choose: "Choose your room:",

    case_file_stamp: "File",
    report_heading: "Workshop report",
    report_figures: |rooms, people, notes, dots| {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} · {} · {} · {}",
            plural(rooms, "room", "rooms"),
            plural(people, "participant", "participants"),
            plural(notes, "note", "notes"),
            plural(dots as usize, "vote dot", "vote dots"),
        )
    },
    report_empty: "No room has written anything yet.",
    exports_heading: "Export the report",
    exports_intro: "Each file shows the workshop as it is when you download it.",
    export_workshop: "This workshop",
    export_campaign: "The whole campaign",
    export_page: "Printable report",
    organiser_link: "Organiser link (read-only)",
    organiser_hint: "For organisers and partners: this link opens the report and its exports, without access to the boards.",
    print: "Print or save as PDF",
    back_to_board: "Back to the board",
    room_figures: |people, notes| format!("{} · {}", (EN.people)(people), (EN.notes)(notes)),
    ranking_of: |title| format!("Ranking: {title}"),
    rank_header: "Rank",
    note_header: "Note",
    points_header: "Dots",
    voters_header: "Voters",
    characterisation_heading: "Characterisation",

    poll_close: "Close the poll",
    poll_reopen: "Reopen the poll",
    poll_reopen_confirm: "Reopen the poll? Its results are withdrawn until it closes again.",
    mode_poll_secret: "Results hidden until closed",
    mode_poll_closed: "Poll closed",
    poll_choose: "Choose one answer",
    poll_results: "Results",
    poll_withdraw: "Withdraw my answer",
    poll_answers: |n| format!("{n} answer{}", if n == 1 { "" } else { "s" }),
    poll_yours: "your answer",
    poll_results_later: "Results will show when the poll closes.",
    poll_onlooker: "You follow this poll without answering.",
    quick_poll_heading: "Quick poll",
    polls_heading: "Quick polls",
    poll_still_open: "still open",
    poll_option_header: "Answer",
    poll_count_header: "Count",
    workshop_rankings: "Workshop rankings",
    quick_poll_intro: "One question, a few answers: everyone picks one. Every room takes part together, right away.",
    quick_poll_question: "Question",
    quick_poll_options: "Possible answers, one per line (2 to 12)",
    quick_poll_secret: "Hide results until closed",
    quick_poll_launch: "Launch the poll in every room",
    quick_poll_invalid: "Write a question and 2 to 12 different answers, one per line.",
    trees_heading: "Problem trees",

    colour: Colour::as_str,
    rejection: |r| match r {
        Rejection::NameTaken => {
            "Someone in this workshop already uses this name: add an initial, for example.".into()
        }
        Rejection::TextTooLong {
            field: TextField::Note,
            len,
            max,
        } => format!(
            "Note too long: {len} characters, at most {max}. A note is read at a glance on the shared \
             screen: keep the idea, details go into the characterisation."
        ),
        other => {
            let mut message = other.to_string();
            if let Some(first) = message.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            message + "."
        }
    },
    error: |code| match code {
        ErrorCode::Malformed | ErrorCode::Binary | ErrorCode::AlreadyGreeted | ErrorCode::HelloExpected => {
            "The server did not understand a message. Reload the page if this happens again."
        }
        ErrorCode::VersionMismatch => "Atelier has been updated: reload the page.",
        ErrorCode::UnknownToken => "Your access is no longer valid: join the workshop again with its code.",
        ErrorCode::WorkshopDeleted => "This workshop was deleted by its facilitator.",
        ErrorCode::TooLarge => "This message is too long to be sent.",
        ErrorCode::Lagging | ErrorCode::Idle => "The connection dropped: reconnecting.",
        ErrorCode::ServerBusy => "The server is very busy: trying again in a moment.",
        ErrorCode::ShuttingDown => "The server is restarting: reconnecting.",
        ErrorCode::Moving => "The workshop is moving to another server: reconnecting.",
        ErrorCode::RateLimited => "Too many actions at once: wait a moment.",
        ErrorCode::TooManyConnections => "Too many connections from your network: close extra Atelier tabs.",
    },
};
