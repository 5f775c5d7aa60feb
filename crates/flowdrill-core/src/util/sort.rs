//! Stable sorting that costs one copy of the sort in WebAssembly.
//!
//! The standard library's sort is generic over the element and the comparison, so every
//! `sort_by_key` call site with its own closure compiles to its own copy of the whole
//! algorithm (about 5 KB of WebAssembly each: twelve copies were 59 KB of the widget's
//! module, 13 KB of it gzipped). In WebAssembly these functions sort a list of indices
//! with one comparison behind `dyn`, so the algorithm is compiled once, and then move the
//! elements into place. Natively they call the standard sort directly, which is faster.
//!
//! Both are stable sorts, and a stable sort has exactly one possible result, so the order
//! is the same on every target.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp` (like [`slice::sort_by`]).
pub(crate) fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if cfg!(target_arch = "wasm32") {
        sort_indirect(v, &mut cmp);
    } else {
        v.sort_by(cmp);
    }
}

/// Sorts `v` stably by the key `key` gives (like [`slice::sort_by_key`]).
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order (like [`slice::sort`]).
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sorts `v` through a list of indices: the one instance of the standard sort is
/// [`sort_indices`]'s; what is generic over `T` here is a short loop.
fn sort_indirect<T>(v: &mut [T], cmp: &mut dyn FnMut(&T, &T) -> Ordering) {
    // Already in order (the layout's sweeps re-sort rows that mostly are): nothing to move.
    if v.windows(2).all(|w| cmp(&w[0], &w[1]) != Ordering::Greater) {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let v = &*v;
        sort_indices(&mut order, &mut |a, b| match (v.get(a), v.get(b)) {
            (Some(a), Some(b)) => cmp(a, b),
            // Every index is below `v.len()`; this arm is never taken.
            _ => a.cmp(&b),
        });
    }
    permute(v, &mut order);
}

/// Sorts positions stably with a comparison behind `dyn`: not generic, compiled once.
fn sort_indices(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|a, b| cmp(*a, *b));
}

/// Rearranges `v` so that position `i` holds what was at `order[i]`, one cycle of the
/// permutation at a time with swaps. `order` must be a permutation of `0..v.len()`; it is
/// used up (left as the identity).
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The indirect sort gives exactly the standard stable sort's order, ties included.
        #[test]
        fn indirect_sort_is_the_stable_sort(keys in proptest::collection::vec(0u8..6, 0..80)) {
            let tagged: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();
            let mut want = tagged.clone();
            want.sort_by_key(|t| t.0);
            let mut got = tagged;
            sort_indirect(&mut got, &mut |a, b| a.0.cmp(&b.0));
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn permute_applies_the_order() {
        let mut v = vec!['a', 'b', 'c', 'd', 'e'];
        let mut order = vec![3, 0, 4, 1, 2];
        permute(&mut v, &mut order);
        assert_eq!(v, vec!['d', 'a', 'e', 'b', 'c']);
        assert_eq!(order, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn helpers_sort_like_the_standard_library() {
        let mut v = vec![(2, 'x'), (1, 'y'), (2, 'a'), (0, 'z')];
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, vec![(0, 'z'), (1, 'y'), (2, 'x'), (2, 'a')]);
        let mut w = vec!["pear", "apple", "fig"];
        sort(&mut w);
        assert_eq!(w, vec!["apple", "fig", "pear"]);
    }
}
