//! A known-answer suite any [`CryptoProvider`] can be run through.
//!
//! [`run`] checks the provider against published vectors: RFC 7748 §5.2
//! and §6.1 (X25519), RFC 8439 §2.8.2 (ChaCha20-Poly1305, both directions
//! and a rejected forgery), RFC 5869 appendix A.1–A.3 (HKDF-SHA256) and
//! RFC 9383 appendix C (SPAKE2+ P256-SHA256, every value, both roles) and
//! the cacophony test vector of `Noise_IKpsk2_25519_ChaChaPoly_SHA256`
//! (both handshake messages and four transport messages). A
//! hardware-backed provider passes the same suite before it ships.

use super::noise;
use super::spake2plus::{self, Context, ProverSecret, VerifierRecord};
use super::{CryptoError, CryptoProvider, NONCE_LEN, hex};

/// The first check a provider failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("known-answer test failed: {0}")]
pub struct Failure(pub &'static str);

fn check(ok: bool, name: &'static str) -> Result<(), Failure> {
    if ok { Ok(()) } else { Err(Failure(name)) }
}

fn ok<T>(r: Result<T, CryptoError>, name: &'static str) -> Result<T, Failure> {
    r.map_err(|_| Failure(name))
}

/// Runs every known-answer test, stopping at the first failure.
pub fn run<P: CryptoProvider>(p: &P) -> Result<(), Failure> {
    x25519(p)?;
    aead(p)?;
    hkdf(p)?;
    spake2plus(p)?;
    noise_ikpsk2(p)
}

/// RFC 7748 §5.2 (two single-step vectors) and §6.1 (Alice and Bob).
pub fn x25519<P: CryptoProvider>(p: &P) -> Result<(), Failure> {
    let vectors: [([u8; 32], [u8; 32], [u8; 32]); 2] = [
        (
            hex(b"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
            hex(b"e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
            hex(b"c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
        ),
        (
            hex(b"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
            hex(b"e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"),
            hex(b"95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"),
        ),
    ];
    for (k, u, out) in &vectors {
        let got = ok(p.x25519(&p.x25519_import(k), u), "RFC 7748 5.2")?;
        check(got == *out, "RFC 7748 5.2")?;
    }
    let alice = p.x25519_import(&hex(
        b"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    ));
    let bob = p.x25519_import(&hex(
        b"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
    ));
    let alice_pub = p.x25519_public(&alice);
    let bob_pub = p.x25519_public(&bob);
    check(
        alice_pub == hex(b"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"),
        "RFC 7748 6.1 Alice public",
    )?;
    check(
        bob_pub == hex(b"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"),
        "RFC 7748 6.1 Bob public",
    )?;
    let shared: [u8; 32] = hex(b"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    check(
        ok(p.x25519(&alice, &bob_pub), "RFC 7748 6.1")? == shared,
        "RFC 7748 6.1 K",
    )?;
    check(
        ok(p.x25519(&bob, &alice_pub), "RFC 7748 6.1")? == shared,
        "RFC 7748 6.1 K",
    )?;
    check(
        p.x25519(&alice, &[0; 32]) == Err(CryptoError::LowOrderKey),
        "X25519 rejects a low-order key",
    )
}

const AEAD_PLAINTEXT: &[u8; 114] = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";

/// RFC 8439 §2.8.2: seal, open, and a flipped tag bit rejected.
pub fn aead<P: CryptoProvider>(p: &P) -> Result<(), Failure> {
    let key: [u8; 32] = hex(b"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    let nonce: [u8; 12] = hex(b"070000004041424344454647");
    let aad: [u8; 12] = hex(b"50515253c0c1c2c3c4c5c6c7");
    let ciphertext: [u8; 114] = hex(concat!(
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6",
        "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36",
        "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc",
        "3ff4def08e4b7a9de576d26586cec64b6116"
    )
    .as_bytes());
    let tag: [u8; 16] = hex(b"1ae10b594f09e26a7e902ecbd0600691");
    let mut buf = *AEAD_PLAINTEXT;
    let got_tag = ok(p.aead_seal(&key, &nonce, &aad, &mut buf), "RFC 8439 seal")?;
    check(buf == ciphertext && got_tag == tag, "RFC 8439 2.8.2 seal")?;
    ok(
        p.aead_open(&key, &nonce, &aad, &mut buf, &tag),
        "RFC 8439 2.8.2 open",
    )?;
    check(buf == *AEAD_PLAINTEXT, "RFC 8439 2.8.2 open")?;
    let mut forged = ciphertext;
    let mut bad_tag = tag;
    bad_tag[15] ^= 0x80;
    check(
        p.aead_open(&key, &nonce, &aad, &mut forged, &bad_tag) == Err(CryptoError::Authentication),
        "RFC 8439 forged tag rejected",
    )
}

/// RFC 5869 appendix A.1, A.2 and A.3 (the SHA-256 cases).
pub fn hkdf<P: CryptoProvider>(p: &P) -> Result<(), Failure> {
    let ikm1 = [0x0bu8; 22];
    let salt1: [u8; 13] = hex(b"000102030405060708090a0b0c");
    let info1: [u8; 10] = hex(b"f0f1f2f3f4f5f6f7f8f9");
    let okm1: [u8; 42] = hex(
        b"3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
    let mut out = [0u8; 42];
    ok(
        p.hkdf_sha256(&salt1, &ikm1, &[&info1], &mut out),
        "RFC 5869 A.1",
    )?;
    check(out == okm1, "RFC 5869 A.1")?;
    // The info may arrive in pieces.
    ok(
        p.hkdf_sha256(&salt1, &ikm1, &[&info1[..3], &info1[3..]], &mut out),
        "RFC 5869 A.1",
    )?;
    check(out == okm1, "RFC 5869 A.1 split info")?;

    let mut ikm2 = [0u8; 80];
    let mut salt2 = [0u8; 80];
    let mut info2 = [0u8; 80];
    for i in 0..80u8 {
        ikm2[usize::from(i)] = i;
        salt2[usize::from(i)] = 0x60 + i;
        info2[usize::from(i)] = 0xb0 + i;
    }
    let okm2: [u8; 82] = hex(concat!(
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c",
        "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71",
        "cc30c58179ec3e87c14c01d5c1f3434f1d87"
    )
    .as_bytes());
    let mut out2 = [0u8; 82];
    ok(
        p.hkdf_sha256(&salt2, &ikm2, &[&info2], &mut out2),
        "RFC 5869 A.2",
    )?;
    check(out2 == okm2, "RFC 5869 A.2")?;

    let okm3: [u8; 42] = hex(
        b"8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    );
    ok(p.hkdf_sha256(&[], &ikm1, &[], &mut out), "RFC 5869 A.3")?;
    check(out == okm3, "RFC 5869 A.3")?;
    check(
        p.hkdf_sha256(&[], &ikm1, &[], &mut [0u8; 255 * 32 + 1]) == Err(CryptoError::InvalidLength),
        "HKDF rejects an over-long output",
    )
}

/// The RFC 9383 appendix C vector for P256-SHA256-HKDF-SHA256-HMAC-SHA256.
pub mod rfc9383 {
    use super::hex;

    /// Context string.
    pub const CONTEXT: &[u8] = b"SPAKE2+-P256-SHA256-HKDF-SHA256-HMAC-SHA256 Test Vectors";
    /// idProver.
    pub const ID_PROVER: &[u8] = b"client";
    /// idVerifier.
    pub const ID_VERIFIER: &[u8] = b"server";
    /// w0.
    pub const W0: [u8; 32] =
        hex(b"bb8e1bbcf3c48f62c08db243652ae55d3e5586053fca77102994f23ad95491b3");
    /// w1.
    pub const W1: [u8; 32] =
        hex(b"7e945f34d78785b8a3ef44d0df5a1a97d6b3b460409a345ca7830387a74b1dba");
    /// L.
    pub const L: [u8; 65] = hex(b"04eb7c9db3d9a9eb1f8adab81b5794c1f13ae3e225efbe91ea487425854c7fc00f00bfedcbd09b2400142d40a14f2064ef31dfaa903b91d1faea7093d835966efd");
    /// x.
    pub const X: [u8; 32] =
        hex(b"d1232c8e8693d02368976c174e2088851b8365d0d79a9eee709c6a05a2fad539");
    /// shareP.
    pub const SHARE_P: [u8; 65] = hex(b"04ef3bd051bf78a2234ec0df197f7828060fe9856503579bb1733009042c15c0c1de127727f418b5966afadfdd95a6e4591d171056b333dab97a79c7193e341727");
    /// y.
    pub const Y: [u8; 32] =
        hex(b"717a72348a182085109c8d3917d6c43d59b224dc6a7fc4f0483232fa6516d8b3");
    /// shareV.
    pub const SHARE_V: [u8; 65] = hex(b"04c0f65da0d11927bdf5d560c69e1d7d939a05b0e88291887d679fcadea75810fb5cc1ca7494db39e82ff2f50665255d76173e09986ab46742c798a9a68437b048");
    /// Z.
    pub const Z: [u8; 65] = hex(b"04bbfce7dd7f277819c8da21544afb7964705569bdf12fb92aa388059408d50091a0c5f1d3127f56813b5337f9e4e67e2ca633117a4fbd559946ab474356c41839");
    /// V.
    pub const V: [u8; 65] = hex(b"0458bf27c6bca011c9ce1930e8984a797a3419797b936629a5a937cf2f11c8b9514b82b993da8a46e664f23db7c01edc87faa530db01c2ee405230b18997f16b68");
    /// K_main.
    pub const K_MAIN: [u8; 32] =
        hex(b"4c59e1ccf2cfb961aa31bd9434478a1089b56cd11542f53d3576fb6c2a438a29");
    /// confirmP.
    pub const CONFIRM_P: [u8; 32] =
        hex(b"926cc713504b9b4d76c9162ded04b5493e89109f6d89462cd33adc46fda27527");
    /// confirmV.
    pub const CONFIRM_V: [u8; 32] =
        hex(b"9747bcc4f8fe9f63defee53ac9b07876d907d55047e6ff2def2e7529089d3e68");
    /// K_shared.
    pub const K_SHARED: [u8; 32] =
        hex(b"0c5f8ccd1413423a54f6c1fb26ff01534a87f893779c6e68666d772bfd91f3e7");
}

/// RFC 9383 appendix C: every value, through both roles.
pub fn spake2plus<P: CryptoProvider>(p: &P) -> Result<(), Failure> {
    use rfc9383 as v;
    let ctx = Context {
        context: v::CONTEXT,
        prover_id: v::ID_PROVER,
        verifier_id: v::ID_VERIFIER,
    };
    let name = "RFC 9383 scalars";
    let secret: ProverSecret<P> = ProverSecret {
        w0: ok(p.p256_scalar_reduce(&v::W0), name)?,
        w1: ok(p.p256_scalar_reduce(&v::W1), name)?,
    };
    let x = ok(p.p256_scalar_reduce(&v::X), name)?;
    let y = ok(p.p256_scalar_reduce(&v::Y), name)?;
    let record: VerifierRecord<P> = secret.verifier_record(p);
    check(
        ok(p.p256_point_encode(&record.l), "RFC 9383 L")? == v::L,
        "RFC 9383 L",
    )?;

    let share_p = ok(spake2plus::prover_share(p, &secret, &x), "RFC 9383 shareP")?;
    check(share_p == v::SHARE_P, "RFC 9383 shareP")?;
    let (share_v, verifier) = ok(
        spake2plus::verifier_respond(p, &ctx, &record, &y, &share_p),
        "RFC 9383 verifier",
    )?;
    check(share_v == v::SHARE_V, "RFC 9383 shareV")?;
    let prover = ok(
        spake2plus::prover_finish(p, &ctx, &secret, &x, &share_p, &share_v),
        "RFC 9383 prover",
    )?;
    check(
        spake2plus::transcript_hash(p, &ctx, &v::SHARE_P, &v::SHARE_V, &v::Z, &v::V, &v::W0)
            == v::K_MAIN,
        "RFC 9383 K_main",
    )?;
    for keys in [&prover, &verifier] {
        check(keys.confirm_p == v::CONFIRM_P, "RFC 9383 confirmP")?;
        check(keys.confirm_v == v::CONFIRM_V, "RFC 9383 confirmV")?;
        check(keys.shared == v::K_SHARED, "RFC 9383 K_shared")?;
    }
    check(
        prover.check_confirm_v(&v::CONFIRM_V),
        "RFC 9383 confirmV check",
    )?;
    check(
        verifier.check_confirm_p(&v::CONFIRM_P),
        "RFC 9383 confirmP check",
    )?;
    // A share off the curve is refused.
    let mut off_curve = v::SHARE_P;
    off_curve[64] ^= 1;
    check(
        spake2plus::verifier_respond(p, &ctx, &record, &y, &off_curve).is_err(),
        "RFC 9383 off-curve share refused",
    )
}

mod cacophony {
    //! The `Noise_IKpsk2_25519_ChaChaPoly_SHA256` vector of the cacophony
    //! test suite (public domain), as also checked by other Noise libraries.
    use super::hex;
    pub const PROLOGUE: &[u8] = b"John Galt";
    pub const PSK: [u8; 32] =
        hex(b"54686973206973206d7920417573747269616e20706572737065637469766521");
    pub const INIT_STATIC: [u8; 32] =
        hex(b"e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1");
    pub const INIT_EPHEMERAL: [u8; 32] =
        hex(b"893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a");
    pub const INIT_REMOTE_STATIC: [u8; 32] =
        hex(b"31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62");
    pub const RESP_STATIC: [u8; 32] =
        hex(b"4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893");
    pub const RESP_EPHEMERAL: [u8; 32] =
        hex(b"bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b");
    /// "Ludwig von Mises", message 1.
    pub const PAYLOAD_0: &[u8] = b"Ludwig von Mises";
    pub const MESSAGE_0: [u8; 112] = hex(b"ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79442ec9b09893d0f510791784c10cbc959f25b1766e0def6e301d14fbca1c7790ac829b8b3674f5f649a5f0e98479662cbfbf2b2c47cd4b09fcd266cd29d7cb675f1808849707847840f6d178ec4d3733aa");
    pub const PAYLOAD_1: &[u8] = b"Murray Rothbard";
    pub const MESSAGE_1: [u8; 63] = hex(b"95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f1448088439a1b3cebf680b2c74217fcb5eba4ff58a9468cd90c4aca6194f57479b379a7");
    /// Transport messages: (payload, ciphertext), alternating initiator
    /// and responder, each direction's nonce counting from 0.
    pub const TRANSPORT: [(&[u8], &[u8]); 4] = [
        (
            b"F. A. Hayek",
            &hex::<27>(b"a8fde7a0accec190cd306c5950d4fd8e04a205ec288aa747d8b347"),
        ),
        (
            b"Carl Menger",
            &hex::<27>(b"59caddd9984a3bbe24c4fb31a2bd455b7eba3fa0980674b1a3a5f9"),
        ),
        (
            b"Jean-Baptiste Say",
            &hex::<33>(b"3b9bfebd210c22ba0cff9de79b4007d7a552fffbf92616881faa8a883e25b80258"),
        ),
        (
            b"Eugen B\xf6hm von Bawerk",
            &hex::<37>(
                b"f37512df1043d564d7c46ac85c53d3b6a9a05724bc297e7142808f217561651217fe85b782",
            ),
        ),
    ];
}

/// The cacophony `Noise_IKpsk2_25519_ChaChaPoly_SHA256` vector: message 1
/// and 2 byte for byte from both roles, the same transport keys on both
/// sides, and four transport messages under them.
pub fn noise_ikpsk2<P: CryptoProvider>(p: &P) -> Result<(), Failure> {
    use cacophony as v;
    let name = "Noise IKpsk2 message 1";
    let i_s = p.x25519_import(&v::INIT_STATIC);
    let r_s = p.x25519_import(&v::RESP_STATIC);
    check(
        p.x25519_public(&r_s) == v::INIT_REMOTE_STATIC,
        "Noise IKpsk2 responder static",
    )?;
    let mut m0 = [0u8; 112];
    let (initiator, n) = ok(
        noise::Initiator::write_message_1(
            p,
            v::PROLOGUE,
            &i_s,
            &v::INIT_REMOTE_STATIC,
            p.x25519_import(&v::INIT_EPHEMERAL),
            v::PAYLOAD_0,
            &mut m0,
        ),
        name,
    )?;
    check(n == m0.len() && m0 == v::MESSAGE_0, name)?;
    let mut payload = [0u8; 32];
    let (responder, n) = ok(
        noise::Responder::read_message_1(
            p,
            v::PROLOGUE,
            &r_s,
            &p.x25519_public(&r_s),
            &v::MESSAGE_0,
            &mut payload,
        ),
        name,
    )?;
    check(&payload[..n] == v::PAYLOAD_0, name)?;
    check(
        responder.remote_static() == &p.x25519_public(&i_s),
        "Noise IKpsk2 initiator static",
    )?;

    let name = "Noise IKpsk2 message 2";
    let mut m1 = [0u8; 63];
    let r_e = p.x25519_import(&v::RESP_EPHEMERAL);
    let (resp_keys, n) = ok(
        responder.write_message_2(p, &r_e, &v::PSK, v::PAYLOAD_1, &mut m1),
        name,
    )?;
    check(n == m1.len() && m1 == v::MESSAGE_1, name)?;
    let (init_keys, n) = ok(
        initiator.read_message_2(p, &i_s, &v::PSK, &v::MESSAGE_1, &mut payload),
        name,
    )?;
    check(&payload[..n] == v::PAYLOAD_1, name)?;
    // Keys are compared in constant time, field by field.
    check(
        super::ct_eq(
            &init_keys.initiator_to_responder,
            &resp_keys.initiator_to_responder,
        ) && super::ct_eq(
            &init_keys.responder_to_initiator,
            &resp_keys.responder_to_initiator,
        ) && init_keys.handshake_hash == resp_keys.handshake_hash,
        "Noise IKpsk2 split",
    )?;

    let name = "Noise IKpsk2 transport";
    for (i, (plain, expected)) in v::TRANSPORT.iter().enumerate() {
        let key = if i % 2 == 0 {
            &init_keys.initiator_to_responder
        } else {
            &init_keys.responder_to_initiator
        };
        let mut nonce = [0u8; NONCE_LEN];
        nonce[4] = (i / 2) as u8;
        let mut buf = [0u8; 32];
        let body = buf.get_mut(..plain.len()).ok_or(Failure(name))?;
        body.copy_from_slice(plain);
        let tag = ok(p.aead_seal(key, &nonce, &[], body), name)?;
        check(body == &expected[..plain.len()], name)?;
        check(tag[..] == expected[plain.len()..], name)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::InsecureTestCrypto;

    #[test]
    fn software_provider_passes_every_vector() {
        let p = InsecureTestCrypto::from_seed([7; 32]);
        assert_eq!(x25519(&p), Ok(()));
        assert_eq!(aead(&p), Ok(()));
        assert_eq!(hkdf(&p), Ok(()));
        assert_eq!(spake2plus(&p), Ok(()));
        assert_eq!(noise_ikpsk2(&p), Ok(()));
        assert_eq!(run(&p), Ok(()));
    }

    #[test]
    fn z_and_v_match_the_rfc() {
        use rfc9383 as v;
        let p = InsecureTestCrypto::from_seed([7; 32]);
        // Z = x × (shareV − w0×N) and V = w1 × (shareV − w0×N).
        let w0 = p.p256_scalar_reduce(&v::W0).unwrap();
        let w1 = p.p256_scalar_reduce(&v::W1).unwrap();
        let x = p.p256_scalar_reduce(&v::X).unwrap();
        let n = p.p256_point_decode(&spake2plus::N).unwrap();
        let unmasked = p.p256_sub(
            &p.p256_point_decode(&v::SHARE_V).unwrap(),
            &p.p256_mul(&w0, &n),
        );
        assert_eq!(
            p.p256_point_encode(&p.p256_mul(&x, &unmasked)).unwrap(),
            v::Z
        );
        assert_eq!(
            p.p256_point_encode(&p.p256_mul(&w1, &unmasked)).unwrap(),
            v::V
        );
    }
}
