use super::*;
use crate::crypto::InsecureTestCrypto;
use crate::crypto::spake2plus::ProverSecret;
use crate::message::{Features, Message, Ping, Pong};
use crate::session::store::MemoryStore;
use crate::wire::{Flags, Header};

const DEVICE: DeviceId = *b"APPLNK01";
const PSK: [u8; 32] = [0x42; 32];
const OFFER: Offer = Offer {
    max_frame: 1024,
    features: Features(0xF),
};
const PARAMS: ApplianceParams = ApplianceParams {
    max_frame: 512,
    features: Features(0xF),
    descriptor_hash: Fixed([0xD5; 16]),
};

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
    let record = secret.verifier_record(&appl_p);
    let identity =
        ApplianceIdentity::new(&appl_p, DEVICE, record, appl_p.x25519_import(&[0x77; 32]));
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
        OFFER,
        9,
        now,
    )
    .unwrap()
}

fn to_appliance(w: &mut World, bytes: &[u8], now: Instant) -> Result<(), SessionError> {
    w.appliance.handle_frame(
        &mut w.appl_p,
        &mut w.store,
        &w.identity,
        &PARAMS,
        bytes,
        now,
    )
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
        offer,
    }) = w.appliance.poll_event()
    else {
        panic!("appliance did not resume");
    };
    assert!(admin);
    assert_eq!(offer, OFFER);
    assert_eq!(peer_static, w.phone_p.x25519_public(&w.phone_static));
    let reply = frame(&mut |b| w.appliance.poll_transmit(b));
    to_phone(w, &mut phone, &reply).unwrap();
    let resumed = phone.poll_event().unwrap().unwrap();
    assert_eq!(resumed.appliance, PARAMS, "the sealed parameters arrive");
    let phone_channel = resumed.channel;
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
    // Plaintext: a hint, which ends the attempt after the grace.
    assert!(phone.poll_event().is_none());
    phone.handle_timeout(Instant::from_secs(1).saturating_add(crate::session::HINT_GRACE));
    assert!(matches!(
        phone.poll_event(),
        Some(Err(SessionError::NeedsPairing))
    ));

    // The phone holds another appliance's key: the mac tells at once.
    let mut w = world();
    let record = w.identity.record.clone();
    w.identity = ApplianceIdentity::new(
        &w.appl_p,
        DEVICE,
        record,
        w.appl_p.x25519_import(&[0x78; 32]),
    );
    let mut phone = start(&mut w, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    assert_eq!(
        to_appliance(&mut w, &request, now),
        Err(SessionError::Authentication)
    );
    assert!(w.appliance.poll_event().is_none());
    let refusal = frame(&mut |b| w.appliance.poll_transmit(b));
    assert_eq!(
        to_phone(&w, &mut phone, &refusal),
        Err(SessionError::NeedsPairing)
    );
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
        let n = crate::to_slice(&Header::plaintext(exchange), m, &mut b).unwrap();
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
            OFFER,
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
        OFFER,
        9,
        Instant::ZERO,
    );
    assert_eq!(r.err(), Some(SessionError::NeedsPairing));
}

/// Security review, item 7: a forged resumption from a sender that does
/// not know the appliance's static key costs one hash and no X25519
/// operation; a genuine one still resumes.
#[test]
fn a_forged_resumption_costs_one_hash_and_no_x25519() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    let mut counting = crate::crypto::spy::Spy::new([2; 32]);
    let record = ProverSecret::from_pbkdf_output(&counting, &[0x5A; 80])
        .unwrap()
        .verifier_record(&counting);
    let identity = ApplianceIdentity::new(
        &counting,
        DEVICE,
        record,
        counting.x25519_import(&[0x77; 32]),
    );
    // An attacker's request: random ephemeral, identity and guard, and a
    // mac under a key it guessed.
    let (h, Message::ResumeRequest(genuine)) = crate::from_bytes(&request).unwrap() else {
        panic!()
    };
    let mut forged = ResumeRequest {
        ephemeral: Fixed([0x11; 32]),
        identity: Fixed([0x22; 48]),
        payload: Fixed([0x33; 24]),
        ..genuine
    };
    forged.mac = Fixed(request_mac(&counting, &[0x44; 32], &forged).unwrap());
    let take = |w: &mut World, p: &mut crate::crypto::spy::Spy, frame: &[u8]| {
        w.appliance
            .handle_frame(p, &mut w.store, &identity, &PARAMS, frame, now)
    };
    let mut b = [0u8; 256];
    let n = crate::to_slice(&h, &Message::ResumeRequest(forged), &mut b).unwrap();
    counting.reset();
    let before = w
        .store
        .get(&w.phone_p.x25519_public(&w.phone_static))
        .unwrap()
        .resume_counter;
    assert_eq!(
        take(&mut w, &mut counting, &b[..n]),
        Err(SessionError::Authentication)
    );
    assert_eq!(counting.x25519.get(), 0, "no X25519 for a forged request");
    assert_eq!(counting.hashes.get(), 1, "one keyed hash");
    assert!(w.appliance.poll_event().is_none());
    let _ = w.appliance.poll_transmit(&mut [0; 256]);
    // A genuine request with one bit of its offer changed fails the mac too.
    let mut changed = genuine;
    changed.offer.max_frame = 256;
    let n = crate::to_slice(&h, &Message::ResumeRequest(changed), &mut b).unwrap();
    assert_eq!(
        take(&mut w, &mut counting, &b[..n]),
        Err(SessionError::Authentication)
    );
    let _ = w.appliance.poll_transmit(&mut [0; 256]);
    assert_eq!(
        w.store
            .get(&w.phone_p.x25519_public(&w.phone_static))
            .unwrap()
            .resume_counter,
        before
    );
    // The genuine one costs what Noise needs.
    counting.reset();
    take(&mut w, &mut counting, &request).unwrap();
    assert_eq!(
        counting.x25519.get(),
        6,
        "es, ss, the new ephemeral pair, ee, se"
    );
    assert!(matches!(
        w.appliance.poll_event(),
        Some(ApplianceEvent::Resumed { .. })
    ));
}

/// Security review, items 4 and 7: a forged plaintext refusal does not
/// end a genuine resumption, and the appliance's session id is sealed.
#[test]
fn a_forged_refusal_is_a_hint_and_the_session_id_is_authenticated() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    let refusal = {
        let mut b = [0u8; 64];
        let m = Message::Status(StatusReport {
            status: Status::NEEDS_PAIRING,
        });
        let n = crate::to_slice(&Header::plaintext(9), &m, &mut b).unwrap();
        b[..n].to_vec()
    };
    assert_eq!(
        to_phone(&w, &mut phone, &refusal),
        Err(SessionError::NeedsPairing)
    );
    assert!(phone.poll_event().is_none(), "a hint, not a verdict");
    to_appliance(&mut w, &request, now).unwrap();
    let Some(ApplianceEvent::Resumed { channel, .. }) = w.appliance.poll_event() else {
        panic!()
    };
    let reply = frame(&mut |b| w.appliance.poll_transmit(b));
    to_phone(&w, &mut phone, &reply).unwrap();
    let resumed = phone.poll_event().unwrap().unwrap();
    // The id the phone addresses is the one the appliance drew, and it
    // came sealed: the reply has no cleartext session field to change.
    assert_eq!(resumed.channel.peer_session(), channel.local_session());
    let (_, Message::ResumeReply(r)) = crate::from_bytes(&reply).unwrap() else {
        panic!()
    };
    assert_eq!(r.payload.0.len(), 2 + ApplianceParams::LEN + 16);
}
