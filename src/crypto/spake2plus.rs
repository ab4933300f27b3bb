//! SPAKE2+ (RFC 9383) for the suite P256-SHA256-HKDF-SHA256-HMAC-SHA256,
//! composed over a [`CryptoProvider`].
//!
//! The prover (the phone) knows `w0` and `w1`, derived from the setup code;
//! the verifier (the appliance) stores only `w0` and `L = w1 × G`.
//!
//! ```text
//!  prover                                           verifier
//!  shareP = x×G + w0×M        ── shareP ──▶
//!                                                    shareV = y×G + w0×N
//!                                                    Z = y×(shareP − w0×M), V = y×L
//!                             ◀── shareV, confirmV ──
//!  Z = x×(shareV − w0×N), V = w1×(shareV − w0×N)
//!  check confirmV             ── confirmP ──▶        check confirmP
//! ```
//!
//! The transcript, key schedule and confirmations follow RFC 9383 §3.3–3.4
//! exactly: `TT` is the 8-byte little-endian length-prefixed concatenation of
//! Context, idProver, idVerifier, M, N, shareP, shareV, Z, V and w0;
//! `K_main = SHA-256(TT)`; `K_confirmP || K_confirmV = HKDF(nil, K_main,
//! "ConfirmationKeys")`; `K_shared = HKDF(nil, K_main, "SharedKey")`;
//! `confirmV = HMAC(K_confirmV, shareP)`, `confirmP = HMAC(K_confirmP,
//! shareV)`. The unit tests check every value of the RFC's test vector.

use super::{CryptoError, CryptoProvider, HASH_LEN, POINT_LEN, ct_eq};

/// The suite's M point (RFC 9383 §4), uncompressed SEC1.
pub const M: [u8; POINT_LEN] = super::hex(
    b"04886e2f97ace46e55ba9dd7242579f2993b64e16ef3dcab95afd497333d8fa12f5ff355163e43ce224e0b0e65ff02ac8e5c7be09419c785e0ca547d55a12e2d20",
);

/// The suite's N point (RFC 9383 §4), uncompressed SEC1.
pub const N: [u8; POINT_LEN] = super::hex(
    b"04d8bbd6c639c62937b04d997f38c3770719c629d7014d49a24b4f98baa1292b4907d60aa6bfade45008a636337f5168c64d9bd36034808cd564490b1e656edbe7",
);

/// The context and identities both sides bind into the transcript.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The application context string.
    pub context: &'a [u8],
    /// The prover's identity.
    pub prover_id: &'a [u8],
    /// The verifier's identity.
    pub verifier_id: &'a [u8],
}

/// The prover's secret: `w0` and `w1`.
#[derive(Clone)]
pub struct ProverSecret<P: CryptoProvider> {
    /// `w0`.
    pub w0: P::Scalar,
    /// `w1`.
    pub w1: P::Scalar,
}

/// The verifier's record: `w0` and `L = w1 × G`.
#[derive(Clone)]
pub struct VerifierRecord<P: CryptoProvider> {
    /// `w0`.
    pub w0: P::Scalar,
    /// `L`.
    pub l: P::Point,
}

impl<P: CryptoProvider> ProverSecret<P> {
    /// `w0` and `w1` from the 80-byte output of the password hash: each half
    /// is a big-endian integer reduced modulo the group order (RFC 9383 §3.2).
    pub fn from_pbkdf_output(p: &P, output: &[u8; 80]) -> Result<Self, CryptoError> {
        let w0 = p.p256_scalar_reduce(&output[..40])?;
        let w1 = p.p256_scalar_reduce(&output[40..])?;
        if p.p256_scalar_bytes(&w0) == [0; 32] || p.p256_scalar_bytes(&w1) == [0; 32] {
            return Err(CryptoError::InvalidScalar);
        }
        Ok(ProverSecret { w0, w1 })
    }

    /// The record the verifier stores.
    pub fn verifier_record(&self, p: &P) -> VerifierRecord<P> {
        VerifierRecord {
            w0: self.w0.clone(),
            l: p.p256_mul_base(&self.w1),
        }
    }
}

/// The outcome of the key schedule, on either side.
#[derive(Clone, PartialEq, Eq)]
pub struct Keys {
    /// `confirmP`: sent by the prover.
    pub confirm_p: [u8; HASH_LEN],
    /// `confirmV`: sent by the verifier.
    pub confirm_v: [u8; HASH_LEN],
    /// `K_shared`: usable only once the peer's confirmation has verified.
    pub shared: [u8; HASH_LEN],
}

impl core::fmt::Debug for Keys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    /// Checks the prover's confirmation in constant time.
    pub fn check_confirm_p(&self, got: &[u8; HASH_LEN]) -> bool {
        ct_eq(&self.confirm_p, got)
    }

    /// Checks the verifier's confirmation in constant time.
    pub fn check_confirm_v(&self, got: &[u8; HASH_LEN]) -> bool {
        ct_eq(&self.confirm_v, got)
    }
}

/// Prover, step 1: `shareP = x × G + w0 × M` for the ephemeral scalar `x`.
pub fn prover_share<P: CryptoProvider>(
    p: &P,
    secret: &ProverSecret<P>,
    x: &P::Scalar,
) -> Result<[u8; POINT_LEN], CryptoError> {
    let m = p.p256_point_decode(&M)?;
    let share = p.p256_add(&p.p256_mul_base(x), &p.p256_mul(&secret.w0, &m));
    p.p256_point_encode(&share)
}

/// Verifier: takes `shareP`, makes `shareV = y × G + w0 × N` for the
/// ephemeral scalar `y`, and runs the key schedule.
pub fn verifier_respond<P: CryptoProvider>(
    p: &P,
    ctx: &Context<'_>,
    record: &VerifierRecord<P>,
    y: &P::Scalar,
    share_p: &[u8; POINT_LEN],
) -> Result<([u8; POINT_LEN], Keys), CryptoError> {
    let x_point = p.p256_point_decode(share_p)?;
    let m = p.p256_point_decode(&M)?;
    let n = p.p256_point_decode(&N)?;
    let share_v =
        p.p256_point_encode(&p.p256_add(&p.p256_mul_base(y), &p.p256_mul(&record.w0, &n)))?;
    // shareP − w0×M must not be the identity: encoding it fails if it is.
    let unmasked = p.p256_sub(&x_point, &p.p256_mul(&record.w0, &m));
    p.p256_point_encode(&unmasked)?;
    let z = p.p256_point_encode(&p.p256_mul(y, &unmasked))?;
    let v = p.p256_point_encode(&p.p256_mul(y, &record.l))?;
    let keys = schedule(
        p,
        ctx,
        share_p,
        &share_v,
        &z,
        &v,
        &p.p256_scalar_bytes(&record.w0),
    )?;
    Ok((share_v, keys))
}

/// Prover, step 2: takes `shareV` and runs the key schedule. The caller
/// checks `confirmV` with [`Keys::check_confirm_v`] before sending
/// `confirmP` or using `K_shared`.
pub fn prover_finish<P: CryptoProvider>(
    p: &P,
    ctx: &Context<'_>,
    secret: &ProverSecret<P>,
    x: &P::Scalar,
    share_p: &[u8; POINT_LEN],
    share_v: &[u8; POINT_LEN],
) -> Result<Keys, CryptoError> {
    let y_point = p.p256_point_decode(share_v)?;
    let n = p.p256_point_decode(&N)?;
    let unmasked = p.p256_sub(&y_point, &p.p256_mul(&secret.w0, &n));
    p.p256_point_encode(&unmasked)?;
    let z = p.p256_point_encode(&p.p256_mul(x, &unmasked))?;
    let v = p.p256_point_encode(&p.p256_mul(&secret.w1, &unmasked))?;
    schedule(
        p,
        ctx,
        share_p,
        share_v,
        &z,
        &v,
        &p.p256_scalar_bytes(&secret.w0),
    )
}

/// `K_main = SHA-256(TT)`, exposed for the conformance suite.
pub fn transcript_hash<P: CryptoProvider>(
    p: &P,
    ctx: &Context<'_>,
    share_p: &[u8; POINT_LEN],
    share_v: &[u8; POINT_LEN],
    z: &[u8; POINT_LEN],
    v: &[u8; POINT_LEN],
    w0: &[u8; 32],
) -> [u8; HASH_LEN] {
    let items: [&[u8]; 10] = [
        ctx.context,
        ctx.prover_id,
        ctx.verifier_id,
        &M,
        &N,
        share_p,
        share_v,
        z,
        v,
        w0,
    ];
    let mut lens = [[0u8; 8]; 10];
    for (len, item) in lens.iter_mut().zip(items.iter()) {
        *len = (item.len() as u64).to_le_bytes();
    }
    let mut parts: [&[u8]; 20] = [&[]; 20];
    for i in 0..10 {
        parts[2 * i] = &lens[i];
        parts[2 * i + 1] = items[i];
    }
    p.sha256(&parts)
}

fn schedule<P: CryptoProvider>(
    p: &P,
    ctx: &Context<'_>,
    share_p: &[u8; POINT_LEN],
    share_v: &[u8; POINT_LEN],
    z: &[u8; POINT_LEN],
    v: &[u8; POINT_LEN],
    w0: &[u8; 32],
) -> Result<Keys, CryptoError> {
    let k_main = transcript_hash(p, ctx, share_p, share_v, z, v, w0);
    let mut confirmation = [0u8; 64];
    p.hkdf_sha256(&[], &k_main, &[b"ConfirmationKeys"], &mut confirmation)?;
    let mut shared = [0u8; HASH_LEN];
    p.hkdf_sha256(&[], &k_main, &[b"SharedKey"], &mut shared)?;
    Ok(Keys {
        confirm_p: p.hmac_sha256(&confirmation[..32], &[share_v]),
        confirm_v: p.hmac_sha256(&confirmation[32..], &[share_p]),
        shared,
    })
}
