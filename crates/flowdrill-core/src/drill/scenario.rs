//! The drill scenario document: the workflow a drill exercises and its master list of
//! injects.
//!
//! ```json
//! {
//!   "flowdrill-drill": 1,
//!   "id": "viral-video",
//!   "name": "A complaint video goes viral",
//!   "workflow": "../workflows/social-triage.json",
//!   "starts_at": "2026-03-04T16:30:00-05:00",
//!   "objectives": [{ "id": "crisis", "text": "Route a crisis to legal within 15 minutes" }],
//!   "injects": [{
//!     "id": "video", "at": "0m", "channel": "twitter", "author": "@maya (1.2M followers)",
//!     "text": "Watch what happened when I tried to get a refund...",
//!     "truth": { "asker": "public", "situation": "crisis", "sentiment": "negative" },
//!     "expect": [{ "action": "route", "to": "crisis-alert", "within": "10m" },
//!                { "action": "notify", "to": "legal", "within": "15m" }],
//!     "objective": "crisis"
//!   }],
//!   "contingencies": [{
//!     "id": "legal-asks", "unless": { "inject": "video", "action": "notify", "to": "legal" },
//!     "by": "15m",
//!     "post": { "id": "legal-asks", "channel": "internal", "author": "Legal", "text": "Why are we hearing about this video from the press?" }
//!   }],
//!   "system": [
//!     { "kind": "staff-loss", "id": "sick", "at": "20m", "role": "community-manager", "staff": 2 },
//!     { "kind": "surge", "id": "pile-on", "at": "25m", "posts": 12, "over": "10m", "channel": "twitter",
//!       "author": "troll", "text": "#BoycottBrand pile-on", "truth": { "asker": "troll" } },
//!     { "kind": "outage", "id": "page-down", "at": "40m", "channel": "brand-page", "for": "15m" }
//!   ]
//! }
//! ```
//!
//! - `workflow` is the path of the workflow file, relative to the scenario file.
//! - `starts_at` is the moment in the drill's world when the drill starts (drill time runs
//!   from it; the facilitator's clock decides how fast).
//! - An inject's `at` is its offset from the start. Its `truth` holds the post's real
//!   attributes, hidden from participants and used for scoring: the workflow's route for
//!   them is the answer key. `expect` lists what must be done, and `within` how long after
//!   the post is published: `to` names the branch target of a `route`, the role of a
//!   `notify` or `escalate`, or `public`/`private` for a `respond`.
//! - A contingency publishes its `post` when, `by` after inject `unless.inject` was
//!   published, no action matching `unless` has happened on that post.
//! - System injects change the exercise: a role loses staff (announced), a surge of
//!   `posts` posts spread evenly over `over`, a channel outage for `for` (replies in that
//!   channel are refused while it lasts).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::duration::Duration;
use crate::model::error::{ParseError, ParseErrorKind};
use crate::model::workflow::parse_json;

/// The drill scenario format version this build reads.
pub const DRILL_VERSION: u32 = 1;

/// A drill scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct DrillScenario {
    /// Must be 1.
    #[serde(rename = "flowdrill-drill")]
    pub version: u32,
    /// A short id.
    pub id: String,
    /// A name for the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub name: Option<String>,
    /// What the drill is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub description: Option<String>,
    /// The workflow file drilled, relative to the scenario file.
    pub workflow: String,
    /// The drill-world instant the drill starts at (RFC 3339).
    pub starts_at: String,
    /// What the drill tests.
    #[serde(default)]
    pub objectives: Vec<Objective>,
    /// The master list of timed posts.
    #[serde(default)]
    pub injects: Vec<Inject>,
    /// Posts published when an expected action has not happened in time.
    #[serde(default)]
    pub contingencies: Vec<Contingency>,
    /// Changes to the exercise: staff loss, surges, outages.
    #[serde(default)]
    pub system: Vec<SystemInject>,
}

/// An objective of the exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Its id, named by injects.
    pub id: String,
    /// What it tests, in words.
    pub text: String,
}

/// A post that arrives during the drill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// Its id; the case it becomes has the same id.
    pub id: String,
    /// Offset from the drill's start (master list only; a contingency's post has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub at: Option<Duration>,
    /// The channel it arrives on (`twitter`, `brand-page`, `email`, ...).
    pub channel: String,
    /// Who wrote it.
    pub author: String,
    /// The message.
    pub text: String,
    /// The start node it enters by (needed when the workflow has several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub start: Option<String>,
    /// Its real attributes, hidden from participants.
    #[serde(default)]
    pub truth: IndexMap<String, serde_json::Value>,
    /// What must be done with it, and how soon.
    #[serde(default)]
    pub expect: Vec<Expect>,
    /// The objective it tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub objective: Option<String>,
}

/// An action expected on a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The action (`route`, `notify`, `escalate`, `respond`, `let-stand`, ...).
    pub action: ActionKind,
    /// Its target: a node for `route`, a role for `notify`/`escalate`, `public` or
    /// `private` for `respond`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub to: Option<String>,
    /// How long after publication it is due.
    pub within: Duration,
}

/// A post published when something expected did not happen in time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Contingency {
    /// Its id.
    pub id: String,
    /// The action whose absence triggers it.
    pub unless: Watch,
    /// How long after the watched inject's publication.
    pub by: Duration,
    /// The post published.
    pub post: Inject,
}

/// An action on a post that a contingency watches for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Watch {
    /// The inject (case) watched.
    pub inject: String,
    /// The action.
    pub action: ActionKind,
    /// Its target, as in [`Expect::to`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub to: Option<String>,
}

/// A change to the exercise itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum SystemInject {
    /// A role loses staff (announced to everyone).
    StaffLoss {
        /// Its id.
        id: String,
        /// Offset from the start.
        at: Duration,
        /// The role.
        role: String,
        /// How many people it loses.
        staff: u32,
    },
    /// Many posts at once, spread evenly.
    Surge {
        /// Its id; the posts are cases `ID-1`, `ID-2`, ...
        id: String,
        /// Offset from the start of the first post.
        at: Duration,
        /// How many posts.
        posts: u32,
        /// Over how long.
        over: Duration,
        /// Their channel.
        channel: String,
        /// Their author (`-N` is appended).
        author: String,
        /// Their text.
        text: String,
        /// Their real attributes.
        #[serde(default)]
        truth: IndexMap<String, serde_json::Value>,
        /// The start node they enter by.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        start: Option<String>,
        /// The objective they test.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        objective: Option<String>,
    },
    /// A channel is down: replies in it are refused.
    Outage {
        /// Its id.
        id: String,
        /// Offset from the start.
        at: Duration,
        /// The channel.
        channel: String,
        /// How long it lasts.
        #[serde(rename = "for")]
        lasts: Duration,
    },
}

impl SystemInject {
    /// Its id.
    pub fn id(&self) -> &str {
        match self {
            SystemInject::StaffLoss { id, .. }
            | SystemInject::Surge { id, .. }
            | SystemInject::Outage { id, .. } => id,
        }
    }

    /// Its offset from the start.
    pub fn at(&self) -> Duration {
        match self {
            SystemInject::StaffLoss { at, .. }
            | SystemInject::Surge { at, .. }
            | SystemInject::Outage { at, .. } => *at,
        }
    }
}

/// What a participant or the facilitator does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DrillActionKind"))]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// Facilitator: start the clock.
    Start,
    /// Facilitator: stop the clock.
    Pause,
    /// Facilitator: restart the clock.
    Resume,
    /// Facilitator: set the clock's speed (`speed`, 1 to 60).
    Speed,
    /// Facilitator: move the clock to the next inject.
    Jump,
    /// Facilitator: publish an inject now (`inject`).
    Publish,
    /// Facilitator: drop an inject not yet published (`inject`).
    Skip,
    /// Facilitator: end the drill.
    End,
    /// Set attributes of a post as the participant reads it (`attributes`).
    Classify,
    /// Choose a branch at a decision (`to`: the branch's target node).
    Route,
    /// Tag a post (`tags`).
    Tag,
    /// Flag a post for attention.
    Flag,
    /// Take a post: the participant works on it.
    Take,
    /// Reply to a post (`visibility`: public or private); finishes the task it is at.
    Respond,
    /// Finish the task a post is at without a reply (a statement drafted, an approval given).
    Done,
    /// Hand a post to a role (`to`).
    Escalate,
    /// Tell roles about a post (`roles`); finishes a notify step it is at.
    Notify,
    /// Close a post.
    Close,
    /// Decide not to respond, and close the post.
    LetStand,
}

impl ActionKind {
    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::Start => "start",
            ActionKind::Pause => "pause",
            ActionKind::Resume => "resume",
            ActionKind::Speed => "speed",
            ActionKind::Jump => "jump",
            ActionKind::Publish => "publish",
            ActionKind::Skip => "skip",
            ActionKind::End => "end",
            ActionKind::Classify => "classify",
            ActionKind::Route => "route",
            ActionKind::Tag => "tag",
            ActionKind::Flag => "flag",
            ActionKind::Take => "take",
            ActionKind::Respond => "respond",
            ActionKind::Done => "done",
            ActionKind::Escalate => "escalate",
            ActionKind::Notify => "notify",
            ActionKind::Close => "close",
            ActionKind::LetStand => "let-stand",
        }
    }

    /// True for the facilitator's clock and inject controls.
    pub fn is_facilitator(self) -> bool {
        matches!(
            self,
            ActionKind::Start
                | ActionKind::Pause
                | ActionKind::Resume
                | ActionKind::Speed
                | ActionKind::Jump
                | ActionKind::Publish
                | ActionKind::Skip
                | ActionKind::End
        )
    }
}

impl DrillScenario {
    /// Reads a scenario file (the workflow it names is read separately).
    pub fn from_json(text: &str) -> Result<DrillScenario, ParseError> {
        let s: DrillScenario = parse_json(text)?;
        if s.version != DRILL_VERSION {
            return Err(ParseError {
                kind: ParseErrorKind::Version,
                path: "flowdrill-drill".into(),
                line: 0,
                column: 0,
                message: format!(
                    "drill format version {} is not supported; this build reads version {DRILL_VERSION}",
                    s.version
                ),
            });
        }
        Ok(s)
    }

    /// The scenario's name, or its id.
    pub fn title(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}
