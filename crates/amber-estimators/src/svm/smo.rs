//! libsvm's SMO solver for one binary C-SVC problem (Fan, Chen & Lin, JMLR 2005), step for step:
//! second-order working-set selection, shrinking with gradient reconstruction, and the kernel
//! matrix's columns kept in an LRU cache of `f32` values with a size limit, so that memory is
//! O(n + cache) rather than O(n²).
//!
//! The arithmetic follows libsvm's (as bundled by scikit-learn) operation for operation, including
//! the `f32` rounding of cached kernel values, so that amber and scikit-learn take the same steps
//! and stop at the same point.

use std::rc::Rc;

use super::FittedKernel;

/// libsvm's `TAU`: the curvature used when a pair's is not positive.
const TAU: f64 = 1e-12;

/// Kernel entries computed per column below which filling it in parallel does not pay.
const PARALLEL_WORK: usize = 1 << 15;

/// Training rows, row-major, `d` values each.
#[derive(Clone, Copy)]
pub(super) struct Rows<'a> {
    pub data: &'a [f64],
    pub d: usize,
}

impl<'a> Rows<'a> {
    pub fn row(&self, r: usize) -> &'a [f64] {
        &self.data[r * self.d..(r + 1) * self.d]
    }
}

/// Sequential dot product (libsvm's order).
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |s, (x, y)| s + x * y)
}

/// One binary problem: the rows of `x` it uses, their labels (`+1`/`-1`) and their upper bounds.
pub(super) struct Problem<'a> {
    pub x: Rows<'a>,
    pub rows: Vec<usize>,
    pub y: Vec<i8>,
    pub c: Vec<f64>,
}

/// What the solver found.
pub(super) struct Solution {
    /// `y_i · alpha_i` for each row of the problem, in the problem's order.
    pub coef: Vec<f64>,
    /// The offset: decision value = `Σ coef_i K(x_i, x) - rho`.
    pub rho: f64,
}

/// Solves `min ½ αᵀQα - eᵀα` subject to `yᵀα = 0`, `0 ≤ α_i ≤ C_i` to tolerance `eps`.
pub(super) fn solve(problem: &Problem<'_>, kernel: FittedKernel, eps: f64, cache_bytes: usize) -> Solution {
    let l = problem.rows.len();
    let mut q = QMatrix::new(problem, kernel, cache_bytes);
    let mut s = Solver::new(problem.c.clone(), eps);
    s.run(&mut q);
    let rho = s.calculate_rho(&q);
    let mut coef = vec![0.0; l];
    for (pos, &original) in s.active_set.iter().enumerate() {
        coef[original] = s.alpha[pos] * f64::from(problem.y[original]);
    }
    Solution { coef, rho }
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Lower,
    Upper,
    Free,
}

struct Solver {
    l: usize,
    active_size: usize,
    g: Vec<f64>,
    /// The gradient's part from variables at their upper bound.
    g_bar: Vec<f64>,
    alpha: Vec<f64>,
    status: Vec<Status>,
    active_set: Vec<usize>,
    c: Vec<f64>,
    eps: f64,
    unshrink: bool,
}

impl Solver {
    /// The starting point `α = 0`, where the gradient `Qα − e` is `−e`, every variable active.
    fn new(c: Vec<f64>, eps: f64) -> Self {
        let l = c.len();
        Solver {
            l,
            active_size: l,
            g: vec![-1.0; l],
            g_bar: vec![0.0; l],
            alpha: vec![0.0; l],
            status: vec![Status::Lower; l],
            active_set: (0..l).collect(),
            c,
            eps,
            unshrink: false,
        }
    }

    fn update_status(&mut self, i: usize) {
        self.status[i] = if self.alpha[i] >= self.c[i] {
            Status::Upper
        } else if self.alpha[i] <= 0.0 {
            Status::Lower
        } else {
            Status::Free
        };
    }

    fn swap_index(&mut self, q: &mut QMatrix<'_>, i: usize, j: usize) {
        q.swap_index(i, j);
        self.g.swap(i, j);
        self.status.swap(i, j);
        self.alpha.swap(i, j);
        self.active_set.swap(i, j);
        self.g_bar.swap(i, j);
        self.c.swap(i, j);
    }

    fn run(&mut self, q: &mut QMatrix<'_>) {
        let l = self.l;
        // libsvm's safety net (its `max_iter`), so that no input loops forever.
        let max_iter = 10_000_000usize.max(l.saturating_mul(100));
        let mut counter = l.min(1000) + 1;
        let mut iter = 0usize;
        while iter < max_iter {
            counter -= 1;
            if counter == 0 {
                counter = l.min(1000);
                self.do_shrinking(q);
            }
            let (i, j) = match self.select_working_set(q) {
                Some(pair) => pair,
                None => {
                    self.reconstruct_gradient(q);
                    self.active_size = l;
                    match self.select_working_set(q) {
                        Some(pair) => {
                            counter = 1; // shrink at the next iteration
                            pair
                        }
                        None => break,
                    }
                }
            };
            iter += 1;
            self.step(q, i, j);
        }
    }

    /// Optimizes the pair `(i, j)` and updates the gradients.
    fn step(&mut self, q: &mut QMatrix<'_>, i: usize, j: usize) {
        let active = self.active_size;
        let q_i = q.column(i, active);
        let q_j = q.column(j, active);
        let (c_i, c_j) = (self.c[i], self.c[j]);
        let (old_i, old_j) = (self.alpha[i], self.alpha[j]);
        let (qd_i, qd_j, q_ij) = (q.qd[i], q.qd[j], f64::from(q_i[j]));
        let (mut a_i, mut a_j) = (old_i, old_j);
        if q.y[i] != q.y[j] {
            let mut quad = qd_i + qd_j + 2.0 * q_ij;
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (-self.g[i] - self.g[j]) / quad;
            let diff = a_i - a_j;
            a_i += delta;
            a_j += delta;
            if diff > 0.0 {
                if a_j < 0.0 {
                    a_j = 0.0;
                    a_i = diff;
                }
            } else if a_i < 0.0 {
                a_i = 0.0;
                a_j = -diff;
            }
            if diff > c_i - c_j {
                if a_i > c_i {
                    a_i = c_i;
                    a_j = c_i - diff;
                }
            } else if a_j > c_j {
                a_j = c_j;
                a_i = c_j + diff;
            }
        } else {
            let mut quad = qd_i + qd_j - 2.0 * q_ij;
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (self.g[i] - self.g[j]) / quad;
            let sum = a_i + a_j;
            a_i -= delta;
            a_j += delta;
            // libsvm clips for i, then the same way for j.
            clip_same_sign(sum, c_i, &mut a_i, &mut a_j);
            clip_same_sign(sum, c_j, &mut a_j, &mut a_i);
        }
        self.alpha[i] = a_i;
        self.alpha[j] = a_j;

        let (d_i, d_j) = (a_i - old_i, a_j - old_j);
        for ((g, &qi), &qj) in self.g[..active].iter_mut().zip(q_i.iter()).zip(q_j.iter()) {
            *g += f64::from(qi) * d_i + f64::from(qj) * d_j;
        }
        drop((q_i, q_j));

        for (k, c_k) in [(i, c_i), (j, c_j)] {
            let was_upper = self.status[k] == Status::Upper;
            self.update_status(k);
            if was_upper != (self.status[k] == Status::Upper) {
                let col = q.column(k, self.l);
                for (gb, &qk) in self.g_bar.iter_mut().zip(col.iter()) {
                    if was_upper {
                        *gb -= c_k * f64::from(qk);
                    } else {
                        *gb += c_k * f64::from(qk);
                    }
                }
            }
        }
    }

    /// libsvm's WSS 2: `i` maximizes the violation, `j` the second-order decrease. `None` when
    /// optimal to `eps`.
    fn select_working_set(&self, q: &mut QMatrix<'_>) -> Option<(usize, usize)> {
        let mut gmax = f64::NEG_INFINITY;
        let mut gmax2 = f64::NEG_INFINITY;
        let mut gmax_idx = None;
        let mut gmin_idx = None;
        let mut obj_diff_min = f64::INFINITY;
        for t in 0..self.active_size {
            if q.y[t] == 1 {
                if self.status[t] != Status::Upper && -self.g[t] >= gmax {
                    gmax = -self.g[t];
                    gmax_idx = Some(t);
                }
            } else if self.status[t] != Status::Lower && self.g[t] >= gmax {
                gmax = self.g[t];
                gmax_idx = Some(t);
            }
        }
        let i = gmax_idx?;
        let q_i = q.column(i, self.active_size);
        let y_i = f64::from(q.y[i]);
        let qd_i = q.qd[i];
        for j in 0..self.active_size {
            let (grad_diff, quad) = if q.y[j] == 1 {
                if self.status[j] == Status::Lower {
                    continue;
                }
                if self.g[j] >= gmax2 {
                    gmax2 = self.g[j];
                }
                (gmax + self.g[j], qd_i + q.qd[j] - 2.0 * y_i * f64::from(q_i[j]))
            } else {
                if self.status[j] == Status::Upper {
                    continue;
                }
                if -self.g[j] >= gmax2 {
                    gmax2 = -self.g[j];
                }
                (gmax - self.g[j], qd_i + q.qd[j] + 2.0 * y_i * f64::from(q_i[j]))
            };
            if grad_diff > 0.0 {
                let obj_diff = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                if obj_diff <= obj_diff_min {
                    gmin_idx = Some(j);
                    obj_diff_min = obj_diff;
                }
            }
        }
        if gmax + gmax2 < self.eps {
            return None;
        }
        gmin_idx.map(|j| (i, j))
    }

    fn reconstruct_gradient(&mut self, q: &mut QMatrix<'_>) {
        let (l, active) = (self.l, self.active_size);
        if active == l {
            return;
        }
        for j in active..l {
            self.g[j] = self.g_bar[j] - 1.0;
        }
        let n_free = (0..active).filter(|&j| self.status[j] == Status::Free).count();
        if n_free * l > 2 * active * (l - active) {
            for i in active..l {
                let q_i = q.column(i, active);
                for j in 0..active {
                    if self.status[j] == Status::Free {
                        self.g[i] += self.alpha[j] * f64::from(q_i[j]);
                    }
                }
            }
        } else {
            for i in 0..active {
                if self.status[i] == Status::Free {
                    let q_i = q.column(i, l);
                    let alpha_i = self.alpha[i];
                    for j in active..l {
                        self.g[j] += alpha_i * f64::from(q_i[j]);
                    }
                }
            }
        }
    }

    fn be_shrunk(&self, q: &QMatrix<'_>, i: usize, gmax1: f64, gmax2: f64) -> bool {
        match self.status[i] {
            Status::Upper if q.y[i] == 1 => -self.g[i] > gmax1,
            Status::Upper => -self.g[i] > gmax2,
            Status::Lower if q.y[i] == 1 => self.g[i] > gmax2,
            Status::Lower => self.g[i] > gmax1,
            Status::Free => false,
        }
    }

    fn do_shrinking(&mut self, q: &mut QMatrix<'_>) {
        let mut gmax1 = f64::NEG_INFINITY; // max { -y_i grad_i | i in I_up }
        let mut gmax2 = f64::NEG_INFINITY; // max { y_i grad_i | i in I_low }
        for i in 0..self.active_size {
            let (g, upper, lower) =
                (self.g[i], self.status[i] == Status::Upper, self.status[i] == Status::Lower);
            if q.y[i] == 1 {
                if !upper && -g >= gmax1 {
                    gmax1 = -g;
                }
                if !lower && g >= gmax2 {
                    gmax2 = g;
                }
            } else {
                if !upper && -g >= gmax2 {
                    gmax2 = -g;
                }
                if !lower && g >= gmax1 {
                    gmax1 = g;
                }
            }
        }
        if !self.unshrink && gmax1 + gmax2 <= self.eps * 10.0 {
            self.unshrink = true;
            self.reconstruct_gradient(q);
            self.active_size = self.l;
        }
        let mut i = 0;
        while i < self.active_size {
            if self.be_shrunk(q, i, gmax1, gmax2) {
                self.active_size -= 1;
                while self.active_size > i {
                    if !self.be_shrunk(q, self.active_size, gmax1, gmax2) {
                        self.swap_index(q, i, self.active_size);
                        break;
                    }
                    self.active_size -= 1;
                }
            }
            i += 1;
        }
    }

    fn calculate_rho(&self, q: &QMatrix<'_>) -> f64 {
        let (mut ub, mut lb) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut n_free, mut sum_free) = (0usize, 0.0);
        for i in 0..self.active_size {
            let yg = f64::from(q.y[i]) * self.g[i];
            match (self.status[i], q.y[i] == 1) {
                (Status::Upper, false) | (Status::Lower, true) => ub = ub.min(yg),
                (Status::Upper, true) | (Status::Lower, false) => lb = lb.max(yg),
                (Status::Free, _) => {
                    n_free += 1;
                    sum_free += yg;
                }
            }
        }
        if n_free > 0 {
            sum_free / n_free as f64
        } else {
            (ub + lb) / 2.0
        }
    }
}

/// libsvm's clipping of a same-label pair whose sum `a + b` is fixed at `sum`: `a` at most `c_a`,
/// `b` at least 0.
fn clip_same_sign(sum: f64, c_a: f64, a: &mut f64, b: &mut f64) {
    if sum > c_a {
        if *a > c_a {
            *a = c_a;
            *b = sum - c_a;
        }
    } else if *b < 0.0 {
        *b = 0.0;
        *a = sum;
    }
}

/// `Q[i][j] = y_i y_j K(x_i, x_j)` by position (shrinking permutes positions), its columns cached.
struct QMatrix<'a> {
    x: Rows<'a>,
    /// Row of `x` at each position.
    rows: Vec<usize>,
    x_square: Vec<f64>,
    y: Vec<i8>,
    /// The diagonal, `K(x_i, x_i)`.
    qd: Vec<f64>,
    kernel: FittedKernel,
    cache: Cache,
}

impl<'a> QMatrix<'a> {
    fn new(problem: &Problem<'a>, kernel: FittedKernel, cache_bytes: usize) -> Self {
        let x = problem.x;
        let x_square: Vec<f64> = problem.rows.iter().map(|&r| dot(x.row(r), x.row(r))).collect();
        let mut q = QMatrix {
            x,
            rows: problem.rows.clone(),
            x_square,
            y: problem.y.clone(),
            qd: Vec::new(),
            kernel,
            cache: Cache::new(problem.rows.len(), cache_bytes),
        };
        q.qd = (0..q.rows.len()).map(|i| q.k(i, i)).collect();
        q
    }

    /// libsvm's training kernel (RBF through squared norms).
    fn k(&self, i: usize, j: usize) -> f64 {
        k_at(self.x, &self.rows, &self.x_square, self.kernel, i, j)
    }

    /// `Q[i][0..len]`.
    fn column(&mut self, i: usize, len: usize) -> Rc<Vec<f32>> {
        let start = self.cache.get_data(i, len);
        if start < len {
            let QMatrix { x, rows, x_square, y, kernel, cache, .. } = self;
            let (x, rows, x_square, y, kernel) = (*x, &*rows, &*x_square, &*y, *kernel);
            let y_i = f64::from(y[i]);
            let fill = |(j, out): (usize, &mut f32)| {
                *out = (y_i * f64::from(y[j]) * k_at(x, rows, x_square, kernel, i, j)) as f32;
            };
            let col = &mut cache.column_mut(i)[start..len];
            if col.len() * x.d >= PARALLEL_WORK {
                crate::par::for_each(col, |(k, out)| fill((start + k, out)));
            } else {
                col.iter_mut().enumerate().for_each(|(k, out)| fill((start + k, out)));
            }
        }
        self.cache.column(i)
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        self.cache.swap_index(i, j);
        self.rows.swap(i, j);
        self.x_square.swap(i, j);
        self.y.swap(i, j);
        self.qd.swap(i, j);
    }
}

fn k_at(x: Rows<'_>, rows: &[usize], x_square: &[f64], kernel: FittedKernel, i: usize, j: usize) -> f64 {
    let d = dot(x.row(rows[i]), x.row(rows[j]));
    match kernel {
        FittedKernel::Rbf { gamma } => (-gamma * (x_square[i] + x_square[j] - 2.0 * d)).exp(),
        FittedKernel::Linear => d,
    }
}

/// libsvm's kernel cache: per position, a prefix of its column; least recently used columns are
/// dropped when the total would pass the size limit (at least two full columns always fit).
struct Cache {
    columns: Vec<Option<Rc<Vec<f32>>>>,
    /// A circular doubly linked LRU list over positions; node `l` is its head.
    prev: Vec<usize>,
    next: Vec<usize>,
    /// Room left, in `f32` values.
    room: usize,
}

impl Cache {
    fn new(l: usize, bytes: usize) -> Self {
        // libsvm charges 32 bytes of bookkeeping per position.
        let room = (bytes / 4).saturating_sub(l * 8).max(2 * l);
        Cache { columns: vec![None; l], prev: vec![l; l + 1], next: vec![l; l + 1], room }
    }

    fn len(&self, i: usize) -> usize {
        self.columns[i].as_ref().map_or(0, |c| c.len())
    }

    fn unlink(&mut self, h: usize) {
        let (p, n) = (self.prev[h], self.next[h]);
        self.next[p] = n;
        self.prev[n] = p;
    }

    fn push_back(&mut self, h: usize) {
        let head = self.columns.len();
        let last = self.prev[head];
        self.next[h] = head;
        self.prev[h] = last;
        self.next[last] = h;
        self.prev[head] = h;
    }

    fn evict(&mut self, h: usize) {
        self.unlink(h);
        self.room += self.len(h);
        self.columns[h] = None;
    }

    /// Makes `i`'s column at least `len` long; returns where the values still to compute start.
    fn get_data(&mut self, i: usize, len: usize) -> usize {
        let have = self.len(i);
        if have > 0 {
            self.unlink(i);
        }
        let start = if len > have {
            let more = len - have;
            let head = self.columns.len();
            while self.room < more && self.next[head] != head {
                self.evict(self.next[head]);
            }
            let column = Rc::make_mut(self.columns[i].get_or_insert_with(Default::default));
            column.reserve_exact(more);
            column.resize(len, 0.0);
            self.room = self.room.saturating_sub(more);
            have
        } else {
            len
        };
        self.push_back(i);
        start
    }

    fn column_mut(&mut self, i: usize) -> &mut Vec<f32> {
        Rc::make_mut(self.columns[i].get_or_insert_with(Default::default))
    }

    fn column(&self, i: usize) -> Rc<Vec<f32>> {
        self.columns[i].clone().unwrap_or_default()
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        if i == j {
            return;
        }
        let (had_i, had_j) = (self.len(i) > 0, self.len(j) > 0);
        if had_i {
            self.unlink(i);
        }
        if had_j {
            self.unlink(j);
        }
        self.columns.swap(i, j);
        if had_j {
            self.push_back(i);
        }
        if had_i {
            self.push_back(j);
        }
        let (i, j) = (i.min(j), i.max(j));
        let head = self.columns.len();
        let mut h = self.next[head];
        while h != head {
            let following = self.next[h];
            let len = self.len(h);
            if len > i {
                if len > j {
                    if let Some(column) = self.columns[h].as_mut() {
                        Rc::make_mut(column).swap(i, j);
                    }
                } else {
                    self.evict(h);
                }
            }
            h = following;
        }
    }
}

#[cfg(test)]
mod tests {
    //! The solver's inner rules checked against their definitions (Chang & Lin, "LIBSVM: a library
    //! for support vector machines", 2011, §5.1) on states built by hand. The scikit-learn fixtures
    //! run through these rules too, but rarely reach the states where a wrong rule shows: a
    //! shrinking rule that sets aside other variables, or a gradient rebuilt wrongly in the middle
    //! of a fit, mostly changes only which path the solver takes to the same optimum.

    use super::*;

    /// `n` values spread over [-1, 1), reproducibly.
    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = crate::testing::Lcg(seed);
        (0..n).map(|_| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0).collect()
    }

    /// `a` equals `b` up to rounding: within 1e-12 relative to max(1, |b|).
    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    /// `l` rows of `x`; every third row is of class -1.
    fn problem(x: &[f64], d: usize, c: f64) -> Problem<'_> {
        let l = x.len() / d;
        Problem {
            x: Rows { data: x, d },
            rows: (0..l).collect(),
            y: (0..l).map(|i| if i % 3 == 0 { -1 } else { 1 }).collect(),
            c: vec![c; l],
        }
    }

    /// A solver at `alpha`, with its gradient `Qα − e` and `g_bar = Σ_{α_j = C} C Q_j` computed
    /// here from their definitions.
    fn solver_at(q: &mut QMatrix<'_>, alpha: Vec<f64>, c: f64) -> Solver {
        let l = alpha.len();
        let mut s = Solver::new(vec![c; l], 1e-3);
        s.alpha = alpha;
        for i in 0..l {
            s.update_status(i);
        }
        for j in 0..l {
            let column = q.column(j, l); // Q is symmetric: column j is row j.
            for (i, &q_ij) in column.iter().enumerate() {
                s.g[i] += s.alpha[j] * f64::from(q_ij);
                if s.status[j] == Status::Upper {
                    s.g_bar[i] += s.c[j] * f64::from(q_ij);
                }
            }
        }
        s
    }

    /// `m(α) = max_{t ∈ I_up} −y_t G_t` and `M(α) = min_{t ∈ I_low} −y_t G_t` over the active
    /// variables, where `I_up = {α_t < C, y_t = 1} ∪ {α_t > 0, y_t = −1}` and
    /// `I_low = {α_t < C, y_t = −1} ∪ {α_t > 0, y_t = 1}`.
    fn m_and_big_m(s: &Solver, q: &QMatrix<'_>) -> (f64, f64) {
        let (mut m, mut big_m) = (f64::NEG_INFINITY, f64::INFINITY);
        for t in 0..s.active_size {
            let (y, below_c, above_0) = (f64::from(q.y[t]), s.alpha[t] < s.c[t], s.alpha[t] > 0.0);
            let v = -y * s.g[t];
            if (below_c && y > 0.0) || (above_0 && y < 0.0) {
                m = m.max(v);
            }
            if (below_c && y < 0.0) || (above_0 && y > 0.0) {
                big_m = big_m.min(v);
            }
        }
        (m, big_m)
    }

    /// The paper's shrinking rule: a variable at a bound is set aside when
    /// `−y_t G_t > m(α)` with `α_t = C, y_t = 1` or `α_t = 0, y_t = −1`, or when
    /// `−y_t G_t < M(α)` with `α_t = 0, y_t = 1` or `α_t = C, y_t = −1`.
    fn shrinkable(s: &Solver, q: &QMatrix<'_>, t: usize, m: f64, big_m: f64) -> bool {
        let (y, at_c, at_0) = (q.y[t], s.alpha[t] >= s.c[t], s.alpha[t] <= 0.0);
        let v = -f64::from(y) * s.g[t];
        (v > m && ((at_c && y == 1) || (at_0 && y == -1)))
            || (v < big_m && ((at_0 && y == 1) || (at_c && y == -1)))
    }

    /// The original variables set aside (at positions from `active_size` on), sorted.
    fn set_aside(s: &Solver) -> Vec<usize> {
        let mut out = s.active_set[s.active_size..].to_vec();
        out.sort_unstable();
        out
    }

    #[test]
    fn shrinking_sets_aside_exactly_the_bound_variables_the_rule_names() -> Result<(), String> {
        let (l, c) = (60, 1.0);
        let x = values(l * 2, 1);
        let p = problem(&x, 2, c);
        let mut q = QMatrix::new(&p, FittedKernel::Linear, 1 << 20);
        // A third of the variables free, a third at 0, a third at C. The gradients, independent of
        // the alphas (the rule reads only these), put `v = −y G` of the free variables in
        // [-0.5, 0.5], and that of the bound ones mostly on the side where they belong, as near an
        // optimum: in [-2, 0.3] for those only in I_up, in [-0.3, 2] for those only in I_low.
        // About half of the bound ones then meet the rule.
        let alpha: Vec<f64> = (0..l).map(|i| [0.5 * c, 0.0, c][(i / 3) % 3]).collect();
        let mut s = solver_at(&mut q, alpha, c);
        for (t, u) in values(l, 2).into_iter().enumerate() {
            let only_up = (s.status[t] == Status::Lower) == (q.y[t] == 1);
            let v = match s.status[t] {
                Status::Free => 0.5 * u,
                _ if only_up => -0.85 + 1.15 * u,
                _ => 0.85 + 1.15 * u,
            };
            s.g[t] = -f64::from(q.y[t]) * v;
        }
        // One variable of each of the four bound kinds exactly on its threshold, where the rule's
        // strict inequality must keep it active. Each is in only one of I_up and I_low, on the
        // side where it cannot move m or M.
        let (m, big_m) = m_and_big_m(&s, &q);
        assert!(m - big_m > 10.0 * s.eps, "the state is far from optimal: no unshrinking");
        let mut tied = Vec::new();
        for (y, status, threshold) in [
            (1, Status::Upper, m),
            (-1, Status::Lower, m),
            (1, Status::Lower, big_m),
            (-1, Status::Upper, big_m),
        ] {
            let t = (0..l).find(|&t| q.y[t] == y && s.status[t] == status && !tied.contains(&t));
            let Some(t) = t else { return Err(format!("no variable with y = {y} at that bound")) };
            s.g[t] = -f64::from(y) * threshold;
            tied.push(t);
        }
        assert_eq!(m_and_big_m(&s, &q), (m, big_m));
        let expected: Vec<usize> = (0..l).filter(|&t| shrinkable(&s, &q, t, m, big_m)).collect();
        assert!(tied.iter().all(|t| !expected.contains(t)));
        assert!((10..l / 2).contains(&expected.len()), "{} of {l} to set aside", expected.len());

        s.do_shrinking(&mut q);
        assert_eq!(set_aside(&s), expected);
        assert!(!s.unshrink);
        Ok(())
    }

    /// libsvm brings the variables it set aside back once, when the gap `m − M` first falls to
    /// 10·eps, rebuilding their gradients; later shrinking only sets more aside.
    #[test]
    fn shrunk_variables_come_back_once_at_ten_eps() -> Result<(), String> {
        let (l, c) = (45, 1.0);
        let x = values(l * 3, 3);
        let p = problem(&x, 3, c);
        let mut q = QMatrix::new(&p, FittedKernel::Rbf { gamma: 0.5 }, 1 << 20);
        let alpha: Vec<f64> = (0..l).map(|i| [0.3 * c, 0.0, c][(i / 3) % 3]).collect();
        let fresh = solver_at(&mut q, alpha, c);
        // Two variables at a bound strictly between M and m, which the rule keeps active and
        // which attain neither m nor M, set aside by hand as an earlier shrinking step would have
        // done when their gradients were elsewhere.
        let (m, big_m) = m_and_big_m(&fresh, &q);
        let inside = |t: usize| {
            let v = -f64::from(q.y[t]) * fresh.g[t];
            fresh.status[t] != Status::Free && big_m < v && v < m
        };
        let kept: Vec<usize> = (0..l).filter(|&t| inside(t)).take(2).collect();
        let &[a, b] = kept.as_slice() else { return Err(format!("bound variables inside: {kept:?}")) };
        for unshrink in [false, true] {
            let mut q = QMatrix::new(&p, FittedKernel::Rbf { gamma: 0.5 }, 1 << 20);
            let mut s = solver_at(&mut q, fresh.alpha.clone(), c);
            for (t, to) in [(a, l - 1), (b, l - 2)] {
                let Some(pos) = s.active_set.iter().position(|&u| u == t) else { return Err(format!("{t}")) };
                s.swap_index(&mut q, pos, to);
            }
            s.active_size = l - 2;
            for t in l - 2..l {
                s.g[t] = f64::NAN; // a shrunk variable's gradient is stale until rebuilt
            }
            s.eps = (m - big_m).abs(); // the gap is below 10·eps
            s.unshrink = unshrink;
            s.do_shrinking(&mut q);
            let aside = set_aside(&s);
            if unshrink {
                assert!(aside.contains(&a) && aside.contains(&b), "{aside:?} keeps {a} and {b} aside");
            } else {
                assert!(s.unshrink);
                assert!(!aside.contains(&a) && !aside.contains(&b), "{aside:?} brings {a} and {b} back");
                for (pos, &t) in s.active_set.iter().enumerate() {
                    let (ours, exact) = (s.g[pos], fresh.g[t]);
                    assert!(close(ours, exact), "G_{t}: {ours} vs {exact}");
                }
            }
        }
        Ok(())
    }

    /// Both of libsvm's loops that rebuild the gradient of the variables set aside (one runs over
    /// them, the other over the free variables, whichever is less work) give `Qα − e`.
    #[test]
    fn gradient_reconstruction_gives_q_alpha_minus_e_by_either_loop() {
        let (l, c) = (40, 2.0);
        let x = values(l * 4, 4);
        let p = problem(&x, 4, c);
        for kernel in [FittedKernel::Rbf { gamma: 0.25 }, FittedKernel::Linear] {
            for (active, over_shrunk) in [(38, true), (20, false)] {
                let mut q = QMatrix::new(&p, kernel, 1 << 20);
                // Free or at a bound below `active`; at a bound from `active` on (libsvm never
                // sets a free variable aside).
                let alpha = (0..l)
                    .map(|i| match (i >= active, i % 3) {
                        (true, 0) | (false, 1) => c,
                        (true, _) | (false, 0) => 0.0,
                        (false, _) => c * (i + 1) as f64 / (l + 1) as f64,
                    })
                    .collect();
                let mut s = solver_at(&mut q, alpha, c);
                let exact = s.g.clone();
                s.active_size = active;
                for g in &mut s.g[active..] {
                    *g = f64::NAN;
                }
                let n_free = (0..active).filter(|&j| s.status[j] == Status::Free).count();
                assert_eq!(n_free * l > 2 * active * (l - active), over_shrunk, "which loop runs");
                s.reconstruct_gradient(&mut q);
                for (t, (&ours, &exact)) in s.g.iter().zip(&exact).enumerate() {
                    // The same products, added in another order.
                    assert!(close(ours, exact), "G_{t}: {ours} vs {exact}");
                }
            }
        }
    }

    /// A column first computed for the active variables and then extended to all of them
    /// (shrinking, then a variable leaving its upper bound) holds `y_i y_j K(x_i, x_j)` at every
    /// position: filled one by one when short, in parallel when long.
    #[test]
    fn a_column_extended_from_its_cached_prefix_holds_every_kernel_value() {
        for (l, d, prefix) in [(60, 3, 17), (700, 64, 100)] {
            let x = values(l * d, 5);
            let p = problem(&x, d, 1.0);
            let mut q = QMatrix::new(&p, FittedKernel::Rbf { gamma: 1.0 / d as f64 }, 1 << 22);
            let i = 7;
            let short = q.column(i, prefix);
            assert_eq!(short.len(), prefix);
            drop(short);
            let full = q.column(i, l);
            assert_eq!(full.len(), l);
            for (j, &v) in full.iter().enumerate() {
                let y = f64::from(q.y[i]) * f64::from(q.y[j]);
                assert_eq!(v, (y * q.k(i, j)) as f32, "Q[{i}][{j}] of {l}");
            }
        }
    }
}
