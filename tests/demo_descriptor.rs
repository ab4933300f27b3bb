//! The demo's washer-and-lamp descriptor: its size, and that one Describe
//! in a plaintext 128-byte frame carries it whole (two inside a session).

#[allow(dead_code)]
#[path = "../examples/demo/washer.rs"]
mod washer;

use applink::descriptor::OwnedDescriptor;
use applink::descriptor::Privilege;
use applink::interaction::Peer;
use applink::message::{Describe, Message};
use applink::node::secured_payload;
use applink::time::Instant;

/// The goal: at most this many bytes (it was 1,161 with every standard
/// capability in full).
const MAX_DEMO_DESCRIPTOR: usize = 150;
/// The frame size of a modest radio link.
const FRAME: usize = 128;

/// Fetches the descriptor with replies of at most `room` bytes: the round
/// trips it took and the bytes.
fn describe(d: &mut washer::WashLightDispatcher<'_>, room: usize, len: usize) -> (usize, Vec<u8>) {
    let mut buf = [0u8; FRAME];
    let peer = Peer {
        session: 1,
        privilege: Privilege::User,
    };
    let (mut round_trips, mut bytes) = (0, Vec::new());
    while round_trips == 0 || bytes.len() < len {
        let mut reply = Vec::new();
        let request = Message::Describe(Describe {
            offset: bytes.len() as u32,
        });
        d.handle(&request, peer, Instant::ZERO, &mut buf[..room], &mut |r| {
            reply = r.to_vec()
        })
        .unwrap();
        round_trips += 1;
        let Ok(Message::Descriptor(chunk)) = Message::from_bytes(&reply) else {
            panic!("not a chunk: {reply:?}");
        };
        assert!(!chunk.data.0.is_empty() && round_trips < 20);
        bytes.extend_from_slice(chunk.data.0);
    }
    (round_trips, bytes)
}

#[test]
fn the_demo_descriptor_is_small_and_one_plaintext_describe_at_128_byte_frames_carries_it() {
    let firmware = washer::Firmware::new();
    washer::with_dispatcher(&firmware, |mut d| {
        let len = d.descriptor_len();
        assert!(
            len <= MAX_DEMO_DESCRIPTOR,
            "the demo descriptor is {len} bytes"
        );
        // Describe is public: served in plaintext frames (header and CRC).
        let plaintext = FRAME - applink::wire::header::PLAIN_LEN - applink::wire::frame::CRC_LEN;
        let (round_trips, bytes) = describe(&mut d, plaintext, len);
        assert_eq!(round_trips, 1, "{len} bytes in {round_trips} round trips");
        // Inside a session the AEAD tag leaves less room: two round trips.
        let (secured, again) = describe(&mut d, secured_payload(FRAME), len);
        assert!(secured <= 2, "{len} bytes in {secured} round trips");
        assert_eq!(again, bytes);
        // The phone expands it from its catalog: names, types, ranges.
        let owned = OwnedDescriptor::from_vec_with_hash(bytes, &d.descriptor_hash()).unwrap();
        let device = owned.device();
        let lamp = device.endpoint(washer::LAMP).unwrap();
        let level = lamp
            .capability(applink::catalog::level_control::ID)
            .unwrap();
        assert_eq!(
            level.attribute_named("on_level").map(|a| a.id),
            Some(applink::catalog::level_control::ON_LEVEL)
        );
        println!(
            "demo descriptor: {len} bytes on the wire, {} expanded",
            owned.expanded_bytes().len()
        );
    });
}
