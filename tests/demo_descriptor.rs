//! The demo's washer-and-lamp descriptor: its size, and that one Describe
//! round trip at 128-byte frames carries it whole, in a plaintext frame and
//! inside a secured session alike.

#[allow(dead_code)]
#[path = "../examples/demo/washer.rs"]
mod washer;

use applink::catalog::basic_information;
use applink::crypto::spake2plus::ProverSecret;
use applink::crypto::{CryptoProvider, os_crypto};
use applink::descriptor::OwnedDescriptor;
use applink::descriptor::Privilege;
use applink::interaction::Peer;
use applink::message::{AttributeId, Describe, Message, Ping, Read, Seq, Value};
use applink::node::store::MemoryPhoneStore;
use applink::node::{
    Appliance, ApplianceConfig, MAX_FRAME, Node, Phone, PhoneEvent, Reply, RequestId,
    SECURED_OVERHEAD, secured_payload,
};
use applink::session::pairing::ApplianceIdentity;
use applink::session::store::MemoryStore;
use applink::time::{Duration, Instant};

/// The goal: at most this many bytes (it was 1,161 with every standard
/// capability in full).
const MAX_DEMO_DESCRIPTOR: usize = 150;
/// The frame size of a modest radio link.
const FRAME: usize = 128;
/// What a plaintext answer adds to its payload: the plaintext header
/// (an answer carries no ack in plaintext) and the CRC-32C.
const PLAINTEXT_OVERHEAD: usize = applink::wire::header::PLAIN_LEN + applink::wire::frame::CRC_LEN;

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

/// The phone's address, and the appliance's.
const PHONE: u8 = 1;
const APPLIANCE: u8 = 2;

/// Moves every frame between `phone` and `appliance` until `id` is
/// answered; the sizes of the frames each sent.
fn exchange<A: Node<Addr = u8>>(
    phone: &mut Phone<applink::crypto::OsCrypto, MemoryPhoneStore, u8>,
    appliance: &mut A,
    id: RequestId,
    now: Instant,
) -> (Reply, Vec<usize>, Vec<usize>) {
    let (mut sent, mut answered) = (Vec::new(), Vec::new());
    let mut buf = vec![0u8; MAX_FRAME];
    for _ in 0..50 {
        while let Some((to, n)) = phone.poll_transmit(&mut buf) {
            assert_eq!(to, APPLIANCE);
            sent.push(n);
            appliance.handle_datagram(PHONE, &mut buf[..n], now);
        }
        while let Some((to, n)) = appliance.poll_transmit(&mut buf) {
            assert_eq!(to, PHONE);
            answered.push(n);
            phone.handle_datagram(APPLIANCE, &mut buf[..n], now);
        }
        while let Some(event) = phone.poll_event() {
            if let PhoneEvent::Reply { id: got, result } = event
                && got == id
            {
                return (result.expect("answered"), sent, answered);
            }
        }
    }
    panic!("no reply");
}

#[test]
fn inside_a_session_the_node_answers_describe_with_one_frame_of_at_most_128_bytes() {
    let firmware = washer::Firmware::new();
    washer::with_dispatcher(&firmware, |dispatcher| {
        let len = dispatcher.descriptor_len();
        let crypto = os_crypto();
        // A verifier from a fixed derivation output: the test skips the
        // seconds Argon2id takes in a debug build.
        let pbkdf = [0x5A; 80];
        let secret = ProverSecret::from_pbkdf_output(&crypto, &pbkdf).unwrap();
        let record = secret.verifier_record(&crypto);
        let key = crypto.x25519_import(&[0x77; 32]);
        let identity = ApplianceIdentity::new(&crypto, washer::DEVICE_ID, record, key);
        let mut appliance: Appliance<'_, _, _, _, u8> = Appliance::new(
            ApplianceConfig::default(),
            crypto,
            identity,
            MemoryStore::<4>::new(),
            dispatcher,
        );
        let now = Instant::from_secs(10);
        appliance
            .open_pairing_window(now, Duration::from_secs(60))
            .unwrap();
        let mut phone = Phone::new(os_crypto(), MemoryPhoneStore::default()).unwrap();
        let secret = ProverSecret::from_pbkdf_output(&os_crypto(), &pbkdf).unwrap();
        phone
            .pair_with_secret(APPLIANCE, secret, washer::DEVICE_ID, now)
            .unwrap();
        let ping = phone
            .request(&Message::Ping(Ping { nonce: 1 }), now)
            .unwrap();
        let (pong, _, _) = exchange(&mut phone, &mut appliance, ping, now);
        assert_eq!(pong, Reply::Pong, "paired");

        // Describe inside the session: one request frame, one reply frame.
        let describe = phone.describe(now).unwrap();
        let (reply, sent, answered) = exchange(&mut phone, &mut appliance, describe, now);
        let Reply::Descriptor(descriptor) = reply else {
            panic!("not a descriptor: {reply:?}");
        };
        assert_eq!(descriptor.as_bytes().len(), len);
        assert_eq!((sent.len(), answered.len()), (1, 1), "one round trip");
        // The appliance sends the largest chunk its frames allow, so a whole
        // descriptor in one secured frame of at most 128 bytes is one round
        // trip at 128-byte frames too.
        assert!(
            answered[0] <= FRAME,
            "the Descriptor frame is {} bytes",
            answered[0]
        );
        println!(
            "secured Describe: request frame {} bytes, Descriptor frame {} bytes",
            sent[0], answered[0]
        );
    });
}
