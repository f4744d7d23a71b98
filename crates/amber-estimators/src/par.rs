//! Parallel loops: rayon's with the `rayon` feature (on by default), plain loops without. Every
//! caller splits its work into independent items whose results are collected in order, so the
//! results are the same either way, bit for bit.

#[cfg(feature = "rayon")]
use rayon::prelude::*;

/// `f` over `items`, results in order.
pub(crate) fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "rayon")]
    return items.into_par_iter().map(f).collect();
    #[cfg(not(feature = "rayon"))]
    return items.into_iter().map(f).collect();
}

/// `f((index, chunk))` for each `chunk`-long piece of `data`.
pub(crate) fn for_each_chunk<T: Send>(
    data: &mut [T],
    chunk: usize,
    f: impl Fn((usize, &mut [T])) + Sync + Send,
) {
    #[cfg(feature = "rayon")]
    data.par_chunks_mut(chunk).enumerate().for_each(f);
    #[cfg(not(feature = "rayon"))]
    data.chunks_mut(chunk).enumerate().for_each(f);
}

/// `f((index, element))` for each element of `data`.
pub(crate) fn for_each<T: Send>(data: &mut [T], f: impl Fn((usize, &mut T)) + Sync + Send) {
    #[cfg(feature = "rayon")]
    data.par_iter_mut().enumerate().for_each(f);
    #[cfg(not(feature = "rayon"))]
    data.iter_mut().enumerate().for_each(f);
}

/// Threads that parallel loops use (1 without rayon).
pub(crate) fn threads() -> usize {
    #[cfg(feature = "rayon")]
    return rayon::current_num_threads();
    #[cfg(not(feature = "rayon"))]
    return 1;
}
