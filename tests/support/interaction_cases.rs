//! The cases behind `spec/vectors/descriptors.json` and
//! `spec/vectors/interaction.json`, shared by their generator
//! (`examples/gen_interaction_vectors.rs`) and their tests
//! (`tests/interaction_vectors.rs`, `tests/mutation.rs`).

#![allow(dead_code)]

#[path = "descriptor_cases.rs"]
pub mod descriptor_cases;
#[path = "descriptor_json.rs"]
pub mod descriptor_json;
#[path = "exchange_cases.rs"]
pub mod exchange_cases;
#[path = "probe.rs"]
pub mod probe;
#[path = "spec_codec.rs"]
pub mod spec_codec;
#[path = "../vectors/cases.rs"]
pub mod vector_cases;

use applink::catalog::{self, level_control, on_off};
use applink::descriptor::{self, OwnedDescriptor};
use applink::message::*;
use serde_json::{Value as Json, json};

pub use vector_cases::render::message as message_json;

/// One message vector: name, description, message.
pub type MessageCase = (&'static str, String, Message<'static>);

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn seq<T>(items: Vec<T>) -> Seq<'static, T> {
    Seq::from_slice(leak(items))
}

/// Every message vector of `interaction.json`.
pub fn message_cases() -> Vec<MessageCase> {
    let records = seq(vec![Record {
        endpoint: EndpointId(1),
        capability: on_off::ID,
        data_version: 7,
        values: seq(vec![AttributeValue::new(0, Value::Bool(true))]),
    }]);
    let event = |priority, timestamp_ms, fields| {
        Message::Event(Event {
            endpoint: EndpointId(1),
            capability: catalog::operational_state::ID,
            event: catalog::operational_state::CYCLE_COMPLETE,
            sequence: 1024,
            priority,
            timestamp_ms,
            fields,
        })
    };
    let mut out: Vec<MessageCase> = vec![
        (
            "payload_describe",
            "Describe from offset 96".into(),
            Message::Describe(Describe { offset: 96 }),
        ),
        (
            "payload_describe_capability",
            "DescribeCapability: level_control on endpoint 1 from offset 40".into(),
            Message::DescribeCapability(DescribeCapability {
                endpoint: EndpointId(1),
                capability: level_control::ID,
                offset: 40,
            }),
        ),
        (
            "payload_descriptor_chunk",
            "Descriptor: 3 bytes at offset 96 of a 300-byte descriptor".into(),
            Message::Descriptor(DescriptorChunk {
                hash: Fixed([0xAB; 16]),
                total_len: 300,
                offset: 96,
                data: Bytes(&[1, 2, 3]),
            }),
        ),
        (
            "payload_read_one",
            "Read on_off.on of endpoint 1".into(),
            Message::Read(Read {
                endpoint: EndpointId(1),
                capability: Some(on_off::ID),
                attributes: seq(vec![on_off::ON]),
            }),
        ),
        (
            "payload_read_endpoint",
            "Read every readable attribute of endpoint 1".into(),
            Message::Read(Read {
                endpoint: EndpointId(1),
                capability: None,
                attributes: Seq::empty(),
            }),
        ),
        (
            "payload_read_reply",
            "ReadReply: one record, no more chunks".into(),
            Message::ReadReply(ReadReply {
                records,
                more: false,
            }),
        ),
        (
            "payload_write_with_version",
            "Write level 128 only at data version 7".into(),
            Message::Write(Write {
                endpoint: EndpointId(1),
                capability: level_control::ID,
                data_version: Some(7),
                values: seq(vec![AttributeValue::new(0, Value::U8(128))]),
            }),
        ),
        (
            "payload_write_reply",
            "WriteReply: new data version 8".into(),
            Message::WriteReply(WriteReply { data_version: 8 }),
        ),
        (
            "payload_invoke",
            "Invoke move_to_level with two arguments".into(),
            Message::Invoke(Invoke {
                endpoint: EndpointId(1),
                capability: level_control::ID,
                command: level_control::move_to_level::ID,
                timed_ms: None,
                args: seq(vec![
                    Field::new(0, Value::U8(50)),
                    Field::new(1, Value::U16(10)),
                ]),
            }),
        ),
        (
            "payload_invoke_timed",
            "A timed Invoke: door_lock unlock within 1000 ms".into(),
            Message::Invoke(Invoke {
                endpoint: EndpointId(1),
                capability: catalog::door_lock::ID,
                command: catalog::door_lock::unlock::ID,
                timed_ms: Some(1000),
                args: Seq::empty(),
            }),
        ),
        (
            "payload_invoke_reply",
            "InvokeReply SUCCESS with one response field".into(),
            Message::InvokeReply(InvokeReply {
                status: Status::SUCCESS,
                fields: seq(vec![Field::new(0, Value::Enum(1))]),
            }),
        ),
        (
            "payload_subscribe",
            "Subscribe to on_off, 1 s to 60 s, with events".into(),
            Message::Subscribe(Subscribe {
                endpoint: EndpointId(1),
                capability: Some(on_off::ID),
                attributes: Seq::empty(),
                min_interval_ms: 1000,
                max_interval_ms: 60_000,
                min_change: 0,
                events: true,
            }),
        ),
        (
            "payload_subscribe_reply",
            "SubscribeReply: subscription 1, 60 s granted".into(),
            Message::SubscribeReply(SubscribeReply {
                subscription: 1,
                max_interval_ms: 60_000,
            }),
        ),
        (
            "payload_unsubscribe",
            "Unsubscribe subscription 1".into(),
            Message::Unsubscribe(Unsubscribe { subscription: 1 }),
        ),
        (
            "payload_report",
            "Report for subscription 1: one record".into(),
            Message::Report(Report {
                subscription: 1,
                records,
            }),
        ),
        (
            "payload_event_info",
            "Event cycle_complete, priority Info, with a timestamp and a field".into(),
            event(
                Priority::Info,
                Some(1_700_000_000_000),
                seq(vec![Field::new(0, Value::U32(5400))]),
            ),
        ),
        (
            "payload_event_debug",
            "Event with priority Debug, no timestamp, no fields".into(),
            event(Priority::Debug, None, Seq::empty()),
        ),
        (
            "payload_event_critical",
            "Event with priority Critical".into(),
            event(Priority::Critical, Some(1), Seq::empty()),
        ),
    ];
    for &status in Status::ALL {
        let name = status.name().expect("a named status");
        out.push((
            Box::leak(format!("payload_status_{}", name.to_lowercase()).into_boxed_str()),
            format!("Status message carrying {name} ({})", status.0),
            Message::Status(StatusReport { status }),
        ));
    }
    out
}

/// The status name a message carries, if it carries one (a `Status`
/// message, or an `InvokeReply`).
pub fn status_of(m: &Message<'_>) -> Option<&'static str> {
    match m {
        Message::Status(s) => s.status.name(),
        Message::InvokeReply(r) => r.status.name(),
        _ => None,
    }
}

fn hex_payload(m: &Message<'_>) -> String {
    let mut buf = [0u8; 256];
    hex::encode(m.to_slice(&mut buf).expect("case fits"))
}

/// The valid descriptor vectors as JSON.
fn descriptor_vectors() -> Vec<Json> {
    let mut out = Vec::new();
    for case in descriptor_cases::valid() {
        let bytes = descriptor::encode::encode_to_vec(&case.device);
        let owned = OwnedDescriptor::from_vec(bytes.clone()).expect("a valid device");
        out.push(json!({
            "name": case.name,
            "description": case.description,
            "kind": "descriptor",
            "hex": hex::encode(&bytes),
            "decoded": descriptor_json::compact(&case.device),
            "hash": hex::encode(descriptor::hash_bytes(&bytes).0),
            "expanded": {
                "hex": hex::encode(owned.expanded_bytes()),
                "decoded": descriptor_json::device(&owned.device()),
            },
        }));
    }
    for case in descriptor_cases::rejected() {
        out.push(json!({
            "name": case.name,
            "description": case.description,
            "kind": "descriptor",
            "hex": hex::encode(&case.bytes),
            "decoded": null,
            "error": case.error,
        }));
    }
    out
}

/// The two JSON documents, as committed.
pub fn render() -> (String, String) {
    let descriptors = json!({
        "format": 1,
        "description": "Descriptors (INTERACTION.md 2): encodings with their decoded fields, hashes (section 3) and catalog expansions (section 2.3), and descriptors a receiver rejects",
        "vectors": descriptor_vectors(),
    });
    let mut vectors: Vec<Json> = message_cases()
        .into_iter()
        .map(|(name, description, m)| {
            let mut v = json!({
                "name": name,
                "description": description,
                "kind": "message",
                "hex": hex_payload(&m),
                "decoded": message_json(&m),
            });
            if let Some(status) = status_of(&m) {
                v["status"] = json!(status);
            }
            v
        })
        .collect();
    vectors.extend(exchange_cases::exchanges());
    let interaction = json!({
        "format": 1,
        "description": "Interaction message payloads (no frame header or trailer), then exchanges with the reference lamp's and the conformance probe's dispatchers: each request and the replies it produced (INTERACTION.md 5 to 8)",
        "devices": exchange_cases::devices(),
        "vectors": vectors,
    });
    let pretty = |v: &Json| serde_json::to_string_pretty(v).expect("json") + "\n";
    (pretty(&descriptors), pretty(&interaction))
}
