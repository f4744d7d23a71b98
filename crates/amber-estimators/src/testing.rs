//! Helpers shared by the unit tests.

/// A 64-bit linear congruential generator (Knuth's MMIX constants): reproducible test inputs
/// without a generator crate. Each call returns the next state; take its high bits.
pub(crate) struct Lcg(pub u64);

impl Lcg {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0
    }
}
