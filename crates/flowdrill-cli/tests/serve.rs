//! `flowdrill serve` as people use it: the real binary on a free port, drills created over
//! HTTP, and several WebSocket clients acting at once.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

#[path = "common/spawn.rs"]
mod spawn;
use spawn::{spawn_nats, spawn_server, spawn_server_with};

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;
type TestResult = Result<(), Box<dyn std::error::Error>>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// A data directory of its own, removed at the end.
struct DataDir(PathBuf);

impl DataDir {
    fn new(test: &str) -> DataDir {
        let dir =
            std::env::temp_dir().join(format!("flowdrill-serve-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        DataDir(dir)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `flowdrill serve`.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(data: &Path) -> Server {
        let (child, port) = spawn_server(data).expect("start flowdrill serve");
        Server { child, port }
    }

    /// A server keeping its drills in NATS JetStream at `port`.
    fn start_nats(data: &Path, port: u16) -> Server {
        let url = format!("nats://127.0.0.1:{port}");
        let (child, port) =
            spawn_server_with(data, &["--store", &url]).expect("start flowdrill serve");
        Server { child, port }
    }

    /// Kills the server at once (SIGKILL): nothing is flushed or closed cleanly.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A plain HTTP/1.1 request; returns the status and the JSON body.
    async fn http(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, Value) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connect");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).await.expect("send request");
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.expect("read response");
        let text = String::from_utf8_lossy(&buf);
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    /// Creates a drill of the viral-video scenario; returns (drill, facilitator, participant).
    async fn create(&self) -> (String, String, String) {
        let body = json!({
            "workflow": read("examples/workflows/social-triage.json"),
            "scenario": read("examples/drills/viral-video.json"),
        });
        let (status, v) = self
            .http("POST", "/api/drills", &[], &body.to_string())
            .await;
        assert_eq!(status, 201, "{v}");
        let s = |k: &str| {
            v[k].as_str()
                .unwrap_or_else(|| panic!("no {k} in {v}"))
                .to_string()
        };
        assert_eq!(
            s("participant_link"),
            format!("/#join={}", s("participant"))
        );
        (s("drill"), s("facilitator"), s("participant"))
    }

    async fn connect(&self) -> Ws {
        let (ws, _) =
            tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{}/api/ws", self.port))
                .await
                .expect("open the WebSocket");
        ws
    }

    /// Connects and joins; returns the socket and the welcome.
    async fn join(&self, join: Value) -> (Ws, Value) {
        let mut ws = self.connect().await;
        send(&mut ws, join).await;
        let welcome = recv_type(&mut ws, &["welcome", "rejected"]).await;
        (ws, welcome)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string().into()))
        .await
        .expect("send");
}

/// The next JSON message, within five seconds.
async fn recv(ws: &mut Ws) -> Value {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a message within 5 s")
            .expect("the connection open")
            .expect("a frame");
        if let Message::Text(t) = m {
            return serde_json::from_str(&t).expect("JSON");
        }
    }
}

/// The next message of one of these types (others are skipped).
async fn recv_type(ws: &mut Ws, types: &[&str]) -> Value {
    loop {
        let v = recv(ws).await;
        if types.iter().any(|t| v["type"] == *t) {
            return v;
        }
    }
}

/// Reads until the client holds entry `last`; returns every entry seen, in order.
async fn entries_until(ws: &mut Ws, last: u64) -> Vec<Value> {
    let mut seen = Vec::new();
    while seen
        .last()
        .and_then(|e: &Value| e["seq"].as_u64())
        .unwrap_or(0)
        < last
    {
        let v = recv(ws).await;
        match v["type"].as_str() {
            Some("entries") => seen.extend(v["entries"].as_array().cloned().unwrap_or_default()),
            Some("entry") => {
                let mut e = v;
                if let Some(o) = e.as_object_mut() {
                    o.remove("type");
                }
                seen.push(e);
            }
            _ => {}
        }
    }
    seen
}

fn participant(token: &str, name: &str, role: &str) -> Value {
    json!({ "type": "join", "token": token, "name": name, "role": role, "after": 0 })
}

fn act(id: &str, action: Value) -> Value {
    json!({ "type": "act", "id": id, "action": action })
}

/// The facilitator joins and starts the clock (entry 1).
async fn start_drill(server: &Server, facilitator: &str) -> Ws {
    let (mut f, welcome) = server
        .join(json!({ "type": "join", "token": facilitator, "after": 0 }))
        .await;
    assert_eq!(welcome["rights"], "facilitator", "{welcome}");
    assert!(
        welcome["setup"]["scenario"]
            .as_str()
            .is_some_and(|s| s.contains("viral"))
    );
    send(&mut f, act("go", json!({ "do": "start", "speed": 60 }))).await;
    let ack = recv_type(&mut f, &["ack", "rejected"]).await;
    assert_eq!(ack, json!({ "type": "ack", "id": "go", "seq": 1 }));
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_sees_the_same_sequence() -> TestResult {
    let data = DataDir::new("order");
    let server = Server::start(&data.0);
    let (_, fac, part) = server.create().await;
    let mut f = start_drill(&server, &fac).await;
    const PEOPLE: usize = 4;
    const EACH: usize = 10;
    let mut tasks = Vec::new();
    for p in 0..PEOPLE {
        let (mut ws, welcome) = server
            .join(participant(&part, &format!("P{p}"), "community-manager"))
            .await;
        assert_eq!(welcome["rights"], "participant", "{welcome}");
        assert!(
            welcome.get("setup").is_none(),
            "participants never get the documents: {welcome}"
        );
        tasks.push(tokio::spawn(async move {
            for i in 0..EACH {
                let tag = format!("p{p}-{i}");
                send(
                    &mut ws,
                    act(&tag, json!({ "do": "tag", "case": "video", "tags": [tag] })),
                )
                .await;
            }
            let last = (1 + PEOPLE * EACH) as u64;
            let seen = entries_until(&mut ws, last).await;
            (ws, seen)
        }));
    }
    let last = (1 + PEOPLE * EACH) as u64;
    let reference = entries_until(&mut f, last).await;
    let seqs: Vec<u64> = reference.iter().filter_map(|e| e["seq"].as_u64()).collect();
    assert_eq!(seqs, (1..=last).collect::<Vec<_>>(), "one gapless sequence");
    for t in tasks {
        let (_ws, seen) = t.await?;
        // A participant joined after entry 1, so it may have it from the catch-up.
        let from = reference.len() - seen.len();
        assert_eq!(
            seen,
            reference[from..],
            "every client sees the same entries in the same order"
        );
    }
    // Each action is recorded under its sender's name, stamped in time order.
    let mut last_at = String::new();
    for e in &reference[1..] {
        let by = e["action"]["by"].as_str().unwrap_or_default();
        let tag = e["action"]["tags"][0].as_str().unwrap_or_default();
        assert!(tag.starts_with(&by.to_lowercase()), "{e}");
        assert_eq!(e["action"]["role"], "community-manager");
        let at = e["action"]["at"].as_str().unwrap_or_default().to_string();
        assert!(at >= last_at, "time order: {at} after {last_at}");
        last_at = at;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_forbidden_action_is_refused() -> TestResult {
    let data = DataDir::new("rights");
    let server = Server::start(&data.0);
    let (drill, fac, part) = server.create().await;
    let (other, other_fac, _) = server.create().await;
    let _f = start_drill(&server, &fac).await;
    let (mut p, _) = server
        .join(participant(&part, "Ana", "community-manager"))
        .await;
    for kind in ["start", "pause", "resume", "jump", "end"] {
        send(&mut p, act(kind, json!({ "do": kind }))).await;
        let r = recv_type(&mut p, &["ack", "rejected"]).await;
        assert_eq!(r["type"], "rejected", "{kind}: {r}");
        assert_eq!(r["error"]["code"], "forbidden", "{kind}: {r}");
        assert_eq!(r["id"], kind);
    }
    for (kind, extra) in [
        ("speed", json!({ "speed": 5 })),
        ("publish", json!({ "inject": "fan" })),
        ("skip", json!({ "inject": "fan" })),
    ] {
        let mut a = extra;
        a["do"] = kind.into();
        send(&mut p, act(kind, a)).await;
        let r = recv_type(&mut p, &["ack", "rejected"]).await;
        assert_eq!(r["error"]["code"], "forbidden", "{kind}: {r}");
    }
    // Acting as someone else, or at another time.
    for field in [
        json!({ "by": "facilitator" }),
        json!({ "role": "legal" }),
        json!({ "at": "2026-01-01T00:00:00Z" }),
    ] {
        let mut a = json!({ "do": "flag", "case": "video" });
        if let (Some(a), Some(f)) = (a.as_object_mut(), field.as_object()) {
            a.extend(f.clone());
        }
        send(&mut p, act("x", a)).await;
        let r = recv_type(&mut p, &["ack", "rejected"]).await;
        assert_eq!(r["error"]["code"], "bad-message", "{field}: {r}");
    }
    // An action the drill refuses says why, to the sender only.
    send(
        &mut p,
        act(
            "nope",
            json!({ "do": "route", "case": "no-such-post", "to": "x" }),
        ),
    )
    .await;
    let r = recv_type(&mut p, &["ack", "rejected"]).await;
    assert_eq!(r["error"]["code"], "invalid", "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no-such-post")),
        "{r}"
    );
    // Too large.
    let big = "x".repeat(70_000);
    send(
        &mut p,
        act(
            "big",
            json!({ "do": "tag", "case": "video", "tags": [big] }),
        ),
    )
    .await;
    let r = recv_type(&mut p, &["rejected"]).await;
    assert_eq!(r["error"]["code"], "too-large", "{r}");
    // A flood.
    for _ in 0..120 {
        send(&mut p, json!({ "type": "ping" })).await;
    }
    let mut flooded = false;
    for _ in 0..120 {
        let v = recv_type(&mut p, &["pong", "rejected"]).await;
        flooded |= v["error"]["code"] == "flood";
    }
    assert!(
        flooded,
        "120 messages at once are more than the burst allows"
    );
    // Joining: unknown tokens, wrong roles, no name.
    let (_, r) = server
        .join(participant(&"0".repeat(40), "Bo", "community-manager"))
        .await;
    assert_eq!(r["error"]["code"], "unknown-token", "{r}");
    let (_, r) = server.join(participant(&part, "Bo", "pilot")).await;
    assert_eq!(r["error"]["code"], "bad-join", "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("community-manager")),
        "{r}"
    );
    let (_, r) = server
        .join(json!({ "type": "join", "token": part, "role": "community-manager" }))
        .await;
    assert_eq!(r["error"]["code"], "bad-join", "{r}");
    // The log is the facilitator's, and a token opens its own drill only.
    let bearer = |t: &str| format!("Bearer {t}");
    let (status, _) = server
        .http("GET", "/api/log", &[("Authorization", &bearer(&part))], "")
        .await;
    assert_eq!(status, 403);
    let (status, v) = server
        .http(
            "GET",
            "/api/log",
            &[("Authorization", &bearer(&other_fac))],
            "",
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["drill"], other.as_str());
    assert_eq!(
        v["log"].as_array().map(Vec::len),
        Some(0),
        "the other drill has not started"
    );
    let (status, v) = server
        .http("GET", "/api/log", &[("Authorization", &bearer(&fac))], "")
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["drill"], drill.as_str());
    assert_eq!(v["log"][0]["do"], "start");
    let (status, _) = server
        .http(
            "GET",
            "/api/log",
            &[("Authorization", "Bearer nonsense")],
            "",
        )
        .await;
    assert_eq!(status, 404);
    // A page from another origin may not open a socket or create drills.
    let (status, _) = server
        .http(
            "POST",
            "/api/drills",
            &[("Origin", "http://evil.example")],
            "{}",
        )
        .await;
    assert_eq!(status, 403);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_client_comes_back_as_the_same_person_and_catches_up() -> TestResult {
    let data = DataDir::new("reconnect");
    let server = Server::start(&data.0);
    let (_, fac, part) = server.create().await;
    let mut f = start_drill(&server, &fac).await;
    let (mut ana, welcome) = server
        .join(participant(&part, "Ana", "community-manager"))
        .await;
    let secret = welcome["you"]["person"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(secret.len(), 40);
    send(
        &mut ana,
        act("a1", json!({ "do": "flag", "case": "video" })),
    )
    .await;
    assert_eq!(recv_type(&mut ana, &["ack"]).await["seq"], 2);
    drop(ana);
    // Meanwhile others act.
    let (mut ana2, w2) = server.join(participant(&part, "Ana", "legal")).await;
    assert_eq!(
        w2["you"]["name"], "Ana (2)",
        "a second Ana is told apart: {w2}"
    );
    for i in 0..3 {
        send(
            &mut ana2,
            act(
                &format!("b{i}"),
                json!({ "do": "tag", "case": "video", "tags": [format!("t{i}")] }),
            ),
        )
        .await;
        recv_type(&mut ana2, &["ack"]).await;
    }
    entries_until(&mut f, 5).await;
    // Ana comes back with her secret and the last entry she had.
    let (mut back, w) = server
        .join(json!({ "type": "join", "token": part, "person": secret, "after": 2 }))
        .await;
    assert_eq!(w["you"]["name"], "Ana");
    assert_eq!(w["you"]["role"], "community-manager");
    let people = w["people"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        people.iter().filter(|p| p["name"] == "Ana").count(),
        1,
        "{w}"
    );
    let missed = entries_until(&mut back, 5).await;
    let seqs: Vec<u64> = missed.iter().filter_map(|e| e["seq"].as_u64()).collect();
    assert_eq!(seqs, vec![3, 4, 5], "exactly what she missed");
    // Her next action is recorded by her name.
    send(
        &mut back,
        act("a2", json!({ "do": "flag", "case": "video" })),
    )
    .await;
    let e = recv_type(&mut f, &["entry"]).await;
    assert_eq!(e["seq"], 6);
    assert_eq!(e["action"]["by"], "Ana");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_and_restart_loses_nothing_acknowledged() -> TestResult {
    let data = DataDir::new("kill9");
    let server = Server::start(&data.0);
    let (_, fac, part) = server.create().await;
    let mut f = start_drill(&server, &fac).await;
    let (mut p, _) = server
        .join(participant(&part, "Ana", "community-manager"))
        .await;
    let mut acked = vec![1u64];
    for i in 0..20 {
        send(
            &mut p,
            act(
                &i.to_string(),
                json!({ "do": "tag", "case": "video", "tags": [format!("k{i}")] }),
            ),
        )
        .await;
    }
    for _ in 0..20 {
        let a = recv_type(&mut p, &["ack"]).await;
        acked.push(a["seq"].as_u64().unwrap_or(0));
    }
    let before = entries_until(&mut f, 21).await;
    server.kill();
    let server = Server::start(&data.0);
    let (mut f2, w) = server
        .join(json!({ "type": "join", "token": fac, "after": 0 }))
        .await;
    assert_eq!(w["rights"], "facilitator", "{w}");
    let after = entries_until(&mut f2, 21).await;
    assert_eq!(
        after, before,
        "every acknowledged entry, the same, in the same order"
    );
    acked.sort_unstable();
    assert_eq!(acked, (1..=21).collect::<Vec<_>>());
    // The drill goes on where it was.
    send(&mut f2, act("p", json!({ "do": "pause" }))).await;
    assert_eq!(recv_type(&mut f2, &["ack"]).await["seq"], 22);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participants_never_receive_the_answer_key() -> TestResult {
    let data = DataDir::new("answers");
    let server = Server::start(&data.0);
    let (_, fac, part) = server.create().await;
    let scenario: Value = serde_json::from_str(&read("examples/drills/viral-video.json"))?;
    let mut f = start_drill(&server, &fac).await;
    let mut p = server.connect().await;
    send(&mut p, participant(&part, "Ana", "community-manager")).await;
    // Jump to the journalist's post so that there are two posts, then act on one.
    send(&mut f, act("j", json!({ "do": "jump" }))).await;
    recv_type(&mut f, &["ack"]).await;
    let mut frames = Vec::new();
    let mut views = 0;
    while views < 3 {
        let m = tokio::time::timeout(Duration::from_secs(5), p.next())
            .await?
            .ok_or("the connection closed")??;
        if let Message::Text(t) = m {
            let v: Value = serde_json::from_str(&t)?;
            if v["type"] == "view" {
                views += 1;
                if views == 1 {
                    send(&mut p, act("c", json!({ "do": "classify", "case": "video", "attributes": { "asker": "public" } }))).await;
                }
            }
            frames.push(t.to_string());
        }
    }
    let all = frames.join("\n");
    assert!(
        all.contains("\"type\":\"view\""),
        "the participant gets views"
    );
    assert!(all.contains("#BrandFail"), "the views show the posts");
    for key in [
        "\"expect\"",
        "\"truth\"",
        "\"setup\"",
        "\"score\"",
        "\"objectives\"",
    ] {
        assert!(!all.contains(key), "a participant frame has {key}");
    }
    for o in scenario["objectives"].as_array().into_iter().flatten() {
        let text = o["text"].as_str().unwrap_or_default();
        assert!(
            !all.contains(text),
            "a participant frame has the objective {text:?}"
        );
    }
    Ok(())
}

/// Kills a child process when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_nats_serve_one_drill() -> TestResult {
    let data = DataDir::new("nats");
    std::fs::create_dir_all(&data.0)?;
    let Some((nats, nats_port)) = spawn_nats(&data.0.join("jetstream"))? else {
        return Ok(());
    };
    let _nats = Killed(nats);
    let a = Server::start_nats(&data.0.join("a"), nats_port);
    let b = Server::start_nats(&data.0.join("b"), nats_port);
    let (_, fac, part) = a.create().await;
    let mut f = start_drill(&a, &fac).await;
    // Ana joins through server A, Bo through server B (which reads the drill from NATS).
    let (mut ana, wa) = a.join(participant(&part, "Ana", "community-manager")).await;
    let (mut bo, wb) = b.join(participant(&part, "Bo", "legal")).await;
    assert_eq!(wa["rights"], "participant", "{wa}");
    assert_eq!(wb["rights"], "participant", "{wb}");
    let secret = wa["you"]["person"].as_str().unwrap_or_default().to_string();
    const EACH: usize = 15;
    for i in 0..EACH {
        send(
            &mut ana,
            act(
                &format!("a{i}"),
                json!({ "do": "tag", "case": "video", "tags": [format!("ana-{i}")] }),
            ),
        )
        .await;
        send(
            &mut bo,
            act(
                &format!("b{i}"),
                json!({ "do": "tag", "case": "video", "tags": [format!("bo-{i}")] }),
            ),
        )
        .await;
    }
    let last = (1 + 2 * EACH) as u64;
    let on_a = entries_until(&mut f, last).await;
    let on_b = entries_until(&mut bo, last).await;
    let seqs: Vec<u64> = on_a.iter().filter_map(|e| e["seq"].as_u64()).collect();
    assert_eq!(
        seqs,
        (1..=last).collect::<Vec<_>>(),
        "one gapless log across both servers"
    );
    let from = on_a.len() - on_b.len();
    assert_eq!(
        on_b,
        on_a[from..],
        "both servers send the same entries in the same order"
    );
    // Server A goes away; Ana comes back through B as herself and catches up.
    drop(ana);
    a.kill();
    let (mut back, w) = b
        .join(json!({ "type": "join", "token": part, "person": secret, "after": 0 }))
        .await;
    assert_eq!(w["you"]["name"], "Ana", "{w}");
    let replay = entries_until(&mut back, last).await;
    assert_eq!(replay, on_a);
    send(
        &mut back,
        act("again", json!({ "do": "flag", "case": "video" })),
    )
    .await;
    assert_eq!(recv_type(&mut back, &["ack"]).await["seq"], last + 1);
    Ok(())
}
