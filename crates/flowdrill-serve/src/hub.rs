//! The drills a server hosts: each one's session (the core's, natively), its log's
//! sequence, who is in it, and the channel that tells every connection what changed.
//!
//! One lock per drill orders its actions: an action is checked against the sender's
//! rights, applied to a copy of the session, appended to the store, and only then made
//! the drill's state and broadcast — so every client sees the same sequence, and an
//! action the store did not take is not in anyone's view.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use flowdrill_core::drill::DrillScenario;
use flowdrill_core::drill::participant::ParticipantView;
use flowdrill_core::drill::session::{Action, Session};
use tokio::sync::{Mutex, broadcast};

use crate::protocol::{Entry, ErrorCode, Person, Rights, ServerMsg, Setup};
use crate::store::{Store, StoreError, StoredDrill, StoredPerson};
use crate::token;

/// What every connection to a drill hears.
#[derive(Debug, Clone)]
pub enum Note {
    /// A new log entry, with the session it led to.
    Entry(Arc<Entry>),
    /// Who is in the drill changed.
    People(Arc<Vec<Person>>),
}

/// A person in a drill, while the server runs.
#[derive(Debug, Clone)]
struct Member {
    stored: StoredPerson,
    connections: u32,
}

struct State {
    /// The drill as of entry `seq`, brought up to the clock when a view is made.
    session: Session,
    seq: u64,
    members: Vec<Member>,
    facilitators: u32,
}

/// A hosted drill.
pub struct Drill {
    /// Its id.
    pub id: String,
    /// The scenario's title.
    pub title: String,
    /// The workflow's roles.
    pub roles: Vec<String>,
    /// Its documents.
    pub setup: Setup,
    state: Mutex<State>,
    tx: broadcast::Sender<Note>,
    /// The last view made for each role: everyone in a role sees the same view, so it is
    /// made once per log entry and second of the clock, not once per person.
    views: std::sync::Mutex<HashMap<Option<String>, CachedView>>,
}

struct CachedView {
    seq: u64,
    second: i64,
    text: Arc<str>,
}

/// An error the hub reports to one client.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct HubError {
    /// What kind.
    pub code: ErrorCode,
    /// What is wrong and what was expected.
    pub message: String,
}

impl HubError {
    fn new(code: ErrorCode, message: impl Into<String>) -> HubError {
        HubError {
            code,
            message: message.into(),
        }
    }
}

impl From<StoreError> for HubError {
    fn from(e: StoreError) -> HubError {
        HubError::new(ErrorCode::Store, e.to_string())
    }
}

/// Who a connection is, once joined.
#[derive(Debug, Clone)]
pub struct Who {
    /// What the token allows.
    pub rights: Rights,
    /// The name actions are recorded by.
    pub name: String,
    /// The role (participants).
    pub role: Option<String>,
    /// Their secret's hash (participants).
    pub key: Option<String>,
}

/// The name the facilitator's actions are recorded by.
pub const FACILITATOR: &str = "facilitator";

/// How one try at an action ended, when not taken.
enum Attempt {
    /// Refused: the sender is told why.
    Refused(HubError),
    /// Another server wrote the entry it wanted: take that in and try again.
    Conflict(StoreError),
}

impl From<HubError> for Attempt {
    fn from(e: HubError) -> Attempt {
        Attempt::Refused(e)
    }
}

/// How often an action is tried again after another server wrote the entry it wanted.
const CONFLICT_RETRIES: u32 = 8;

/// The longest name a participant may give, in characters.
const MAX_NAME: usize = 60;

/// The drills this server hosts, loaded from the store on first use.
pub struct Hub {
    store: Store,
    drills: Mutex<HashMap<String, Arc<Drill>>>,
}

fn now_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A drill's documents, read, or what is wrong with them.
struct Docs {
    workflow: flowdrill_core::Workflow,
    scenario: DrillScenario,
}

impl Docs {
    fn read(workflow: &str, scenario: &str) -> Result<Docs, HubError> {
        let invalid =
            |what: &str, e: String| HubError::new(ErrorCode::Invalid, format!("{what}: {e}"));
        Ok(Docs {
            workflow: flowdrill_core::Workflow::from_json(workflow)
                .map_err(|e| invalid("workflow", e.to_string()))?,
            scenario: DrillScenario::from_json(scenario)
                .map_err(|e| invalid("scenario", e.to_string()))?,
        })
    }

    /// The scenario's title and the workflow's roles.
    fn names(&self) -> (String, Vec<String>) {
        let roles = self
            .workflow
            .roles
            .ids()
            .into_iter()
            .map(String::from)
            .collect();
        (self.scenario.title().to_string(), roles)
    }

    /// A drill that has not started, or why these documents make none.
    fn session(self) -> Result<Session, HubError> {
        Session::new(self.workflow, self.scenario)
            .map_err(|e| HubError::new(ErrorCode::Invalid, format!("drill: {e}")))
    }
}

/// The drill `id` as its stored log leaves it, and the log's last sequence number.
async fn replayed(store: &Store, id: &str, docs: Docs) -> Result<(Session, u64), HubError> {
    let mut log = Vec::new();
    let mut seq = 0;
    for (n, text) in store.entries(id.to_string(), 0).await? {
        let action: Action = serde_json::from_str(&text).map_err(|e| {
            HubError::new(
                ErrorCode::Store,
                format!("drill {id}, stored entry {n}: {e}"),
            )
        })?;
        log.push(action);
        seq = n;
    }
    let session = Session::replay(docs.workflow, docs.scenario, &log).map_err(|e| {
        HubError::new(
            ErrorCode::Store,
            format!("drill {id}: the stored log does not replay: {e}"),
        )
    })?;
    Ok((session, seq))
}

impl Hub {
    /// A hub over `store`.
    pub fn new(store: Store) -> Hub {
        Hub {
            store,
            drills: Mutex::new(HashMap::new()),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Creates a drill from its documents; returns its id and the facilitator's and the
    /// participants' tokens.
    pub async fn create(
        &self,
        workflow: String,
        scenario: String,
    ) -> Result<(String, String, String), HubError> {
        Docs::read(&workflow, &scenario)?.session()?;
        let random = |e: token::RandomError| HubError::new(ErrorCode::Store, e.to_string());
        let id = token::new_id().map_err(random)?;
        let facilitator = token::new_token().map_err(random)?;
        let participant = token::new_token().map_err(random)?;
        self.store
            .create(
                StoredDrill {
                    id: id.clone(),
                    created: now_text(Utc::now()),
                    workflow,
                    scenario,
                },
                token::hash(&facilitator),
                token::hash(&participant),
            )
            .await?;
        Ok((id, facilitator, participant))
    }

    /// The drill and rights a token opens.
    pub async fn open(&self, token: &str) -> Result<(Arc<Drill>, Rights), HubError> {
        let unknown = || {
            HubError::new(
                ErrorCode::UnknownToken,
                "this link's token is not known to this server: ask the facilitator for the drill's link",
            )
        };
        if !token::well_formed(token) {
            return Err(unknown());
        }
        let Some((id, rights)) = self.store.token(token::hash(token)).await? else {
            return Err(unknown());
        };
        Ok((self.drill(&id).await?, rights))
    }

    /// A drill, loaded from the store (its log replayed) the first time it is asked for.
    pub async fn drill(&self, id: &str) -> Result<Arc<Drill>, HubError> {
        let mut drills = self.drills.lock().await;
        if let Some(d) = drills.get(id) {
            return Ok(Arc::clone(d));
        }
        let Some(stored) = self.store.drill(id.to_string()).await? else {
            return Err(HubError::new(
                ErrorCode::UnknownToken,
                format!("no drill {id} in this server's store"),
            ));
        };
        let docs = Docs::read(&stored.workflow, &stored.scenario)?;
        let (title, roles) = docs.names();
        let (session, seq) = replayed(&self.store, id, docs).await?;
        let members = self
            .store
            .people(id.to_string())
            .await?
            .into_iter()
            .map(|stored| Member {
                stored,
                connections: 0,
            })
            .collect();
        let (tx, _) = broadcast::channel(1024);
        let d = Arc::new(Drill {
            id: id.to_string(),
            title,
            roles,
            setup: Setup {
                workflow: stored.workflow,
                scenario: stored.scenario,
            },
            state: Mutex::new(State {
                session,
                seq,
                members,
                facilitators: 0,
            }),
            tx,
            views: std::sync::Mutex::new(HashMap::new()),
        });
        drills.insert(id.to_string(), Arc::clone(&d));
        // Where other servers write to the same log, follow what they append.
        if let Some(feed) = self.store.follow(id.to_string(), seq).await? {
            tokio::spawn(follow(self.store.clone(), Arc::clone(&d), feed));
        }
        Ok(d)
    }
}

/// Takes in what other servers append to the drill's log, for as long as the server runs.
/// A feed that closes (the store lost its connection, or read something it did not
/// expect) is opened again after what this server holds, a second later.
async fn follow(
    store: Store,
    drill: Arc<Drill>,
    mut feed: tokio::sync::mpsc::Receiver<(u64, String)>,
) {
    loop {
        while let Some((n, text)) = feed.recv().await {
            let mut state = drill.state.lock().await;
            if let Err(e) = drill.absorb(&mut state, n, &text) {
                eprintln!("flowdrill serve: drill {}: {e}", drill.id);
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let held = drill.state.lock().await.seq;
        match store.follow(drill.id.clone(), held).await {
            Ok(Some(f)) => feed = f,
            Ok(None) => return,
            Err(e) => eprintln!(
                "flowdrill serve: drill {}: cannot follow its log: {e}",
                drill.id
            ),
        }
    }
}

/// A participant's name, trimmed, or what is wrong with it.
fn clean_name(name: Option<&str>) -> Result<String, HubError> {
    let name = name.map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Err(HubError::new(
            ErrorCode::BadJoin,
            "a participant joins with a name (\"name\"): the log records each action by it",
        ));
    }
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(HubError::new(
            ErrorCode::BadJoin,
            format!("a name is at most {MAX_NAME} characters, without control characters"),
        ));
    }
    if name.eq_ignore_ascii_case(FACILITATOR) {
        return Err(HubError::new(
            ErrorCode::BadJoin,
            "\"facilitator\" is the facilitator's name in the log; choose another",
        ));
    }
    Ok(name.to_string())
}

impl Drill {
    /// The `view` message for participants in `role`, of the drill now (at the server's
    /// clock), and the last log entry it includes.
    pub async fn participant_view(&self, role: Option<&str>) -> Option<(Arc<str>, u64)> {
        let mut state = self.state.lock().await;
        let now = Utc::now();
        let second = now.timestamp();
        let key = role.map(str::to_string);
        let seq = state.seq;
        if let Ok(cache) = self.views.lock()
            && let Some(c) = cache.get(&key)
            && c.seq == seq
            && c.second == second
        {
            return Some((Arc::clone(&c.text), seq));
        }
        // Ticking is a function of the wall clock alone, so the drill itself moves on
        // (publishing what is due): no copy is made for a view.
        state.session.tick(now);
        let view = serde_json::to_value(ParticipantView::of(&state.session, role)).ok()?;
        let text: Arc<str> = serde_json::to_string(&ServerMsg::View { view, seq })
            .ok()?
            .into();
        if let Ok(mut cache) = self.views.lock() {
            cache.insert(
                key,
                CachedView {
                    seq,
                    second,
                    text: Arc::clone(&text),
                },
            );
        }
        Some((text, seq))
    }

    /// True while the drill's clock runs.
    pub async fn running(&self) -> bool {
        let state = self.state.lock().await;
        state.session.clock().running && state.session.ended().is_none()
    }

    /// Everyone in the drill now.
    fn people_of(state: &State) -> Vec<Person> {
        let mut people = vec![Person {
            name: FACILITATOR.to_string(),
            role: None,
            online: state.facilitators > 0,
        }];
        people.extend(state.members.iter().map(|m| Person {
            name: m.stored.name.clone(),
            role: m.stored.role.clone(),
            online: m.connections > 0,
        }));
        people
    }

    /// Everyone in the drill now.
    pub async fn people(&self) -> Vec<Person> {
        Drill::people_of(&*self.state.lock().await)
    }

    /// Tells every connection who is in the drill.
    fn announce(&self, state: &State) {
        let _ = self
            .tx
            .send(Note::People(Arc::new(Drill::people_of(state))));
    }

    /// Joins a connection: the facilitator, a participant coming back with their secret,
    /// or a new participant (recorded in the store). Returns who they are, their secret
    /// (participants), and a receiver of what changes from now on.
    pub async fn join(
        &self,
        hub: &Hub,
        rights: Rights,
        name: Option<&str>,
        role: Option<&str>,
        person: Option<&str>,
    ) -> Result<(Who, Option<String>, broadcast::Receiver<Note>), HubError> {
        let mut state = self.state.lock().await;
        if rights == Rights::Facilitator {
            state.facilitators += 1;
            let rx = self.tx.subscribe();
            self.announce(&state);
            return Ok((
                Who {
                    rights,
                    name: FACILITATOR.to_string(),
                    role: None,
                    key: None,
                },
                None,
                rx,
            ));
        }
        // People who joined through another server sharing the store.
        if hub.store.shared() {
            for p in hub.store.people(self.id.clone()).await? {
                if !state.members.iter().any(|m| m.stored.key == p.key) {
                    state.members.push(Member {
                        stored: p,
                        connections: 0,
                    });
                }
            }
        }
        // Coming back as the same person.
        if let Some(secret) = person.filter(|p| token::well_formed(p)) {
            let key = token::hash(secret);
            if let Some(m) = state.members.iter_mut().find(|m| m.stored.key == key) {
                m.connections += 1;
                let who = Who {
                    rights,
                    name: m.stored.name.clone(),
                    role: m.stored.role.clone(),
                    key: Some(key),
                };
                let rx = self.tx.subscribe();
                self.announce(&state);
                return Ok((who, Some(secret.to_string()), rx));
            }
        }
        let wanted = clean_name(name)?;
        let role = match role {
            Some(r) if self.roles.iter().any(|x| x == r) => r.to_string(),
            Some(r) => {
                return Err(HubError::new(
                    ErrorCode::BadJoin,
                    format!(
                        "role {r:?} is not one of this drill's roles ({})",
                        self.roles.join(", ")
                    ),
                ));
            }
            None => {
                return Err(HubError::new(
                    ErrorCode::BadJoin,
                    format!(
                        "a participant joins in a role (\"role\"): one of {}",
                        self.roles.join(", ")
                    ),
                ));
            }
        };
        // A name already taken gets a number: the log names each person once.
        let taken = |n: &str| {
            state
                .members
                .iter()
                .any(|m| m.stored.name.eq_ignore_ascii_case(n))
        };
        let mut name = wanted.clone();
        let mut k = 2;
        while taken(&name) {
            name = format!("{wanted} ({k})");
            k += 1;
        }
        let secret =
            token::new_token().map_err(|e| HubError::new(ErrorCode::Store, e.to_string()))?;
        let stored = StoredPerson {
            key: token::hash(&secret),
            name: name.clone(),
            role: Some(role.clone()),
        };
        hub.store
            .add_person(self.id.clone(), stored.clone())
            .await?;
        state.members.push(Member {
            stored: stored.clone(),
            connections: 1,
        });
        let rx = self.tx.subscribe();
        self.announce(&state);
        Ok((
            Who {
                rights,
                name,
                role: Some(role),
                key: Some(stored.key),
            },
            Some(secret),
            rx,
        ))
    }

    /// A connection left.
    pub async fn leave(&self, who: &Who) {
        let mut state = self.state.lock().await;
        match &who.key {
            None => state.facilitators = state.facilitators.saturating_sub(1),
            Some(key) => {
                if let Some(m) = state.members.iter_mut().find(|m| &m.stored.key == key) {
                    m.connections = m.connections.saturating_sub(1);
                }
            }
        }
        self.announce(&state);
    }

    /// The log's entries after `after`, and the session and sequence number they lead to.
    pub async fn since(&self, hub: &Hub, after: u64) -> Result<(Vec<Entry>, u64), HubError> {
        let state = self.state.lock().await;
        let mut entries = Vec::new();
        if after < state.seq {
            for (seq, text) in hub.store.entries(self.id.clone(), after).await? {
                if seq > state.seq {
                    break;
                }
                let action = serde_json::from_str(&text).map_err(|e| {
                    HubError::new(ErrorCode::Store, format!("stored entry {seq}: {e}"))
                })?;
                entries.push(Entry { seq, action });
            }
        }
        Ok((entries, state.seq))
    }

    /// Takes in entry `n` of the log, written by another server: applies it and tells
    /// every connection. Entries this server already has are skipped.
    fn absorb(&self, state: &mut State, n: u64, text: &str) -> Result<(), HubError> {
        if n <= state.seq {
            return Ok(());
        }
        if n != state.seq + 1 {
            return Err(HubError::new(
                ErrorCode::Store,
                format!("entry {n} came before entry {}", state.seq + 1),
            ));
        }
        let action: Action = serde_json::from_str(text)
            .map_err(|e| HubError::new(ErrorCode::Store, format!("stored entry {n}: {e}")))?;
        let value = serde_json::to_value(&action).unwrap_or(serde_json::Value::Null);
        state.session.apply(action).map_err(|e| {
            HubError::new(
                ErrorCode::Store,
                format!("stored entry {n} does not replay: {e}"),
            )
        })?;
        state.seq = n;
        let _ = self.tx.send(Note::Entry(Arc::new(Entry {
            seq: n,
            action: value,
        })));
        Ok(())
    }

    /// Takes an action: checks it against the sender's rights, stamps it with the server's
    /// time and the sender's name and role, applies it, stores it, then broadcasts it.
    /// Returns its sequence number. When another server wrote the next entry first, this
    /// one takes in what it wrote and tries again on the drill as it now is.
    pub async fn act(
        &self,
        hub: &Hub,
        who: &Who,
        action: serde_json::Map<String, serde_json::Value>,
    ) -> Result<u64, HubError> {
        for key in ["at", "by", "role"] {
            if action.contains_key(key) {
                return Err(HubError::new(
                    ErrorCode::BadMessage,
                    format!("an action's \"{key}\" is set by the server, not sent"),
                ));
            }
        }
        let mut state = self.state.lock().await;
        let mut tries = 0;
        loop {
            match self.try_act(hub, &mut state, who, action.clone()).await {
                Ok(seq) => return Ok(seq),
                Err(Attempt::Refused(e)) => return Err(e),
                Err(Attempt::Conflict(e)) => {
                    // Take in what the other servers wrote, then try again on the drill as
                    // it now is.
                    tries += 1;
                    if tries > CONFLICT_RETRIES {
                        return Err(e.into());
                    }
                    for (n, text) in hub.store.entries(self.id.clone(), state.seq).await? {
                        self.absorb(&mut state, n, &text)?;
                    }
                }
            }
        }
    }

    async fn try_act(
        &self,
        hub: &Hub,
        state: &mut State,
        who: &Who,
        mut action: serde_json::Map<String, serde_json::Value>,
    ) -> Result<u64, Attempt> {
        let last = state.session.log().last().map(|a| a.at);
        let at = last.map_or_else(Utc::now, |l| Utc::now().max(l));
        action.insert("at".into(), now_text(at).into());
        action.insert("by".into(), who.name.clone().into());
        if let Some(role) = &who.role {
            action.insert("role".into(), role.clone().into());
        }
        let value = serde_json::Value::Object(action);
        let parsed: Action = serde_json::from_value(value.clone())
            .map_err(|e| HubError::new(ErrorCode::Invalid, format!("not a drill action: {e}")))?;
        if who.rights == Rights::Participant && parsed.kind.is_facilitator() {
            return Err(Attempt::Refused(HubError::new(
                ErrorCode::Forbidden,
                format!(
                    "\"{}\" is the facilitator's to do: a participant's link does not allow it",
                    parsed.kind.name()
                ),
            )));
        }
        // Applied in place (a refused action changes nothing), then stored. Where other
        // servers write to the same log, another server may take the entry first: the
        // drill as it was is kept to go back to. A store only this server writes refuses
        // only when it fails, and then the drill is read back from it.
        let before = hub.store.shared().then(|| state.session.clone());
        state
            .session
            .apply(parsed.clone())
            .map_err(|e| HubError::new(ErrorCode::Invalid, e.to_string()))?;
        let seq = state.seq + 1;
        // What is stored and sent is the action as the core writes it.
        let text = serde_json::to_string(&parsed)
            .map_err(|e| HubError::new(ErrorCode::Store, e.to_string()))?;
        if let Err(e) = hub.store.append(self.id.clone(), seq, text).await {
            match before {
                Some(session) => state.session = session,
                None => self.reload(hub, state).await?,
            }
            return Err(match e {
                StoreError::Conflict { .. } => Attempt::Conflict(e),
                e => Attempt::Refused(e.into()),
            });
        }
        state.seq = seq;
        let entry = Arc::new(Entry {
            seq,
            action: serde_json::to_value(&parsed).unwrap_or(value),
        });
        let _ = self.tx.send(Note::Entry(entry));
        Ok(seq)
    }

    /// Reads the drill back from the store: its log replayed from the start.
    async fn reload(&self, hub: &Hub, state: &mut State) -> Result<(), HubError> {
        let docs = Docs::read(&self.setup.workflow, &self.setup.scenario)?;
        let (session, seq) = replayed(&hub.store, &self.id, docs).await?;
        state.session = session;
        state.seq = seq;
        Ok(())
    }
}
