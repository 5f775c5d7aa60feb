//! What the server and the browsers say to each other: JSON over one WebSocket per
//! person, at `/api/ws`.
//!
//! ```text
//! client                                   server
//! join {token, name?, role?, person?, after}  ─▶
//!                                           ◀─ welcome {drill, rights, you, people, server_time, setup}
//!                                           ◀─ entries {entries: [{seq, at, action}…]}   (after `after`)
//!                                           ◀─ view {view}                               (participants)
//! act {id, action}                          ─▶
//!                                           ◀─ ack {id, seq}                             (to the sender)
//!                                           ◀─ entry {seq, action}                       (to everyone)
//!                                           ◀─ rejected {id, error}                      (to the sender only)
//!                                           ◀─ people {people}                           (someone joined or left)
//! ping {}                                   ─▶ ◀─ pong {server_time}
//! ```
//!
//! - The first message must be `join`, within ten seconds. The token says which drill and
//!   which rights (facilitator or participant); nothing else is accepted before it.
//! - `after` is the last sequence number the client holds (0 for none): the server sends
//!   every entry after it, so a reconnecting or late client replays the log from there.
//! - `person` is the secret the server gave in an earlier `welcome` (`you.person`): with
//!   it, a participant who reconnects is the same person, with the same name and role.
//!   Without it, a participant joins as a new person; a name already taken in the drill
//!   gets a number (`Ana (2)`).
//! - An `act`'s action is a drill action without `at`, `by` and `role`: the server stamps
//!   its own time and the sender's name and role, applies it to the drill (the core's
//!   `Session::apply`, the same code the browser runs), stores it durably, and only then
//!   acknowledges and broadcasts it. The log is the drill: clients never trust their
//!   own clocks, and the facilitator's clock controls are actions in the same log.
//! - Facilitators get the workflow and scenario text in `welcome.setup` and replay the log
//!   themselves. Participants get neither: after each change the server sends them a
//!   `view` computed for their role, which holds no expected action and no hidden
//!   attribute.

use serde::{Deserialize, Serialize};

/// The largest message a client may send, in bytes.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// A message from a browser.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ClientMsg {
    /// Join a drill (the first message).
    Join {
        /// The facilitator's or the participants' token from the link.
        token: String,
        /// The participant's name (ignored for the facilitator).
        #[serde(default)]
        name: Option<String>,
        /// The role the participant plays (one of the workflow's roles).
        #[serde(default)]
        role: Option<String>,
        /// The secret of an earlier join, to come back as the same person.
        #[serde(default)]
        person: Option<String>,
        /// The last sequence number the client holds.
        #[serde(default)]
        after: u64,
    },
    /// Take an action.
    Act {
        /// The client's id for it, echoed in `ack` or `rejected`.
        id: String,
        /// The action, without `at`, `by` and `role`.
        action: serde_json::Map<String, serde_json::Value>,
    },
    /// Keep the connection alive and read the server's time.
    Ping {},
}

/// What a token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rights {
    /// Clock, injects, the full log and the answer key.
    Facilitator,
    /// Their own actions, in their role, and their role's view.
    Participant,
}

/// Who is in the drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The name the log records them by.
    pub name: String,
    /// The role they play (none for the facilitator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Connected now.
    pub online: bool,
}

/// The joining person, as the server records them.
#[derive(Debug, Clone, Serialize)]
pub struct You {
    /// Their name in the log.
    pub name: String,
    /// Their role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The secret to come back as the same person (keep it; never show it).
    pub person: String,
}

/// The drill's documents, for the facilitator.
#[derive(Debug, Clone, Serialize)]
pub struct Setup {
    /// The workflow file's text, exactly as the drill runs it.
    pub workflow: String,
    /// The scenario file's text.
    pub scenario: String,
}

/// One entry of the drill's log.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Its place in the log, from 1.
    pub seq: u64,
    /// The action, stamped by the server.
    pub action: serde_json::Value,
}

/// Why an action or a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// Not valid JSON, or not a message this protocol has.
    BadMessage,
    /// The token is unknown.
    UnknownToken,
    /// The name or role is missing or wrong.
    BadJoin,
    /// The token does not allow it.
    Forbidden,
    /// The drill refused the action (the message says why).
    Invalid,
    /// More than [`MAX_MESSAGE`] bytes.
    TooLarge,
    /// Too many messages too fast.
    Flood,
    /// The drill log could not be written; the action was not taken.
    Store,
}

/// An error sent to one client.
#[derive(Debug, Clone, Serialize)]
pub struct WireError {
    /// What kind.
    pub code: ErrorCode,
    /// What is wrong and what was expected.
    pub message: String,
    /// With `bad-join`: the drill's roles to choose from (a participant's page may join
    /// without a name or role first, to learn them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

/// A message to a browser.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ServerMsg {
    /// The join was accepted.
    Welcome {
        /// The drill's id.
        drill: String,
        /// What the token allows.
        rights: Rights,
        /// Who the server has them as.
        you: You,
        /// Everyone in the drill.
        people: Vec<Person>,
        /// The server's clock now (RFC 3339, milliseconds).
        server_time: String,
        /// The workflow's roles, to choose from.
        roles: Vec<String>,
        /// The drill's title.
        title: String,
        /// The documents (facilitators only).
        #[serde(skip_serializing_if = "Option::is_none")]
        setup: Option<Setup>,
    },
    /// Log entries the client does not have yet, in order.
    Entries {
        /// The entries.
        entries: Vec<Entry>,
    },
    /// A new log entry.
    Entry(Entry),
    /// The sender's action was taken.
    Ack {
        /// The client's id.
        id: String,
        /// Its place in the log.
        seq: u64,
    },
    /// The sender's message was refused; nothing changed.
    Rejected {
        /// The client's id of the action, when there was one.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Why.
        error: WireError,
    },
    /// The participant's view of the drill, for their role.
    View {
        /// The view (`ParticipantView` of the core).
        view: serde_json::Value,
        /// The last log entry it includes.
        seq: u64,
    },
    /// Who is in the drill changed.
    People {
        /// Everyone.
        people: Vec<Person>,
    },
    /// The answer to `ping`.
    Pong {
        /// The server's clock now.
        server_time: String,
    },
}

/// `POST /api/drills`: a new drill.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateDrill {
    /// The workflow file's text.
    pub workflow: String,
    /// The scenario file's text.
    pub scenario: String,
}

/// The answer to `POST /api/drills`: the drill and its two links. Shown once: the server
/// keeps only the tokens' hashes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Created {
    /// The drill's id.
    pub drill: String,
    /// The facilitator's token.
    pub facilitator: String,
    /// The participants' token.
    pub participant: String,
    /// The facilitator's link (path and fragment; the browser adds its origin).
    pub facilitator_link: String,
    /// The participants' link.
    pub participant_link: String,
}

/// The link that joins a drill with `token`: the token is in the fragment, which browsers
/// never send to a server, so it stays out of every access log.
pub fn join_link(token: &str) -> String {
    format!("/#join={token}")
}
