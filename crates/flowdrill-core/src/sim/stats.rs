//! Statistics for simulation results: streaming summaries, duration quantiles,
//! time-weighted levels, chart series, replication confidence intervals, and the M/M/c
//! (Erlang C) formulas to check a model against.
//!
//! Everything is deterministic and portable: only `+ - * /`, square roots and `libm`,
//! never the platform's `ln`/`exp`/`powf`, so a run gives the same numbers natively and
//! in WebAssembly. Nothing here panics and no result is NaN: NaN inputs are ignored, and so
//! are infinities and magnitudes above 1e300 (treated alike, so that no sum or product can
//! overflow into NaN); negative durations and levels count as 0; times that go backwards
//! are taken as the last time. Each item documents its rule.

use serde::Serialize;

/// Inputs of larger magnitude than this are treated like infinities and ignored.
const LIMIT: f64 = 1e300;

/// Whether `x` is a number this module accepts: not NaN and of magnitude at most [`LIMIT`].
fn usable(x: f64) -> bool {
    x.abs() <= LIMIT
}

/// `x` clamped to be non-negative (negative zero becomes zero).
fn non_negative(x: f64) -> f64 {
    if x > 0.0 { x } else { 0.0 }
}

/// The time a change at `t` takes effect when the last one was at `last`: `t`, unless it
/// is earlier than `last` or not usable.
fn later(t: f64, last: f64) -> f64 {
    if t > last && usable(t) { t } else { last }
}

/// A level as recorded: `None` (ignored) when unusable, else clamped to be non-negative.
fn level_of(level: f64) -> Option<f64> {
    usable(level).then(|| non_negative(level))
}

/// Streaming count, mean, variance, minimum and maximum of samples (Welford's method).
///
/// Samples that are NaN, infinite or of magnitude above 1e300 are ignored; negative samples
/// are fine. An empty summary has mean and variance 0 and no minimum or maximum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    count: u64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
}

impl Summary {
    /// An empty summary.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a sample: O(1), no allocation.
    pub fn add(&mut self, x: f64) {
        if !usable(x) {
            return;
        }
        if self.count == 0 {
            (self.min, self.max) = (x, x);
        } else {
            (self.min, self.max) = (self.min.min(x), self.max.max(x));
        }
        self.count += 1;
        let d = x - self.mean;
        self.mean += d / self.count as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Adds all the samples of `other`, as if each had been added to `self` (the parallel
    /// formula of Chan, Golub and LeVeque).
    pub fn merge(&mut self, other: &Summary) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let share = nb / (na + nb);
        let d = other.mean - self.mean;
        self.mean += d * share;
        self.m2 += other.m2 + d * d * na * share;
        self.count = self.count.saturating_add(other.count);
        (self.min, self.max) = (self.min.min(other.min), self.max.max(other.max));
    }

    /// The number of samples added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The mean of the samples, 0 when there are none.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The sample variance (divisor n - 1), 0 with fewer than two samples.
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            0.0
        } else {
            self.m2 / (self.count - 1) as f64
        }
    }

    /// The sample standard deviation, 0 with fewer than two samples.
    pub fn std_dev(&self) -> f64 {
        libm::sqrt(self.variance())
    }

    /// The smallest sample, `None` when there are none.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// The largest sample, `None` when there are none.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// The mean with its 95% confidence interval, treating each sample as one independent
    /// replication; see [`confidence_95`].
    pub fn confidence_95(&self) -> Estimate {
        let half_width = if self.count < 2 {
            f64::INFINITY
        } else {
            t_975(self.count - 1) * self.std_dev() / libm::sqrt(self.count as f64)
        };
        Estimate {
            mean: self.mean,
            half_width,
            n: self.count,
        }
    }
}

/// Smallest binary exponent with its own buckets: 2^-10 s ≈ 1 ms.
const Q_EMIN: i32 = -10;
/// Largest: 2^30 s ≈ 34 years.
const Q_EMAX: i32 = 30;
/// Linear sub-buckets per octave: each spans at most 1/50 of its lower edge.
const Q_SUB: usize = 50;
/// The zero bucket and 50 buckets for each octave from 2^-10 to 2^31 seconds.
const Q_BUCKETS: usize = 1 + (Q_EMAX - Q_EMIN + 1) as usize * Q_SUB;

/// Streaming quantiles of non-negative durations in seconds, within 1% relative error.
///
/// Samples are counted in buckets found from the bits of the number, without logarithms:
/// each octave [2^e, 2^(e+1)) is cut into 50 equal parts, so a bucket [L, U) has U/L at
/// most 1.02, and it is represented by the point 2LU/(L+U), at equal relative distance from
/// both edges and within 1/101 (0.9901%) of every value in the bucket. Values below 2^-10 s
/// (about 1 ms) go to a zero bucket represented by 0; values from 2^31 s (about 68 years) go
/// to the top bucket and lose the error bound. The exact minimum and maximum are
/// tracked separately and every quantile is clamped to them.
///
/// Negative samples count as 0; NaN, infinite and above-1e300 samples are ignored. The
/// counters are one `Vec` of 2051 `u64`s allocated by [`Quantiles::new`]; `add` is O(1),
/// allocation-free and uses no floating-point functions.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantiles {
    counts: Vec<u64>,
    count: u64,
    min: f64,
    max: f64,
}

impl Default for Quantiles {
    fn default() -> Self {
        Self::new()
    }
}

impl Quantiles {
    /// An empty histogram.
    pub fn new() -> Self {
        Self {
            counts: vec![0; Q_BUCKETS],
            count: 0,
            min: 0.0,
            max: 0.0,
        }
    }

    /// Adds a duration in seconds: O(1), no allocation.
    pub fn add(&mut self, x: f64) {
        if !usable(x) {
            return;
        }
        let x = non_negative(x);
        if let Some(c) = self.counts.get_mut(bucket_of(x)) {
            *c = c.saturating_add(1);
        }
        if self.count == 0 {
            (self.min, self.max) = (x, x);
        } else {
            (self.min, self.max) = (self.min.min(x), self.max.max(x));
        }
        self.count = self.count.saturating_add(1);
    }

    /// Adds all the samples of `other`, exactly as if each had been added to `self`.
    pub fn merge(&mut self, other: &Quantiles) {
        if other.count == 0 {
            return;
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.saturating_add(*b);
        }
        if self.count == 0 {
            (self.min, self.max) = (other.min, other.max);
        } else {
            (self.min, self.max) = (self.min.min(other.min), self.max.max(other.max));
        }
        self.count = self.count.saturating_add(other.count);
    }

    /// The number of samples added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The `q`-quantile by nearest rank (the smallest sample with at least a fraction `q` of
    /// the samples at or below it), as its bucket's representative: within 1% of the exact
    /// value for durations from 1 ms to 68 years, below 1 ms for shorter ones.
    ///
    /// `q = 0` gives the exact minimum and `q = 1` the exact maximum; `q` outside [0, 1] is
    /// clamped and NaN is taken as 0. An empty histogram gives 0.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 || q.is_nan() || q <= 0.0 {
            return self.min;
        }
        if q >= 1.0 {
            return self.max;
        }
        let rank = (libm::ceil(q * self.count as f64) as u64).max(1);
        let mut seen = 0u64;
        for (k, &c) in self.counts.iter().enumerate() {
            seen = seen.saturating_add(c);
            if seen >= rank {
                return representative(k).max(self.min).min(self.max);
            }
        }
        self.max
    }

    /// The smallest sample (negative ones counted as 0), 0 when there are none.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The largest sample, 0 when there are none.
    pub fn max(&self) -> f64 {
        self.max
    }
}

/// 2^e as an `f64`, exactly.
fn pow2(e: i32) -> f64 {
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// The bucket of a non-negative duration: octave from the exponent bits, part of the
/// octave from the mantissa bits.
fn bucket_of(x: f64) -> usize {
    if x < pow2(Q_EMIN) {
        return 0;
    }
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i32 - 1023;
    if e > Q_EMAX {
        return Q_BUCKETS - 1;
    }
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let sub = (((m - 1.0) * Q_SUB as f64) as usize).min(Q_SUB - 1);
    1 + (e - Q_EMIN) as usize * Q_SUB + sub
}

/// The value reported for bucket `k`: 0 for the zero bucket, else 2LU/(L+U) of its edges.
fn representative(k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    let (octave, sub) = ((k - 1) / Q_SUB, (k - 1) % Q_SUB);
    let base = pow2(Q_EMIN + octave as i32);
    let lower = base * (1.0 + sub as f64 / Q_SUB as f64);
    let upper = base * (1.0 + (sub + 1) as f64 / Q_SUB as f64);
    2.0 * lower * upper / (lower + upper)
}

/// The time average of a piecewise-constant level, such as a queue length or the number
/// of busy servers, and its maximum.
///
/// Levels are clamped to be non-negative; NaN, infinite and above-1e300 levels are ignored
/// (the call has no effect). Times should not decrease: a time earlier than the last one,
/// or NaN, infinite or above 1e300, is taken as the last time, so the change takes effect
/// at once without covering any time.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeWeighted {
    start: f64,
    last: f64,
    level: f64,
    area: f64,
    max: f64,
}

/// The time average and maximum of a level over a period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimeWeightedResult {
    /// The time-weighted mean level.
    pub mean: f64,
    /// The highest level held during the period, even for no time at all.
    pub max: f64,
}

impl TimeWeighted {
    /// Starts averaging at `t0` with level `level0`. An unusable `t0` is taken as 0 and an
    /// unusable `level0` as 0.
    pub fn new(t0: f64, level0: f64) -> Self {
        let t0 = if usable(t0) { t0 } else { 0.0 };
        let level = level_of(level0).unwrap_or(0.0);
        Self {
            start: t0,
            last: t0,
            level,
            area: 0.0,
            max: level,
        }
    }

    /// The level changes to `level` at time `t`.
    pub fn set(&mut self, t: f64, level: f64) {
        let Some(level) = level_of(level) else {
            return;
        };
        self.advance(t);
        self.level = level;
        self.max = self.max.max(level);
    }

    /// Restarts the averaging at `t` (the end of a warm-up, say): the current level is kept,
    /// the area and the maximum so far are forgotten.
    pub fn reset(&mut self, t: f64) {
        self.advance(t);
        self.start = self.last;
        self.area = 0.0;
        self.max = self.level;
    }

    /// The current level.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The time-weighted mean from the start (or the last reset) until `t`, the current
    /// level holding until then. Over an empty period it is the current level.
    pub fn mean_until(&self, t: f64) -> f64 {
        let t = later(t, self.last);
        let span = t - self.start;
        if span > 0.0 {
            (self.area + self.level * (t - self.last)) / span
        } else {
            self.level
        }
    }

    /// The highest level since the start (or the last reset).
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The mean until `t` and the maximum. The averaging can go on afterwards.
    pub fn finish(&self, t: f64) -> TimeWeightedResult {
        TimeWeightedResult {
            mean: self.mean_until(t),
            max: self.max,
        }
    }

    fn advance(&mut self, t: f64) {
        let t = later(t, self.last);
        self.area += self.level * (t - self.last);
        self.last = t;
    }
}

/// The most buckets a [`Series`] has; more are clamped to this.
pub const MAX_SERIES_BUCKETS: usize = 1 << 20;

/// A level recorded into fixed-width time buckets for a chart: the time-weighted mean and
/// the maximum of the level within each bucket.
///
/// Bucket `k` covers [start + k · resolution, start + (k + 1) · resolution). The level is 0
/// until first set; levels and times are treated as by [`TimeWeighted`]. Time outside the
/// buckets is not recorded: a level set before `start` holds from `start` on, and nothing
/// after the last bucket counts. Each bucket covers the time passed in it so far (a bucket
/// not reached yet has mean and maximum 0; the bucket of the last time includes the current
/// level in its maximum, and has it as its mean if no time has passed in it yet).
///
/// A `resolution_secs` that is not positive, or a `start` or window end that is unusable,
/// gives a series without buckets, which ignores everything. The buckets are allocated by
/// [`Series::new`]; `set` is O(1) amortised, passing the buckets one by one.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    start: f64,
    resolution: f64,
    last: f64,
    level: f64,
    /// The bucket holding `last` (the number of buckets once past the end).
    current: usize,
    area: Vec<f64>,
    max: Vec<f64>,
}

/// One bucket of a [`Series`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SeriesPoint {
    /// The time the bucket starts.
    pub t: f64,
    /// The time-weighted mean level within the bucket.
    pub mean: f64,
    /// The highest level within the bucket.
    pub max: f64,
}

impl Series {
    /// A series of `buckets` buckets (at most [`MAX_SERIES_BUCKETS`]) of `resolution_secs`
    /// seconds each, from `start`.
    pub fn new(start: f64, resolution_secs: f64, buckets: usize) -> Self {
        let buckets = buckets.min(MAX_SERIES_BUCKETS);
        let valid = usable(start)
            && resolution_secs > 0.0
            && usable(start + resolution_secs * buckets as f64);
        let (start, resolution, buckets) = if valid {
            (start, resolution_secs, buckets)
        } else {
            (0.0, 1.0, 0)
        };
        Self {
            start,
            resolution,
            last: f64::NEG_INFINITY,
            level: 0.0,
            current: 0,
            area: vec![0.0; buckets],
            max: vec![0.0; buckets],
        }
    }

    /// The level changes to `level` at time `t`.
    pub fn set(&mut self, t: f64, level: f64) {
        let Some(level) = level_of(level) else {
            return;
        };
        self.advance(t);
        self.level = level;
        if self.last >= self.start
            && let Some(m) = self.max.get_mut(self.current)
        {
            *m = m.max(level);
        }
    }

    /// The current level holds until `t`: call it with the end of the run before reading
    /// the buckets, so that the last one covers its time.
    pub fn advance(&mut self, t: f64) {
        let t = later(t, self.last);
        if self.last < self.start {
            // Time before the window adds nothing.
            self.last = t.min(self.start);
        }
        while self.last < t {
            let (Some(area), Some(max)) = (
                self.area.get_mut(self.current),
                self.max.get_mut(self.current),
            ) else {
                break;
            };
            let end = self.start + (self.current + 1) as f64 * self.resolution;
            let to = t.min(end);
            *area += self.level * (to - self.last);
            *max = max.max(self.level);
            self.last = to;
            if to >= end {
                self.current += 1;
            }
        }
        self.last = t;
    }

    /// The buckets in order, with their start times, means and maxima.
    pub fn points(&self) -> Vec<SeriesPoint> {
        (0..self.area.len()).map(|k| self.point(k)).collect()
    }

    /// The time-weighted mean level of each bucket.
    pub fn means(&self) -> Vec<f64> {
        (0..self.area.len()).map(|k| self.point(k).mean).collect()
    }

    /// The highest level of each bucket.
    pub fn maxima(&self) -> Vec<f64> {
        (0..self.area.len()).map(|k| self.point(k).max).collect()
    }

    fn point(&self, k: usize) -> SeriesPoint {
        let t = self.start + k as f64 * self.resolution;
        let end = self.start + (k + 1) as f64 * self.resolution;
        let covered = self.last.min(end) - t;
        let area = self.area.get(k).copied().unwrap_or(0.0);
        let mut max = self.max.get(k).copied().unwrap_or(0.0);
        let holds_last = k == self.current && self.last >= t;
        if holds_last {
            max = max.max(self.level);
        }
        let mean = if covered > 0.0 {
            area / covered
        } else if holds_last {
            self.level
        } else {
            0.0
        };
        SeriesPoint { t, mean, max }
    }
}

/// A mean with the half-width of its 95% confidence interval: mean ± half_width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Estimate {
    /// The mean of the samples, 0 when there are none.
    pub mean: f64,
    /// The half-width of the 95% confidence interval; `f64::INFINITY` with fewer than two
    /// samples (nothing is known about the spread; JSON writes it as `null`).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub half_width: f64,
    /// The number of samples used.
    pub n: u64,
}

/// The mean of independent replication results with its 95% confidence interval,
/// mean ± t(0.975, n-1) · s / √n (Student's t; see [`t_975`]).
///
/// NaN, infinite and above-1e300 samples are ignored and not counted in `n`. With fewer
/// than two samples the half-width is `f64::INFINITY`.
pub fn confidence_95(samples: &[f64]) -> Estimate {
    let mut s = Summary::new();
    for &x in samples {
        s.add(x);
    }
    s.confidence_95()
}

/// Student's t critical values t(0.975, df) for df = 1..=30.
const T_975: [f64; 30] = [
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
    2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687,
    2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/// The normal quantile z(0.975), the limit of t(0.975, df).
const Z_975: f64 = 1.959_964;

/// Student's t critical value t(0.975, df): two-sided 95%.
///
/// Tabulated to four decimals for df = 1..=30; beyond, interpolated linearly in 1/df
/// between the values at 30, 40, 60, 120 and the normal 1.96 at infinity (within 0.0001 of
/// the exact value). df = 0 gives `f64::INFINITY`.
pub fn t_975(df: u64) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return T_975.get(df as usize - 1).copied().unwrap_or(Z_975);
    }
    let inv = 1.0 / df as f64;
    let mut upper = (1.0 / 30.0, 2.0423);
    for (d, t) in [
        (40.0, 2.0211),
        (60.0, 2.0003),
        (120.0, 1.9799),
        (f64::INFINITY, Z_975),
    ] {
        let lower = (1.0 / d, t);
        if inv >= lower.0 {
            return lower.1 + (upper.1 - lower.1) * (inv - lower.0) / (upper.0 - lower.0);
        }
        upper = lower;
    }
    Z_975
}

/// Steady-state waiting figures of an M/M/c queue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErlangC {
    /// The probability that an arrival has to wait (Erlang's C formula).
    pub wait_probability: f64,
    /// The mean time an arrival waits before its service starts (Wq), in the time unit of
    /// the rates.
    pub mean_wait: f64,
    /// The utilisation of each server, ρ = λ / (c μ).
    pub utilisation: f64,
}

/// The M/M/c queue with `servers` servers, Poisson arrivals at `arrival_rate` and
/// exponential services at `service_rate` per server (both per the same time unit).
///
/// `None` when the queue is unstable (ρ ≥ 1) or an input is invalid: no servers, a
/// negative or unusable arrival rate, a service rate that is not positive or unusable.
/// Computed through Erlang B's recursion B(k) = a B(k-1) / (k + a B(k-1)), a = λ/μ, which
/// neither overflows nor loses precision; O(servers).
pub fn erlang_c(servers: u32, arrival_rate: f64, service_rate: f64) -> Option<ErlangC> {
    let valid = servers > 0
        && arrival_rate >= 0.0
        && usable(arrival_rate)
        && service_rate > 0.0
        && usable(service_rate);
    if !valid {
        return None;
    }
    let c = f64::from(servers);
    let a = arrival_rate / service_rate;
    let rho = a / c;
    if rho >= 1.0 {
        return None;
    }
    let mut b = 1.0;
    for k in 1..=servers {
        if b == 0.0 {
            break;
        }
        let ab = a * b;
        b = ab / (f64::from(k) + ab);
    }
    let wait_probability = b / (1.0 - rho * (1.0 - b));
    Some(ErlangC {
        wait_probability,
        mean_wait: wait_probability / (c * service_rate - arrival_rate),
        utilisation: rho,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEIRD: [f64; 9] = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        -0.0,
        0.0,
        f64::MAX,
        -f64::MAX,
        f64::MIN_POSITIVE,
    ];

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn summary_of_a_small_set() {
        let mut s = Summary::new();
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            s.add(x);
        }
        assert_eq!(s.count(), 8);
        assert!(close(s.mean(), 5.0, 1e-12));
        assert!(close(s.variance(), 32.0 / 7.0, 1e-12));
        assert!(close(s.std_dev(), (32.0f64 / 7.0).sqrt(), 1e-12));
        assert_eq!((s.min(), s.max()), (Some(2.0), Some(9.0)));
    }

    #[test]
    fn summary_merge_equals_adding_all() {
        let xs: Vec<f64> = (0..100)
            .map(|i| ((i * 37) % 101) as f64 * 0.5 - 10.0)
            .collect();
        let mut all = Summary::new();
        xs.iter().for_each(|&x| all.add(x));
        for split in [0, 1, 37, 99, 100] {
            let (mut a, mut b) = (Summary::new(), Summary::new());
            xs[..split].iter().for_each(|&x| a.add(x));
            xs[split..].iter().for_each(|&x| b.add(x));
            a.merge(&b);
            assert_eq!(a.count(), all.count());
            assert!(close(a.mean(), all.mean(), 1e-12));
            assert!(close(a.variance(), all.variance(), 1e-9));
            assert_eq!((a.min(), a.max()), (all.min(), all.max()));
        }
    }

    #[test]
    fn summary_empty_and_invalid() {
        let mut s = Summary::new();
        assert_eq!((s.mean(), s.variance(), s.std_dev()), (0.0, 0.0, 0.0));
        assert_eq!((s.min(), s.max()), (None, None));
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MAX] {
            s.add(x);
        }
        assert_eq!(s.count(), 0);
        s.add(-3.0);
        assert_eq!((s.mean(), s.variance(), s.min()), (-3.0, 0.0, Some(-3.0)));
        // Extremes within the limit overflow to infinity at worst, never to NaN.
        for x in [1e300, -1e300, 1e300, -1e300] {
            s.add(x);
        }
        let mut m = s;
        m.merge(&s);
        for s in [s, m] {
            assert!(!s.mean().is_nan() && !s.variance().is_nan());
            assert!(!s.confidence_95().half_width.is_nan());
        }
    }

    #[test]
    fn quantiles_of_one_to_ten_thousand() {
        let mut q = Quantiles::new();
        for i in 1..=10_000 {
            q.add(f64::from(i));
        }
        assert_eq!(q.count(), 10_000);
        for p in [
            0.0001, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999,
        ] {
            let exact = libm::ceil(p * 10_000.0);
            let got = q.quantile(p);
            assert!(
                (got - exact).abs() <= 0.01 * exact,
                "q{p}: {got} vs {exact}"
            );
        }
        assert_eq!((q.quantile(0.0), q.quantile(1.0)), (1.0, 10_000.0));
        assert_eq!((q.min(), q.max()), (1.0, 10_000.0));
    }

    #[test]
    fn quantile_buckets_bound_the_relative_error() {
        let mut x = 1e-3;
        while x < 1e9 {
            let rep = representative(bucket_of(x));
            assert!((rep - x).abs() <= x / 101.0 * (1.0 + 1e-12), "{x}: {rep}");
            x *= 1.003_7;
        }
        assert_eq!(bucket_of(0.0), 0);
        assert_eq!(bucket_of(1e20), Q_BUCKETS - 1);
    }

    #[test]
    fn quantiles_merge_equals_adding_all() {
        let xs: Vec<f64> = (0..1000).map(|i| f64::from(i * i) * 0.013).collect();
        let (mut all, mut a, mut b) = (Quantiles::new(), Quantiles::new(), Quantiles::new());
        xs.iter().for_each(|&x| all.add(x));
        xs.iter().step_by(2).for_each(|&x| a.add(x));
        xs.iter().skip(1).step_by(2).for_each(|&x| b.add(x));
        a.merge(&b);
        assert_eq!(a, all);
        let mut e = Quantiles::new();
        e.merge(&all);
        assert_eq!(e, all);
    }

    #[test]
    fn quantiles_empty_and_invalid() {
        let mut q = Quantiles::new();
        assert_eq!((q.quantile(0.5), q.max(), q.count()), (0.0, 0.0, 0));
        for x in WEIRD {
            q.add(x);
        }
        // NaN, the infinities and ±MAX ignored; -1, -0, 0 count as 0.
        assert_eq!(q.count(), 4);
        assert_eq!((q.min(), q.max()), (0.0, f64::MIN_POSITIVE));
        for p in [f64::NAN, -1.0, 0.5, 2.0, f64::INFINITY] {
            assert!(q.quantile(p) >= 0.0);
        }
        // Above the range: clamped to the exact maximum.
        let mut big = Quantiles::new();
        big.add(1e12);
        assert_eq!(big.quantile(0.5), 1e12);
    }

    #[test]
    fn time_weighted_step_function() {
        // 0 on [0, 2), 3 on [2, 5), 1 on [5, 10): area 9 + 5 = 14 over 10.
        let mut w = TimeWeighted::new(0.0, 0.0);
        w.set(2.0, 3.0);
        w.set(5.0, 1.0);
        assert_eq!(
            w.finish(10.0),
            TimeWeightedResult {
                mean: 1.4,
                max: 3.0
            }
        );
        assert!(close(w.mean_until(5.0), 9.0 / 5.0, 1e-12));
        // An earlier time is taken as the last one: the level changes at 5.
        w.set(1.0, 2.0);
        assert!(close(w.mean_until(10.0), (9.0 + 10.0) / 10.0, 1e-12));
        assert_eq!(w.level(), 2.0);
    }

    #[test]
    fn time_weighted_reset_after_warm_up() {
        let mut w = TimeWeighted::new(0.0, 0.0);
        w.set(2.0, 3.0);
        w.reset(4.0);
        w.set(5.0, 1.0);
        // 3 on [4, 5), 1 on [5, 10): 8 over 6.
        let r = w.finish(10.0);
        assert!(close(r.mean, 8.0 / 6.0, 1e-12));
        assert_eq!(r.max, 3.0);
        w.reset(6.0);
        assert_eq!(
            w.finish(10.0),
            TimeWeightedResult {
                mean: 1.0,
                max: 1.0
            }
        );
        assert_eq!(w.mean_until(6.0), 1.0);
    }

    #[test]
    fn time_weighted_invalid_inputs() {
        let mut w = TimeWeighted::new(f64::NAN, f64::NAN);
        assert_eq!(
            w.finish(0.0),
            TimeWeightedResult {
                mean: 0.0,
                max: 0.0
            }
        );
        for x in WEIRD {
            for t in WEIRD {
                w.set(t, x);
                w.reset(t);
                let r = w.finish(t);
                assert!(r.mean >= 0.0 && r.max >= 0.0, "{t} {x}: {r:?}");
            }
        }
        let mut w = TimeWeighted::new(0.0, 2.0);
        w.set(1.0, -5.0);
        w.set(2.0, f64::NAN);
        assert_eq!(
            w.finish(2.0),
            TimeWeightedResult {
                mean: 1.0,
                max: 2.0
            }
        );
    }

    #[test]
    fn series_of_a_step_function() {
        // 0 on [0, 5), 2 on [5, 15), 4 on [15, 25), 0 from 25, in buckets of 10.
        let mut s = Series::new(0.0, 10.0, 3);
        s.set(5.0, 2.0);
        s.set(15.0, 4.0);
        s.set(25.0, 0.0);
        // The last bucket has covered [20, 25) so far.
        assert_eq!(s.means(), vec![1.0, 3.0, 4.0]);
        s.advance(30.0);
        assert_eq!(s.means(), vec![1.0, 3.0, 2.0]);
        assert_eq!(s.maxima(), vec![2.0, 4.0, 4.0]);
        let p = s.points();
        assert_eq!(
            p.iter().map(|p| p.t).collect::<Vec<_>>(),
            vec![0.0, 10.0, 20.0]
        );
        // After the window, nothing changes.
        s.set(35.0, 100.0);
        assert_eq!(s.points(), p);
    }

    #[test]
    fn series_edges() {
        let mut s = Series::new(100.0, 10.0, 4);
        // Before the window only the last level counts, from the start on.
        s.set(50.0, 9.0);
        s.set(90.0, 1.0);
        // A change exactly on an edge belongs to the later bucket only.
        s.set(110.0, 7.0);
        // An instantaneous spike counts in the maximum.
        s.set(115.0, 8.0);
        s.set(115.0, 7.0);
        assert_eq!(s.maxima(), vec![1.0, 8.0, 0.0, 0.0]);
        assert_eq!(s.means(), vec![1.0, 7.0, 0.0, 0.0]);
        // A jump over several buckets fills each one.
        s.set(135.0, 2.0);
        assert_eq!(s.means(), vec![1.0, 7.0, 7.0, 7.0]);
        assert_eq!(s.maxima(), vec![1.0, 8.0, 7.0, 7.0]);
        s.advance(140.0);
        assert_eq!(s.means(), vec![1.0, 7.0, 7.0, 4.5]);
    }

    #[test]
    fn series_invalid_inputs() {
        for (start, res) in [
            (f64::NAN, 1.0),
            (0.0, 0.0),
            (0.0, -1.0),
            (0.0, f64::NAN),
            (1e300, 1e300),
        ] {
            let mut s = Series::new(start, res, 10);
            s.set(1.0, 1.0);
            assert!(s.points().is_empty());
        }
        assert_eq!(
            Series::new(0.0, 1.0, usize::MAX).means().len(),
            MAX_SERIES_BUCKETS
        );
        let mut s = Series::new(0.0, 1.0, 5);
        for x in WEIRD {
            for t in WEIRD {
                s.set(t, x);
                s.advance(t);
            }
        }
        s.set(2.5, 3.0);
        s.advance(f64::INFINITY);
        for p in s.points() {
            assert!(p.mean >= 0.0 && p.max >= 0.0 && p.mean <= p.max, "{p:?}");
        }
    }

    #[test]
    fn confidence_interval_by_hand() {
        // Mean 3, s² = 10/4, s/√5 = √0.5; t(0.975, 4) = 2.776.
        let e = confidence_95(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!((e.mean, e.n), (3.0, 5));
        assert!(close(e.half_width, 2.776 * 0.5f64.sqrt(), 1e-3), "{e:?}");
        // NaN ignored; fewer than two samples: unknown spread.
        let e = confidence_95(&[f64::NAN, 7.0]);
        assert_eq!(
            e,
            Estimate {
                mean: 7.0,
                half_width: f64::INFINITY,
                n: 1
            }
        );
        assert_eq!(confidence_95(&[]).n, 0);
        assert_eq!(confidence_95(&[2.0, 2.0]).half_width, 0.0);
        let json = serde_json::to_string(&confidence_95(&[])).unwrap_or_default();
        assert_eq!(json, r#"{"mean":0.0,"half_width":null,"n":0}"#);
    }

    #[test]
    fn t_values() {
        assert_eq!((t_975(1), t_975(4), t_975(30)), (12.7062, 2.7764, 2.0423));
        assert_eq!(t_975(0), f64::INFINITY);
        assert!(close(t_975(40), 2.0211, 1e-12) && close(t_975(120), 1.9799, 1e-12));
        assert!(close(t_975(50), 2.0086, 5e-4) && close(t_975(1000), 1.9623, 5e-4));
        assert!(close(t_975(u64::MAX), Z_975, 1e-9));
        let mut prev = f64::INFINITY;
        for df in 1..2000 {
            let t = t_975(df);
            assert!(t < prev && t > Z_975, "df {df}: {t}");
            prev = t;
        }
    }

    #[test]
    fn erlang_c_known_values() {
        // c = 1: P(wait) = ρ, Wq = ρ / (μ - λ).
        let q = erlang_c(1, 0.5, 1.0);
        assert_eq!(
            q,
            Some(ErlangC {
                wait_probability: 0.5,
                mean_wait: 1.0,
                utilisation: 0.5
            })
        );
        // c = 2, λ = 1, μ = 0.75: a = 4/3, ρ = 2/3, C = 2ρ²/(1+ρ) = 8/15,
        // Wq = C / (2μ - λ) = 16/15.
        let Some(q) = erlang_c(2, 1.0, 0.75) else {
            panic!("unstable")
        };
        assert!(close(q.wait_probability, 8.0 / 15.0, 1e-12));
        assert!(close(q.mean_wait, 16.0 / 15.0, 1e-12));
        assert!(close(q.utilisation, 2.0 / 3.0, 1e-12));
        // c = 3, a = 2 erlangs: 4/9.
        let Some(q) = erlang_c(3, 2.0, 1.0) else {
            panic!("unstable")
        };
        assert!(close(q.wait_probability, 4.0 / 9.0, 1e-12));
        // c = 10, a = 8 erlangs.
        let Some(q) = erlang_c(10, 8.0, 1.0) else {
            panic!("unstable")
        };
        assert!(close(q.wait_probability, 0.4092, 1e-4), "{q:?}");
        assert!(close(q.mean_wait, q.wait_probability / 2.0, 1e-12));
        // Many servers: no overflow.
        let Some(q) = erlang_c(10_000, 9_900.0, 1.0) else {
            panic!("unstable")
        };
        assert!(q.wait_probability > 0.0 && q.wait_probability < 1.0);
        assert_eq!(erlang_c(5, 0.0, 1.0).map(|q| q.mean_wait), Some(0.0));
    }

    #[test]
    fn erlang_c_unstable_or_invalid() {
        assert_eq!(erlang_c(2, 2.0, 1.0), None);
        assert_eq!(erlang_c(1, 3.0, 1.0), None);
        assert_eq!(erlang_c(0, 1.0, 1.0), None);
        for x in WEIRD {
            assert_eq!(
                erlang_c(3, x, 1.0).is_some(),
                x == 0.0 || x == f64::MIN_POSITIVE
            );
            assert_eq!(erlang_c(3, 1.0, x), None);
        }
    }
}
