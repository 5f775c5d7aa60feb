//! A participant's view of a drill carries no answer key: no expected actions, objectives
//! or true attributes, and SLA chips that follow what participants classified, not the
//! truth. And two scoring rules: checks not due when the drill ends, and public replies to
//! posts the workflow hands over past the community desk.

use chrono::{DateTime, TimeDelta, Utc};
use flowdrill_core::drill::participant::ParticipantView;
use flowdrill_core::drill::scenario::ActionKind;
use flowdrill_core::drill::score::{Outcome, Rating, Score, hands_over};
use flowdrill_core::drill::session::{Action, ClockView, Visibility};
use flowdrill_core::drill::view::CaseView;
use flowdrill_core::drill::{AfterAction, DrillView, Session};
use flowdrill_core::time::business::parse_instant;
use flowdrill_core::time::clock::ClockState;
use flowdrill_tests::{drill as scenario, load, route_of};

/// Wall time `secs` seconds after the start; at ×60 that is `secs` drill minutes.
fn at(secs: i64) -> DateTime<Utc> {
    parse_instant("2026-03-04T21:30:00Z").unwrap_or_else(|e| panic!("{e}"))
        + TimeDelta::seconds(secs)
}

/// The viral-video drill, started at ×60 (a wall second is a drill minute).
fn started() -> Session {
    let (w, sc) = scenario("viral-video");
    let mut s = Session::new(w, sc).unwrap_or_else(|e| panic!("{e}"));
    let mut start = Action::new(at(0), "facilitator", ActionKind::Start);
    start.speed = Some(60);
    s.apply(start).unwrap_or_else(|e| panic!("{e}"));
    s
}

fn act(secs: i64, by: &str, role: Option<&str>, kind: ActionKind, case: &str) -> Action {
    let mut a = Action::new(at(secs), by, kind);
    a.role = role.map(str::to_string);
    a.case = Some(case.into());
    a
}

fn apply(s: &mut Session, a: Action) {
    s.apply(a).unwrap_or_else(|e| panic!("{e}"));
}

fn classify(s: &mut Session, secs: i64, case: &str, pairs: &[(&str, &str)]) {
    let mut a = act(
        secs,
        "alice",
        Some("community-manager"),
        ActionKind::Classify,
        case,
    );
    a.attributes = Some(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
            .collect(),
    );
    apply(s, a);
}

fn route(s: &mut Session, secs: i64, by: &str, role: &str, case: &str, to: &str) {
    let mut a = act(secs, by, Some(role), ActionKind::Route, case);
    a.to = Some(to.into());
    apply(s, a);
}

fn reply(s: &mut Session, secs: i64, by: &str, role: Option<&str>, case: &str, vis: Visibility) {
    let mut a = act(secs, by, role, ActionKind::Respond, case);
    a.visibility = Some(vis);
    apply(s, a);
}

fn post<'v>(v: &'v ParticipantView, id: &str) -> &'v CaseView {
    v.cases
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no post \"{id}\" in the view"))
}

fn chips(v: &ParticipantView, id: &str) -> Vec<String> {
    post(v, id).clocks.iter().map(|c| c.rule.clone()).collect()
}

fn chip<'v>(v: &'v ParticipantView, id: &str, rule: &str) -> &'v ClockView {
    post(v, id)
        .clocks
        .iter()
        .find(|c| c.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} chip on {id}"))
}

/// A value as JSON (a macro: this crate does not name serde's trait).
macro_rules! json {
    ($v:expr) => {
        serde_json::to_string($v).unwrap_or_else(|e| panic!("{e}"))
    };
}

fn inbox(s: &Session, role: &str) -> Vec<String> {
    let mut ids: Vec<String> = ParticipantView::of(s, Some(role))
        .cases
        .into_iter()
        .map(|c| c.id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn participants_never_see_the_answer_key() {
    let mut s = started();
    apply(
        &mut s,
        act(
            1,
            "alice",
            Some("community-manager"),
            ActionKind::Take,
            "video",
        ),
    );
    let mut tag = act(
        2,
        "alice",
        Some("community-manager"),
        ActionKind::Tag,
        "video",
    );
    tag.tags = Some(vec!["refund".into()]);
    apply(&mut s, tag);
    route(
        &mut s,
        7,
        "alice",
        "community-manager",
        "journalist",
        "media-desk",
    );
    reply(
        &mut s,
        8,
        "carol",
        Some("corp-comms"),
        "journalist",
        Visibility::Public,
    );
    // 41 drill minutes: the video's crisis clock has breached, legal was never told (the
    // press-deadline contingency fired), the pile-on surge and the fan's post are out.
    s.tick(at(41));
    let full = json!(&DrillView::of(&s));
    let v = ParticipantView::of(&s, None);
    let text = json!(&v);

    // The facilitator's view holds the answer key, so the test below would see a leak.
    assert!(full.contains("crisis-to-legal") && full.contains("\"expect\""));
    let sc = s.scenario();
    for inject in sc
        .injects
        .iter()
        .chain(sc.contingencies.iter().map(|c| &c.post))
    {
        for e in &inject.expect {
            assert!(!text.contains(&json!(e)), "{}: expected {e:?}", inject.id);
        }
    }
    for o in &sc.objectives {
        assert!(!text.contains(&o.text), "objective {}", o.id);
    }
    for key in [
        "\"expect\"",
        "\"within\"",
        "\"objective",
        "\"score\"",
        "\"contingencies\"",
        "\"watches\"",
        "\"truth\"",
        "\"injects\"",
    ] {
        assert!(!text.contains(key), "{key} in {text}");
    }
    // No post was classified: none of the truths shows, as a value read or as a chip or
    // timeline line of a rule the truth chose.
    for c in s.cases() {
        assert!(c.read.is_empty());
        for (k, val) in c.truth() {
            assert!(!text.contains(&format!("[\"{k}\",\"{val}\"]")), "{}", c.id);
            assert!(!text.contains(&format!("{k}={val}")), "{}", c.id);
        }
    }
    for rule in &s.workflow().slas {
        assert!(rule.when.is_some());
        assert!(!text.contains(&rule.id), "{} in {text}", rule.id);
    }
    let dv = DrillView::of(&s);
    let video = dv
        .cases
        .iter()
        .find(|c| c.id == "video")
        .unwrap_or_else(|| panic!("no video"));
    assert!(video.priority && !video.clocks.is_empty());
    assert!(!post(&v, "video").priority, "raised by a hidden ladder");
    assert!(post(&v, "video").clocks.is_empty());

    // The contingency's post arrives as a post; what it watched is not said.
    assert!(
        s.events()
            .iter()
            .any(|e| e.kind == "contingency" && e.text.contains("not done on"))
    );
    assert_eq!(post(&v, "press-deadline").source, "inject");
    assert!(!v.recent.iter().any(|e| e.kind == "contingency"));
    assert!(v.recent.iter().any(|e| {
        e.kind == "inject"
            && e.case.as_deref() == Some("press-deadline")
            && e.text
                .starts_with("Dana Ruiz, @TechDaily reporter on twitter: @Brand We publish")
    }));
    assert!(!text.contains("not done on"));
    // Announced system injects stay; the surge's forecast goes.
    assert!(
        v.recent
            .iter()
            .any(|e| e.kind == "system" && e.text == "community-manager loses 2 staff")
    );
    assert!(!text.contains("surge \\\"pile-on\\\""));
    assert!(
        v.recent
            .iter()
            .all(|e| e.kind != "milestone" && e.kind != "breach")
    );
    // What participants did is theirs to see.
    assert!(
        v.recent
            .iter()
            .any(|e| e.kind == "action" && e.text == "routed journalist to media-desk")
    );
    assert_eq!(post(&v, "video").tags, ["refund"]);
    assert_eq!(post(&v, "video").holder.as_deref(), Some("alice"));
}

#[test]
fn a_chip_shows_when_the_classification_asks_for_it_whatever_the_truth() {
    let mut s = started();
    s.tick(at(40));
    // The video is a crisis (crisis-to-legal applies to it), unclassified: no chip.
    let v = ParticipantView::of(&s, None);
    assert!(chips(&v, "video").is_empty());
    assert!(
        s.cases()
            .iter()
            .any(|c| c.id == "video" && c.clock_views(s.now()).len() == 1)
    );

    // Classified as the guard wants, and the truth agrees: the session's own clock.
    classify(&mut s, 41, "video", &[("situation", "crisis")]);
    let v = ParticipantView::of(&s, None);
    assert_eq!(chips(&v, "video"), ["crisis-to-legal"]);
    let real = DrillView::of(&s)
        .cases
        .into_iter()
        .find(|c| c.id == "video")
        .map(|c| c.clocks)
        .unwrap_or_default();
    assert_eq!(post(&v, "video").clocks, real);
    assert_eq!(real[0].level, "breached");
    assert!(post(&v, "video").priority, "its ladder's rung is shown now");
    assert!(
        v.recent
            .iter()
            .any(|e| e.kind == "breach" && e.case.as_deref() == Some("video"))
    );

    // The fan's post is a positive mention; classified as a crisis, it shows the same chip,
    // counting from its publication on the desk's calendar.
    classify(&mut s, 42, "fan", &[("situation", "crisis")]);
    assert!(
        s.cases()
            .iter()
            .any(|c| c.id == "fan" && c.clock_views(s.now()).is_empty()),
        "the truth applies no rule to the fan"
    );
    let v = ParticipantView::of(&s, None);
    let fan = chip(&v, "fan", "crisis-to-legal");
    let published = post(&v, "fan").published;
    assert_eq!(
        published,
        parse_instant("2026-03-04T22:10:00Z")
            .ok()
            .unwrap_or_default()
    );
    assert_eq!(fan.state, ClockState::Running);
    assert_eq!(fan.deadline, Some(published + TimeDelta::minutes(15)));
    assert_eq!(fan.name, real[0].name);
    assert_eq!(fan.fired, Vec::<String>::new());
    // Eight minutes in, the 50% rung has fired; at 16 the chip breaches like a real one.
    s.tick(at(48));
    let v = ParticipantView::of(&s, None);
    assert_eq!(chip(&v, "fan", "crisis-to-legal").fired, ["50%"]);
    assert_eq!(chip(&v, "fan", "crisis-to-legal").level, "warning");
    s.tick(at(56));
    let v = ParticipantView::of(&s, None);
    let fan = chip(&v, "fan", "crisis-to-legal");
    assert_eq!(
        (fan.level, fan.fired.clone()),
        ("breached", vec!["50%".into(), "100%".into()])
    );
    assert!(post(&v, "fan").priority);
    assert!(v.recent.iter().any(|e| e.kind == "breach"
        && e.case.as_deref() == Some("fan")
        && e.text == "crisis-to-legal at 100%; legal, senior-management told; priority raised"));
    // The session itself never raised the fan's priority.
    assert!(s.cases().iter().any(|c| c.id == "fan" && !c.priority));

    // The other way: the hashtag's truth applies first-response, but it is classified as
    // a troll, so no chip shows.
    classify(&mut s, 57, "hashtag", &[("asker", "troll")]);
    let v = ParticipantView::of(&s, None);
    assert!(chips(&v, "hashtag").is_empty());
    assert!(
        DrillView::of(&s)
            .cases
            .iter()
            .any(|c| c.id == "hashtag" && c.clocks.iter().any(|k| k.rule == "first-response"))
    );

    // A guard the classification does not settle yet shows nothing: media-response needs
    // the situation too.
    classify(&mut s, 58, "journalist", &[("asker", "media")]);
    assert!(chips(&ParticipantView::of(&s, None), "journalist").is_empty());
    classify(&mut s, 59, "journalist", &[("situation", "question")]);
    assert_eq!(
        chips(&ParticipantView::of(&s, None), "journalist"),
        ["media-response"]
    );
}

#[test]
fn a_role_sees_its_own_posts_and_the_new_ones() {
    let mut s = started();
    s.tick(at(13));
    // Three new posts, at the first step: everyone's to triage.
    let all = ["hashtag", "journalist", "video"];
    for role in ["community-manager", "legal", "sales"] {
        assert_eq!(inbox(&s, role), all, "{role}");
    }
    // The video goes to the crisis alert (a notify step naming corp-comms, legal and
    // senior management), the journalist to the media desk (a corp-comms task), and
    // someone takes the hashtag.
    route(
        &mut s,
        14,
        "alice",
        "community-manager",
        "video",
        "crisis-alert",
    );
    route(
        &mut s,
        14,
        "alice",
        "community-manager",
        "journalist",
        "media-desk",
    );
    let mut take = act(
        14,
        "bob",
        Some("community-manager"),
        ActionKind::Take,
        "hashtag",
    );
    take.at += TimeDelta::milliseconds(500);
    apply(&mut s, take);
    assert_eq!(inbox(&s, "legal"), ["video"]);
    assert_eq!(inbox(&s, "senior-management"), ["video"]);
    assert_eq!(inbox(&s, "corp-comms"), ["journalist", "video"]);
    assert_eq!(inbox(&s, "sales"), Vec::<String>::new());
    assert_eq!(inbox(&s, "customer-care"), Vec::<String>::new());
    // The community manager's desk held the first steps of all three, and holds the
    // hashtag and the video still (journalist's task is corp-comms').
    assert_eq!(inbox(&s, "community-manager"), ["hashtag", "video"]);
    // Posts published later are everyone's again, and no role means every post.
    s.tick(at(31));
    assert!(inbox(&s, "sales").contains(&"export-failure".to_string()));
    assert!(inbox(&s, "sales").contains(&"pile-on-1".to_string()));
    assert_eq!(ParticipantView::of(&s, None).cases.len(), s.cases().len());
    let v = ParticipantView::of(&s, Some("legal"));
    assert_eq!(v.role.as_deref(), Some("legal"));
}

// ---- scoring ------------------------------------------------------------------------

#[test]
fn crisis_and_media_routes_hand_the_post_over_past_the_community_desk() {
    let w = load("social-triage");
    let crisis = route_of(&w, None, &[("situation", "crisis"), ("asker", "public")]);
    let h = hands_over(&crisis).unwrap_or_else(|| panic!("a crisis is handed over"));
    assert_eq!(h.desk, "community-manager");
    assert_eq!(h.to, ["corp-comms", "legal", "senior-management"]);
    let media = route_of(
        &w,
        None,
        &[
            ("situation", "question"),
            ("asker", "media"),
            ("sensitive", "no"),
        ],
    );
    assert_eq!(
        hands_over(&media).map(|h| h.to),
        Some(vec!["corp-comms".into()])
    );
    // The community desk answers a problem itself; a troll is only monitored.
    let problem = route_of(
        &w,
        None,
        &[
            ("situation", "problem"),
            ("asker", "customer"),
            ("sentiment", "negative"),
            ("wants_help", "no"),
        ],
    );
    assert_eq!(hands_over(&problem), None);
    let troll = route_of(&w, None, &[("asker", "troll"), ("situation", "mention")]);
    assert_eq!(hands_over(&troll), None);
}

#[test]
fn a_public_reply_from_the_community_desk_to_a_crisis_is_a_deviation() {
    let base = || {
        let mut s = started();
        route(
            &mut s,
            2,
            "alice",
            "community-manager",
            "video",
            "crisis-alert",
        );
        route(
            &mut s,
            7,
            "alice",
            "community-manager",
            "journalist",
            "media-desk",
        );
        s
    };
    let mut quiet = base();
    let mut loud = base();
    // The media desk answers the journalist in public: that is the route.
    for s in [&mut quiet, &mut loud] {
        reply(
            s,
            8,
            "carol",
            Some("corp-comms"),
            "journalist",
            Visibility::Public,
        );
    }
    // The community manager answers the crisis in public while it waits for the team.
    reply(
        &mut loud,
        9,
        "alice",
        Some("community-manager"),
        "video",
        Visibility::Public,
    );
    let no_engage = |s: &Session| {
        Score::of(s)
            .checks
            .into_iter()
            .filter(|c| c.kind == "no-engage")
            .collect::<Vec<_>>()
    };
    assert_eq!(no_engage(&quiet), vec![]);
    let checks = no_engage(&loud);
    assert_eq!(checks.len(), 1);
    let c = &checks[0];
    assert_eq!(
        (
            c.case.as_str(),
            c.outcome,
            c.by.as_deref(),
            c.role.as_deref()
        ),
        (
            "video",
            Outcome::Failed,
            Some("alice"),
            Some("community-manager")
        )
    );
    assert_eq!(
        c.text,
        "replied in public as community-manager; the workflow holds engagement at the community-manager desk and hands this post to corp-comms, legal, senior-management"
    );
    // It lowers the crisis objective's rating.
    let crisis = |s: &Session| {
        Score::of(s)
            .objectives
            .into_iter()
            .find(|o| o.id == "crisis")
            .unwrap_or_else(|| panic!("no crisis objective"))
    };
    assert_eq!(crisis(&loud).failed, crisis(&quiet).failed + 1);
    assert!(crisis(&loud).rating > crisis(&quiet).rating);
    // A private reply, or a public one from a role the post is handed to, is not.
    let mut private = base();
    reply(
        &mut private,
        9,
        "alice",
        Some("community-manager"),
        "video",
        Visibility::Private,
    );
    assert_eq!(no_engage(&private), vec![]);
    // A reply without a role is outside the hand-over too.
    let mut anonymous = base();
    reply(
        &mut anonymous,
        9,
        "zed",
        None,
        "journalist",
        Visibility::Public,
    );
    let checks = no_engage(&anonymous);
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].case, "journalist");
    let r = AfterAction::of(&loud);
    assert!(
        r.plan
            .iter()
            .any(|p| p.issue.starts_with("video: replied in public")
                && p.owner == "community-manager")
    );
}

#[test]
fn what_was_not_due_when_the_drill_ended_is_not_failed() {
    let mut s = started();
    // The video is handled at once; the journalist's post is out at 6m and the drill ends
    // at 7m, before any of its deadlines (route within 10m, reply within 2h, the media
    // clock's 2h).
    route(
        &mut s,
        2,
        "alice",
        "community-manager",
        "video",
        "crisis-alert",
    );
    let mut tell = act(
        3,
        "alice",
        Some("community-manager"),
        ActionKind::Notify,
        "video",
    );
    tell.roles = Some(vec![
        "corp-comms".into(),
        "legal".into(),
        "senior-management".into(),
    ]);
    apply(&mut s, tell);
    s.tick(at(7));
    apply(&mut s, Action::new(at(7), "facilitator", ActionKind::End));
    let score = Score::of(&s);
    let mine: Vec<_> = score
        .checks
        .iter()
        .filter(|c| c.case == "journalist")
        .collect();
    assert!(!mine.is_empty());
    for c in &mine {
        assert_eq!(c.outcome, Outcome::NotDue, "{}", c.text);
    }
    assert!(mine.iter().any(
        |c| c.text == "route media-desk within 10m: not done, and not due when the drill ended"
    ));
    assert!(mine.iter().any(|c| c.kind == "sla"
        && c.text == "media-response (2h): still within its target at the end, not due"));
    let media = score
        .objectives
        .iter()
        .find(|o| o.id == "media")
        .unwrap_or_else(|| panic!("no media objective"));
    assert_eq!((media.rating, media.not_due), (None, mine.len()));
    assert!(media.is_not_due());
    // Only what came due counts in the overall rating: every check of the video passed.
    let due: Vec<_> = score
        .checks
        .iter()
        .filter(|c| c.outcome != Outcome::NotDue)
        .collect();
    let n = |o| due.iter().filter(|c| c.outcome == o).count();
    assert_eq!(
        score.overall,
        Rating::of(n(Outcome::Passed), n(Outcome::Late), n(Outcome::Failed))
    );
    assert_eq!(
        (score.overall, n(Outcome::Passed)),
        (Some(Rating::P), due.len())
    );
    assert!(due.iter().all(|c| c.case == "video"));
    let r = AfterAction::of(&s);
    let md = r.to_markdown();
    assert!(md.contains(
        "| media — Route the press to corporate communications and answer within two hours | not due (nothing came due before the drill ended) | 0 | 0 | 0 |"
    ));
    assert!(md.contains(
        "| journalist | expected | not due | respond within 2h: not done, and not due when the drill ended | — |"
    ));
    assert!(!r.improvements.iter().any(|i| i.starts_with("journalist")));
    let html = r.to_html();
    assert!(html.contains("not due (nothing came due before the drill ended)"));
    assert!(html.contains("<tr class=\"not-due\"><td>journalist</td>"));
}
