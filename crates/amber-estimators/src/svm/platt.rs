//! Probabilities for SVC as libsvm (bundled with scikit-learn) computes them: Platt's sigmoid
//! fitted to decision values from an internal 5-fold cross-validation whose folds are drawn by
//! scikit-learn's generator, then pairwise coupling across classes (Wu, Lin & Weng 2004).

use amber_data::random::RandomState;

use super::smo::{self, Problem, Rows};
use super::{FittedKernel, Platt};

/// The seed scikit-learn hands to libsvm: `RandomState(random_state).randint(2**31 - 1)`.
pub(super) fn libsvm_seed(random_state: u32) -> u32 {
    // `interval(max)` draws in 0..=max, and max < 2³¹, so the value fits.
    RandomState::new(random_state).interval(i32::MAX as u64 - 1) as u32
}

/// scikit-learn's libsvm generator: a `std::mt19937` that every `svm_train` call reseeds, and
/// `bounded_rand_int` (Lemire's method with its rejection step).
pub(super) struct LibsvmRng {
    seed: u32,
    mt: RandomState,
}

impl LibsvmRng {
    pub fn new(seed: u32) -> Self {
        LibsvmRng { seed, mt: RandomState::new(seed) }
    }

    /// What the start of every (nested) `svm_train` does.
    fn reseed(&mut self) {
        self.mt = RandomState::new(self.seed);
    }

    /// Uniform in `0..range` (`range > 0`).
    fn bounded(&mut self, range: u32) -> u32 {
        let mut m = u64::from(self.mt.next_u32()) * u64::from(range);
        let mut low = m as u32;
        if low < range {
            let mut t = range.wrapping_neg();
            if t >= range {
                t -= range;
                if t >= range {
                    t %= range;
                }
            }
            while low < t {
                m = u64::from(self.mt.next_u32()) * u64::from(range);
                low = m as u32;
            }
        }
        (m >> 32) as u32
    }
}

/// Decision value of a binary solution at `point`: `Σ coef_k K(x_k, point) - rho`, summed over
/// the nonzero coefficients in the problem's order (libsvm's support vector order).
pub(super) fn decision(
    kernel: FittedKernel,
    x: Rows<'_>,
    rows: &[usize],
    coef: &[f64],
    rho: f64,
    point: &[f64],
) -> f64 {
    rows.iter()
        .zip(coef)
        .filter(|(_, c)| **c != 0.0)
        .fold(0.0, |s, (&r, c)| s + c * kernel.eval(x.row(r), point))
        - rho
}

const FOLDS: usize = 5;

/// The fold order libsvm's `svm_binary_svc_probability` draws for one one-vs-one problem (`y` is
/// `+1` for the first class), leaving `rng` where libsvm leaves it: every fold whose training part
/// has both classes trains a nested model, and every `svm_train` reseeds.
pub(super) fn folds(problem: &Problem<'_>, rng: &mut LibsvmRng) -> Vec<usize> {
    let l = problem.rows.len();
    let mut perm: Vec<usize> = (0..l).collect();
    for i in 0..l {
        // `l - i` is at most the number of rows, which fits the u32 libsvm uses.
        let j = i + rng.bounded((l - i) as u32) as usize;
        perm.swap(i, j);
    }
    if (0..FOLDS).any(|fold| fold_kind(problem, &perm, fold).is_none()) {
        rng.reseed();
    }
    perm
}

/// A fold's held-out rows and the value they get when its training part lacks a class (`None`:
/// a nested model is trained).
fn fold_kind(problem: &Problem<'_>, perm: &[usize], fold: usize) -> Option<f64> {
    let l = perm.len();
    let (begin, end) = (fold * l / FOLDS, (fold + 1) * l / FOLDS);
    let train = perm[..begin].iter().chain(&perm[end..]);
    let positives = train.clone().filter(|&&p| problem.y[p] == 1).count();
    match (positives, l - (end - begin) - positives) {
        (0, 0) => Some(0.0),
        (_, 0) => Some(1.0),
        (0, _) => Some(-1.0),
        _ => None,
    }
}

/// libsvm's `svm_binary_svc_probability` on the folds [`folds`] drew: decision values of a
/// 5-fold cross-validation, then Platt's sigmoid fitted to them.
pub(super) fn fit(
    problem: &Problem<'_>,
    perm: &[usize],
    kernel: FittedKernel,
    eps: f64,
    cache_bytes: usize,
) -> Platt {
    let l = perm.len();
    let mut dec = vec![0.0; l];
    for fold in 0..FOLDS {
        let (begin, end) = (fold * l / FOLDS, (fold + 1) * l / FOLDS);
        if let Some(value) = fold_kind(problem, perm, fold) {
            for &p in &perm[begin..end] {
                dec[p] = value;
            }
            continue;
        }
        let train: Vec<usize> = perm[..begin].iter().chain(&perm[end..]).copied().collect();
        // The nested svm_train sorts the labels (-1 before +1) and groups the rows by them, so
        // the negative class comes first and is the nested problem's positive one.
        let (neg, pos): (Vec<usize>, Vec<usize>) = train.iter().partition(|&&p| problem.y[p] != 1);
        let order: Vec<usize> = neg.iter().chain(&pos).copied().collect();
        let nested = Problem {
            x: problem.x,
            rows: order.iter().map(|&p| problem.rows[p]).collect(),
            y: order.iter().map(|&p| -problem.y[p]).collect(),
            // libsvm recomputes each bound as weight × the class's C: the outer problem's bound.
            c: order.iter().map(|&p| problem.c[p]).collect(),
        };
        let solution = smo::solve(&nested, kernel, eps, cache_bytes);
        for &p in &perm[begin..end] {
            let point = problem.x.row(problem.rows[p]);
            // The nested model's first label is -1: flip to +1-first.
            dec[p] = -decision(kernel, problem.x, &nested.rows, &solution.coef, solution.rho, point);
        }
    }
    let positive: Vec<bool> = problem.y.iter().map(|&y| y == 1).collect();
    sigmoid_train(&dec, &positive)
}

/// Platt's sigmoid fitted by Newton's method with backtracking (Lin, Lin & Weng 2007), in
/// libsvm's arithmetic.
pub(super) fn sigmoid_train(dec: &[f64], positive: &[bool]) -> Platt {
    let prior1 = positive.iter().filter(|&&p| p).count() as f64;
    let prior0 = positive.len() as f64 - prior1;
    let (hi, lo) = ((prior1 + 1.0) / (prior1 + 2.0), 1.0 / (prior0 + 2.0));
    let t: Vec<f64> = positive.iter().map(|&p| if p { hi } else { lo }).collect();
    let objective = |a: f64, b: f64| -> f64 {
        dec.iter().zip(&t).fold(0.0, |s, (d, ti)| {
            let f = d * a + b;
            s + if f >= 0.0 {
                ti * f + (1.0 + (-f).exp()).ln()
            } else {
                (ti - 1.0) * f + (1.0 + f.exp()).ln()
            }
        })
    };
    let (mut a, mut b) = (0.0, ((prior0 + 1.0) / (prior1 + 1.0)).ln());
    let mut fval = objective(a, b);
    for _ in 0..100 {
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (1e-12, 1e-12, 0.0, 0.0, 0.0);
        for (d, ti) in dec.iter().zip(&t) {
            let f = d * a + b;
            let (p, q) = if f >= 0.0 {
                ((-f).exp() / (1.0 + (-f).exp()), 1.0 / (1.0 + (-f).exp()))
            } else {
                (1.0 / (1.0 + f.exp()), f.exp() / (1.0 + f.exp()))
            };
            let d2 = p * q;
            h11 += d * d * d2;
            h22 += d2;
            h21 += d * d2;
            let d1 = ti - p;
            g1 += d * d1;
            g2 += d1;
        }
        if g1.abs() < 1e-5 && g2.abs() < 1e-5 {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let (da, db) = (-(h22 * g1 - h21 * g2) / det, -(-h21 * g1 + h11 * g2) / det);
        let gd = g1 * da + g2 * db;
        let mut step = 1.0;
        while step >= 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = objective(na, nb);
            if nf < fval + 0.0001 * step * gd {
                (a, b, fval) = (na, nb, nf);
                break;
            }
            step /= 2.0;
        }
        if step < 1e-10 {
            break;
        }
    }
    Platt { a, b }
}

/// libsvm's `sigmoid_predict`, clamped to `[1e-7, 1 - 1e-7]` as `svm_predict_probability` does.
pub(super) fn sigmoid_predict(decision: f64, platt: Platt) -> f64 {
    let f = decision * platt.a + platt.b;
    let p = if f >= 0.0 { (-f).exp() / (1.0 + (-f).exp()) } else { 1.0 / (1.0 + f.exp()) };
    p.clamp(1e-7, 1.0 - 1e-7)
}

/// libsvm's `multiclass_probability`: class probabilities from pairwise ones (Wu, Lin & Weng 2004,
/// method 2), for two classes too, as libsvm does. `r[i][j]` is P(class i | class i or j).
pub(super) fn couple(r: &[Vec<f64>]) -> Vec<f64> {
    let k = r.len();
    let mut q = vec![vec![0.0; k]; k];
    for t in 0..k {
        for j in 0..k {
            if j != t {
                q[t][t] += r[j][t] * r[j][t];
                q[t][j] = -r[j][t] * r[t][j];
            }
        }
    }
    let mut p = vec![1.0 / k as f64; k];
    let mut qp = vec![0.0; k];
    let eps = 0.005 / k as f64;
    for _ in 0..k.max(100) {
        let mut pqp = 0.0;
        for t in 0..k {
            qp[t] = (0..k).fold(0.0, |s, j| s + q[t][j] * p[j]);
            pqp += p[t] * qp[t];
        }
        if qp.iter().map(|v| (v - pqp).abs()).fold(0.0, f64::max) < eps {
            break;
        }
        for t in 0..k {
            let diff = (-qp[t] + pqp) / q[t][t];
            p[t] += diff;
            pqp = (pqp + diff * (diff * q[t][t] + 2.0 * qp[t])) / (1.0 + diff) / (1.0 + diff);
            for j in 0..k {
                qp[j] = (qp[j] + diff * q[t][j]) / (1.0 + diff);
                p[j] /= 1.0 + diff;
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::LibsvmRng;

    /// Platt's sigmoid on decision values of ±1000 to ±2000 with one positive row on the
    /// negative side: Newton's full step overshoots there and the line search halves it (twice,
    /// checked by instrumenting the loop). The result must still be the optimum, where the
    /// gradient of the cross-entropy, recomputed here from its formula, is below libsvm's 1e-5.
    #[test]
    fn sigmoid_train_backtracks_to_the_optimum() {
        let n = 10;
        let (mut dec, mut positive) = (Vec::new(), Vec::new());
        for i in 0..n {
            let d = 1000.0 * (1.0 + i as f64 / n as f64);
            dec.extend([d, -d]);
            positive.extend([true, false]);
        }
        positive[0] = false;
        let platt = super::sigmoid_train(&dec, &positive);
        // Targets: (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2); p = 1 / (1 + exp(A·d + B)).
        let n_pos = positive.iter().filter(|&&p| p).count() as f64;
        let n_neg = positive.len() as f64 - n_pos;
        let (mut g1, mut g2) = (0.0, 0.0);
        for (&d, &pos) in dec.iter().zip(&positive) {
            let t = if pos { (n_pos + 1.0) / (n_pos + 2.0) } else { 1.0 / (n_neg + 2.0) };
            let p = 1.0 / (1.0 + (platt.a * d + platt.b).exp());
            g1 += d * (t - p);
            g2 += t - p;
        }
        assert!(g1.abs() < 1e-5 && g2.abs() < 1e-5, "{platt:?}: gradient ({g1:e}, {g2:e})");
        assert!(platt.a < 0.0, "a larger decision value means a likelier positive: {platt:?}");
    }

    /// `sigmoid_predict` is `1 / (1 + exp(A·d + B))`, clamped to `[1e-7, 1 − 1e-7]`, without
    /// overflow on either side: libsvm switches between two forms of it at 0 so that `exp` never
    /// sees a large positive argument.
    #[test]
    fn sigmoid_predict_is_the_clamped_logistic_for_any_decision() {
        use super::{sigmoid_predict, Platt};
        let platt = Platt { a: -1.5, b: 0.25 };
        for d in [-3.0, -0.5, 0.0, 1.0 / 6.0, 0.2, 2.0, 7.5] {
            let f: f64 = d * platt.a + platt.b;
            let expected = 1.0 / (1.0 + f.exp());
            let ours = sigmoid_predict(d, platt);
            assert!((ours - expected).abs() <= 1e-15 * expected, "d = {d}: {ours} vs {expected}");
        }
        // A·d + B = ∓1e6 and ∓800: far past exp's range (e^709.8 overflows).
        let unit = Platt { a: -1.0, b: 0.0 };
        assert_eq!(sigmoid_predict(1e6, unit), 1.0 - 1e-7);
        assert_eq!(sigmoid_predict(800.0, unit), 1.0 - 1e-7);
        assert_eq!(sigmoid_predict(-1e6, unit), 1e-7);
        assert_eq!(sigmoid_predict(-800.0, unit), 1e-7);
    }

    /// scikit-learn's own generator (`sklearn.svm._newrand`) draws these, as recorded by
    /// tools/sklearn_newrand.py: ranges near 2³² and above 2³²/3 take the rejection step often,
    /// and its three reductions of `t` (none, one subtraction, a remainder) each occur.
    #[test]
    fn bounded_draws_are_sklearns_newrand() -> Result<(), serde_json::Error> {
        #[derive(serde::Deserialize)]
        struct Case {
            seed: u32,
            ranges: Vec<u32>,
            draws: Vec<u32>,
        }
        #[derive(serde::Deserialize)]
        struct Fixture {
            cases: Vec<Case>,
        }
        let fx: Fixture = serde_json::from_str(include_str!("../../tests/fixtures/sklearn_newrand.json"))?;
        assert_eq!(fx.cases.len(), 4);
        for case in &fx.cases {
            let mut rng = LibsvmRng::new(case.seed);
            let ours: Vec<u32> = case.ranges.iter().map(|&r| rng.bounded(r)).collect();
            assert_eq!(ours, case.draws, "seed {}", case.seed);
        }
        Ok(())
    }
}
