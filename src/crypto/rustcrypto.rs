//! The software provider: RustCrypto crates, no allocator, no tables.

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce, Tag};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use p256::elliptic_curve::Group;
use p256::elliptic_curve::ff::{Field, FromUniformBytes, PrimeField};
use p256::elliptic_curve::sec1::{FromSec1Point, ToSec1Point};
use p256::{AffinePoint, ProjectivePoint, Scalar};
use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey, StaticSecret};

use super::{
    AeadKey, CryptoError, CryptoProvider, HASH_LEN, NONCE_LEN, POINT_LEN, SCALAR_LEN, TAG_LEN,
};

/// Where [`RustCrypto`] draws its randomness from: the platform's TRNG on a
/// microcontroller, the operating system's generator on a phone.
///
/// Any `FnMut(&mut [u8])` closure is an `Entropy`.
pub trait Entropy {
    /// Fills `out` with cryptographically secure random bytes.
    fn fill(&mut self, out: &mut [u8]);
}

impl<F: FnMut(&mut [u8])> Entropy for F {
    fn fill(&mut self, out: &mut [u8]) {
        self(out)
    }
}

/// The [`CryptoProvider`] built from RustCrypto crates: `sha2`, `hmac`,
/// `hkdf`, `chacha20poly1305`, `x25519-dalek` and `p256`, all without an
/// allocator and without precomputed tables (small flash).
#[derive(Debug, Clone)]
pub struct RustCrypto<E> {
    entropy: E,
}

impl<E: Entropy> RustCrypto<E> {
    /// A provider drawing randomness from `entropy`.
    pub const fn new(entropy: E) -> Self {
        RustCrypto { entropy }
    }
}

type HmacSha256 = Hmac<Sha256>;

impl<E: Entropy> CryptoProvider for RustCrypto<E> {
    type X25519Secret = StaticSecret;
    type Scalar = Scalar;
    type Point = ProjectivePoint;

    fn random_bytes(&mut self, out: &mut [u8]) {
        self.entropy.fill(out);
    }

    fn sha256(&self, parts: &[&[u8]]) -> [u8; HASH_LEN] {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().into()
    }

    fn hmac_sha256(&self, key: &[u8], parts: &[&[u8]]) -> [u8; HASH_LEN] {
        // HMAC accepts keys of any length.
        let mut mac = match <HmacSha256 as KeyInit>::new_from_slice(key) {
            Ok(mac) => mac,
            Err(_) => return [0; HASH_LEN],
        };
        for p in parts {
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }

    fn hkdf_sha256(
        &self,
        salt: &[u8],
        ikm: &[u8],
        info: &[&[u8]],
        okm: &mut [u8],
    ) -> Result<(), CryptoError> {
        let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
        hk.expand_multi_info(info, okm)
            .map_err(|_| CryptoError::InvalidLength)
    }

    fn aead_seal(
        &self,
        key: &AeadKey,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; TAG_LEN], CryptoError> {
        let cipher = ChaCha20Poly1305::new(key.into());
        let tag = cipher
            .encrypt_inout_detached(&Nonce::from(*nonce), aad, in_out.into())
            .map_err(|_| CryptoError::InvalidLength)?;
        Ok(tag.into())
    }

    fn aead_open(
        &self,
        key: &AeadKey,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), CryptoError> {
        let cipher = ChaCha20Poly1305::new(key.into());
        cipher
            .decrypt_inout_detached(&Nonce::from(*nonce), aad, in_out.into(), &Tag::from(*tag))
            .map_err(|_| CryptoError::Authentication)
    }

    fn x25519_generate(&mut self) -> StaticSecret {
        let mut bytes = [0u8; 32];
        self.entropy.fill(&mut bytes);
        StaticSecret::from(bytes)
    }

    fn x25519_import(&self, secret: &[u8; 32]) -> StaticSecret {
        StaticSecret::from(*secret)
    }

    fn x25519_public(&self, secret: &StaticSecret) -> [u8; 32] {
        PublicKey::from(secret).to_bytes()
    }

    fn x25519(&self, secret: &StaticSecret, peer: &[u8; 32]) -> Result<[u8; 32], CryptoError> {
        let shared = secret.diffie_hellman(&PublicKey::from(*peer));
        if shared.was_contributory() {
            Ok(shared.to_bytes())
        } else {
            Err(CryptoError::LowOrderKey)
        }
    }

    fn p256_scalar_reduce(&self, bytes: &[u8]) -> Result<Scalar, CryptoError> {
        let mut wide = [0u8; 64];
        let start = wide
            .len()
            .checked_sub(bytes.len())
            .ok_or(CryptoError::InvalidLength)?;
        wide[start..].copy_from_slice(bytes);
        Ok(Scalar::from_uniform_bytes(&wide))
    }

    fn p256_scalar_random(&mut self) -> Scalar {
        // 64 uniform bytes reduced modulo n: bias below 2^-256. Zero is
        // redrawn (probability 2^-256 per draw).
        loop {
            let mut wide = [0u8; 64];
            self.entropy.fill(&mut wide);
            let s = Scalar::from_uniform_bytes(&wide);
            if !bool::from(s.is_zero()) {
                return s;
            }
        }
    }

    fn p256_scalar_bytes(&self, scalar: &Scalar) -> [u8; SCALAR_LEN] {
        scalar.to_repr().into()
    }

    fn p256_point_decode(&self, sec1: &[u8; POINT_LEN]) -> Result<ProjectivePoint, CryptoError> {
        if sec1[0] != 0x04 {
            return Err(CryptoError::InvalidPoint);
        }
        AffinePoint::from_sec1_bytes(sec1)
            .map(ProjectivePoint::from)
            .map_err(|_| CryptoError::InvalidPoint)
    }

    fn p256_point_encode(&self, point: &ProjectivePoint) -> Result<[u8; POINT_LEN], CryptoError> {
        if bool::from(point.is_identity()) {
            return Err(CryptoError::InvalidPoint);
        }
        let encoded = point.to_sec1_point(false);
        <[u8; POINT_LEN]>::try_from(encoded.as_bytes()).map_err(|_| CryptoError::InvalidPoint)
    }

    fn p256_mul_base(&self, scalar: &Scalar) -> ProjectivePoint {
        ProjectivePoint::generator() * scalar
    }

    fn p256_mul(&self, scalar: &Scalar, point: &ProjectivePoint) -> ProjectivePoint {
        *point * scalar
    }

    fn p256_add(&self, a: &ProjectivePoint, b: &ProjectivePoint) -> ProjectivePoint {
        *a + b
    }

    fn p256_sub(&self, a: &ProjectivePoint, b: &ProjectivePoint) -> ProjectivePoint {
        *a - b
    }
}
