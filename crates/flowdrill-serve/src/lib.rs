//! `flowdrill serve`: team fire drills across computers.
//!
//! One process serves the built web app and hosts drills. A facilitator creates a drill
//! (`POST /api/drills` with the workflow and scenario files) and gets two links, each
//! with an unguessable token: one for the facilitator, one for participants. Everyone's
//! browser holds one WebSocket to `/api/ws` (see [`protocol`]); the server applies each
//! action to the core's drill session — the same code the browser runs — stores it
//! durably ([`store`]), and only then acknowledges and broadcasts it ([`hub`]).
//!
//! Security model: a token is 160 random bits and is kept only as a hash; a link's token
//! sits in the URL fragment, which browsers do not send; the participants' token cannot
//! send facilitator actions, act under another name or open another drill; messages over
//! [`protocol::MAX_MESSAGE`] and floods are refused per connection; browser origins other
//! than the server's own (or `--allow-origin`) are refused; only files under the web
//! root are served; nothing is logged per request, so no token is ever written to a log.

pub mod hub;
pub mod nats;
pub mod protocol;
pub mod store;
pub mod token;
mod ws;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, extract::WebSocketUpgrade};
use serde_json::json;

use crate::hub::{Hub, HubError};
use crate::protocol::{CreateDrill, Created, ErrorCode, Rights, join_link};
use crate::store::{SqliteStore, Store, StoreError};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Where the drill store lives (the SQLite store).
    pub data: PathBuf,
    /// `nats://host:4222` to keep drills in NATS JetStream, shared by several servers;
    /// `None` for the SQLite file under `data`.
    pub nats: Option<String>,
    /// The built web app (`www/dist`), if it is served.
    pub www: Option<PathBuf>,
    /// Browser origins allowed besides the server's own (e.g. an intranet page embedding
    /// the widget): `https://intranet.example.com`.
    pub allowed_origins: Vec<String>,
}

/// The server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {message}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The system's message.
        message: String,
    },
    /// The web root is missing.
    #[error(
        "the web app is not at {0}: build it first (cd www && npm ci && npm run build), or pass --www DIR"
    )]
    NoWww(PathBuf),
    /// Serving failed.
    #[error("serving: {0}")]
    Io(#[from] std::io::Error),
}

/// What every request handler shares.
pub(crate) struct App {
    pub(crate) hub: Hub,
    allowed_origins: Vec<String>,
}

/// A bound server: its address, and the future that serves until `shutdown` resolves.
pub struct Bound {
    /// The address it listens on (with the port the system chose for port 0).
    pub addr: SocketAddr,
    listener: tokio::net::TcpListener,
    router: Router,
}

impl Bound {
    /// Serves until `shutdown` resolves.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await?;
        Ok(())
    }
}

/// Opens the store and binds the address.
pub async fn bind(config: Config) -> Result<Bound, ServeError> {
    if let Some(www) = &config.www
        && !www.join("index.html").is_file()
    {
        return Err(ServeError::NoWww(www.clone()));
    }
    let store = match &config.nats {
        Some(url) => Store::Nats(crate::nats::NatsStore::connect(url).await?),
        None => Store::Sqlite(SqliteStore::open(&config.data)?),
    };
    let app = Arc::new(App {
        hub: Hub::new(store),
        allowed_origins: config.allowed_origins.clone(),
    });
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| ServeError::Bind {
            addr: config.addr,
            message: e.to_string(),
        })?;
    let addr = listener.local_addr()?;
    Ok(Bound {
        addr,
        listener,
        router: router(app, config.www),
    })
}

fn router(app: Arc<App>, www: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/api/health", get(health))
        .route(
            "/api/drills",
            post(create).layer(DefaultBodyLimit::max(4 << 20)),
        )
        .route("/api/log", get(log))
        .route("/api/ws", get(upgrade))
        .with_state(app);
    match www {
        Some(root) => api.fallback_service(
            tower_http::services::ServeDir::new(root).append_index_html_on_directories(true),
        ),
        None => api.fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "flowdrill serve: this server hosts drills only (no --www)",
            )
        }),
    }
}

/// An error as JSON: `{"error": {"code", "message"}}`.
fn error(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Response {
    let body = json!({ "error": { "code": code, "message": message.into() } });
    (status, Json(body)).into_response()
}

fn hub_error(e: HubError) -> Response {
    let status = match e.code {
        ErrorCode::UnknownToken => StatusCode::NOT_FOUND,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::Store => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    error(status, e.code, e.message)
}

/// True when the request comes from no browser page, from the server's own origin, or
/// from an allowed one.
fn origin_ok(app: &App, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if app.allowed_origins.iter().any(|a| a == origin) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let bare = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    matches!((bare, host), (Some(b), Some(h)) if b.eq_ignore_ascii_case(h))
}

fn forbidden_origin() -> Response {
    error(
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
        "this page's origin may not use this server (start it with --allow-origin ORIGIN to allow it)",
    )
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "flowdrill": "serve", "version": env!("CARGO_PKG_VERSION") }))
}

async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if !origin_ok(&app, &headers) {
        return forbidden_origin();
    }
    let req: CreateDrill = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadMessage,
                format!(
                    "expected {{\"workflow\": \"<workflow file text>\", \"scenario\": \"<scenario file text>\"}}: {e}"
                ),
            );
        }
    };
    match app.hub.create(req.workflow, req.scenario).await {
        Ok((drill, facilitator, participant)) => (
            StatusCode::CREATED,
            Json(Created {
                facilitator_link: join_link(&facilitator),
                participant_link: join_link(&participant),
                drill,
                facilitator,
                participant,
            }),
        )
            .into_response(),
        Err(e) => hub_error(e),
    }
}

/// `GET /api/log` with `Authorization: Bearer <facilitator token>`: the token's drill, its
/// documents and its whole log, as `flowdrill drill report` reads them.
async fn log(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or_default();
    let (drill, rights) = match app.hub.open(token).await {
        Ok(x) => x,
        Err(e) => return hub_error(e),
    };
    if rights != Rights::Facilitator {
        return error(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "the log is the facilitator's: send the facilitator's token",
        );
    }
    let entries = match app.hub.store().entries(drill.id.clone(), 0).await {
        Ok(e) => e,
        Err(e) => return hub_error(e.into()),
    };
    let mut log = Vec::with_capacity(entries.len());
    for (seq, text) in entries {
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => log.push(v),
            Err(e) => {
                return hub_error(HubError::from(StoreError::Task(format!(
                    "entry {seq}: {e}"
                ))));
            }
        }
    }
    Json(json!({
        "drill": drill.id,
        "workflow": drill.setup.workflow,
        "scenario": drill.setup.scenario,
        "log": log,
    }))
    .into_response()
}

async fn upgrade(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_ok(&app, &headers) {
        return forbidden_origin();
    }
    ws.max_message_size(ws::HARD_LIMIT)
        .max_frame_size(ws::HARD_LIMIT)
        .on_upgrade(move |socket| ws::connection(app, socket))
}
