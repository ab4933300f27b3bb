//! The reference lamp's dispatcher fed an arbitrary sequence of requests,
//! clock changes, session drops, firmware changes and events.
//!
//! Input: a seed byte (the data versions' seed), then `[op, arg, len,
//! bytes(len)]` records; `op % 6` picks
//!
//! | op | does |
//! |---|---|
//! | 0 | `bytes` as a request payload from session `1 + arg % 3` with privilege `(arg / 4) % 3`, into a reply buffer of `16 * (1 + arg / 16)` bytes |
//! | 1 | the clock moves `arg * 50` ms forward and `handle_timeout` runs |
//! | 2 | the clock is set to `bytes` (u64 LE), backwards too |
//! | 3 | session `1 + arg % 3` ends (`drop_session`) |
//! | 4 | the firmware changes attribute `bytes[2]` of capability `bytes[0..2]` on endpoint `arg % 3` |
//! | 5 | the firmware emits event `arg % 4` of capability `bytes[0..2]` on endpoint `(arg / 4) % 3`, fields from `bytes[2..]` |
//!
//! After each record every due report is drained. Checks: no panic; every
//! reply and report decodes as a message and fits its buffer; a message
//! that is not a request is answered with nothing; a `Batch` is answered
//! once, and a `BatchReply` has one result per item; the subscription count
//! never exceeds the table; draining reports ends.
#![no_main]

use applink::descriptor::Privilege;
use applink::interaction::Peer;
use applink::message::{AttributeId, CapabilityId, EndpointId, EventId, Field, Message, Seq};
use applink::time::{Duration, Instant};
use applink_fuzz::Input;
use applink_fuzz::lamp::{self, Lamp, SUBS};
use libfuzzer_sys::fuzz_target;

/// Records read from one input; the rest is ignored, so one input's run
/// time stays bounded.
const MAX_RECORDS: usize = 256;

/// More report calls than this after one record is a loop.
const MAX_DRAIN: usize = 4096;

fn drain(lamp: &mut Lamp<'_>) {
    let mut buf = [0u8; 96];
    for _ in 0..MAX_DRAIN {
        match lamp.poll_report(&mut buf) {
            Ok(Some(out)) => {
                assert!(out.len <= buf.len());
                Message::from_bytes(&buf[..out.len]).expect("a report decodes");
            }
            Ok(None) => return,
            Err(_) => {}
        }
    }
    panic!("poll_report did not run dry");
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([
        b.get(i).copied().unwrap_or(0),
        b.get(i + 1).copied().unwrap_or(0),
    ])
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data, MAX_RECORDS);
    let seed = u32::from(input.byte_or_zero());
    lamp::with_lamp(seed, |lamp| {
        let mut now = Instant::ZERO;
        while let Some(op) = input.record() {
            let arg = input.byte_or_zero();
            let bytes = input.chunk();
            match op % 6 {
                0 => {
                    let peer = Peer {
                        session: 1 + u16::from(arg % 3),
                        privilege: match (arg / 4) % 3 {
                            0 => Privilege::Unauthenticated,
                            1 => Privilege::User,
                            _ => Privilege::Admin,
                        },
                    };
                    let mut buf = [0u8; 256];
                    let size = 16 * (1 + usize::from(arg / 16));
                    let Ok(request) = Message::from_bytes(bytes) else {
                        continue;
                    };
                    let mut replies = 0usize;
                    let items = match request {
                        Message::Batch(b) => Some(b.items.len()),
                        _ => None,
                    };
                    let result = lamp.handle(&request, peer, now, &mut buf[..size], &mut |r| {
                        assert!(r.len() <= size);
                        let reply = Message::from_bytes(r).expect("a reply decodes");
                        if let (Some(n), Message::BatchReply(b)) = (items, reply) {
                            assert_eq!(b.results.len(), n, "one result per batch item");
                        }
                        replies += 1;
                    });
                    if items.is_some() {
                        assert_eq!(replies, 1, "a batch has exactly one answer");
                    }
                    if let Err(applink::interaction::InteractionError::NotARequest(_)) = result {
                        assert_eq!(replies, 0, "a non-request is not answered");
                    }
                }
                1 => {
                    now = now.saturating_add(Duration::from_millis(u64::from(arg) * 50));
                    lamp.handle_timeout(now);
                }
                2 => {
                    let mut b = [0u8; 8];
                    for (d, s) in b.iter_mut().zip(bytes) {
                        *d = *s;
                    }
                    now = Instant::from_millis(u64::from_le_bytes(b));
                    lamp.handle_timeout(now);
                }
                3 => lamp.drop_session(1 + u16::from(arg % 3)),
                4 => {
                    let _ = lamp.attribute_changed(
                        EndpointId(u16::from(arg % 3)),
                        CapabilityId(u32::from(u16_at(bytes, 0))),
                        AttributeId(u16::from(bytes.get(2).copied().unwrap_or(0))),
                        now,
                    );
                }
                _ => {
                    let tail = bytes.get(2..).unwrap_or_default();
                    let fields = postcard::from_bytes::<Seq<'_, Field<'_>>>(tail).ok();
                    let mut list: heapless::Vec<Field<'_>, 4> = heapless::Vec::new();
                    for f in fields.iter().flat_map(|s| s.iter()) {
                        if list.push(f).is_err() {
                            break;
                        }
                    }
                    let _ = lamp.emit_event(
                        EndpointId(u16::from((arg / 4) % 3)),
                        CapabilityId(u32::from(u16_at(bytes, 0))),
                        EventId(u16::from(arg % 4)),
                        &list,
                        Some(now.millis()),
                    );
                }
            }
            assert!(lamp.subscription_count() <= SUBS);
            drain(lamp);
        }
    });
});
