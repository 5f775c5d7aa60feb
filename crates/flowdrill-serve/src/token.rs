//! Unguessable tokens and drill ids, and the hashes the store keeps instead of tokens.

use sha2::{Digest, Sha256};

/// Bytes of randomness in a token: 160 bits.
const TOKEN_BYTES: usize = 20;

/// The operating system's random source failed.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random source failed: {0}")]
pub struct RandomError(String);

fn random_hex(n: usize) -> Result<String, RandomError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| RandomError(e.to_string()))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A new token: 160 random bits as 40 hexadecimal digits.
pub fn new_token() -> Result<String, RandomError> {
    random_hex(TOKEN_BYTES)
}

/// A new drill id: 64 random bits (an id is not a secret; it names a drill in the store).
pub fn new_id() -> Result<String, RandomError> {
    random_hex(8)
}

/// The SHA-256 of a token, as the store keeps it: a copy of the store does not hand out
/// the drills' links.
pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// True when `s` looks like a token (so that junk is refused before any lookup).
pub fn well_formed(s: &str) -> bool {
    s.len() == TOKEN_BYTES * 2 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_distinct_and_well_formed() -> Result<(), RandomError> {
        let (a, b) = (new_token()?, new_token()?);
        assert_ne!(a, b);
        assert_eq!(a.len(), 40);
        assert!(well_formed(&a));
        assert!(!well_formed("not a token"));
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(hash(&a), hash(&a));
        assert_eq!(hash(&a).len(), 64);
        Ok(())
    }
}
