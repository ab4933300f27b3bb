//! The Noise `IKpsk2` handshake (Noise Protocol Framework, revision 34) for
//! `Noise_IKpsk2_25519_ChaChaPoly_SHA256`, composed over a
//! [`CryptoProvider`].
//!
//! ```text
//!  IKpsk2:
//!    <- s
//!    ...
//!    -> e, es, s, ss          message 1: e (32) || s sealed (48) || payload sealed (n + 16)
//!    <- e, ee, se, psk        message 2: e (32) || payload sealed (n + 16)
//! ```
//!
//! This module is the generic pattern: prologue, payloads and keys are
//! inputs, so it can be checked byte for byte against the published Noise
//! test vectors ([`conformance::noise_ikpsk2`](super::conformance::noise_ikpsk2)
//! runs the cacophony vector). The resumption handshake of
//! [`session::resume`](crate::session::resume) fixes the prologue and the
//! payloads.
//!
//! Conventions, as the Noise specification defines them: `HASH` is SHA-256;
//! `HKDF(ck, ikm, n)` is HKDF-SHA256 with salt `ck`, input `ikm`, empty info
//! and `32 × n` bytes of output (the same bytes as Noise's HMAC-based
//! definition); the AEAD nonce is 4 zero bytes followed by the 64-bit counter
//! `n` little-endian; the associated data of every handshake encryption is
//! the handshake hash `h`. Because the pattern has a `psk` token, every `e`
//! token also calls `MixKey(e.public_key)`.
//!
//! # Contract
//!
//! Nothing here allocates or panics. A message of the wrong length is
//! [`CryptoError::InvalidLength`], a tag that does not verify is
//! [`CryptoError::Authentication`], a low-order public key is
//! [`CryptoError::LowOrderKey`]. Reading message 2 takes `&self`, so a forged
//! message 2 leaves the initiator able to read the genuine one.

use zeroize::Zeroize;

use super::{AeadKey, CryptoError, CryptoProvider, HASH_LEN, NONCE_LEN, TAG_LEN};

/// The protocol name hashed into the initial state.
pub const PROTOCOL_NAME: &[u8] = b"Noise_IKpsk2_25519_ChaChaPoly_SHA256";

/// Length of an X25519 public key and of a DH output.
pub const DH_LEN: usize = 32;

/// Bytes message 1 adds to its payload: `e`, the sealed `s`, the payload tag.
pub const MESSAGE_1_OVERHEAD: usize = DH_LEN + DH_LEN + TAG_LEN + TAG_LEN;

/// Bytes message 2 adds to its payload: `e` and the payload tag.
pub const MESSAGE_2_OVERHEAD: usize = DH_LEN + TAG_LEN;

/// Noise's `SymmetricState`: chaining key, handshake hash and the current
/// cipher key with its nonce. Zeroized when dropped, and not `Clone`: a copy
/// would encrypt under the same key and nonce.
pub struct SymmetricState {
    ck: [u8; HASH_LEN],
    h: [u8; HASH_LEN],
    k: Option<AeadKey>,
    n: u64,
}

super::zeroize_on_drop!(SymmetricState { ck, h, k, n });

impl core::fmt::Debug for SymmetricState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SymmetricState")
            .field("h", &self.h)
            .finish_non_exhaustive()
    }
}

fn nonce(n: u64) -> [u8; NONCE_LEN] {
    let mut out = [0u8; NONCE_LEN];
    out[4..].copy_from_slice(&n.to_le_bytes());
    out
}

impl SymmetricState {
    /// `InitializeSymmetric(protocol_name)`: a name of at most 32 bytes is
    /// zero-padded, a longer one hashed.
    pub fn new<P: CryptoProvider>(p: &P, protocol_name: &[u8]) -> Self {
        let mut h = [0u8; HASH_LEN];
        if protocol_name.len() <= HASH_LEN {
            h[..protocol_name.len()].copy_from_slice(protocol_name);
        } else {
            h = p.sha256(&[protocol_name]);
        }
        SymmetricState {
            ck: h,
            h,
            k: None,
            n: 0,
        }
    }

    /// The handshake hash `h`.
    pub const fn handshake_hash(&self) -> [u8; HASH_LEN] {
        self.h
    }

    /// `MixHash(data)`: `h = HASH(h || data)`.
    pub fn mix_hash<P: CryptoProvider>(&mut self, p: &P, data: &[u8]) {
        self.h = p.sha256(&[&self.h, data]);
    }

    /// `MixKey(ikm)`: `ck, k = HKDF(ck, ikm, 2)`, `n = 0`.
    pub fn mix_key<P: CryptoProvider>(&mut self, p: &P, ikm: &[u8]) -> Result<(), CryptoError> {
        let mut out = [0u8; 2 * HASH_LEN];
        p.hkdf_sha256(&self.ck, ikm, &[], &mut out)?;
        self.ck.copy_from_slice(&out[..HASH_LEN]);
        self.k
            .get_or_insert([0; HASH_LEN])
            .copy_from_slice(&out[HASH_LEN..]);
        out.zeroize();
        self.n = 0;
        Ok(())
    }

    /// `MixKeyAndHash(ikm)`: `ck, temp_h, k = HKDF(ck, ikm, 3)`,
    /// `MixHash(temp_h)`, `n = 0`.
    pub fn mix_key_and_hash<P: CryptoProvider>(
        &mut self,
        p: &P,
        ikm: &[u8],
    ) -> Result<(), CryptoError> {
        let mut out = [0u8; 3 * HASH_LEN];
        p.hkdf_sha256(&self.ck, ikm, &[], &mut out)?;
        self.ck.copy_from_slice(&out[..HASH_LEN]);
        self.mix_hash(p, &out[HASH_LEN..2 * HASH_LEN]);
        self.k
            .get_or_insert([0; HASH_LEN])
            .copy_from_slice(&out[2 * HASH_LEN..]);
        out.zeroize();
        self.n = 0;
        Ok(())
    }

    fn next_nonce(&mut self) -> Result<[u8; NONCE_LEN], CryptoError> {
        // Noise reserves 2^64 - 1; a handshake uses a handful of nonces.
        if self.n == u64::MAX {
            return Err(CryptoError::InvalidLength);
        }
        let out = nonce(self.n);
        self.n += 1;
        Ok(out)
    }

    /// `EncryptAndHash(plaintext)` into `out`; returns the ciphertext length
    /// (the plaintext length, plus 16 once a key is set).
    pub fn encrypt_and_hash<P: CryptoProvider>(
        &mut self,
        p: &P,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let len = plaintext.len();
        let total = if self.k.is_some() { len + TAG_LEN } else { len };
        let out = out.get_mut(..total).ok_or(CryptoError::InvalidLength)?;
        out[..len].copy_from_slice(plaintext);
        if self.k.is_some() {
            let n = self.next_nonce()?;
            let (body, tag_out) = out.split_at_mut(len);
            if let Some(k) = &self.k {
                let tag = p.aead_seal(k, &n, &self.h, body)?;
                tag_out.copy_from_slice(&tag);
            }
        }
        self.mix_hash(p, out);
        Ok(total)
    }

    /// `DecryptAndHash(ciphertext)` into `out`; returns the plaintext
    /// length. On failure the state is unchanged and `out` holds no
    /// plaintext.
    pub fn decrypt_and_hash<P: CryptoProvider>(
        &mut self,
        p: &P,
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let Some(k) = &self.k else {
            let out = out
                .get_mut(..ciphertext.len())
                .ok_or(CryptoError::InvalidLength)?;
            out.copy_from_slice(ciphertext);
            self.mix_hash(p, ciphertext);
            return Ok(ciphertext.len());
        };
        let len = ciphertext
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(CryptoError::InvalidLength)?;
        let body = out.get_mut(..len).ok_or(CryptoError::InvalidLength)?;
        body.copy_from_slice(&ciphertext[..len]);
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&ciphertext[len..]);
        let n = nonce(self.n);
        p.aead_open(k, &n, &self.h, body, &tag)?;
        self.n += 1;
        self.mix_hash(p, ciphertext);
        Ok(len)
    }

    /// `Split()`: the two transport keys, initiator→responder first.
    pub fn split<P: CryptoProvider>(&self, p: &P) -> Result<Transport, CryptoError> {
        let mut out = [0u8; 2 * HASH_LEN];
        p.hkdf_sha256(&self.ck, &[], &[], &mut out)?;
        let mut transport = Transport {
            initiator_to_responder: [0; HASH_LEN],
            responder_to_initiator: [0; HASH_LEN],
            handshake_hash: self.h,
        };
        transport
            .initiator_to_responder
            .copy_from_slice(&out[..HASH_LEN]);
        transport
            .responder_to_initiator
            .copy_from_slice(&out[HASH_LEN..]);
        out.zeroize();
        Ok(transport)
    }

    /// A copy for one trial decryption that may fail (reading message 2
    /// takes `&self`). It is used to decrypt and split only, never to
    /// encrypt, so no nonce is used twice; it is zeroized when dropped.
    fn trial(&self) -> Self {
        SymmetricState {
            ck: self.ck,
            h: self.h,
            k: self.k,
            n: self.n,
        }
    }
}

/// The result of a finished handshake. Zeroized when dropped; not `Clone`
/// and not comparable.
pub struct Transport {
    /// The key of the initiator's sending direction.
    pub initiator_to_responder: AeadKey,
    /// The key of the responder's sending direction.
    pub responder_to_initiator: AeadKey,
    /// The final handshake hash (a channel binding).
    pub handshake_hash: [u8; HASH_LEN],
}

super::zeroize_on_drop!(Transport {
    initiator_to_responder,
    responder_to_initiator,
    handshake_hash,
});

impl core::fmt::Debug for Transport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Transport")
            .field("handshake_hash", &self.handshake_hash)
            .finish_non_exhaustive()
    }
}

fn initial<P: CryptoProvider>(
    p: &P,
    prologue: &[u8],
    responder_static: &[u8; DH_LEN],
) -> SymmetricState {
    let mut sym = SymmetricState::new(p, PROTOCOL_NAME);
    sym.mix_hash(p, prologue);
    // Pre-message pattern `<- s`.
    sym.mix_hash(p, responder_static);
    sym
}

/// The `e` token with a PSK in the pattern: `MixHash(e)`, `MixKey(e)`.
fn mix_ephemeral<P: CryptoProvider>(
    sym: &mut SymmetricState,
    p: &P,
    e: &[u8; DH_LEN],
) -> Result<(), CryptoError> {
    sym.mix_hash(p, e);
    sym.mix_key(p, e)
}

fn key32(bytes: &[u8]) -> Result<[u8; DH_LEN], CryptoError> {
    bytes.try_into().map_err(|_| CryptoError::InvalidLength)
}

/// The initiator after writing message 1, waiting for message 2.
pub struct Initiator<P: CryptoProvider> {
    sym: SymmetricState,
    e: P::X25519Secret,
}

impl<P: CryptoProvider> Initiator<P> {
    /// Writes message 1 (`e, es, s, ss` and the sealed `payload`) into
    /// `out`; returns the initiator and the message length
    /// (`payload.len() + MESSAGE_1_OVERHEAD`).
    pub fn write_message_1(
        p: &P,
        prologue: &[u8],
        s: &P::X25519Secret,
        rs: &[u8; DH_LEN],
        e: P::X25519Secret,
        payload: &[u8],
        out: &mut [u8],
    ) -> Result<(Self, usize), CryptoError> {
        let total = payload.len() + MESSAGE_1_OVERHEAD;
        let out = out.get_mut(..total).ok_or(CryptoError::InvalidLength)?;
        let mut sym = initial(p, prologue, rs);
        let e_public = p.x25519_public(&e);
        out[..DH_LEN].copy_from_slice(&e_public);
        mix_ephemeral(&mut sym, p, &e_public)?;
        sym.mix_key(p, &p.x25519(&e, rs)?)?;
        let s_public = p.x25519_public(s);
        let (s_out, rest) = out[DH_LEN..].split_at_mut(DH_LEN + TAG_LEN);
        sym.encrypt_and_hash(p, &s_public, s_out)?;
        sym.mix_key(p, &p.x25519(s, rs)?)?;
        sym.encrypt_and_hash(p, payload, rest)?;
        Ok((Initiator { sym, e }, total))
    }

    /// Reads message 2 (`e, ee, se, psk` and the sealed payload), writing
    /// the payload into `payload_out`; returns the transport keys and the
    /// payload length. Fails without changing `self`.
    pub fn read_message_2(
        &self,
        p: &P,
        s: &P::X25519Secret,
        psk: &[u8; 32],
        message: &[u8],
        payload_out: &mut [u8],
    ) -> Result<(Transport, usize), CryptoError> {
        if message.len() < MESSAGE_2_OVERHEAD {
            return Err(CryptoError::InvalidLength);
        }
        let mut sym = self.sym.trial();
        let re = key32(&message[..DH_LEN])?;
        mix_ephemeral(&mut sym, p, &re)?;
        sym.mix_key(p, &p.x25519(&self.e, &re)?)?;
        sym.mix_key(p, &p.x25519(s, &re)?)?;
        sym.mix_key_and_hash(p, psk)?;
        let n = sym.decrypt_and_hash(p, &message[DH_LEN..], payload_out)?;
        Ok((sym.split(p)?, n))
    }
}

/// The responder after reading message 1, about to write message 2. Not
/// `Clone`: it writes message 2 once, consuming itself.
pub struct Responder {
    sym: SymmetricState,
    re: [u8; DH_LEN],
    rs: [u8; DH_LEN],
}

impl Responder {
    /// Reads message 1, writing its payload into `payload_out`; returns the
    /// responder and the payload length. The initiator's static key is
    /// [`remote_static`](Self::remote_static): look its PSK up from it.
    /// `s_public` is the public key of `s`, computed once by the caller.
    pub fn read_message_1<P: CryptoProvider>(
        p: &P,
        prologue: &[u8],
        s: &P::X25519Secret,
        s_public: &[u8; DH_LEN],
        message: &[u8],
        payload_out: &mut [u8],
    ) -> Result<(Self, usize), CryptoError> {
        if message.len() < MESSAGE_1_OVERHEAD {
            return Err(CryptoError::InvalidLength);
        }
        let mut sym = initial(p, prologue, s_public);
        let re = key32(&message[..DH_LEN])?;
        mix_ephemeral(&mut sym, p, &re)?;
        sym.mix_key(p, &p.x25519(s, &re)?)?;
        let mut rs = [0u8; DH_LEN];
        let sealed_s = &message[DH_LEN..2 * DH_LEN + TAG_LEN];
        sym.decrypt_and_hash(p, sealed_s, &mut rs)?;
        sym.mix_key(p, &p.x25519(s, &rs)?)?;
        let n = sym.decrypt_and_hash(p, &message[2 * DH_LEN + TAG_LEN..], payload_out)?;
        Ok((Responder { sym, re, rs }, n))
    }

    /// The initiator's static public key, authenticated by message 1.
    pub const fn remote_static(&self) -> &[u8; DH_LEN] {
        &self.rs
    }

    /// Writes message 2 with the ephemeral secret `e`, the PSK and the
    /// sealed `payload` into `out`; returns the transport keys and the
    /// message length (`payload.len() + MESSAGE_2_OVERHEAD`).
    pub fn write_message_2<P: CryptoProvider>(
        self,
        p: &P,
        e: &P::X25519Secret,
        psk: &[u8; 32],
        payload: &[u8],
        out: &mut [u8],
    ) -> Result<(Transport, usize), CryptoError> {
        let total = payload.len() + MESSAGE_2_OVERHEAD;
        let out = out.get_mut(..total).ok_or(CryptoError::InvalidLength)?;
        let mut sym = self.sym;
        let e_public = p.x25519_public(e);
        out[..DH_LEN].copy_from_slice(&e_public);
        mix_ephemeral(&mut sym, p, &e_public)?;
        sym.mix_key(p, &p.x25519(e, &self.re)?)?;
        sym.mix_key(p, &p.x25519(e, &self.rs)?)?;
        sym.mix_key_and_hash(p, psk)?;
        sym.encrypt_and_hash(p, payload, &mut out[DH_LEN..])?;
        Ok((sym.split(p)?, total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::InsecureTestCrypto;

    fn provider() -> InsecureTestCrypto {
        InsecureTestCrypto::from_seed([7; 32])
    }

    #[test]
    fn cacophony_vector() {
        crate::crypto::conformance::noise_ikpsk2(&provider()).unwrap();
    }

    struct Keys<P: CryptoProvider> {
        i_s: P::X25519Secret,
        r_s: P::X25519Secret,
        r_e: P::X25519Secret,
    }

    fn keys(p: &mut InsecureTestCrypto) -> Keys<InsecureTestCrypto> {
        Keys {
            i_s: p.x25519_generate(),
            r_s: p.x25519_generate(),
            r_e: p.x25519_generate(),
        }
    }

    fn message_1(
        p: &InsecureTestCrypto,
        k: Keys<InsecureTestCrypto>,
    ) -> (
        Initiator<InsecureTestCrypto>,
        [u8; 104],
        Keys<InsecureTestCrypto>,
    ) {
        let rs = p.x25519_public(&k.r_s);
        let mut m1 = [0u8; 104];
        let e = p.x25519_import(&[1; 32]);
        let (init, n) =
            Initiator::write_message_1(p, b"pro", &k.i_s, &rs, e, b"guard-01", &mut m1).unwrap();
        assert_eq!(n, 104);
        (init, m1, k)
    }

    #[test]
    fn both_sides_agree_and_payloads_arrive() {
        let mut p = provider();
        let k = keys(&mut p);
        let (init, m1, k) = message_1(&p, k);
        let mut got = [0u8; 8];
        let (resp, n) =
            Responder::read_message_1(&p, b"pro", &k.r_s, &p.x25519_public(&k.r_s), &m1, &mut got)
                .unwrap();
        assert_eq!(&got[..n], b"guard-01");
        assert_eq!(resp.remote_static(), &p.x25519_public(&k.i_s));
        let mut m2 = [0u8; 64];
        let (t_r, n2) = resp
            .write_message_2(&p, &k.r_e, &[9; 32], b"ok", &mut m2)
            .unwrap();
        let mut got2 = [0u8; 2];
        let (t_i, n) = init
            .read_message_2(&p, &k.i_s, &[9; 32], &m2[..n2], &mut got2)
            .unwrap();
        assert_eq!(&got2[..n], b"ok");
        assert_eq!(t_i.initiator_to_responder, t_r.initiator_to_responder);
        assert_eq!(t_i.responder_to_initiator, t_r.responder_to_initiator);
        assert_eq!(t_i.handshake_hash, t_r.handshake_hash);
        assert_ne!(t_i.initiator_to_responder, t_i.responder_to_initiator);
    }

    #[test]
    fn wrong_prologue_psk_or_bit_flip_fails() {
        let mut p = provider();
        let k = keys(&mut p);
        let (init, m1, k) = message_1(&p, k);
        let mut got = [0u8; 8];
        assert_eq!(
            Responder::read_message_1(&p, b"prX", &k.r_s, &p.x25519_public(&k.r_s), &m1, &mut got)
                .err(),
            Some(CryptoError::Authentication)
        );
        for i in [0, 40, 103] {
            let mut bad = m1;
            bad[i] ^= 1;
            assert!(
                Responder::read_message_1(
                    &p,
                    b"pro",
                    &k.r_s,
                    &p.x25519_public(&k.r_s),
                    &bad,
                    &mut got
                )
                .is_err()
            );
        }
        assert_eq!(
            Responder::read_message_1(
                &p,
                b"pro",
                &k.r_s,
                &p.x25519_public(&k.r_s),
                &m1[..70],
                &mut got
            )
            .err(),
            Some(CryptoError::InvalidLength)
        );
        let (resp, _) =
            Responder::read_message_1(&p, b"pro", &k.r_s, &p.x25519_public(&k.r_s), &m1, &mut got)
                .unwrap();
        let mut m2 = [0u8; 48];
        let (_, n2) = resp
            .write_message_2(&p, &k.r_e, &[9; 32], &[], &mut m2)
            .unwrap();
        assert_eq!(n2, 48);
        // A different PSK: the initiator rejects, and still reads the right one.
        let mut none = [0u8; 0];
        assert_eq!(
            init.read_message_2(&p, &k.i_s, &[8; 32], &m2, &mut none)
                .err(),
            Some(CryptoError::Authentication)
        );
        let mut flipped = m2;
        flipped[47] ^= 0x80;
        assert!(
            init.read_message_2(&p, &k.i_s, &[9; 32], &flipped, &mut none)
                .is_err()
        );
        assert!(
            init.read_message_2(&p, &k.i_s, &[9; 32], &m2, &mut none)
                .is_ok()
        );
    }

    #[test]
    fn zeroize_clears_the_handshake_state_and_the_transport_keys() {
        let p = provider();
        let mut sym = SymmetricState::new(&p, PROTOCOL_NAME);
        sym.mix_key(&p, &[3; 32]).unwrap();
        assert!(sym.k.is_some_and(|k| k != [0; 32]));
        let mut transport = sym.split(&p).unwrap();
        sym.zeroize();
        assert_eq!((sym.ck, sym.h, sym.k, sym.n), ([0; 32], [0; 32], None, 0));
        assert_ne!(transport.initiator_to_responder, [0; 32]);
        transport.zeroize();
        assert_eq!(transport.initiator_to_responder, [0; 32]);
        assert_eq!(transport.responder_to_initiator, [0; 32]);
        assert_eq!(transport.handshake_hash, [0; 32]);
    }

    #[test]
    fn low_order_ephemeral_is_rejected() {
        let mut p = provider();
        let k = keys(&mut p);
        let (_, mut m1, k) = message_1(&p, k);
        m1[..32].copy_from_slice(&[0; 32]);
        let mut got = [0u8; 8];
        assert_eq!(
            Responder::read_message_1(&p, b"pro", &k.r_s, &p.x25519_public(&k.r_s), &m1, &mut got)
                .err(),
            Some(CryptoError::LowOrderKey)
        );
    }
}
