//! Where drills and their logs are kept: an embedded SQLite database under `--data`.
//!
//! An action is acknowledged only after its row is committed with `synchronous = FULL`
//! (the write-ahead log is flushed to disk), so a server killed at any moment and started
//! again has every acknowledged action. Tokens are kept as SHA-256 hashes.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};

use crate::protocol::Rights;

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be made.
    #[error("cannot create the data directory {path}: {message}")]
    Dir {
        /// The directory.
        path: PathBuf,
        /// The system's message.
        message: String,
    },
    /// The database refused.
    #[error("drill store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Another writer appended to the drill's log first.
    #[error("drill {drill}: entry {seq} was already written by another server")]
    Conflict {
        /// The drill.
        drill: String,
        /// The sequence number both tried to write.
        seq: u64,
    },
    /// A blocking task failed.
    #[error("drill store: {0}")]
    Task(String),
}

/// A drill as stored.
#[derive(Debug, Clone)]
pub struct StoredDrill {
    /// Its id.
    pub id: String,
    /// When it was created (RFC 3339).
    pub created: String,
    /// The workflow file's text.
    pub workflow: String,
    /// The scenario file's text.
    pub scenario: String,
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPerson {
    /// The hash of their secret.
    pub key: String,
    /// Their name in the log.
    pub name: String,
    /// Their role.
    pub role: Option<String>,
}

/// The embedded store: one SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS drills (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    workflow TEXT NOT NULL,
    scenario TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,
    drill TEXT NOT NULL REFERENCES drills(id),
    rights TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    drill TEXT NOT NULL REFERENCES drills(id),
    seq INTEGER NOT NULL,
    action TEXT NOT NULL,
    PRIMARY KEY (drill, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS people (
    drill TEXT NOT NULL REFERENCES drills(id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT,
    UNIQUE (drill, key)
);
";

fn rights_name(r: Rights) -> &'static str {
    match r {
        Rights::Facilitator => "facilitator",
        Rights::Participant => "participant",
    }
}

impl SqliteStore {
    /// Opens (or creates) `drills.sqlite3` in `dir`.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Dir {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        let conn = Connection::open(dir.join("drills.sqlite3"))?;
        conn.execute_batch(SCHEMA)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection on a blocking thread.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| StoreError::Task("the store's lock was poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Records a new drill and the hashes of its two tokens.
    pub async fn create(
        &self,
        drill: StoredDrill,
        facilitator: String,
        participant: String,
    ) -> Result<(), StoreError> {
        self.with(move |c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO drills (id, created, workflow, scenario) VALUES (?1, ?2, ?3, ?4)",
                params![drill.id, drill.created, drill.workflow, drill.scenario],
            )?;
            for (hash, rights) in [
                (facilitator, Rights::Facilitator),
                (participant, Rights::Participant),
            ] {
                tx.execute(
                    "INSERT INTO tokens (hash, drill, rights) VALUES (?1, ?2, ?3)",
                    params![hash, drill.id, rights_name(rights)],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// The drill and rights a token's hash opens.
    pub async fn token(&self, hash: String) -> Result<Option<(String, Rights)>, StoreError> {
        self.with(move |c| {
            let row: Option<(String, String)> = c
                .query_row(
                    "SELECT drill, rights FROM tokens WHERE hash = ?1",
                    params![hash],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            Ok(row.map(|(d, r)| {
                let rights = if r == "facilitator" {
                    Rights::Facilitator
                } else {
                    Rights::Participant
                };
                (d, rights)
            }))
        })
        .await
    }

    /// A drill's documents.
    pub async fn drill(&self, id: String) -> Result<Option<StoredDrill>, StoreError> {
        self.with(move |c| {
            Ok(c.query_row(
                "SELECT id, created, workflow, scenario FROM drills WHERE id = ?1",
                params![id],
                |r| {
                    Ok(StoredDrill {
                        id: r.get(0)?,
                        created: r.get(1)?,
                        workflow: r.get(2)?,
                        scenario: r.get(3)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    /// The drill's log entries after `after`, in order: (sequence number, action JSON).
    pub async fn entries(
        &self,
        drill: String,
        after: u64,
    ) -> Result<Vec<(u64, String)>, StoreError> {
        self.with(move |c| {
            let mut st = c.prepare(
                "SELECT seq, action FROM entries WHERE drill = ?1 AND seq > ?2 ORDER BY seq",
            )?;
            let rows = st.query_map(params![drill, after as i64], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// Appends entry `seq` (which must be the next) to the drill's log, durably.
    pub async fn append(&self, drill: String, seq: u64, action: String) -> Result<(), StoreError> {
        self.with(move |c| {
            let tx = c.transaction()?;
            let last: i64 = tx.query_row(
                "SELECT COALESCE(MAX(seq), 0) FROM entries WHERE drill = ?1",
                params![drill],
                |r| r.get(0),
            )?;
            if last as u64 + 1 != seq {
                return Err(StoreError::Conflict { drill, seq });
            }
            tx.execute(
                "INSERT INTO entries (drill, seq, action) VALUES (?1, ?2, ?3)",
                params![drill, seq as i64, action],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Records a person who joined.
    pub async fn add_person(&self, drill: String, p: StoredPerson) -> Result<(), StoreError> {
        self.with(move |c| {
            c.execute(
                "INSERT INTO people (drill, key, name, role) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (drill, key) DO UPDATE SET name = excluded.name, role = excluded.role",
                params![drill, p.key, p.name, p.role],
            )?;
            Ok(())
        })
        .await
    }

    /// Everyone who joined the drill, in the order they first joined.
    pub async fn people(&self, drill: String) -> Result<Vec<StoredPerson>, StoreError> {
        self.with(move |c| {
            let mut st =
                c.prepare("SELECT key, name, role FROM people WHERE drill = ?1 ORDER BY rowid")?;
            let rows = st.query_map(params![drill], |r| {
                Ok(StoredPerson {
                    key: r.get(0)?,
                    name: r.get(1)?,
                    role: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}

/// The store a server keeps its drills in.
#[derive(Clone)]
pub enum Store {
    /// An SQLite file under `--data`: one server.
    Sqlite(SqliteStore),
    /// NATS JetStream: several servers share the drills.
    Nats(crate::nats::NatsStore),
}

/// Calls the same method on whichever store this is.
macro_rules! each {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Store::Sqlite($s) => $call,
            Store::Nats($s) => $call,
        }
    };
}

impl Store {
    /// Records a new drill and the hashes of its two tokens.
    pub async fn create(
        &self,
        drill: StoredDrill,
        facilitator: String,
        participant: String,
    ) -> Result<(), StoreError> {
        each!(self, s => s.create(drill, facilitator, participant).await)
    }

    /// The drill and rights a token's hash opens.
    pub async fn token(&self, hash: String) -> Result<Option<(String, Rights)>, StoreError> {
        each!(self, s => s.token(hash).await)
    }

    /// A drill's documents.
    pub async fn drill(&self, id: String) -> Result<Option<StoredDrill>, StoreError> {
        each!(self, s => s.drill(id).await)
    }

    /// The drill's log entries after `after`, in order.
    pub async fn entries(
        &self,
        drill: String,
        after: u64,
    ) -> Result<Vec<(u64, String)>, StoreError> {
        each!(self, s => s.entries(drill, after).await)
    }

    /// Appends entry `seq`, which must be the next; [`StoreError::Conflict`] when another
    /// server wrote it first.
    pub async fn append(&self, drill: String, seq: u64, action: String) -> Result<(), StoreError> {
        each!(self, s => s.append(drill, seq, action).await)
    }

    /// Records a person who joined.
    pub async fn add_person(&self, drill: String, p: StoredPerson) -> Result<(), StoreError> {
        each!(self, s => s.add_person(drill, p).await)
    }

    /// Everyone who joined the drill, in the order they first joined.
    pub async fn people(&self, drill: String) -> Result<Vec<StoredPerson>, StoreError> {
        each!(self, s => s.people(drill).await)
    }

    /// True when other servers may write to the same drills.
    pub fn shared(&self) -> bool {
        matches!(self, Store::Nats(_))
    }

    /// A live feed of the entries other servers append to the drill, after `after`; `None`
    /// for a store only this server writes.
    pub async fn follow(
        &self,
        drill: String,
        after: u64,
    ) -> Result<Option<tokio::sync::mpsc::Receiver<(u64, String)>>, StoreError> {
        match self {
            Store::Sqlite(_) => Ok(None),
            Store::Nats(s) => Ok(Some(s.follow(drill, after).await?)),
        }
    }
}
