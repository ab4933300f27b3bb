//! Randomness from the operating system, for phone and desktop apps.
//!
//! [`OsEntropy`] reads the operating system's generator (`getrandom(2)`,
//! `BCryptGenRandom`, `SecRandomCopyBytes`, ...) through the `getrandom`
//! crate. It never returns anything else: there is no fallback, no seed and
//! no userspace generator to get wrong.
//!
//! # Contract
//!
//! [`Entropy::fill`] cannot return an error, and on a host with a working
//! kernel the operating system's generator does not fail once it has been
//! seeded. If it does fail, no secure key, nonce or share can be made, so
//! `fill` panics with a message naming the cause rather than hand out
//! predictable bytes. No input from a peer reaches this code.

use super::rustcrypto::{Entropy, RustCrypto};

/// Cryptographically secure randomness from the operating system.
///
/// ```
/// use applink::crypto::{CryptoProvider, OsEntropy, RustCrypto};
///
/// let mut crypto = RustCrypto::new(OsEntropy);
/// let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
/// crypto.random_bytes(&mut a);
/// crypto.random_bytes(&mut b);
/// assert_ne!(a, b);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    /// Fills `out` from the operating system's generator.
    ///
    /// # Panics
    ///
    /// If the operating system cannot supply random bytes (see the module
    /// docs): it never fills `out` with anything weaker.
    fn fill(&mut self, out: &mut [u8]) {
        if let Err(error) = getrandom::fill(out) {
            panic!("the operating system's random number generator failed: {error}");
        }
    }
}

/// The RustCrypto provider drawing its randomness from the operating system.
pub type OsCrypto = RustCrypto<OsEntropy>;

/// The RustCrypto provider with operating-system randomness: what a phone
/// or desktop app uses.
///
/// ```
/// use applink::crypto::{CryptoProvider, os_crypto};
///
/// let crypto = os_crypto();
/// assert_eq!(crypto.sha256(&[b"abc"])[..4], [0xBA, 0x78, 0x16, 0xBF]);
/// ```
pub const fn os_crypto() -> OsCrypto {
    RustCrypto::new(OsEntropy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_byte() {
        // 64 bytes all zero from a working generator: probability 2^-512.
        let mut out = [0u8; 64];
        OsEntropy.fill(&mut out);
        assert!(out.iter().any(|&b| b != 0));
        let mut empty = [0u8; 0];
        OsEntropy.fill(&mut empty);
    }
}
