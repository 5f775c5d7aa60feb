//! Sets of cases over the finite attribute domains, for decision coverage and route tables.
//!
//! A set is a union of *cubes*; a cube allows, for each attribute, a subset of its values
//! (a bit mask). Guards translate to cube sets exactly; complements and differences use
//! disjoint cube subtraction, so the cost follows the structure of the guards rather than
//! the size of the product of domains (6 attributes of 10 values is a million cases, but a
//! handful of cubes).

use crate::model::Attribute;
use crate::model::guard::{Guard, Test};
use crate::model::keyed::Keyed;
use crate::model::value::{Assignment, Value};

/// The largest number of cubes a set may grow to before analysis gives up on it.
pub const MAX_CUBES: usize = 20_000;

/// The work one analysis of a whole workflow may do on case sets, counted in cube
/// operations (one cube compared with, intersected with or subtracted from another):
/// 20 million, well under a second. [`with_work_budget`] applies it to everything inside
/// (decision coverage shares one budget across all decisions of a workflow, so a file of
/// many complex decisions gives up once rather than paying a cap per decision).
pub const MAX_WORK: u64 = 20_000_000;

thread_local! {
    /// Cube operations left in the innermost budget (`None`: no budget is in force).
    static WORK_LEFT: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with at most `ops` cube operations for all case-set arithmetic it does (an
/// operation that would exceed them fails with [`TooComplex`]); returns `f`'s result and
/// the operations used. Budgets nest: an inner one cannot spend more than the outer has
/// left.
pub fn with_work_budget<R>(ops: u64, f: impl FnOnce() -> R) -> (R, u64) {
    let outer = WORK_LEFT.with(|w| w.get());
    let start = outer.map_or(ops, |o| o.min(ops));
    WORK_LEFT.with(|w| w.set(Some(start)));
    let r = f();
    let left = WORK_LEFT.with(|w| w.get()).unwrap_or(0);
    let used = start.saturating_sub(left);
    WORK_LEFT.with(|w| w.set(outer.map(|o| o.saturating_sub(used))));
    (r, used)
}

/// Spends `ops` cube operations of the budget in force, if any.
fn charge(ops: usize) -> Result<(), TooComplex> {
    WORK_LEFT.with(|w| match w.get() {
        None => Ok(()),
        Some(left) => {
            let ops = u64::try_from(ops).unwrap_or(u64::MAX);
            match left.checked_sub(ops) {
                Some(rest) => {
                    w.set(Some(rest));
                    Ok(())
                }
                None => {
                    w.set(Some(0));
                    Err(TooComplex)
                }
            }
        }
    })
}

/// The analysis gave up: the guards produce more cubes than [`MAX_CUBES`], or the work
/// exceeds the budget in force ([`MAX_WORK`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the guards are too complex to analyse exhaustively (more than {MAX_CUBES} regions)")]
pub struct TooComplex;

/// The attribute domains of a workflow.
#[derive(Debug, Clone)]
pub struct Space {
    names: Vec<String>,
    values: Vec<Vec<Value>>,
    /// Each value's share of cases (normalised weights; equal when none are given).
    shares: Vec<Vec<f64>>,
    full: Vec<u64>,
}

/// A box of cases: for each attribute, the allowed values as a bit mask.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cube(Vec<u64>);

/// A union of cubes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSet(Vec<Cube>);

fn mask_of(n: usize) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

impl Space {
    /// The domains of a workflow's attributes.
    pub fn new(attrs: &Keyed<Attribute>) -> Self {
        Space {
            names: attrs.keys().cloned().collect(),
            values: attrs.values().map(|a| a.values.clone()).collect(),
            shares: attrs
                .values()
                .map(|a| {
                    let ws = a.weights_or_equal();
                    let total: f64 = ws.iter().sum();
                    ws.iter()
                        .map(|w| if total > 0.0 { w / total } else { 0.0 })
                        .collect()
                })
                .collect(),
            full: attrs.values().map(|a| mask_of(a.values.len())).collect(),
        }
    }

    /// The attribute's position.
    pub fn attr_index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Attribute names in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Every case.
    pub fn full(&self) -> CaseSet {
        CaseSet(vec![Cube(self.full.clone())])
    }

    /// No case.
    pub fn empty(&self) -> CaseSet {
        CaseSet(Vec::new())
    }

    /// The cases a single test accepts.
    pub fn test_set(&self, attr: &str, test: &Test) -> CaseSet {
        let Some(i) = self.attr_index(attr) else {
            // An unknown attribute is never set, so its tests never hold.
            return self.empty();
        };
        let mut mask = 0u64;
        for (bit, v) in self.values[i].iter().enumerate().take(64) {
            if test.accepts(v) {
                mask |= 1 << bit;
            }
        }
        if mask == 0 {
            return self.empty();
        }
        let mut c = self.full.clone();
        c[i] = mask;
        CaseSet(vec![Cube(c)])
    }

    /// The cases that agree with a partly known case: the attributes it gives are fixed,
    /// the others may be anything (empty when a value is outside its domain).
    pub fn known(&self, case: &Assignment) -> CaseSet {
        let mut c = self.full.clone();
        for (attr, value) in case {
            let Some(i) = self.attr_index(attr) else {
                continue;
            };
            match self.values[i]
                .iter()
                .take(64)
                .position(|v| v.matches(value))
            {
                Some(bit) => c[i] = 1 << bit,
                None => return self.empty(),
            }
        }
        CaseSet(vec![Cube(c)])
    }

    /// The cases a guard accepts.
    pub fn guard_set(&self, g: &Guard) -> Result<CaseSet, TooComplex> {
        match g {
            Guard::Test { attr, test } => Ok(self.test_set(attr, test)),
            Guard::All(gs) => {
                let mut acc = self.full();
                for g in gs {
                    acc = acc.intersect(&self.guard_set(g)?)?;
                    if acc.is_empty() {
                        break;
                    }
                }
                Ok(acc)
            }
            Guard::Any(gs) => {
                let mut acc = self.empty();
                for g in gs {
                    acc = acc.union(&self.guard_set(g)?)?;
                }
                Ok(acc)
            }
            Guard::Not(g) => self.full().subtract(&self.guard_set(g)?),
        }
    }

    /// One concrete case from a set, naming only the attributes the set constrains.
    pub fn witness(&self, set: &CaseSet) -> Option<Assignment> {
        let cube = set.0.first()?;
        let mut a = Assignment::new();
        for (i, m) in cube.0.iter().enumerate() {
            if *m != self.full[i] {
                let bit = m.trailing_zeros() as usize;
                if let Some(v) = self.values[i].get(bit) {
                    a.insert(self.names[i].clone(), v.clone());
                }
            }
        }
        Some(a)
    }

    /// One fully concrete case from a set (every attribute given a value).
    pub fn full_witness(&self, set: &CaseSet) -> Option<Assignment> {
        let cube = set.0.first()?;
        let mut a = Assignment::new();
        for (i, m) in cube.0.iter().enumerate() {
            let bit = m.trailing_zeros() as usize;
            a.insert(self.names[i].clone(), self.values[i].get(bit)?.clone());
        }
        Some(a)
    }

    /// The set as a list of conditions, one per cube: for each attribute the set
    /// constrains, the values allowed.
    pub fn describe(&self, set: &CaseSet) -> Vec<Vec<(String, Vec<Value>)>> {
        set.0
            .iter()
            .map(|cube| {
                cube.0
                    .iter()
                    .enumerate()
                    .filter(|(i, m)| **m != self.full[*i])
                    .map(|(i, m)| {
                        let vs = self.values[i]
                            .iter()
                            .enumerate()
                            .filter(|(b, _)| m & (1 << b) != 0)
                            .map(|(_, v)| v.clone())
                            .collect();
                        (self.names[i].clone(), vs)
                    })
                    .collect()
            })
            .collect()
    }

    /// True when the set holds this case (every attribute must be given).
    pub fn contains(&self, set: &CaseSet, case: &Assignment) -> bool {
        let mut bits = Vec::with_capacity(self.names.len());
        for (i, name) in self.names.iter().enumerate() {
            let Some(pos) = case
                .get(name)
                .and_then(|v| self.values[i].iter().position(|x| x.matches(v)))
            else {
                return false;
            };
            bits.push(1u64 << pos);
        }
        set.0
            .iter()
            .any(|c| c.0.iter().zip(&bits).all(|(m, b)| m & b != 0))
    }

    /// Every concrete case, in domain order (for exhaustive tests of small spaces).
    pub fn all_cases(&self) -> Vec<Assignment> {
        let mut out = vec![Assignment::new()];
        for (i, name) in self.names.iter().enumerate() {
            out = out
                .into_iter()
                .flat_map(|a| {
                    self.values[i].iter().map(move |v| {
                        let mut b = a.clone();
                        b.insert(name.clone(), v.clone());
                        b
                    })
                })
                .collect();
        }
        out
    }

    /// The set as disjoint cubes (cubes of a set may overlap), or `None` if too complex.
    fn disjoint(&self, set: &CaseSet) -> Option<Vec<Cube>> {
        let mut disjoint = self.empty();
        for c in &set.0 {
            let fresh = CaseSet(vec![c.clone()]).subtract(&disjoint).ok()?;
            disjoint.0.extend(fresh.0);
        }
        Some(disjoint.0)
    }

    /// The number of concrete cases in a set (saturating).
    pub fn count(&self, set: &CaseSet) -> u128 {
        let Some(cubes) = self.disjoint(set) else {
            return u128::MAX;
        };
        cubes
            .iter()
            .map(|c| {
                c.0.iter()
                    .map(|m| u128::from(m.count_ones()))
                    .product::<u128>()
            })
            .fold(0u128, u128::saturating_add)
    }

    /// The share of cases in a set when attributes are drawn independently with their
    /// weights (0 to 1; NaN if the set is too complex to split).
    pub fn probability(&self, set: &CaseSet) -> f64 {
        let Some(cubes) = self.disjoint(set) else {
            return f64::NAN;
        };
        cubes
            .iter()
            .map(|c| {
                c.0.iter()
                    .enumerate()
                    .map(|(i, m)| {
                        self.shares[i]
                            .iter()
                            .enumerate()
                            .filter(|(b, _)| m & (1 << b) != 0)
                            .map(|(_, p)| p)
                            .sum::<f64>()
                    })
                    .product::<f64>()
            })
            .sum()
    }
}

impl Cube {
    fn is_empty(&self) -> bool {
        self.0.contains(&0)
    }

    fn intersect(&self, o: &Cube) -> Cube {
        Cube(self.0.iter().zip(&o.0).map(|(a, b)| a & b).collect())
    }

    fn contains(&self, o: &Cube) -> bool {
        self.0.iter().zip(&o.0).all(|(a, b)| b & !a == 0)
    }

    /// True when no case is in both cubes (without building their intersection).
    fn disjoint_from(&self, o: &Cube) -> bool {
        self.0.iter().zip(&o.0).any(|(a, b)| a & b == 0)
    }

    /// The one attribute in which two cubes differ, if they differ in exactly one.
    fn sole_difference(&self, o: &Cube) -> Option<usize> {
        let mut diff = self
            .0
            .iter()
            .zip(&o.0)
            .enumerate()
            .filter(|(_, (a, b))| a != b);
        let (k, _) = diff.next()?;
        diff.next().is_none().then_some(k)
    }

    /// `self - o` as disjoint cubes.
    fn subtract(&self, o: &Cube, out: &mut Vec<Cube>) {
        if self.disjoint_from(o) {
            out.push(self.clone());
            return;
        }
        let mut rest = self.0.clone();
        for i in 0..rest.len() {
            let outside = rest[i] & !o.0[i];
            if outside != 0 {
                let mut piece = rest.clone();
                piece[i] = outside;
                out.push(Cube(piece));
            }
            rest[i] &= o.0[i];
        }
    }
}

impl CaseSet {
    /// The empty set (no attributes needed to build it).
    pub fn none() -> Self {
        CaseSet(Vec::new())
    }

    /// True when no case is in the set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The cubes: for each, one bit mask of allowed values per attribute.
    pub fn cubes(&self) -> impl Iterator<Item = &[u64]> {
        self.0.iter().map(|c| c.0.as_slice())
    }

    /// The number of cubes (a measure of complexity).
    pub fn cube_count(&self) -> usize {
        self.0.len()
    }

    fn checked(cubes: Vec<Cube>) -> Result<CaseSet, TooComplex> {
        if cubes.len() > MAX_CUBES {
            return Err(TooComplex);
        }
        Ok(CaseSet(cubes))
    }

    /// Cases in both sets.
    pub fn intersect(&self, o: &CaseSet) -> Result<CaseSet, TooComplex> {
        charge(self.0.len().saturating_mul(o.0.len()))?;
        let mut out = Vec::new();
        for a in &self.0 {
            for b in &o.0 {
                let c = a.intersect(b);
                if !c.is_empty() {
                    out.push(c);
                }
            }
            if out.len() > MAX_CUBES {
                return Err(TooComplex);
            }
        }
        Ok(CaseSet(out).simplified())
    }

    /// Cases in either set.
    pub fn union(&self, o: &CaseSet) -> Result<CaseSet, TooComplex> {
        charge(self.0.len().saturating_mul(o.0.len()))?;
        if o.within_one_cube_of(self) {
            return Ok(self.clone());
        }
        let mut out = self.0.clone();
        out.extend(o.0.iter().cloned());
        Ok(CaseSet::checked(out)?.simplified())
    }

    /// Cases in `self` but not in `o`.
    pub fn subtract(&self, o: &CaseSet) -> Result<CaseSet, TooComplex> {
        let mut cur = self.0.clone();
        for b in &o.0 {
            charge(cur.len())?;
            let mut next = Vec::with_capacity(cur.len());
            for a in &cur {
                a.subtract(b, &mut next);
            }
            cur = CaseSet::checked(next)?.0;
            if cur.is_empty() {
                break;
            }
        }
        Ok(CaseSet(cur).simplified())
    }

    /// True when every case of `self` is in `o`.
    pub fn is_subset(&self, o: &CaseSet) -> Result<bool, TooComplex> {
        charge(self.0.len().saturating_mul(o.0.len()))?;
        if self.within_one_cube_of(o) {
            return Ok(true);
        }
        Ok(self.subtract(o)?.is_empty())
    }

    /// True when each cube of `self` lies inside a single cube of `o`: a cheap proof that
    /// `self` is a subset of `o` (the common case in data flow, where sets only grow).
    fn within_one_cube_of(&self, o: &CaseSet) -> bool {
        self.0.iter().all(|a| o.0.iter().any(|b| b.contains(a)))
    }

    /// Drops cubes contained in others and merges cubes that differ in one attribute.
    fn simplified(mut self) -> CaseSet {
        self.0.retain(|c| !c.is_empty());
        if self.0.len() > 512 {
            return self;
        }
        loop {
            // Out of budget: the set is right, only less compact.
            if charge(self.0.len().saturating_mul(self.0.len())).is_err() {
                return self;
            }
            let mut changed = false;
            // Remove cubes contained in another.
            let mut i = 0;
            while i < self.0.len() {
                let contained = (0..self.0.len()).any(|j| {
                    j != i && self.0[j].contains(&self.0[i]) && (self.0[i] != self.0[j] || j < i)
                });
                if contained {
                    self.0.remove(i);
                    changed = true;
                } else {
                    i += 1;
                }
            }
            // Merge pairs equal in all attributes but one.
            'merge: for i in 0..self.0.len() {
                for j in i + 1..self.0.len() {
                    if let Some(k) = self.0[i].sole_difference(&self.0[j]) {
                        let merged = self.0[j].0[k];
                        self.0[i].0[k] |= merged;
                        self.0.remove(j);
                        changed = true;
                        break 'merge;
                    }
                }
            }
            if !changed {
                return self;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space() -> Space {
        let attrs: Keyed<Attribute> =
            serde_json::from_str(r#"{"a": ["x","y","z"], "b": ["p","q"], "n": [1,2,3,4,5]}"#)
                .unwrap();
        Space::new(&attrs)
    }

    fn g(json: &str) -> Guard {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn complement_and_union_cover_everything() {
        let s = space();
        let set = s.guard_set(&g(r#"{"a": "x", "n": {">=": 3}}"#)).unwrap();
        assert_eq!(s.count(&set), 6); // 1 * 2 * 3
        let not = s
            .guard_set(&g(r#"{"not": {"a": "x", "n": {">=": 3}}}"#))
            .unwrap();
        assert_eq!(s.count(&not), 30 - 6);
        let all = set.union(&not).unwrap();
        assert_eq!(s.count(&all), 30);
        assert!(s.full().is_subset(&all).unwrap());
        assert!(set.intersect(&not).unwrap().is_empty());
    }

    #[test]
    fn witness_names_constrained_attributes() {
        let s = space();
        let rest = s
            .full()
            .subtract(&s.guard_set(&g(r#"{"a": ["x", "y"]}"#)).unwrap())
            .unwrap();
        let w = s.witness(&rest).unwrap();
        assert_eq!(w.get("a"), Some(&Value::from("z")));
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn unknown_attribute_accepts_nothing() {
        let s = space();
        assert!(s.guard_set(&g(r#"{"nope": "x"}"#)).unwrap().is_empty());
    }
}
