//! The crypto layer: a provider trait and the compositions built on it.
//!
//! Every primitive the protocol uses (SHA-256, HMAC-SHA256, HKDF-SHA256,
//! ChaCha20-Poly1305, X25519 and P-256 group operations) sits behind
//! [`CryptoProvider`]. The protocol code above composes them; it never
//! implements a primitive itself.
//!
//! - [`RustCrypto`] (feature `rustcrypto`) implements the trait with audited
//!   RustCrypto crates, without an allocator and without precomputed tables.
//! - `InsecureTestCrypto` (feature `insecure-test-crypto`, and in this
//!   crate's own tests) is the same code with *predictable* randomness drawn
//!   from a seed: for test vectors, tests and fuzzing only.
//! - [`spake2plus`] composes SPAKE2+ (RFC 9383, P256-SHA256-HKDF-SHA256-
//!   HMAC-SHA256) over any provider.
//! - [`noise`] composes the Noise `IKpsk2` handshake (X25519,
//!   ChaCha20-Poly1305, SHA-256) over any provider.
//! - [`conformance`] is a known-answer suite (RFC 7748, RFC 8439, RFC 5869,
//!   RFC 9383, Noise cacophony) any provider can be run through.
//! - [`setup_code`] checks 8-digit setup codes and, with `std`, derives the
//!   SPAKE2+ secrets from one with Argon2id.
//!
//! # Contract
//!
//! No function here allocates or panics on any input. Points and public keys
//! from the peer are validated by the provider (on-curve, not the identity,
//! X25519 output not all-zero); every failure is a [`CryptoError`].
//!
//! # Key handles
//!
//! Long-term and ephemeral secrets (X25519 secrets, P-256 scalars) are the
//! provider's associated types, never raw bytes in the protocol code, so a
//! secure element or an ECC accelerator can keep them in its own key slots.
//! Symmetric session keys are 32-byte arrays derived by HKDF.

pub mod conformance;
pub mod noise;
pub mod setup_code;
pub mod spake2plus;

#[cfg(feature = "rustcrypto")]
mod rustcrypto;
#[cfg(feature = "rustcrypto")]
pub use rustcrypto::{Entropy, RustCrypto};

#[cfg(all(feature = "std", feature = "rustcrypto"))]
mod os;
#[cfg(all(feature = "std", feature = "rustcrypto"))]
pub use os::{OsCrypto, OsEntropy, os_crypto};

#[cfg(any(test, feature = "insecure-test-crypto"))]
mod insecure;
#[cfg(any(test, feature = "insecure-test-crypto"))]
pub use insecure::{InsecureTestCrypto, SeededEntropy};
#[cfg(test)]
pub(crate) mod spy;

/// Length of an AEAD key.
pub const KEY_LEN: usize = 32;
/// Length of an AEAD nonce.
pub const NONCE_LEN: usize = 12;
/// Length of an AEAD tag.
pub const TAG_LEN: usize = 16;
/// Length of a SHA-256 digest, an HMAC-SHA256 output and an X25519 key.
pub const HASH_LEN: usize = 32;
/// Length of an uncompressed SEC1 P-256 point.
pub const POINT_LEN: usize = 65;
/// Length of a big-endian P-256 scalar.
pub const SCALAR_LEN: usize = 32;

/// A symmetric AEAD key.
pub type AeadKey = [u8; KEY_LEN];

/// Everything a provider rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum CryptoError {
    /// An AEAD tag did not verify; the buffer holds no plaintext.
    #[error("authentication failed")]
    Authentication,
    /// A P-256 point is not an uncompressed point on the curve, or is the
    /// identity.
    #[error("invalid P-256 point")]
    InvalidPoint,
    /// A scalar is zero or its encoding is out of range.
    #[error("invalid scalar")]
    InvalidScalar,
    /// An X25519 exchange produced the all-zero value (a low-order peer key).
    #[error("low-order X25519 public key")]
    LowOrderKey,
    /// An input or output length is outside what the primitive accepts.
    #[error("invalid length")]
    InvalidLength,
}

/// The primitives the protocol is built from.
///
/// No method allocates, and none may panic on any input. Methods taking
/// `&mut self` draw randomness.
pub trait CryptoProvider {
    /// An X25519 secret key held by the provider.
    type X25519Secret;
    /// A P-256 scalar held by the provider.
    type Scalar: Clone;
    /// A P-256 group element held by the provider.
    type Point: Clone;

    /// Fills `out` with cryptographically secure random bytes.
    fn random_bytes(&mut self, out: &mut [u8]);

    /// SHA-256 of the concatenation of `parts`.
    fn sha256(&self, parts: &[&[u8]]) -> [u8; HASH_LEN];

    /// HMAC-SHA256 with `key` of the concatenation of `parts`.
    fn hmac_sha256(&self, key: &[u8], parts: &[&[u8]]) -> [u8; HASH_LEN];

    /// HKDF-SHA256 (RFC 5869): extract with `salt` (empty for none) from
    /// `ikm`, then expand with the concatenation of `info` into `okm`
    /// (at most 255 × 32 bytes).
    fn hkdf_sha256(
        &self,
        salt: &[u8],
        ikm: &[u8],
        info: &[&[u8]],
        okm: &mut [u8],
    ) -> Result<(), CryptoError>;

    /// ChaCha20-Poly1305 (RFC 8439): encrypts `in_out` in place and returns
    /// the tag.
    fn aead_seal(
        &self,
        key: &AeadKey,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; TAG_LEN], CryptoError>;

    /// ChaCha20-Poly1305 (RFC 8439): verifies `tag` and decrypts `in_out` in
    /// place. On [`CryptoError::Authentication`] `in_out` is left as it was
    /// given or zeroed, never as unauthenticated plaintext.
    fn aead_open(
        &self,
        key: &AeadKey,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), CryptoError>;

    /// A fresh random X25519 secret.
    fn x25519_generate(&mut self) -> Self::X25519Secret;

    /// An X25519 secret from its 32-byte encoding (RFC 7748 clamping applies).
    fn x25519_import(&self, secret: &[u8; 32]) -> Self::X25519Secret;

    /// The public key of an X25519 secret.
    fn x25519_public(&self, secret: &Self::X25519Secret) -> [u8; 32];

    /// X25519 (RFC 7748) of `secret` and the peer's public key; rejects the
    /// all-zero output with [`CryptoError::LowOrderKey`].
    fn x25519(&self, secret: &Self::X25519Secret, peer: &[u8; 32])
    -> Result<[u8; 32], CryptoError>;

    /// The big-endian integer `bytes` (at most 64 bytes) reduced modulo the
    /// P-256 group order.
    fn p256_scalar_reduce(&self, bytes: &[u8]) -> Result<Self::Scalar, CryptoError>;

    /// A uniformly random non-zero P-256 scalar.
    fn p256_scalar_random(&mut self) -> Self::Scalar;

    /// The 32-byte big-endian encoding of a scalar.
    fn p256_scalar_bytes(&self, scalar: &Self::Scalar) -> [u8; SCALAR_LEN];

    /// Decodes an uncompressed SEC1 point, rejecting points off the curve.
    fn p256_point_decode(&self, sec1: &[u8; POINT_LEN]) -> Result<Self::Point, CryptoError>;

    /// Encodes a point as uncompressed SEC1; the identity has no such
    /// encoding and is rejected with [`CryptoError::InvalidPoint`].
    fn p256_point_encode(&self, point: &Self::Point) -> Result<[u8; POINT_LEN], CryptoError>;

    /// `scalar × G`.
    fn p256_mul_base(&self, scalar: &Self::Scalar) -> Self::Point;

    /// `scalar × point`.
    fn p256_mul(&self, scalar: &Self::Scalar, point: &Self::Point) -> Self::Point;

    /// `a + b`.
    fn p256_add(&self, a: &Self::Point, b: &Self::Point) -> Self::Point;

    /// `a − b`.
    fn p256_sub(&self, a: &Self::Point, b: &Self::Point) -> Self::Point;
}

/// Implements `Zeroize` (every listed field), `Drop` (zeroize) and
/// `ZeroizeOnDrop` for a struct holding secrets.
macro_rules! zeroize_on_drop {
    ($ty:ty { $($field:ident),+ $(,)? }) => {
        impl zeroize::Zeroize for $ty {
            fn zeroize(&mut self) {
                $(zeroize::Zeroize::zeroize(&mut self.$field);)+
            }
        }

        impl Drop for $ty {
            fn drop(&mut self) {
                zeroize::Zeroize::zeroize(self);
            }
        }

        impl zeroize::ZeroizeOnDrop for $ty {}
    };
}
pub(crate) use zeroize_on_drop;

/// Compares two byte strings in constant time (for equal lengths).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

/// Decodes lowercase hex at compile time (for constants and vectors).
pub(crate) const fn hex<const N: usize>(s: &[u8]) -> [u8; N] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not lowercase hex"),
        }
    }
    assert!(s.len() == 2 * N, "hex length");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (nibble(s[2 * i]) << 4) | nibble(s[2 * i + 1]);
        i += 1;
    }
    out
}
