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
//!
//! A [`VerifierRecord`] has a fixed stored form of [`VERIFIER_RECORD_LEN`]
//! bytes, the layout the factory writes to the appliance's flash
//! (`spec/HANDSHAKE.md` section 6):
//!
//! ```text
//!  offset  len  field
//!       0   32  w0  big-endian, 1 ≤ w0 < n (the P-256 order)
//!      32   65  L   uncompressed SEC1 point (0x04 || x || y), on the curve
//!      97       (end)
//! ```

use zeroize::Zeroize;

use super::{CryptoError, CryptoProvider, HASH_LEN, POINT_LEN, SCALAR_LEN, ct_eq};

/// Length of a stored [`VerifierRecord`]: `w0` (32) then `L` (65).
pub const VERIFIER_RECORD_LEN: usize = SCALAR_LEN + POINT_LEN;

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

impl<P: CryptoProvider> VerifierRecord<P> {
    /// The stored form: `w0` big-endian, then `L` uncompressed SEC1 (see
    /// the [module docs](self)). Fails only if `L` is the identity, which a
    /// record made by [`ProverSecret::verifier_record`] never is.
    ///
    /// ```
    /// # #[cfg(feature = "rustcrypto")] {
    /// use applink::crypto::RustCrypto;
    /// use applink::crypto::spake2plus::{ProverSecret, VERIFIER_RECORD_LEN, VerifierRecord};
    ///
    /// // No randomness is drawn here.
    /// let p = RustCrypto::new(|out: &mut [u8]| out.fill(0));
    /// // From the 80-byte output of the setup-code derivation.
    /// let secret = ProverSecret::from_pbkdf_output(&p, &[0x5a; 80]).unwrap();
    /// let bytes = secret.verifier_record(&p).to_bytes(&p).unwrap();
    /// assert_eq!(bytes.len(), VERIFIER_RECORD_LEN);
    /// assert_eq!(bytes[32], 0x04);
    /// let record = VerifierRecord::from_bytes(&p, &bytes).unwrap();
    /// assert_eq!(record.to_bytes(&p).unwrap(), bytes);
    /// # }
    /// ```
    pub fn to_bytes(&self, p: &P) -> Result<[u8; VERIFIER_RECORD_LEN], CryptoError> {
        let mut out = [0u8; VERIFIER_RECORD_LEN];
        out[..SCALAR_LEN].copy_from_slice(&p.p256_scalar_bytes(&self.w0));
        out[SCALAR_LEN..].copy_from_slice(&p.p256_point_encode(&self.l)?);
        Ok(out)
    }

    /// Parses the stored form. `w0` must be canonical and non-zero
    /// (`1 ≤ w0 < n`, else [`CryptoError::InvalidScalar`]); `L` must be an
    /// uncompressed point on the curve (else [`CryptoError::InvalidPoint`]).
    /// Never panics.
    pub fn from_bytes(p: &P, bytes: &[u8; VERIFIER_RECORD_LEN]) -> Result<Self, CryptoError> {
        let (w0_bytes, l_bytes) = bytes.split_at(SCALAR_LEN);
        // The provider reduces modulo n; an encoding that does not come back
        // unchanged was >= n.
        let w0 = p.p256_scalar_reduce(w0_bytes)?;
        let canonical = p.p256_scalar_bytes(&w0);
        if canonical[..] != *w0_bytes || canonical == [0; SCALAR_LEN] {
            return Err(CryptoError::InvalidScalar);
        }
        let mut sec1 = [0u8; POINT_LEN];
        sec1.copy_from_slice(l_bytes);
        let l = p.p256_point_decode(&sec1)?;
        Ok(VerifierRecord { w0, l })
    }
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

/// The outcome of the key schedule, on either side. Zeroized when dropped;
/// not `Clone` and not comparable (check a confirmation with
/// [`Keys::check_confirm_p`] or [`Keys::check_confirm_v`], in constant time).
pub struct Keys {
    /// `confirmP`: sent by the prover.
    pub confirm_p: [u8; HASH_LEN],
    /// `confirmV`: sent by the verifier.
    pub confirm_v: [u8; HASH_LEN],
    /// `K_shared`: usable only once the peer's confirmation has verified.
    pub shared: [u8; HASH_LEN],
}

super::zeroize_on_drop!(Keys {
    confirm_p,
    confirm_v,
    shared
});

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
    let mut k_main = transcript_hash(p, ctx, share_p, share_v, z, v, w0);
    let mut confirmation = [0u8; 64];
    let mut keys = Keys {
        confirm_p: [0; HASH_LEN],
        confirm_v: [0; HASH_LEN],
        shared: [0; HASH_LEN],
    };
    let derived = p
        .hkdf_sha256(&[], &k_main, &[b"ConfirmationKeys"], &mut confirmation)
        .and_then(|()| p.hkdf_sha256(&[], &k_main, &[b"SharedKey"], &mut keys.shared));
    k_main.zeroize();
    if derived.is_ok() {
        keys.confirm_p = p.hmac_sha256(&confirmation[..32], &[share_v]);
        keys.confirm_v = p.hmac_sha256(&confirmation[32..], &[share_p]);
    }
    confirmation.zeroize();
    derived.map(|()| keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::InsecureTestCrypto;
    use crate::crypto::conformance::rfc9383;

    /// The P-256 group order n, big-endian.
    const ORDER: [u8; 32] =
        super::super::hex(b"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

    fn example() -> [u8; VERIFIER_RECORD_LEN] {
        let mut b = [0u8; VERIFIER_RECORD_LEN];
        b[..32].copy_from_slice(&rfc9383::W0);
        b[32..].copy_from_slice(&rfc9383::L);
        b
    }

    #[test]
    fn worked_example_both_ways() {
        // spec/HANDSHAKE.md 6.2: the RFC 9383 vector's w0 and L.
        let p = InsecureTestCrypto::from_seed([0; 32]);
        assert_eq!(VERIFIER_RECORD_LEN, 97);
        let secret = ProverSecret::<InsecureTestCrypto> {
            w0: p.p256_scalar_reduce(&rfc9383::W0).unwrap(),
            w1: p.p256_scalar_reduce(&rfc9383::W1).unwrap(),
        };
        let bytes = secret.verifier_record(&p).to_bytes(&p).unwrap();
        assert_eq!(bytes, example());
        let record = VerifierRecord::from_bytes(&p, &bytes).unwrap();
        assert_eq!(p.p256_scalar_bytes(&record.w0), rfc9383::W0);
        assert_eq!(p.p256_point_encode(&record.l).unwrap(), rfc9383::L);
        let spec: std::string::String = include_str!("../../spec/HANDSHAKE.md")
            .split_whitespace()
            .collect();
        assert!(
            spec.contains(&hex::encode(bytes)),
            "spec/HANDSHAKE.md 6.2 differs"
        );
    }

    #[test]
    fn zeroize_clears_every_key_of_the_schedule() {
        let p = InsecureTestCrypto::from_seed([0; 32]);
        let mut keys = schedule(
            &p,
            &Context {
                context: b"c",
                prover_id: &[],
                verifier_id: b"v",
            },
            &M,
            &N,
            &M,
            &N,
            &[1; 32],
        )
        .unwrap();
        assert_ne!(keys.shared, [0; HASH_LEN]);
        keys.zeroize();
        assert_eq!(keys.confirm_p, [0; HASH_LEN]);
        assert_eq!(keys.confirm_v, [0; HASH_LEN]);
        assert_eq!(keys.shared, [0; HASH_LEN]);
        assert!(!keys.check_confirm_p(&[1; HASH_LEN]));
    }

    #[test]
    fn bad_scalars_and_points_are_refused() {
        let p = InsecureTestCrypto::from_seed([0; 32]);
        let with_w0 = |w0: [u8; 32]| {
            let mut b = example();
            b[..32].copy_from_slice(&w0);
            VerifierRecord::from_bytes(&p, &b).map(|_| ())
        };
        let mut n_plus_1 = ORDER;
        n_plus_1[31] += 1;
        let mut n_minus_1 = ORDER;
        n_minus_1[31] -= 1;
        for bad in [[0; 32], ORDER, n_plus_1, [0xff; 32]] {
            assert_eq!(with_w0(bad), Err(CryptoError::InvalidScalar));
        }
        let mut one = [0; 32];
        one[31] = 1;
        assert_eq!(with_w0(one), Ok(()));
        assert_eq!(with_w0(n_minus_1), Ok(()));

        let with_l = |edit: &dyn Fn(&mut [u8])| {
            let mut b = example();
            edit(&mut b[32..]);
            VerifierRecord::from_bytes(&p, &b).map(|_| ())
        };
        assert_eq!(with_l(&|l| l[0] = 0x02), Err(CryptoError::InvalidPoint));
        assert_eq!(with_l(&|l| l[0] = 0x00), Err(CryptoError::InvalidPoint));
        assert_eq!(with_l(&|l| l[64] ^= 1), Err(CryptoError::InvalidPoint));
        assert_eq!(with_l(&|l| l[1..].fill(0)), Err(CryptoError::InvalidPoint));
        assert_eq!(with_l(&|l| l.fill(0)), Err(CryptoError::InvalidPoint));
    }
}
