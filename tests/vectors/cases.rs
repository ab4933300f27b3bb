//! The test-vector case table: every vector in `spec/vectors/` as a Rust
//! value with its name and description.
//!
//! Shared by `examples/gen_vectors.rs` (which renders the table to JSON) and
//! `tests/vectors.rs` (which checks the committed JSON against the crate and
//! against this table). Expected outcomes of decoders, deframers and
//! reassemblers are written out here by hand, never computed by the code
//! under test.

#![allow(dead_code)]

#[path = "render.rs"]
pub mod render;
#[path = "value_cases.rs"]
mod value_cases;
#[path = "wire_cases.rs"]
mod wire_cases;

use applink::CodecError;
use applink::message::{
    AdminRequest, AttributeId, AttributeValue, Batch, BatchItem, BatchReply, BatchResult, Bytes,
    CapabilityId, Close, CommandId, Describe, DescribeCapability, DescriptorChunk, EndpointId,
    Event, EventId, Features, Field, Fixed, Hello, HelloAccept, HelloReject, HelloReply, Invoke,
    InvokeReply, Message, MessageError, Offer, PairChallenge, PairFinish, PairRequest,
    PairingAdded, PairingEntry, PairingList, Ping, Pong, Priority, Purpose, Read, ReadReply,
    Record, Report, ResumeReply, ResumeRequest, Seq, Status, StatusReport, Subscribe,
    SubscribeReply, Unsubscribe, Value, VendorId, Write, WriteReply,
};
use applink::wire::{Flags, Header, WireError, encode_plain, stream};

/// The files of `spec/vectors/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum File {
    Values,
    Messages,
    Frames,
    Streams,
    Segments,
}

impl File {
    pub const ALL: [File; 5] = [
        File::Values,
        File::Messages,
        File::Frames,
        File::Streams,
        File::Segments,
    ];

    pub fn name(self) -> &'static str {
        match self {
            File::Values => "values.json",
            File::Messages => "messages.json",
            File::Frames => "frames.json",
            File::Streams => "streams.json",
            File::Segments => "segments.json",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            File::Values => "Value encodings (SPEC.md section 4.3), alone, as postcard bytes",
            File::Messages => {
                "One plaintext frame per message type and variant (SPEC.md section 5)"
            }
            File::Frames => {
                "Frame headers, flags, secured frame layout and rejected frames (SPEC.md section 3)"
            }
            File::Streams => {
                "COBS byte streams through a receiver of 64 bytes, or of 258 bytes at the 256-byte frame edge (SPEC.md section 6)"
            }
            File::Segments => "Segmentation and reassembly (SPEC.md section 7)",
        }
    }
}

/// The capacity of the stream receiver most stream vectors assume.
pub const STREAM_CAPACITY: usize = 64;
/// The capacity of the receiver of the edge vectors: the exact COBS bound of
/// a `DEFAULT_FRAME` (256-byte) frame, 256 + ceil(256 / 254) (SPEC.md 6).
pub const STREAM_CAPACITY_DEFAULT_FRAME: usize = 258;
/// Slots, per-message capacity and timeout of every reassembly vector.
pub const REASSEMBLY_SLOTS: usize = 2;
pub const REASSEMBLY_CAPACITY: usize = 64;
pub const REASSEMBLY_TIMEOUT_MS: u64 = 500;

/// One vector.
pub struct Case {
    pub file: File,
    pub name: &'static str,
    pub description: &'static str,
    pub kind: Kind,
}

/// What a vector is, with everything needed to produce and check its bytes.
pub enum Kind {
    /// A lone value; its bytes are its encoding.
    Value(Value<'static>),
    /// Bytes that decode to `value` but are not its canonical encoding.
    ValueNonCanonical {
        bytes: Vec<u8>,
        value: Value<'static>,
    },
    /// Bytes that are not a value.
    BadValue(Vec<u8>),
    /// A plaintext frame carrying a message.
    Frame {
        header: Header,
        message: Message<'static>,
    },
    /// Bytes that decode to a frame but are not its canonical encoding.
    FrameNonCanonical {
        bytes: Vec<u8>,
        header: Header,
        message: Message<'static>,
    },
    /// A secured frame: opaque ciphertext and tag.
    Secured {
        header: Header,
        ciphertext: Vec<u8>,
        tag: [u8; 16],
    },
    /// Bytes a receiver rejects with `error`.
    BadFrame { bytes: Vec<u8>, error: CodecError },
    /// A byte stream and what a receiver of `capacity` encoded bytes makes
    /// of it, in order.
    Stream {
        bytes: Vec<u8>,
        capacity: usize,
        events: Vec<StreamEvent>,
    },
    /// A frame cut into segments.
    Segmentation {
        frame: Vec<u8>,
        tag: u8,
        mtu: usize,
        segments: Vec<Vec<u8>>,
    },
    /// Segments pushed into a reassembler, each with its outcome.
    Reassembly { steps: Vec<Step> },
}

/// One result of feeding a stream.
pub enum StreamEvent {
    Frame {
        header: Header,
        message: Message<'static>,
    },
    Error(WireError),
}

/// One segment pushed into a reassembler.
pub struct Step {
    pub at_ms: u64,
    pub segment: Vec<u8>,
    pub expect: Expect,
}

/// What pushing a segment yields.
pub enum Expect {
    Pending,
    Complete(Vec<u8>),
    Error(WireError),
}

impl Case {
    /// The bytes of the vector's `hex` field.
    pub fn bytes(&self) -> Vec<u8> {
        match &self.kind {
            Kind::Value(v) => value_bytes(v),
            Kind::ValueNonCanonical { bytes, .. }
            | Kind::BadValue(bytes)
            | Kind::FrameNonCanonical { bytes, .. }
            | Kind::BadFrame { bytes, .. }
            | Kind::Stream { bytes, .. } => bytes.clone(),
            Kind::Frame { header, message } => frame(header, message),
            Kind::Secured {
                header,
                ciphertext,
                tag,
            } => secured(header, ciphertext, tag),
            Kind::Segmentation { frame, .. } => frame.clone(),
            Kind::Reassembly { steps } => {
                steps.last().map(|s| s.segment.clone()).unwrap_or_default()
            }
        }
    }
}

/// `v`'s postcard encoding.
pub fn value_bytes(v: &Value<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 1024];
    let n = postcard::to_slice(v, &mut buf).expect("value fits").len();
    buf.truncate(n);
    buf
}

/// A plaintext frame, encoded by the crate.
pub fn frame(header: &Header, message: &Message<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 1024];
    let n = applink::to_slice(header, message, &mut buf).expect("frame fits");
    buf.truncate(n);
    buf
}

/// A plaintext frame with an arbitrary payload.
pub fn frame_with_payload(header: &Header, payload: &[u8]) -> Vec<u8> {
    let mut buf = vec![0u8; 1024];
    let n = encode_plain(header, payload, &mut buf).expect("frame fits");
    buf.truncate(n);
    buf
}

/// A secured frame laid out by the crate.
pub fn secured(header: &Header, ciphertext: &[u8], tag: &[u8; 16]) -> Vec<u8> {
    let mut buf = vec![0u8; 1024];
    let layout = applink::wire::layout_secured(header, ciphertext.len(), &mut buf).expect("fits");
    layout.body.copy_from_slice(ciphertext);
    layout.tag.copy_from_slice(tag);
    let n = header.buffer_len() + ciphertext.len() + 16;
    buf.truncate(n);
    buf
}

/// `COBS(frame) 0x00`, encoded by the crate.
pub fn cobs(frame: &[u8]) -> Vec<u8> {
    let mut buf = vec![0u8; stream::encoded_max_len(frame.len())];
    let n = stream::encode(frame, &mut buf).expect("fits");
    buf.truncate(n);
    buf
}

/// Bytes `seed, seed + 1, ...` (wrapping).
pub fn pattern<const N: usize>(seed: u8) -> [u8; N] {
    core::array::from_fn(|i| seed.wrapping_add(i as u8))
}

pub fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn seq<T>(items: Vec<T>) -> Seq<'static, T> {
    Seq::from_slice(leak(items))
}

fn list(items: Vec<Value<'static>>) -> Value<'static> {
    Value::List(seq(items))
}

fn strukt(fields: Vec<Field<'static>>) -> Value<'static> {
    Value::Struct(seq(fields))
}

/// Segments of `message` at `mtu`, cut by the rule in SPEC.md section 7
/// (written independently of the crate's segmenter).
pub fn cut(message: &[u8], tag: u8, mtu: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut offset = 0;
    while offset < message.len() {
        let mut seg = vec![tag];
        seg.extend_from_slice(&(offset as u16).to_le_bytes());
        if offset == 0 {
            seg.extend_from_slice(&(message.len() as u16).to_le_bytes());
        }
        let take = (mtu - seg.len()).min(message.len() - offset);
        seg.extend_from_slice(&message[offset..offset + take]);
        offset += take;
        out.push(seg);
    }
    out
}

/// Every vector, in file order.
pub fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    value_cases::push(&mut all);
    push_messages(&mut all);
    wire_cases::push(&mut all);
    all
}

fn push_messages(all: &mut Vec<Case>) {
    // Each message goes on its own exchange, 0x0100 + its index.
    let mut add = |name, description, index: u16, message: Message<'static>| {
        all.push(Case {
            file: File::Messages,
            name,
            description,
            kind: Kind::Frame {
                header: Header::plaintext(0x0100 + index),
                message,
            },
        });
    };
    add(
        "hello",
        "Hello: versions 1..1, 1024-byte frames, reliable + segmentation, to pair",
        1,
        Message::Hello(Hello {
            min_version: 1,
            max_version: 1,
            max_frame: 1024,
            features: Features::RELIABLE | Features::SEGMENTATION,
            purpose: Purpose::Pair,
        }),
    );
    add(
        "hello_unknown_feature_bit",
        "Hello to query, with an undefined feature bit (31) that is carried, not rejected",
        2,
        Message::Hello(Hello {
            min_version: 1,
            max_version: 3,
            max_frame: 244,
            features: Features(0x8000_000F),
            purpose: Purpose::Query,
        }),
    );
    add(
        "hello_resume",
        "Hello to resume, no features",
        3,
        Message::Hello(Hello {
            min_version: 1,
            max_version: 1,
            max_frame: 128,
            features: Features(0),
            purpose: Purpose::Resume,
        }),
    );
    add(
        "hello_reply_accept",
        "HelloReply Accept: version 1, 512-byte frames, subscriptions + events, descriptor hash, device id",
        4,
        Message::HelloReply(HelloReply::Accept(HelloAccept {
            version: 1,
            max_frame: 512,
            features: Features::SUBSCRIPTIONS | Features::EVENTS,
            descriptor_hash: Fixed(pattern(0xA0)),
            device_id: Fixed(*b"LAMP0042"),
        })),
    );
    let rejects = [
        (
            "hello_reply_reject_unsupported_version",
            "HelloReply Reject UnsupportedVersion: the appliance speaks 2..3",
            HelloReject::UnsupportedVersion { min: 2, max: 3 },
        ),
        (
            "hello_reply_reject_not_paired",
            "HelloReply Reject NotPaired",
            HelloReject::NotPaired,
        ),
        (
            "hello_reply_reject_pairing_window_closed",
            "HelloReply Reject PairingWindowClosed",
            HelloReject::PairingWindowClosed,
        ),
        (
            "hello_reply_reject_busy",
            "HelloReply Reject Busy: retry after 1500 ms",
            HelloReject::Busy {
                retry_after_ms: 1500,
            },
        ),
        (
            "hello_reply_reject_locked_out",
            "HelloReply Reject LockedOut: retry after 300 s",
            HelloReject::LockedOut { retry_after_s: 300 },
        ),
    ];
    for (i, (name, description, reject)) in rejects.into_iter().enumerate() {
        add(
            name,
            description,
            5 + i as u16,
            Message::HelloReply(HelloReply::Reject(reject)),
        );
    }
    add(
        "pair_request",
        "PairRequest: session 0x1234, a 65-byte share (opaque here), offer 1024-byte frames and features 0x0F",
        10,
        Message::PairRequest(PairRequest {
            session: 0x1234,
            share: Fixed(pattern(0x04)),
            offer: OFFER,
        }),
    );
    add(
        "pair_challenge",
        "PairChallenge: session 0x00C8, share, confirmation, sealed appliance block (opaque here)",
        11,
        Message::PairChallenge(PairChallenge {
            session: 200,
            share: Fixed(pattern(0x40)),
            confirm: Fixed(pattern(0x90)),
            identity: Fixed(pattern(0xC0)),
        }),
    );
    add(
        "pair_finish",
        "PairFinish: confirmation, sealed identity and proof (opaque here)",
        12,
        Message::PairFinish(PairFinish {
            confirm: Fixed(pattern(0x10)),
            identity: Fixed(pattern(0x30)),
            proof: Fixed(pattern(0x70)),
        }),
    );
    add(
        "resume_request",
        "ResumeRequest: session 7, ephemeral key, sealed identity and replay guard, offer, mac (opaque here)",
        13,
        Message::ResumeRequest(ResumeRequest {
            session: 7,
            ephemeral: Fixed(pattern(0x20)),
            identity: Fixed(pattern(0x50)),
            payload: Fixed(pattern(0x80)),
            offer: OFFER,
            mac: Fixed(pattern(0xA0)),
        }),
    );
    add(
        "resume_reply",
        "ResumeReply: ephemeral key, sealed session id and parameters (opaque here)",
        14,
        Message::ResumeReply(ResumeReply {
            ephemeral: Fixed(pattern(0x60)),
            payload: Fixed(pattern(0xE0)),
        }),
    );
    add(
        "describe",
        "Describe from offset 0",
        15,
        Message::Describe(Describe { offset: 0 }),
    );
    add(
        "descriptor",
        "Descriptor chunk: 8 bytes at offset 200 of a 300-byte descriptor",
        16,
        Message::Descriptor(DescriptorChunk {
            hash: Fixed(pattern(0xA0)),
            total_len: 300,
            offset: 200,
            data: Bytes(leak(vec![1, 2, 3, 4, 5, 6, 7, 8])),
        }),
    );
    add(
        "read",
        "Read attributes 0 and 0xFFFD (global: revision) of capability 6 on endpoint 1",
        17,
        Message::Read(Read {
            endpoint: EndpointId(1),
            capability: Some(CapabilityId(6)),
            attributes: seq(vec![AttributeId(0), AttributeId::REVISION]),
        }),
    );
    add(
        "read_everything",
        "Read every attribute of every capability of the root endpoint",
        18,
        Message::Read(Read {
            endpoint: EndpointId::ROOT,
            capability: None,
            attributes: Seq::empty(),
        }),
    );
    add(
        "read_reply",
        "ReadReply: two records, more chunks follow",
        19,
        Message::ReadReply(ReadReply {
            records: seq(vec![
                Record {
                    endpoint: EndpointId(1),
                    capability: CapabilityId(6),
                    data_version: 42,
                    values: seq(vec![
                        AttributeValue::new(0, Value::Bool(true)),
                        AttributeValue::new(1, Value::U8(254)),
                    ]),
                },
                Record {
                    endpoint: EndpointId(2),
                    capability: CapabilityId(0x0201),
                    data_version: 0,
                    values: seq(vec![AttributeValue::new(0, Value::I16(-1250))]),
                },
            ]),
            more: true,
        }),
    );
    add(
        "write",
        "Write two attributes if the data version is still 42",
        20,
        Message::Write(Write {
            endpoint: EndpointId(1),
            capability: CapabilityId(6),
            data_version: Some(42),
            values: seq(vec![
                AttributeValue::new(0, Value::Bool(false)),
                AttributeValue::new(0x8001, Value::Str("eco")),
            ]),
        }),
    );
    add(
        "write_unconditional",
        "Write without a data-version precondition",
        21,
        Message::Write(Write {
            endpoint: EndpointId(3),
            capability: CapabilityId(0x0102),
            data_version: None,
            values: seq(vec![AttributeValue::new(2, Value::Enum(1))]),
        }),
    );
    add(
        "write_reply",
        "WriteReply: new data version 43",
        22,
        Message::WriteReply(WriteReply { data_version: 43 }),
    );
    add(
        "invoke",
        "Timed Invoke (2000 ms) of command 1 of a test-vendor capability with two arguments",
        23,
        Message::Invoke(Invoke {
            endpoint: EndpointId(1),
            capability: CapabilityId::vendor(VendorId(0xFFF1), 7),
            command: CommandId(1),
            timed_ms: Some(2000),
            args: seq(vec![
                Field::new(0, Value::U32(86_400)),
                Field::new(1, Value::Str("now")),
            ]),
        }),
    );
    add(
        "invoke_untimed_no_args",
        "Invoke of command 0x8000 (vendor command) with no arguments",
        24,
        Message::Invoke(Invoke {
            endpoint: EndpointId(2),
            capability: CapabilityId(6),
            command: CommandId(0x8000),
            timed_ms: None,
            args: Seq::empty(),
        }),
    );
    add(
        "invoke_reply",
        "InvokeReply: success with one response field",
        25,
        Message::InvokeReply(InvokeReply {
            status: Status::SUCCESS,
            fields: seq(vec![Field::new(0, Value::U16(1000))]),
        }),
    );
    add(
        "invoke_reply_error",
        "InvokeReply: CONSTRAINT_ERROR, no fields",
        26,
        Message::InvokeReply(InvokeReply {
            status: Status::CONSTRAINT_ERROR,
            fields: Seq::empty(),
        }),
    );
    add(
        "subscribe",
        "Subscribe to attributes 0 and 1 of capability 6, 1 s..60 s, min change 5, with events",
        27,
        Message::Subscribe(Subscribe {
            endpoint: EndpointId(1),
            capability: Some(CapabilityId(6)),
            attributes: seq(vec![AttributeId(0), AttributeId(1)]),
            min_interval_ms: 1000,
            max_interval_ms: 60_000,
            min_change: 5,
            events: true,
        }),
    );
    add(
        "subscribe_reply",
        "SubscribeReply: subscription 9, max interval 120 s",
        28,
        Message::SubscribeReply(SubscribeReply {
            subscription: 9,
            max_interval_ms: 120_000,
        }),
    );
    add(
        "unsubscribe",
        "Unsubscribe subscription 9",
        29,
        Message::Unsubscribe(Unsubscribe { subscription: 9 }),
    );
    add(
        "report",
        "Report for subscription 1: one record with three values",
        30,
        Message::Report(Report {
            subscription: 1,
            records: seq(vec![Record {
                endpoint: EndpointId(1),
                capability: CapabilityId(6),
                data_version: 3,
                values: seq(vec![
                    AttributeValue::new(0, Value::Bool(true)),
                    AttributeValue::new(1, Value::U8(128)),
                    AttributeValue::new(2, Value::U16(1000)),
                ]),
            }]),
        }),
    );
    add(
        "event",
        "Critical event 2 with a timestamp and a struct field",
        31,
        Message::Event(Event {
            endpoint: EndpointId(4),
            capability: CapabilityId(0x0301),
            event: EventId(2),
            sequence: 1_000_000_007,
            priority: Priority::Critical,
            timestamp_ms: Some(1_767_225_600_000),
            fields: seq(vec![Field::new(
                0,
                strukt(vec![
                    Field::new(0, Value::Enum(3)),
                    Field::new(1, Value::F32(21.5)),
                ]),
            )]),
        }),
    );
    add(
        "event_debug_no_timestamp",
        "Debug event without a timestamp or fields",
        32,
        Message::Event(Event {
            endpoint: EndpointId(1),
            capability: CapabilityId(6),
            event: EventId(0x8001),
            sequence: 0,
            priority: Priority::Debug,
            timestamp_ms: None,
            fields: Seq::empty(),
        }),
    );
    add(
        "event_info",
        "Info event",
        33,
        Message::Event(Event {
            endpoint: EndpointId(1),
            capability: CapabilityId(6),
            event: EventId(1),
            sequence: 1,
            priority: Priority::Info,
            timestamp_ms: None,
            fields: seq(vec![Field::new(0, Value::Null)]),
        }),
    );
    add(
        "status",
        "Status report UNSUPPORTED_MESSAGE (3)",
        34,
        Message::Status(StatusReport {
            status: Status::UNSUPPORTED_MESSAGE,
        }),
    );
    add(
        "status_unknown_code",
        "Status report with a code this version does not define (0x1234): carried unchanged",
        35,
        Message::Status(StatusReport {
            status: Status(0x1234),
        }),
    );
    add(
        "ping",
        "Ping with nonce 42",
        36,
        Message::Ping(Ping { nonce: 42 }),
    );
    add(
        "pong",
        "Pong echoing nonce 0xDEADBEEF",
        37,
        Message::Pong(Pong { nonce: 0xDEAD_BEEF }),
    );
    add(
        "close",
        "Close with reason SUCCESS",
        38,
        Message::Close(Close {
            reason: Status::SUCCESS,
        }),
    );
    add(
        "close_vendor_reason",
        "Close with a vendor-specific reason 0x8001",
        39,
        Message::Close(Close {
            reason: Status(0x8001),
        }),
    );
    add(
        "ack",
        "The Ack message (type 24, no content), shown in a plaintext frame for its encoding only: there it acknowledges nothing; a standalone acknowledgement is Ack in a secured frame with flag A (SPEC.md 3.2 rule 4, frames.json secured_standalone_ack)",
        40,
        Message::Ack,
    );
    add(
        "admin_list",
        "Admin List: the pairings from index 0",
        41,
        Message::Admin(AdminRequest::List { from: 0 }),
    );
    add(
        "admin_remove",
        "Admin Remove: the pairing of a static key",
        42,
        Message::Admin(AdminRequest::Remove {
            peer: Fixed(pattern(0x11)),
        }),
    );
    add(
        "admin_set_role",
        "Admin SetRole: make a static key an admin",
        43,
        Message::Admin(AdminRequest::SetRole {
            peer: Fixed(pattern(0x22)),
            admin: true,
        }),
    );
    add(
        "admin_open_window",
        "Admin OpenWindow: 300 s for a one-time code's verifier record (opaque here)",
        44,
        Message::Admin(AdminRequest::OpenWindow {
            seconds: 300,
            verifier: Fixed(pattern(0x33)),
        }),
    );
    add(
        "admin_close_window",
        "Admin CloseWindow",
        45,
        Message::Admin(AdminRequest::CloseWindow),
    );
    add(
        "pairing_list",
        "PairingList: 3 pairings, 2 listed from index 1",
        46,
        Message::PairingList(PairingList {
            total: 3,
            from: 1,
            entries: Seq::from_slice(&PAIRING_ENTRIES),
        }),
    );
    add(
        "pairing_added",
        "PairingAdded: a user paired",
        47,
        Message::PairingAdded(PairingAdded {
            peer: Fixed(pattern(0x44)),
            admin: false,
        }),
    );
    add(
        "describe_capability",
        "DescribeCapability: level_control on endpoint 1, from offset 0",
        48,
        Message::DescribeCapability(DescribeCapability {
            endpoint: EndpointId(1),
            capability: CapabilityId(5),
            offset: 0,
        }),
    );
    add(
        "batch_scene",
        "Batch: on/off on() on endpoints 1 and 2, a write of on_level 200 on endpoint 3, run every item",
        49,
        Message::Batch(Batch {
            stop_on_failure: false,
            items: Seq::from_slice(&SCENE),
        }),
    );
    add(
        "batch_reply",
        "BatchReply: invoked with success, written at data version 8, failed (unsupported endpoint), not run",
        50,
        Message::BatchReply(BatchReply {
            results: Seq::from_slice(&SCENE_RESULTS),
        }),
    );
}

static SCENE_VALUES: [AttributeValue<'static>; 1] = [AttributeValue::new(3, Value::U8(200))];

static SCENE: [BatchItem<'static>; 3] = [
    BatchItem::Invoke(Invoke {
        endpoint: EndpointId(1),
        capability: CapabilityId(4),
        command: CommandId(1),
        timed_ms: None,
        args: Seq::empty(),
    }),
    BatchItem::Invoke(Invoke {
        endpoint: EndpointId(2),
        capability: CapabilityId(4),
        command: CommandId(1),
        timed_ms: None,
        args: Seq::empty(),
    }),
    BatchItem::Write(Write {
        endpoint: EndpointId(3),
        capability: CapabilityId(5),
        data_version: None,
        values: Seq::from_slice(&SCENE_VALUES),
    }),
];

static SCENE_RESULTS: [BatchResult<'static>; 4] = [
    BatchResult::Invoked(InvokeReply {
        status: Status::SUCCESS,
        fields: Seq::empty(),
    }),
    BatchResult::Written(WriteReply { data_version: 8 }),
    BatchResult::Failed(Status::UNSUPPORTED_ENDPOINT),
    BatchResult::NotRun,
];

/// What the pairing vectors' phones offer.
const OFFER: Offer = Offer {
    max_frame: 1024,
    features: Features(0x0F),
};

static PAIRING_ENTRIES: [PairingEntry; 2] = [
    PairingEntry {
        peer: Fixed([0x55; 32]),
        admin: true,
    },
    PairingEntry {
        peer: Fixed([0x66; 32]),
        admin: false,
    },
];

/// A plaintext header with flags.
pub fn flagged(exchange: u16, flags: Flags) -> Header {
    Header::plaintext(exchange).with_flags(flags)
}

/// Errors of the message layer, as a codec error.
pub fn message_error(e: MessageError) -> CodecError {
    CodecError::Message(e)
}

/// Nested lists `levels` deep around a `Null`.
pub fn nested_lists(levels: usize) -> Value<'static> {
    let mut v = Value::Null;
    for _ in 0..levels {
        v = list(vec![v]);
    }
    v
}

pub fn list_of(items: Vec<Value<'static>>) -> Value<'static> {
    list(items)
}

pub fn struct_of(fields: Vec<Field<'static>>) -> Value<'static> {
    strukt(fields)
}

pub fn static_bytes(bytes: Vec<u8>) -> Bytes<'static> {
    Bytes(leak(bytes))
}
