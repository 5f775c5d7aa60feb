//! One person's WebSocket: join, catch up on the log, then actions in and changes out.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket};
use chrono::{SecondsFormat, Utc};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::App;
use crate::hub::{Drill, HubError, Note, Who};
use crate::protocol::{
    ClientMsg, Entry, ErrorCode, MAX_MESSAGE, Rights, ServerMsg, WireError, You,
};

/// Frames above this close the connection (the protocol's own limit is smaller and is
/// answered with a `too-large` refusal).
pub(crate) const HARD_LIMIT: usize = 1 << 20;

/// How long a new connection has to send `join`.
const JOIN_WITHIN: Duration = Duration::from_secs(10);

/// Messages a connection may send in a burst, and per second after it.
const BURST: f64 = 40.0;
const PER_SECOND: f64 = 20.0;
/// Refusals for flooding in a row after which the connection is closed.
const FLOOD_CLOSE: u32 = 200;

/// How often a participant's view is brought up to the clock.
const VIEW_EVERY: Duration = Duration::from_secs(1);

/// Entries per `entries` message when catching up.
const CHUNK: usize = 500;

fn server_time() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn send(socket: &mut WebSocket, msg: &ServerMsg) -> bool {
    match serde_json::to_string(msg) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

async fn reject(
    socket: &mut WebSocket,
    id: Option<String>,
    code: ErrorCode,
    message: impl Into<String>,
) -> bool {
    let error = WireError {
        code,
        message: message.into(),
        roles: Vec::new(),
    };
    send(socket, &ServerMsg::Rejected { id, error }).await
}

/// A token bucket: `BURST` messages at once, `PER_SECOND` after that.
struct Bucket {
    tokens: f64,
    last: Instant,
    refused: u32,
}

impl Bucket {
    fn new() -> Bucket {
        Bucket {
            tokens: BURST,
            last: Instant::now(),
            refused: 0,
        }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let dt = now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + dt * PER_SECOND).min(BURST);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.refused = 0;
            true
        } else {
            self.refused += 1;
            false
        }
    }
}

/// Sends the participant's view when it differs from the last one sent; false when the
/// connection is gone.
async fn send_view(socket: &mut WebSocket, drill: &Drill, who: &Who, last: &mut Arc<str>) -> bool {
    let Some((v, _)) = drill.participant_view(who.role.as_deref()).await else {
        return true;
    };
    if *v == **last {
        return true;
    }
    *last = Arc::clone(&v);
    socket
        .send(Message::Text(v.to_string().into()))
        .await
        .is_ok()
}

/// Reads the first message, which must be a `join`.
async fn read_join(
    socket: &mut WebSocket,
) -> Option<(String, Option<String>, Option<String>, Option<String>, u64)> {
    let first = tokio::time::timeout(JOIN_WITHIN, socket.recv()).await;
    let text = match first {
        Ok(Some(Ok(Message::Text(t)))) => t,
        Ok(Some(Ok(_))) => {
            reject(
                socket,
                None,
                ErrorCode::BadMessage,
                "the first message is a JSON `join`",
            )
            .await;
            return None;
        }
        Err(_) => {
            reject(
                socket,
                None,
                ErrorCode::BadMessage,
                "no `join` within ten seconds",
            )
            .await;
            return None;
        }
        _ => return None,
    };
    if text.len() > MAX_MESSAGE {
        reject(
            socket,
            None,
            ErrorCode::TooLarge,
            format!("a message is at most {MAX_MESSAGE} bytes"),
        )
        .await;
        return None;
    }
    match serde_json::from_str::<ClientMsg>(&text) {
        Ok(ClientMsg::Join {
            token,
            name,
            role,
            person,
            after,
        }) => Some((token, name, role, person, after)),
        Ok(_) => {
            reject(
                socket,
                None,
                ErrorCode::BadMessage,
                "the first message is a `join`",
            )
            .await;
            None
        }
        Err(e) => {
            reject(
                socket,
                None,
                ErrorCode::BadMessage,
                format!("not a message of this protocol: {e}"),
            )
            .await;
            None
        }
    }
}

/// Sends the entries after `seq` and returns the new last sequence number and session.
async fn catch_up(app: &App, socket: &mut WebSocket, drill: &Drill, seq: u64) -> Result<u64, ()> {
    let (entries, last) = match drill.since(&app.hub, seq).await {
        Ok(x) => x,
        Err(e) => {
            reject(socket, None, e.code, e.message).await;
            return Err(());
        }
    };
    let mut it = entries.into_iter().peekable();
    while it.peek().is_some() {
        let chunk: Vec<Entry> = it.by_ref().take(CHUNK).collect();
        if !send(socket, &ServerMsg::Entries { entries: chunk }).await {
            return Err(());
        }
    }
    Ok(last.max(seq))
}

/// Serves one connection until it closes.
pub(crate) async fn connection(app: Arc<App>, mut socket: WebSocket) {
    let Some((token, name, role, person, after)) = read_join(&mut socket).await else {
        return;
    };
    let (drill, rights) = match app.hub.open(&token).await {
        Ok(x) => x,
        Err(e) => {
            reject(&mut socket, None, e.code, e.message).await;
            return;
        }
    };
    let (who, secret, mut rx) = match drill
        .join(
            &app.hub,
            rights,
            name.as_deref(),
            role.as_deref(),
            person.as_deref(),
        )
        .await
    {
        Ok(x) => x,
        Err(e) => {
            // A refused join names the roles, so that a page can offer them.
            let error = WireError {
                roles: if e.code == ErrorCode::BadJoin {
                    drill.roles.clone()
                } else {
                    Vec::new()
                },
                code: e.code,
                message: e.message,
            };
            send(&mut socket, &ServerMsg::Rejected { id: None, error }).await;
            return;
        }
    };
    let welcome = ServerMsg::Welcome {
        drill: drill.id.clone(),
        rights,
        you: You {
            name: who.name.clone(),
            role: who.role.clone(),
            person: secret.unwrap_or_default(),
        },
        people: drill.people().await,
        server_time: server_time(),
        roles: drill.roles.clone(),
        title: drill.title.clone(),
        setup: (rights == Rights::Facilitator).then(|| drill.setup.clone()),
    };
    if send(&mut socket, &welcome).await {
        serve(&app, &mut socket, &drill, &who, &mut rx, after).await;
    }
    drill.leave(&who).await;
}

async fn serve(
    app: &App,
    socket: &mut WebSocket,
    drill: &Drill,
    who: &Who,
    rx: &mut tokio::sync::broadcast::Receiver<Note>,
    after: u64,
) {
    let participant = who.rights == Rights::Participant;
    let Ok(mut seq) = catch_up(app, socket, drill, after).await else {
        return;
    };
    let mut last_view: Arc<str> = Arc::from("");
    if participant && !send_view(socket, drill, who, &mut last_view).await {
        return;
    }
    let mut bucket = Bucket::new();
    let mut tick = tokio::time::interval(VIEW_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(Message::Binary(_))) => {
                        if !reject(socket, None, ErrorCode::BadMessage, "messages are JSON text").await { return; }
                        continue;
                    }
                    Some(Ok(_)) => continue,
                };
                if !bucket.take() {
                    if bucket.refused >= FLOOD_CLOSE { return; }
                    if !reject(socket, None, ErrorCode::Flood, format!("more than {PER_SECOND} messages a second: slow down")).await { return; }
                    continue;
                }
                if text.len() > MAX_MESSAGE {
                    if !reject(socket, None, ErrorCode::TooLarge, format!("a message is at most {MAX_MESSAGE} bytes")).await { return; }
                    continue;
                }
                let ok = match serde_json::from_str::<ClientMsg>(&text) {
                    Ok(ClientMsg::Act { id, action }) => match drill.act(&app.hub, who, action).await {
                        Ok(s) => send(socket, &ServerMsg::Ack { id, seq: s }).await,
                        Err(HubError { code, message }) => reject(socket, Some(id), code, message).await,
                    },
                    Ok(ClientMsg::Ping {}) => send(socket, &ServerMsg::Pong { server_time: server_time() }).await,
                    Ok(ClientMsg::Join { .. }) => reject(socket, None, ErrorCode::BadMessage, "already joined: one drill per connection").await,
                    Err(e) => reject(socket, None, ErrorCode::BadMessage, format!("not a message of this protocol: {e}")).await,
                };
                if !ok { return; }
            }
            note = rx.recv() => {
                // Everything already queued is handled before the view is made again.
                let mut next = Some(note);
                while let Some(note) = next.take() {
                    match note {
                        // An entry the client already has (from the catch-up) is skipped.
                        Ok(Note::Entry(entry)) if entry.seq <= seq => {}
                        Ok(Note::Entry(entry)) => {
                            if entry.seq != seq + 1 {
                                // A gap: read what was missed from the log.
                                let Ok(n) = catch_up(app, socket, drill, seq).await else { return };
                                seq = n;
                            } else {
                                if !send(socket, &ServerMsg::Entry((*entry).clone())).await { return; }
                                seq = entry.seq;
                            }
                        }
                        Ok(Note::People(people)) => {
                            if !send(socket, &ServerMsg::People { people: (*people).clone() }).await { return; }
                        }
                        Err(RecvError::Lagged(_)) => {
                            let Ok(n) = catch_up(app, socket, drill, seq).await else { return };
                            seq = n;
                        }
                        Err(RecvError::Closed) => return,
                    }
                    next = match rx.try_recv() {
                        Ok(n) => Some(Ok(n)),
                        Err(TryRecvError::Lagged(k)) => Some(Err(RecvError::Lagged(k))),
                        Err(_) => None,
                    };
                }
                if participant && !send_view(socket, drill, who, &mut last_view).await {
                    return;
                }
            }
            _ = tick.tick() => {
                if participant && drill.running().await
                    && !send_view(socket, drill, who, &mut last_view).await
                {
                    return;
                }
            }
        }
    }
}
