//! The example library, tested the way a team tests its own workflow file: every example
//! reads, checks clean, every route ends, and the routes say what the source process says.

use flowdrill_core::analysis::route::Route;
use flowdrill_core::model::NodeKind;
use flowdrill_core::{Workflow, check, route_table};
use flowdrill_tests::{
    EXAMPLES, case, describe_routes, example_path, example_text, load, route_of, routes,
};

// ---- every example ----------------------------------------------------------------------

#[test]
fn the_library_has_one_file_per_example() {
    let dir = example_path("x").parent().unwrap().to_path_buf();
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "json")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    found.sort();
    let mut expected: Vec<String> = EXAMPLES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn every_example_parses_and_its_id_is_its_file_name() {
    for name in EXAMPLES {
        let w = load(name);
        assert_eq!(w.id, *name);
        assert!(w.name.is_some(), "{name}: no name");
        assert!(w.description.is_some(), "{name}: no description");
        let n = w.node_count();
        assert!((12..=45).contains(&n), "{name}: {n} nodes");
    }
}

#[test]
fn every_example_checks_clean() {
    for name in EXAMPLES {
        let report = check(&example_text(name));
        let listing: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(report.is_clean(), "{name}.json:\n{}", listing.join("\n"));
    }
}

#[test]
fn every_route_of_every_example_ends() {
    for name in EXAMPLES {
        let w = load(name);
        let table = routes(&w);
        assert!(!table.rows.is_empty(), "{name}: no routes");
        for row in &table.rows {
            assert!(
                row.route.outcome.is_some() && row.route.stuck_at.is_none(),
                "{name}: a route does not end:\n{}",
                describe_routes(&table)
            );
            assert!(row.cases > 0, "{name}: a route with no cases");
        }
    }
}

#[test]
fn the_routes_from_each_start_cover_every_case_once() {
    for name in EXAMPLES {
        let w = load(name);
        let table = routes(&w);
        let starts: Vec<&str> = w
            .nodes()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Start { .. }))
            .map(|(_, n)| n.id.as_str())
            .collect();
        for start in &starts {
            let sum: u128 = table
                .rows
                .iter()
                .filter(|r| r.route.start == *start)
                .map(|r| r.cases)
                .sum();
            assert_eq!(
                sum,
                table.total_cases,
                "{name}: routes from {start}:\n{}",
                describe_routes(&table)
            );
        }
        let all: u128 = table.rows.iter().map(|r| r.cases).sum();
        assert_eq!(all, table.total_cases * starts.len() as u128, "{name}");
    }
}

#[test]
fn each_row_example_takes_its_own_route() {
    for name in EXAMPLES {
        let w = load(name);
        for row in routes(&w).rows {
            let r = flowdrill_core::analysis::route::route_from(
                &w,
                Some(&row.route.start),
                &row.example,
            )
            .unwrap();
            assert_eq!(r, row.route, "{name}: example {:?}", row.example);
        }
    }
}

#[test]
fn every_node_is_on_some_route() {
    for name in EXAMPLES {
        let w = load(name);
        let table = routes(&w);
        for (_, node) in w.nodes() {
            assert!(
                table.rows.iter().any(|r| r.route.passes(&node.id)),
                "{name}: no route passes {}",
                node.id
            );
        }
    }
}

#[test]
fn every_role_works_or_is_told_or_is_escalated_to() {
    for name in EXAMPLES {
        let w = load(name);
        let table = routes(&w);
        for (id, _) in w.roles.iter() {
            let on_route = table.rows.iter().any(|r| {
                r.route.roles().contains(&id.as_str()) || r.route.notified().contains(&id.as_str())
            });
            let escalated_to = w
                .roles
                .values()
                .any(|r| r.escalates_to.as_deref() == Some(id));
            let in_ladder = w
                .slas
                .iter()
                .flat_map(|s| &s.escalation)
                .any(|m| m.notify.contains(id));
            assert!(
                on_route || escalated_to || in_ladder,
                "{name}: role {id} is never involved"
            );
        }
    }
}

#[test]
fn round_trip_keeps_every_route() {
    for name in EXAMPLES {
        let w = load(name);
        let again =
            Workflow::from_json(&w.to_json()).unwrap_or_else(|e| panic!("{name}: re-read: {e}"));
        assert_eq!(
            again.to_document(),
            w.to_document(),
            "{name}: document changed"
        );
        let (a, b) = (route_table(&w).unwrap(), route_table(&again).unwrap());
        assert_eq!(a.attributes, b.attributes, "{name}");
        assert_eq!(a.total_cases, b.total_cases, "{name}");
        assert_eq!(a.rows.len(), b.rows.len(), "{name}");
        for (x, y) in a.rows.iter().zip(&b.rows) {
            assert_eq!(x.route, y.route, "{name}");
            assert_eq!(x.conditions, y.conditions, "{name}");
            assert_eq!(x.cases, y.cases, "{name}");
        }
        assert!(
            check(&w.to_json()).is_clean(),
            "{name}: written form does not check clean"
        );
    }
}

// ---- smm-fulfilment ---------------------------------------------------------------------

const MANAGERS: [&str; 3] = [
    "digital-provisioning-manager",
    "sales-manager",
    "digital-sales-manager",
];

fn smm(pairs: &[(&str, &str)]) -> Route {
    route_of(&load("smm-fulfilment"), Some("contract-signed"), pairs)
}

#[test]
fn smm_follows_the_fulfilment_cycle_in_order() {
    let r = smm(&[
        ("profiles", "new"),
        ("artwork", "dfs"),
        ("approval", "approved"),
    ]);
    let path = r.path();
    let at = |id: &str| {
        path.iter()
            .position(|p| *p == id)
            .unwrap_or_else(|| panic!("{id} not on {path:?}"))
    };
    assert!(at("contract-signed") < at("submit-contract"));
    assert!(at("submit-contract") < at("qa-check"));
    assert!(at("qa-check") < at("assign-dfs"));
    assert!(at("assign-dfs") < at("begin-processing"));
    assert!(at("setup-done") < at("send-for-approval"));
    assert!(at("approval-due") < at("schedule-posts"));
    assert!(at("month-end") < at("upload-report"));
    assert_eq!(r.roles(), vec!["sales-consultant", "qa", "dfm", "dfs"]);
    assert_eq!(r.outcome.as_deref(), Some("fulfilled"));
    assert!(r.notified().is_empty());
}

#[test]
fn smm_collects_content_while_the_profiles_are_set_up() {
    let r = smm(&[
        ("profiles", "existing"),
        ("customer_reply", "email"),
        ("artwork", "dfs"),
        ("approval", "approved"),
    ]);
    let lane = |id: &str| {
        r.steps
            .iter()
            .find(|s| s.node == id)
            .map(|s| s.lane.clone())
            .unwrap()
    };
    assert_eq!(lane("content-collection"), "1");
    assert_eq!(lane("request-access"), "2");
    assert_eq!(lane("setup-done"), "");
}

#[test]
fn smm_existing_profiles_get_an_access_request_and_a_follow_up_24_hours_later() {
    let r = smm(&[
        ("profiles", "existing"),
        ("customer_reply", "email"),
        ("artwork", "dfs"),
        ("approval", "approved"),
    ]);
    let path = r.path();
    let i = path.iter().position(|p| *p == "request-access").unwrap();
    assert_eq!(
        &path[i..i + 3],
        &["request-access", "wait-24h", "follow-up-email"]
    );
    assert!(!r.passes("activate-profiles"));
    assert!(!r.passes("call-customer"));

    let w = load("smm-fulfilment");
    let wait = w.node_by_id("wait-24h").unwrap();
    assert!(
        matches!(&wait.kind, NodeKind::Wait { wait: flowdrill_core::model::WaitFor::Delay(d), .. } if d.as_secs() == 24 * 3600)
    );
}

#[test]
fn smm_unresponsive_customer_is_chased_by_email_and_phone_then_escalated() {
    let r = smm(&[
        ("profiles", "existing"),
        ("customer_reply", "unresponsive"),
        ("consultant_result", "on-hold"),
    ]);
    assert_eq!(r.visits("follow-up-email"), 3);
    assert_eq!(r.visits("call-customer"), 3);
    for step in [
        "flag-account",
        "enter-comments",
        "email-supervisor",
        "notify-consultant",
        "alert-managers",
    ] {
        assert!(r.passes(step), "{step} not on {:?}", r.path());
    }
    assert_eq!(r.outcome.as_deref(), Some("on-hold"));
}

#[test]
fn smm_unresponsive_path_notifies_the_three_managers() {
    let r = smm(&[
        ("profiles", "existing"),
        ("customer_reply", "unresponsive"),
        ("consultant_result", "cancelled"),
    ]);
    let told = r.notified();
    for m in MANAGERS {
        assert!(told.contains(&m), "{m} not told: {told:?}");
    }
    // Specialist to supervisor, supervisor to consultant, consultant to the managers.
    let order: Vec<&str> = r.notifications.iter().map(|n| n.node.as_str()).collect();
    assert_eq!(
        order,
        vec!["email-supervisor", "notify-consultant", "alert-managers"]
    );
    assert_eq!(r.notifications[0].roles, vec!["dfs-supervisor"]);
    assert_eq!(r.notifications[1].roles, vec!["sales-consultant"]);
    assert_eq!(r.outcome.as_deref(), Some("cancelled"));
}

#[test]
fn smm_managers_are_told_only_when_the_customer_is_unresponsive() {
    let w = load("smm-fulfilment");
    for row in routes(&w).rows {
        let told = row.route.notified().contains(&"sales-manager");
        let unresponsive = row.example.get("customer_reply").map(|v| v.to_string())
            == Some("unresponsive".into())
            && row.example.get("profiles").map(|v| v.to_string()) == Some("existing".into());
        assert_eq!(
            told,
            unresponsive && row.route.start == "contract-signed",
            "{}",
            row.conditions_text()
        );
    }
}

#[test]
fn smm_rectified_escalation_goes_on_to_fulfilment() {
    let r = smm(&[
        ("profiles", "existing"),
        ("customer_reply", "unresponsive"),
        ("consultant_result", "rectified"),
        ("artwork", "graphics-team"),
        ("approval", "changes"),
    ]);
    assert!(r.passes("consultant-reaches-customer"));
    assert!(r.passes("send-to-citrimedia") && r.passes("graphics-artwork"));
    assert!(r.passes("content-changes"));
    assert_eq!(r.outcome.as_deref(), Some("fulfilled"));
}

#[test]
fn smm_escalation_chain_runs_specialist_supervisor_consultant_manager() {
    let w = load("smm-fulfilment");
    let mut chain = vec!["dfs".to_string()];
    while let Some(next) = w
        .roles
        .get(chain.last().unwrap())
        .and_then(|r| r.escalates_to.clone())
    {
        chain.push(next);
    }
    assert_eq!(
        chain,
        ["dfs", "dfs-supervisor", "sales-consultant", "sales-manager"]
    );
}

#[test]
fn smm_slas_follow_the_turnaround_times() {
    let w = load("smm-fulfilment");
    let sla = |id: &str| {
        w.slas
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no SLA {id}"))
    };
    // "24-48 hours" and "approx. 24 hours" are read as working days on the office
    // calendar: 16 and 8 open hours.
    let activation = sla("activate-new-profiles");
    assert_eq!(activation.target.to_string(), "16h");
    assert_eq!(activation.calendar.as_deref(), Some("office"));
    assert_eq!(sla("dfs-artwork").target.to_string(), "8h");
    assert_eq!(sla("graphics-due-date").target.to_string(), "3d");
    let reply = sla("customer-response");
    assert_eq!(reply.target.to_string(), "1h");
    assert_eq!(
        reply.calendar.as_deref(),
        Some("office"),
        "after working hours, the following day"
    );
}

#[test]
fn smm_customer_emails_are_answered_by_the_specialist() {
    let w = load("smm-fulfilment");
    let r = route_of(
        &w,
        Some("customer-contact"),
        &[("contact_reason", "content-change")],
    );
    assert_eq!(
        r.path(),
        vec![
            "customer-contact",
            "respond-to-customer",
            "contact-reason",
            "make-change",
            "answered"
        ]
    );
    assert_eq!(r.roles(), vec!["dfs"]);
    // With two entry points a case must say where it comes in.
    assert!(flowdrill_core::route(&w, &case(&w, &[])).is_err());
}

// ---- facebook-access --------------------------------------------------------------------

fn fb(pairs: &[(&str, &str)]) -> Route {
    route_of(&load("facebook-access"), None, pairs)
}

#[test]
fn fb_unresponsive_client_gets_three_emails_and_three_calls_then_on_hold() {
    for intake in ["marked-complete", "left-open"] {
        let r = fb(&[("intake", intake), ("client_reply", "none")]);
        assert_eq!(r.visits("email"), 3, "{:?}", r.path());
        assert_eq!(r.visits("call"), 3, "{:?}", r.path());
        let path = r.path();
        let last_email = path.iter().rposition(|p| *p == "email").unwrap();
        let first_call = path.iter().position(|p| *p == "call").unwrap();
        assert!(last_email < first_call, "emails 1-3 come before calls 1-3");
        assert!(r.passes("on-hold"));
        assert!(
            r.notified().contains(&"account-manager"),
            "details go to the account manager"
        );
        assert!(!r.passes("release-tasks"));
        assert_eq!(r.outcome.as_deref(), Some("on-hold"));
    }
}

#[test]
fn fb_success_closes_the_task_and_releases_the_queues_waiting_on_access() {
    let r = fb(&[
        ("intake", "marked-complete"),
        ("client_reply", "email"),
        ("client_wants", "grant-access"),
    ]);
    assert_eq!(r.visits("email"), 1);
    assert!(!r.passes("call"));
    assert_eq!(
        r.path()[..4],
        [
            "fulfilment-request",
            "cs-intake",
            "intake-complete",
            "in-progress"
        ]
    );
    assert_eq!(r.notified(), vec!["access-queues"]);
    assert_eq!(r.outcome.as_deref(), Some("closed"));
}

#[test]
fn fb_client_reached_by_phone_after_three_emails() {
    let r = fb(&[
        ("intake", "marked-complete"),
        ("client_reply", "call"),
        ("client_wants", "grant-access"),
    ]);
    assert_eq!(r.visits("email"), 3);
    assert_eq!(r.visits("call"), 1);
    assert_eq!(r.outcome.as_deref(), Some("closed"));
}

#[test]
fn fb_budget_to_google_or_cancel_goes_on_chatter_to_the_account_manager_and_reps() {
    for (wants, outcome) in [
        ("move-to-google", "moved-to-google"),
        ("cancel", "cancelled"),
    ] {
        for reply in ["email", "call"] {
            let r = fb(&[
                ("intake", "marked-complete"),
                ("client_reply", reply),
                ("client_wants", wants),
            ]);
            assert_eq!(
                r.notified(),
                vec!["account-manager", "digital-marketing-rep"]
            );
            assert!(!r.passes("close-complete"));
            assert_eq!(r.outcome.as_deref(), Some(outcome));
        }
    }
}

#[test]
fn fb_task_waits_for_the_cs_intake() {
    let r = fb(&[
        ("intake", "left-open"),
        ("client_reply", "email"),
        ("client_wants", "grant-access"),
    ]);
    let path = r.path();
    let marked = path
        .iter()
        .position(|p| *p == "mark-intake-complete")
        .unwrap();
    let started = path.iter().position(|p| *p == "in-progress").unwrap();
    assert!(r.passes("chatter-intake") && marked < started);
}

#[test]
fn fb_only_the_ops_team_works_the_access_task() {
    let w = load("facebook-access");
    for row in routes(&w).rows {
        let r = &row.route;
        let first_ops = r.path().iter().position(|p| *p == "in-progress").unwrap();
        for s in &r.steps[first_ops..] {
            if let Some(role) = &s.role {
                assert_eq!(
                    role,
                    "digims-ops",
                    "{} on {}",
                    s.node,
                    row.conditions_text()
                );
            }
        }
    }
}

// ---- fulfilment-list --------------------------------------------------------------------

#[test]
fn list_contacts_are_batched_by_the_list_frequency() {
    let w = load("fulfilment-list");
    for (freq, wait) in [
        ("daily", "daily-list"),
        ("weekly", "weekly-list"),
        ("monthly", "monthly-list"),
    ] {
        let r = route_of(
            &w,
            None,
            &[
                ("frequency", freq),
                ("package", "order"),
                ("cell_alert", "unchecked"),
            ],
        );
        let waits: Vec<&str> = r
            .steps
            .iter()
            .filter(|s| s.kind == "wait" && s.node != "schedule-step")
            .map(|s| s.node.as_str())
            .collect();
        assert_eq!(waits, vec![wait]);
        assert!(matches!(
            &w.node_by_id(wait).unwrap().kind,
            NodeKind::Wait {
                wait: flowdrill_core::model::WaitFor::Batch(_),
                ..
            }
        ));
        assert_eq!(r.outcome.as_deref(), Some("complete"));
    }
}

#[test]
fn list_is_emailed_to_the_printer_with_a_copy_to_the_owner() {
    let w = load("fulfilment-list");
    let r = route_of(
        &w,
        None,
        &[
            ("frequency", "weekly"),
            ("package", "sales-collateral"),
            ("cell_alert", "checked"),
        ],
    );
    assert_eq!(r.notifications[0].node, "email-list");
    assert_eq!(r.notifications[0].roles, vec!["fulfiller", "owner"]);
    assert!(
        r.notifications[0]
            .message
            .as_deref()
            .unwrap()
            .contains("Mr. Printer")
    );
    assert!(r.passes("cell-alert"));
    assert!(r.passes("send-collateral") && !r.passes("ship-order"));
    assert_eq!(
        r.roles(),
        vec!["fulfiller"],
        "the outside shop does the work"
    );
}

#[test]
fn list_overdue_ladder_notifies_the_owner_then_the_owners_manager() {
    let w = load("fulfilment-list");
    let due = &w.slas[0];
    let ladder: Vec<(String, Vec<String>)> = due
        .escalation
        .iter()
        .map(|m| (m.at.to_string(), m.notify.to_vec()))
        .collect();
    assert_eq!(
        ladder,
        vec![
            ("100%".to_string(), vec!["owner".to_string()]),
            ("2d overdue".to_string(), vec!["owners-manager".to_string()])
        ]
    );
    assert_eq!(
        w.roles["owner"].escalates_to.as_deref(),
        Some("owners-manager")
    );
}

// ---- social-media-program ---------------------------------------------------------------

const PHASES: [&str; 4] = [
    "map-audience",
    "social-environment",
    "tools-technology",
    "performance-vs-goals",
];

#[test]
fn program_runs_assessment_planning_execution_analysis_in_order() {
    let w = load("social-media-program");
    let r = route_of(
        &w,
        None,
        &[
            ("staffing", "current-staff"),
            ("signal", "on-plan"),
            ("performance", "meets-goals"),
        ],
    );
    let path = r.path();
    let at: Vec<usize> = PHASES
        .iter()
        .map(|p| path.iter().position(|x| x == p).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{path:?}");
    let tasks = r.steps.iter().filter(|s| s.kind == "task").count();
    // The 20 steps, less the back-up plan (run only on a signal) and sourcing new resources.
    assert_eq!(tasks, 18);
    assert_eq!(r.outcome.as_deref(), Some("goals-met"));
}

#[test]
fn program_below_goals_feeds_back_to_assessment_for_bounded_review_cycles() {
    let w = load("social-media-program");
    let r = route_of(
        &w,
        None,
        &[
            ("staffing", "source-new"),
            ("signal", "weak"),
            ("performance", "below-goals"),
        ],
    );
    for phase in PHASES {
        assert_eq!(r.visits(phase), 3, "{phase}");
    }
    assert_eq!(r.visits("source-new"), 3);
    assert!(r.notified().contains(&"leadership"));
    assert_eq!(r.outcome.as_deref(), Some("below-goals"));
}

#[test]
fn program_viral_campaign_keeps_the_fulfilment_process_in_place() {
    let w = load("social-media-program");
    let viral = route_of(
        &w,
        None,
        &[
            ("staffing", "current-staff"),
            ("signal", "viral"),
            ("performance", "meets-goals"),
        ],
    );
    assert!(viral.passes("keep-fulfilment") && !viral.passes("backup-plan"));
    assert!(viral.roles().contains(&"sales"));
    let weak = route_of(
        &w,
        None,
        &[
            ("staffing", "current-staff"),
            ("signal", "weak"),
            ("performance", "meets-goals"),
        ],
    );
    assert!(weak.passes("backup-plan") && !weak.passes("keep-fulfilment"));
}

// ---- social-triage ----------------------------------------------------------------------

/// Nodes where the team answers the post itself.
const ANSWERS: [&str; 7] = [
    "empathy",
    "answer-public",
    "answer-private",
    "fix-facts",
    "fix-public",
    "fix-private",
    "media-desk",
];

fn triage(pairs: &[(&str, &str)]) -> Route {
    route_of(&load("social-triage"), None, pairs)
}

#[test]
fn triage_crisis_from_a_journalist_reaches_legal() {
    let r = triage(&[
        ("asker", "media"),
        ("sentiment", "negative"),
        ("situation", "crisis"),
    ]);
    assert!(r.passes("crisis-alert"));
    assert!(r.notified().contains(&"legal"));
    assert!(r.notified().contains(&"corp-comms"));
    assert!(r.roles().contains(&"legal"), "legal approves the message");
    assert!(
        !r.passes("media-desk"),
        "a crisis is not a routine media enquiry"
    );
    assert_eq!(r.outcome.as_deref(), Some("crisis-managed"));
}

#[test]
fn triage_every_crisis_reaches_legal_whoever_posts_it() {
    let w = load("social-triage");
    for row in routes(&w).rows {
        let crisis = row.example.get("situation").map(|v| v.to_string()) == Some("crisis".into());
        assert_eq!(
            crisis,
            row.route.notified().contains(&"legal"),
            "{}",
            row.conditions_text()
        );
        if crisis {
            assert_eq!(
                row.cases,
                w.attributes
                    .values()
                    .map(|a| a.values.len() as u128)
                    .product::<u128>()
                    / 6
            );
        }
    }
}

#[test]
fn triage_troll_posts_are_not_answered() {
    let w = load("social-triage");
    for situation in [
        "mention",
        "question",
        "problem",
        "misinformation",
        "policy-breach",
        "crisis",
    ] {
        for sentiment in ["positive", "neutral", "negative"] {
            let r = route_of(
                &w,
                None,
                &[
                    ("asker", "troll"),
                    ("situation", situation),
                    ("sentiment", sentiment),
                    ("channel", "twitter"),
                ],
            );
            for node in ANSWERS {
                assert!(
                    !r.passes(node),
                    "troll {situation}/{sentiment} answered at {node}"
                );
            }
        }
    }
    let r = triage(&[
        ("asker", "troll"),
        ("situation", "problem"),
        ("sentiment", "negative"),
    ]);
    assert_eq!(r.outcome.as_deref(), Some("monitor-only"));
    assert!(r.notified().is_empty());
}

#[test]
fn triage_unhappy_customer_gets_empathy_first() {
    let w = load("social-triage");
    let r = triage(&[
        ("asker", "customer"),
        ("sentiment", "negative"),
        ("situation", "problem"),
        ("wants_help", "yes"),
        ("sensitive", "no"),
        ("satisfied", "yes"),
    ]);
    let path = r.path();
    let empathy = path.iter().position(|p| *p == "empathy").unwrap();
    let fix = path.iter().position(|p| *p == "fix-public").unwrap();
    assert!(empathy < fix, "empathy before any fix");
    let text = w
        .node_by_id("empathy")
        .unwrap()
        .description
        .clone()
        .unwrap();
    assert!(
        text.contains("I'm sorry to hear of your troubles, is there anything we can do to help?")
    );
    // Follow-up: satisfaction first, then the request to update the post.
    let follow = path.iter().position(|p| *p == "follow-up").unwrap();
    let update = path.iter().position(|p| *p == "ask-update").unwrap();
    assert!(fix < follow && follow < update);
    assert_eq!(r.outcome.as_deref(), Some("resolved"));
}

#[test]
fn triage_venting_customer_is_not_pushed_a_fix() {
    let r = triage(&[
        ("asker", "customer"),
        ("sentiment", "negative"),
        ("situation", "mention"),
        ("wants_help", "no"),
    ]);
    assert!(r.passes("empathy"));
    assert!(!r.passes("fix-public") && !r.passes("fix-private"));
    assert_eq!(r.outcome.as_deref(), Some("acknowledged"));
}

#[test]
fn triage_sensitive_account_information_moves_to_a_private_channel() {
    let w = load("social-triage");
    for row in routes(&w).rows {
        let r = &row.route;
        let public = r.passes("answer-public") || r.passes("fix-public");
        let private = r.passes("answer-private") || r.passes("fix-private");
        let sensitive = row.example.get("sensitive").map(|v| v.to_string());
        if public {
            assert_eq!(
                sensitive.as_deref(),
                Some("no"),
                "{}",
                row.conditions_text()
            );
        }
        if private {
            assert_eq!(
                sensitive.as_deref(),
                Some("yes"),
                "{}",
                row.conditions_text()
            );
            assert!(r.roles().contains(&"customer-care"));
        }
    }
}

#[test]
fn triage_unsatisfied_customer_gets_one_more_try_then_customer_care() {
    let r = triage(&[
        ("asker", "prospect"),
        ("sentiment", "neutral"),
        ("situation", "problem"),
        ("wants_help", "yes"),
        ("sensitive", "yes"),
        ("satisfied", "no"),
    ]);
    assert_eq!(r.visits("fix-private"), 2);
    assert_eq!(r.visits("follow-up"), 2);
    assert!(r.roles().contains(&"care-supervisor"));
    assert_eq!(r.outcome.as_deref(), Some("escalated"));
}

#[test]
fn triage_knows_when_not_to_respond() {
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[
                ("asker", "customer"),
                ("situation", "mention"),
                ("sentiment", "positive"),
            ],
            "let-stand",
        ),
        (
            &[
                ("asker", "public"),
                ("situation", "mention"),
                ("sentiment", "neutral"),
            ],
            "monitor-only",
        ),
        (
            &[
                ("asker", "customer"),
                ("situation", "policy-breach"),
                ("channel", "blog-or-forum"),
            ],
            "reported",
        ),
        (
            &[
                ("asker", "prospect"),
                ("situation", "policy-breach"),
                ("channel", "brand-page"),
            ],
            "removed",
        ),
    ];
    for (pairs, outcome) in cases {
        let r = triage(pairs);
        for node in ANSWERS {
            assert!(!r.passes(node), "{pairs:?} answered at {node}");
        }
        assert_eq!(r.outcome.as_deref(), Some(outcome), "{pairs:?}");
    }
}

#[test]
fn triage_misinformation_gets_the_facts_fixed_and_prospects_go_to_sales() {
    let r = triage(&[
        ("asker", "public"),
        ("situation", "misinformation"),
        ("sentiment", "negative"),
    ]);
    assert!(r.passes("fix-facts"));
    assert_eq!(r.outcome.as_deref(), Some("facts-fixed"));

    let r = triage(&[
        ("asker", "prospect"),
        ("situation", "question"),
        ("sentiment", "positive"),
        ("sensitive", "no"),
    ]);
    assert_eq!(r.notified(), vec!["sales"]);
    let r = triage(&[
        ("asker", "customer"),
        ("situation", "question"),
        ("sentiment", "neutral"),
        ("sensitive", "no"),
    ]);
    assert!(r.notified().is_empty());
}

#[test]
fn triage_first_response_sla_is_one_business_hour_for_every_answered_post() {
    let w = load("social-triage");
    let sla = w.slas.iter().find(|s| s.id == "first-response").unwrap();
    assert_eq!(sla.target.to_string(), "1h");
    assert_eq!(sla.calendar.as_deref(), Some("social-desk"));
    let stops = sla.stop.nodes().to_vec();
    let guard = sla.when.as_ref().unwrap();
    for row in routes(&w).rows {
        let r = &row.route;
        let answered_by_team = stops.iter().any(|s| r.passes(s));
        assert_eq!(
            guard.eval(&row.example),
            answered_by_team,
            "{}",
            row.conditions_text()
        );
    }
    let crisis = w.slas.iter().find(|s| s.id == "crisis-to-legal").unwrap();
    assert_eq!(crisis.target.to_string(), "15m");
    // The desk watches the channels in its hours; legal, on call 24/7, works around the clock.
    assert_eq!(crisis.calendar.as_deref(), Some("social-desk"));
    assert!(w.roles["legal"].calendar.is_none(), "legal is on call 24/7");
}

#[test]
fn the_readme_example_holds() {
    use flowdrill_core::analysis::route::{parse_assignment, route};

    let text = example_text("social-triage");
    let report = check(&text);
    assert!(report.is_clean(), "{:#?}", report.diagnostics);
    let w = Workflow::from_json(&text).unwrap();
    for row in route_table(&w).unwrap().rows {
        assert!(
            row.route.outcome.is_some(),
            "stuck: {}",
            row.conditions_text()
        );
    }
    let case = parse_assignment(
        &w,
        [
            ("asker", "media"),
            ("sentiment", "negative"),
            ("situation", "crisis"),
        ],
    )
    .unwrap();
    assert!(route(&w, &case).unwrap().notified().contains(&"legal"));
}

/// A case read from a page's values (words and numbers, as the browser's view module reads
/// it) is the same case as read from JSON values, and is refused the same way.
#[test]
fn a_case_reads_the_same_from_values_and_from_json() {
    use flowdrill_core::Value;
    use flowdrill_core::analysis::route::{assignment_from_json, assignment_from_values};
    let w = load("social-triage");
    let json: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(r#"{"situation": "problem", "asker": "customer"}"#).unwrap();
    let values: indexmap::IndexMap<String, Value> =
        serde_json::from_str(r#"{"situation": "problem", "asker": "customer"}"#).unwrap();
    let a = assignment_from_json(&w, &json).unwrap();
    let b = assignment_from_values(&w, &values).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.get("situation"), Some(&Value::from("problem")));

    let bad: indexmap::IndexMap<String, Value> =
        serde_json::from_str(r#"{"situation": "problm"}"#).unwrap();
    let bad_json: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(r#"{"situation": "problm"}"#).unwrap();
    let e = assignment_from_values(&w, &bad).unwrap_err().to_string();
    assert_eq!(
        e,
        assignment_from_json(&w, &bad_json).unwrap_err().to_string()
    );
    assert!(e.contains("did you mean \"problem\""), "{e}");
}
