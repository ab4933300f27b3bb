//! A phone and an appliance `SecureChannel` with fixed keys; the input
//! drives seals, deliveries (genuine, replayed, mutated, arbitrary), key
//! updates, Close and the clock.
//!
//! Input: `[op, arg, ...]` records; `op % 7` picks
//!
//! | op | does |
//! |---|---|
//! | 0 | side `arg % 2` (0 phone, 1 appliance) seals a chunk of the input |
//! | 1 | sealed frame number `arg / 2` (modulo how many) is delivered to its receiver, opened with `open_message` if `arg` is odd (a Close then ends it) |
//! | 2 | sealed frame number `arg` is delivered with one bit flipped or cut short (`[how, at_lo, at_hi]` follow) |
//! | 3 | a chunk of arbitrary bytes is delivered to side `arg % 2` |
//! | 4 | side `arg % 2` updates its send key |
//! | 5 | side `arg % 2` seals a Close and ends |
//! | 6 | the clock moves `arg` seconds; both sides check their idle timers |
//!
//! Checks: a frame (direction, counter) is accepted at most once; an opened
//! frame was sealed in this run and its plaintext is what was sealed; a
//! mutated frame never opens; an ended channel neither seals nor opens; an
//! idle timer never fires before its deadline.
#![no_main]

use std::collections::HashSet;

use applink::crypto::InsecureTestCrypto;
use applink::message::{Close, Message, Status};
use applink::session::{Role, SecureChannel, SessionError, SessionKeys};
use applink::time::{Duration, Instant};
use applink::wire::Flags;
use applink_fuzz::Input;
use applink_fuzz::input::mutate;
use libfuzzer_sys::fuzz_target;

/// Records read from one input; the rest is ignored, so one input's run
/// time stays bounded.
const MAX_RECORDS: usize = 256;

const PHONE_SESSION: u16 = 0x0101;
const APPLIANCE_SESSION: u16 = 0x0202;
const IDLE: Duration = Duration::from_secs(60);

struct Sealed {
    /// The side that sealed it (0 phone, 1 appliance).
    from: usize,
    counter: u32,
    frame: Vec<u8>,
    plaintext: Vec<u8>,
}

/// Everything the two channels did, to check what they report against.
#[derive(Default)]
struct Log {
    sealed: Vec<Sealed>,
    accepted: HashSet<(usize, u32)>,
}

impl Log {
    /// Checks an opened frame: sealed in this run by the other side, not
    /// accepted before, same plaintext. A frame opened as a message is
    /// compared by the message's encoding (a payload may carry trailing
    /// bytes after its message, which decoding ignores).
    fn opened(&mut self, to: usize, counter: u32, plaintext: &[u8], as_message: bool) {
        let from = 1 - to;
        let sealed = self
            .sealed
            .iter()
            .find(|s| s.from == from && s.counter == counter)
            .expect("an opened frame was sealed in this run");
        if as_message {
            let m = Message::from_bytes(&sealed.plaintext).expect("it opened as a message");
            assert_eq!(encode(&m), plaintext, "message as sealed");
        } else {
            assert_eq!(sealed.plaintext, plaintext, "plaintext as sealed");
        }
        assert!(
            self.accepted.insert((from, counter)),
            "frame {counter} from side {from} accepted twice"
        );
    }
}

fn encode(m: &Message<'_>) -> Vec<u8> {
    let mut out = vec![0u8; m.encoded_len()];
    m.to_slice(&mut out)
        .expect("a message encodes to its length");
    out
}

/// Delivers `frame` to side `to`, returning whether it opened.
fn deliver(
    p: &InsecureTestCrypto,
    sides: &mut [SecureChannel; 2],
    log: &mut Log,
    to: usize,
    frame: &[u8],
    as_message: bool,
    now: Instant,
) -> bool {
    let was_open = sides[to].is_open();
    let mut buf = frame.to_vec();
    let opened = if as_message {
        sides[to]
            .open_message(p, &mut buf, now)
            .map(|(h, m)| (h.counter, encode(&m)))
    } else {
        sides[to]
            .open(p, &mut buf, now)
            .map(|(h, body)| (h.counter, body.to_vec()))
    };
    match opened {
        Ok((counter, plaintext)) => {
            assert!(was_open, "an ended channel opened a frame");
            log.opened(to, counter, &plaintext, as_message);
            true
        }
        Err(e) => {
            if !was_open {
                assert_eq!(e, SessionError::Closed);
            }
            false
        }
    }
}

fn seal(
    p: &InsecureTestCrypto,
    sides: &mut [SecureChannel; 2],
    log: &mut Log,
    from: usize,
    exchange: u16,
    payload: Option<&[u8]>,
) {
    let was_open = sides[from].is_open();
    let counter = sides[from].next_counter();
    let mut buf = [0u8; 14 + 256 + 16];
    let (result, plaintext) = match payload {
        Some(body) => (
            sides[from].seal(p, exchange, Flags::EMPTY, None, body, &mut buf),
            body.to_vec(),
        ),
        None => {
            let close = Message::Close(Close {
                reason: Status::SUCCESS,
            });
            (
                sides[from].close(p, exchange, Status::SUCCESS, &mut buf),
                encode(&close),
            )
        }
    };
    match result {
        Ok(n) => {
            assert!(was_open, "an ended channel sealed a frame");
            log.sealed.push(Sealed {
                from,
                counter: counter.expect("a sealed frame had a counter"),
                frame: buf[..n].to_vec(),
                plaintext,
            });
        }
        Err(e) => assert!(!was_open && e == SessionError::Closed, "seal failed: {e:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let p = InsecureTestCrypto::from_seed([0; 32]);
    let keys = SessionKeys {
        phone_to_appliance: [0x11; 32],
        appliance_to_phone: [0x22; 32],
    };
    let mut now = Instant::from_secs(1);
    let mut sides = [
        SecureChannel::new(
            Role::Phone,
            &keys,
            PHONE_SESSION,
            APPLIANCE_SESSION,
            IDLE,
            now,
        ),
        SecureChannel::new(
            Role::Appliance,
            &keys,
            APPLIANCE_SESSION,
            PHONE_SESSION,
            IDLE,
            now,
        ),
    ];
    let mut log = Log::default();
    let mut input = Input::new(data, MAX_RECORDS);
    while let Some(op) = input.record() {
        let arg = input.byte_or_zero();
        let side = usize::from(arg % 2);
        match op % 7 {
            0 => {
                let payload = input.chunk();
                seal(
                    &p,
                    &mut sides,
                    &mut log,
                    side,
                    u16::from(arg),
                    Some(payload),
                );
            }
            1 | 2 if log.sealed.is_empty() => {}
            1 => {
                let s = &log.sealed[usize::from(arg / 2) % log.sealed.len()];
                let (to, frame) = (1 - s.from, s.frame.clone());
                deliver(&p, &mut sides, &mut log, to, &frame, arg % 2 == 1, now);
            }
            2 => {
                let how = input.byte_or_zero();
                let at = u16::from_le_bytes([input.byte_or_zero(), input.byte_or_zero()]);
                let s = &log.sealed[usize::from(arg) % log.sealed.len()];
                let (to, frame) = (1 - s.from, mutate(&s.frame, how, at));
                let opened = deliver(&p, &mut sides, &mut log, to, &frame, false, now);
                assert!(!opened, "a mutated frame opened");
            }
            3 => {
                let bytes = input.chunk().to_vec();
                deliver(&p, &mut sides, &mut log, side, &bytes, arg & 2 != 0, now);
            }
            4 => {
                let was_open = sides[side].is_open();
                let allowed = sides[side].can_update_keys();
                let phase = sides[side].send_phase();
                match sides[side].update_keys(&p) {
                    Ok(()) => assert!(allowed && sides[side].send_phase() != phase),
                    Err(SessionError::Closed) => assert!(!was_open),
                    Err(SessionError::KeyUpdateTooSoon) => assert!(was_open && !allowed),
                    Err(e) => panic!("key update refused with {e:?}"),
                }
            }
            5 => seal(&p, &mut sides, &mut log, side, u16::from(arg), None),
            _ => {
                now = now.saturating_add(Duration::from_secs(u64::from(arg)));
                for s in sides.iter_mut() {
                    let deadline = s.poll_timeout();
                    let fired = s.handle_timeout(now);
                    if fired {
                        assert!(deadline.is_some_and(|d| now >= d), "idle timer fired early");
                        assert!(!s.is_open());
                    }
                }
            }
        }
    }
});
