//! The traffic keys of the transcripts' sessions, derived from the
//! recorded draws and the handshake frames through the public SPAKE2+ and
//! Noise functions (as a port would), and the opening of secured frames
//! with them.

use applink::crypto::spake2plus::{self, Context, ProverSecret};
use applink::crypto::{CryptoProvider, noise};
use applink::message::{PairChallenge, PairRequest, ResumeReply, ResumeRequest};
use applink::session::SessionKeys;
use applink::session::pairing::{CONTEXT_LABEL, KEY_LABEL};
use applink::session::resume::MAC_LEN;
use applink::session::resume::PROLOGUE_LABEL;
use applink::wire::Header;

use super::world::{APPLIANCE_STATIC, DEVICE_ID, PHONE_STATIC, Side, checker, w0s_w1s};

/// A session as the transcript established it, with its traffic keys.
pub struct Established {
    pub by: &'static str,
    pub phone_session: u16,
    pub appliance_session: u16,
    pub keys: SessionKeys,
    pub psk: [u8; 32],
    /// The resumption's replay guard (pairing: none).
    pub guard: Option<u64>,
    /// The ephemeral key of the `ResumeReply` that established it (the
    /// session id travels sealed; this names the reply).
    pub reply_ephemeral: Option<[u8; 32]>,
}

impl Established {
    /// The key of frames from `from`.
    pub fn key(&self, from: Side) -> [u8; 32] {
        match from {
            Side::Phone => self.keys.phone_to_appliance,
            Side::Appliance => self.keys.appliance_to_phone,
        }
    }
}

/// The nonce of a secured frame (HANDSHAKE.md 3).
pub fn nonce(from: Side, counter: u32) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[0] = u8::from(from == Side::Appliance);
    n[4..8].copy_from_slice(&counter.to_le_bytes());
    n
}

/// Opens a secured frame sent by `from` with `key`: its plaintext.
pub fn open(key: &[u8; 32], from: Side, frame: &[u8]) -> Option<Vec<u8>> {
    let (header, len) = Header::parse(frame).ok()?;
    let end = frame.len().checked_sub(16).filter(|&e| e >= len)?;
    let mut body = frame[len..end].to_vec();
    let tag: [u8; 16] = frame[end..].try_into().ok()?;
    let nonce = nonce(from, header.counter);
    checker()
        .aead_open(key, &nonce, &frame[..len], &mut body, &tag)
        .ok()?;
    Some(body)
}

fn hkdf_label(shared: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 32];
    checker()
        .hkdf_sha256(&[], shared, &[KEY_LABEL, label], &mut k)
        .unwrap();
    k
}

/// `K_bound` of a pairing: both static keys bound into `K_shared`.
fn bound(shared: &[u8; 32]) -> [u8; 32] {
    let p = checker();
    let appliance = p.x25519_public(&p.x25519_import(&APPLIANCE_STATIC));
    let ss = p
        .x25519(&p.x25519_import(&PHONE_STATIC), &appliance)
        .unwrap();
    let mut k = [0u8; 32];
    p.hkdf_sha256(shared, &ss, &[KEY_LABEL, b"bound"], &mut k)
        .unwrap();
    k
}

/// A pairing's session from the phone's draw `x` (64 bytes) and the two
/// frames that carry the shares.
pub fn paired(x: &[u8], request: &PairRequest, challenge: &PairChallenge) -> Established {
    let p = checker();
    let x = p.p256_scalar_reduce(x).unwrap();
    let w = ProverSecret::from_pbkdf_output(&p, &w0s_w1s()).unwrap();
    let mut context = CONTEXT_LABEL.to_vec();
    context.extend_from_slice(&request.session.to_le_bytes());
    context.extend_from_slice(&challenge.session.to_le_bytes());
    context.extend_from_slice(&request.offer.binding());
    let ctx = Context {
        context: &context,
        prover_id: &[],
        verifier_id: &DEVICE_ID,
    };
    let (share_p, share_v) = (&request.share.0, &challenge.share.0);
    let k = spake2plus::prover_finish(&p, &ctx, &w, &x, share_p, share_v).unwrap();
    assert_eq!(k.confirm_v, challenge.confirm.0, "the challenge's confirmV");
    let bound = bound(&k.shared);
    Established {
        by: "pairing",
        phone_session: request.session,
        appliance_session: challenge.session,
        keys: SessionKeys {
            phone_to_appliance: hkdf_label(&bound, b"p2a"),
            appliance_to_phone: hkdf_label(&bound, b"a2p"),
        },
        psk: hkdf_label(&bound, b"psk"),
        guard: None,
        reply_ephemeral: None,
    }
}

/// A resumption's session from both ephemeral secrets (32 bytes each), the
/// pairing's psk, the replay guard and the two frames; checks that the
/// frames carry exactly the Noise messages these give.
pub fn resumed(
    e_i: &[u8],
    e_r: &[u8],
    psk: &[u8; 32],
    guard: u64,
    request: &ResumeRequest,
    reply: &ResumeReply,
) -> Established {
    let p = checker();
    let secret = |b: &[u8]| p.x25519_import(&b.try_into().unwrap());
    let mut prologue = PROLOGUE_LABEL.to_vec();
    prologue.extend_from_slice(&DEVICE_ID);
    prologue.extend_from_slice(&request.session.to_le_bytes());
    prologue.extend_from_slice(&request.offer.binding());
    let phone_static = p.x25519_import(&PHONE_STATIC);
    let appliance_static = p.x25519_import(&APPLIANCE_STATIC);
    let appliance_public = p.x25519_public(&appliance_static);
    let mut m1 = [0u8; 104];
    let (initiator, _) = noise::Initiator::write_message_1(
        &p,
        &prologue,
        &phone_static,
        &appliance_public,
        secret(e_i),
        &guard.to_le_bytes(),
        &mut m1,
    )
    .unwrap();
    let carried = [
        &request.ephemeral.0[..],
        &request.identity.0,
        &request.payload.0,
    ];
    assert_eq!(carried.concat(), m1, "the ResumeRequest's Noise message");
    assert_eq!(request.mac.0.len(), MAC_LEN);
    let (responder, _) = noise::Responder::read_message_1(
        &p,
        &prologue,
        &appliance_static,
        &appliance_public,
        &m1,
        &mut [0; 8],
    )
    .unwrap();
    // The phone's view: message 2 opens to session_a and the parameters.
    let carried = [&reply.ephemeral.0[..], &reply.payload.0].concat();
    let mut payload = [0u8; 24];
    initiator
        .read_message_2(&p, &phone_static, psk, &carried, &mut payload)
        .expect("the ResumeReply opens");
    let mut m2 = [0u8; 72];
    let (transport, _) = responder
        .write_message_2(&p, &secret(e_r), psk, &payload, &mut m2)
        .unwrap();
    assert_eq!(carried, m2, "the ResumeReply's Noise message");
    Established {
        by: "resumption",
        phone_session: request.session,
        appliance_session: u16::from_le_bytes([payload[0], payload[1]]),
        keys: SessionKeys {
            phone_to_appliance: transport.initiator_to_responder,
            appliance_to_phone: transport.responder_to_initiator,
        },
        psk: *psk,
        guard: Some(guard),
        reply_ephemeral: Some(reply.ephemeral.0),
    }
}
