//! Ed25519 signatures over a model file's digest: keys, their files, signing and checking.
//!
//! A signature covers `SHA-256(header without its signature field) ‖ SHA-256(stored payload)`,
//! prefixed with a domain string (FORMAT.md, "Signatures"). Key files are standard PEM: the secret
//! key as PKCS#8 (`-----BEGIN PRIVATE KEY-----`), the public key as SPKI
//! (`-----BEGIN PUBLIC KEY-----`), readable by OpenSSL (`openssl pkey -in key.pem -text`).

use std::path::Path;

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signer, Verifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{io_error, PersistError};

/// What a signature's message starts with, so that it can never be mistaken for another protocol's.
const DOMAIN: &[u8] = b"amber model signature v1\0";
/// Key files larger than this are not key files.
const KEY_FILE_CAP: u64 = 16 << 10;

/// A signature as stored in the header (format 1.1, last header field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureInfo {
    /// `"ed25519"`.
    pub algorithm: String,
    /// [`PublicKey::key_id`] of the signer.
    pub key_id: String,
    /// The signer's public key, 32 bytes in hex. Trust comes from the caller's list of keys, never
    /// from this field.
    pub public_key: String,
    /// The 64-byte signature, in hex.
    pub signature: String,
}

/// An Ed25519 public key that verifies signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

/// An Ed25519 secret key that signs model files. Its `Debug` shows only the key id.
#[derive(Clone)]
pub struct SecretKey(ed25519_dalek::SigningKey);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.key_id())
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey(public {})", self.public_key().key_id())
    }
}

/// Lowercase hex, as every digest and key in a header is written.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 in lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    // Lowercase only, so that one signature has one spelling.
    if text.len() != 2 * N || !text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn key_error(file: &Path, reason: impl Into<String>) -> PersistError {
    PersistError::Key { file: file.to_path_buf(), reason: reason.into() }
}

/// Reads a key file (a regular file of at most 16 KiB) and parses it, naming the file in errors.
fn read_key_file<K>(path: &Path, parse: fn(&str) -> Result<K, PersistError>) -> Result<K, PersistError> {
    let meta = std::fs::metadata(path).map_err(io_error(path, "read key"))?;
    if !meta.is_file() || meta.len() > KEY_FILE_CAP {
        return Err(key_error(path, format!("not a regular file of at most {KEY_FILE_CAP} bytes")));
    }
    let bytes = std::fs::read(path).map_err(io_error(path, "read key"))?;
    let text = String::from_utf8(bytes).map_err(|_| key_error(path, "not UTF-8 text"))?;
    parse(&text).map_err(|e| match e {
        PersistError::Key { reason, .. } => key_error(path, reason),
        other => other,
    })
}

impl PublicKey {
    /// The key from its PEM text (SPKI, `-----BEGIN PUBLIC KEY-----`).
    pub fn from_pem(text: &str) -> Result<PublicKey, PersistError> {
        ed25519_dalek::VerifyingKey::from_public_key_pem(text)
            .map(PublicKey)
            .map_err(|e| key_error(Path::new("<pem>"), format!("not an Ed25519 public key: {e}")))
    }

    /// Reads a public key file.
    pub fn read(path: impl AsRef<Path>) -> Result<PublicKey, PersistError> {
        read_key_file(path.as_ref(), Self::from_pem)
    }

    /// The PEM text.
    pub fn to_pem(&self) -> Result<String, PersistError> {
        self.0.to_public_key_pem(LineEnding::LF).map_err(|e| key_error(Path::new("<pem>"), e.to_string()))
    }

    /// A short name for the key: the first 8 bytes of the SHA-256 of its 32 bytes, in hex.
    pub fn key_id(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes())[..8])
    }

    /// The 32 bytes in hex, as stored in a header.
    pub fn to_hex(&self) -> String {
        hex(self.0.as_bytes())
    }

    fn from_hex(text: &str) -> Option<PublicKey> {
        ed25519_dalek::VerifyingKey::from_bytes(&unhex::<32>(text)?).ok().map(PublicKey)
    }
}

impl SecretKey {
    /// A new key from the operating system's random source.
    ///
    /// ```
    /// use amber_persistence::SecretKey;
    ///
    /// let key = SecretKey::generate()?;
    /// let again = SecretKey::from_pem(&key.to_pem()?)?;
    /// assert_eq!(again.public_key(), key.public_key());
    /// # Ok::<(), amber_persistence::PersistError>(())
    /// ```
    pub fn generate() -> Result<SecretKey, PersistError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| key_error(Path::new("<random>"), e.to_string()))?;
        Ok(SecretKey::from_seed(seed))
    }

    /// The key whose 32-byte seed is `seed` (for tests and reproducible fixtures).
    pub fn from_seed(seed: [u8; 32]) -> SecretKey {
        SecretKey(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// The key from its PEM text (PKCS#8, `-----BEGIN PRIVATE KEY-----`).
    pub fn from_pem(text: &str) -> Result<SecretKey, PersistError> {
        ed25519_dalek::SigningKey::from_pkcs8_pem(text)
            .map(SecretKey)
            .map_err(|e| key_error(Path::new("<pem>"), format!("not an Ed25519 private key: {e}")))
    }

    /// Reads a secret key file.
    pub fn read(path: impl AsRef<Path>) -> Result<SecretKey, PersistError> {
        read_key_file(path.as_ref(), Self::from_pem)
    }

    /// The PEM text (keep it secret).
    pub fn to_pem(&self) -> Result<String, PersistError> {
        self.0
            .to_pkcs8_pem(LineEnding::LF)
            .map(|z| z.to_string())
            .map_err(|e| key_error(Path::new("<pem>"), e.to_string()))
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }
}

/// The signed message: domain, SHA-256 of the unsigned header, SHA-256 of the stored payload.
fn message(unsigned_header: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut m = DOMAIN.to_vec();
    m.extend_from_slice(&Sha256::digest(unsigned_header));
    m.extend_from_slice(&Sha256::digest(payload));
    m
}

/// Signs a file's parts.
pub(crate) fn sign(key: &SecretKey, unsigned_header: &[u8], payload: &[u8]) -> SignatureInfo {
    let public = key.public_key();
    SignatureInfo {
        algorithm: "ed25519".into(),
        key_id: public.key_id(),
        public_key: public.to_hex(),
        signature: hex(&key.0.sign(&message(unsigned_header, payload)).to_bytes()),
    }
}

/// Checks a stored signature against the file's parts and the trusted keys. With no trusted keys
/// the signature is still checked against the key it names (integrity), and the caller learns
/// the signer only as an unverified claim.
pub(crate) fn check(
    file: &Path,
    info: &SignatureInfo,
    unsigned_header: Option<&[u8]>,
    payload: &[u8],
    trusted: &[PublicKey],
) -> Result<(), PersistError> {
    let bad = |reason: &str| PersistError::BadSignature { file: file.to_path_buf(), reason: reason.into() };
    if info.algorithm != "ed25519" {
        return Err(bad("the algorithm is not ed25519"));
    }
    let key = PublicKey::from_hex(&info.public_key).ok_or_else(|| bad("the public key is malformed"))?;
    if info.key_id != key.key_id() {
        return Err(bad("the key id is not the public key's"));
    }
    if !trusted.is_empty() && !trusted.contains(&key) {
        return Err(PersistError::UntrustedSigner { file: file.to_path_buf(), key_id: key.key_id() });
    }
    let signature = unhex::<64>(&info.signature).ok_or_else(|| bad("the signature is malformed"))?;
    let header = unsigned_header.ok_or_else(|| bad("the signature is not the header's last field"))?;
    key.0
        .verify(&message(header, payload), &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| bad("the signature does not match the file's contents"))
}
