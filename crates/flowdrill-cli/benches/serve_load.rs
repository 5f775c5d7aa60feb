//! Load on `flowdrill serve`: many drills at once, each with a facilitator and a room of
//! participants acting every two seconds. Reports delivery latency (an action sent until
//! its entry comes back to the sender, through the server's check, store and broadcast),
//! whether any acknowledged action was lost, duplicated or reordered, and the server's
//! memory.
//!
//! `cargo bench -p flowdrill-cli --bench serve_load` (release build of the real binary).
//! `FLOWDRILL_LOAD_DRILLS` (20), `FLOWDRILL_LOAD_PEOPLE` (25 participants per drill) and
//! `FLOWDRILL_LOAD_SECS` (120) change the load. Figures go to BENCHMARKS.md.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

#[path = "../tests/common/spawn.rs"]
mod spawn;
use spawn::{spawn_nats, spawn_server, spawn_server_with};

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;
type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn read(rel: &str) -> Res<String> {
    Ok(std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(rel),
    )?)
}

async fn create(port: u16, body: &str) -> Res<Value> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await?;
    let req = format!(
        "POST /api/drills HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let text = String::from_utf8_lossy(&buf);
    let json = text.split("\r\n\r\n").nth(1).ok_or("no body")?;
    Ok(serde_json::from_str(json)?)
}

async fn join(port: u16, msg: Value) -> Res<Ws> {
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}/api/ws")).await?;
    ws.send(Message::Text(msg.to_string().into())).await?;
    loop {
        let m = ws.next().await.ok_or("closed before welcome")??;
        if let Message::Text(t) = m {
            let v: Value = serde_json::from_str(&t)?;
            match v["type"].as_str() {
                Some("welcome") => return Ok(ws),
                Some("rejected") => return Err(format!("join refused: {v}").into()),
                _ => {}
            }
        }
    }
}

/// The log entries a message carries: one `entry`, or the `entries` of a catch-up (after
/// the connection fell behind the drill's broadcast).
fn entries_of(v: &Value) -> Vec<&Value> {
    match v["type"].as_str() {
        Some("entry") => vec![v],
        Some("entries") => v["entries"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A participant takes in a message: an acknowledgement, or entries (timing its own).
fn take_in(
    v: &Value,
    sent: &mut HashMap<String, Instant>,
    latencies: &mut Vec<Duration>,
    acked: &mut Vec<u64>,
) -> Res<()> {
    match v["type"].as_str() {
        Some("ack") => acked.push(v["seq"].as_u64().unwrap_or(0)),
        Some("rejected") => return Err(format!("refused: {v}").into()),
        _ => {}
    }
    for e in entries_of(v) {
        if let Some(tag) = e["action"]["tags"][0].as_str()
            && let Some(t0) = sent.remove(tag)
        {
            latencies.push(t0.elapsed());
        }
    }
    Ok(())
}

/// One participant: sends a tag every 2 s until `until`; returns the latencies of its own
/// entries and the sequence numbers its actions were acknowledged with.
async fn participant(
    port: u16,
    token: String,
    name: String,
    until: Instant,
) -> Res<(Vec<Duration>, Vec<u64>)> {
    let mut ws = join(
        port,
        json!({ "type": "join", "token": token, "name": name, "role": "community-manager" }),
    )
    .await?;
    let mut sent: HashMap<String, Instant> = HashMap::new();
    let mut latencies = Vec::new();
    let mut acked = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    let mut n = 0u64;
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if Instant::now() >= until {
                    break;
                }
                let id = format!("{name}-{n}");
                n += 1;
                sent.insert(id.clone(), Instant::now());
                let msg = json!({ "type": "act", "id": id, "action": { "do": "tag", "case": "video", "tags": [id] } });
                ws.send(Message::Text(msg.to_string().into())).await?;
            }
            m = ws.next() => {
                let Some(m) = m else { return Err("connection closed".into()) };
                if let Message::Text(t) = m? {
                    take_in(&serde_json::from_str(&t)?, &mut sent, &mut latencies, &mut acked)?;
                }
            }
        }
    }
    // Wait for the last entries to come back.
    let grace = Instant::now() + Duration::from_secs(10);
    while !sent.is_empty() && Instant::now() < grace {
        let Ok(Some(m)) = tokio::time::timeout(Duration::from_secs(1), ws.next()).await else {
            continue;
        };
        if let Message::Text(t) = m? {
            take_in(
                &serde_json::from_str(&t)?,
                &mut sent,
                &mut latencies,
                &mut acked,
            )?;
        }
    }
    if !sent.is_empty() {
        return Err(format!("{name}: {} actions never came back", sent.len()).into());
    }
    Ok((latencies, acked))
}

/// The facilitator: starts the drill, then records every entry until `until` plus a grace.
async fn facilitator(port: u16, token: String, until: Instant) -> Res<Vec<(u64, String)>> {
    let mut ws = join(port, json!({ "type": "join", "token": token })).await?;
    let msg = json!({ "type": "act", "id": "go", "action": { "do": "start" } });
    ws.send(Message::Text(msg.to_string().into())).await?;
    let mut entries = Vec::new();
    let end = until + Duration::from_secs(11);
    while Instant::now() < end {
        let Ok(Some(m)) = tokio::time::timeout(Duration::from_millis(500), ws.next()).await else {
            continue;
        };
        if let Message::Text(t) = m? {
            let v: Value = serde_json::from_str(&t)?;
            for e in entries_of(&v) {
                let tag = e["action"]["tags"][0]
                    .as_str()
                    .unwrap_or("start")
                    .to_string();
                entries.push((e["seq"].as_u64().unwrap_or(0), tag));
            }
        }
    }
    Ok(entries)
}

fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Res<()> {
    let drills = env_num("FLOWDRILL_LOAD_DRILLS", 20);
    let people = env_num("FLOWDRILL_LOAD_PEOPLE", 25);
    let secs = env_num("FLOWDRILL_LOAD_SECS", 120);
    let data = std::env::temp_dir().join(format!("flowdrill-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    // FLOWDRILL_LOAD_STORE=nats: two servers on one NATS JetStream, participants split
    // between them (the facilitator on the first); else one server on its SQLite file.
    let nats = std::env::var("FLOWDRILL_LOAD_STORE").is_ok_and(|v| v == "nats");
    let mut nats_server = None;
    let mut servers = Vec::new();
    if nats {
        std::fs::create_dir_all(&data)?;
        let (child, nats_port) =
            spawn_nats(&data.join("jetstream"))?.ok_or("nats-server is not installed")?;
        nats_server = Some(child);
        let url = format!("nats://127.0.0.1:{nats_port}");
        for name in ["a", "b"] {
            servers.push(spawn_server_with(&data.join(name), &["--store", &url])?);
        }
    } else {
        servers.push(spawn_server(&data)?);
    }
    let pids: Vec<u32> = servers.iter().map(|(c, _)| c.id()).collect();
    let ports: Vec<u16> = servers.iter().map(|(_, p)| *p).collect();
    let port = ports[0];
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(async move {
        let body = json!({
            "workflow": read("examples/workflows/social-triage.json")?,
            "scenario": read("examples/drills/viral-video.json")?,
        })
        .to_string();
        let until = Instant::now() + Duration::from_secs(secs + 3);
        let mut facs = Vec::new();
        let mut parts = Vec::new();
        for d in 0..drills {
            let created = create(port, &body).await?;
            let fac = created["facilitator"].as_str().ok_or("no token")?.to_string();
            let part = created["participant"].as_str().ok_or("no token")?.to_string();
            facs.push(tokio::spawn(facilitator(port, fac, until)));
            tokio::time::sleep(Duration::from_millis(50)).await;
            let mut room = Vec::new();
            for p in 0..people {
                let at = ports[p as usize % ports.len()];
                room.push(tokio::spawn(participant(at, part.clone(), format!("d{d}p{p}"), until)));
            }
            parts.push(room);
        }
        println!("{drills} drills × (1 facilitator + {people} participants), an action every 2 s each, for {secs} s");
        let mut latencies = Vec::new();
        let mut problems = Vec::new();
        let mut actions = 0usize;
        for (d, (fac, room)) in facs.into_iter().zip(parts).enumerate() {
            let entries = fac.await??;
            let seqs: Vec<u64> = entries.iter().map(|e| e.0).collect();
            if seqs != (1..=seqs.len() as u64).collect::<Vec<_>>() {
                problems.push(format!("drill {d}: entries not gapless and in order"));
            }
            let mut acked_all = Vec::new();
            for p in room {
                let (l, acked) = p.await??;
                latencies.extend(l);
                acked_all.extend(acked);
            }
            actions += acked_all.len();
            acked_all.sort_unstable();
            let before = acked_all.len();
            acked_all.dedup();
            if acked_all.len() != before {
                problems.push(format!("drill {d}: an acknowledgement repeated"));
            }
            for s in &acked_all {
                if !seqs.contains(s) {
                    problems.push(format!("drill {d}: acknowledged entry {s} never reached the facilitator"));
                }
            }
            let tags: std::collections::HashSet<&str> = entries.iter().map(|e| e.1.as_str()).collect();
            if tags.len() != entries.len() {
                problems.push(format!("drill {d}: an entry appears twice"));
            }
        }
        Res::Ok((latencies, problems, actions))
    });
    let memory: Vec<(u64, u64)> = pids
        .iter()
        .map(|pid| (rss_kib(*pid, "VmRSS:"), rss_kib(*pid, "VmHWM:")))
        .collect();
    for (mut child, _) in servers {
        let _ = child.kill();
        let _ = child.wait();
    }
    if let Some(mut child) = nats_server {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = std::fs::remove_dir_all(&data);
    let (mut latencies, problems, actions) = result?;
    latencies.sort_unstable();
    let q = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "actions acknowledged: {actions}; delivered back to their senders: {}",
        latencies.len()
    );
    println!(
        "delivery latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        q(0.5),
        q(0.99),
        q(1.0)
    );
    for (k, (rss, hwm)) in memory.iter().enumerate() {
        println!(
            "server {} memory: {:.1} MiB now, {:.1} MiB at most",
            k + 1,
            *rss as f64 / 1024.0,
            *hwm as f64 / 1024.0
        );
    }
    println!(
        "store: {}",
        if nats {
            "NATS JetStream, two servers"
        } else {
            "SQLite, one server"
        }
    );
    if problems.is_empty() {
        println!("lost, duplicated or reordered: none");
        Ok(())
    } else {
        for p in &problems {
            println!("PROBLEM: {p}");
        }
        Err(format!("{} problems", problems.len()).into())
    }
}
