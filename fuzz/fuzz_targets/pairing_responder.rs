//! The appliance's pairing state machine (window open, `MemoryStore`,
//! `InsecureTestCrypto` seeded from the input) fed an arbitrary sequence of
//! frames, genuine frames of honest phones among them, and clock steps.
//!
//! Input: a seed byte, then `[op, arg, ...]` records; `op % 7` picks
//!
//! | op | does |
//! |---|---|
//! | 0 | an honest phone starts, with the right code if `arg` is even, session `1 + arg` |
//! | 1 | the phone's pending frame (`PairRequest`, `PairFinish` or a wrong-code `Status`) goes to the appliance |
//! | 2 | the appliance's last frame goes to the phone |
//! | 3 | a chunk of arbitrary bytes goes to the appliance |
//! | 4 | a frame a phone sent earlier (number `arg`) goes again, one bit flipped or cut short if `arg` is odd (`[how, at_lo, at_hi]` follow) |
//! | 5 | the clock moves `arg` seconds; both sides check their deadlines |
//! | 6 | the window is reopened for `arg` minutes |
//!
//! Checks: the failure report never decreases, except that it is reset to 0
//! in the step the appliance reports `Paired`, and goes down by one when the
//! appliance itself ends an attempt after a correct code; `Paired` follows only a
//! `PairFinish` with the confirmation and sealed identity an honest phone
//! with the right code sent in answer to the appliance's latest challenge,
//! for that phone's static key, which is then stored.
#![no_main]

use applink::message::{Message, PairFinish};
use applink::session::pairing::ApplianceEvent;
use applink::session::store::PairingStore;
use applink::session::{Expected, SessionError};
use applink::time::{Duration, Instant};
use applink_fuzz::Input;
use applink_fuzz::input::mutate;
use applink_fuzz::pairing::{Appliance, PHONE_STATIC, Phone, public_of};
use libfuzzer_sys::fuzz_target;

/// Records read from one input; the rest is ignored, so one input's run
/// time stays bounded.
const MAX_RECORDS: usize = 48;

/// A `PairFinish` an honest phone sent, and the challenge frame it answered.
struct Finish {
    message: PairFinish,
    answered: Vec<u8>,
}

fn pair_finish(frame: &[u8]) -> Option<PairFinish> {
    match applink::from_bytes(frame) {
        Ok((_, Message::PairFinish(f))) => Some(f),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data, MAX_RECORDS);
    let seed = input.byte_or_zero();
    let mut now = Instant::from_secs(1);
    let mut appliance = Appliance::new(seed, now);
    let mut phone: Option<Phone> = None;
    let mut phone_pending: Option<Vec<u8>> = None;
    // Frames honest phones sent, the appliance's latest frame and latest
    // challenge, and the finishes honest phones with the right code sent.
    let mut phone_frames: Vec<Vec<u8>> = Vec::new();
    let mut last_reply: Option<Vec<u8>> = None;
    let mut latest_challenge: Option<Vec<u8>> = None;
    let mut finishes: Vec<Finish> = Vec::new();
    let phone_public = public_of(&PHONE_STATIC);

    while let Some(op) = input.record() {
        let arg = input.byte_or_zero();
        let before = appliance.store.lifetime_failures();
        let mut delivered: Option<Vec<u8>> = None;
        match op % 7 {
            0 => {
                let right = arg % 2 == 0;
                phone = Phone::start(seed ^ arg, right, 1 + u16::from(arg), 9, now).ok();
                phone_pending = phone.as_mut().and_then(Phone::transmit);
            }
            1 => {
                if let Some(frame) = phone_pending.take() {
                    phone_frames.push(frame.clone());
                    delivered = Some(frame);
                }
            }
            2 => {
                if let (Some(ph), Some(reply)) = (phone.as_mut(), last_reply.as_ref()) {
                    let _ = ph.handle(reply, now);
                    if let Some(frame) = ph.transmit() {
                        if let Some(message) = pair_finish(&frame) {
                            assert!(ph.right_code, "a phone with a wrong code finished");
                            finishes.push(Finish {
                                message,
                                answered: reply.clone(),
                            });
                        }
                        phone_pending = Some(frame);
                    }
                }
            }
            3 => delivered = Some(input.chunk().to_vec()),
            4 if phone_frames.is_empty() => {}
            4 => {
                let frame = &phone_frames[usize::from(arg / 2) % phone_frames.len()];
                delivered = Some(if arg % 2 == 1 {
                    let how = input.byte_or_zero();
                    let at = u16::from_le_bytes([input.byte_or_zero(), input.byte_or_zero()]);
                    mutate(frame, how, at)
                } else {
                    frame.clone()
                });
            }
            5 => {
                now = now.saturating_add(Duration::from_secs(u64::from(arg)));
                appliance.machine.handle_timeout(now);
                if let Some(ph) = phone.as_mut() {
                    ph.machine.handle_timeout(now);
                }
            }
            _ => {
                let _ = appliance.machine.open_window(
                    &appliance.store,
                    now,
                    Duration::from_secs(60 * u64::from(arg)),
                );
            }
        }

        if let Some(frame) = &delivered {
            let _ = appliance.handle(frame, now);
            if let Some(reply) = appliance.transmit() {
                if matches!(
                    applink::from_bytes(&reply),
                    Ok((_, Message::PairChallenge(_)))
                ) {
                    latest_challenge = Some(reply.clone());
                }
                last_reply = Some(reply);
            }
        }
        let event = appliance.machine.poll_event();
        let taken_back = matches!(
            event,
            Some(ApplianceEvent::AttemptFailed(
                SessionError::AlreadyPaired
                    | SessionError::PairingTableFull
                    | SessionError::Storage
            ))
        );
        let paired = match event {
            Some(ApplianceEvent::Paired { peer_static, .. }) => {
                let frame = delivered.as_deref().expect("Paired only on a frame");
                let got = pair_finish(frame).expect("Paired only on a PairFinish");
                let challenge = latest_challenge.as_deref().expect("a challenge was sent");
                assert!(
                    finishes
                        .iter()
                        .any(|f| f.message == got && f.answered == challenge),
                    "Paired on a finish no honest phone sent for the latest challenge"
                );
                assert_eq!(peer_static, phone_public);
                assert!(
                    appliance.store.get(&peer_static).is_some(),
                    "pairing stored"
                );
                true
            }
            _ => false,
        };
        let after = appliance.store.lifetime_failures();
        if paired {
            assert_eq!(after, 0, "a success resets the failure report");
        } else if taken_back {
            assert_eq!(
                after + 1,
                before,
                "an attempt the appliance ended is taken back"
            );
        } else {
            assert!(after >= before, "failures went from {before} to {after}");
        }
        assert_eq!(
            appliance.machine.poll_timeout().is_some(),
            appliance.machine.expected() == Expected::PairFinish
        );
    }
});
