//! Property tests: the case-set algebra agrees with evaluating guards case by case.

use flowdrill_core::analysis::space::Space;
use flowdrill_core::model::guard::{CmpOp, Guard, Test};
use flowdrill_core::{Attribute, Keyed, Value};
use proptest::prelude::*;

fn space() -> Space {
    let attrs: Keyed<Attribute> =
        match serde_json::from_str(r#"{"a": ["x", "y", "z"], "b": ["p", "q"], "n": [1, 2, 3, 4]}"#)
        {
            Ok(a) => a,
            Err(e) => panic!("{e}"),
        };
    Space::new(&attrs)
}

fn text_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just("x"),
        Just("y"),
        Just("z"),
        Just("p"),
        Just("q"),
        Just("nope")
    ]
    .prop_map(Value::from)
}

fn leaf() -> impl Strategy<Value = Guard> {
    let attr = prop_oneof![Just("a"), Just("b"), Just("n")];
    let op = prop_oneof![
        Just(CmpOp::Lt),
        Just(CmpOp::Le),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge)
    ];
    let test = prop_oneof![
        text_value().prop_map(Test::Eq),
        text_value().prop_map(Test::Ne),
        prop::collection::vec(text_value(), 1..3).prop_map(Test::In),
        prop::collection::vec(text_value(), 1..3).prop_map(Test::NotIn),
        (op, 0..6i32).prop_map(|(o, n)| Test::Cmp(o, f64::from(n))),
        (1..5i32).prop_map(|n| Test::Eq(Value::Number(f64::from(n)))),
    ];
    (attr, test).prop_map(|(a, t)| Guard::Test {
        attr: a.to_string(),
        test: t,
    })
}

fn guard() -> impl Strategy<Value = Guard> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Guard::All),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Guard::Any),
            inner.prop_map(|g| Guard::Not(Box::new(g))),
        ]
    })
}

proptest! {
    #[test]
    fn guard_sets_hold_exactly_the_accepted_cases(g in guard()) {
        let s = space();
        let set = s.guard_set(&g).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut accepted = 0u128;
        for case in s.all_cases() {
            let want = g.eval(&case);
            prop_assert_eq!(s.contains(&set, &case), want, "case {:?} guard {}", case, g);
            accepted += u128::from(want);
        }
        prop_assert_eq!(s.count(&set), accepted);
    }

    #[test]
    fn set_operations_match_their_definitions(g in guard(), h in guard()) {
        let s = space();
        let fail = |e: flowdrill_core::analysis::space::TooComplex| TestCaseError::fail(e.to_string());
        let a = s.guard_set(&g).map_err(fail)?;
        let b = s.guard_set(&h).map_err(fail)?;
        let and = a.intersect(&b).map_err(fail)?;
        let or = a.union(&b).map_err(fail)?;
        let minus = a.subtract(&b).map_err(fail)?;
        for case in s.all_cases() {
            let (x, y) = (g.eval(&case), h.eval(&case));
            prop_assert_eq!(s.contains(&and, &case), x && y);
            prop_assert_eq!(s.contains(&or, &case), x || y);
            prop_assert_eq!(s.contains(&minus, &case), x && !y);
        }
    }

    #[test]
    fn guards_round_trip_through_json(g in guard()) {
        let json = serde_json::to_string(&g).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Guard = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let s = space();
        for case in s.all_cases() {
            prop_assert_eq!(g.eval(&case), back.eval(&case), "{}", json);
        }
    }
}
