//! SVC from standard ONNX operators, in double precision: `SVMClassifier` (ONNX-ML) is missing from
//! pure-Rust runtimes, and its probabilities are not libsvm's. The graph computes what amber
//! computes:
//!
//! - the kernel against every support vector (`MatMul`; RBF as `exp(-γ(‖x‖² + ‖s‖² − 2x·s))`),
//!   one decision value per pair of classes (`MatMul` with the dual coefficients, minus ρ);
//! - the label by one-vs-one votes (`Greater`, `MatMul`), the first class on ties (`ArgMax`);
//! - with Platt scaling, each pair's probability `1 / (1 + exp(A·f + B))` clipped to
//!   `[1e-7, 1 − 1e-7]`, then libsvm's pairwise coupling (`multiclass_probability`), unrolled
//!   for its `max(100, k)` iterations, each row stopping where libsvm's loop stops (a `Where`
//!   keeps a row's probabilities once its error is below `0.005 / k`).
//!
//! Without Platt scaling (`probability = false`) amber has no probabilities either: the graph
//! outputs the decision values instead, as `decision_function`.

use amber_estimators::{FittedKernel, SVC};

use crate::classifier::{LABEL, PROBABILITIES};
use crate::graph;
use crate::proto::data_type;
use crate::steps::Builder;

/// The output of an SVC without probabilities: `[N, n_pairs]` decision values, pairs in the
/// order (0,1), (0,2), …, (1,2), ….
pub(crate) const DECISION_FUNCTION: &str = "decision_function";

impl Builder {
    pub(crate) fn svc(&mut self, m: &SVC, x: &str, labels: &[String]) {
        let (k, n_pairs) = (m.classes.len(), m.pairs.len());
        let (n_sv, d) = m.support_vectors.dim();
        let transposed: Vec<f64> = m.support_vectors.t().iter().copied().collect();
        let svs = self.g.f64s("support_vectors", &[d, n_sv], &transposed);
        let dots = self.g.op("MatMul", &[x, &svs], vec![]);
        let kernel = match m.kernel {
            FittedKernel::Linear => dots,
            FittedKernel::Rbf { gamma } => {
                let squares = self.g.op("Mul", &[x, x], vec![]);
                let ones = self.g.f64s("ones", &[d, 1], &vec![1.0; d]);
                let x_norms = self.g.op("MatMul", &[&squares, &ones], vec![]);
                let sv_norms: Vec<f64> = m.support_vectors.outer_iter().map(|s| s.dot(&s)).collect();
                let sv_norms = self.g.f64s("sv_norms", &[1, n_sv], &sv_norms);
                let two = self.g.scalar("two", 2.0);
                let sum = self.g.op("Add", &[&x_norms, &sv_norms], vec![]);
                let cross = self.g.op("Mul", &[&dots, &two], vec![]);
                let distances = self.g.op("Sub", &[&sum, &cross], vec![]);
                let minus_gamma = self.g.scalar("minus_gamma", -gamma);
                let exponent = self.g.op("Mul", &[&distances, &minus_gamma], vec![]);
                self.g.op("Exp", &[&exponent], vec![])
            }
        };
        let mut coef = vec![0.0; n_sv * n_pairs];
        for (p, pair) in m.pairs.iter().enumerate() {
            for (&s, &c) in pair.support.iter().zip(&pair.dual_coef) {
                if let Some(slot) = coef.get_mut(s as usize * n_pairs + p) {
                    *slot = c;
                }
            }
        }
        let coef = self.g.f64s("dual_coef", &[n_sv, n_pairs], &coef);
        let rho: Vec<f64> = m.pairs.iter().map(|p| p.rho).collect();
        let rho = self.g.f64s("rho", &[1, n_pairs], &rho);
        let weighted = self.g.op("MatMul", &[&kernel, &coef], vec![]);
        let decision = self.g.op("Sub", &[&weighted, &rho], vec![]);

        // Votes: pair p gives its first class a vote when its decision value is > 0, else its second.
        let (mut first, mut second) = (vec![0.0; n_pairs * k], vec![0.0; n_pairs * k]);
        for (p, pair) in m.pairs.iter().enumerate() {
            if let Some(v) = first.get_mut(p * k + pair.first) {
                *v = 1.0;
            }
            if let Some(v) = second.get_mut(p * k + pair.second) {
                *v = 1.0;
            }
        }
        let first = self.g.f64s("first_class", &[n_pairs, k], &first);
        let second = self.g.f64s("second_class", &[n_pairs, k], &second);
        let zero = self.g.scalar("zero", 0.0);
        let one = self.g.scalar("one", 1.0);
        let positive = self.g.op("Greater", &[&decision, &zero], vec![]);
        let positive = self.g.cast(&positive, data_type::DOUBLE);
        let negative = self.g.op("Sub", &[&one, &positive], vec![]);
        let for_first = self.g.op("MatMul", &[&positive, &first], vec![]);
        let for_second = self.g.op("MatMul", &[&negative, &second], vec![]);
        let votes = self.g.op("Add", &[&for_first, &for_second], vec![]);
        let winner = self.g.argmax_rows(&votes);
        let label = self.label_strings(&winner, labels);
        self.g.output(LABEL, &label, data_type::STRING, None);

        let platt: Option<Vec<_>> = m.pairs.iter().map(|p| p.platt).collect();
        match platt {
            Some(platt) => {
                let a: Vec<f64> = platt.iter().map(|p| p.a).collect();
                let b: Vec<f64> = platt.iter().map(|p| p.b).collect();
                let a = self.g.f64s("platt_a", &[1, n_pairs], &a);
                let b = self.g.f64s("platt_b", &[1, n_pairs], &b);
                let scaled = self.g.op("Mul", &[&decision, &a], vec![]);
                let f = self.g.op("Add", &[&scaled, &b], vec![]);
                let e = self.g.op("Exp", &[&f], vec![]);
                let denominator = self.g.op("Add", &[&one, &e], vec![]);
                let p = self.g.op("Div", &[&one, &denominator], vec![]);
                let low = self.g.scalar("min_prob", 1e-7);
                let high = self.g.scalar("max_prob", 1.0 - 1e-7);
                let p = self.g.op("Max", &[&p, &low], vec![]);
                let p = self.g.op("Min", &[&p, &high], vec![]);
                let proba = self.couple(&p, &first, &second, m);
                let proba = self.g.cast(&proba, data_type::FLOAT);
                self.g.output(PROBABILITIES, &proba, data_type::FLOAT, Some(k));
            }
            None => {
                let decision = self.g.cast(&decision, data_type::FLOAT);
                self.g.output(DECISION_FUNCTION, &decision, data_type::FLOAT, Some(n_pairs));
            }
        }
    }

    /// libsvm's `multiclass_probability` on the pairwise probabilities `r` (`[N, n_pairs]`,
    /// P(first | first or second)); `first` and `second` (`[n_pairs, k]`) mark each pair's classes.
    fn couple(&mut self, r: &str, first: &str, second: &str, m: &SVC) -> String {
        let k = m.classes.len();
        let g = &mut self.g;
        let one = g.scalar("one", 1.0);
        let zero = g.scalar("zero", 0.0);
        let two = g.scalar("two", 2.0);
        let minus_one = g.scalar("minus_one", -1.0);
        // Q[t][t] = Σ_{j≠t} r[j][t]²: a pair gives its first class (1 − r)², its second r².
        let complement = g.op("Sub", &[&one, r], vec![]);
        let complement_sq = g.op("Mul", &[&complement, &complement], vec![]);
        let r_sq = g.op("Mul", &[r, r], vec![]);
        let on_first = g.op("MatMul", &[&complement_sq, first], vec![]);
        let on_second = g.op("MatMul", &[&r_sq, second], vec![]);
        let diagonal = g.op("Add", &[&on_first, &on_second], vec![]);
        // Q[i][j] = Q[j][i] = −r(1 − r) for the pair (i, j).
        let product = g.op("Mul", &[r, &complement], vec![]);
        let off = g.op("Mul", &[&product, &minus_one], vec![]);
        let (mut place_off, mut place_diagonal) = (vec![0.0; m.pairs.len() * k * k], vec![0.0; k * k * k]);
        for (p, pair) in m.pairs.iter().enumerate() {
            for cell in [pair.first * k + pair.second, pair.second * k + pair.first] {
                if let Some(v) = place_off.get_mut(p * k * k + cell) {
                    *v = 1.0;
                }
            }
        }
        for t in 0..k {
            if let Some(v) = place_diagonal.get_mut(t * k * k + t * k + t) {
                *v = 1.0;
            }
        }
        let place_off = g.f64s("place_off_diagonal", &[m.pairs.len(), k * k], &place_off);
        let place_diagonal = g.f64s("place_diagonal", &[k, k * k], &place_diagonal);
        let q_off = g.op("MatMul", &[&off, &place_off], vec![]);
        let q_diagonal = g.op("MatMul", &[&diagonal, &place_diagonal], vec![]);
        let q = g.op("Add", &[&q_off, &q_diagonal], vec![]); // [N, k·k], row-major Q
        let shape = g.i64s("shape", &[3], &[-1, k as i64, k as i64]);
        let q3 = g.op("Reshape", &[&q, &shape], vec![]);
        let axis1 = g.i64s("axis", &[1], &[1]);
        let axis2 = g.i64s("axis", &[1], &[2]);
        let slice = |g: &mut crate::graph::Graph, x: &str, from: usize, to: usize| {
            let starts = g.i64s("start", &[1], &[from as i64]);
            let ends = g.i64s("end", &[1], &[to as i64]);
            g.op("Slice", &[x, &starts, &ends, &axis1], vec![])
        };
        let q_tt: Vec<String> = (0..k).map(|t| slice(g, &diagonal, t, t + 1)).collect();
        let q_row: Vec<String> = (0..k).map(|t| slice(g, &q, t * k, (t + 1) * k)).collect();
        let unit: Vec<String> = (0..k)
            .map(|t| {
                let e: Vec<f64> = (0..k).map(|j| if j == t { 1.0 } else { 0.0 }).collect();
                g.f64s("unit", &[1, k], &e)
            })
            .collect();
        let eps = g.scalar("eps", 0.005 / k as f64);
        let start = g.scalar("start", 1.0 / k as f64);
        let zeros = g.op("Mul", &[&diagonal, &zero], vec![]); // [N, k] of 0
        let mut p = g.op("Add", &[&zeros, &start], vec![]);
        let first_zero = q_tt.first().cloned().unwrap_or_default();
        let no = g.op("Mul", &[&first_zero, &zero], vec![]);
        let mut done = g.op("Less", &[&no, &zero], vec![]); // [N, 1] of false
        for _ in 0..k.max(100) {
            let p_rows = g.op("Unsqueeze", &[&p, &axis1], vec![]);
            let terms = g.op("Mul", &[&q3, &p_rows], vec![]);
            let qp = g.op("ReduceSum", &[&terms, &axis2], vec![graph::int("keepdims", 0)]);
            let weighted = g.op("Mul", &[&p, &qp], vec![]);
            let pqp = g.op("ReduceSum", &[&weighted, &axis1], vec![graph::int("keepdims", 1)]);
            let gap = g.op("Sub", &[&qp, &pqp], vec![]);
            let gap = g.op("Abs", &[&gap], vec![]);
            let error =
                g.op("ReduceMax", &[&gap], vec![graph::ints("axes", vec![1]), graph::int("keepdims", 1)]);
            let converged = g.op("Less", &[&error, &eps], vec![]);
            done = g.op("Or", &[&done, &converged], vec![]);
            let (mut p_next, mut qp, mut pqp) = (p.clone(), qp, pqp);
            for t in 0..k {
                let (Some(q_tt), Some(q_row), Some(unit)) = (q_tt.get(t), q_row.get(t), unit.get(t)) else {
                    continue;
                };
                let qp_t = slice(g, &qp, t, t + 1);
                let gap = g.op("Sub", &[&pqp, &qp_t], vec![]);
                let diff = g.op("Div", &[&gap, q_tt], vec![]);
                let step = g.op("Mul", &[&diff, unit], vec![]);
                p_next = g.op("Add", &[&p_next, &step], vec![]);
                let grow = g.op("Add", &[&one, &diff], vec![]);
                // pQp = (pQp + diff·(diff·Q[t][t] + 2·Qp[t])) / (1 + diff) / (1 + diff)
                let a = g.op("Mul", &[&diff, q_tt], vec![]);
                let b = g.op("Mul", &[&two, &qp_t], vec![]);
                let inner = g.op("Add", &[&a, &b], vec![]);
                let change = g.op("Mul", &[&diff, &inner], vec![]);
                let sum = g.op("Add", &[&pqp, &change], vec![]);
                let once = g.op("Div", &[&sum, &grow], vec![]);
                pqp = g.op("Div", &[&once, &grow], vec![]);
                // Qp[j] = (Qp[j] + diff·Q[t][j]) / (1 + diff); p[j] /= 1 + diff
                let change = g.op("Mul", &[&diff, q_row], vec![]);
                let sum = g.op("Add", &[&qp, &change], vec![]);
                qp = g.op("Div", &[&sum, &grow], vec![]);
                p_next = g.op("Div", &[&p_next, &grow], vec![]);
            }
            p = g.op("Where", &[&done, &p, &p_next], vec![]);
        }
        p
    }
}
