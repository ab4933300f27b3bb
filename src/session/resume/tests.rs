use super::*;
use crate::crypto::InsecureTestCrypto;
use crate::crypto::spake2plus::ProverSecret;
use crate::message::{Message, Ping, Pong};
use crate::session::store::MemoryStore;
use crate::wire::{Flags, Header};

const DEVICE: DeviceId = *b"APPLNK01";
const PSK: [u8; 32] = [0x42; 32];

struct World {
    phone_p: InsecureTestCrypto,
    phone_static: <InsecureTestCrypto as CryptoProvider>::X25519Secret,
    phone_pairing: Pairing,
    appl_p: InsecureTestCrypto,
    identity: ApplianceIdentity<InsecureTestCrypto>,
    appliance: ApplianceResume,
    store: MemoryStore<4>,
}

/// A phone and an appliance that paired earlier (the pairing records are
/// written directly; `tests/handshake_vectors.rs` runs the whole flow).
fn world() -> World {
    let appl_p = InsecureTestCrypto::from_seed([2; 32]);
    let phone_p = InsecureTestCrypto::from_seed([1; 32]);
    let secret = ProverSecret::from_pbkdf_output(&appl_p, &[0x5A; 80]).unwrap();
    let identity = ApplianceIdentity {
        device_id: DEVICE,
        record: secret.verifier_record(&appl_p),
        static_secret: appl_p.x25519_import(&[0x77; 32]),
    };
    let phone_static = phone_p.x25519_import(&[0x33; 32]);
    let mut store = MemoryStore::new();
    store
        .put(Pairing {
            peer_static: phone_p.x25519_public(&phone_static),
            psk: PSK,
            admin: true,
            resume_counter: 0,
        })
        .unwrap();
    let phone_pairing = Pairing {
        peer_static: appl_p.x25519_public(&identity.static_secret),
        psk: PSK,
        admin: false,
        resume_counter: 0,
    };
    World {
        phone_p,
        phone_static,
        phone_pairing,
        appl_p,
        identity,
        appliance: ApplianceResume::new(),
        store,
    }
}

fn frame(f: &mut impl FnMut(&mut [u8]) -> Option<usize>) -> std::vec::Vec<u8> {
    let mut buf = [0u8; 256];
    let n = f(&mut buf).expect("a frame to send");
    buf[..n].to_vec()
}

fn start(w: &mut World, now: Instant) -> PhoneResume<InsecureTestCrypto> {
    PhoneResume::start(
        &mut w.phone_p,
        &w.phone_static,
        DEVICE,
        &mut w.phone_pairing,
        0x0101,
        9,
        now,
    )
    .unwrap()
}

fn to_appliance(w: &mut World, bytes: &[u8], now: Instant) -> Result<(), SessionError> {
    w.appliance
        .handle_frame(&mut w.appl_p, &mut w.store, &w.identity, bytes, now)
}

fn to_phone(
    w: &World,
    phone: &mut PhoneResume<InsecureTestCrypto>,
    bytes: &[u8],
) -> Result<(), SessionError> {
    phone.handle_frame(&w.phone_p, &w.phone_static, bytes, Instant::from_secs(1))
}

/// One full resumption; returns both channels.
fn resume(w: &mut World, now: Instant) -> (SecureChannel, SecureChannel) {
    let mut phone = start(w, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    to_appliance(w, &request, now).unwrap();
    let Some(ApplianceEvent::Resumed {
        channel,
        peer_static,
        admin,
    }) = w.appliance.poll_event()
    else {
        panic!("appliance did not resume");
    };
    assert!(admin);
    assert_eq!(peer_static, w.phone_p.x25519_public(&w.phone_static));
    let reply = frame(&mut |b| w.appliance.poll_transmit(b));
    to_phone(w, &mut phone, &reply).unwrap();
    let phone_channel = phone.poll_event().unwrap().unwrap();
    assert_eq!(phone.poll_timeout(), None);
    assert_eq!(phone.expected(), Expected::Nothing);
    (phone_channel, channel)
}

fn exchange(w: &World, phone: &mut SecureChannel, appliance: &mut SecureChannel, nonce: u32) {
    let now = Instant::from_secs(2);
    let mut buf = [0u8; 64];
    let ping = Message::Ping(Ping { nonce });
    let n = phone
        .seal_message(&w.phone_p, 1, Flags::INITIATOR, &ping, &mut buf)
        .unwrap();
    let (_, got) = appliance
        .open_message(&w.appl_p, &mut buf[..n], now)
        .unwrap();
    assert_eq!(got, ping);
    let pong = Message::Pong(Pong { nonce });
    let n = appliance
        .seal_message(&w.appl_p, 1, Flags::EMPTY, &pong, &mut buf)
        .unwrap();
    let (_, got) = phone.open_message(&w.phone_p, &mut buf[..n], now).unwrap();
    assert_eq!(got, pong);
}

#[test]
fn resumption_in_one_round_trip_then_data_both_ways() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let (mut phone, mut appliance) = resume(&mut w, now);
    assert_eq!(phone.peer_session(), appliance.local_session());
    assert_eq!(appliance.peer_session(), 0x0101);
    exchange(&w, &mut phone, &mut appliance, 7);
    // Both sides spent guard 1.
    assert_eq!(w.phone_pairing.resume_counter, 1);
    let stored = w.store.get(&w.phone_p.x25519_public(&w.phone_static));
    assert_eq!(stored.unwrap().resume_counter, 1);

    // A second resumption: guard 2, fresh keys (forward secrecy).
    let (mut phone2, mut appliance2) = resume(&mut w, now);
    exchange(&w, &mut phone2, &mut appliance2, 8);
    assert_eq!(w.phone_pairing.resume_counter, 2);
    let mut buf = [0u8; 64];
    let n = phone2
        .seal_message(&w.phone_p, 2, Flags::INITIATOR, &Message::Ack, &mut buf)
        .unwrap();
    assert!(
        appliance.open(&w.appl_p, &mut buf[..n], now).is_err(),
        "sessions do not share keys"
    );
}

#[test]
fn a_replayed_request_is_refused_and_changes_nothing() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    to_appliance(&mut w, &request, now).unwrap();
    let _ = w.appliance.poll_event().unwrap();
    let _ = frame(&mut |b| w.appliance.poll_transmit(b));
    let before = w.store.clone();
    assert_eq!(
        to_appliance(&mut w, &request, now),
        Err(SessionError::NeedsPairing)
    );
    assert!(w.appliance.poll_event().is_none());
    assert_eq!(w.store.lifetime_failures(), before.lifetime_failures());
    let key = w.phone_p.x25519_public(&w.phone_static);
    assert_eq!(
        w.store.get(&key).map(|q| q.to_bytes()),
        before.get(&key).map(|q| q.to_bytes()),
        "store unchanged"
    );
    // The refusal is a typed answer, on the same exchange.
    let refusal = frame(&mut |b| w.appliance.poll_transmit(b));
    let (header, m) = crate::from_bytes(&refusal).unwrap();
    assert_eq!(header.exchange, 9);
    assert_eq!(
        m,
        Message::Status(StatusReport {
            status: Status::NEEDS_PAIRING
        })
    );
}

#[test]
fn an_unknown_phone_or_a_reset_appliance_needs_pairing() {
    // The appliance forgot the phone.
    let mut w = world();
    let now = Instant::from_secs(1);
    let phone_key = w.phone_p.x25519_public(&w.phone_static);
    assert!(w.store.remove(&phone_key).unwrap());
    let mut phone = start(&mut w, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    assert_eq!(
        to_appliance(&mut w, &request, now),
        Err(SessionError::NeedsPairing)
    );
    let refusal = frame(&mut |b| w.appliance.poll_transmit(b));
    assert_eq!(
        to_phone(&w, &mut phone, &refusal),
        Err(SessionError::NeedsPairing)
    );
    assert!(matches!(
        phone.poll_event(),
        Some(Err(SessionError::NeedsPairing))
    ));

    // The appliance has a new static key (factory reset).
    let mut w = world();
    w.identity.static_secret = w.appl_p.x25519_import(&[0x78; 32]);
    let mut phone = start(&mut w, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    assert_eq!(
        to_appliance(&mut w, &request, now),
        Err(SessionError::NeedsPairing)
    );
    assert!(w.appliance.poll_event().is_none());
}

#[test]
fn a_forged_reply_is_rejected_and_the_genuine_one_still_accepted() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    to_appliance(&mut w, &request, now).unwrap();
    let reply = frame(&mut |b| w.appliance.poll_transmit(b));
    // Flip one bit in the ephemeral key, then in the tag (before the CRC,
    // which is recomputed so the frame itself is well formed).
    let (header, m) = crate::from_bytes(&reply).unwrap();
    let Message::ResumeReply(r) = m else {
        panic!("not a reply")
    };
    for forged in [
        ResumeReply {
            ephemeral: Fixed({
                let mut e = r.ephemeral.0;
                e[3] ^= 1;
                e
            }),
            ..r
        },
        ResumeReply {
            payload: Fixed({
                let mut t = r.payload.0;
                t[15] ^= 0x80;
                t
            }),
            ..r
        },
    ] {
        let mut b = [0u8; 192];
        let n = crate::to_slice(&header, &Message::ResumeReply(forged), &mut b).unwrap();
        let got = to_phone(&w, &mut phone, &b[..n]);
        assert!(
            matches!(
                got,
                Err(SessionError::Authentication | SessionError::Crypto(_))
            ),
            "{got:?}"
        );
        assert_eq!(phone.expected(), Expected::ResumeReply);
        assert!(phone.poll_event().is_none());
    }
    to_phone(&w, &mut phone, &reply).unwrap();
    assert!(matches!(phone.poll_event(), Some(Ok(_))));
}

#[test]
fn a_different_pairing_secret_fails_on_the_phone() {
    let mut w = world();
    let now = Instant::from_secs(1);
    w.phone_pairing.psk = [0x43; 32];
    let mut phone = start(&mut w, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    // Message 1 does not depend on the PSK (`psk2`): the appliance answers.
    to_appliance(&mut w, &request, now).unwrap();
    let reply = frame(&mut |b| w.appliance.poll_transmit(b));
    assert_eq!(
        to_phone(&w, &mut phone, &reply),
        Err(SessionError::Authentication)
    );
}

#[test]
fn unexpected_messages_change_nothing() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    let enc = |m: &Message<'_>, exchange: u16| {
        let mut b = [0u8; 192];
        let n = crate::to_slice(&Header::plaintext(0, exchange), m, &mut b).unwrap();
        b[..n].to_vec()
    };
    let ping = Message::Ping(Ping { nonce: 1 });
    // Appliance: anything but ResumeRequest.
    assert!(matches!(
        to_appliance(&mut w, &enc(&ping, 9), now),
        Err(SessionError::Unexpected {
            expected: Expected::ResumeRequest,
            got: _
        })
    ));
    assert!(w.appliance.poll_transmit(&mut [0; 256]).is_none());
    // Phone: anything but the reply, or the right message on another
    // exchange.
    assert!(matches!(
        to_phone(&w, &mut phone, &enc(&ping, 9)),
        Err(SessionError::Unexpected {
            expected: Expected::ResumeReply,
            got: _
        })
    ));
    to_appliance(&mut w, &request, now).unwrap();
    let reply = frame(&mut |b| w.appliance.poll_transmit(b));
    let (_, m) = crate::from_bytes(&reply).unwrap();
    assert!(matches!(
        to_phone(&w, &mut phone, &enc(&m, 10)),
        Err(SessionError::Unexpected { .. })
    ));
    assert_eq!(phone.expected(), Expected::ResumeReply);
    to_phone(&w, &mut phone, &reply).unwrap();
    // Done: even the reply again is unexpected.
    assert!(matches!(
        to_phone(&w, &mut phone, &reply),
        Err(SessionError::Unexpected {
            expected: Expected::Nothing,
            got: 6
        })
    ));
}

#[test]
fn the_phone_times_out_and_a_zero_session_is_refused() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, now);
    let deadline = phone.poll_timeout().unwrap();
    phone.handle_timeout(Instant::from_secs(2));
    assert!(phone.poll_event().is_none());
    phone.handle_timeout(deadline);
    assert!(matches!(
        phone.poll_event(),
        Some(Err(SessionError::Timeout))
    ));
    assert!(
        PhoneResume::start(
            &mut w.phone_p,
            &w.phone_static,
            DEVICE,
            &mut w.phone_pairing,
            0,
            9,
            now
        )
        .is_err()
    );
}

#[test]
fn an_exhausted_guard_needs_pairing() {
    let mut w = world();
    w.phone_pairing.resume_counter = u64::MAX;
    let r = PhoneResume::start(
        &mut w.phone_p,
        &w.phone_static,
        DEVICE,
        &mut w.phone_pairing,
        1,
        9,
        Instant::ZERO,
    );
    assert_eq!(r.err(), Some(SessionError::NeedsPairing));
}
