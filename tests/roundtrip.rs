//! Round-trip properties of the wire and message layers, for every message
//! type with arbitrary contents:
//!
//! - a payload decodes to the message that was encoded, and
//!   `encoded_len` is exactly the number of bytes written;
//! - a whole plaintext frame does the same through [`applink::to_slice`] and
//!   [`applink::from_bytes`];
//! - headers and secured frame layouts round trip;
//! - frames survive the COBS stream fed in random chunk sizes, and
//!   segmentation at any MTU from 6 to 244 bytes with reassembly.

mod support;

use applink::message::{Field, Message, MessageError, Seq, Value};
use applink::wire::frame::TAG_LEN;
use applink::wire::segment::{MIN_MTU, Segmenter};
use applink::wire::stream::{self, Feed};
use applink::wire::{Deframer, Frame, Header, Reassembler, WireError, layout_secured};
use applink::{CodecError, time::Duration, time::Instant};
use bumpalo::Bump;
use proptest::collection::vec;
use proptest::prelude::*;
use support::strategies::*;

/// Capacity of the stream and reassembly buffers in these tests: larger than
/// any frame the strategies produce.
const CAP: usize = 16 * 1024;

fn encode(message: &Message<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; message.encoded_len()];
    let n = message.to_slice(&mut buf).expect("exact buffer fits").len();
    buf.truncate(n);
    buf
}

fn frame(header: &Header, message: &Message<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; applink::encoded_len(header, message)];
    let n = applink::to_slice(header, message, &mut buf).expect("exact buffer fits");
    assert_eq!(n, buf.len());
    buf
}

proptest! {
    #[test]
    fn message_round_trip(m in message()) {
        let bump = Bump::new();
        let m = m.build(&bump);
        let bytes = encode(&m);
        prop_assert_eq!(bytes.len(), m.encoded_len());
        prop_assert_eq!(Message::peek_type(&bytes), Ok(m.message_type()));
        let back = Message::from_bytes(&bytes).unwrap();
        prop_assert_eq!(back, m);
        // A decoded (lazily checked) message re-encodes to the same bytes.
        prop_assert_eq!(encode(&back), bytes.clone());
        // One byte short is a typed error, never a partial write.
        if !bytes.is_empty() {
            let mut short = vec![0u8; bytes.len() - 1];
            prop_assert_eq!(m.to_slice(&mut short).err(), Some(MessageError::BufferTooSmall));
        }
    }

    #[test]
    fn appended_fields_are_ignored(m in message(), tail in vec(any::<u8>(), 1..16)) {
        // Compatibility rule 2: trailing bytes after a known message are the
        // fields of a later version.
        let bump = Bump::new();
        let m = m.build(&bump);
        let mut bytes = encode(&m);
        bytes.extend_from_slice(&tail);
        prop_assert_eq!(Message::from_bytes(&bytes), Ok(m));
    }

    #[test]
    fn frame_round_trip(h in plaintext_header(), m in message()) {
        let bump = Bump::new();
        let m = m.build(&bump);
        let bytes = frame(&h, &m);
        prop_assert_eq!(bytes.len(), h.buffer_len() + m.encoded_len() + 4);
        let (header, back) = applink::from_bytes(&bytes).unwrap();
        prop_assert_eq!(header, h);
        prop_assert_eq!(back, m);
        let mut short = vec![0u8; bytes.len() - 1];
        prop_assert_eq!(
            applink::to_slice(&h, &m, &mut short),
            Err(CodecError::Wire(WireError::BufferTooSmall { needed: bytes.len() }))
        );
    }

    #[test]
    fn header_round_trip(h in header(), extra in vec(any::<u8>(), 0..8)) {
        let mut buf = vec![0u8; h.buffer_len()];
        prop_assert_eq!(h.emit(&mut buf), Ok(h.buffer_len()));
        buf.extend_from_slice(&extra);
        prop_assert_eq!(Header::parse(&buf), Ok((h, h.buffer_len())));
    }

    #[test]
    fn secured_layout_round_trip(
        h in header().prop_filter("secured", |h| h.is_secured()),
        body in vec(any::<u8>(), 0..64),
        tag in proptest::array::uniform16(any::<u8>()),
    ) {
        let len = h.buffer_len() + body.len() + TAG_LEN;
        let mut buf = vec![0u8; len];
        let layout = layout_secured(&h, body.len(), &mut buf).unwrap();
        layout.body.copy_from_slice(&body);
        layout.tag.copy_from_slice(&tag);
        let f = Frame::parse(&buf).unwrap();
        prop_assert_eq!(f.header, h);
        prop_assert_eq!(f.body, &body[..]);
        prop_assert_eq!(f.tag, Some(&tag));
        prop_assert_eq!(f.buffer_len(), len);
        prop_assert_eq!(applink::from_bytes(&buf).err(), Some(CodecError::Secured));
        let mut again = vec![0u8; len];
        prop_assert_eq!(f.emit(&mut again), Ok(len));
        prop_assert_eq!(again, buf);
    }

    #[test]
    fn values_round_trip_bit_exactly(v in value(ATTRIBUTE_DEPTH, true)) {
        // Any float bit pattern, NaN payloads included, survives unchanged:
        // compare the re-encoded bytes, since NaN != NaN.
        let bump = Bump::new();
        let built = v.build(&bump);
        let bytes = postcard::to_allocvec(&built).unwrap();
        let back: Value<'_> = postcard::from_bytes(&bytes).unwrap();
        prop_assert_eq!(postcard::to_allocvec(&back).unwrap(), bytes);
    }

    #[test]
    fn depth_limit_is_exact(v in value_of_depth(ATTRIBUTE_DEPTH), id in any::<u16>()) {
        let bump = Bump::new();
        // At the limit: accepted as a bare value.
        let ok = postcard::to_allocvec(&v.build(&bump)).unwrap();
        prop_assert!(postcard::from_bytes::<Value<'_>>(&ok).is_ok());
        // One container more: rejected, whichever kind it is.
        for deeper in [
            OwnedValue::List(vec![v.clone()]),
            OwnedValue::Struct(vec![(id, v.clone())]),
        ] {
            let bytes = postcard::to_allocvec(&deeper.build(&bump)).unwrap();
            prop_assert!(postcard::from_bytes::<Value<'_>>(&bytes).is_err());
        }
    }

    #[test]
    fn field_lists_count_as_one_level(v in value_of_depth(FIELD_DEPTH), id in any::<u16>()) {
        // A Seq<Field> (command arguments, event fields) is itself one level.
        let bump = Bump::new();
        let ok = [Field::new(id, v.build(&bump))];
        let bytes = postcard::to_allocvec(&Seq::from_slice(&ok)).unwrap();
        prop_assert!(postcard::from_bytes::<Seq<'_, Field<'_>>>(&bytes).is_ok());
        let deeper = OwnedValue::List(vec![v.clone()]);
        let bad = [Field::new(id, deeper.build(&bump))];
        let bytes = postcard::to_allocvec(&Seq::from_slice(&bad)).unwrap();
        prop_assert!(postcard::from_bytes::<Seq<'_, Field<'_>>>(&bytes).is_err());
    }

    #[test]
    fn cobs_stream_in_random_chunks(
        frames in vec((plaintext_header(), message()), 1..5),
        chunks in vec(1usize..64, 1..16),
    ) {
        let bump = Bump::new();
        let built: Vec<(Header, Message<'_>)> =
            frames.iter().map(|(h, m)| (*h, m.build(&bump))).collect();
        let mut wire = Vec::new();
        for (h, m) in &built {
            let f = frame(h, m);
            let mut out = vec![0u8; stream::encoded_max_len(f.len())];
            let n = stream::encode(&f, &mut out).unwrap();
            prop_assert!(!out[..n - 1].contains(&stream::DELIMITER));
            wire.extend_from_slice(&out[..n]);
        }
        let mut deframer = Deframer::<CAP>::new();
        let mut got = 0;
        let mut input = &wire[..];
        for &size in chunks.iter().cycle() {
            if input.is_empty() {
                break;
            }
            let (piece, rest) = input.split_at(size.min(input.len()));
            input = rest;
            let mut piece = piece;
            loop {
                match deframer.feed(piece) {
                    Feed::Consumed => break,
                    Feed::Frame { frame, remaining } => {
                        let (h, m) = &built[got];
                        prop_assert_eq!(frame.header, *h);
                        prop_assert_eq!(Message::from_bytes(frame.body), Ok(*m));
                        got += 1;
                        piece = remaining;
                    }
                    Feed::Error { error, .. } => {
                        prop_assert!(false, "unexpected {:?}", error);
                    }
                }
                prop_assert!(deframer.buffered() <= CAP);
            }
        }
        prop_assert_eq!(got, built.len());
        prop_assert_eq!(deframer.buffered(), 0);
    }

    #[test]
    fn segmentation_at_any_mtu(
        h in plaintext_header(),
        m in message(),
        mtu in MIN_MTU..=244usize,
        tag in any::<u8>(),
    ) {
        let bump = Bump::new();
        let m = m.build(&bump);
        let bytes = frame(&h, &m);
        let mut segmenter = Segmenter::new(&bytes, tag, mtu).unwrap();
        let count = segmenter.segment_count();
        let mut reassembler = Reassembler::<2, CAP>::new(Duration::from_secs(1));
        let mut out = vec![0u8; mtu];
        let mut seen = 0;
        let mut done = None;
        while let Some(n) = segmenter.next_segment(&mut out) {
            let n = n.unwrap();
            prop_assert!(n <= mtu);
            seen += 1;
            match reassembler.push(&out[..n], Instant::ZERO).unwrap() {
                None => prop_assert_eq!(reassembler.in_progress(), 1),
                Some(message) => {
                    prop_assert!(done.is_none());
                    done = Some(message.to_vec());
                }
            }
        }
        prop_assert_eq!(seen, count);
        prop_assert_eq!(done.as_deref(), Some(&bytes[..]));
        prop_assert_eq!(reassembler.in_progress(), 0);
        let (header, back) = applink::from_bytes(&bytes).unwrap();
        prop_assert_eq!((header, back), (h, m));
    }

    #[test]
    fn interleaved_segmentation(
        a in message(),
        b in message(),
        mtu in MIN_MTU..=64usize,
    ) {
        // Two messages segmented under different tags and interleaved
        // segment by segment both come out whole.
        let bump = Bump::new();
        let fa = frame(&Header::plaintext(1), &a.build(&bump));
        let fb = frame(&Header::plaintext(2), &b.build(&bump));
        let segs = |bytes: &[u8], tag| {
            let mut s = Segmenter::new(bytes, tag, mtu).unwrap();
            let mut out = vec![0u8; mtu];
            let mut all = Vec::new();
            while let Some(n) = s.next_segment(&mut out) {
                all.push(out[..n.unwrap()].to_vec());
            }
            all
        };
        let (sa, sb) = (segs(&fa, 1), segs(&fb, 2));
        let mut reassembler = Reassembler::<2, CAP>::new(Duration::from_secs(1));
        let mut done = Vec::new();
        for i in 0..sa.len().max(sb.len()) {
            for s in [sa.get(i), sb.get(i)].into_iter().flatten() {
                if let Some(m) = reassembler.push(s, Instant::ZERO).unwrap() {
                    done.push(m.to_vec());
                }
                prop_assert!(reassembler.in_progress() <= 2);
            }
        }
        done.sort_by_key(|f| f[2]); // the exchange id
        prop_assert_eq!(done, vec![fa, fb]);
    }
}

/// The strategies reach every message type, every value variant and the
/// depth limit, so the properties above cover the whole vocabulary.
#[test]
fn strategies_cover_the_vocabulary() {
    use applink::message::MESSAGE_TYPES;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    fn variants(v: &OwnedValue, seen: &mut [bool; 18]) {
        let i = match v {
            OwnedValue::Null => 0,
            OwnedValue::Bool(_) => 1,
            OwnedValue::U8(_) => 2,
            OwnedValue::U16(_) => 3,
            OwnedValue::U32(_) => 4,
            OwnedValue::U64(_) => 5,
            OwnedValue::I8(_) => 6,
            OwnedValue::I16(_) => 7,
            OwnedValue::I32(_) => 8,
            OwnedValue::I64(_) => 9,
            OwnedValue::F32(_) => 10,
            OwnedValue::F64(_) => 11,
            OwnedValue::Str(_) => 12,
            OwnedValue::Bytes(_) => 13,
            OwnedValue::Enum(_) => 14,
            OwnedValue::Bitmap(_) => 15,
            OwnedValue::List(items) => {
                items.iter().for_each(|v| variants(v, seen));
                16
            }
            OwnedValue::Struct(fields) => {
                fields.iter().for_each(|(_, v)| variants(v, seen));
                17
            }
        };
        seen[i] = true;
    }

    let mut runner = TestRunner::deterministic();
    let mut types = [false; MESSAGE_TYPES as usize];
    let strategy = message();
    for _ in 0..2000 {
        let m = strategy.new_tree(&mut runner).unwrap().current();
        types[m.message_type() as usize] = true;
    }
    assert!(
        types.iter().all(|&t| t),
        "message types not generated: {types:?}"
    );

    let mut seen = [false; 18];
    let mut deepest = 0;
    let strategy = value(ATTRIBUTE_DEPTH, false);
    for _ in 0..2000 {
        let v = strategy.new_tree(&mut runner).unwrap().current();
        deepest = deepest.max(v.depth());
        variants(&v, &mut seen);
    }
    assert!(
        seen.iter().all(|&s| s),
        "value variants not generated: {seen:?}"
    );
    assert_eq!(deepest, ATTRIBUTE_DEPTH);
}
