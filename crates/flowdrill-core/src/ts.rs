//! TypeScript names of the types whose JSON is written by hand (`impl Serialize`, or
//! `try_from`/`into` a raw form): their declarations cannot be derived, so they stay in the
//! hand-written `flowdrill.d.ts` of flowdrill-wasm, and the derived declarations refer to
//! them by these names. Everything else derives [`ts_rs::TS`] where it is declared.

use ts_rs::{Config, TS, TypeVisitor};

use crate::model::keyed::Keyed;

/// Implements [`TS`] for a type declared by hand in `flowdrill.d.ts` under `name`.
macro_rules! declared_by_hand {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl TS for $t {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &Config) -> String {
                $name.to_owned()
            }
            fn inline(cfg: &Config) -> String {
                Self::name(cfg)
            }
        }
    )*};
}

declared_by_hand! {
    crate::model::duration::Duration => "Duration",
    crate::model::value::Value => "Value",
    crate::model::keyed::Ids => "Ids",
    crate::model::effort::Effort => "Effort",
    crate::model::guard::Guard => "Guard",
    crate::model::Node => "WorkflowNode",
    crate::model::Batch => "Batch",
    crate::model::arrivals::Arrivals => "Arrivals",
    crate::model::arrivals::Rate => "Rate",
    crate::time::calendar::Calendar => "Calendar",
    crate::time::calendar::TimeOfDay => "TimeOfDay",
    crate::time::calendar::WeeklyPoint => "WeeklyPoint",
    crate::time::sla::MilestoneAt => "MilestoneAt",
}

/// A keyed map is written as a JSON object.
impl<V: TS + 'static> TS for Keyed<V> {
    type WithoutGenerics = Keyed<ts_rs::Dummy>;
    type OptionInnerType = Self;
    fn name(cfg: &Config) -> String {
        format!("Record<string, {}>", V::name(cfg))
    }
    fn inline(cfg: &Config) -> String {
        format!("Record<string, {}>", V::inline(cfg))
    }
    fn visit_dependencies(v: &mut impl TypeVisitor)
    where
        Self: 'static,
    {
        v.visit::<V>();
    }
}
