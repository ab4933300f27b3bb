//! Every message type, as the plaintext frames of `spec/vectors/messages.json`,
//! injected into every state of every handshake machine: anything a state
//! does not take is rejected with `Unexpected`, answers nothing, changes
//! nothing, and the genuine handshake still completes afterwards.

#[path = "support/handshake_cases.rs"]
mod cases;

use applink::crypto::CryptoProvider;
use applink::crypto::spake2plus::ProverSecret;
use applink::session::pairing::{ApplianceEvent, PhonePairing};
use applink::session::resume::PhoneResume;
use applink::session::store::{Pairing, PairingStore};
use applink::session::{Expected, SessionError};
use applink::time::Instant;
use applink::wire::Header;
use cases::{DEVICE_ID, Log, PHONE_SESSION, PHONE_STATIC, SETUP_CODE, appliance, recording, take};

/// The message of a vector frame, re-framed on `exchange`.
fn on_exchange(frame: &[u8], exchange: u16) -> Vec<u8> {
    let (_, m) = applink::from_bytes(frame).unwrap();
    let mut buf = [0u8; 512];
    let n = applink::to_slice(&Header::plaintext(exchange), &m, &mut buf).unwrap();
    buf[..n].to_vec()
}

/// (message type name, frame) for every message vector.
fn every_message() -> Vec<(String, Vec<u8>)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec/vectors/messages.json"
    ))
    .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let all: Vec<_> = doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let bytes = hex::decode(v["hex"].as_str().unwrap()).unwrap();
            let (_, m) = applink::from_bytes(&bytes).unwrap();
            (m.name().to_string(), bytes)
        })
        .collect();
    let types: std::collections::BTreeSet<_> = all.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(
        types.len(),
        applink::message::MESSAGE_TYPES as usize,
        "every message type is covered"
    );
    all
}

fn is_unexpected(r: &Result<(), SessionError>, expected: Expected) -> bool {
    matches!(r, Err(SessionError::Unexpected { expected: e, .. }) if *e == expected)
}

const NOW: Instant = Instant::from_secs(1);

#[test]
fn appliance_idle_takes_only_pairing_and_resumption_requests() {
    let log = Log::default();
    let mut a = appliance(recording("appliance", &log));
    for (name, frame) in every_message() {
        let r = a.handshake.handle_frame(
            &mut a.p,
            &mut a.store,
            &a.identity,
            &cases::PARAMS,
            &frame,
            NOW,
        );
        let mut out = [0u8; 256];
        let answer = a.handshake.poll_transmit(&mut out);
        match name.as_str() {
            // Taken, and refused for their content (random shares, no
            // pairing): each answers with a typed refusal or an error.
            "PairRequest" | "ResumeRequest" => {
                assert!(r.is_err(), "{name}: {r:?}");
                // A PairRequest with an off-curve share costs no attempt.
                assert_eq!(a.store.lifetime_failures(), 0, "{name}");
            }
            _ => {
                assert!(is_unexpected(&r, Expected::PairRequest), "{name}: {r:?}");
                assert!(answer.is_none(), "{name} answered");
            }
        }
        assert!(a.handshake.poll_event().is_none(), "{name}");
        assert_eq!(a.handshake.pairing().expected(), Expected::PairRequest);
    }
}

#[test]
fn pairing_survives_every_message_in_every_state() {
    let log = Log::default();
    let mut a = appliance(recording("appliance", &log));
    let mut phone_p = recording("phone", &log);
    let w = ProverSecret::from_pbkdf_output(&phone_p, &cases::secret(SETUP_CODE)).unwrap();
    let phone_secret = phone_p.x25519_import(&PHONE_STATIC);
    let public = phone_p.x25519_public(&phone_secret);
    let mut phone = PhonePairing::start(
        &mut phone_p,
        w,
        DEVICE_ID,
        public,
        PHONE_SESSION,
        cases::OFFER,
        0x0100,
        NOW,
    )
    .unwrap();
    let request = take(&mut |b| phone.poll_transmit(b));
    let all = every_message();

    // Phone, ExpectPairChallenge.
    for (name, frame) in &all {
        if matches!(name.as_str(), "PairChallenge" | "HelloReply" | "Status") {
            continue; // taken: they end the attempt (checked in the unit tests)
        }
        let r = phone.handle_frame(&phone_p, &phone_secret, &on_exchange(frame, 0x0100), NOW);
        assert!(is_unexpected(&r, Expected::PairChallenge), "{name}: {r:?}");
        assert!(phone.poll_event().is_none() && phone.poll_transmit(&mut [0; 256]).is_none());
    }

    let challenge = a.handle(&request, NOW).expect("PairChallenge");
    assert_eq!(a.handshake.pairing().expected(), Expected::PairFinish);
    // Appliance, ExpectPairFinish. On the attempt's exchange PairFinish and
    // Status are taken (they end the attempt: unit tests); on another
    // exchange they are unexpected too. PairRequest gets Busy;
    // ResumeRequest goes to resumption and is refused there.
    for (name, frame) in &all {
        for exchange in [0x0100, 0x0999] {
            let attempt = exchange == 0x0100;
            if attempt && matches!(name.as_str(), "PairFinish" | "Status") {
                continue;
            }
            let frame = on_exchange(frame, exchange);
            let r = a.handshake.handle_frame(
                &mut a.p,
                &mut a.store,
                &a.identity,
                &cases::PARAMS,
                &frame,
                NOW,
            );
            let answer = a.handshake.poll_transmit(&mut [0; 256]);
            match name.as_str() {
                "PairRequest" => assert_eq!(r, Err(SessionError::Busy)),
                "ResumeRequest" => assert!(r.is_err() && answer.is_some(), "{r:?}"),
                _ => {
                    assert!(is_unexpected(&r, Expected::PairFinish), "{name}: {r:?}");
                    assert!(answer.is_none(), "{name} answered");
                }
            }
            assert!(a.handshake.poll_event().is_none(), "{name}");
            assert_eq!(a.handshake.pairing().expected(), Expected::PairFinish);
            assert_eq!(a.store.lifetime_failures(), 1, "{name}");
        }
    }

    // The genuine flights still pair.
    phone
        .handle_frame(&phone_p, &phone_secret, &challenge, NOW)
        .unwrap();
    let paired = phone.poll_event().unwrap().unwrap();
    let finish = take(&mut |b| phone.poll_transmit(b));
    assert!(a.handle(&finish, NOW).is_none());
    assert!(matches!(
        a.handshake.poll_event(),
        Some(ApplianceEvent::Paired { .. })
    ));

    // Phone, done: everything is unexpected.
    for (name, frame) in &all {
        let r = phone.handle_frame(&phone_p, &phone_secret, frame, NOW);
        assert!(is_unexpected(&r, Expected::Nothing), "{name}: {r:?}");
        assert!(phone.poll_transmit(&mut [0; 256]).is_none());
    }
    resumption_survives_every_message(&mut a, paired.pairing, &all);
}

fn resumption_survives_every_message(
    a: &mut cases::Appliance<impl CryptoProvider>,
    mut pairing: Pairing,
    all: &[(String, Vec<u8>)],
) {
    let log = Log::default();
    let mut phone_p = recording("phone/resume", &log);
    let secret = phone_p.x25519_import(&PHONE_STATIC);
    let mut phone = PhoneResume::start(
        &mut phone_p,
        &secret,
        DEVICE_ID,
        &mut pairing,
        PHONE_SESSION,
        cases::OFFER,
        0x0102,
        NOW,
    )
    .unwrap();
    let request = take(&mut |b| phone.poll_transmit(b));
    // Phone, ExpectResumeReply: on its exchange only ResumeReply, Status
    // and HelloReply are taken (the last two end the attempt: unit tests).
    for (name, frame) in all {
        if matches!(name.as_str(), "Status" | "HelloReply") {
            continue;
        }
        let r = phone.handle_frame(&phone_p, &secret, &on_exchange(frame, 0x0102), NOW);
        match name.as_str() {
            "ResumeReply" => {
                // A random reply does not authenticate; the phone waits on.
                assert!(
                    matches!(
                        r,
                        Err(SessionError::Authentication | SessionError::Crypto(_))
                    ),
                    "{r:?}"
                );
            }
            _ => assert!(is_unexpected(&r, Expected::ResumeReply), "{name}: {r:?}"),
        }
        assert_eq!(phone.expected(), Expected::ResumeReply, "{name}");
        assert!(phone.poll_event().is_none());
    }
    let reply = a.handle(&request, NOW).expect("ResumeReply");
    phone.handle_frame(&phone_p, &secret, &reply, NOW).unwrap();
    assert!(matches!(phone.poll_event(), Some(Ok(_))));
    assert!(matches!(
        a.handshake.poll_event(),
        Some(ApplianceEvent::Resumed { .. })
    ));
}
