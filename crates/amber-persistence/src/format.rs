//! The bytes of a `.amber` file (see FORMAT.md): the only place that knows them. Public for tools
//! and tests that need to build files byte by byte; everyday code uses `save` and `load`.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::PersistError;

/// The first 8 bytes of every amber model file.
pub const MAGIC: [u8; 8] = *b"\x89AMBER\r\n";
/// The format version this build writes.
pub const FORMAT_MAJOR: u16 = 1;
/// The format version this build writes.
pub const FORMAT_MINOR: u16 = 6;
/// The largest header accepted, in bytes.
pub const HEADER_CAP: u64 = 1 << 20;
/// Size of the fixed prefix: magic, version, header length.
const PREFIX: u64 = 8 + 2 + 2 + 4;
/// Size of the SHA-256 checksum.
const CHECKSUM: u64 = 32;

/// The raw parts of a file whose framing and checksum have been checked.
pub(crate) struct Frame<'a> {
    pub header: &'a [u8],
    pub payload: &'a [u8],
}

/// A complete file from an encoded header and payload: prefix, both parts, and the checksum.
pub fn encode(header: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(PREFIX as usize + header.len() + 8 + payload.len() + CHECKSUM as usize);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_MAJOR.to_le_bytes());
    out.extend_from_slice(&FORMAT_MINOR.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(header);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    out
}

/// A cursor that checks every length against what is left before taking it.
struct Reader<'a> {
    bytes: &'a [u8],
    offset: u64,
    file: &'a Path,
}

impl<'a> Reader<'a> {
    fn take(&mut self, part: &'static str, needed: u64) -> Result<&'a [u8], PersistError> {
        let available = self.bytes.len() as u64 - self.offset;
        if needed > available {
            return Err(PersistError::Truncated {
                file: self.file.to_path_buf(),
                part,
                offset: self.offset,
                needed,
                available,
            });
        }
        let start = self.offset as usize;
        self.offset += needed;
        self.bytes.get(start..start + needed as usize).ok_or(PersistError::Truncated {
            file: self.file.to_path_buf(),
            part,
            offset: start as u64,
            needed,
            available,
        })
    }

    fn array<const N: usize>(&mut self, part: &'static str) -> Result<[u8; N], PersistError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(part, N as u64)?);
        Ok(out)
    }
}

/// Checks magic, version, lengths, checksum and trailing bytes, in that order, without copying.
/// The header is not decoded here.
pub(crate) fn decode<'a>(bytes: &'a [u8], file: &'a Path) -> Result<Frame<'a>, PersistError> {
    let mut r = Reader { bytes, offset: 0, file };
    let path = || file.to_path_buf();
    // A file shorter than the magic that matches it so far is truncated, else it is not ours.
    let head = bytes.get(..MAGIC.len()).unwrap_or(bytes);
    if head != &MAGIC[..head.len()] {
        return Err(PersistError::BadMagic { file: path() });
    }
    r.take("magic", MAGIC.len() as u64)?;
    let major = u16::from_le_bytes(r.array("format version")?);
    // Any minor version of a supported major loads: minor versions only add optional fields.
    let minor = u16::from_le_bytes(r.array("format version")?);
    if major != FORMAT_MAJOR {
        return Err(PersistError::UnsupportedFormat {
            file: path(),
            file_version: format!("{major}.{minor}"),
            supported: format!("{FORMAT_MAJOR}.x (up to {FORMAT_MAJOR}.{FORMAT_MINOR})"),
        });
    }
    let header_len = u64::from(u32::from_le_bytes(r.array("header length")?));
    if header_len > HEADER_CAP {
        return Err(PersistError::HeaderTooLarge { file: path(), length: header_len, cap: HEADER_CAP });
    }
    let header = r.take("header", header_len)?;
    let payload_len = u64::from_le_bytes(r.array("payload length")?);
    let payload = r.take("payload", payload_len)?;
    let body_end = r.offset as usize;
    let stored = r.take("checksum", CHECKSUM)?;
    let trailing = bytes.len() as u64 - r.offset;
    let body = bytes.get(..body_end).unwrap_or_default();
    if Sha256::digest(body).as_slice() != stored {
        return Err(PersistError::ChecksumMismatch { file: path() });
    }
    if trailing > 0 {
        return Err(PersistError::TrailingBytes { file: path(), count: trailing });
    }
    Ok(Frame { header, payload })
}
