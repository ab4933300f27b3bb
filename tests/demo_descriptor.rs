//! The demo's washer-and-lamp descriptor: its size, and that one Describe
//! round trip at 128-byte frames carries it whole, in a plaintext frame and
//! inside a secured session alike.

#[allow(dead_code)]
#[path = "../examples/demo/washer.rs"]
mod washer;

use applink::catalog::basic_information;
use applink::descriptor::OwnedDescriptor;
use applink::descriptor::Privilege;
use applink::interaction::Peer;
use applink::message::{AttributeId, Describe, Message, Read, Seq, Value};
use applink::node::{SECURED_OVERHEAD, secured_payload};
use applink::time::Instant;

/// The goal: at most this many bytes (it was 1,161 with every standard
/// capability in full).
const MAX_DEMO_DESCRIPTOR: usize = 150;
/// The frame size of a modest radio link.
const FRAME: usize = 128;
/// What a plaintext frame adds to its payload at most: the longest header
/// and the CRC-32C.
const PLAINTEXT_OVERHEAD: usize = applink::wire::header::MAX_LEN + 4;

const USER: Peer = Peer {
    session: 1,
    privilege: Privilege::User,
};

/// Fetches the descriptor as a controller does (SPEC: Describe from offset
/// 0, then from each chunk's end) with reply payloads of at most `room`
/// bytes: the round trips it took and the bytes. Every reply is checked to
/// fit in `room`.
fn describe(d: &mut washer::WashLightDispatcher<'_>, room: usize) -> (usize, Vec<u8>) {
    let mut buf = [0u8; FRAME];
    let (mut round_trips, mut bytes) = (0, Vec::new());
    loop {
        let mut reply = Vec::new();
        let request = Message::Describe(Describe {
            offset: bytes.len() as u32,
        });
        d.handle(&request, USER, Instant::ZERO, &mut buf[..room], &mut |r| {
            reply = r.to_vec()
        })
        .unwrap();
        round_trips += 1;
        assert!(reply.len() <= room, "a reply of {} bytes", reply.len());
        let Ok(Message::Descriptor(chunk)) = Message::from_bytes(&reply) else {
            panic!("not a chunk: {reply:?}");
        };
        assert_eq!(chunk.offset as usize, bytes.len());
        assert!(!chunk.data.0.is_empty() && round_trips < 20);
        bytes.extend_from_slice(chunk.data.0);
        if bytes.len() == chunk.total_len as usize {
            return (round_trips, bytes);
        }
    }
}

#[test]
fn the_demo_descriptor_is_small_and_one_describe_at_128_byte_frames_carries_it() {
    let firmware = washer::Firmware::new();
    washer::with_dispatcher(&firmware, |mut d| {
        let len = d.descriptor_len();
        assert!(
            len <= MAX_DEMO_DESCRIPTOR,
            "the demo descriptor is {len} bytes"
        );
        // Describe is public: served in plaintext frames (header and CRC).
        let plaintext = FRAME - PLAINTEXT_OVERHEAD;
        let (round_trips, bytes) = describe(&mut d, plaintext);
        assert_eq!(round_trips, 1, "plaintext: {len} bytes in {round_trips}");
        // Inside a session the longest secured header and the AEAD tag
        // leave less room, and still one round trip carries it.
        let secured = secured_payload(FRAME);
        assert_eq!(secured, FRAME - SECURED_OVERHEAD);
        let (round_trips, again) = describe(&mut d, secured);
        assert_eq!(round_trips, 1, "secured: {len} bytes in {round_trips}");
        assert_eq!(again, bytes);
        // The chunk's envelope: type, hash, total_len, offset, data length.
        let envelope = 1 + 16 + varint_len(len) + 1 + varint_len(len);
        println!(
            "demo descriptor: {len} bytes on the wire; one Describe at {FRAME}-byte frames \
             carries {} bytes in plaintext, {} in a secured session",
            plaintext - envelope,
            secured - envelope
        );

        // The phone expands it from its catalog: names, types, ranges.
        let owned = OwnedDescriptor::from_vec_with_hash(bytes, &d.descriptor_hash()).unwrap();
        let device = owned.device();
        assert_eq!(
            (device.info.vendor.0, device.info.product),
            (0xFFF1, 0x2000)
        );
        let lamp = device.endpoint(washer::LAMP).unwrap();
        let level = lamp
            .capability(applink::catalog::level_control::ID)
            .unwrap();
        assert_eq!(
            level.attribute_named("on_level").map(|a| a.id),
            Some(applink::catalog::level_control::ON_LEVEL)
        );
        // The product's name is not in the descriptor: the phone reads it
        // from `basic_information`, on the endpoint the descriptor lists it.
        let root = device.endpoint_with(basic_information::ID).unwrap();
        assert_eq!(
            read(&mut d, root.id, basic_information::PRODUCT_NAME),
            washer::PRODUCT_NAME
        );
        println!("{} expanded", owned.expanded_bytes().len());
    });
}

/// Bytes of `n` as a varint.
fn varint_len(n: usize) -> usize {
    (usize::BITS - n.max(1).leading_zeros()).div_ceil(7) as usize
}

/// Reads one string attribute of `basic_information`.
fn read(
    d: &mut washer::WashLightDispatcher<'_>,
    endpoint: applink::message::EndpointId,
    attribute: AttributeId,
) -> String {
    let attributes = [attribute];
    let request = Message::Read(Read {
        endpoint,
        capability: Some(basic_information::ID),
        attributes: Seq::from_slice(&attributes),
    });
    let mut buf = [0u8; FRAME];
    let mut reply = Vec::new();
    d.handle(&request, USER, Instant::ZERO, &mut buf, &mut |r| {
        reply = r.to_vec()
    })
    .unwrap();
    let Ok(Message::ReadReply(r)) = Message::from_bytes(&reply) else {
        panic!("not a read reply: {reply:?}");
    };
    let record = r.records.iter().next().expect("one record");
    let value = record.values.iter().next().expect("one value");
    let Value::Str(s) = value.value else {
        panic!("not a string: {value:?}");
    };
    s.to_string()
}
