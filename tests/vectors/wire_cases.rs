//! Cases of `frames.json`, `streams.json` and `segments.json`.

use super::{
    Case, Expect, File, Kind, STREAM_CAPACITY, STREAM_CAPACITY_DEFAULT_FRAME, Step, StreamEvent,
    cobs, cut, flagged, frame, frame_with_payload, leak, message_error, nested_lists, pattern,
    secured, static_bytes,
};
use applink::CodecError;
use applink::message::{
    AttributeValue, CapabilityId, CommandId, DescriptorChunk, EndpointId, Field, Fixed, Invoke,
    Message, MessageError, Ping, Pong, Seq, Write,
};
use applink::wire::{Flags, Header, WireError};

pub fn push(all: &mut Vec<Case>) {
    push_frames(all);
    push_streams(all);
    push_segments(all);
    push_reassembly(all);
}

fn ping(nonce: u32) -> Message<'static> {
    Message::Ping(Ping { nonce })
}

fn push_frames(all: &mut Vec<Case>) {
    let mut add = |name, description, kind| {
        all.push(Case {
            file: File::Frames,
            name,
            description,
            kind,
        })
    };
    let r = Flags::ACK_REQUESTED;
    let i = Flags::INITIATOR;
    let k = Flags::KEY_PHASE;
    let plain = |name, description, header, message| (name, description, header, message);
    for (name, description, header, message) in [
        plain(
            "plain_minimal",
            "Plaintext frame, no flags: Ping 0, 10 bytes (4-byte header, 2-byte payload, CRC)",
            Header::plaintext(0),
            ping(0),
        ),
        plain(
            "plain_shortest_message",
            "The shortest frame that carries a message: 4-byte header, Ack (type 24, no content: 1 byte), CRC, 9 bytes (SPEC.md 3.8); a plaintext Ack acknowledges nothing",
            Header::plaintext(1),
            Message::Ack,
        ),
        plain(
            "flag_i_initiator",
            "Flag I: sent by the side that opened the exchange",
            flagged(10, i),
            ping(8),
        ),
        plain(
            "byte_order",
            "Plaintext exchange 0x0605: its bytes appear reversed (05 06)",
            Header::plaintext(0x0605),
            ping(1),
        ),
        plain(
            "max_header_fields",
            "Every plaintext header integer at its maximum (exchange, and an ack field a receiver skips)",
            Header::plaintext(u16::MAX).with_ack(u32::MAX),
            ping(u32::MAX),
        ),
        plain(
            "plain_a_ignored",
            "Flag A on a plaintext frame: the 4-byte ack field follows the 4-byte header (8 bytes) and is covered by the CRC; the receiver skips it and ignores its value (SPEC.md 3.2 rule 6)",
            Header::plaintext(9).with_ack(0x0102_0304),
            ping(5),
        ),
        plain(
            "plain_r_ignored",
            "Flag R on a plaintext frame: no sender sets it; the receiver accepts the frame and ignores R (SPEC.md 3.2 rule 6)",
            flagged(9, r),
            ping(7),
        ),
        plain(
            "plain_k_ignored",
            "Flag K on a plaintext frame: no sender sets it; the receiver accepts the frame and ignores K (SPEC.md 3.2 rule 6)",
            flagged(9, k),
            ping(6),
        ),
        plain(
            "plain_r_a_i_k_ignored",
            "Flags R, A, I and K on a plaintext frame: accepted; only I means anything there",
            flagged(11, r | i | k).with_ack(3),
            Message::Pong(Pong { nonce: 8 }),
        ),
    ] {
        add(name, description, Kind::Frame { header, message });
    }
    let tag = pattern::<16>(0xF0);
    for (name, description, header, ciphertext) in [
        (
            "secured_s",
            "Flag S: session 0x1234, counter 1, 6 bytes of ciphertext and a 16-byte tag (not opened here)",
            Header::secured(0x1234, 1, 2),
            vec![0x11, 0x22, 0x00, 0x33, 0x44, 0x55],
        ),
        (
            "secured_byte_order",
            "Secured session 0x0201, counter 0x06050403, exchange 0x0807, ack 0x0C0B0A09: every field's bytes appear reversed",
            Header::secured(0x0201, 0x0605_0403, 0x0807).with_ack(0x0C0B_0A09),
            vec![0xCC],
        ),
        (
            "secured_max_header_fields",
            "Every secured header integer at its maximum, flags S R A I K",
            Header::secured(u16::MAX, u32::MAX, u16::MAX)
                .with_flags(r | i | k)
                .with_ack(u32::MAX),
            vec![0xEE; 2],
        ),
        (
            "secured_k_key_phase",
            "Flags S and K: the second key generation sealed this frame",
            Header::secured(0x1234, 2, 2).with_flags(k),
            vec![0xAB; 3],
        ),
        (
            "secured_r_i_request",
            "Flags S, R and I: a request the phone retransmits until it is answered",
            Header::secured(0x1234, 3, 4).with_flags(r | i),
            vec![0x5A; 2],
        ),
        (
            "secured_all_flags_with_ack",
            "Flags S, R, A, I and K with an acknowledgement",
            Header::secured(0xBEEF, 0x0100_0000, 3)
                .with_flags(r | i | k)
                .with_ack(77),
            vec![0x01, 0x02],
        ),
        (
            "secured_standalone_ack",
            "The layout of a standalone acknowledgement (SPEC.md 3.2 rule 4): flags S A, the acknowledged frame's exchange and counter (here 0x0203 and 9), the sealed Ack (1 byte) and the tag, 31 bytes; reliability.json has real ones, opened",
            Header::secured(0x1234, 5, 0x0203).with_ack(9),
            vec![0x3C],
        ),
        (
            "secured_empty_body",
            "Secured frame with an empty ciphertext: header and tag only, 26 bytes (the shortest secured frame)",
            Header::secured(1, 0, 0),
            vec![],
        ),
    ] {
        add(
            name,
            description,
            Kind::Secured {
                header,
                ciphertext,
                tag,
            },
        );
    }
    add(
        "trailing_payload_bytes",
        "Ping 42 followed by two bytes a later version appended: ignored",
        Kind::FrameNonCanonical {
            bytes: frame_with_payload(&Header::plaintext(2), &[0x15, 0x2A, 0x07, 0x07]),
            header: Header::plaintext(2),
            message: ping(42),
        },
    );
    add(
        "overlong_message_type",
        "Message type 21 (Ping) written as the overlong varint 95 00: accepted",
        Kind::FrameNonCanonical {
            bytes: frame_with_payload(&Header::plaintext(2), &[0x95, 0x00, 0x2A]),
            header: Header::plaintext(2),
            message: ping(42),
        },
    );

    let good = frame(&Header::plaintext(2), &ping(42));
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        f(&mut b);
        b
    };
    let wire = CodecError::Wire;
    let payload = |p: &[u8]| frame_with_payload(&Header::plaintext(2), p);
    // A secured header, as raw bytes: version 2, `flags`, `session`, counter 1, exchange 2.
    let raw_secured = |flags: u8, session: u16| {
        let mut h = vec![0x02, flags];
        h.extend_from_slice(&session.to_le_bytes());
        h.extend_from_slice(&[1, 0, 0, 0, 2, 0]);
        h
    };
    // The Ping 42 frame of format version 1 (10-byte header, counter 1, exchange 2).
    let version_1 = vec![
        0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x15, 0x2A, 0x07, 0x91, 0xF8,
        0xC5,
    ];
    let mut secured_short = secured(&Header::secured(9, 1, 1), &[], &[0; 16]);
    secured_short.pop();
    let bad: Vec<(&'static str, &'static str, Vec<u8>, CodecError)> = vec![
        (
            "bad_crc_trailer",
            "Ping frame whose last CRC byte is altered",
            with(&|b| *b.last_mut().unwrap() ^= 0xFF),
            wire(WireError::BadCrc),
        ),
        (
            "bad_crc_payload_bit",
            "Ping frame with one payload bit flipped",
            with(&|b| b[5] ^= 0x01),
            wire(WireError::BadCrc),
        ),
        (
            "bad_crc_header_bit",
            "Ping frame with one exchange bit flipped (the header itself stays valid)",
            with(&|b| b[2] ^= 0x02),
            wire(WireError::BadCrc),
        ),
        (
            "reserved_flag_0x20",
            "Reserved flag bit 5 set",
            with(&|b| b[1] = 0x20),
            wire(WireError::ReservedFlags(0x20)),
        ),
        (
            "reserved_flag_0x80_with_others",
            "Reserved bit 7 set along with R and I: the whole flags byte is reported",
            with(&|b| b[1] = 0x8A),
            wire(WireError::ReservedFlags(0x8A)),
        ),
        (
            "reserved_flag_before_length",
            "Version 2 and a reserved flag, nothing else: the flags are reported before any length check",
            vec![0x02, 0x40],
            wire(WireError::ReservedFlags(0x40)),
        ),
        (
            "version_0",
            "Version byte 0",
            with(&|b| b[0] = 0),
            wire(WireError::UnsupportedVersion(0)),
        ),
        (
            "version_1",
            "A whole, sound frame of format version 1 (Ping 42, 16 bytes): a version 2 receiver rejects it",
            version_1.clone(),
            wire(WireError::UnsupportedVersion(1)),
        ),
        (
            "version_3",
            "Version byte 3",
            with(&|b| b[0] = 3),
            wire(WireError::UnsupportedVersion(3)),
        ),
        (
            "version_checked_before_flags",
            "Version 1 and a reserved flag: the version is reported",
            with(&|b| {
                b[0] = 1;
                b[1] = 0x40;
            }),
            wire(WireError::UnsupportedVersion(1)),
        ),
        (
            "version_checked_before_length",
            "Five bytes starting 01: shorter than any version 1 frame, but the version is checked first (SPEC.md 3.4, 3.9 step 2)",
            version_1[..5].to_vec(),
            wire(WireError::UnsupportedVersion(1)),
        ),
        (
            "version_byte_alone",
            "The single byte 01: the version is rejected",
            vec![0x01],
            wire(WireError::UnsupportedVersion(1)),
        ),
        (
            "empty",
            "No bytes at all",
            vec![],
            wire(WireError::Truncated),
        ),
        (
            "truncated_after_version",
            "The single byte 02: a good version, no flags byte",
            vec![0x02],
            wire(WireError::Truncated),
        ),
        (
            "truncated_header",
            "Three bytes: shorter than the 4-byte plaintext header",
            good[..3].to_vec(),
            wire(WireError::Truncated),
        ),
        (
            "truncated_ack_field",
            "Plaintext, flag A set, but the input ends inside the acknowledgement field",
            vec![0x02, 0x04, 0x02, 0x00, 0x07, 0x00],
            wire(WireError::Truncated),
        ),
        (
            "truncated_crc",
            "A plaintext header and three bytes: no room for the CRC",
            good[..7].to_vec(),
            wire(WireError::Truncated),
        ),
        (
            "truncated_secured_header",
            "Flag S with nine bytes: shorter than the 10-byte secured header",
            raw_secured(0x01, 0x1234)[..9].to_vec(),
            wire(WireError::Truncated),
        ),
        (
            "truncated_secured_ack_field",
            "Flags S and A with thirteen bytes: the secured header with its ack field is 14",
            {
                let mut b = raw_secured(0x05, 0x1234);
                b.extend_from_slice(&[9, 0, 0]);
                b
            },
            wire(WireError::Truncated),
        ),
        (
            "s_flag_selects_layout",
            "The 10-byte Ping frame with flag S set: read as a secured header (session 2) with no room for a tag",
            with(&|b| b[1] = 0x01),
            wire(WireError::Truncated),
        ),
        (
            "session_mismatch_s_without_session",
            "Flag S with session 0 (a whole frame: header, one byte, tag)",
            {
                let mut b = raw_secured(0x01, 0);
                b.push(0x11);
                b.extend_from_slice(&pattern::<16>(0xF0));
                b
            },
            wire(WireError::SessionMismatch),
        ),
        (
            "session_mismatch_before_tag_length",
            "Flag S with session 0 and nothing after the header: the session is checked before the tag's length",
            raw_secured(0x01, 0),
            wire(WireError::SessionMismatch),
        ),
        (
            "secured_tag_truncated",
            "Secured header followed by 15 bytes: shorter than a tag",
            secured_short,
            wire(WireError::Truncated),
        ),
        (
            "secured_to_plaintext_decoder",
            "A sound secured frame handed to the plaintext decoder: must be opened by its session",
            secured(
                &Header::secured(0x1234, 1, 2),
                &[0x11, 0x22],
                &pattern(0xF0),
            ),
            CodecError::Secured,
        ),
        (
            "unknown_message_type_31",
            "A sound frame whose payload is message type 31 (the first undefined type)",
            payload(&[0x1F]),
            message_error(MessageError::UnknownType(31)),
        ),
        (
            "unknown_message_type_128",
            "A sound frame whose payload starts with message type 128 (two-byte varint)",
            payload(&[0x80, 0x01, 0xAA, 0xBB]),
            message_error(MessageError::UnknownType(128)),
        ),
        (
            "empty_payload",
            "The shortest frame the frame layer accepts, 8 bytes (header, no payload, CRC): its CRC checks, but an empty payload holds no message",
            payload(&[]),
            message_error(MessageError::Malformed),
        ),
        (
            "missing_field",
            "Ping without its nonce",
            payload(&[0x15]),
            message_error(MessageError::Malformed),
        ),
        (
            "bad_purpose_variant",
            "Hello whose purpose is variant 3 (undefined)",
            payload(&[0x00, 0x01, 0x01, 0x80, 0x08, 0x03, 0x03]),
            message_error(MessageError::Malformed),
        ),
        (
            "bad_option_byte",
            "Read whose capability option byte is 2",
            payload(&[0x09, 0x01, 0x02, 0x06, 0x00]),
            message_error(MessageError::Malformed),
        ),
        (
            "bad_list_element",
            "Read whose attribute list holds a varint that does not end inside the list",
            payload(&[0x09, 0x01, 0x00, 0x02, 0xFF, 0xFF]),
            message_error(MessageError::Malformed),
        ),
        (
            "fixed_field_truncated",
            "PairFinish with only 40 of its 80 bytes",
            payload(&{
                let mut p = vec![0x04];
                p.extend_from_slice(&pattern::<40>(0));
                p
            }),
            message_error(MessageError::Malformed),
        ),
    ];
    for (name, description, bytes, error) in bad {
        add(name, description, Kind::BadFrame { bytes, error });
    }
    // Depth is counted per value, but a message-level field list counts as a
    // level of its own (SPEC.md section 4.3).
    let write_deep = Message::Write(Write {
        endpoint: EndpointId(1),
        capability: CapabilityId(6),
        data_version: None,
        values: Seq::from_slice(leak(vec![AttributeValue::new(0, nested_lists(4))])),
    });
    add(
        "depth_4_in_attribute_value",
        "Write of an attribute value of four nested lists: accepted",
        Kind::Frame {
            header: Header::plaintext(2),
            message: write_deep,
        },
    );
    let invoke = |levels| {
        Message::Invoke(Invoke {
            endpoint: EndpointId(1),
            capability: CapabilityId(6),
            command: CommandId(0),
            timed_ms: None,
            args: Seq::from_slice(leak(vec![Field::new(0, nested_lists(levels))])),
        })
    };
    add(
        "depth_3_in_command_argument",
        "Invoke whose argument is three nested lists: the argument list is a level, so 4 in all",
        Kind::Frame {
            header: Header::plaintext(2),
            message: invoke(3),
        },
    );
    add(
        "depth_4_in_command_argument",
        "Invoke whose argument is four nested lists: with the argument list, 5 levels: rejected",
        Kind::BadFrame {
            bytes: frame(&Header::plaintext(2), &invoke(4)),
            error: message_error(MessageError::Malformed),
        },
    );
}

fn descriptor_frame(exchange: u16, data_len: usize) -> (Header, Message<'static>) {
    let data: Vec<u8> = (0..data_len).map(|i| 0x40 + i as u8).collect();
    (
        Header::plaintext(exchange),
        Message::Descriptor(DescriptorChunk {
            hash: Fixed(pattern(0xA0)),
            total_len: data_len as u32,
            offset: 0,
            data: static_bytes(data),
        }),
    )
}

/// A plaintext frame of exactly `len` bytes (at least 158) holding no zero
/// byte, so that its COBS encoding is as long as COBS encodings get:
/// flag I, exchange 0x0101, a descriptor chunk at offset 1 whose data bytes
/// are non-zero, the last one chosen so that the CRC has no zero byte.
fn zero_free_frame(len: usize) -> (Header, Message<'static>, Vec<u8>) {
    // header 4, type 1, hash 16, total_len 2, offset 1, data length 2, CRC 4.
    let data_len = len - 30;
    assert!((128..16384).contains(&data_len));
    let header = Header::plaintext(0x0101).with_flags(Flags::INITIATOR);
    for last in 1..=255u8 {
        let mut data: Vec<u8> = (0..data_len).map(|i| 1 + (i % 255) as u8).collect();
        data[data_len - 1] = last;
        let message = Message::Descriptor(DescriptorChunk {
            hash: Fixed(pattern(0xA0)),
            total_len: 1000,
            offset: 1,
            data: static_bytes(data),
        });
        let bytes = frame(&header, &message);
        if !bytes.contains(&0) {
            assert_eq!(bytes.len(), len);
            return (header, message, bytes);
        }
    }
    unreachable!("some last byte leaves the CRC without a zero byte")
}

fn push_streams(all: &mut Vec<Case>) {
    let mut add = |name, description, capacity, bytes, events| {
        all.push(Case {
            file: File::Streams,
            name,
            description,
            kind: Kind::Stream {
                bytes,
                capacity,
                events,
            },
        })
    };
    let cap = STREAM_CAPACITY;
    let h = |exchange| Header::plaintext(exchange);
    let f = |n: u16| frame(&h(n), &ping(u32::from(n)));
    let ev = |n: u16| StreamEvent::Frame {
        header: h(n),
        message: ping(u32::from(n)),
    };
    let err = StreamEvent::Error;
    let cat = |parts: &[&[u8]]| parts.concat();
    add(
        "two_frames",
        "Two frames back to back",
        cap,
        cat(&[&cobs(&f(1)), &cobs(&f(2))]),
        vec![ev(1), ev(2)],
    );
    add(
        "leading_and_repeated_delimiters",
        "Delimiters before and between frames: empty chunks are ignored",
        cap,
        cat(&[&[0, 0], &cobs(&f(1)), &[0], &cobs(&f(2))]),
        vec![ev(1), ev(2)],
    );
    add(
        "garbage_between_frames",
        "Two garbage chunks between frames: one decodes too short for a frame, one is not COBS",
        cap,
        cat(&[
            &cobs(&f(1)),
            &[0x03, 0x02, 0x08, 0x00],
            &[0x05, 0x01, 0x00],
            &cobs(&f(2)),
        ]),
        vec![
            ev(1),
            err(WireError::Truncated),
            err(WireError::BadCobs),
            ev(2),
        ],
    );
    add(
        "garbage_glued_to_frame",
        "A stray 01 byte glued to the front of a frame decodes to a leading 00: that frame is lost",
        cap,
        cat(&[&[0x01], &cobs(&f(1)), &cobs(&f(2))]),
        vec![err(WireError::UnsupportedVersion(0)), ev(2)],
    );
    let mut corrupt = f(1);
    corrupt[5] ^= 0x10;
    add(
        "corrupt_frame",
        "A frame with a flipped payload bit is reported; the next frame is delivered",
        cap,
        cat(&[&cobs(&corrupt), &cobs(&f(2))]),
        vec![err(WireError::BadCrc), ev(2)],
    );
    // A descriptor frame with 35 data bytes is 63 bytes long and its COBS
    // encoding exactly 64 (63 + ceil(63 / 254)): the receiver's capacity.
    let (fit_h, fit_m) = descriptor_frame(3, 35);
    let (big_h, big_m) = descriptor_frame(4, 36);
    let fits = cobs(&frame(&fit_h, &fit_m));
    let over = cobs(&frame(&big_h, &big_m));
    assert_eq!(
        (fits.len() - 1, over.len() - 1),
        (STREAM_CAPACITY, STREAM_CAPACITY + 1)
    );
    add(
        "frame_at_capacity",
        "A 63-byte frame, whose COBS encoding is exactly 64 bytes (63 + ceil(63 / 254)): accepted by a 64-byte receiver",
        cap,
        cat(&[&fits, &cobs(&f(2))]),
        vec![
            StreamEvent::Frame {
                header: fit_h,
                message: fit_m,
            },
            ev(2),
        ],
    );
    add(
        "oversize_then_frame",
        "A 64-byte frame, whose COBS encoding is 65 bytes, is reported once and skipped; the next frame is delivered",
        cap,
        cat(&[&over, &cobs(&f(2))]),
        vec![err(WireError::Oversize { capacity: 64 }), ev(2)],
    );
    add(
        "invalid_cobs",
        "A chunk whose code byte 05 runs past its end",
        cap,
        vec![0x05, 0x01, 0x00],
        vec![err(WireError::BadCobs)],
    );
    let second = cobs(&f(2));
    add(
        "unterminated_tail",
        "A frame, then a second frame without its delimiter: only the first is delivered",
        cap,
        cat(&[&cobs(&f(1)), &second[..second.len() - 1]]),
        vec![ev(1)],
    );

    // The bound at its edge (SPEC.md 6): a 256-byte frame without a zero
    // byte encodes to 256 + ceil(256 / 254) = 258 bytes, a 257-byte one to 259.
    let big = STREAM_CAPACITY_DEFAULT_FRAME;
    let (h256, m256, f256) = zero_free_frame(256);
    let (_, _, f257) = zero_free_frame(257);
    let (h254, m254, f254) = zero_free_frame(254);
    let (e256, e257, e254) = (cobs(&f256), cobs(&f257), cobs(&f254));
    assert_eq!(
        (e256.len() - 1, e257.len() - 1, e254.len() - 1),
        (258, 259, 255)
    );
    // The same 254-byte frame with the optional trailing 01 group.
    let mut e254_tail = e254[..e254.len() - 1].to_vec();
    e254_tail.extend_from_slice(&[0x01, 0x00]);
    let frame_ev =
        |header: Header, message: Message<'static>| StreamEvent::Frame { header, message };
    add(
        "cobs_bound_256_at_258",
        "A 256-byte frame with no zero byte: its COBS encoding is 258 bytes (FF, 254 bytes, 03, 2 bytes), exactly the capacity a DEFAULT_FRAME receiver needs: accepted",
        big,
        cat(&[&e256, &cobs(&f(2))]),
        vec![frame_ev(h256, m256), ev(2)],
    );
    add(
        "cobs_bound_257_over_258",
        "A 257-byte frame with no zero byte encodes to 259 bytes: one more than a 258-byte receiver holds",
        big,
        cat(&[&e257, &cobs(&f(2))]),
        vec![err(WireError::Oversize { capacity: 258 }), ev(2)],
    );
    add(
        "cobs_254_byte_run_both_endings",
        "A 254-byte frame with no zero byte, encoded as the encoder does (FF and 254 bytes, 255 bytes) and then with the trailing 01 group a receiver also accepts: the same frame twice",
        big,
        cat(&[&e254, &e254_tail]),
        vec![frame_ev(h254, m254), frame_ev(h254, m254)],
    );
}

fn push_segments(all: &mut Vec<Case>) {
    let mut add = |name, description, frame: Vec<u8>, tag, mtu| {
        let segments = cut(&frame, tag, mtu);
        all.push(Case {
            file: File::Segments,
            name,
            description,
            kind: Kind::Segmentation {
                frame,
                tag,
                mtu,
                segments,
            },
        })
    };
    let (dh, dm) = descriptor_frame(9, 30);
    add(
        "segment_mtu_20",
        "A 58-byte frame cut for MTU 20 (BLE ATT MTU 23): 15 + 17 + 17 + 9 bytes of data",
        frame(&dh, &dm),
        0x2A,
        20,
    );
    add(
        "segment_mtu_6",
        "A 10-byte Ping frame cut for MTU 6, the smallest: 1 byte of data, then 3 per segment",
        frame(&Header::plaintext(2), &ping(42)),
        0xFF,
        6,
    );
    add(
        "segment_single",
        "A frame that fits one segment at MTU 244 still carries the 5-byte first header",
        frame(&Header::plaintext(2), &ping(42)),
        0,
        244,
    );
}

fn push_reassembly(all: &mut Vec<Case>) {
    let mut add = |name, description, steps: Vec<(u64, Vec<u8>, Expect)>| {
        let steps = steps
            .into_iter()
            .map(|(at_ms, segment, expect)| Step {
                at_ms,
                segment,
                expect,
            })
            .collect();
        all.push(Case {
            file: File::Segments,
            name,
            description,
            kind: Kind::Reassembly { steps },
        })
    };
    // A 40-byte message (bytes 0..40) tagged 5 at MTU 20: data 0..15, 15..32, 32..40.
    let msg: Vec<u8> = (0..40).collect();
    let s = cut(&msg, 5, 20);
    let (s0, s1, s2) = (s[0].clone(), s[1].clone(), s[2].clone());
    let other = |tag: u8| cut(&msg[..30], tag, 20);
    use Expect::{Complete, Error, Pending};
    add(
        "reassemble_in_order",
        "Three segments in order complete the message",
        vec![
            (0, s0.clone(), Pending),
            (10, s1.clone(), Pending),
            (20, s2.clone(), Complete(msg.clone())),
        ],
    );
    add(
        "reassemble_single_segment",
        "A one-segment message completes at once",
        vec![(0, vec![4, 0, 0, 1, 0, 9], Complete(vec![9]))],
    );
    add(
        "reassemble_interleaved",
        "Two messages with different tags interleave",
        vec![
            (0, other(1)[0].clone(), Pending),
            (0, s0.clone(), Pending),
            (0, other(1)[1].clone(), Complete(msg[..30].to_vec())),
            (0, s1.clone(), Pending),
            (0, s2.clone(), Complete(msg.clone())),
        ],
    );
    add(
        "duplicate_segment",
        "The first segment twice: the repeat is a duplicate",
        vec![
            (0, s0.clone(), Pending),
            (0, s0.clone(), Error(WireError::DuplicateSegment)),
        ],
    );
    add(
        "out_of_order_segment",
        "The third segment before the second",
        vec![
            (0, s0.clone(), Pending),
            (0, s2.clone(), Error(WireError::OutOfOrderSegment)),
        ],
    );
    add(
        "overlapping_segment",
        "A segment at offset 14 after data 0..15 was received",
        vec![
            (0, s0.clone(), Pending),
            (
                0,
                vec![5, 14, 0, 1, 2],
                Error(WireError::OverlappingSegment),
            ),
        ],
    );
    let mut long_last = s2.clone();
    long_last.push(0xEE);
    add(
        "segment_overrun",
        "A last segment one byte longer than the declared total",
        vec![
            (0, s0.clone(), Pending),
            (0, s1.clone(), Pending),
            (0, long_last, Error(WireError::SegmentOverrun)),
        ],
    );
    add(
        "first_segment_overrun",
        "A first segment carrying 3 bytes of a declared 2-byte message",
        vec![(
            0,
            vec![1, 0, 0, 2, 0, 1, 2, 3],
            Error(WireError::SegmentOverrun),
        )],
    );
    add(
        "unknown_message",
        "A later segment for a tag with no message in progress",
        vec![(0, vec![1, 15, 0, 1], Error(WireError::UnknownMessage))],
    );
    add(
        "message_too_large",
        "A first segment declaring 65 bytes to a 64-byte receiver",
        vec![(
            0,
            vec![1, 0, 0, 65, 0, 1],
            Error(WireError::MessageTooLarge {
                len: 65,
                capacity: 64,
            }),
        )],
    );
    add(
        "no_free_slot",
        "A third message while two are in progress",
        vec![
            (0, other(1)[0].clone(), Pending),
            (0, other(2)[0].clone(), Pending),
            (0, other(3)[0].clone(), Error(WireError::NoSlot)),
        ],
    );
    for (name, description, seg) in [
        (
            "bad_segment_short",
            "Two bytes: shorter than any header",
            vec![1, 0],
        ),
        (
            "bad_segment_zero_total",
            "A first segment declaring length 0",
            vec![1, 0, 0, 0, 0, 0xAA],
        ),
        (
            "bad_segment_no_data",
            "A later-segment header with no data",
            vec![1, 4, 0],
        ),
        (
            "bad_segment_first_no_data",
            "A first-segment header with no data",
            vec![1, 0, 0, 4, 0],
        ),
    ] {
        add(
            name,
            description,
            vec![(0, seg, Error(WireError::BadSegment))],
        );
    }
    add(
        "expired_at_timeout",
        "The continuation arrives exactly 500 ms after the first segment: the message has expired",
        vec![
            (1000, s0.clone(), Pending),
            (1500, s1.clone(), Error(WireError::UnknownMessage)),
        ],
    );
    add(
        "completes_before_timeout",
        "The last segment arrives 499 ms after the first",
        vec![
            (1000, s0.clone(), Pending),
            (1200, s1.clone(), Pending),
            (1499, s2.clone(), Complete(msg.clone())),
        ],
    );
    add(
        "restart_after_expiry",
        "After expiry the same tag starts a new message",
        vec![
            (0, s0.clone(), Pending),
            (600, s0.clone(), Pending),
            (601, s1.clone(), Pending),
            (602, s2, Complete(msg.clone())),
        ],
    );
    add(
        "out_of_order_keeps_message",
        "A rejected out-of-order segment leaves the message waiting for the missing data",
        vec![
            (0, s0, Pending),
            (0, vec![5, 20, 0, 1], Error(WireError::OutOfOrderSegment)),
            (0, s1, Pending),
        ],
    );
}
