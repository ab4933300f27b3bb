//! proptest strategies for every message of the protocol.
//!
//! Messages borrow their strings, byte strings and lists, so a strategy
//! cannot yield them directly. Strategies yield owned models instead
//! ([`OwnedMessage`], [`OwnedValue`], ...), and [`OwnedMessage::build`] turns a
//! model into the borrowed [`Message`] inside the test, allocating the nested
//! slices that [`Seq::from_slice`] needs in a [`Bump`] arena that lives as
//! long as the test case.

#![allow(dead_code)]

use applink::message::{
    AdminRequest, AttributeValue, Bytes, CapabilityId, Close, CommandId, Describe,
    DescribeCapability, DescriptorChunk, EndpointId, Event, EventId, Features, Field, Fixed, Hello,
    HelloAccept, HelloReject, HelloReply, Invoke, InvokeReply, Message, Offer, PairChallenge,
    PairFinish, PairRequest, PairingAdded, PairingEntry, PairingList, Ping, Pong, Priority,
    Purpose, Read, ReadReply, Record, Report, ResumeReply, ResumeRequest, Seq, Status,
    StatusReport, Subscribe, SubscribeReply, Unsubscribe, Value, Write, WriteReply,
};
use applink::message::{AttributeId, Batch, BatchItem, BatchReply, BatchResult, value::MAX_DEPTH};
use applink::wire::{Flags, Header, header::VERSION};
use bumpalo::Bump;
use proptest::collection::vec;
use proptest::prelude::*;

/// How many containers (lists or structs) a value directly inside a
/// `Seq<AttributeValue>` may nest: the full [`MAX_DEPTH`].
pub const ATTRIBUTE_DEPTH: u32 = MAX_DEPTH as u32;

/// How many containers a value inside a `Seq<Field>` (command arguments,
/// response and event fields) may nest: the field list itself counts as one
/// level when it is decoded.
pub const FIELD_DEPTH: u32 = MAX_DEPTH as u32 - 1;

/// An owned [`Value`].
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedValue {
    Null,
    Bool(bool),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    Str(String),
    Bytes(Vec<u8>),
    Enum(u16),
    Bitmap(u64),
    List(Vec<OwnedValue>),
    Struct(Vec<(u16, OwnedValue)>),
}

impl OwnedValue {
    /// The borrowed value, with nested lists allocated in `bump`.
    pub fn build<'b>(&'b self, bump: &'b Bump) -> Value<'b> {
        match self {
            OwnedValue::Null => Value::Null,
            OwnedValue::Bool(v) => Value::Bool(*v),
            OwnedValue::U8(v) => Value::U8(*v),
            OwnedValue::U16(v) => Value::U16(*v),
            OwnedValue::U32(v) => Value::U32(*v),
            OwnedValue::U64(v) => Value::U64(*v),
            OwnedValue::I8(v) => Value::I8(*v),
            OwnedValue::I16(v) => Value::I16(*v),
            OwnedValue::I32(v) => Value::I32(*v),
            OwnedValue::I64(v) => Value::I64(*v),
            OwnedValue::F32(v) => Value::F32(*v),
            OwnedValue::F64(v) => Value::F64(*v),
            OwnedValue::Str(s) => Value::Str(s),
            OwnedValue::Bytes(b) => Value::Bytes(Bytes(b)),
            OwnedValue::Enum(v) => Value::Enum(*v),
            OwnedValue::Bitmap(v) => Value::Bitmap(*v),
            OwnedValue::List(items) => {
                let built: Vec<Value<'b>> = items.iter().map(|v| v.build(bump)).collect();
                Value::List(Seq::from_slice(bump.alloc_slice_copy(&built)))
            }
            OwnedValue::Struct(fields) => {
                Value::Struct(Seq::from_slice(build_fields(fields, bump)))
            }
        }
    }

    /// How many containers nest on the deepest path (0 for a scalar).
    pub fn depth(&self) -> u32 {
        match self {
            OwnedValue::List(items) => 1 + items.iter().map(Self::depth).max().unwrap_or(0),
            OwnedValue::Struct(fields) => {
                1 + fields.iter().map(|(_, v)| v.depth()).max().unwrap_or(0)
            }
            _ => 0,
        }
    }
}

/// Builds a field list in `bump`.
pub fn build_fields<'b>(fields: &'b [(u16, OwnedValue)], bump: &'b Bump) -> &'b [Field<'b>] {
    let built: Vec<Field<'b>> = fields
        .iter()
        .map(|(id, v)| Field::new(*id, v.build(bump)))
        .collect();
    bump.alloc_slice_copy(&built)
}

/// Builds an attribute value list in `bump`.
pub fn build_attributes<'b>(
    values: &'b [(u16, OwnedValue)],
    bump: &'b Bump,
) -> &'b [AttributeValue<'b>] {
    let built: Vec<AttributeValue<'b>> = values
        .iter()
        .map(|(id, v)| AttributeValue::new(*id, v.build(bump)))
        .collect();
    bump.alloc_slice_copy(&built)
}

/// An owned [`Record`].
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedRecord {
    pub endpoint: u16,
    pub capability: u32,
    pub data_version: u32,
    pub values: Vec<(u16, OwnedValue)>,
}

fn build_records<'b>(records: &'b [OwnedRecord], bump: &'b Bump) -> &'b [Record<'b>] {
    let built: Vec<Record<'b>> = records
        .iter()
        .map(|r| Record {
            endpoint: EndpointId(r.endpoint),
            capability: CapabilityId(r.capability),
            data_version: r.data_version,
            values: Seq::from_slice(build_attributes(&r.values, bump)),
        })
        .collect();
    bump.alloc_slice_copy(&built)
}

/// An owned [`Message`]. Messages without borrowed data are carried as they
/// are; the others as the message with empty lists (its head) plus the owned
/// contents of the list or byte string it borrows.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedMessage {
    Plain(Message<'static>),
    Descriptor(DescriptorChunk<'static>, Vec<u8>),
    Read(Read<'static>, Vec<u16>),
    ReadReply(ReadReply<'static>, Vec<OwnedRecord>),
    Write(Write<'static>, Vec<(u16, OwnedValue)>),
    Invoke(Invoke<'static>, Vec<(u16, OwnedValue)>),
    InvokeReply(InvokeReply<'static>, Vec<(u16, OwnedValue)>),
    Subscribe(Subscribe<'static>, Vec<u16>),
    Report(Report<'static>, Vec<OwnedRecord>),
    Event(Event<'static>, Vec<(u16, OwnedValue)>),
    PairingList(PairingList<'static>, Vec<PairingEntry>),
    /// `stop_on_failure` and the items, each a write or an invoke.
    Batch(bool, Vec<OwnedMessage>),
    /// The results: each a write reply, an invoke reply, a failure status
    /// (`Plain(Status)`) or not run (`Plain(Ack)`).
    BatchReply(Vec<OwnedMessage>),
}

impl OwnedMessage {
    /// The borrowed message, with nested lists allocated in `bump`.
    pub fn build<'b>(&'b self, bump: &'b Bump) -> Message<'b> {
        match self {
            OwnedMessage::Plain(m) => *m,
            OwnedMessage::Batch(stop_on_failure, items) => {
                let built: Vec<_> = items
                    .iter()
                    .filter_map(|item| match item.build(bump) {
                        Message::Write(w) => Some(BatchItem::Write(w)),
                        Message::Invoke(i) => Some(BatchItem::Invoke(i)),
                        _ => None,
                    })
                    .collect();
                Message::Batch(Batch {
                    stop_on_failure: *stop_on_failure,
                    items: Seq::from_slice(bump.alloc_slice_copy(&built)),
                })
            }
            OwnedMessage::BatchReply(results) => {
                let built: Vec<_> = results
                    .iter()
                    .map(|r| match r.build(bump) {
                        Message::WriteReply(w) => BatchResult::Written(w),
                        Message::InvokeReply(i) => BatchResult::Invoked(i),
                        Message::Status(s) => BatchResult::Failed(s.status),
                        _ => BatchResult::NotRun,
                    })
                    .collect();
                Message::BatchReply(BatchReply {
                    results: Seq::from_slice(bump.alloc_slice_copy(&built)),
                })
            }
            OwnedMessage::Descriptor(head, data) => Message::Descriptor(DescriptorChunk {
                data: Bytes(data),
                ..*head
            }),
            OwnedMessage::Read(head, ids) => Message::Read(Read {
                attributes: Seq::from_slice(attribute_ids(ids, bump)),
                ..*head
            }),
            OwnedMessage::ReadReply(head, records) => Message::ReadReply(ReadReply {
                records: Seq::from_slice(build_records(records, bump)),
                ..*head
            }),
            OwnedMessage::Write(head, values) => Message::Write(Write {
                values: Seq::from_slice(build_attributes(values, bump)),
                ..*head
            }),
            OwnedMessage::Invoke(head, args) => Message::Invoke(Invoke {
                args: Seq::from_slice(build_fields(args, bump)),
                ..*head
            }),
            OwnedMessage::InvokeReply(head, fields) => Message::InvokeReply(InvokeReply {
                fields: Seq::from_slice(build_fields(fields, bump)),
                ..*head
            }),
            OwnedMessage::Subscribe(head, ids) => Message::Subscribe(Subscribe {
                attributes: Seq::from_slice(attribute_ids(ids, bump)),
                ..*head
            }),
            OwnedMessage::Report(head, records) => Message::Report(Report {
                records: Seq::from_slice(build_records(records, bump)),
                ..*head
            }),
            OwnedMessage::Event(head, fields) => Message::Event(Event {
                fields: Seq::from_slice(build_fields(fields, bump)),
                ..*head
            }),
            OwnedMessage::PairingList(head, entries) => Message::PairingList(PairingList {
                entries: Seq::from_slice(entries),
                ..*head
            }),
        }
    }

    /// The message type this model builds.
    pub fn message_type(&self) -> u32 {
        self.build(&Bump::new()).message_type()
    }
}

fn attribute_ids<'b>(ids: &[u16], bump: &'b Bump) -> &'b [AttributeId] {
    let built: Vec<AttributeId> = ids.iter().copied().map(AttributeId).collect();
    bump.alloc_slice_copy(&built)
}

// ---------------------------------------------------------------------------
// Scalars and values

/// Floats that compare equal to themselves (no NaN): every other class,
/// including infinities, subnormals and negative zero.
pub fn f32_no_nan() -> impl Strategy<Value = f32> {
    use proptest::num::f32 as f;
    f::POSITIVE | f::NEGATIVE | f::NORMAL | f::SUBNORMAL | f::ZERO | f::INFINITE
}

/// See [`f32_no_nan`].
pub fn f64_no_nan() -> impl Strategy<Value = f64> {
    use proptest::num::f64 as f;
    f::POSITIVE | f::NEGATIVE | f::NORMAL | f::SUBNORMAL | f::ZERO | f::INFINITE
}

/// Every scalar [`Value`] variant. With `nan`, floats are any bit pattern,
/// NaNs with payloads included.
pub fn scalar(nan: bool) -> BoxedStrategy<OwnedValue> {
    let f32s = if nan {
        any::<u32>().prop_map(f32::from_bits).boxed()
    } else {
        f32_no_nan().boxed()
    };
    let f64s = if nan {
        any::<u64>().prop_map(f64::from_bits).boxed()
    } else {
        f64_no_nan().boxed()
    };
    prop_oneof![
        Just(OwnedValue::Null),
        any::<bool>().prop_map(OwnedValue::Bool),
        any::<u8>().prop_map(OwnedValue::U8),
        any::<u16>().prop_map(OwnedValue::U16),
        any::<u32>().prop_map(OwnedValue::U32),
        any::<u64>().prop_map(OwnedValue::U64),
        any::<i8>().prop_map(OwnedValue::I8),
        any::<i16>().prop_map(OwnedValue::I16),
        any::<i32>().prop_map(OwnedValue::I32),
        any::<i64>().prop_map(OwnedValue::I64),
        f32s.prop_map(OwnedValue::F32),
        f64s.prop_map(OwnedValue::F64),
        ".{0,12}".prop_map(OwnedValue::Str),
        vec(any::<u8>(), 0..24).prop_map(OwnedValue::Bytes),
        any::<u16>().prop_map(OwnedValue::Enum),
        any::<u64>().prop_map(OwnedValue::Bitmap),
    ]
    .boxed()
}

/// Any value whose lists and structs nest at most `depth` levels.
pub fn value(depth: u32, nan: bool) -> BoxedStrategy<OwnedValue> {
    scalar(nan)
        .prop_recursive(depth, 48, 4, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..5).prop_map(OwnedValue::List),
                vec((any::<u16>(), inner), 0..5).prop_map(OwnedValue::Struct),
            ]
        })
        .boxed()
}

/// A value nested exactly `depth` containers deep (a chain of lists and
/// structs around a scalar), to exercise the depth limit itself.
pub fn value_of_depth(depth: u32) -> BoxedStrategy<OwnedValue> {
    let mut s = scalar(false);
    for _ in 0..depth {
        s = prop_oneof![
            s.clone().prop_map(|v| OwnedValue::List(vec![v])),
            (any::<u16>(), s).prop_map(|(id, v)| OwnedValue::Struct(vec![(id, v)])),
        ]
        .boxed();
    }
    s
}

/// `(id, value)` pairs: attribute values or fields.
pub fn pairs(depth: u32) -> impl Strategy<Value = Vec<(u16, OwnedValue)>> {
    vec((any::<u16>(), value(depth, false)), 0..5)
}

pub fn record() -> impl Strategy<Value = OwnedRecord> {
    (
        any::<u16>(),
        any::<u32>(),
        any::<u32>(),
        pairs(ATTRIBUTE_DEPTH),
    )
        .prop_map(|(endpoint, capability, data_version, values)| OwnedRecord {
            endpoint,
            capability,
            data_version,
            values,
        })
}

// ---------------------------------------------------------------------------
// Handshake messages (no borrowed data)

fn fixed<const N: usize>() -> impl Strategy<Value = Fixed<N>> {
    proptest::array::uniform::<_, N>(any::<u8>()).prop_map(Fixed)
}

fn purpose() -> impl Strategy<Value = Purpose> {
    prop_oneof![
        Just(Purpose::Query),
        Just(Purpose::Pair),
        Just(Purpose::Resume)
    ]
}

pub fn hello() -> impl Strategy<Value = Hello> {
    (
        any::<u8>(),
        any::<u8>(),
        any::<u16>(),
        any::<u32>(),
        purpose(),
    )
        .prop_map(
            |(min_version, max_version, max_frame, features, purpose)| Hello {
                min_version,
                max_version,
                max_frame,
                features: Features(features),
                purpose,
            },
        )
}

/// Every [`HelloReply`] form: an accept and each kind of reject.
pub fn hello_reply() -> impl Strategy<Value = HelloReply> {
    prop_oneof![
        (
            any::<u8>(),
            any::<u16>(),
            any::<u32>(),
            fixed::<16>(),
            fixed::<8>()
        )
            .prop_map(
                |(version, max_frame, features, descriptor_hash, device_id)| HelloReply::Accept(
                    HelloAccept {
                        version,
                        max_frame,
                        features: Features(features),
                        descriptor_hash,
                        device_id,
                    }
                )
            ),
        (any::<u8>(), any::<u8>()).prop_map(|(min, max)| HelloReply::Reject(
            HelloReject::UnsupportedVersion { min, max }
        )),
        Just(HelloReply::Reject(HelloReject::NotPaired)),
        Just(HelloReply::Reject(HelloReject::PairingWindowClosed)),
        any::<u32>()
            .prop_map(|retry_after_ms| HelloReply::Reject(HelloReject::Busy { retry_after_ms })),
        any::<u32>()
            .prop_map(|retry_after_s| HelloReply::Reject(HelloReject::LockedOut { retry_after_s })),
    ]
}

fn offer() -> impl Strategy<Value = Offer> {
    (any::<u16>(), any::<u32>()).prop_map(|(max_frame, features)| Offer {
        max_frame,
        features: Features(features),
    })
}

fn plain_message() -> impl Strategy<Value = Message<'static>> {
    prop_oneof![
        hello().prop_map(Message::Hello),
        hello_reply().prop_map(Message::HelloReply),
        (any::<u16>(), fixed::<65>(), offer()).prop_map(|(session, share, offer)| {
            Message::PairRequest(PairRequest {
                session,
                share,
                offer,
            })
        }),
        (any::<u16>(), fixed::<65>(), fixed::<32>(), fixed::<78>()).prop_map(
            |(session, share, confirm, identity)| Message::PairChallenge(PairChallenge {
                session,
                share,
                confirm,
                identity,
            })
        ),
        (fixed::<32>(), fixed::<48>(), fixed::<32>()).prop_map(|(confirm, identity, proof)| {
            Message::PairFinish(PairFinish {
                confirm,
                identity,
                proof,
            })
        }),
        (
            any::<u16>(),
            fixed::<32>(),
            fixed::<48>(),
            fixed::<24>(),
            offer(),
            fixed::<16>()
        )
            .prop_map(|(session, ephemeral, identity, payload, offer, mac)| {
                Message::ResumeRequest(ResumeRequest {
                    session,
                    ephemeral,
                    identity,
                    payload,
                    offer,
                    mac,
                })
            }),
        (fixed::<32>(), fixed::<40>()).prop_map(|(ephemeral, payload)| Message::ResumeReply(
            ResumeReply { ephemeral, payload }
        )),
        (
            any::<u8>(),
            fixed::<32>(),
            any::<bool>(),
            any::<u16>(),
            fixed::<97>()
        )
            .prop_map(|(from, peer, admin, seconds, verifier)| {
                Message::Admin(match from % 5 {
                    0 => AdminRequest::List { from },
                    1 => AdminRequest::Remove { peer },
                    2 => AdminRequest::SetRole { peer, admin },
                    3 => AdminRequest::OpenWindow { seconds, verifier },
                    _ => AdminRequest::CloseWindow,
                })
            }),
        (fixed::<32>(), any::<bool>())
            .prop_map(|(peer, admin)| Message::PairingAdded(PairingAdded { peer, admin })),
        any::<u32>().prop_map(|offset| Message::Describe(Describe { offset })),
        (any::<u16>(), any::<u32>(), any::<u32>()).prop_map(|(endpoint, capability, offset)| {
            Message::DescribeCapability(DescribeCapability {
                endpoint: EndpointId(endpoint),
                capability: CapabilityId(capability),
                offset,
            })
        }),
        any::<u32>().prop_map(|data_version| Message::WriteReply(WriteReply { data_version })),
        (any::<u16>(), any::<u32>()).prop_map(|(subscription, max_interval_ms)| {
            Message::SubscribeReply(SubscribeReply {
                subscription,
                max_interval_ms,
            })
        }),
        any::<u16>().prop_map(|subscription| Message::Unsubscribe(Unsubscribe { subscription })),
        any::<u16>().prop_map(|s| Message::Status(StatusReport { status: Status(s) })),
        any::<u32>().prop_map(|nonce| Message::Ping(Ping { nonce })),
        any::<u32>().prop_map(|nonce| Message::Pong(Pong { nonce })),
        any::<u16>().prop_map(|s| Message::Close(Close { reason: Status(s) })),
        Just(Message::Ack),
    ]
}

// ---------------------------------------------------------------------------
// Interaction messages (borrowed data, built from owned models)

fn priority() -> impl Strategy<Value = Priority> {
    prop_oneof![
        Just(Priority::Debug),
        Just(Priority::Info),
        Just(Priority::Critical)
    ]
}

fn endpoint() -> impl Strategy<Value = EndpointId> {
    any::<u16>().prop_map(EndpointId)
}

fn capability() -> impl Strategy<Value = CapabilityId> {
    any::<u32>().prop_map(CapabilityId)
}

fn borrowed_message() -> impl Strategy<Value = OwnedMessage> {
    let ids = || vec(any::<u16>(), 0..8);
    let records = || vec(record(), 0..3);
    prop_oneof![
        (
            fixed::<16>(),
            any::<u32>(),
            any::<u32>(),
            vec(any::<u8>(), 0..200)
        )
            .prop_map(|(hash, total_len, offset, data)| {
                let head = DescriptorChunk {
                    hash,
                    total_len,
                    offset,
                    data: Bytes(&[]),
                };
                OwnedMessage::Descriptor(head, data)
            }),
        (endpoint(), any::<Option<u32>>(), ids()).prop_map(|(endpoint, capability, ids)| {
            let head = Read {
                endpoint,
                capability: capability.map(CapabilityId),
                attributes: Seq::empty(),
            };
            OwnedMessage::Read(head, ids)
        }),
        (records(), any::<bool>()).prop_map(|(records, more)| {
            let head = ReadReply {
                records: Seq::empty(),
                more,
            };
            OwnedMessage::ReadReply(head, records)
        }),
        write_message(),
        invoke_message(),
        invoke_reply(),
        (
            endpoint(),
            any::<Option<u32>>(),
            ids(),
            any::<(u32, u32, u32)>(),
            any::<bool>()
        )
            .prop_map(|(endpoint, capability, ids, (min, max, change), events)| {
                let head = Subscribe {
                    endpoint,
                    capability: capability.map(CapabilityId),
                    attributes: Seq::empty(),
                    min_interval_ms: min,
                    max_interval_ms: max,
                    min_change: change,
                    events,
                };
                OwnedMessage::Subscribe(head, ids)
            }),
        (any::<u16>(), records()).prop_map(|(subscription, records)| {
            let head = Report {
                subscription,
                records: Seq::empty(),
            };
            OwnedMessage::Report(head, records)
        }),
        (
            endpoint(),
            capability(),
            any::<u16>(),
            any::<u64>(),
            priority(),
            any::<Option<u64>>(),
            pairs(FIELD_DEPTH)
        )
            .prop_map(
                |(endpoint, capability, event, sequence, priority, timestamp_ms, fields)| {
                    let head = Event {
                        endpoint,
                        capability,
                        event: EventId(event),
                        sequence,
                        priority,
                        timestamp_ms,
                        fields: Seq::empty(),
                    };
                    OwnedMessage::Event(head, fields)
                }
            ),
    ]
}

/// Any message of the protocol, every type about equally likely.
pub fn message() -> impl Strategy<Value = OwnedMessage> {
    // 18 message types without borrowed data, 10 with.
    prop_oneof![
        18 => plain_message().prop_map(OwnedMessage::Plain),
        9 => borrowed_message(),
        1 => pairing_list(),
        1 => batch(),
        1 => batch_reply(),
    ]
}

fn write_message() -> impl Strategy<Value = OwnedMessage> {
    (
        endpoint(),
        capability(),
        any::<Option<u32>>(),
        pairs(ATTRIBUTE_DEPTH),
    )
        .prop_map(|(endpoint, capability, data_version, values)| {
            let head = Write {
                endpoint,
                capability,
                data_version,
                values: Seq::empty(),
            };
            OwnedMessage::Write(head, values)
        })
}

fn invoke_message() -> impl Strategy<Value = OwnedMessage> {
    (
        endpoint(),
        capability(),
        any::<u16>(),
        any::<Option<u16>>(),
        pairs(FIELD_DEPTH),
    )
        .prop_map(|(endpoint, capability, command, timed_ms, args)| {
            let head = Invoke {
                endpoint,
                capability,
                command: CommandId(command),
                timed_ms,
                args: Seq::empty(),
            };
            OwnedMessage::Invoke(head, args)
        })
}

fn invoke_reply() -> impl Strategy<Value = OwnedMessage> {
    (any::<u16>(), pairs(FIELD_DEPTH)).prop_map(|(status, fields)| {
        let head = InvokeReply {
            status: Status(status),
            fields: Seq::empty(),
        };
        OwnedMessage::InvokeReply(head, fields)
    })
}

/// A batch of up to four writes and invokes.
fn batch() -> impl Strategy<Value = OwnedMessage> {
    let item = prop_oneof![write_message(), invoke_message()];
    (any::<bool>(), vec(item, 0..4)).prop_map(|(stop, items)| OwnedMessage::Batch(stop, items))
}

/// A batch reply of up to four results.
fn batch_reply() -> impl Strategy<Value = OwnedMessage> {
    let result = prop_oneof![
        any::<u32>().prop_map(|data_version| {
            OwnedMessage::Plain(Message::WriteReply(WriteReply { data_version }))
        }),
        invoke_reply(),
        any::<u16>().prop_map(|status| {
            OwnedMessage::Plain(Message::Status(StatusReport {
                status: Status(status),
            }))
        }),
        Just(OwnedMessage::Plain(Message::Ack)),
    ];
    vec(result, 0..4).prop_map(OwnedMessage::BatchReply)
}

fn pairing_list() -> impl Strategy<Value = OwnedMessage> {
    (
        any::<u8>(),
        any::<u8>(),
        proptest::collection::vec((fixed::<32>(), any::<bool>()), 0..4),
    )
        .prop_map(|(total, from, entries)| {
            let head = PairingList {
                total,
                from,
                entries: Seq::empty(),
            };
            let entries = entries
                .into_iter()
                .map(|(peer, admin)| PairingEntry { peer, admin })
                .collect();
            OwnedMessage::PairingList(head, entries)
        })
}

// ---------------------------------------------------------------------------
// Headers

/// Any valid header: flags S, R, I, K in every combination, a session id
/// consistent with S, a counter only when secured (a plaintext header has
/// none), and an optional acknowledgement.
pub fn header() -> impl Strategy<Value = Header> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        1..=u16::MAX,
        any::<u32>(),
        any::<u16>(),
        any::<Option<u32>>(),
    )
        .prop_map(
            |(secured, ack_requested, initiator, key_phase, session, counter, exchange, ack)| {
                let mut flags = Flags::EMPTY;
                for (on, f) in [
                    (secured, Flags::SECURED),
                    (ack_requested, Flags::ACK_REQUESTED),
                    (initiator, Flags::INITIATOR),
                    (key_phase, Flags::KEY_PHASE),
                ] {
                    if on {
                        flags = flags | f;
                    }
                }
                Header {
                    version: VERSION,
                    flags,
                    session: if secured { session } else { 0 },
                    counter: if secured { counter } else { 0 },
                    exchange,
                    ack,
                }
            },
        )
}

/// Any valid plaintext header (flag S clear, session 0, counter 0).
pub fn plaintext_header() -> impl Strategy<Value = Header> {
    header().prop_map(|mut h| {
        h.flags = Flags::from_bits(h.flags.bits() & !Flags::SECURED.bits()).expect("valid bits");
        h.session = 0;
        h.counter = 0;
        h
    })
}
