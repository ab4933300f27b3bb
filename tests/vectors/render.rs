//! The JSON form of the vectors: decoded values, messages, headers and
//! errors as plain JSON (the format `spec/vectors/README.md` documents), and
//! the rendering of the whole case table into the files of `spec/vectors/`.

use serde::Serialize;
use serde_json::{Value as Json, json};

use super::{
    Case, Expect, File, Kind, REASSEMBLY_CAPACITY, REASSEMBLY_SLOTS, REASSEMBLY_TIMEOUT_MS,
    StreamEvent, frame,
};
use applink::CodecError;
use applink::message::{
    AdminRequest, AttributeValue, BatchItem, BatchResult, Field, HelloReject, HelloReply, Message,
    MessageError, Offer, Priority, Purpose, Record, Seq, Status, Value,
};
use applink::wire::{Flags, Header, WireError};

/// The vector file format version.
pub const FORMAT: u32 = 1;

/// One file of `spec/vectors/`.
#[derive(Serialize)]
pub struct VectorFile {
    pub format: u32,
    pub description: &'static str,
    pub vectors: Vec<Vector>,
}

/// One vector, in the field order of the committed files.
#[derive(Serialize)]
pub struct Vector {
    pub name: &'static str,
    pub description: &'static str,
    pub kind: &'static str,
    pub hex: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical: Option<bool>,
    pub decoded: Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Json>,
}

/// Every file of `spec/vectors/` as `(file name, contents)`.
pub fn files(cases: &[Case]) -> Vec<(&'static str, String)> {
    File::ALL
        .iter()
        .map(|&file| {
            let doc = VectorFile {
                format: FORMAT,
                description: file.description(),
                vectors: cases
                    .iter()
                    .filter(|c| c.file == file)
                    .map(vector)
                    .collect(),
            };
            let mut text = serde_json::to_string_pretty(&doc).expect("JSON renders");
            text.push('\n');
            (file.name(), text)
        })
        .collect()
}

/// The JSON vector for a case.
pub fn vector(case: &Case) -> Vector {
    let (kind, canonical, decoded, error) = match &case.kind {
        Kind::Value(v) => ("value", None, value(v), None),
        Kind::ValueNonCanonical { value: v, .. } => ("value", Some(false), value(v), None),
        Kind::BadValue(_) => (
            "value",
            None,
            Json::Null,
            Some(codec_error(CodecError::Message(MessageError::Malformed))),
        ),
        Kind::Frame {
            header: h,
            message: m,
        } => ("frame", None, framed(h, m), None),
        Kind::FrameNonCanonical {
            header: h,
            message: m,
            ..
        } => ("frame", Some(false), framed(h, m), None),
        Kind::Secured {
            header: h,
            ciphertext,
            tag,
        } => (
            "secured_frame",
            None,
            json!({"header": header(h), "ciphertext": hex::encode(ciphertext), "tag": hex::encode(tag)}),
            None,
        ),
        Kind::BadFrame { error, .. } => ("frame", None, Json::Null, Some(codec_error(*error))),
        Kind::Stream {
            capacity, events, ..
        } => (
            "stream",
            None,
            json!({
                "capacity": capacity,
                "events": events.iter().map(stream_event).collect::<Vec<_>>(),
            }),
            None,
        ),
        Kind::Segmentation {
            tag, mtu, segments, ..
        } => (
            "segmentation",
            None,
            json!({
                "tag": tag,
                "mtu": mtu,
                "segments": segments.iter().map(hex::encode).collect::<Vec<_>>(),
            }),
            None,
        ),
        Kind::Reassembly { steps } => (
            "reassembly",
            None,
            json!({
                "slots": REASSEMBLY_SLOTS,
                "capacity": REASSEMBLY_CAPACITY,
                "timeout_ms": REASSEMBLY_TIMEOUT_MS,
                "steps": steps.iter().map(|s| json!({
                    "at_ms": s.at_ms,
                    "segment": hex::encode(&s.segment),
                    "result": expect(&s.expect),
                })).collect::<Vec<_>>(),
            }),
            match steps.last().map(|s| &s.expect) {
                Some(Expect::Error(e)) => Some(wire_error(*e)),
                _ => None,
            },
        ),
    };
    Vector {
        name: case.name,
        description: case.description,
        kind,
        hex: hex::encode(case.bytes()),
        canonical,
        decoded,
        error,
    }
}

fn stream_event(e: &StreamEvent) -> Json {
    match e {
        StreamEvent::Frame {
            header: h,
            message: m,
        } => json!({
            "type": "Frame",
            "frame": hex::encode(frame(h, m)),
            "header": header(h),
            "message": message(m),
        }),
        StreamEvent::Error(e) => json!({"type": "Error", "error": wire_error(*e)}),
    }
}

fn expect(e: &Expect) -> Json {
    match e {
        Expect::Pending => json!({"type": "Pending"}),
        Expect::Complete(m) => json!({"type": "Complete", "message": hex::encode(m)}),
        Expect::Error(e) => json!({"type": "Error", "error": wire_error(*e)}),
    }
}

/// A plaintext frame: header and message.
pub fn framed(h: &Header, m: &Message<'_>) -> Json {
    json!({"header": header(h), "message": message(m)})
}

/// A header: flags as the letters set on the wire, in bit order.
pub fn header(h: &Header) -> Json {
    let mut flags = Vec::new();
    for (flag, letter) in [
        (Some(Flags::SECURED), "S"),
        (Some(Flags::ACK_REQUESTED), "R"),
        (None, "A"),
        (Some(Flags::INITIATOR), "I"),
        (Some(Flags::KEY_PHASE), "K"),
    ] {
        let set = match flag {
            Some(f) => h.flags.contains(f),
            None => h.ack.is_some(),
        };
        if set {
            flags.push(letter);
        }
    }
    json!({
        "version": h.version,
        "flags": flags,
        "session": h.session,
        "counter": h.counter,
        "exchange": h.exchange,
        "ack": h.ack,
    })
}

fn status(s: Status) -> Json {
    json!(s.0)
}

fn tagged(name: &str, fields: Json) -> Json {
    let mut out = serde_json::Map::new();
    out.insert("type".into(), json!(name));
    if let Json::Object(map) = fields {
        out.extend(map);
    }
    Json::Object(out)
}

fn unit<T: core::fmt::Debug>(v: T) -> Json {
    json!({"type": format!("{v:?}")})
}

fn list<'a, T: applink::message::Item<'a>>(s: &Seq<'a, T>, f: impl Fn(&T) -> Json) -> Json {
    Json::Array(s.iter().map(|item| f(&item)).collect())
}

fn attribute_value(a: &AttributeValue<'_>) -> Json {
    json!({"attribute": a.attribute.0, "value": value(&a.value)})
}

fn field(f: &Field<'_>) -> Json {
    json!({"id": f.id.0, "value": value(&f.value)})
}

fn record(r: &Record<'_>) -> Json {
    json!({
        "endpoint": r.endpoint.0,
        "capability": r.capability.0,
        "data_version": r.data_version,
        "values": list(&r.values, attribute_value),
    })
}

/// A value as `{"type": variant, ...}`.
pub fn value(v: &Value<'_>) -> Json {
    match v {
        Value::Null => json!({"type": "Null"}),
        Value::Bool(x) => json!({"type": "Bool", "value": x}),
        Value::U8(x) => json!({"type": "U8", "value": x}),
        Value::U16(x) => json!({"type": "U16", "value": x}),
        Value::U32(x) => json!({"type": "U32", "value": x}),
        Value::U64(x) => json!({"type": "U64", "value": x}),
        Value::I8(x) => json!({"type": "I8", "value": x}),
        Value::I16(x) => json!({"type": "I16", "value": x}),
        Value::I32(x) => json!({"type": "I32", "value": x}),
        Value::I64(x) => json!({"type": "I64", "value": x}),
        Value::F32(x) => json!({"type": "F32", "value": f64::from(*x)}),
        Value::F64(x) => json!({"type": "F64", "value": x}),
        Value::Str(x) => json!({"type": "Str", "value": x}),
        Value::Bytes(x) => json!({"type": "Bytes", "value": hex::encode(x.0)}),
        Value::Enum(x) => json!({"type": "Enum", "value": x}),
        Value::Bitmap(x) => json!({"type": "Bitmap", "value": x}),
        Value::List(items) => json!({"type": "List", "items": list(items, value)}),
        Value::Struct(fields) => json!({"type": "Struct", "fields": list(fields, field)}),
    }
}

fn purpose(p: Purpose) -> Json {
    unit(p)
}

fn priority(p: Priority) -> Json {
    unit(p)
}

fn hello_reject(r: &HelloReject) -> Json {
    match r {
        HelloReject::UnsupportedVersion { min, max } => {
            json!({"type": "UnsupportedVersion", "min": min, "max": max})
        }
        HelloReject::NotPaired => json!({"type": "NotPaired"}),
        HelloReject::PairingWindowClosed => json!({"type": "PairingWindowClosed"}),
        HelloReject::Busy { retry_after_ms } => {
            json!({"type": "Busy", "retry_after_ms": retry_after_ms})
        }
        HelloReject::LockedOut { retry_after_s } => {
            json!({"type": "LockedOut", "retry_after_s": retry_after_s})
        }
    }
}

/// A message as `{"type": name, field: value, ...}`.
fn offer(o: &Offer) -> Json {
    json!({"max_frame": o.max_frame, "features": o.features.0})
}

pub fn message(m: &Message<'_>) -> Json {
    let fields = match m {
        Message::Hello(h) => json!({
            "min_version": h.min_version,
            "max_version": h.max_version,
            "max_frame": h.max_frame,
            "features": h.features.0,
            "purpose": purpose(h.purpose),
        }),
        // A message whose content is an enum carries it under `value`, as
        // does a variant whose content is one enum (vectors/README.md).
        Message::HelloReply(HelloReply::Accept(a)) => json!({"value": {
            "type": "Accept",
            "version": a.version,
            "max_frame": a.max_frame,
            "features": a.features.0,
            "descriptor_hash": hex::encode(a.descriptor_hash.0),
            "device_id": hex::encode(a.device_id.0),
        }}),
        Message::HelloReply(HelloReply::Reject(r)) => {
            json!({"value": {"type": "Reject", "value": hello_reject(r)}})
        }
        Message::PairRequest(p) => json!({
            "session": p.session,
            "share": hex::encode(p.share.0),
            "offer": offer(&p.offer),
        }),
        Message::PairChallenge(p) => json!({
            "session": p.session,
            "share": hex::encode(p.share.0),
            "confirm": hex::encode(p.confirm.0),
            "identity": hex::encode(p.identity.0),
        }),
        Message::PairFinish(p) => json!({
            "confirm": hex::encode(p.confirm.0),
            "identity": hex::encode(p.identity.0),
            "proof": hex::encode(p.proof.0),
        }),
        Message::ResumeRequest(r) => json!({
            "session": r.session,
            "ephemeral": hex::encode(r.ephemeral.0),
            "identity": hex::encode(r.identity.0),
            "payload": hex::encode(r.payload.0),
            "offer": offer(&r.offer),
            "mac": hex::encode(r.mac.0),
        }),
        Message::ResumeReply(r) => json!({
            "ephemeral": hex::encode(r.ephemeral.0),
            "payload": hex::encode(r.payload.0),
        }),
        Message::Describe(d) => json!({"offset": d.offset}),
        Message::Descriptor(d) => json!({
            "hash": hex::encode(d.hash.0),
            "total_len": d.total_len,
            "offset": d.offset,
            "data": hex::encode(d.data.0),
        }),
        Message::Read(r) => json!({
            "endpoint": r.endpoint.0,
            "capability": r.capability.map(|c| c.0),
            "attributes": list(&r.attributes, |a| json!(a.0)),
        }),
        Message::ReadReply(r) => json!({"records": list(&r.records, record), "more": r.more}),
        Message::Write(w) => json!({
            "endpoint": w.endpoint.0,
            "capability": w.capability.0,
            "data_version": w.data_version,
            "values": list(&w.values, attribute_value),
        }),
        Message::WriteReply(w) => json!({"data_version": w.data_version}),
        Message::Invoke(i) => json!({
            "endpoint": i.endpoint.0,
            "capability": i.capability.0,
            "command": i.command.0,
            "timed_ms": i.timed_ms,
            "args": list(&i.args, field),
        }),
        Message::InvokeReply(r) => {
            json!({"status": status(r.status), "fields": list(&r.fields, field)})
        }
        Message::Subscribe(s) => json!({
            "endpoint": s.endpoint.0,
            "capability": s.capability.map(|c| c.0),
            "attributes": list(&s.attributes, |a| json!(a.0)),
            "min_interval_ms": s.min_interval_ms,
            "max_interval_ms": s.max_interval_ms,
            "min_change": s.min_change,
            "events": s.events,
        }),
        Message::SubscribeReply(s) => json!({
            "subscription": s.subscription,
            "max_interval_ms": s.max_interval_ms,
        }),
        Message::Unsubscribe(u) => json!({"subscription": u.subscription}),
        Message::Report(r) => json!({
            "subscription": r.subscription,
            "records": list(&r.records, record),
        }),
        Message::Event(e) => json!({
            "endpoint": e.endpoint.0,
            "capability": e.capability.0,
            "event": e.event.0,
            "sequence": e.sequence,
            "priority": priority(e.priority),
            "timestamp_ms": e.timestamp_ms,
            "fields": list(&e.fields, field),
        }),
        Message::Status(s) => json!({"status": status(s.status)}),
        Message::Ping(p) => json!({"nonce": p.nonce}),
        Message::Pong(p) => json!({"nonce": p.nonce}),
        Message::Close(c) => json!({"reason": status(c.reason)}),
        Message::Ack => json!({}),
        Message::Admin(a) => json!({"value": match a {
            AdminRequest::List { from } => json!({"type": "List", "from": from}),
            AdminRequest::Remove { peer } => json!({"type": "Remove", "peer": hex::encode(peer.0)}),
            AdminRequest::SetRole { peer, admin } => {
                json!({"type": "SetRole", "peer": hex::encode(peer.0), "admin": admin})
            }
            AdminRequest::OpenWindow { seconds, verifier } => json!({
                "type": "OpenWindow",
                "seconds": seconds,
                "verifier": hex::encode(verifier.0),
            }),
            AdminRequest::CloseWindow => json!({"type": "CloseWindow"}),
        }}),
        Message::PairingList(l) => json!({
            "total": l.total,
            "from": l.from,
            "entries": l
                .entries
                .iter()
                .map(|e| json!({"peer": hex::encode(e.peer.0), "admin": e.admin}))
                .collect::<Vec<_>>(),
        }),
        Message::PairingAdded(a) => json!({"peer": hex::encode(a.peer.0), "admin": a.admin}),
        Message::DescribeCapability(d) => json!({
            "endpoint": d.endpoint.0,
            "capability": d.capability.0,
            "offset": d.offset,
        }),
        Message::Batch(b) => json!({
            "stop_on_failure": b.stop_on_failure,
            "items": list(&b.items, |item| match *item {
                BatchItem::Write(w) => message(&Message::Write(w)),
                BatchItem::Invoke(i) => message(&Message::Invoke(i)),
            }),
        }),
        Message::BatchReply(r) => json!({
            "results": list(&r.results, |result| match *result {
                BatchResult::Written(w) => tagged("Written", json!({"data_version": w.data_version})),
                BatchResult::Invoked(i) => tagged(
                    "Invoked",
                    json!({"status": status(i.status), "fields": list(&i.fields, field)}),
                ),
                BatchResult::Failed(s) => tagged("Failed", json!({"status": status(s)})),
                BatchResult::NotRun => tagged("NotRun", json!({})),
            }),
        }),
    };
    tagged(m.name(), fields)
}

/// A wire-layer rejection as `{"type": variant, parameters...}`.
pub fn wire_error(e: WireError) -> Json {
    match e {
        WireError::UnsupportedVersion(v) => json!({"type": "UnsupportedVersion", "version": v}),
        WireError::ReservedFlags(f) => json!({"type": "ReservedFlags", "flags": f}),
        WireError::BufferTooSmall { needed } => {
            json!({"type": "BufferTooSmall", "needed": needed})
        }
        WireError::Oversize { capacity } => json!({"type": "Oversize", "capacity": capacity}),
        WireError::MessageTooLarge { len, capacity } => {
            json!({"type": "MessageTooLarge", "len": len, "capacity": capacity})
        }
        // Every other variant has no parameters; its Debug form is its name.
        other => json!({"type": format!("{other:?}")}),
    }
}

/// A codec rejection: its layer, its variant, and the status a receiver
/// answering it sends.
pub fn codec_error(e: CodecError) -> Json {
    let (layer, body) = match e {
        CodecError::Wire(w) => ("wire", wire_error(w)),
        CodecError::Message(MessageError::UnknownType(t)) => {
            ("message", json!({"type": "UnknownType", "message_type": t}))
        }
        CodecError::Message(m) => ("message", json!({"type": format!("{m:?}")})),
        other => ("codec", json!({"type": format!("{other:?}")})),
    };
    let mut out = serde_json::Map::new();
    out.insert("layer".into(), json!(layer));
    if let Json::Object(map) = body {
        out.extend(map);
    }
    out.insert("status".into(), json!(e.status().map(|s| s.0)));
    Json::Object(out)
}
