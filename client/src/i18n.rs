//! Every string the interface shows, one table per language. French first; a string
//! missing from one language is a compile error, not a blank on screen.

use atelier_shared::protocol::ErrorCode;
use atelier_shared::rejection::{Counted, TextField};
use atelier_shared::{Colour, Rejection};
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }
}

/// The current language's strings; re-read whenever the language changes.
pub fn texts() -> &'static Texts {
    expect_context::<RwSignal<Lang>>().get().texts()
}

#[derive(Debug)]
pub struct Texts {
    pub lang_name: &'static str,
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
    pub joining: &'static str,

    pub create_heading: &'static str,
    pub create_intro: &'static str,
    pub title_label: &'static str,
    pub title_example: &'static str,
    pub facilitator_name_label: &'static str,
    pub rooms_label: &'static str,
    pub rooms_hint: &'static str,
    pub rooms_example: &'static str,
    pub columns_label: &'static str,
    pub columns_example: &'static str,
    pub create_button: &'static str,

    pub status_connecting: &'static str,
    pub status_live: &'static str,
    pub status_reconnecting: &'static str,
    pub status_stopped: &'static str,
    pub you_are: &'static str,
    pub facilitator_badge: &'static str,
    pub room: &'static str,
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
    pub server_unreachable: &'static str,
    pub server_error: &'static str,
    pub reload: &'static str,

    pub colour: fn(Colour) -> &'static str,
    pub rejection: fn(&Rejection) -> String,
    pub error: fn(ErrorCode) -> &'static str,
}

pub static FR: Texts = Texts {
    lang_name: "Français",
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
    joining: "Vous rejoignez",

    create_heading: "Animer un atelier",
    create_intro: "Créez l'atelier, partagez le code, suivez toutes les salles.",
    title_label: "Titre de l'atelier",
    title_example: "YESS CAMP 1 — Menez l'enquête !",
    facilitator_name_label: "Votre nom (animation)",
    rooms_label: "Salles",
    rooms_hint: "Une par ligne, par exemple un territoire par salle",
    rooms_example: "Aude\nGard\nHérault\nLozère\nPyrénées-Orientales",
    columns_label: "Colonnes du tableau (une par ligne)",
    columns_example: "Besoins prioritaires\nBesoins émergents",
    create_button: "Créer l'atelier",

    status_connecting: "Connexion…",
    status_live: "En direct",
    status_reconnecting: "Reconnexion…",
    status_stopped: "Déconnecté",
    you_are: "Vous êtes",
    facilitator_badge: "Animation",
    room: "Salle",
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
    server_unreachable: "Le serveur ne répond pas. Vérifiez votre connexion, puis réessayez.",
    server_error: "Le serveur n'a pas pu traiter la demande. Réessayez dans un instant.",
    reload: "Recharger la page",

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
        Rejection::NameTaken => {
            "Ce nom est déjà pris dans cet atelier : ajoutez l'initiale de votre nom, par exemple.".into()
        }
        Rejection::DuplicateLabel => "Deux salles ou deux colonnes portent le même nom.".into(),
        Rejection::TooMany { what, max } => format!("Trop de {} : {max} au plus.", fr_counted(*what)),
        Rejection::TooFew { what } => format!("Il faut au moins un élément : {}.", fr_counted(*what)),
        Rejection::UnknownStep => "Cette étape n'existe pas.".into(),
        Rejection::UnknownParticipant => "Cette personne ne participe pas à l'atelier.".into(),
        Rejection::UnknownBranch => "Cette cause ou conséquence n'existe plus.".into(),
        Rejection::WrongStep => "Ce n'est pas possible à cette étape de l'atelier.".into(),
        Rejection::Locked => "Le tableau est verrouillé par l'animation.".into(),
        Rejection::VoteClosed => "Ce vote est clos.".into(),
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
    },
    error: |code| match code {
        ErrorCode::Malformed | ErrorCode::Binary | ErrorCode::AlreadyGreeted | ErrorCode::HelloExpected => {
            "Le serveur n'a pas compris un message. Rechargez la page si cela se répète."
        }
        ErrorCode::VersionMismatch => "Atelier a été mis à jour : rechargez la page.",
        ErrorCode::UnknownToken => "Votre accès n'est plus valable : rejoignez l'atelier avec son code.",
        ErrorCode::TooLarge => "Ce message est trop long pour être envoyé.",
        ErrorCode::Lagging | ErrorCode::Idle => "La connexion a décroché : reconnexion en cours.",
        ErrorCode::ServerBusy => "Le serveur est très sollicité : nouvel essai dans un instant.",
        ErrorCode::ShuttingDown => "Le serveur redémarre : reconnexion en cours.",
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
    lang_name: "English",
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
    joining: "You are joining",

    create_heading: "Run a workshop",
    create_intro: "Create the workshop, share the code, follow every room.",
    title_label: "Workshop title",
    title_example: "Neighbourhood needs workshop",
    facilitator_name_label: "Your name (facilitator)",
    rooms_label: "Rooms",
    rooms_hint: "One per line, for example one territory per room",
    rooms_example: "North\nSouth\nEast\nWest",
    columns_label: "Board columns (one per line)",
    columns_example: "Priority needs\nEmerging needs",
    create_button: "Create the workshop",

    status_connecting: "Connecting…",
    status_live: "Live",
    status_reconnecting: "Reconnecting…",
    status_stopped: "Disconnected",
    you_are: "You are",
    facilitator_badge: "Facilitator",
    room: "Room",
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
    server_unreachable: "The server does not answer. Check your connection, then try again.",
    server_error: "The server could not handle the request. Try again in a moment.",
    reload: "Reload the page",

    colour: Colour::as_str,
    rejection: |r| match r {
        Rejection::NameTaken => {
            "Someone in this workshop already uses this name: add an initial, for example.".into()
        }
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
        ErrorCode::TooLarge => "This message is too long to be sent.",
        ErrorCode::Lagging | ErrorCode::Idle => "The connection dropped: reconnecting.",
        ErrorCode::ServerBusy => "The server is very busy: trying again in a moment.",
        ErrorCode::ShuttingDown => "The server is restarting: reconnecting.",
    },
};
