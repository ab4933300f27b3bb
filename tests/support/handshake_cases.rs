//! The handshake transcripts of `spec/vectors/handshake.json`: a pairing
//! with the setup code and the first command in the third flight, a refused
//! wrong code, and a resumption with secured frames both ways and a key
//! update. Every random draw is recorded, so a port that injects the same
//! draws must produce every frame byte for byte.
//!
//! Shared by `examples/gen_handshake_vectors.rs` (writes the file) and
//! `tests/handshake_vectors.rs` (checks it).

#![allow(dead_code)]

#[path = "../vectors/cases.rs"]
pub mod codec_vectors;

use core::cell::RefCell;
use std::rc::Rc;

use applink::catalog::on_off;
use applink::crypto::setup_code::{self, SetupCode};
use applink::crypto::spake2plus::{self, Context, ProverSecret};
use applink::crypto::{CryptoProvider, RustCrypto, noise};
use applink::message::{
    EndpointId, Features, Fixed, Invoke, InvokeReply, Message, Offer, Seq, Status,
};
use applink::session::pairing::{
    ApplianceEvent, ApplianceIdentity, CONTEXT_LABEL, DeviceId, KEY_LABEL, MAC_LABEL, PhonePairing,
};
use applink::session::resume::{PROLOGUE_LABEL, PhoneResume};
use applink::session::store::{MemoryStore, Pairing, PairingStore};
use applink::session::{ApplianceHandshake, ApplianceParams, SecureChannel, SessionKeys};
use applink::time::{Duration, Instant};
use applink::wire::Flags;
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

/// The appliance in every transcript.
pub const DEVICE_ID: DeviceId = *b"APPLNK01";
/// The setup code printed on it.
pub const SETUP_CODE: &str = "31415926";
/// The code a careless user types instead.
pub const WRONG_CODE: &str = "31415927";
/// The appliance's X25519 static secret (written at manufacture).
pub const APPLIANCE_STATIC: [u8; 32] = [0xA5; 32];
/// The phone's X25519 static secret.
pub const PHONE_STATIC: [u8; 32] = [0x5A; 32];
/// The id the appliance puts in frames to the phone.
pub const PHONE_SESSION: u16 = 0x0101;
/// What the phone offers in every handshake.
pub const OFFER: Offer = Offer {
    max_frame: 1024,
    features: Features(0x0F),
};
/// What the appliance seals about itself.
pub const PARAMS: ApplianceParams = ApplianceParams {
    max_frame: 512,
    features: Features(0x0F),
    descriptor_hash: Fixed([0xD5; 16]),
};

/// Every random draw, in order, with the side that made it.
pub type Log = Rc<RefCell<Vec<(&'static str, Vec<u8>)>>>;

/// A provider whose randomness is `SHA-256(label || counter_le_u64)`
/// blocks, recorded into `log`.
pub fn recording(label: &'static str, log: &Log) -> RustCrypto<impl FnMut(&mut [u8])> {
    let log = log.clone();
    let mut counter = 0u64;
    RustCrypto::new(move |out: &mut [u8]| {
        for chunk in out.chunks_mut(32) {
            let mut h = Sha256::new();
            h.update(label.as_bytes());
            h.update(counter.to_le_bytes());
            counter += 1;
            let block: [u8; 32] = h.finalize().into();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        log.borrow_mut().push((label, out.to_vec()));
    })
}

/// What a draw is for, from who drew it and its length: each side makes
/// at most one draw of each length per transcript (HANDSHAKE.md 2.1).
fn draw_use(side: &str, len: usize) -> &'static str {
    let phone = side.starts_with("phone");
    match (phone, len) {
        (true, 64) => {
            "x: the phone's SPAKE2+ scalar, these 64 bytes as a big-endian integer reduced mod n (0 would be drawn again)"
        }
        (false, 64) => {
            "y: the appliance's SPAKE2+ scalar, these 64 bytes as a big-endian integer reduced mod n (0 would be drawn again)"
        }
        (false, 2) => "session_a: u16 little-endian (0, or an id in use, would be drawn again)",
        (true, 32) => "e: the phone's X25519 ephemeral secret (clamped as RFC 7748 defines)",
        (false, 32) => "e: the appliance's X25519 ephemeral secret (clamped as RFC 7748 defines)",
        _ => "other",
    }
}

fn randomness(log: &Log) -> Json {
    Json::Array(
        log.borrow()
            .iter()
            .map(|(side, bytes)| {
                json!({"side": side, "bytes": hex::encode(bytes), "use": draw_use(side, bytes.len())})
            })
            .collect(),
    )
}

/// Argon2id of a code (cached: it is deliberately slow).
pub fn secret(code: &str) -> [u8; 80] {
    static RIGHT: std::sync::OnceLock<[u8; 80]> = std::sync::OnceLock::new();
    static WRONG: std::sync::OnceLock<[u8; 80]> = std::sync::OnceLock::new();
    let cell = if code == SETUP_CODE { &RIGHT } else { &WRONG };
    *cell.get_or_init(|| {
        let code = SetupCode::parse(code).expect("a valid code");
        setup_code::derive_w0s_w1s(&code, &DEVICE_ID).expect("Argon2id")
    })
}

fn hkdf_label(p: &impl CryptoProvider, shared: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 32];
    p.hkdf_sha256(&[], shared, &[KEY_LABEL, label], &mut k)
        .unwrap();
    k
}

/// `K_bound = HKDF(salt = K_shared, ikm = ss, info = "applink/v1/pair/bound")`.
fn bound(p: &impl CryptoProvider, shared: &[u8; 32], ss: &[u8; 32]) -> [u8; 32] {
    let mut k = [0u8; 32];
    p.hkdf_sha256(shared, ss, &[KEY_LABEL, b"bound"], &mut k)
        .unwrap();
    k
}

/// One frame of a transcript: its bytes, decoded header and message (for
/// a secured frame, its plaintext's).
fn frame(from: &str, bytes: &[u8], message: &Message<'_>, note: &str) -> Json {
    let (header, _) = applink::wire::Header::parse(bytes).expect("a header");
    json!({
        "from": from,
        "message": message.name(),
        "decoded": codec_vectors::render::message(message),
        "header": codec_vectors::render::header(&header),
        "hex": hex::encode(bytes),
        "note": note,
    })
}

/// [`frame`] for a plaintext frame, decoded from its bytes.
fn plain(from: &str, bytes: &[u8], note: &str) -> Json {
    let (_, message) = applink::from_bytes(bytes).expect("a plaintext frame");
    frame(from, bytes, &message, note)
}

pub fn take(f: &mut impl FnMut(&mut [u8]) -> Option<usize>) -> Vec<u8> {
    let mut buf = [0u8; 256];
    let n = f(&mut buf).expect("a frame to send");
    buf[..n].to_vec()
}

fn first_command() -> Message<'static> {
    Message::Invoke(Invoke {
        endpoint: EndpointId(1),
        capability: on_off::ID,
        command: on_off::toggle::ID,
        timed_ms: None,
        args: Seq::empty(),
    })
}

fn success() -> Message<'static> {
    Message::InvokeReply(InvokeReply {
        status: Status::SUCCESS,
        fields: Seq::empty(),
    })
}

fn keys_json(k: &SessionKeys) -> Json {
    json!({
        "phone_to_appliance": hex::encode(k.phone_to_appliance),
        "appliance_to_phone": hex::encode(k.appliance_to_phone),
    })
}

/// Seals `message` on `channel` and returns the frame.
fn seal(
    p: &impl CryptoProvider,
    channel: &mut SecureChannel,
    exchange: u16,
    flags: Flags,
    message: &Message<'_>,
) -> Vec<u8> {
    let mut buf = [0u8; 256];
    let n = channel
        .seal_message(p, exchange, flags, message, &mut buf)
        .unwrap();
    buf[..n].to_vec()
}

fn open(p: &impl CryptoProvider, channel: &mut SecureChannel, bytes: &[u8], now: Instant) {
    let mut b = bytes.to_vec();
    channel.open(p, &mut b, now).expect("the frame opens");
}

/// An appliance with its window open.
pub struct Appliance<P: CryptoProvider> {
    pub p: P,
    pub identity: ApplianceIdentity<P>,
    pub handshake: ApplianceHandshake,
    pub store: MemoryStore<4>,
}

pub fn appliance<P: CryptoProvider>(p: P) -> Appliance<P> {
    let w = ProverSecret::<P>::from_pbkdf_output(&p, &secret(SETUP_CODE)).unwrap();
    let record = w.verifier_record(&p);
    let static_secret = p.x25519_import(&APPLIANCE_STATIC);
    let identity = ApplianceIdentity::new(&p, DEVICE_ID, record, static_secret);
    let store = MemoryStore::new();
    let mut handshake = ApplianceHandshake::new();
    handshake
        .pairing_mut()
        .open_window(&store, Instant::ZERO, Duration::from_secs(900))
        .unwrap();
    Appliance {
        p,
        identity,
        handshake,
        store,
    }
}

impl<P: CryptoProvider> Appliance<P> {
    /// Feeds a frame; returns the answer, if any.
    pub fn handle(&mut self, bytes: &[u8], now: Instant) -> Option<Vec<u8>> {
        let _ = self.handshake.handle_frame(
            &mut self.p,
            &mut self.store,
            &self.identity,
            &PARAMS,
            bytes,
            now,
        );
        let mut buf = [0u8; 256];
        self.handshake
            .poll_transmit(&mut buf)
            .map(|n| buf[..n].to_vec())
    }
}

fn parameters() -> Json {
    let p = RustCrypto::new(|_: &mut [u8]| unreachable!("no randomness"));
    let w = secret(SETUP_CODE);
    let prover = ProverSecret::<_>::from_pbkdf_output(&p, &w).unwrap();
    let record = prover.verifier_record(&p);
    let mut salt_input = Vec::new();
    salt_input.extend_from_slice(setup_code::SALT_LABEL);
    salt_input.extend_from_slice(&DEVICE_ID);
    json!({
        "device_id": hex::encode(DEVICE_ID),
        "setup_code": SETUP_CODE,
        "wrong_code": WRONG_CODE,
        "salt": hex::encode(Sha256::digest(&salt_input)),
        "argon2id": {"m_kib": setup_code::ARGON2_M_KIB, "t": setup_code::ARGON2_T, "p": setup_code::ARGON2_P, "output_len": 80},
        "w0s_w1s": hex::encode(w),
        "w0": hex::encode(p.p256_scalar_bytes(&prover.w0)),
        "w1": hex::encode(p.p256_scalar_bytes(&prover.w1)),
        "L": hex::encode(p.p256_point_encode(&record.l).unwrap()),
        "appliance_static_secret": hex::encode(APPLIANCE_STATIC),
        "appliance_static_public": hex::encode(p.x25519_public(&p.x25519_import(&APPLIANCE_STATIC))),
        "phone_static_secret": hex::encode(PHONE_STATIC),
        "phone_static_public": hex::encode(p.x25519_public(&p.x25519_import(&PHONE_STATIC))),
        "phone_session": PHONE_SESSION,
        "offer": {"max_frame": OFFER.max_frame, "features": OFFER.features.0, "binding": hex::encode(OFFER.binding())},
        "appliance_params": {
            "max_frame": PARAMS.max_frame,
            "features": PARAMS.features.0,
            "descriptor_hash": hex::encode(PARAMS.descriptor_hash.0),
        },
    })
}

/// Pairing with the right code; returns the transcript and what the phone
/// stores.
fn pairing() -> (Json, Pairing) {
    let log: Log = Rc::default();
    let mut phone_p = recording("phone/pairing", &log);
    let mut a = appliance(recording("appliance/pairing", &log));
    let now = Instant::from_secs(1);
    let w = ProverSecret::from_pbkdf_output(&phone_p, &secret(SETUP_CODE)).unwrap();
    let phone_secret = phone_p.x25519_import(&PHONE_STATIC);
    let phone_static = phone_p.x25519_public(&phone_secret);
    let w_start = ProverSecret::from_pbkdf_output(&phone_p, &secret(SETUP_CODE)).unwrap();
    let mut phone = PhonePairing::start(
        &mut phone_p,
        w_start,
        DEVICE_ID,
        phone_static,
        PHONE_SESSION,
        OFFER,
        0x0100,
        now,
    )
    .unwrap();
    let request = take(&mut |b| phone.poll_transmit(b));
    let challenge = a.handle(&request, now).expect("PairChallenge");
    phone
        .handle_frame(&phone_p, &phone_secret, &challenge, now)
        .unwrap();
    let mut paired = phone.poll_event().unwrap().unwrap();
    let finish = take(&mut |b| phone.poll_transmit(b));
    let command = seal(
        &phone_p,
        &mut paired.channel,
        0x0101,
        Flags::INITIATOR,
        &first_command(),
    );
    assert!(a.handle(&finish, now).is_none());
    let Some(ApplianceEvent::Paired { mut channel, .. }) = a.handshake.poll_event() else {
        panic!("the appliance did not pair");
    };
    open(&a.p, &mut channel, &command, now);
    let reply = seal(&a.p, &mut channel, 0x0101, Flags::EMPTY, &success());
    open(&phone_p, &mut paired.channel, &reply, now);

    // The keys, recomputed from the recorded draws through the public
    // SPAKE2+ functions (a check of the transcript, and a debugging aid).
    let draws = log.borrow().clone();
    let x = phone_p.p256_scalar_reduce(&draws[0].1).unwrap();
    let (Message::PairRequest(r), Message::PairChallenge(c)) = (
        applink::from_bytes(&request).unwrap().1,
        applink::from_bytes(&challenge).unwrap().1,
    ) else {
        panic!("not the pairing messages");
    };
    let mut ctx_bytes = CONTEXT_LABEL.to_vec();
    ctx_bytes.extend_from_slice(&PHONE_SESSION.to_le_bytes());
    ctx_bytes.extend_from_slice(&c.session.to_le_bytes());
    ctx_bytes.extend_from_slice(&OFFER.binding());
    let ctx = Context {
        context: &ctx_bytes,
        prover_id: &[],
        verifier_id: &DEVICE_ID,
    };
    let k = spake2plus::prover_finish(&phone_p, &ctx, &w, &x, &r.share.0, &c.share.0).unwrap();
    let appliance_public = phone_p.x25519_public(&phone_p.x25519_import(&APPLIANCE_STATIC));
    let ss = phone_p.x25519(&phone_secret, &appliance_public).unwrap();
    let k_bound = bound(&phone_p, &k.shared, &ss);
    let traffic = SessionKeys {
        phone_to_appliance: hkdf_label(&phone_p, &k_bound, b"p2a"),
        appliance_to_phone: hkdf_label(&phone_p, &k_bound, b"a2p"),
    };
    assert_eq!(hkdf_label(&phone_p, &k_bound, b"psk"), paired.pairing.psk);
    let (Message::PairFinish(f), _) = (applink::from_bytes(&finish).unwrap().1, ()) else {
        panic!("not PairFinish");
    };
    assert_eq!(hkdf_label(&phone_p, &k_bound, b"proof"), f.proof.0);
    let mut block = appliance_public.to_vec();
    block.extend_from_slice(&PARAMS.max_frame.to_le_bytes());
    block.extend_from_slice(&PARAMS.features.0.to_le_bytes());
    block.extend_from_slice(&PARAMS.descriptor_hash.0);
    block.extend_from_slice(&0u64.to_le_bytes());
    let json = json!({
        "name": "pairing",
        "exchange": 0x0100,
        "description": "Pairing with the right setup code in 1.5 round trips; the phone's first command (Invoke on/off toggle) rides in the third flight; the appliance answers it. The appliance block (static key, parameters, replay-guard floor 0) is sealed under id-a; the phone's proof binds its static key through ss.",
        "randomness": randomness(&log),
        "spake2plus": {
            "context": hex::encode(&ctx_bytes),
            "x": hex::encode(phone_p.p256_scalar_bytes(&x)),
            "K_shared": hex::encode(k.shared),
            "confirmP": hex::encode(k.confirm_p),
            "confirmV": hex::encode(k.confirm_v),
        },
        "appliance_block": hex::encode(&block),
        "keys": {
            "id-a": hex::encode(hkdf_label(&phone_p, &k.shared, b"id-a")),
            "id-p": hex::encode(hkdf_label(&phone_p, &k.shared, b"id-p")),
            "ss": hex::encode(ss),
            "K_bound": hex::encode(k_bound),
            "proof": hex::encode(f.proof.0),
            "psk": hex::encode(paired.pairing.psk),
            "traffic": keys_json(&traffic),
        },
        "frames": [
            plain("phone", &request, "plaintext, flag I, session_p 0x0101"),
            plain("appliance", &challenge, "plaintext; the attempt was counted before it left"),
            plain("phone", &finish, "plaintext, flag I; confirmP, sealed phone static key, proof"),
            frame("phone", &command, &first_command(), "secured, same flight as PairFinish, counter 0"),
            frame("appliance", &reply, &success(), "secured, counter 0"),
        ],
    });
    (json, paired.pairing)
}

/// A wrong code: the phone detects it from confirmV and says so.
fn wrong_code() -> Json {
    let log: Log = Rc::default();
    let mut phone_p = recording("phone/wrong-code", &log);
    let mut a = appliance(recording("appliance/wrong-code", &log));
    let now = Instant::from_secs(1);
    let w = ProverSecret::from_pbkdf_output(&phone_p, &secret(WRONG_CODE)).unwrap();
    let phone_secret = phone_p.x25519_import(&PHONE_STATIC);
    let phone_static = phone_p.x25519_public(&phone_secret);
    let mut phone = PhonePairing::start(
        &mut phone_p,
        w,
        DEVICE_ID,
        phone_static,
        PHONE_SESSION,
        OFFER,
        0x0200,
        now,
    )
    .unwrap();
    let request = take(&mut |b| phone.poll_transmit(b));
    let challenge = a.handle(&request, now).expect("PairChallenge");
    assert!(
        phone
            .handle_frame(&phone_p, &phone_secret, &challenge, now)
            .is_err()
    );
    let status = take(&mut |b| phone.poll_transmit(b));
    assert!(a.handle(&status, now).is_none());
    json!({
        "name": "wrong-code",
        "exchange": 0x0200,
        "description": "Pairing with a wrong setup code: confirmV does not verify, the phone sends Status(WRONG_SETUP_CODE = 49) once and, no genuine challenge coming within the 2 s grace, reports WrongSetupCode; the appliance takes the Status as a hint, ends the attempt after the grace, and the attempt stays counted.",
        "randomness": randomness(&log),
        "frames": [
            plain("phone", &request, "plaintext, flag I, from the wrong code's w0"),
            plain("appliance", &challenge, "plaintext"),
            plain("phone", &status, "plaintext, WRONG_SETUP_CODE"),
        ],
    })
}

/// Resumption with the pairing's keys, then secured frames and a key
/// update.
fn resumption(pairing: &Pairing) -> Json {
    let log: Log = Rc::default();
    let mut phone_p = recording("phone/resume", &log);
    let mut a = appliance(recording("appliance/resume", &log));
    let phone_static_secret = phone_p.x25519_import(&PHONE_STATIC);
    a.store
        .put(Pairing {
            peer_static: phone_p.x25519_public(&phone_static_secret),
            psk: pairing.psk,
            admin: true,
            resume_counter: 0,
        })
        .unwrap();
    let mut stored = pairing.clone();
    let now = Instant::from_secs(100);
    let mut phone = PhoneResume::start(
        &mut phone_p,
        &phone_static_secret,
        DEVICE_ID,
        &mut stored,
        PHONE_SESSION,
        OFFER,
        0x0300,
        now,
    )
    .unwrap();
    let request = take(&mut |b| phone.poll_transmit(b));
    let reply = a.handle(&request, now).expect("ResumeReply");
    let Some(ApplianceEvent::Resumed { mut channel, .. }) = a.handshake.poll_event() else {
        panic!("the appliance did not resume");
    };
    // A forged ResumeReply first (the genuine one's last payload byte
    // changed): it does not authenticate, and the phone keeps waiting with
    // its handshake state untouched.
    let mut forged = applink::from_bytes(&reply).unwrap();
    let Message::ResumeReply(r) = &mut forged.1 else {
        panic!("not ResumeReply");
    };
    r.payload.0[39] ^= 0x01;
    let mut buf = [0u8; 256];
    let n = applink::to_slice(&forged.0, &forged.1, &mut buf).unwrap();
    let forged = buf[..n].to_vec();
    assert_eq!(
        phone.handle_frame(&phone_p, &phone_static_secret, &forged, now),
        Err(applink::session::SessionError::Authentication)
    );
    phone
        .handle_frame(&phone_p, &phone_static_secret, &reply, now)
        .unwrap();
    let resumed = phone.poll_event().unwrap().unwrap();
    assert_eq!(resumed.appliance, PARAMS);
    let mut phone_channel = resumed.channel;
    let command = seal(
        &phone_p,
        &mut phone_channel,
        0x0301,
        Flags::INITIATOR,
        &first_command(),
    );
    open(&a.p, &mut channel, &command, now);
    let answer = seal(&a.p, &mut channel, 0x0301, Flags::EMPTY, &success());
    open(&phone_p, &mut phone_channel, &answer, now);
    // Counters 1 to 63: a key may be updated only 64 counters after the
    // first under it. Each is Ping{nonce: counter} on exchange
    // counter mod 65535 + 1 (HANDSHAKE.md 5), listed in full.
    let mut fillers = Vec::new();
    for counter in 1..64u32 {
        let ping = Message::Ping(applink::message::Ping { nonce: counter });
        let exchange = (counter % 65535) as u16 + 1;
        let f = seal(
            &phone_p,
            &mut phone_channel,
            exchange,
            Flags::INITIATOR,
            &ping,
        );
        open(&a.p, &mut channel, &f, now);
        fillers.push(frame("phone", &f, &ping, "secured, before the key update"));
    }
    phone_channel.update_keys(&phone_p).unwrap();
    let updated = seal(
        &phone_p,
        &mut phone_channel,
        0x0302,
        Flags::INITIATOR,
        &first_command(),
    );
    open(&a.p, &mut channel, &updated, now);

    // The Noise values, recomputed from the recorded ephemeral secrets.
    let draws = log.borrow().clone();
    assert_eq!(
        draws.iter().map(|d| d.1.len()).collect::<Vec<_>>(),
        [32, 2, 32],
        "e_i, session_a, e_r"
    );
    let mut prologue = PROLOGUE_LABEL.to_vec();
    prologue.extend_from_slice(&DEVICE_ID);
    prologue.extend_from_slice(&PHONE_SESSION.to_le_bytes());
    prologue.extend_from_slice(&OFFER.binding());
    let e_i = phone_p.x25519_import(&draws[0].1.clone().try_into().unwrap());
    let appliance_static = phone_p.x25519_import(&APPLIANCE_STATIC);
    let e_r = phone_p.x25519_import(&draws[2].1.clone().try_into().unwrap());
    let mut m1 = [0u8; 104];
    let (initiator, _) = noise::Initiator::write_message_1(
        &phone_p,
        &prologue,
        &phone_static_secret,
        &pairing.peer_static,
        e_i,
        &1u64.to_le_bytes(),
        &mut m1,
    )
    .unwrap();
    let (responder, _) = noise::Responder::read_message_1(
        &phone_p,
        &prologue,
        &appliance_static,
        &pairing.peer_static,
        &m1,
        &mut [0; 8],
    )
    .unwrap();
    let session_a = u16::from_le_bytes([draws[1].1[0], draws[1].1[1]]);
    let mut payload = session_a.to_le_bytes().to_vec();
    payload.extend_from_slice(&PARAMS.max_frame.to_le_bytes());
    payload.extend_from_slice(&PARAMS.features.0.to_le_bytes());
    payload.extend_from_slice(&PARAMS.descriptor_hash.0);
    let mut m2 = [0u8; 72];
    let (transport, _) = responder
        .write_message_2(&phone_p, &e_r, &pairing.psk, &payload, &mut m2)
        .unwrap();
    assert!(
        initiator
            .read_message_2(
                &phone_p,
                &phone_static_secret,
                &pairing.psk,
                &m2,
                &mut [0; 24]
            )
            .is_ok()
    );
    let mac_key: [u8; 32] = Sha256::new()
        .chain_update(MAC_LABEL)
        .chain_update(pairing.peer_static)
        .finalize()
        .into();
    let traffic = SessionKeys {
        phone_to_appliance: transport.initiator_to_responder,
        appliance_to_phone: transport.responder_to_initiator,
    };
    let frames: Vec<Json> = [
            vec![
                plain("phone", &request, "plaintext, flag I; payload = guard 1 (u64 LE), sealed; offer; mac"),
                plain("appliance", &forged, "forged: the genuine reply with its last payload byte changed; it does not authenticate and the phone keeps waiting, its handshake state untouched"),
                plain("appliance", &reply, "plaintext; payload = session_a || parameters, sealed"),
                frame("phone", &command, &first_command(), "secured, counter 0"),
                frame("appliance", &answer, &success(), "secured, counter 0"),
            ],
            fillers,
            vec![frame("phone", &updated, &first_command(), "secured, counter 64, after a key update: flag K set")],
        ].concat();
    json!({
        "name": "resumption",
        "exchange": 0x0300,
        "description": "A later session in one round trip: Noise_IKpsk2_25519_ChaChaPoly_SHA256 with the pairing's static keys and psk (from the pairing transcript), replay guard 1, the offer in the prologue and the mac keyed by the appliance's static key; message 2 seals session_a and the appliance's parameters; a forged ResumeReply before the genuine one changes nothing; then a command, its answer, 63 Pings and a command after the phone's key update (flag K).",
        "randomness": randomness(&log),
        "noise": {
            "protocol_name": String::from_utf8_lossy(noise::PROTOCOL_NAME),
            "prologue": hex::encode(&prologue),
            "psk": hex::encode(pairing.psk),
            "message_1": hex::encode(m1),
            "message_2_payload": hex::encode(&payload),
            "message_2": hex::encode(m2),
            "mac_key": hex::encode(mac_key),
            "handshake_hash": hex::encode(transport.handshake_hash),
        },
        "keys": {"traffic": keys_json(&traffic)},
        "frames": frames,
    })
}

/// The whole file.
pub fn render() -> String {
    let (pairing_json, pairing) = pairing();
    let doc = json!({
        "description": "applink handshake transcripts (spec/HANDSHAKE.md). Randomness is recorded draw by draw in the order each side made them; inject the same draws and every frame must match byte for byte. Keys are listed to help debugging; frames are the normative check.",
        "parameters": parameters(),
        "transcripts": [pairing_json, wrong_code(), resumption(&pairing)],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap();
    s.push('\n');
    s
}
