//! Resumption, both sides: an appliance (`ApplianceHandshake` with a stored
//! pairing) and an honest phone (`PhoneResume` attempts), fed genuine,
//! replayed, mutated and arbitrary frames in any order, with clock steps.
//!
//! Input: a seed byte, then `[op, arg, ...]` records; `op % 7` picks
//!
//! | op | does |
//! |---|---|
//! | 0 | the phone starts a new attempt (its replay guard advances) |
//! | 1 | the current attempt's request goes to the appliance; its reply is kept |
//! | 2 | an earlier request (number `arg`) goes to the appliance again |
//! | 3 | a chunk of arbitrary bytes goes to the appliance |
//! | 4 | an earlier request, one bit flipped or cut short, goes to the appliance (`[how, at_lo, at_hi]` follow) |
//! | 5 | a reply the appliance sent (number `arg`), or with `arg` odd one mutated, goes to the phone |
//! | 6 | the clock moves `arg` seconds; the phone checks its deadline |
//!
//! Checks: the appliance reports `Resumed` only for a request the honest
//! phone sent whose guard is above every guard accepted before, and the
//! stored guard only ever grows, by exactly those; the phone reports at most
//! one outcome per attempt, a success only on the appliance's reply to that
//! attempt's request; and a phone channel that succeeded talks to the
//! appliance channel of the same reply.
#![no_main]

use applink::crypto::{CryptoProvider, InsecureTestCrypto};
use applink::message::{Message, Ping};
use applink::session::pairing::{ApplianceEvent, ApplianceIdentity};
use applink::session::resume::PhoneResume;
use applink::session::store::{MemoryStore, Pairing, PairingStore};
use applink::session::{ApplianceHandshake, SecureChannel};
use applink::time::{Duration, Instant};
use applink::wire::Flags;
use applink_fuzz::Input;
use applink_fuzz::input::mutate;
use applink_fuzz::pairing::{
    APPLIANCE_STATIC, DEVICE, PHONE_STATIC, appliance_identity, public_of,
};
use libfuzzer_sys::fuzz_target;

const MAX_RECORDS: usize = 64;
const PSK: [u8; 32] = [0x42; 32];

struct Sent {
    frame: Vec<u8>,
    guard: u64,
}

struct Attempt {
    machine: PhoneResume<InsecureTestCrypto>,
    request: usize,
    outcomes: usize,
}

fn deliver_to_appliance(
    p: &mut InsecureTestCrypto,
    handshake: &mut ApplianceHandshake,
    store: &mut MemoryStore<2>,
    identity: &ApplianceIdentity<InsecureTestCrypto>,
    frame: &[u8],
    genuine: Option<u64>,
    now: Instant,
) -> (Option<Vec<u8>>, Option<SecureChannel>) {
    let phone_key = public_of(&PHONE_STATIC);
    let before = store.get(&phone_key).map(|q| q.resume_counter).unwrap_or(0);
    let _ = handshake.handle_frame(
        p,
        store,
        identity,
        &applink_fuzz::pairing::PARAMS,
        frame,
        now,
    );
    let after = store.get(&phone_key).map(|q| q.resume_counter).unwrap_or(0);
    assert!(after >= before, "the stored guard went down");
    let mut buf = [0u8; 256];
    let reply = handshake.poll_transmit(&mut buf).map(|n| buf[..n].to_vec());
    match handshake.poll_event() {
        Some(ApplianceEvent::Resumed {
            channel,
            peer_static,
            ..
        }) => {
            let guard = genuine.expect("resumed on a frame the phone did not send");
            assert!(guard > before, "resumed on a stale guard");
            assert_eq!(after, guard, "the accepted guard was not stored");
            assert_eq!(peer_static, phone_key);
            (reply, Some(channel))
        }
        Some(other) => panic!("unexpected event {other:?}"),
        None => {
            assert_eq!(after, before, "guard moved without a session");
            (reply, None)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data, MAX_RECORDS);
    let seed = input.byte_or_zero();
    let mut now = Instant::from_secs(1);
    let mut appl_p = InsecureTestCrypto::from_seed([seed ^ 0x55; 32]);
    let mut phone_p = InsecureTestCrypto::from_seed([seed; 32]);
    let identity = appliance_identity(&appl_p);
    let phone_secret = phone_p.x25519_import(&PHONE_STATIC);
    let mut store: MemoryStore<2> = MemoryStore::new();
    store
        .put(Pairing {
            peer_static: public_of(&PHONE_STATIC),
            psk: PSK,
            admin: true,
            resume_counter: 0,
        })
        .expect("room for one pairing");
    let mut phone_pairing = Pairing {
        peer_static: public_of(&APPLIANCE_STATIC),
        psk: PSK,
        admin: false,
        resume_counter: 0,
    };
    let mut handshake = ApplianceHandshake::new();
    let mut requests: Vec<Sent> = Vec::new();
    // (reply frame, the request it answers, the appliance's channel)
    let mut replies: Vec<(Vec<u8>, usize, Option<SecureChannel>)> = Vec::new();
    let mut attempt: Option<Attempt> = None;

    while let Some(op) = input.record() {
        let arg = input.byte_or_zero();
        match op % 7 {
            0 => {
                let session = 1 + u16::from(arg);
                if let Ok(mut machine) = PhoneResume::start(
                    &mut phone_p,
                    &phone_secret,
                    DEVICE,
                    &mut phone_pairing,
                    session,
                    applink_fuzz::pairing::OFFER,
                    u16::from(arg),
                    now,
                ) {
                    let mut buf = [0u8; 256];
                    let n = machine.poll_transmit(&mut buf).expect("a request");
                    requests.push(Sent {
                        frame: buf[..n].to_vec(),
                        guard: phone_pairing.resume_counter,
                    });
                    attempt = Some(Attempt {
                        machine,
                        request: requests.len() - 1,
                        outcomes: 0,
                    });
                }
            }
            1 | 2 => {
                let index = match (op % 7, &attempt) {
                    (1, Some(a)) => a.request,
                    (2, _) if !requests.is_empty() => usize::from(arg) % requests.len(),
                    _ => continue,
                };
                let sent = &requests[index];
                let (reply, channel) = deliver_to_appliance(
                    &mut appl_p,
                    &mut handshake,
                    &mut store,
                    &identity,
                    &sent.frame,
                    Some(sent.guard),
                    now,
                );
                if let Some(reply) = reply {
                    replies.push((reply, index, channel));
                }
            }
            3 | 4 => {
                let frame = if op % 7 == 3 {
                    input.chunk().to_vec()
                } else if requests.is_empty() {
                    continue;
                } else {
                    let how = input.byte_or_zero();
                    let at = u16::from_le_bytes([input.byte_or_zero(), input.byte_or_zero()]);
                    let original = &requests[usize::from(arg) % requests.len()].frame;
                    let m = mutate(original, how, at);
                    if &m == original {
                        continue;
                    }
                    m
                };
                let (_, channel) = deliver_to_appliance(
                    &mut appl_p,
                    &mut handshake,
                    &mut store,
                    &identity,
                    &frame,
                    None,
                    now,
                );
                assert!(channel.is_none());
            }
            5 => {
                let Some(a) = attempt.as_mut() else { continue };
                if replies.is_empty() {
                    continue;
                }
                let pick = usize::from(arg / 2) % replies.len();
                let (frame, answers) = (&replies[pick].0, replies[pick].1);
                let frame = if arg % 2 == 1 {
                    let how = input.byte_or_zero();
                    let at = u16::from_le_bytes([input.byte_or_zero(), input.byte_or_zero()]);
                    mutate(frame, how, at)
                } else {
                    frame.clone()
                };
                let genuine = &frame == &replies[pick].0;
                let done = a.outcomes > 0;
                let result = a.machine.handle_frame(&phone_p, &phone_secret, &frame, now);
                if done {
                    assert!(result.is_err(), "a frame taken after the outcome");
                }
                if let Some(outcome) = a.machine.poll_event() {
                    a.outcomes += 1;
                    assert_eq!(a.outcomes, 1, "a second outcome");
                    assert_eq!(a.machine.poll_timeout(), None);
                    if let Ok(resumed) = outcome {
                        let mut phone_channel = resumed.channel;
                        assert!(
                            genuine && answers == a.request,
                            "resumed on a reply to another request"
                        );
                        let appliance_channel = replies[pick]
                            .2
                            .as_mut()
                            .expect("the reply came with a session");
                        let mut buf = [0u8; 64];
                        let ping = Message::Ping(Ping {
                            nonce: u32::from(arg),
                        });
                        let n = phone_channel
                            .seal_message(&phone_p, 1, Flags::INITIATOR, &ping, &mut buf)
                            .expect("a fresh channel seals");
                        let (_, got) = appliance_channel
                            .open_message(&appl_p, &mut buf[..n], now)
                            .expect("the two channels agree");
                        assert_eq!(got, ping);
                    }
                }
            }
            _ => {
                now = now.saturating_add(Duration::from_secs(u64::from(arg)));
                if let Some(a) = attempt.as_mut() {
                    a.machine.handle_timeout(now);
                    if let Some(outcome) = a.machine.poll_event() {
                        a.outcomes += 1;
                        assert_eq!(a.outcomes, 1, "a second outcome");
                        assert!(outcome.is_err());
                    }
                }
            }
        }
    }
});
