//! Where drills and their logs are kept when several `flowdrill serve` instances host the
//! same drills: a NATS server with JetStream.
//!
//! - Each drill's log is the messages on the subject `flowdrill.log.<drill>` of the stream
//!   [`LOG_STREAM`] (file storage, no limits: nothing is ever discarded). Entry `n` is the
//!   `n`-th message on that subject; it also carries its number in the [`SEQ_HEADER`]
//!   header, which reading checks.
//! - An entry is appended with the header `Nats-Expected-Last-Subject-Sequence` set to the
//!   stream sequence of the drill's previous entry (0 for the first), so the server takes
//!   it only if no other writer appended to the drill in between: two servers can never
//!   interleave a drill's log, and the one that lost gets [`StoreError::Conflict`]. An
//!   append returns only after JetStream acknowledged it (the entry is stored).
//! - Drills, token hashes and people are in the key-value buckets [`DRILLS_BUCKET`] (key:
//!   the drill's id), [`TOKENS_BUCKET`] (key: the token's hash) and [`PEOPLE_BUCKET`] (key:
//!   `<drill>.<hash of the person's secret>`), each value JSON. A person's place in the
//!   order of joining is the revision at which their key was first written.
//!
//! Like the SQLite store, this one keeps tokens only as hashes.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::consumer::{self, DeliverPolicy, ReplayPolicy};
use async_nats::jetstream::context::PublishErrorKind;
use async_nats::jetstream::kv::{self, CreateErrorKind, Operation, UpdateErrorKind};
use async_nats::jetstream::stream::{self, LastRawMessageErrorKind};
use async_nats::jetstream::{self, Message};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};

use crate::protocol::Rights;
use crate::store::{StoreError, StoredDrill, StoredPerson};

/// The JetStream stream that holds every drill's log.
pub const LOG_STREAM: &str = "FLOWDRILL_LOG";

/// The subjects of [`LOG_STREAM`]: a drill's log is `flowdrill.log.<drill>`.
pub const LOG_SUBJECTS: &str = "flowdrill.log.>";

/// The key-value bucket of drills: key the drill's id, value
/// `{"id", "created", "workflow", "scenario"}`.
pub const DRILLS_BUCKET: &str = "flowdrill-drills";

/// The key-value bucket of tokens: key the token's SHA-256 (hex), value
/// `{"drill", "rights": "facilitator" | "participant"}`.
pub const TOKENS_BUCKET: &str = "flowdrill-tokens";

/// The key-value bucket of people: key `<drill>.<hash of their secret>`, value
/// `{"name", "role", "joined"?}`.
pub const PEOPLE_BUCKET: &str = "flowdrill-people";

/// The header that carries a log entry's number in its drill's log.
pub const SEQ_HEADER: &str = "Flowdrill-Seq";

/// The longest wait for the next message while reading what is already stored.
const READ_TIMEOUT: Duration = Duration::from_secs(15);

/// How many entries a [`NatsStore::follow`] feed holds for a slow reader.
const FOLLOW_BUFFER: usize = 256;

/// How often a person's record is tried again when other servers change it meanwhile.
const PERSON_ATTEMPTS: usize = 8;

/// The store on NATS JetStream: any number of servers may share one.
#[derive(Clone)]
pub struct NatsStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: async_nats::Client,
    js: jetstream::Context,
    log: stream::Stream,
    drills: kv::Store,
    tokens: kv::Store,
    people: kv::Store,
    /// Counts the connections to the NATS server: it changes when the client connected
    /// again, after which a feed's consumer may be gone with the server that held it.
    connections: watch::Receiver<u64>,
    /// Per drill, the last entry this store saw: where the next append goes. A hint only:
    /// the server checks every append.
    last: Mutex<HashMap<String, Pos>>,
}

/// An entry's place: its number in the drill's log and its stream sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    entry: u64,
    stream: u64,
}

impl Pos {
    /// Before the first entry.
    const START: Pos = Pos {
        entry: 0,
        stream: 0,
    };
}

#[derive(Serialize, Deserialize)]
struct DrillValue {
    id: String,
    created: String,
    workflow: String,
    scenario: String,
}

#[derive(Serialize, Deserialize)]
struct TokenValue {
    drill: String,
    rights: Rights,
}

#[derive(Serialize, Deserialize)]
struct PersonValue {
    name: String,
    role: Option<String>,
    /// The revision at which the person first joined; absent in the first record, whose
    /// own revision it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    joined: Option<u64>,
}

/// A NATS failure, said as the store's error.
fn nats_error(what: impl Display, e: impl Display) -> StoreError {
    StoreError::Task(format!("NATS: {what}: {e}"))
}

/// True for an id, hash or key this store accepts as a subject token and key-value key.
fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn log_subject(drill: &str) -> String {
    format!("flowdrill.log.{drill}")
}

/// The server's address without any user or password in it, for messages.
fn redacted(url: &str) -> String {
    match url.rsplit_once('@') {
        Some((before, host)) => match before.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://…@{host}"),
            None => format!("…@{host}"),
        },
        None => url.to_string(),
    }
}

/// The entry a log message is, checked to follow `prev`, and its text; None for a message
/// at or before `prev` (an ordered consumer that recreates itself before it delivered
/// anything starts again from the first message).
fn decode(drill: &str, prev: Pos, m: &Message) -> Result<Option<(Pos, String)>, StoreError> {
    let info = m.info().map_err(|e| {
        nats_error(
            format!("drill {drill}: a log message without its metadata"),
            e,
        )
    })?;
    let stream = info.stream_sequence;
    if stream <= prev.stream {
        return Ok(None);
    }
    let entry: u64 = m
        .headers
        .as_ref()
        .and_then(|h| h.get(SEQ_HEADER))
        .and_then(|v| v.as_str().parse().ok())
        .ok_or_else(|| {
            StoreError::Task(format!(
                "drill {drill}: message {stream} of stream {LOG_STREAM} has no {SEQ_HEADER} \
                 header: something other than flowdrill wrote to {}",
                log_subject(drill)
            ))
        })?;
    if entry != prev.entry + 1 {
        return Err(StoreError::Task(format!(
            "drill {drill}: message {stream} of stream {LOG_STREAM} says it is entry {entry}, \
             but it is entry {} of the log",
            prev.entry + 1
        )));
    }
    let text = String::from_utf8(m.payload.to_vec()).map_err(|e| {
        StoreError::Task(format!(
            "drill {drill}: entry {entry} is not UTF-8 text: {e}"
        ))
    })?;
    Ok(Some((Pos { entry, stream }, text)))
}

/// Gets a key-value bucket, or creates it.
async fn bucket(
    js: &jetstream::Context,
    name: &str,
    description: &str,
) -> Result<kv::Store, StoreError> {
    if let Ok(store) = js.get_key_value(name).await {
        return Ok(store);
    }
    let created = js
        .create_key_value(kv::Config {
            bucket: name.to_string(),
            description: description.to_string(),
            history: 1,
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await;
    match created {
        Ok(store) => Ok(store),
        // Another server may have created it meanwhile.
        Err(e) => js
            .get_key_value(name)
            .await
            .map_err(|_| nats_error(format!("cannot create the key-value bucket {name}"), e)),
    }
}

impl NatsStore {
    /// Connects to the NATS server at `url` (e.g. `nats://127.0.0.1:4222`) and creates, or
    /// finds, the log stream and the key-value buckets. The server must run JetStream
    /// (`nats-server -js`).
    pub async fn connect(url: &str) -> Result<NatsStore, StoreError> {
        let (connected, connections) = watch::channel(0u64);
        let client = async_nats::ConnectOptions::new()
            .name("flowdrill serve")
            .event_callback(move |event| {
                if matches!(event, async_nats::Event::Connected) {
                    connected.send_modify(|n| *n += 1);
                }
                std::future::ready(())
            })
            .connection_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|e| nats_error(format!("cannot connect to {}", redacted(url)), e))?;
        let js = jetstream::new(client.clone());
        let log = js
            .get_or_create_stream(stream::Config {
                name: LOG_STREAM.to_string(),
                description: Some("flowdrill: every drill's log".to_string()),
                subjects: vec![LOG_SUBJECTS.to_string()],
                storage: stream::StorageType::File,
                retention: stream::RetentionPolicy::Limits,
                // No limit is set, so nothing is ever discarded.
                discard: stream::DiscardPolicy::Old,
                ..Default::default()
            })
            .await
            .map_err(|e| {
                nats_error(
                    format!(
                        "cannot create or open the stream {LOG_STREAM} (does the server at {} run JetStream, nats-server -js?)",
                        redacted(url)
                    ),
                    e,
                )
            })?;
        let config = &log.cached_info().config;
        if !config.subjects.iter().any(|s| s == LOG_SUBJECTS) {
            return Err(StoreError::Task(format!(
                "NATS: the stream {LOG_STREAM} exists but does not take {LOG_SUBJECTS} (its subjects: {})",
                config.subjects.join(", ")
            )));
        }
        let drills = bucket(&js, DRILLS_BUCKET, "flowdrill: drills").await?;
        let tokens = bucket(&js, TOKENS_BUCKET, "flowdrill: hashes of drill tokens").await?;
        let people = bucket(&js, PEOPLE_BUCKET, "flowdrill: people in drills").await?;
        Ok(NatsStore {
            inner: Arc::new(Inner {
                client,
                js,
                log,
                drills,
                tokens,
                people,
                connections,
                last: Mutex::new(HashMap::new()),
            }),
        })
    }

    fn cache(&self) -> MutexGuard<'_, HashMap<String, Pos>> {
        // The cache is a hint the server checks: after a panic elsewhere it is still one.
        self.inner
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cached(&self, drill: &str) -> Option<Pos> {
        self.cache().get(drill).copied()
    }

    /// Notes that entry `pos.entry` of the drill is at `pos.stream`, if it is the latest
    /// this store knows of.
    fn remember(&self, drill: &str, pos: Pos) {
        let mut cache = self.cache();
        match cache.get_mut(drill) {
            Some(p) if p.entry >= pos.entry => {}
            Some(p) => *p = pos,
            None => {
                cache.insert(drill.to_string(), pos);
            }
        }
    }

    fn forget(&self, drill: &str) {
        self.cache().remove(drill);
    }

    /// The size the server takes in one message, checked before a large value is sent.
    fn fits(&self, what: impl Display, len: usize) -> Result<(), StoreError> {
        let max = self.inner.client.server_info().max_payload;
        if max > 0 && len > max {
            return Err(StoreError::Task(format!(
                "NATS: {what} is {len} bytes, over the NATS server's max_payload of {max} bytes \
                 (raise max_payload in the server's configuration)"
            )));
        }
        Ok(())
    }

    /// Records a new drill and the hashes of its two tokens.
    pub async fn create(
        &self,
        drill: StoredDrill,
        facilitator_hash: String,
        participant_hash: String,
    ) -> Result<(), StoreError> {
        if !valid_name(&drill.id) {
            return Err(StoreError::Task(format!(
                "NATS: {:?} is not a drill id (letters, digits, - and _)",
                drill.id
            )));
        }
        for hash in [&facilitator_hash, &participant_hash] {
            if !valid_name(hash) {
                return Err(StoreError::Task(format!(
                    "NATS: {hash:?} is not a token hash"
                )));
            }
        }
        let id = drill.id.clone();
        let value = serde_json::to_vec(&DrillValue {
            id: drill.id,
            created: drill.created,
            workflow: drill.workflow,
            scenario: drill.scenario,
        })
        .map_err(|e| StoreError::Task(format!("drill {id}: {e}")))?;
        self.fits(format!("drill {id}'s workflow and scenario"), value.len())?;
        self.inner
            .drills
            .create(&id, value.into())
            .await
            .map_err(|e| match e.kind() {
                CreateErrorKind::AlreadyExists => {
                    StoreError::Task(format!("NATS: drill {id} already exists"))
                }
                _ => nats_error(format!("cannot record drill {id}"), e),
            })?;
        for (hash, rights) in [
            (facilitator_hash, Rights::Facilitator),
            (participant_hash, Rights::Participant),
        ] {
            let value = serde_json::to_vec(&TokenValue {
                drill: id.clone(),
                rights,
            })
            .map_err(|e| StoreError::Task(format!("drill {id}: {e}")))?;
            self.inner
                .tokens
                .create(&hash, value.into())
                .await
                .map_err(|e| match e.kind() {
                    CreateErrorKind::AlreadyExists => StoreError::Task(format!(
                        "NATS: drill {id}: a token with the same hash already exists"
                    )),
                    _ => nats_error(format!("cannot record drill {id}'s tokens"), e),
                })?;
        }
        Ok(())
    }

    /// The drill and rights a token's hash opens.
    pub async fn token(&self, hash: String) -> Result<Option<(String, Rights)>, StoreError> {
        if !valid_name(&hash) {
            return Ok(None);
        }
        let Some(value) = self
            .inner
            .tokens
            .get(&hash)
            .await
            .map_err(|e| nats_error("cannot read a token", e))?
        else {
            return Ok(None);
        };
        let t: TokenValue = serde_json::from_slice(&value).map_err(|e| {
            StoreError::Task(format!(
                "NATS: a token's record in {TOKENS_BUCKET} is not what flowdrill writes: {e}"
            ))
        })?;
        Ok(Some((t.drill, t.rights)))
    }

    /// A drill's documents.
    pub async fn drill(&self, id: String) -> Result<Option<StoredDrill>, StoreError> {
        if !valid_name(&id) {
            return Ok(None);
        }
        let Some(value) = self
            .inner
            .drills
            .get(&id)
            .await
            .map_err(|e| nats_error(format!("cannot read drill {id}"), e))?
        else {
            return Ok(None);
        };
        let d: DrillValue = serde_json::from_slice(&value).map_err(|e| {
            StoreError::Task(format!(
                "NATS: drill {id}'s record in {DRILLS_BUCKET} is not what flowdrill writes: {e}"
            ))
        })?;
        Ok(Some(StoredDrill {
            id: d.id,
            created: d.created,
            workflow: d.workflow,
            scenario: d.scenario,
        }))
    }

    /// Reads the messages matching `filter` in `stream` that are there now, in order, with
    /// an ordered consumer that is removed afterwards.
    async fn read_all(
        &self,
        stream: &stream::Stream,
        filter: String,
        deliver_policy: DeliverPolicy,
        what: &str,
    ) -> Result<Vec<Message>, StoreError> {
        let consumer = stream
            .create_consumer(consumer::push::OrderedConfig {
                deliver_subject: self.inner.client.new_inbox(),
                description: Some(format!("flowdrill: reading {what}")),
                filter_subject: filter,
                deliver_policy,
                replay_policy: ReplayPolicy::Instant,
                ..Default::default()
            })
            .await
            .map_err(|e| nats_error(format!("cannot read {what}"), e))?;
        let name = consumer.cached_info().name.clone();
        let mut pending = consumer.cached_info().num_pending;
        let mut out = Vec::new();
        if pending > 0 {
            let mut messages = consumer
                .messages()
                .await
                .map_err(|e| nats_error(format!("cannot read {what}"), e))?;
            let mut errors = 0;
            while pending > 0 {
                let next = tokio::time::timeout(READ_TIMEOUT, messages.next())
                    .await
                    .map_err(|_| {
                        StoreError::Task(format!(
                            "NATS: reading {what}: no message for {} s",
                            READ_TIMEOUT.as_secs()
                        ))
                    })?;
                match next {
                    None => {
                        return Err(StoreError::Task(format!(
                            "NATS: reading {what}: the subscription ended"
                        )));
                    }
                    // The ordered consumer recreates itself after a lost message or
                    // heartbeat: a few errors in a row are not the end.
                    Some(Err(e)) => {
                        errors += 1;
                        if errors > 5 {
                            return Err(nats_error(format!("reading {what}"), e));
                        }
                    }
                    Some(Ok(m)) => {
                        errors = 0;
                        pending = m
                            .info()
                            .map_err(|e| nats_error(format!("reading {what}"), e))?
                            .pending;
                        out.push(m);
                    }
                }
            }
        }
        // The server would remove the consumer when it has been idle a while; sooner is
        // tidier, and nothing waits on it.
        let stream = stream.clone();
        tokio::spawn(async move {
            let _ = stream.delete_consumer(&name).await;
        });
        Ok(out)
    }

    /// The drill's log entries after `after`, in order: (sequence number, action JSON).
    pub async fn entries(
        &self,
        drill: String,
        after: u64,
    ) -> Result<Vec<(u64, String)>, StoreError> {
        if !valid_name(&drill) {
            return Ok(Vec::new());
        }
        // Entries are never removed, so reading can start at the last one this store knows
        // of, when the caller holds it.
        let start = match self.cached(&drill) {
            Some(p) if p.entry <= after => p,
            _ => Pos::START,
        };
        let policy = match start.stream {
            0 => DeliverPolicy::All,
            s => DeliverPolicy::ByStartSequence {
                start_sequence: s + 1,
            },
        };
        let messages = self
            .read_all(
                &self.inner.log,
                log_subject(&drill),
                policy,
                &format!("drill {drill}'s log"),
            )
            .await?;
        let mut pos = start;
        let mut out = Vec::new();
        for m in &messages {
            let Some((p, text)) = decode(&drill, pos, m)? else {
                continue;
            };
            pos = p;
            if p.entry > after {
                out.push((p.entry, text));
            }
        }
        self.remember(&drill, pos);
        Ok(out)
    }

    /// The drill's last entry in the stream, if any.
    async fn last_of(&self, drill: &str) -> Result<Option<Pos>, StoreError> {
        let subject = log_subject(drill);
        match self
            .inner
            .log
            .get_last_raw_message_by_subject(&subject)
            .await
        {
            Ok(m) => {
                let entry = m
                    .headers
                    .get(SEQ_HEADER)
                    .and_then(|v| v.as_str().parse().ok())
                    .ok_or_else(|| {
                        StoreError::Task(format!(
                            "drill {drill}: message {} of stream {LOG_STREAM} has no {SEQ_HEADER} \
                             header: something other than flowdrill wrote to {subject}",
                            m.sequence
                        ))
                    })?;
                Ok(Some(Pos {
                    entry,
                    stream: m.sequence,
                }))
            }
            Err(e) if matches!(e.kind(), LastRawMessageErrorKind::NoMessageFound) => Ok(None),
            Err(e) => Err(nats_error(
                format!("cannot read drill {drill}'s last entry"),
                e,
            )),
        }
    }

    /// Appends entry `seq` (which must be the next) to the drill's log, and returns once
    /// JetStream has stored it. If another server appended to the drill first, or `seq` is
    /// not the next entry, nothing is written and the error is [`StoreError::Conflict`]:
    /// read the entries since, then try again.
    pub async fn append(&self, drill: String, seq: u64, action: String) -> Result<(), StoreError> {
        if !valid_name(&drill) {
            return Err(StoreError::Task(format!(
                "NATS: {drill:?} is not a drill id (letters, digits, - and _)"
            )));
        }
        if seq == 0 {
            return Err(StoreError::Conflict { drill, seq });
        }
        let prev = if seq == 1 {
            0
        } else {
            match self.cached(&drill) {
                Some(p) if p.entry == seq - 1 => p.stream,
                _ => match self.last_of(&drill).await? {
                    Some(p) if p.entry == seq - 1 => {
                        self.remember(&drill, p);
                        p.stream
                    }
                    _ => {
                        self.forget(&drill);
                        return Err(StoreError::Conflict { drill, seq });
                    }
                },
            }
        };
        self.fits(format!("drill {drill}'s entry {seq}"), action.len())?;
        let mut headers = HeaderMap::new();
        headers.insert(
            async_nats::header::NATS_EXPECTED_LAST_SUBJECT_SEQUENCE,
            prev.to_string(),
        );
        headers.insert(SEQ_HEADER, seq.to_string());
        let published = match self
            .inner
            .js
            .publish_with_headers(log_subject(&drill), headers, action.into())
            .await
        {
            Ok(ack) => ack.await,
            Err(e) => Err(e),
        };
        match published {
            Ok(ack) => {
                self.remember(
                    &drill,
                    Pos {
                        entry: seq,
                        stream: ack.sequence,
                    },
                );
                Ok(())
            }
            Err(e) => {
                self.forget(&drill);
                if matches!(e.kind(), PublishErrorKind::WrongLastSequence) {
                    Err(StoreError::Conflict { drill, seq })
                } else {
                    Err(nats_error(
                        format!("cannot append entry {seq} to drill {drill}'s log"),
                        e,
                    ))
                }
            }
        }
    }

    /// A live feed of the drill's entries after `after`, in order, whichever server
    /// appended them: those already stored, then each one as it is stored. The feed stops
    /// when the receiver is dropped; it closes by itself only if the log holds something
    /// flowdrill did not write (read it with [`NatsStore::entries`] to see why). When the
    /// connection to NATS is lost, the feed waits, and goes on where it was once the client
    /// has connected again.
    pub async fn follow(
        &self,
        drill: String,
        after: u64,
    ) -> Result<mpsc::Receiver<(u64, String)>, StoreError> {
        if !valid_name(&drill) {
            return Err(StoreError::Task(format!(
                "NATS: {drill:?} is not a drill id (letters, digits, - and _)"
            )));
        }
        let start = match self.cached(&drill) {
            Some(p) if p.entry <= after => p,
            _ if after == 0 => Pos::START,
            _ => match self.last_of(&drill).await? {
                Some(p) if p.entry <= after => p,
                _ => Pos::START,
            },
        };
        let mut connections = self.inner.connections.clone();
        connections.borrow_and_update();
        let mut feed = Some(self.feed(&drill, start).await?);
        let (tx, rx) = mpsc::channel(FOLLOW_BUFFER);
        let store = self.clone();
        tokio::spawn(async move {
            let mut pos = start;
            loop {
                // (Re)open the consumer after the last entry sent, until that works.
                let (mut messages, name) = match feed.take() {
                    Some(f) => f,
                    None => match store.feed(&drill, pos).await {
                        Ok(f) => f,
                        Err(_) => {
                            tokio::select! {
                                _ = tx.closed() => return,
                                _ = tokio::time::sleep(Duration::from_millis(500)) => continue,
                            }
                        }
                    },
                };
                let end = loop {
                    let next = tokio::select! {
                        _ = tx.closed() => break true,
                        // Connected again: the consumer may have gone with the server.
                        Ok(()) = connections.changed() => break false,
                        next = messages.next() => next,
                    };
                    let m = match next {
                        None => break false,
                        Some(Ok(m)) => m,
                        // The ordered consumer recreates itself (after a lost heartbeat, or
                        // when the connection is back): wait a little and go on.
                        Some(Err(_)) => {
                            tokio::time::sleep(Duration::from_millis(250)).await;
                            continue;
                        }
                    };
                    let (p, text) = match decode(&drill, pos, &m) {
                        Ok(Some(x)) => x,
                        Ok(None) => continue,
                        Err(_) => break true,
                    };
                    pos = p;
                    store.remember(&drill, p);
                    if p.entry > after && tx.send((p.entry, text)).await.is_err() {
                        break true;
                    }
                };
                drop(messages);
                let _ = store.inner.log.delete_consumer(&name).await;
                if end {
                    return;
                }
            }
        });
        Ok(rx)
    }

    /// An ordered consumer of the drill's log after `start`, and its name.
    async fn feed(
        &self,
        drill: &str,
        start: Pos,
    ) -> Result<(consumer::push::Ordered, String), StoreError> {
        let deliver_policy = match start.stream {
            0 => DeliverPolicy::All,
            s => DeliverPolicy::ByStartSequence {
                start_sequence: s + 1,
            },
        };
        let consumer = self
            .inner
            .log
            .create_consumer(consumer::push::OrderedConfig {
                deliver_subject: self.inner.client.new_inbox(),
                description: Some(format!("flowdrill: following drill {drill}'s log")),
                filter_subject: log_subject(drill),
                deliver_policy,
                replay_policy: ReplayPolicy::Instant,
                ..Default::default()
            })
            .await
            .map_err(|e| nats_error(format!("cannot follow drill {drill}'s log"), e))?;
        let name = consumer.cached_info().name.clone();
        let messages = consumer
            .messages()
            .await
            .map_err(|e| nats_error(format!("cannot follow drill {drill}'s log"), e))?;
        Ok((messages, name))
    }

    /// Records a person who joined; one who is already recorded keeps their place in the
    /// order of joining, with the name and role given now.
    pub async fn add_person(&self, drill: String, p: StoredPerson) -> Result<(), StoreError> {
        if !valid_name(&drill) || !valid_name(&p.key) {
            return Err(StoreError::Task(format!(
                "NATS: {drill:?} and {:?} are not a drill id and a person's key",
                p.key
            )));
        }
        let key = format!("{drill}.{}", p.key);
        let people = &self.inner.people;
        let failed =
            |e: &dyn Display| nats_error(format!("cannot record a person in drill {drill}"), e);
        for _ in 0..PERSON_ATTEMPTS {
            let existing = people.entry(&key).await.map_err(|e| failed(&e))?;
            match existing {
                Some(e) if e.operation == Operation::Put => {
                    let joined = serde_json::from_slice::<PersonValue>(&e.value)
                        .ok()
                        .and_then(|v| v.joined)
                        .unwrap_or(e.revision);
                    let value = serde_json::to_vec(&PersonValue {
                        name: p.name.clone(),
                        role: p.role.clone(),
                        joined: Some(joined),
                    })
                    .map_err(|e| failed(&e))?;
                    match people.update(&key, value.into(), e.revision).await {
                        Ok(_) => return Ok(()),
                        Err(e) if e.kind() == UpdateErrorKind::WrongLastRevision => continue,
                        Err(e) => return Err(failed(&e)),
                    }
                }
                _ => {
                    let value = serde_json::to_vec(&PersonValue {
                        name: p.name.clone(),
                        role: p.role.clone(),
                        joined: None,
                    })
                    .map_err(|e| failed(&e))?;
                    match people.create(&key, value.into()).await {
                        Ok(_) => return Ok(()),
                        Err(e) if e.kind() == CreateErrorKind::AlreadyExists => continue,
                        Err(e) => return Err(failed(&e)),
                    }
                }
            }
        }
        Err(StoreError::Task(format!(
            "NATS: cannot record a person in drill {drill}: others changed their record {PERSON_ATTEMPTS} times meanwhile"
        )))
    }

    /// Everyone who joined the drill, in the order they first joined.
    pub async fn people(&self, drill: String) -> Result<Vec<StoredPerson>, StoreError> {
        if !valid_name(&drill) {
            return Ok(Vec::new());
        }
        let bucket = &self.inner.people;
        let prefix = format!("{}{drill}.", bucket.prefix);
        let messages = self
            .read_all(
                &bucket.stream,
                format!("{prefix}*"),
                DeliverPolicy::LastPerSubject,
                &format!("drill {drill}'s people"),
            )
            .await?;
        let mut people = Vec::with_capacity(messages.len());
        for m in &messages {
            let deleted = m
                .headers
                .as_ref()
                .and_then(|h| h.get("KV-Operation"))
                .is_some_and(|op| op.as_str() != "PUT");
            if deleted {
                continue;
            }
            let Some(key) = m.subject.as_str().strip_prefix(&prefix) else {
                continue;
            };
            let revision = m
                .info()
                .map_err(|e| nats_error(format!("reading drill {drill}'s people"), e))?
                .stream_sequence;
            let v: PersonValue = serde_json::from_slice(&m.payload).map_err(|e| {
                StoreError::Task(format!(
                    "NATS: a person's record in {PEOPLE_BUCKET} is not what flowdrill writes: {e}"
                ))
            })?;
            people.push((
                (v.joined.unwrap_or(revision), revision),
                StoredPerson {
                    key: key.to_string(),
                    name: v.name,
                    role: v.role,
                },
            ));
        }
        people.sort_by_key(|(order, _)| *order);
        Ok(people.into_iter().map(|(_, p)| p).collect())
    }
}
