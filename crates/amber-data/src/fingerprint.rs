//! A content hash of a table, for model metadata ("which data was this trained on?").

use sha2::{Digest, Sha256};

use crate::table::{Column, Table};

/// SHA-256 of a table's canonical encoding. Equal tables (same names, kinds, order and cells) have
/// equal fingerprints, whatever file or code produced them.
///
/// The canonical encoding, all integers little-endian `u64`:
/// `b"amber-table-v1"`, row count, column count, then for each column in order: name length and
/// UTF-8 bytes; a kind byte (`0` numeric, `1` categorical); the cells — numeric cells as the bits of
/// the `f64` with every `NaN` written as `0x7ff8_0000_0000_0000`; categorical cells as `0` for
/// missing or `1`, length and UTF-8 bytes.
///
/// ```
/// let iris = amber_data::datasets::iris()?;
/// let fp = iris.table.fingerprint();
/// assert_eq!(fp.to_hex().len(), 64);
/// assert_eq!(fp, iris.table.clone().fingerprint());
/// # Ok::<(), amber_data::DataError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// Lower-case hexadecimal, 64 characters.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

fn put_len(h: &mut Sha256, n: usize) {
    h.update((n as u64).to_le_bytes());
}

fn put_str(h: &mut Sha256, s: &str) {
    put_len(h, s.len());
    h.update(s.as_bytes());
}

impl Table {
    /// The table's [`Fingerprint`].
    pub fn fingerprint(&self) -> Fingerprint {
        let mut h = Sha256::new();
        h.update(b"amber-table-v1");
        put_len(&mut h, self.n_rows());
        put_len(&mut h, self.n_cols());
        for (name, column) in self.columns() {
            put_str(&mut h, name);
            match column {
                Column::Numeric(values) => {
                    h.update([0u8]);
                    for x in values {
                        let bits = if x.is_nan() { 0x7ff8_0000_0000_0000 } else { x.to_bits() };
                        h.update(bits.to_le_bytes());
                    }
                }
                Column::Categorical(values) => {
                    h.update([1u8]);
                    for cell in values {
                        match cell {
                            None => h.update([0u8]),
                            Some(s) => {
                                h.update([1u8]);
                                put_str(&mut h, s);
                            }
                        }
                    }
                }
            }
        }
        Fingerprint(h.finalize().into())
    }
}
