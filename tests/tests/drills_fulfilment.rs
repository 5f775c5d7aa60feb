//! The silent-customer fire drill on the Social Media Management fulfilment workflow: a
//! customer with existing social profiles never answers the request for page access, so
//! the specialist follows up by email every 24 hours, three times, calls three times, and
//! then fires the escalation chain (flag, comments, Supervisor, consultant, managers).
//! Recorded good and bad plays are replayed to exact after-action reports.

use chrono::TimeDelta;
use flowdrill_core::Workflow;
use flowdrill_core::drill::scenario::ActionKind;
use flowdrill_core::drill::score::{Check, Outcome, Rating};
use flowdrill_core::drill::session::{Action, Case};
use flowdrill_core::drill::{AfterAction, DrillScenario, Session};
use flowdrill_tests::{drill, drill_log, expect_file};

const DRILL: &str = "silent-customer";

/// The escalation chain's notify steps and the roles each tells, in workflow order.
const CHAIN: &[(&str, &[&str])] = &[
    ("email-supervisor", &["dfs-supervisor"]),
    ("notify-consultant", &["sales-consultant"]),
    (
        "alert-managers",
        &[
            "digital-provisioning-manager",
            "sales-manager",
            "digital-sales-manager",
        ],
    ),
];

/// The scenario and the workflow it names.
fn scenario() -> (Workflow, DrillScenario) {
    drill(DRILL)
}

fn log(play: &str) -> Vec<Action> {
    drill_log(&format!("{DRILL}.{play}"))
}

fn replay(play: &str) -> Session {
    let (w, s) = scenario();
    Session::replay(w, s, &log(play)).unwrap_or_else(|e| panic!("{DRILL}.{play}: {e}"))
}

fn case<'s>(s: &'s Session, id: &str) -> &'s Case {
    s.cases()
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no post \"{id}\""))
}

/// The check of `kind` on `post` whose text is `text`.
fn check<'r>(r: &'r AfterAction, post: &str, kind: &str, text: &str) -> &'r Check {
    r.score
        .checks
        .iter()
        .find(|c| c.case == post && c.kind == kind && c.text == text)
        .unwrap_or_else(|| {
            let mine: Vec<&str> = r
                .score
                .checks
                .iter()
                .filter(|c| c.case == post && c.kind == kind)
                .map(|c| c.text.as_str())
                .collect();
            panic!("no {kind} check \"{text}\" on {post}; its {kind} checks: {mine:?}")
        })
}

/// The nodes a case visited, in order.
fn visited(c: &Case) -> Vec<&str> {
    c.visits.iter().map(|v| v.node.as_str()).collect()
}

#[test]
fn the_scenario_drills_a_silent_customer_with_existing_profiles() {
    let (w, s) = scenario();
    let contract = s
        .injects
        .iter()
        .find(|i| i.id == "contract")
        .unwrap_or_else(|| panic!("no contract inject"));
    let truth = |k: &str| contract.truth.get(k).and_then(|v| v.as_str());
    assert_eq!(truth("profiles"), Some("existing"));
    assert_eq!(truth("customer_reply"), Some("unresponsive"));
    assert_eq!(truth("consultant_result"), Some("on-hold"));
    // Every attribute of the workflow is set, so the answer key is a single route.
    for (name, _) in w.attributes.iter() {
        assert!(truth(name).is_some(), "the contract's truth lacks {name}");
    }
    // The escalation chain's notifications are all expected, each with a deadline.
    for (_, roles) in CHAIN {
        for role in *roles {
            assert!(
                contract
                    .expect
                    .iter()
                    .any(|e| e.action == ActionKind::Notify && e.to.as_deref() == Some(*role)),
                "no expected notify {role}"
            );
        }
    }
    // The drill starts on a Monday at 09:00 in the office calendar's zone.
    assert_eq!(s.starts_at, "2026-04-13T09:00:00-04:00");
    Session::new(w, s).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn good_play_follows_up_on_schedule_and_fires_the_escalation_chain() {
    let s = replay("good");
    let r = AfterAction::of(&s);
    assert_eq!(r.overall, Some(Rating::P));
    for o in &r.score.objectives {
        assert_eq!(o.rating, Some(Rating::P), "objective {}", o.id);
    }
    assert!(r.improvements.is_empty(), "{:?}", r.improvements);

    let contract = case(&s, "contract");
    assert_eq!(contract.outcome.as_deref(), Some("on-hold"));
    let nodes = visited(contract);
    let count = |n: &str| nodes.iter().filter(|x| **x == n).count();
    assert_eq!(count("follow-up-email"), 3, "three emails: {nodes:?}");
    assert_eq!(count("call-customer"), 3, "then three calls: {nodes:?}");
    assert_eq!(count("wait-24h"), 3);
    // Every email went out exactly 24 hours after the request or the previous email.
    for (k, v) in contract.visits.iter().enumerate() {
        if v.node == "follow-up-email" {
            let wait = &contract.visits[k - 1];
            assert_eq!(wait.node, "wait-24h");
            assert_eq!(v.enter - wait.enter, TimeDelta::hours(24));
        }
    }
    // The chain ran in the workflow's order, after the third call.
    let chain_start = nodes
        .iter()
        .position(|n| *n == "flag-account")
        .unwrap_or_else(|| panic!("never flagged: {nodes:?}"));
    assert_eq!(
        &nodes[chain_start..],
        &[
            "flag-account",
            "enter-comments",
            "email-supervisor",
            "notify-consultant",
            "alert-managers",
            "consultant-reaches-customer",
            "escalation-result",
            "on-hold",
        ]
    );
    assert!(contract.flagged, "the account is flagged");
    // Each notify step was passed by the role the seed gives it: the specialist emails
    // the Supervisor, the Supervisor tells the consultant, the consultant the managers.
    let tellers = [
        ("dfs-supervisor", "alex", "dfs"),
        ("sales-consultant", "sam", "dfs-supervisor"),
        ("digital-provisioning-manager", "kim", "sales-consultant"),
        ("sales-manager", "kim", "sales-consultant"),
        ("digital-sales-manager", "kim", "sales-consultant"),
    ];
    for (role, by, as_role) in tellers {
        let c = r
            .score
            .checks
            .iter()
            .find(|c| {
                c.case == "contract"
                    && c.kind == "notify"
                    && c.text.starts_with(&format!("{role} told after"))
            })
            .unwrap_or_else(|| panic!("no notify check for {role}"));
        assert_eq!(c.outcome, Outcome::Passed, "{}", c.text);
        assert_eq!(c.by.as_deref(), Some(by), "{role}");
        assert_eq!(c.role.as_deref(), Some(as_role), "{role}");
    }
    for (step, _) in CHAIN {
        let v = contract
            .visits
            .iter()
            .find(|v| v.node == *step)
            .unwrap_or_else(|| panic!("{step} not visited"));
        assert!(
            v.leave.is_some() && v.by.is_some(),
            "{step} passed by someone"
        );
    }
    let score = r
        .score
        .cases
        .iter()
        .find(|c| c.id == "contract")
        .unwrap_or_else(|| panic!("no contract score"));
    assert_eq!(score.right_outcome.as_deref(), Some("on-hold"));

    // The other customers were answered within the hour and their changes made in time.
    for id in ["content-change", "voicemail"] {
        let c = case(&s, id);
        assert_eq!(c.outcome.as_deref(), Some("answered"), "{id}");
        assert!(visited(c).contains(&"make-change"), "{id}");
        assert_eq!(
            check(&r, id, "sla", "customer-response (1h): met").outcome,
            Outcome::Passed
        );
        assert_eq!(
            check(&r, id, "sla", "content-change-turnaround (8h): met").outcome,
            Outcome::Passed
        );
    }
    // The voicemail came in at 18:40: the one-hour clock waited for the office to open,
    // so a call returned at 09:20 the next morning is in time.
    let voicemail = case(&s, "voicemail");
    let respond = voicemail
        .acts
        .iter()
        .find(|a| a.kind == ActionKind::Respond)
        .unwrap_or_else(|| panic!("voicemail never answered"));
    assert_eq!(
        respond.at - voicemail.published,
        TimeDelta::minutes(14 * 60 + 40)
    );
    assert_eq!(s.staff_lost().get("dfs"), Some(&1));
    expect_file("silent-customer.good.md", &r.to_markdown());
}

#[test]
fn bad_play_stops_after_one_email_and_never_tells_the_supervisor_or_managers() {
    let s = replay("bad");
    let r = AfterAction::of(&s);
    assert_eq!(r.overall, Some(Rating::U));
    let access = r
        .score
        .objectives
        .iter()
        .find(|o| o.id == "access")
        .unwrap_or_else(|| panic!("no access objective"));
    assert_eq!(access.rating, Some(Rating::U));

    let failed = |post: &str, kind: &str, text: &str| {
        assert_eq!(
            check(&r, post, kind, text).outcome,
            Outcome::Failed,
            "{post} {kind}: {text}"
        );
    };
    // One email, one call, and the flag: the follow-up schedule was cut short.
    failed(
        "contract",
        "decision",
        "email-answered: routed to call-customer; the workflow says wait-24h",
    );
    failed(
        "contract",
        "decision",
        "call-answered: routed to flag-account; the workflow says call-customer",
    );
    failed(
        "contract",
        "expected",
        "route wait-24h within 1d4h: not done",
    );
    // Nobody emailed the Supervisor, so nobody down the chain heard of it.
    for (_, roles) in CHAIN {
        for role in *roles {
            failed("contract", "notify", &format!("{role} never told"));
        }
    }
    failed(
        "contract",
        "expected",
        "notify dfs-supervisor within 3d8h: not done",
    );
    // The drill ended before the consultant's deadline: not due, not failed.
    assert_eq!(
        check(
            &r,
            "contract",
            "expected",
            "route on-hold within 4d8h: not done, and not due when the drill ended",
        )
        .outcome,
        Outcome::NotDue
    );
    let contract = case(&s, "contract");
    assert_eq!(contract.outcome, None);
    assert_eq!(contract.at, vec!["email-supervisor".to_string()]);
    assert!(
        !contract.acts.iter().any(|a| a.kind == ActionKind::Notify),
        "no one was told"
    );

    // The customers who did write waited past the hour.
    for id in ["content-change", "voicemail"] {
        assert_eq!(
            check(&r, id, "sla", "customer-response (1h): breached").outcome,
            Outcome::Late
        );
    }
    failed(
        "content-change",
        "decision",
        "contact-reason: routed to answered; the workflow says make-change",
    );
    failed(
        "voicemail",
        "sla",
        "content-change-turnaround (8h): breached and still open at the end",
    );
    assert!(
        s.events()
            .iter()
            .any(|e| e.kind == "breach" && e.case.as_deref() == Some("voicemail"))
    );
    expect_file("silent-customer.bad.md", &r.to_markdown());
}

#[test]
fn the_follow_up_loop_allows_three_emails_then_three_calls() {
    // Replay the good play up to the third email, then try a fourth.
    let actions = log("good");
    let third = actions
        .iter()
        .position(|a| a.text.as_deref().is_some_and(|t| t.starts_with("Email 3")))
        .unwrap_or_else(|| panic!("no third email"));
    let (w, sc) = scenario();
    let mut s = Session::replay(w, sc, &actions[..third]).unwrap_or_else(|e| panic!("{e}"));
    let mut fourth = actions[third].clone();
    fourth.to = Some("wait-24h".into());
    let e = s
        .apply(fourth)
        .map_err(|e| e.to_string())
        .err()
        .unwrap_or_default();
    assert!(
        e.contains("decision \"email-answered\": unknown branch \"wait-24h\"")
            && e.contains("setup-done")
            && e.contains("call-customer"),
        "{e}"
    );

    // Likewise a fourth call: after three, the only ways on are access or escalation.
    let flag = actions
        .iter()
        .position(|a| a.to.as_deref() == Some("flag-account"))
        .unwrap_or_else(|| panic!("no escalation"));
    let (w, sc) = scenario();
    let mut s = Session::replay(w, sc, &actions[..flag]).unwrap_or_else(|e| panic!("{e}"));
    let mut fourth = actions[flag].clone();
    fourth.to = Some("call-customer".into());
    let e = s
        .apply(fourth)
        .map_err(|e| e.to_string())
        .err()
        .unwrap_or_default();
    assert!(
        e.contains("decision \"call-answered\": unknown branch \"call-customer\"")
            && e.contains("flag-account"),
        "{e}"
    );
}
