//! The three standard messages of the codec benchmarks, and the same content
//! in every format compared: applink frames, bare postcard of serde mirror
//! types, protobuf (prost, messages derived by hand), CBOR (minicbor derive)
//! and JSON (serde_json).
//!
//! Shared by `benches/codec.rs` and the `bench_table` example, which prints
//! the encoded sizes next to the timings.

#![allow(dead_code)]

pub mod matter;

use core::hint::black_box;

use applink::message::{
    AttributeValue, Bytes, CapabilityId, CommandId, DescriptorChunk, EndpointId, Field, Fixed,
    Invoke, Message, Record, Report, Seq, Value,
};
use applink::wire::Header;
use serde::{Deserialize, Serialize};

/// The frame header every benchmarked frame carries: plaintext, no ack.
pub const HEADER: Header = Header::plaintext(0x0102);

/// A short string attribute.
pub const NAME: &str = "Kitchen";

/// The descriptor chunk's content: about a lamp descriptor's size.
pub const DESCRIPTOR_LEN: usize = 150;

pub fn descriptor_bytes() -> [u8; DESCRIPTOR_LEN] {
    core::array::from_fn(|i| (i as u8).wrapping_mul(31).wrapping_add(7))
}

pub const HASH: [u8; 16] = [
    0x5A, 0x17, 0xC3, 0x08, 0x9E, 0x41, 0xB2, 0x66, 0x0D, 0xF4, 0x23, 0x7A, 0xE9, 0x50, 0x1B, 0x84,
];

// ---------------------------------------------------------------------------
// applink

/// The attribute report: endpoint 1, on/off capability 6, five attributes.
pub const REPORT_VALUES: [AttributeValue<'static>; 5] = [
    AttributeValue::new(0, Value::Bool(true)),
    AttributeValue::new(1, Value::U8(200)),
    AttributeValue::new(2, Value::U16(4000)),
    AttributeValue::new(3, Value::F32(21.5)),
    AttributeValue::new(4, Value::Str(NAME)),
];

pub const REPORT_RECORDS: [Record<'static>; 1] = [Record {
    endpoint: EndpointId(1),
    capability: CapabilityId(6),
    data_version: 42,
    values: Seq::from_slice(&REPORT_VALUES),
}];

pub fn report() -> Message<'static> {
    Message::Report(Report {
        subscription: 1,
        records: Seq::from_slice(&REPORT_RECORDS),
    })
}

/// The small invoke: level control's move-to-level with two arguments.
pub const INVOKE_ARGS: [Field<'static>; 2] =
    [Field::new(0, Value::U8(128)), Field::new(1, Value::U16(10))];

pub fn invoke() -> Message<'static> {
    Message::Invoke(Invoke {
        endpoint: EndpointId(1),
        capability: CapabilityId(8),
        command: CommandId(0),
        timed_ms: None,
        args: Seq::from_slice(&INVOKE_ARGS),
    })
}

pub fn descriptor(data: &[u8]) -> Message<'_> {
    Message::Descriptor(DescriptorChunk {
        hash: Fixed(HASH),
        total_len: DESCRIPTOR_LEN as u32,
        offset: 0,
        data: Bytes(data),
    })
}

/// Reads every value of a decoded message, so that lazily decoded lists
/// cost what they cost.
pub fn walk(message: &Message<'_>) {
    match message {
        Message::Report(r) => {
            for record in r.records.iter() {
                black_box(record.endpoint);
                for v in record.values.iter() {
                    black_box(v);
                }
            }
        }
        Message::Invoke(i) => {
            for f in i.args.iter() {
                black_box(f);
            }
        }
        Message::Descriptor(d) => {
            black_box(d.data.0);
        }
        other => {
            black_box(other);
        }
    }
}

// ---------------------------------------------------------------------------
// serde mirrors (postcard, JSON) and minicbor

/// An attribute's value, as a plain serde / minicbor enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode)]
pub enum MValue<'a> {
    #[n(0)]
    Bool(#[n(0)] bool),
    #[n(1)]
    U8(#[n(0)] u8),
    #[n(2)]
    U16(#[n(0)] u16),
    #[n(3)]
    F32(#[n(0)] f32),
    #[n(4)]
    Str(#[b(0)] &'a str),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode)]
pub struct MAttr<'a> {
    #[n(0)]
    pub id: u16,
    #[b(1)]
    #[serde(borrow)]
    pub value: MValue<'a>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode)]
pub struct MRecord<'a> {
    #[n(0)]
    pub endpoint: u16,
    #[n(1)]
    pub capability: u32,
    #[n(2)]
    pub data_version: u32,
    #[b(3)]
    #[serde(borrow)]
    pub values: Vec<MAttr<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode)]
pub struct MReport<'a> {
    #[n(0)]
    pub subscription: u16,
    #[b(1)]
    #[serde(borrow)]
    pub records: Vec<MRecord<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode)]
pub struct MInvoke<'a> {
    #[n(0)]
    pub endpoint: u16,
    #[n(1)]
    pub capability: u32,
    #[n(2)]
    pub command: u16,
    #[n(3)]
    pub timed_ms: Option<u16>,
    #[b(4)]
    #[serde(borrow)]
    pub args: Vec<MAttr<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode)]
pub struct MDescriptor<'a> {
    #[n(0)]
    #[cbor(with = "minicbor::bytes")]
    pub hash: [u8; 16],
    #[n(1)]
    pub total_len: u32,
    #[n(2)]
    pub offset: u32,
    #[b(3)]
    #[cbor(with = "minicbor::bytes")]
    #[serde(borrow, with = "serde_bytes_borrowed")]
    pub data: &'a [u8],
}

/// What JSON decodes a descriptor chunk into: JSON carries bytes as an
/// array of numbers, which no decoder can lend, so the data is owned.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MDescriptorJson {
    pub hash: [u8; 16],
    pub total_len: u32,
    pub offset: u32,
    pub data: Vec<u8>,
}

/// `&[u8]` as a serde byte string (postcard: length + bytes; JSON: an array).
mod serde_bytes_borrowed {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'de [u8], D::Error> {
        <&'de [u8]>::deserialize(d)
    }
}

pub fn m_report() -> MReport<'static> {
    MReport {
        subscription: 1,
        records: vec![MRecord {
            endpoint: 1,
            capability: 6,
            data_version: 42,
            values: vec![
                MAttr {
                    id: 0,
                    value: MValue::Bool(true),
                },
                MAttr {
                    id: 1,
                    value: MValue::U8(200),
                },
                MAttr {
                    id: 2,
                    value: MValue::U16(4000),
                },
                MAttr {
                    id: 3,
                    value: MValue::F32(21.5),
                },
                MAttr {
                    id: 4,
                    value: MValue::Str(NAME),
                },
            ],
        }],
    }
}

pub fn m_invoke() -> MInvoke<'static> {
    MInvoke {
        endpoint: 1,
        capability: 8,
        command: 0,
        timed_ms: None,
        args: vec![
            MAttr {
                id: 0,
                value: MValue::U8(128),
            },
            MAttr {
                id: 1,
                value: MValue::U16(10),
            },
        ],
    }
}

pub fn m_descriptor(data: &[u8]) -> MDescriptor<'_> {
    MDescriptor {
        hash: HASH,
        total_len: DESCRIPTOR_LEN as u32,
        offset: 0,
        data,
    }
}

// ---------------------------------------------------------------------------
// protobuf, derived by hand (the .proto these mirror is in the comments)

/// `message Attr { uint32 id = 1; oneof value { bool b = 2; uint32 u8 = 3;
/// uint32 u16 = 4; float f32 = 5; string str = 6; } }`
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbAttr {
    #[prost(uint32, tag = "1")]
    pub id: u32,
    #[prost(oneof = "PbValue", tags = "2, 3, 4, 5, 6")]
    pub value: Option<PbValue>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum PbValue {
    #[prost(bool, tag = "2")]
    B(bool),
    #[prost(uint32, tag = "3")]
    U8(u32),
    #[prost(uint32, tag = "4")]
    U16(u32),
    #[prost(float, tag = "5")]
    F32(f32),
    #[prost(string, tag = "6")]
    Str(String),
}

/// `message Record { uint32 endpoint = 1; uint32 capability = 2;
/// uint32 data_version = 3; repeated Attr values = 4; }`
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbRecord {
    #[prost(uint32, tag = "1")]
    pub endpoint: u32,
    #[prost(uint32, tag = "2")]
    pub capability: u32,
    #[prost(uint32, tag = "3")]
    pub data_version: u32,
    #[prost(message, repeated, tag = "4")]
    pub values: Vec<PbAttr>,
}

/// `message Report { uint32 subscription = 1; repeated Record records = 2; }`
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbReport {
    #[prost(uint32, tag = "1")]
    pub subscription: u32,
    #[prost(message, repeated, tag = "2")]
    pub records: Vec<PbRecord>,
}

/// `message Invoke { uint32 endpoint = 1; uint32 capability = 2;
/// uint32 command = 3; optional uint32 timed_ms = 4; repeated Attr args = 5; }`
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbInvoke {
    #[prost(uint32, tag = "1")]
    pub endpoint: u32,
    #[prost(uint32, tag = "2")]
    pub capability: u32,
    #[prost(uint32, tag = "3")]
    pub command: u32,
    #[prost(uint32, optional, tag = "4")]
    pub timed_ms: Option<u32>,
    #[prost(message, repeated, tag = "5")]
    pub args: Vec<PbAttr>,
}

/// `message DescriptorChunk { bytes hash = 1; uint32 total_len = 2;
/// uint32 offset = 3; bytes data = 4; }`
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbDescriptor {
    #[prost(bytes = "vec", tag = "1")]
    pub hash: Vec<u8>,
    #[prost(uint32, tag = "2")]
    pub total_len: u32,
    #[prost(uint32, tag = "3")]
    pub offset: u32,
    #[prost(bytes = "vec", tag = "4")]
    pub data: Vec<u8>,
}

fn pb_attr(id: u32, value: PbValue) -> PbAttr {
    PbAttr {
        id,
        value: Some(value),
    }
}

pub fn pb_report() -> PbReport {
    PbReport {
        subscription: 1,
        records: vec![PbRecord {
            endpoint: 1,
            capability: 6,
            data_version: 42,
            values: vec![
                pb_attr(0, PbValue::B(true)),
                pb_attr(1, PbValue::U8(200)),
                pb_attr(2, PbValue::U16(4000)),
                pb_attr(3, PbValue::F32(21.5)),
                pb_attr(4, PbValue::Str(NAME.into())),
            ],
        }],
    }
}

pub fn pb_invoke() -> PbInvoke {
    PbInvoke {
        endpoint: 1,
        capability: 8,
        command: 0,
        timed_ms: None,
        args: vec![pb_attr(0, PbValue::U8(128)), pb_attr(1, PbValue::U16(10))],
    }
}

pub fn pb_descriptor(data: &[u8]) -> PbDescriptor {
    PbDescriptor {
        hash: HASH.to_vec(),
        total_len: DESCRIPTOR_LEN as u32,
        offset: 0,
        data: data.to_vec(),
    }
}

// ---------------------------------------------------------------------------
// Encoders into a caller's buffer, returning the length: one per format.

pub fn applink_frame(m: &Message<'_>, buf: &mut [u8]) -> usize {
    applink::to_slice(&HEADER, m, buf).expect("fits")
}

pub fn applink_payload(m: &Message<'_>, buf: &mut [u8]) -> usize {
    m.to_slice(buf).expect("fits").len()
}

pub fn postcard_bytes<T: Serialize>(x: &T, buf: &mut [u8]) -> usize {
    postcard::to_slice(x, buf).expect("fits").len()
}

pub fn prost_bytes<T: prost::Message>(x: &T, mut buf: &mut [u8]) -> usize {
    let before = buf.len();
    x.encode(&mut buf).expect("fits");
    before - buf.len()
}

pub fn cbor_bytes<T: minicbor::Encode<()>>(x: &T, buf: &mut [u8]) -> usize {
    let mut cursor = minicbor::encode::write::Cursor::new(buf);
    minicbor::encode(x, &mut cursor).expect("fits");
    cursor.position()
}

pub fn json_bytes<T: Serialize>(x: &T, buf: &mut [u8]) -> usize {
    let before = buf.len();
    let mut w: &mut [u8] = buf;
    serde_json::to_writer(&mut w, x).expect("fits");
    before - w.len()
}

/// The formats compared, in table order.
pub const FORMATS: [&str; 7] = [
    "applink",
    "applink-payload",
    "postcard",
    "prost",
    "minicbor",
    "serde_json",
    "memcpy",
];

/// Encoded sizes of one standard message in every format (memcpy: the
/// applink frame it copies).
pub fn sizes(name: &str) -> [usize; 7] {
    let mut buf = [0u8; 1024];
    let data = descriptor_bytes();
    let (frame, payload) = match name {
        "report" => (
            applink_frame(&report(), &mut buf),
            applink_payload(&report(), &mut buf),
        ),
        "invoke" => (
            applink_frame(&invoke(), &mut buf),
            applink_payload(&invoke(), &mut buf),
        ),
        _ => (
            applink_frame(&descriptor(&data), &mut buf),
            applink_payload(&descriptor(&data), &mut buf),
        ),
    };
    let (pc, pb, cb, js) = match name {
        "report" => (
            postcard_bytes(&m_report(), &mut buf),
            prost_bytes(&pb_report(), &mut buf),
            cbor_bytes(&m_report(), &mut buf),
            json_bytes(&m_report(), &mut buf),
        ),
        "invoke" => (
            postcard_bytes(&m_invoke(), &mut buf),
            prost_bytes(&pb_invoke(), &mut buf),
            cbor_bytes(&m_invoke(), &mut buf),
            json_bytes(&m_invoke(), &mut buf),
        ),
        _ => (
            postcard_bytes(&m_descriptor(&data), &mut buf),
            prost_bytes(&pb_descriptor(&data), &mut buf),
            cbor_bytes(&m_descriptor(&data), &mut buf),
            json_bytes(&m_descriptor(&data), &mut buf),
        ),
    };
    [frame, payload, pc, pb, cb, js, frame]
}

/// The attribute report as a secured applink frame: the secured header of
/// this build (its length from the crate), the payload, the AEAD tag.
pub fn secured_report_len() -> usize {
    let mut buf = [0u8; 1024];
    let payload = applink_payload(&report(), &mut buf);
    applink::wire::Header::secured(1, 1000, 0x0102).buffer_len()
        + payload
        + applink::wire::frame::TAG_LEN
}

/// The same report's content as Matter TLV (see `matter.rs`).
pub fn matter_report_tlv() -> Vec<u8> {
    use matter::Data;
    matter::report_tlv(
        1,
        1,
        6,
        42,
        &[
            (0, Data::Bool(true)),
            (1, Data::U8(200)),
            (2, Data::U16(4000)),
            (3, Data::F32(21.5)),
            (4, Data::Str(NAME)),
        ],
    )
}

/// The standard messages, in table order.
pub const MESSAGES: [&str; 3] = ["report", "invoke", "descriptor"];
