//! What each kind of step allows and shows. Every method matches every activity by
//! name, without a catch-all: a new kind of step does not compile until each of them
//! says what it does.

use super::{Activity, Focus, PollRules, VoteRules, VoteScope};

impl Activity {
    /// Whether participants post notes (in the step's columns).
    pub fn posts_notes(&self) -> bool {
        match self {
            Activity::Brainstorm { .. } => true,
            Activity::Vote { .. }
            | Activity::Poll { .. }
            | Activity::Characterise { .. }
            | Activity::ProblemTree { .. }
            | Activity::Plenary
            | Activity::Discussion => false,
        }
    }

    /// Whether notes posted in this step keep their author to themselves.
    pub fn anonymous_notes(&self) -> bool {
        match self {
            Activity::Brainstorm { anonymous, .. } => *anonymous,
            Activity::Vote { .. }
            | Activity::Poll { .. }
            | Activity::Characterise { .. }
            | Activity::ProblemTree { .. }
            | Activity::Plenary
            | Activity::Discussion => false,
        }
    }

    /// Whether notes posted in this step stay hidden until revealed.
    pub fn hides_notes(&self) -> bool {
        match self {
            Activity::Brainstorm { hidden, .. } => *hidden,
            Activity::Vote { .. }
            | Activity::Poll { .. }
            | Activity::Characterise { .. }
            | Activity::ProblemTree { .. }
            | Activity::Plenary
            | Activity::Discussion => false,
        }
    }

    /// Whether the step is meaningless without columns to show.
    pub fn needs_columns(&self) -> bool {
        match self {
            Activity::Brainstorm { .. } | Activity::Vote { .. } => true,
            Activity::Poll { .. }
            | Activity::Characterise { .. }
            | Activity::ProblemTree { .. }
            | Activity::Plenary
            | Activity::Discussion => false,
        }
    }

    /// Whether the rooms on this step look at every room's board together.
    pub fn gathers_rooms(&self) -> bool {
        match self {
            Activity::Plenary | Activity::Poll { .. } => true,
            Activity::Vote { rules } => rules.scope == VoteScope::Workshop,
            Activity::Brainstorm { .. }
            | Activity::Characterise { .. }
            | Activity::ProblemTree { .. }
            | Activity::Discussion => false,
        }
    }

    /// The earlier vote whose best notes this step works on, and the ranks it keeps.
    pub fn focus(&self) -> Option<Focus> {
        match self {
            Activity::Characterise { focus } | Activity::ProblemTree { focus } => *focus,
            Activity::Brainstorm { .. }
            | Activity::Vote { .. }
            | Activity::Poll { .. }
            | Activity::Plenary
            | Activity::Discussion => None,
        }
    }

    pub fn vote_rules(&self) -> Option<&VoteRules> {
        match self {
            Activity::Vote { rules } => Some(rules),
            Activity::Brainstorm { .. }
            | Activity::Poll { .. }
            | Activity::Characterise { .. }
            | Activity::ProblemTree { .. }
            | Activity::Plenary
            | Activity::Discussion => None,
        }
    }

    pub fn poll_rules(&self) -> Option<&PollRules> {
        match self {
            Activity::Poll { rules } => Some(rules),
            Activity::Brainstorm { .. }
            | Activity::Vote { .. }
            | Activity::Characterise { .. }
            | Activity::ProblemTree { .. }
            | Activity::Plenary
            | Activity::Discussion => None,
        }
    }

    /// Whether the board only shows (nothing to post, spend or fill in, so nothing
    /// to finish).
    pub fn read_only(&self) -> bool {
        match self {
            Activity::Plenary | Activity::Discussion => true,
            Activity::Brainstorm { .. }
            | Activity::Vote { .. }
            | Activity::Poll { .. }
            | Activity::Characterise { .. }
            | Activity::ProblemTree { .. } => false,
        }
    }

    /// Whether the step shows the results of the latest vote before it (a
    /// discussion after a vote talks about them).
    pub fn recalls_results(&self) -> bool {
        match self {
            Activity::Discussion => true,
            Activity::Brainstorm { .. }
            | Activity::Vote { .. }
            | Activity::Poll { .. }
            | Activity::Characterise { .. }
            | Activity::ProblemTree { .. }
            | Activity::Plenary => false,
        }
    }
}
