//! The phone's pairing state machine fed an arbitrary sequence of frames,
//! genuine replies of an honest appliance among them, and clock steps.
//!
//! Input: a seed byte, a code byte (right code if even), then `[op, arg,
//! ...]` records; `op % 6` picks
//!
//! | op | does |
//! |---|---|
//! | 0 | the phone's pending frame goes to the honest appliance, whose reply is kept |
//! | 1 | a reply the appliance sent earlier (number `arg`) goes to the phone |
//! | 2 | a chunk of arbitrary bytes goes to the phone |
//! | 3 | an earlier appliance reply goes to the phone with one bit flipped or cut short (`[how, at_lo, at_hi]` follow) |
//! | 4 | the clock moves `arg` seconds; the phone checks its deadline |
//! | 5 | a new attempt starts (same code, session `1 + arg`) |
//!
//! Checks: each attempt reports at most one outcome, and after it no
//! deadline and no further frame is taken; a success follows only a
//! `PairChallenge` the honest appliance sent, with the right code, and
//! names the appliance's static key.
#![no_main]

use applink::message::Message;
use applink::session::SessionError;
use applink::time::{Duration, Instant};
use applink_fuzz::Input;
use applink_fuzz::input::mutate;
use applink_fuzz::pairing::{APPLIANCE_STATIC, Appliance, Phone, public_of};
use libfuzzer_sys::fuzz_target;

/// Records read from one input; the rest is ignored, so one input's run
/// time stays bounded.
const MAX_RECORDS: usize = 48;

/// One attempt and what was checked of it.
struct Attempt {
    phone: Phone,
    pending: Option<Vec<u8>>,
    outcomes: usize,
}

impl Attempt {
    fn start(seed: u8, right: bool, session: u16, now: Instant) -> Option<Self> {
        let mut phone = Phone::start(seed, right, session, 7, now).ok()?;
        let pending = phone.transmit();
        Some(Attempt {
            phone,
            pending,
            outcomes: 0,
        })
    }

    /// Collects the outcome, if one was reported, and checks it.
    fn check(&mut self, delivered: Option<&[u8]>, challenges: &[Vec<u8>]) {
        let Some(outcome) = self.phone.machine.poll_event() else {
            return;
        };
        self.outcomes += 1;
        assert_eq!(self.outcomes, 1, "a second outcome");
        assert_eq!(
            self.phone.machine.poll_timeout(),
            None,
            "a deadline after the outcome"
        );
        if let Ok(paired) = outcome {
            assert!(self.phone.right_code, "paired with a wrong code");
            let frame = delivered.expect("an outcome of success follows a frame");
            let (_, got) = applink::from_bytes(frame).expect("the frame decodes");
            assert!(
                challenges
                    .iter()
                    .any(|c| { matches!(applink::from_bytes(c), Ok((_, m)) if m == got) }),
                "paired on a challenge the appliance did not send"
            );
            assert!(matches!(got, Message::PairChallenge(_)));
            assert_eq!(paired.pairing.peer_static, public_of(&APPLIANCE_STATIC));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data, MAX_RECORDS);
    let seed = input.byte_or_zero();
    let right = input.byte_or_zero() % 2 == 0;
    let mut now = Instant::from_secs(1);
    let mut appliance = Appliance::new(seed ^ 0x55, now);
    let Some(mut attempt) = Attempt::start(seed, right, 0x0101, now) else {
        return;
    };
    // Every reply the appliance sent, and the challenges among them.
    let mut replies: Vec<Vec<u8>> = Vec::new();
    let mut challenges: Vec<Vec<u8>> = Vec::new();

    while let Some(op) = input.record() {
        let arg = input.byte_or_zero();
        let mut delivered: Option<Vec<u8>> = None;
        match op % 6 {
            0 => {
                if let Some(frame) = attempt.pending.take() {
                    let _ = appliance.handle(&frame, now);
                    let _ = appliance.machine.poll_event();
                    if let Some(reply) = appliance.transmit() {
                        if matches!(
                            applink::from_bytes(&reply),
                            Ok((_, Message::PairChallenge(_)))
                        ) {
                            challenges.push(reply.clone());
                        }
                        replies.push(reply);
                    }
                }
            }
            1 | 3 if replies.is_empty() => {}
            1 => delivered = Some(replies[usize::from(arg) % replies.len()].clone()),
            2 => delivered = Some(input.chunk().to_vec()),
            3 => {
                let how = input.byte_or_zero();
                let at = u16::from_le_bytes([input.byte_or_zero(), input.byte_or_zero()]);
                delivered = Some(mutate(&replies[usize::from(arg) % replies.len()], how, at));
            }
            4 => {
                now = now.saturating_add(Duration::from_secs(u64::from(arg)));
                attempt.phone.machine.handle_timeout(now);
            }
            _ => {
                if let Some(a) = Attempt::start(seed ^ arg, right, 1 + u16::from(arg), now) {
                    attempt = a;
                }
            }
        }
        if let Some(frame) = &delivered {
            let done = attempt.outcomes > 0;
            let result = attempt.phone.handle(frame, now);
            if done {
                assert!(
                    matches!(
                        result,
                        Err(SessionError::Unexpected { .. })
                            | Err(SessionError::Wire(_))
                            | Err(SessionError::Message(_))
                    ),
                    "a finished attempt took a frame: {result:?}"
                );
            }
            if let Some(next) = attempt.phone.transmit() {
                attempt.pending = Some(next);
            }
        }
        attempt.check(delivered.as_deref(), &challenges);
    }
});
