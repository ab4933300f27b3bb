use super::*;
use crate::crypto::InsecureTestCrypto;
use crate::message::{Close, Hello, Message, Ping, Pong, Purpose, ResumeReply, ResumeRequest};
use crate::session::lockout::{BACKOFF_AFTER, MAX_WINDOW};
use crate::session::store::MemoryStore;
use crate::wire::Flags;

const DEVICE: DeviceId = *b"APPLNK01";
const RIGHT: [u8; 80] = [0x5A; 80];
const WRONG: [u8; 80] = [0xA5; 80];

struct World {
    phone_p: InsecureTestCrypto,
    appl_p: InsecureTestCrypto,
    identity: ApplianceIdentity<InsecureTestCrypto>,
    appliance: AppliancePairing,
    store: MemoryStore<4>,
}

fn world() -> World {
    let appl_p = InsecureTestCrypto::from_seed([2; 32]);
    let secret = ProverSecret::from_pbkdf_output(&appl_p, &RIGHT).unwrap();
    let identity = ApplianceIdentity {
        device_id: DEVICE,
        record: secret.verifier_record(&appl_p),
        static_secret: appl_p.x25519_import(&[0x77; 32]),
    };
    let mut appliance = AppliancePairing::new();
    appliance.open_window(Instant::ZERO, MAX_WINDOW);
    World {
        phone_p: InsecureTestCrypto::from_seed([1; 32]),
        appl_p,
        identity,
        appliance,
        store: MemoryStore::new(),
    }
}

fn start(w: &mut World, code: &[u8; 80], now: Instant) -> PhonePairing<InsecureTestCrypto> {
    let secret = ProverSecret::from_pbkdf_output(&w.phone_p, code).unwrap();
    let public = w
        .phone_p
        .x25519_public(&w.phone_p.x25519_import(&[0x33; 32]));
    PhonePairing::start(&mut w.phone_p, secret, DEVICE, public, 0x0101, 5, now).unwrap()
}

fn frame(f: &mut impl FnMut(&mut [u8]) -> Option<usize>) -> std::vec::Vec<u8> {
    let mut buf = [0u8; 256];
    let n = f(&mut buf).expect("a frame to send");
    buf[..n].to_vec()
}

fn to_appliance(w: &mut World, bytes: &[u8], now: Instant) -> Result<(), SessionError> {
    w.appliance
        .handle_frame(&mut w.appl_p, &mut w.store, &w.identity, bytes, now)
}

#[test]
fn full_pairing_with_the_first_command_in_the_third_flight() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, &RIGHT, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    to_appliance(&mut w, &request, now).unwrap();
    assert_eq!(
        w.store.lifetime_failures(),
        1,
        "counted before the challenge left"
    );
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    phone.handle_frame(&w.phone_p, &challenge, now).unwrap();
    let mut paired = phone.poll_event().unwrap().unwrap();
    let finish = frame(&mut |b| phone.poll_transmit(b));
    // Same flight: the first command, secured.
    let invoke = Message::Ping(Ping { nonce: 1 });
    let mut cmd = [0u8; 64];
    let n = paired
        .channel
        .seal_message(&w.phone_p, 6, Flags::INITIATOR, &invoke, &mut cmd)
        .unwrap();
    to_appliance(&mut w, &finish, now).unwrap();
    let Some(ApplianceEvent::Paired {
        mut channel,
        peer_static,
        admin,
    }) = w.appliance.poll_event()
    else {
        panic!("appliance did not pair");
    };
    assert!(admin, "the first phone is admin");
    assert_eq!(
        w.store.lifetime_failures(),
        0,
        "a success takes its count back"
    );
    assert_eq!(w.store.get(&peer_static).unwrap().psk, paired.pairing.psk);
    assert_eq!(
        paired.pairing.peer_static,
        w.appl_p.x25519_public(&w.identity.static_secret)
    );
    let (_, got) = channel.open_message(&w.appl_p, &mut cmd[..n], now).unwrap();
    assert_eq!(got, invoke);
    let mut reply = [0u8; 64];
    let n = channel
        .seal_message(
            &w.appl_p,
            6,
            Flags::EMPTY,
            &Message::Pong(Pong { nonce: 1 }),
            &mut reply,
        )
        .unwrap();
    let (_, pong) = paired
        .channel
        .open_message(&w.phone_p, &mut reply[..n], now)
        .unwrap();
    assert_eq!(pong, Message::Pong(Pong { nonce: 1 }));
    assert!(
        !w.appliance.lockout().window_open(now),
        "pairing closes the window"
    );
}

#[test]
fn a_wrong_code_is_a_typed_error_on_the_phone_and_counted() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, &WRONG, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    to_appliance(&mut w, &request, now).unwrap();
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    assert_eq!(
        phone.handle_frame(&w.phone_p, &challenge, now),
        Err(SessionError::WrongSetupCode)
    );
    assert!(matches!(
        phone.poll_event(),
        Some(Err(SessionError::WrongSetupCode))
    ));
    assert_eq!(phone.poll_timeout(), None, "no timeout left to wait for");
    // The phone tells the appliance, which ends the attempt at once.
    let report = frame(&mut |b| phone.poll_transmit(b));
    assert_eq!(
        to_appliance(&mut w, &report, now),
        Err(SessionError::WrongSetupCode)
    );
    assert_eq!(w.store.lifetime_failures(), 1);
    assert_eq!(w.appliance.expected(), Expected::PairRequest);
}

#[test]
fn a_forged_confirmation_is_refused_by_the_appliance() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, &RIGHT, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    to_appliance(&mut w, &request, now).unwrap();
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    phone.handle_frame(&w.phone_p, &challenge, now).unwrap();
    let finish = frame(&mut |b| phone.poll_transmit(b));
    let (h, Message::PairFinish(mut f)) = crate::from_bytes(&finish).unwrap() else {
        panic!()
    };
    f.confirm.0[0] ^= 1;
    let mut bad = [0u8; 192];
    let n = crate::to_slice(&h, &Message::PairFinish(f), &mut bad).unwrap();
    assert_eq!(
        to_appliance(&mut w, &bad[..n], now),
        Err(SessionError::WrongSetupCode)
    );
    assert_eq!(w.store.lifetime_failures(), 1);
    assert!(w.store.is_empty());
    let report = frame(&mut |b| w.appliance.poll_transmit(b));
    let (_, m) = crate::from_bytes(&report).unwrap();
    assert_eq!(
        m,
        Message::Status(StatusReport {
            status: Status::WRONG_SETUP_CODE
        })
    );
}

#[test]
fn backoff_busy_window_and_lifetime_lockout() {
    let mut w = world();
    let mut now = Instant::from_secs(1);
    // Five failed attempts: the fifth starts the backoff.
    for i in 1..=BACKOFF_AFTER {
        let mut phone = start(&mut w, &WRONG, now);
        let request = frame(&mut |b| phone.poll_transmit(b));
        to_appliance(&mut w, &request, now).unwrap();
        assert_eq!(w.store.lifetime_failures(), i);
        let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
        // A second phone meanwhile is told Busy, with a typed error.
        if i == 1 {
            let mut other = start(&mut w, &RIGHT, now);
            let r = frame(&mut |b| other.poll_transmit(b));
            assert_eq!(to_appliance(&mut w, &r, now), Err(SessionError::Busy));
            let busy = frame(&mut |b| w.appliance.poll_transmit(b));
            assert_eq!(
                other.handle_frame(&w.phone_p, &busy, now),
                Err(SessionError::Busy)
            );
        }
        assert!(phone.handle_frame(&w.phone_p, &challenge, now).is_err());
        let report = frame(&mut |b| phone.poll_transmit(b));
        assert!(to_appliance(&mut w, &report, now).is_err());
    }
    let mut phone = start(&mut w, &RIGHT, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    assert_eq!(
        to_appliance(&mut w, &request, now),
        Err(SessionError::LockedOut { retry_after_s: 1 })
    );
    let reject = frame(&mut |b| w.appliance.poll_transmit(b));
    assert_eq!(
        phone.handle_frame(&w.phone_p, &reject, now),
        Err(SessionError::LockedOut { retry_after_s: 1 })
    );
    assert_eq!(
        w.store.lifetime_failures(),
        5,
        "a refused request is not an attempt"
    );
    now = now.saturating_add(Duration::from_secs(1));
    let mut phone = start(&mut w, &RIGHT, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    to_appliance(&mut w, &request, now).unwrap();
    // The window closes after 15 minutes.
    let late = Instant::from_secs(1 + 15 * 60);
    w.appliance.handle_timeout(late);
    let mut phone = start(&mut w, &RIGHT, late);
    let request = frame(&mut |b| phone.poll_transmit(b));
    assert_eq!(
        to_appliance(&mut w, &request, late),
        Err(SessionError::PairingWindowClosed)
    );
    // 100 lifetime failures disable pairing until factory reset.
    w.store.set_lifetime_failures(100).unwrap();
    w.appliance.open_window(late, MAX_WINDOW);
    assert_eq!(
        to_appliance(&mut w, &request, late),
        Err(SessionError::LockedOut { retry_after_s: 0 })
    );
}

#[test]
fn every_message_in_every_state_is_rejected_without_change() {
    let hello = Hello {
        min_version: 1,
        max_version: 1,
        max_frame: 512,
        features: Default::default(),
        purpose: Purpose::Pair,
    };
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, &RIGHT, now);
    let request = frame(&mut |b| phone.poll_transmit(b));
    let junk: [Message<'_>; 8] = [
        Message::Hello(hello),
        Message::Ping(Ping { nonce: 1 }),
        Message::Close(Close {
            reason: Status::SUCCESS,
        }),
        Message::ResumeReply(ResumeReply {
            session: 3,
            ephemeral: Fixed([9; 32]),
            payload: Fixed([0; 16]),
        }),
        Message::ResumeRequest(ResumeRequest {
            session: 3,
            ephemeral: Fixed([9; 32]),
            identity: Fixed([0; 48]),
            payload: Fixed([0; 24]),
        }),
        Message::PairFinish(PairFinish {
            confirm: Fixed([0; 32]),
            identity: Fixed([0; 48]),
        }),
        Message::Pong(Pong { nonce: 2 }),
        Message::Ack,
    ];
    let enc = |m: &Message<'_>| {
        let mut b = [0u8; 192];
        let n = crate::to_slice(&crate::wire::Header::plaintext(0, 5), m, &mut b).unwrap();
        b[..n].to_vec()
    };
    // Appliance, ExpectPairRequest: everything but PairRequest is refused.
    for m in &junk {
        let r = to_appliance(&mut w, &enc(m), now);
        assert!(
            matches!(
                r,
                Err(SessionError::Unexpected {
                    expected: Expected::PairRequest,
                    ..
                })
            ),
            "{m:?}: {r:?}"
        );
        assert_eq!(w.appliance.expected(), Expected::PairRequest);
    }
    to_appliance(&mut w, &request, now).unwrap();
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    // Appliance, ExpectPairFinish: only PairFinish (or a Status) moves it.
    for m in junk.iter().filter(|m| !matches!(m, Message::PairFinish(_))) {
        let r = to_appliance(&mut w, &enc(m), now);
        assert!(
            matches!(
                r,
                Err(SessionError::Unexpected {
                    expected: Expected::PairFinish,
                    ..
                })
            ),
            "{m:?}: {r:?}"
        );
        assert_eq!(w.appliance.expected(), Expected::PairFinish);
    }
    // Phone, ExpectPairChallenge.
    for m in &junk {
        let r = phone.handle_frame(&w.phone_p, &enc(m), now);
        assert!(
            matches!(
                r,
                Err(SessionError::Unexpected {
                    expected: Expected::PairChallenge,
                    ..
                })
            ),
            "{m:?}: {r:?}"
        );
        assert!(phone.poll_timeout().is_some());
    }
    // Garbage of every length on both sides: typed errors, no panic.
    for len in 0..challenge.len() {
        assert!(
            phone
                .handle_frame(&w.phone_p, &challenge[..len], now)
                .is_err()
        );
        assert!(to_appliance(&mut w, &request[..len.min(request.len())], now).is_err());
    }
    // The run still completes.
    phone.handle_frame(&w.phone_p, &challenge, now).unwrap();
    let finish = frame(&mut |b| phone.poll_transmit(b));
    to_appliance(&mut w, &finish, now).unwrap();
    assert!(matches!(
        w.appliance.poll_event(),
        Some(ApplianceEvent::Paired { .. })
    ));
    // Phone, done: nothing more is taken.
    let r = phone.handle_frame(&w.phone_p, &challenge, now);
    assert!(matches!(
        r,
        Err(SessionError::Unexpected {
            expected: Expected::Nothing,
            ..
        })
    ));
}

#[test]
fn admins_open_windows_list_and_remove_pairings() {
    let mut w = world();
    let admin = [1u8; 32];
    let user = [2u8; 32];
    for (k, a) in [(admin, true), (user, false)] {
        w.store
            .put(Pairing {
                peer_static: k,
                psk: [0; 32],
                admin: a,
                resume_counter: 0,
            })
            .unwrap();
    }
    let mut appliance = AppliancePairing::new();
    assert_eq!(
        appliance.open_window_as(&w.store, &user, Instant::ZERO, MAX_WINDOW),
        Err(SessionError::Refused(Status::ACCESS_DENIED))
    );
    appliance
        .open_window_as(&w.store, &admin, Instant::ZERO, MAX_WINDOW)
        .unwrap();
    assert!(appliance.lockout().window_open(Instant::ZERO));
    let mut listed = [([0u8; 32], false); 4];
    assert_eq!(
        AppliancePairing::list_pairings_as(&w.store, &user, &mut listed),
        Err(SessionError::Refused(Status::ACCESS_DENIED))
    );
    assert_eq!(
        AppliancePairing::list_pairings_as(&w.store, &admin, &mut listed),
        Ok(2)
    );
    assert_eq!(listed[..2], [(admin, true), (user, false)]);
    let mut short = [([0u8; 32], false); 1];
    assert_eq!(
        AppliancePairing::list_pairings_as(&w.store, &admin, &mut short),
        Ok(2),
        "the count, even when the list is cut short"
    );
    assert_eq!(short[0], (admin, true));
    assert_eq!(
        AppliancePairing::remove_pairing_as(&mut w.store, &user, &admin),
        Err(SessionError::Refused(Status::ACCESS_DENIED))
    );
    assert_eq!(
        AppliancePairing::remove_pairing_as(&mut w.store, &admin, &user),
        Ok(true)
    );
    assert_eq!(w.store.len(), 1);
    assert_eq!(w.store.peer_at(0), Some(admin));
}

/// The worked example of `spec/HANDSHAKE.md` section 6.3: device id
/// `APPLNK01`, the RFC 9383 verifier record, the RFC 7748 §6.1 secret.
const IDENTITY_EXAMPLE: &str = "4150504c4e4b3031\
    bb8e1bbcf3c48f62c08db243652ae55d3e5586053fca77102994f23ad95491b3\
    04eb7c9db3d9a9eb1f8adab81b5794c1f13ae3e225efbe91ea487425854c7fc0\
    0f00bfedcbd09b2400142d40a14f2064ef31dfaa903b91d1faea7093d835966efd\
    77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";

#[test]
fn identity_worked_example_both_ways() {
    use crate::crypto::conformance::rfc9383;
    let p = InsecureTestCrypto::from_seed([0; 32]);
    let bytes: [u8; IDENTITY_LEN] = hex::decode(IDENTITY_EXAMPLE).unwrap().try_into().unwrap();
    assert_eq!(IDENTITY_LEN, 137);
    let mut record = [0u8; VERIFIER_RECORD_LEN];
    record[..32].copy_from_slice(&rfc9383::W0);
    record[32..].copy_from_slice(&rfc9383::L);
    let secret = crate::crypto::hex::<32>(
        b"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    );
    assert_eq!(identity_bytes(*b"APPLNK01", &record, &secret), bytes);
    let identity = ApplianceIdentity::from_bytes(&p, &bytes).unwrap();
    assert_eq!(identity.device_id, *b"APPLNK01");
    assert_eq!(identity.record.to_bytes(&p).unwrap(), record);
    // RFC 7748 §6.1: Alice's public key.
    assert_eq!(
        p.x25519_public(&identity.static_secret),
        crate::crypto::hex::<32>(
            b"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
        )
    );
    let spec: std::string::String = include_str!("../../../spec/HANDSHAKE.md")
        .split_whitespace()
        .collect();
    assert!(
        spec.contains(IDENTITY_EXAMPLE),
        "spec/HANDSHAKE.md 6.3 differs"
    );
}

#[test]
fn identity_with_a_bad_record_is_refused() {
    let p = InsecureTestCrypto::from_seed([0; 32]);
    let good: [u8; IDENTITY_LEN] = hex::decode(IDENTITY_EXAMPLE).unwrap().try_into().unwrap();
    let mut zero_w0 = good;
    zero_w0[8..40].fill(0);
    assert_eq!(
        ApplianceIdentity::from_bytes(&p, &zero_w0).err(),
        Some(CryptoError::InvalidScalar)
    );
    let mut off_curve = good;
    off_curve[104] ^= 1;
    assert_eq!(
        ApplianceIdentity::from_bytes(&p, &off_curve).err(),
        Some(CryptoError::InvalidPoint)
    );
}

#[cfg(all(feature = "std", feature = "rustcrypto"))]
#[test]
fn identity_from_a_setup_code_pairs_with_the_same_code() {
    use crate::crypto::setup_code::{SetupCode, SetupCodeError, derive_w0s_w1s};
    let p = InsecureTestCrypto::from_seed([3; 32]);
    assert_eq!(
        ApplianceIdentity::from_setup_code(&p, DEVICE, "12345678", &[0x77; 32]).err(),
        Some(SetupCodeError::Trivial)
    );
    assert_eq!(
        ApplianceIdentity::from_setup_code(&p, DEVICE, "3141-592", &[0x77; 32]).err(),
        Some(SetupCodeError::Format)
    );
    let identity =
        ApplianceIdentity::from_setup_code(&p, DEVICE, "3141-5926", &[0x77; 32]).unwrap();
    assert_eq!(identity.device_id, DEVICE);
    let code = SetupCode::parse("31415926").unwrap();
    let phone =
        ProverSecret::from_pbkdf_output(&p, &derive_w0s_w1s(&code, &DEVICE).unwrap()).unwrap();
    // One SPAKE2+ run: the phone's secret matches the appliance's verifier.
    let ctx = Context {
        context: b"test",
        prover_id: &[],
        verifier_id: &DEVICE,
    };
    let x = p.p256_scalar_reduce(&[7]).unwrap();
    let y = p.p256_scalar_reduce(&[9]).unwrap();
    let share_p = spake2plus::prover_share(&p, &phone, &x).unwrap();
    let (share_v, verifier) =
        spake2plus::verifier_respond(&p, &ctx, &identity.record, &y, &share_p).unwrap();
    let prover = spake2plus::prover_finish(&p, &ctx, &phone, &x, &share_p, &share_v).unwrap();
    assert_eq!(prover.confirm_p, verifier.confirm_p);
    assert_eq!(prover.confirm_v, verifier.confirm_v);
    assert_eq!(prover.shared, verifier.shared);
}
