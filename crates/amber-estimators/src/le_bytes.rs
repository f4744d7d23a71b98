//! Compact serde encoding of numeric arrays as little-endian byte strings: in CBOR one byte string
//! per array, decoded with a single copy (large models load an order of magnitude faster than
//! from per-number CBOR items). Used with `#[serde(with = "…")]` on big fitted arrays.

use ndarray::Array2;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A number type stored as fixed-width little-endian bytes.
pub(crate) trait Le: Sized + Copy {
    const WIDTH: usize;
    fn put(self, out: &mut Vec<u8>);
    fn get(bytes: &[u8]) -> Self;
}

macro_rules! le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const WIDTH: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Self {
                let mut b = [0u8; std::mem::size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
        }
    )*};
}
le!(u32, i32, f64);

/// `ByteBuf`-like wrapper so serde formats see a byte string, not a sequence of numbers.
struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            // Formats without byte strings (JSON) write them as arrays of numbers.
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes(out))
            }
        }
        // byte_buf, not bytes: ciborium reads any length in chunks (growing only as bytes arrive).
        d.deserialize_byte_buf(V)
    }
}

fn encode<T: Le>(values: &[T]) -> Bytes {
    let mut out = Vec::with_capacity(values.len() * T::WIDTH);
    for v in values {
        v.put(&mut out);
    }
    Bytes(out)
}

fn decode<T: Le, E: serde::de::Error>(bytes: &[u8]) -> Result<Vec<T>, E> {
    if !bytes.len().is_multiple_of(T::WIDTH) {
        return Err(E::custom(format!(
            "{} bytes is not a whole number of {}-byte values",
            bytes.len(),
            T::WIDTH
        )));
    }
    Ok(bytes.chunks_exact(T::WIDTH).map(T::get).collect())
}

/// `#[serde(with = "le_bytes::vec")]` for `Vec<u32 | i32 | f64>`.
pub(crate) mod vec {
    use super::*;

    pub(crate) fn serialize<T: Le, S: Serializer>(values: &[T], s: S) -> Result<S::Ok, S::Error> {
        encode(values).serialize(s)
    }

    pub(crate) fn deserialize<'de, T: Le, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        decode(&Bytes::deserialize(d)?.0)
    }
}

/// `#[serde(with = "le_bytes::matrix")]` for `Array2<f64>`: `{rows, cols, data}`, row-major.
pub(crate) mod matrix {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Matrix {
        rows: usize,
        cols: usize,
        data: Bytes,
    }

    pub(crate) fn serialize<S: Serializer>(m: &Array2<f64>, s: S) -> Result<S::Ok, S::Error> {
        let data: Vec<f64> = m.iter().copied().collect(); // row-major whatever the layout
        Matrix { rows: m.nrows(), cols: m.ncols(), data: encode(&data) }.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Array2<f64>, D::Error> {
        let m = Matrix::deserialize(d)?;
        let data: Vec<f64> = decode(&m.data.0)?;
        let expected =
            m.rows.checked_mul(m.cols).ok_or_else(|| D::Error::custom("matrix shape overflows"))?;
        if data.len() != expected {
            return Err(D::Error::custom(format!(
                "matrix of {}×{} holds {} values",
                m.rows,
                m.cols,
                data.len()
            )));
        }
        Array2::from_shape_vec((m.rows, m.cols), data).map_err(D::Error::custom)
    }
}
