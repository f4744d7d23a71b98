//! A structural pass over CBOR bytes that allocates nothing: it counts data items, checks nesting
//! depth and that every declared length fits in the bytes that remain, before serde decodes a
//! single value. This is what keeps a small hostile file from becoming a large allocation: the
//! memory a decode can take is bounded by the item count (see FORMAT.md, "Resource contract").
//!
//! It also finds the byte span of a map's last entry, which signatures need.

use std::io::{self, Read};

/// Deepest nesting accepted (arrays, maps and tags).
pub(crate) const MAX_DEPTH: usize = 64;

/// What the scan found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scan {
    /// Data items, counting every array element, map key and map value.
    pub items: u64,
    /// Bytes read.
    pub bytes: u64,
}

/// Why a scan stopped: the data is not well-formed CBOR, or it is but exceeds a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// Not well-formed (including lengths longer than the data that remains).
    Malformed(String),
    /// Too many items or too deep.
    OverLimit(String),
}

/// Reads bytes one at a time from a buffered source, counting them.
struct Source<R> {
    inner: R,
    read: u64,
    limit: u64,
}

impl<R: Read> Source<R> {
    fn byte(&mut self) -> Result<u8, String> {
        let mut b = [0u8; 1];
        self.fill(&mut b)?;
        Ok(b[0])
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<(), String> {
        if self.read + buf.len() as u64 > self.limit {
            return Err(format!("an item at byte {} runs past the end ({} bytes)", self.read, self.limit));
        }
        self.inner.read_exact(buf).map_err(|e| read_error(e, self.read))?;
        self.read += buf.len() as u64;
        Ok(())
    }

    /// Skips `n` bytes of string content, after checking they exist.
    fn skip(&mut self, n: u64) -> Result<(), String> {
        if n > self.limit - self.read {
            return Err(format!(
                "a string of {n} bytes at byte {} is longer than the {} bytes left",
                self.read,
                self.limit - self.read
            ));
        }
        let copied = io::copy(&mut (&mut self.inner).take(n), &mut io::sink())
            .map_err(|e| read_error(e, self.read))?;
        if copied != n {
            return Err(format!("the data ends inside a string at byte {}", self.read + copied));
        }
        self.read += n;
        Ok(())
    }

    /// The argument of an item head (`info` = the low 5 bits).
    fn argument(&mut self, info: u8) -> Result<Option<u64>, String> {
        Ok(Some(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.byte()?),
            25 => {
                let mut b = [0u8; 2];
                self.fill(&mut b)?;
                u64::from(u16::from_be_bytes(b))
            }
            26 => {
                let mut b = [0u8; 4];
                self.fill(&mut b)?;
                u64::from(u32::from_be_bytes(b))
            }
            27 => {
                let mut b = [0u8; 8];
                self.fill(&mut b)?;
                u64::from_be_bytes(b)
            }
            31 => return Ok(None), // indefinite length (or the "break" stop code)
            _ => return Err(format!("reserved additional information {info} at byte {}", self.read - 1)),
        }))
    }
}

fn read_error(e: io::Error, at: u64) -> String {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        format!("the data ends at byte {at}, inside an item")
    } else {
        format!("read error at byte {at}: {e}")
    }
}

/// What an open container still expects.
#[derive(Clone, Copy)]
enum Open {
    /// This many more items.
    Counted(u64),
    /// Items until a break code.
    UntilBreak,
    /// Chunks of an indefinite-length string until a break code (`major` 2 or 3).
    Chunks(u8),
}

/// Scans exactly one top-level item from `reader`, reading at most `limit` bytes, and refuses
/// more than `max_items` items or more than [`MAX_DEPTH`] levels. Returns the counts.
pub(crate) fn scan(reader: impl Read, limit: u64, max_items: u64) -> Result<Scan, ScanError> {
    scan_inner(reader, limit, max_items)
}

fn scan_inner(reader: impl Read, limit: u64, max_items: u64) -> Result<Scan, ScanError> {
    // Unbuffered: a slice is read in place; callers wrap a stream in a `BufReader`.
    let mut src = Source { inner: reader, read: 0, limit };
    let mut stack: Vec<Open> = Vec::new();
    let mut items: u64 = 0;
    loop {
        // Close finished counted containers.
        while let Some(Open::Counted(0)) = stack.last() {
            stack.pop();
        }
        if stack.is_empty() && items > 0 {
            return Ok(Scan { items, bytes: src.read });
        }
        let head = src.byte().map_err(ScanError::Malformed)?;
        let (major, info) = (head >> 5, head & 0x1f);
        if head == 0xff {
            match stack.pop() {
                Some(Open::UntilBreak) | Some(Open::Chunks(_)) => continue,
                _ => {
                    return Err(ScanError::Malformed(format!(
                        "unexpected break code at byte {}",
                        src.read - 1
                    )))
                }
            }
        }
        if let Some(Open::Chunks(string_major)) = stack.last() {
            if major != *string_major || info == 31 {
                return Err(ScanError::Malformed(format!(
                    "bad chunk in an indefinite-length string at byte {}",
                    src.read - 1
                )));
            }
        }
        items += 1;
        if items > max_items {
            return Err(ScanError::OverLimit(format!("more than {max_items} data items")));
        }
        if let Some(Open::Counted(n)) = stack.last_mut() {
            *n -= 1;
        }
        let argument = src.argument(info).map_err(ScanError::Malformed)?;
        let left = src.limit - src.read;
        let open = match (major, argument) {
            (0 | 1 | 7, Some(_)) => None,
            (7, None) | (0 | 1 | 6, None) => {
                return Err(ScanError::Malformed(format!(
                    "bad item head 0x{head:02x} at byte {}",
                    src.read - 1
                )))
            }
            (2 | 3, Some(n)) => {
                src.skip(n).map_err(ScanError::Malformed)?;
                None
            }
            (2 | 3, None) => Some(Open::Chunks(major)),
            // Every element takes at least one byte: a count larger than what is left is a lie.
            (4, Some(n)) if n <= left => Some(Open::Counted(n)),
            (5, Some(n)) if n <= left / 2 => Some(Open::Counted(2 * n)),
            (4 | 5, Some(n)) => {
                return Err(ScanError::Malformed(format!(
                    "a container of {n} entries at byte {} does not fit in the {left} bytes left",
                    src.read
                )))
            }
            (4 | 5, None) => Some(Open::UntilBreak),
            (6, Some(_)) => Some(Open::Counted(1)), // a tag wraps one item
            _ => {
                return Err(ScanError::Malformed(format!(
                    "bad item head 0x{head:02x} at byte {}",
                    src.read - 1
                )))
            }
        };
        if let Some(open) = open {
            if stack.len() >= MAX_DEPTH {
                return Err(ScanError::OverLimit(format!("nesting deeper than {MAX_DEPTH} levels")));
            }
            stack.push(open);
        }
    }
}

/// The minimal CBOR head of a definite-length map of `n` entries.
fn map_head(n: u64) -> Vec<u8> {
    match n {
        0..=23 => vec![0xa0 | n as u8],
        24..=0xff => vec![0xb8, n as u8],
        0x100..=0xffff => {
            let mut v = vec![0xb9];
            v.extend_from_slice(&(n as u16).to_be_bytes());
            v
        }
        0x1_0000..=0xffff_ffff => {
            let mut v = vec![0xba];
            v.extend_from_slice(&(n as u32).to_be_bytes());
            v
        }
        _ => {
            let mut v = vec![0xbb];
            v.extend_from_slice(&n.to_be_bytes());
            v
        }
    }
}

/// For a definite-length map whose last key is the text `key`: the same map without that entry
/// (head rewritten minimally with one entry fewer). `None` if `bytes` is not such a map.
pub(crate) fn without_last_entry(bytes: &[u8], key: &str) -> Option<Vec<u8>> {
    let (&first, _) = bytes.split_first()?;
    if first >> 5 != 5 {
        return None;
    }
    let mut head = Source { inner: bytes, read: 1, limit: bytes.len() as u64 };
    let n = head.argument(first & 0x1f).ok()??;
    let entries_start = head.read as usize;
    // Walk the first n-1 entries (2 items each).
    let mut offset = entries_start;
    for _ in 0..n.checked_sub(1)?.checked_mul(2)? {
        let rest = bytes.get(offset..)?;
        offset += scan(rest, rest.len() as u64, u64::MAX).ok()?.bytes as usize;
    }
    let rest = bytes.get(offset..)?;
    let key_len = scan(rest, rest.len() as u64, 1).ok()?.bytes as usize;
    let mut expected = Vec::new();
    ciborium::into_writer(key, &mut expected).ok()?;
    if rest.get(..key_len)? != expected.as_slice() {
        return None;
    }
    let mut out = map_head(n - 1);
    out.extend_from_slice(bytes.get(entries_start..offset)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cbor<T: serde::Serialize>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        assert!(ciborium::into_writer(v, &mut out).is_ok());
        out
    }

    #[test]
    fn counts_items_of_real_values() {
        // [1, "ab", {"k": [true, null]}] = 1 array + 3 elements + key + value array + 2 = 8 items.
        let v = serde_json::json!([1, "ab", {"k": [true, null]}]);
        let bytes = cbor(&v);
        assert_eq!(
            scan(bytes.as_slice(), bytes.len() as u64, 100),
            Ok(Scan { items: 8, bytes: bytes.len() as u64 })
        );
        assert!(
            matches!(scan(bytes.as_slice(), bytes.len() as u64, 7), Err(ScanError::OverLimit(m)) if m.contains("more than 7"))
        );
    }

    #[test]
    fn lengths_that_lie_are_refused_before_reading() {
        // An array claiming 2^40 elements in a 9-byte input.
        let lie = [0x9b, 0, 0, 1, 0, 0, 0, 0, 0];
        assert!(
            matches!(scan(&lie[..], 9, 1000), Err(ScanError::Malformed(m)) if m.contains("does not fit"))
        );
        // A byte string claiming 1 GiB.
        let lie = [0x5a, 0x40, 0, 0, 0];
        assert!(matches!(scan(&lie[..], 5, 1000), Err(ScanError::Malformed(m)) if m.contains("longer than")));
        // Deep nesting.
        let deep = vec![0x81; 100];
        assert!(
            matches!(scan(deep.as_slice(), 100, 1000), Err(ScanError::OverLimit(m)) if m.contains("nesting"))
        );
        // Truncated.
        assert!(matches!(scan(&[0x82, 0x01][..], 2, 1000), Err(ScanError::Malformed(_))));
    }

    #[test]
    fn removes_the_last_entry_of_a_map() {
        #[derive(serde::Serialize)]
        struct Both {
            a: u32,
            b: &'static str,
            signature: u32,
        }
        #[derive(serde::Serialize)]
        struct First {
            a: u32,
            b: &'static str,
        }
        let with = cbor(&Both { a: 7, b: "x", signature: 9 });
        assert_eq!(without_last_entry(&with, "signature"), Some(cbor(&First { a: 7, b: "x" })));
        assert_eq!(without_last_entry(&with, "other"), None);
        assert_eq!(without_last_entry(&cbor(&[1, 2]), "signature"), None);
    }
}
