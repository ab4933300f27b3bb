//! A test provider: the insecure test provider, counting the operations an
//! attacker makes the appliance spend, and optionally zeroing the buffer of
//! a failed `aead_open` (as the trait allows a provider to).

use core::cell::Cell;

use super::{AeadKey, CryptoError, CryptoProvider, InsecureTestCrypto, NONCE_LEN, TAG_LEN};

/// [`InsecureTestCrypto`] with counters, for tests only.
pub(crate) struct Spy {
    inner: InsecureTestCrypto,
    zero_failed_opens: bool,
    /// X25519 operations: key generation, public keys, Diffie-Hellman.
    pub(crate) x25519: Cell<u32>,
    /// SHA-256 and HMAC-SHA256 computations.
    pub(crate) hashes: Cell<u32>,
}

impl Spy {
    /// A counting provider with randomness from `seed`.
    pub(crate) const fn new(seed: [u8; 32]) -> Self {
        Spy {
            inner: InsecureTestCrypto::from_seed(seed),
            zero_failed_opens: false,
            x25519: Cell::new(0),
            hashes: Cell::new(0),
        }
    }

    /// Like [`new`](Self::new), and a failed `aead_open` zeroes its buffer.
    pub(crate) const fn zeroing_failed_opens(seed: [u8; 32]) -> Self {
        let mut spy = Self::new(seed);
        spy.zero_failed_opens = true;
        spy
    }

    /// Sets both counters to zero.
    pub(crate) fn reset(&self) {
        self.x25519.set(0);
        self.hashes.set(0);
    }

    fn count(cell: &Cell<u32>) {
        cell.set(cell.get() + 1);
    }
}

impl CryptoProvider for Spy {
    type X25519Secret = <InsecureTestCrypto as CryptoProvider>::X25519Secret;
    type Scalar = <InsecureTestCrypto as CryptoProvider>::Scalar;
    type Point = <InsecureTestCrypto as CryptoProvider>::Point;

    fn random_bytes(&mut self, out: &mut [u8]) {
        self.inner.random_bytes(out)
    }
    fn sha256(&self, parts: &[&[u8]]) -> [u8; 32] {
        Self::count(&self.hashes);
        self.inner.sha256(parts)
    }
    fn hmac_sha256(&self, key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        Self::count(&self.hashes);
        self.inner.hmac_sha256(key, parts)
    }
    fn hkdf_sha256(
        &self,
        salt: &[u8],
        ikm: &[u8],
        info: &[&[u8]],
        okm: &mut [u8],
    ) -> Result<(), CryptoError> {
        self.inner.hkdf_sha256(salt, ikm, info, okm)
    }
    fn aead_seal(
        &self,
        key: &AeadKey,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; TAG_LEN], CryptoError> {
        self.inner.aead_seal(key, nonce, aad, in_out)
    }
    fn aead_open(
        &self,
        key: &AeadKey,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), CryptoError> {
        let opened = self.inner.aead_open(key, nonce, aad, in_out, tag);
        if opened.is_err() && self.zero_failed_opens {
            in_out.fill(0);
        }
        opened
    }
    fn x25519_generate(&mut self) -> Self::X25519Secret {
        Self::count(&self.x25519);
        self.inner.x25519_generate()
    }
    fn x25519_import(&self, secret: &[u8; 32]) -> Self::X25519Secret {
        self.inner.x25519_import(secret)
    }
    fn x25519_public(&self, secret: &Self::X25519Secret) -> [u8; 32] {
        Self::count(&self.x25519);
        self.inner.x25519_public(secret)
    }
    fn x25519(
        &self,
        secret: &Self::X25519Secret,
        peer: &[u8; 32],
    ) -> Result<[u8; 32], CryptoError> {
        Self::count(&self.x25519);
        self.inner.x25519(secret, peer)
    }
    fn p256_scalar_reduce(&self, bytes: &[u8]) -> Result<Self::Scalar, CryptoError> {
        self.inner.p256_scalar_reduce(bytes)
    }
    fn p256_scalar_random(&mut self) -> Self::Scalar {
        self.inner.p256_scalar_random()
    }
    fn p256_scalar_bytes(&self, scalar: &Self::Scalar) -> [u8; 32] {
        self.inner.p256_scalar_bytes(scalar)
    }
    fn p256_point_decode(&self, sec1: &[u8; 65]) -> Result<Self::Point, CryptoError> {
        self.inner.p256_point_decode(sec1)
    }
    fn p256_point_encode(&self, point: &Self::Point) -> Result<[u8; 65], CryptoError> {
        self.inner.p256_point_encode(point)
    }
    fn p256_mul_base(&self, scalar: &Self::Scalar) -> Self::Point {
        self.inner.p256_mul_base(scalar)
    }
    fn p256_mul(&self, scalar: &Self::Scalar, point: &Self::Point) -> Self::Point {
        self.inner.p256_mul(scalar, point)
    }
    fn p256_add(&self, a: &Self::Point, b: &Self::Point) -> Self::Point {
        self.inner.p256_add(a, b)
    }
    fn p256_sub(&self, a: &Self::Point, b: &Self::Point) -> Self::Point {
        self.inner.p256_sub(a, b)
    }
}
