//! Untrusted bytes never panic: every parser of the wire and message layers
//! is fed arbitrary input, exhaustive small inputs and single-bit mutations
//! of valid frames, and must answer with a typed error or with a value that
//! re-encodes consistently. The stream deframer and the reassembler keep
//! their buffers within capacity and recover afterwards.

mod support;

use applink::message::{
    AttributeId, AttributeValue, Field, Fixed, Invoke, Message, Ping, Record, Report, Seq, Value,
};
use applink::time::{Duration, Instant};
use applink::wire::segment::Segmenter;
use applink::wire::stream::{self, Feed};
use applink::wire::{Deframer, Frame, Header, Reassembler, WireError, encode_plain};
use bumpalo::Bump;
use proptest::collection::vec;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use support::strategies::{message, plaintext_header};

/// Deframer capacity in these tests: small, so that oversize input is common.
const DEFRAMER_CAP: usize = 128;
/// Reassembler slots and capacity in these tests.
const SLOTS: usize = 2;
const REASSEMBLY_CAP: usize = 96;
const TIMEOUT: Duration = Duration::from_secs(2);

/// Decodes `bytes` as `T`; if that succeeds, the value must re-encode to
/// bytes that decode again and re-encode identically (a fixpoint). Bytes are
/// compared rather than values, because a decoded float may be NaN.
fn decodes_consistently<T>(bytes: &[u8]) -> bool
where
    T: Serialize + for<'x> Deserialize<'x>,
{
    let Ok(value) = postcard::from_bytes::<T>(bytes) else {
        return false;
    };
    let once = postcard::to_allocvec(&value).expect("a decoded value encodes");
    let again: T = postcard::from_bytes(&once).expect("re-encoded bytes decode");
    let twice = postcard::to_allocvec(&again).unwrap();
    assert_eq!(
        once, twice,
        "re-encoding is not a fixpoint for {bytes:02x?}"
    );
    true
}

/// [`decodes_consistently`] for borrowing types, whose `Deserialize` cannot
/// be named for every lifetime at once.
macro_rules! check_borrowed {
    ($ty:ty, $bytes:expr) => {{
        let bytes: &[u8] = $bytes;
        match postcard::from_bytes::<$ty>(bytes) {
            Err(_) => false,
            Ok(value) => {
                let once = postcard::to_allocvec(&value).expect("a decoded value encodes");
                let again: $ty = postcard::from_bytes(&once).expect("re-encoded bytes decode");
                let twice = postcard::to_allocvec(&again).unwrap();
                assert_eq!(
                    once, twice,
                    "re-encoding is not a fixpoint for {bytes:02x?}"
                );
                true
            }
        }
    }};
}

/// Message decode: a typed error, or a message that re-encodes to bytes that
/// decode to the same message bytes again.
fn message_is_consistent(payload: &[u8]) -> bool {
    match Message::from_bytes(payload) {
        Err(_) => false,
        Ok(m) => {
            let mut buf = vec![0u8; m.encoded_len()];
            let once = m.to_slice(&mut buf).expect("exact buffer").to_vec();
            let again = Message::from_bytes(&once).expect("re-encoded message decodes");
            assert_eq!(again.message_type(), m.message_type());
            let mut buf2 = vec![0u8; again.encoded_len()];
            assert_eq!(again.to_slice(&mut buf2).unwrap(), &once[..]);
            true
        }
    }
}

/// Everything that parses a byte string, at once.
fn every_parser(bytes: &[u8]) {
    let _ = Header::parse(bytes);
    if let Ok(f) = Frame::parse(bytes) {
        assert_eq!(f.buffer_len(), bytes.len());
        assert_eq!(f.header_bytes.len(), f.header.buffer_len());
    }
    if let Ok((header, m)) = applink::from_bytes(bytes) {
        // A decoded frame re-encodes to a valid frame carrying the same message.
        let mut out = vec![0u8; applink::encoded_len(&header, &m)];
        let n = applink::to_slice(&header, &m, &mut out).unwrap();
        let (h2, m2) = applink::from_bytes(&out[..n]).unwrap();
        assert_eq!((h2, m2.message_type()), (header, m.message_type()));
    }
    message_is_consistent(bytes);
    check_borrowed!(Value<'_>, bytes);
    check_borrowed!(Field<'_>, bytes);
    check_borrowed!(Seq<'_, Value<'_>>, bytes);
    check_borrowed!(Seq<'_, Field<'_>>, bytes);
    check_borrowed!(Seq<'_, Record<'_>>, bytes);
    check_borrowed!(Seq<'_, AttributeValue<'_>>, bytes);
    check_borrowed!(Seq<'_, AttributeId>, bytes);
    decodes_consistently::<Fixed<16>>(bytes);
    // Lazily decoded lists iterate without failing once they are accepted.
    if let Ok(list) = postcard::from_bytes::<Seq<'_, Value<'_>>>(bytes) {
        assert_eq!(list.iter().count(), list.len());
    }
    if let Ok(list) = postcard::from_bytes::<Seq<'_, Record<'_>>>(bytes) {
        assert_eq!(list.iter().count(), list.len());
        for r in list.iter() {
            assert_eq!(r.values.iter().count(), r.values.len());
        }
    }
}

/// Feeds `input` to `deframer` and returns the frames it yields (as bytes of
/// their decoded contents), checking the buffer bound after every call.
fn feed_all<const N: usize>(deframer: &mut Deframer<N>, mut input: &[u8], out: &mut Vec<Vec<u8>>) {
    // Each call consumes at least one byte or returns Consumed, so this
    // terminates within input.len() + 1 iterations.
    for _ in 0..=input.len() {
        let remaining = match deframer.feed(input) {
            Feed::Consumed => {
                assert!(deframer.buffered() <= N);
                return;
            }
            Feed::Frame { frame, remaining } => {
                let mut bytes = vec![0u8; frame.buffer_len()];
                frame.emit(&mut bytes).unwrap();
                out.push(bytes);
                remaining
            }
            Feed::Error { remaining, .. } => remaining,
        };
        assert!(remaining.len() < input.len(), "feed made no progress");
        input = remaining;
        assert!(deframer.buffered() <= N);
    }
    panic!("feed did not finish");
}

fn valid_frame(nonce: u32) -> Vec<u8> {
    let mut buf = vec![0u8; 64];
    let n = applink::to_slice(
        &Header::plaintext(7),
        &Message::Ping(Ping { nonce }),
        &mut buf,
    )
    .unwrap();
    buf.truncate(n);
    buf
}

fn cobs(frame: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; stream::encoded_max_len(frame.len())];
    let n = stream::encode(frame, &mut out).unwrap();
    out.truncate(n);
    out
}

/// Bytes shaped like a frame: a valid header, a payload that starts with a
/// known message type, and a correct CRC, so decoding gets past the CRC.
fn framed_payload() -> impl Strategy<Value = Vec<u8>> {
    (plaintext_header(), 0u8..26, vec(any::<u8>(), 0..96)).prop_map(|(h, ty, rest)| {
        let mut payload = vec![ty];
        payload.extend_from_slice(&rest);
        let mut buf = vec![0u8; h.buffer_len() + payload.len() + 4];
        let n = encode_plain(&h, &payload, &mut buf).unwrap();
        buf.truncate(n);
        buf
    })
}

/// A segment of up to 12 bytes with a small tag, offset and length, so that
/// sequences often continue one another.
fn segment() -> impl Strategy<Value = Vec<u8>> {
    (0u8..3, 0u16..40, 1u16..120, vec(any::<u8>(), 0..12)).prop_map(|(tag, offset, total, data)| {
        let mut s = vec![tag];
        s.extend_from_slice(&offset.to_le_bytes());
        if offset == 0 {
            s.extend_from_slice(&total.to_le_bytes());
        }
        s.extend_from_slice(&data);
        s
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes(bytes in vec(any::<u8>(), 0..300)) {
        every_parser(&bytes);
    }

    #[test]
    fn arbitrary_payloads_in_valid_frames(frame in framed_payload()) {
        every_parser(&frame);
        prop_assert!(Frame::parse(&frame).is_ok());
        every_parser(Frame::parse(&frame).unwrap().body);
    }

    #[test]
    fn deframer_survives_garbage_then_recovers(
        garbage in vec(any::<u8>(), 0..600),
        chunks in vec(1usize..80, 1..12),
    ) {
        let mut d = Deframer::<DEFRAMER_CAP>::new();
        let mut frames = Vec::new();
        let mut input = &garbage[..];
        for &size in chunks.iter().cycle() {
            if input.is_empty() {
                break;
            }
            let (piece, rest) = input.split_at(size.min(input.len()));
            feed_all(&mut d, piece, &mut frames);
            input = rest;
        }
        // Any frame found in garbage passed its CRC check.
        for f in &frames {
            prop_assert!(Frame::parse(f).is_ok());
        }
        // A delimiter, then a valid frame: it is recovered whatever came before.
        let good = valid_frame(0xABCD);
        let mut tail = vec![stream::DELIMITER];
        tail.extend_from_slice(&cobs(&good));
        frames.clear();
        for piece in tail.chunks(chunks[0]) {
            feed_all(&mut d, piece, &mut frames);
        }
        prop_assert_eq!(frames, vec![good]);
        prop_assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn reassembler_survives_arbitrary_segments(
        segments in vec(prop_oneof![segment(), vec(any::<u8>(), 0..16)], 0..40),
        steps in vec(0u64..700, 0..40),
    ) {
        let mut r = Reassembler::<SLOTS, REASSEMBLY_CAP>::new(TIMEOUT);
        let mut now = Instant::ZERO;
        for (i, s) in segments.iter().enumerate() {
            now = now.saturating_add(Duration::from_millis(steps.get(i).copied().unwrap_or(0)));
            r.remove_expired(now);
            let before = r.in_progress();
            let result = r.push(s, now).map(|m| m.map(<[u8]>::len));
            let after = r.in_progress();
            match result {
                // A completed message left its slot (or never took one).
                Ok(Some(len)) => {
                    prop_assert!((1..=REASSEMBLY_CAP).contains(&len));
                    prop_assert!(after == before || after + 1 == before);
                }
                // A started message took a slot, or a continuation filled one.
                Ok(None) => prop_assert!(after == before || after == before + 1),
                // A rejected segment changes nothing.
                Err(_) => prop_assert_eq!(after, before),
            }
            prop_assert!(after <= SLOTS);
            if let Some(deadline) = r.poll_timeout() {
                prop_assert!(deadline > now);
            }
        }
        // Once everything pending has expired, a fresh message goes through.
        now = now.saturating_add(TIMEOUT);
        r.remove_expired(now);
        prop_assert_eq!(r.in_progress(), 0);
        let good = valid_frame(9);
        let mut seg = Segmenter::new(&good, 7, 20).unwrap();
        let mut out = [0u8; 20];
        let mut done = None;
        while let Some(n) = seg.next_segment(&mut out) {
            if let Some(m) = r.push(&out[..n.unwrap()], now).unwrap() {
                done = Some(m.to_vec());
            }
        }
        prop_assert_eq!(done, Some(good));
    }

    #[test]
    fn mutated_messages_re_encode_consistently(
        m in message(),
        h in plaintext_header(),
        flips in vec(any::<prop::sample::Index>(), 1..4),
    ) {
        // Flip bits of a valid payload and re-seal its CRC, so the message
        // decoder sees the damage.
        let bump = Bump::new();
        let m = m.build(&bump);
        let mut payload = vec![0u8; m.encoded_len()];
        m.to_slice(&mut payload).unwrap();
        let bits = payload.len() * 8;
        for f in &flips {
            let bit = f.index(bits);
            payload[bit / 8] ^= 1 << (bit % 8);
        }
        message_is_consistent(&payload);
        let mut frame = vec![0u8; h.buffer_len() + payload.len() + 4];
        encode_plain(&h, &payload, &mut frame).unwrap();
        every_parser(&frame);
    }
}

/// Every payload of up to two bytes, and every three-byte payload that starts
/// with a known message type.
#[test]
fn exhaustive_short_payloads() {
    every_parser(&[]);
    for a in 0..=255u8 {
        every_parser(&[a]);
        for b in 0..=255u8 {
            every_parser(&[a, b]);
        }
    }
    for ty in 0..26u8 {
        for b in 0..=255u8 {
            for c in 0..=255u8 {
                message_is_consistent(&[ty, b, c]);
            }
        }
    }
}

/// Every version and flags byte of an otherwise valid header.
#[test]
fn exhaustive_header_bytes() {
    let mut accepted = 0;
    for version in 0..=255u8 {
        for flags in 0..=255u8 {
            let mut h = [version, flags, 0, 0, 1, 0, 0, 0, 2, 0, 9, 9, 9, 9];
            match Header::parse(&h) {
                Ok((header, len)) => {
                    accepted += 1;
                    assert_eq!(len, header.buffer_len());
                    let mut out = [0u8; 14];
                    assert_eq!(header.emit(&mut out), Ok(len));
                    assert_eq!(out[..len], h[..len]);
                }
                Err(e) => assert!(matches!(
                    e,
                    WireError::UnsupportedVersion(_)
                        | WireError::ReservedFlags(_)
                        | WireError::SessionMismatch
                )),
            }
            h[2] = 5; // a non-zero session
            let _ = Header::parse(&h);
        }
    }
    // Version 1 with flags drawn from R, A, I, K (S needs a session): 16.
    assert_eq!(accepted, 16);
}

/// A few representative frames for the bit-flip tests.
fn sample_frames() -> Vec<Vec<u8>> {
    let values = [
        AttributeValue::new(0, Value::Bool(true)),
        AttributeValue::new(1, Value::U8(200)),
        AttributeValue::new(2, Value::U16(4000)),
        AttributeValue::new(3, Value::F32(21.5)),
        AttributeValue::new(4, Value::Str("kitchen")),
    ];
    let records = [Record {
        endpoint: applink::message::EndpointId(1),
        capability: applink::message::CapabilityId(6),
        data_version: 9,
        values: Seq::from_slice(&values),
    }];
    let args = [Field::new(0, Value::U8(50)), Field::new(1, Value::U16(300))];
    let messages = [
        Message::Ping(Ping { nonce: 42 }),
        Message::Report(Report {
            subscription: 1,
            records: Seq::from_slice(&records),
        }),
        Message::Invoke(Invoke {
            endpoint: applink::message::EndpointId(1),
            capability: applink::message::CapabilityId(8),
            command: applink::message::CommandId(0),
            timed_ms: Some(500),
            args: Seq::from_slice(&args),
        }),
        Message::Ack,
    ];
    let headers = [Header::plaintext(2), Header::plaintext(0xFFFF).with_ack(77)];
    let mut out = Vec::new();
    for h in &headers {
        for m in &messages {
            let mut buf = vec![0u8; applink::encoded_len(h, m)];
            applink::to_slice(h, m, &mut buf).unwrap();
            out.push(buf);
        }
    }
    out
}

/// Whether a corrupted plaintext frame is caught: the frame layer rejects
/// it, or (flag S flipped on) it reads as a secured frame, which only its
/// session's tag check could accept and which the plaintext decoder refuses.
fn caught(bad: &[u8]) -> bool {
    match Frame::parse(bad) {
        Err(_) => true,
        Ok(f) => {
            f.header.is_secured() && applink::from_bytes(bad) == Err(applink::CodecError::Secured)
        }
    }
}

#[test]
fn every_bit_flip_of_a_frame_is_rejected() {
    for frame in sample_frames() {
        for bit in 0..frame.len() * 8 {
            let mut bad = frame.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            assert!(caught(&bad), "bit {bit} of {frame:02x?}");
            assert!(applink::from_bytes(&bad).is_err());
        }
    }
}

#[test]
fn every_bit_flip_of_a_payload_decodes_consistently() {
    for frame in sample_frames() {
        let f = Frame::parse(&frame).unwrap();
        let payload = f.body.to_vec();
        let mut decoded = 0;
        for bit in 0..payload.len() * 8 {
            let mut bad = payload.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            if message_is_consistent(&bad) {
                decoded += 1;
            }
        }
        // Some flips change only a number and still decode; that is expected
        // (the CRC, not the payload encoding, detects corruption).
        assert!(decoded <= payload.len() * 8);
    }
}

#[test]
fn every_bit_flip_of_a_stream_yields_no_damaged_plaintext_frame() {
    for frame in sample_frames() {
        let wire = cobs(&frame);
        for bit in 0..wire.len() * 8 {
            let mut bad = wire.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            // Terminate, so a damaged delimiter does not leave a frame pending.
            bad.push(stream::DELIMITER);
            let mut d = Deframer::<DEFRAMER_CAP>::new();
            let mut got = Vec::new();
            feed_all(&mut d, &bad, &mut got);
            // A frame that comes out is the original, or damage turned it
            // into a secured frame: those carry no CRC, and their AEAD tag is
            // checked by the session layer, which rejects it.
            for g in &got {
                let secured = Frame::parse(g).unwrap().header.is_secured();
                assert!(g == &frame || secured, "bit {bit}: {g:02x?}");
            }
        }
    }
}

#[test]
fn every_bit_flip_of_a_segment_is_caught_by_the_frame_check() {
    for frame in sample_frames() {
        let mut seg = Segmenter::new(&frame, 3, 20).unwrap();
        let mut segments = Vec::new();
        let mut out = [0u8; 20];
        while let Some(n) = seg.next_segment(&mut out) {
            segments.push(out[..n.unwrap()].to_vec());
        }
        for (i, s) in segments.iter().enumerate() {
            for bit in 0..s.len() * 8 {
                let mut r = Reassembler::<SLOTS, REASSEMBLY_CAP>::new(TIMEOUT);
                let mut done = Vec::new();
                for (j, original) in segments.iter().enumerate() {
                    let mut s = original.clone();
                    if i == j {
                        s[bit / 8] ^= 1 << (bit % 8);
                    }
                    if let Ok(Some(m)) = r.push(&s, Instant::ZERO) {
                        done.push(m.to_vec());
                    }
                    assert!(r.in_progress() <= SLOTS);
                }
                for m in done {
                    assert!(m == frame || caught(&m), "segment {i} bit {bit}");
                }
            }
        }
    }
}
