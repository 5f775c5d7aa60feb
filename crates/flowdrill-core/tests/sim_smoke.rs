use flowdrill_core::Workflow;
use flowdrill_core::sim::{SimConfig, simulate};
#[test]
fn smoke() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/benchmarks/triage-1.json")).unwrap();
    let w = Workflow::from_json(&text).unwrap();
    let cfg = SimConfig { horizon: flowdrill_core::Duration::from_hours(24), replications: 2, ..Default::default() };
    let r = simulate(&w, &cfg, &mut |_| true).unwrap();
    println!("{}", serde_json::to_string_pretty(&r.summary).unwrap());
    let r0 = &r.replications[0];
    println!("arrived {} finished {} open {} events {}", r0.arrived, r0.finished, r0.open, r0.events);
    for role in &r0.roles { println!("{} util {:.3} wait {:?} qmean {:.2} qmax {}", role.role, role.utilisation, role.wait, role.queue_mean, role.queue_max); }
    for s in &r0.slas { println!("{} met {} breached {} pending {} att {:.4} {:?}", s.rule, s.met, s.breached, s.pending, s.attainment, s.time_to_stop); }
    println!("{:?}", r0.outcomes);
}
