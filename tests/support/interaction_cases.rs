//! The cases behind `spec/vectors/descriptors.json` and
//! `spec/vectors/interaction.json`, shared by their generator
//! (`examples/gen_interaction_vectors.rs`) and their test
//! (`tests/interaction_vectors.rs`).

use applink::catalog::{
    self, basic_information, device_types, identify, level_control, on_off, reference,
};
use applink::descriptor::{self, Compact, DeviceTypeRef, OwnedDescriptor, Privilege};
use applink::interaction::{
    Context, Dispatcher, EndpointEntry, EventCounter, Handler, Instance, Peer, RamSequenceStore,
    Response,
};
use applink::message::*;
use applink::time::Instant;
use serde_json::{Value as Json, json};

/// The descriptor vectors: name and device.
pub fn descriptor_cases() -> Vec<(&'static str, Compact<'static>)> {
    vec![("lamp", reference::LAMP), ("washer", reference::WASHER)]
}

/// Calls `f` with every message vector: name and message.
pub fn message_cases(f: &mut dyn FnMut(&str, &Message<'_>)) {
    let attrs = [on_off::ON];
    let av = [AttributeValue::new(0, Value::U8(128))];
    let args = [Field::new(0, Value::U8(50)), Field::new(1, Value::U16(10))];
    let fields = [Field::new(0, Value::Enum(1))];
    let values = [AttributeValue::new(0, Value::Bool(true))];
    let records = [Record {
        endpoint: EndpointId(1),
        capability: on_off::ID,
        data_version: 7,
        values: Seq::from_slice(&values),
    }];
    let ev_fields = [Field::new(0, Value::U32(5400))];
    let hash = Fixed([0xAB; 16]);
    f("describe", &Message::Describe(Describe { offset: 96 }));
    f(
        "describe_capability",
        &Message::DescribeCapability(DescribeCapability {
            endpoint: EndpointId(1),
            capability: level_control::ID,
            offset: 40,
        }),
    );
    f(
        "descriptor_chunk",
        &Message::Descriptor(DescriptorChunk {
            hash,
            total_len: 300,
            offset: 96,
            data: Bytes(&[1, 2, 3]),
        }),
    );
    f(
        "read_one",
        &Message::Read(Read {
            endpoint: EndpointId(1),
            capability: Some(on_off::ID),
            attributes: Seq::from_slice(&attrs),
        }),
    );
    f(
        "read_endpoint",
        &Message::Read(Read {
            endpoint: EndpointId(1),
            capability: None,
            attributes: Seq::empty(),
        }),
    );
    f(
        "read_reply",
        &Message::ReadReply(ReadReply {
            records: Seq::from_slice(&records),
            more: false,
        }),
    );
    f(
        "write_with_version",
        &Message::Write(Write {
            endpoint: EndpointId(1),
            capability: level_control::ID,
            data_version: Some(7),
            values: Seq::from_slice(&av),
        }),
    );
    f(
        "write_reply",
        &Message::WriteReply(WriteReply { data_version: 8 }),
    );
    f(
        "invoke",
        &Message::Invoke(Invoke {
            endpoint: EndpointId(1),
            capability: level_control::ID,
            command: level_control::move_to_level::ID,
            timed_ms: None,
            args: Seq::from_slice(&args),
        }),
    );
    f(
        "invoke_timed",
        &Message::Invoke(Invoke {
            endpoint: EndpointId(1),
            capability: catalog::door_lock::ID,
            command: catalog::door_lock::unlock::ID,
            timed_ms: Some(1000),
            args: Seq::empty(),
        }),
    );
    f(
        "invoke_reply",
        &Message::InvokeReply(InvokeReply {
            status: Status::SUCCESS,
            fields: Seq::from_slice(&fields),
        }),
    );
    f(
        "subscribe",
        &Message::Subscribe(Subscribe {
            endpoint: EndpointId(1),
            capability: Some(on_off::ID),
            attributes: Seq::empty(),
            min_interval_ms: 1000,
            max_interval_ms: 60_000,
            min_change: 0,
            events: true,
        }),
    );
    f(
        "subscribe_reply",
        &Message::SubscribeReply(SubscribeReply {
            subscription: 1,
            max_interval_ms: 60_000,
        }),
    );
    f(
        "unsubscribe",
        &Message::Unsubscribe(Unsubscribe { subscription: 1 }),
    );
    f(
        "report",
        &Message::Report(Report {
            subscription: 1,
            records: Seq::from_slice(&records),
        }),
    );
    f(
        "event",
        &Message::Event(Event {
            endpoint: EndpointId(1),
            capability: catalog::operational_state::ID,
            event: catalog::operational_state::CYCLE_COMPLETE,
            sequence: 1024,
            priority: Priority::Info,
            timestamp_ms: Some(1_700_000_000_000),
            fields: Seq::from_slice(&ev_fields),
        }),
    );
    f(
        "status_constraint_error",
        &Message::Status(StatusReport {
            status: Status::CONSTRAINT_ERROR,
        }),
    );
}

/// The lamp's handlers for the transcript: plain attribute tables, with
/// on/off's commands.
struct Attrs {
    values: Vec<(AttributeId, Value<'static>)>,
    toggles: bool,
}

impl Handler for Attrs {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        self.values
            .iter()
            .find(|(a, _)| *a == attribute)
            .map(|(_, v)| *v)
            .ok_or(Status::UNSUPPORTED_ATTRIBUTE)
    }

    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        _cx: &mut Context,
    ) -> Result<(), Status> {
        let slot = self
            .values
            .iter_mut()
            .find(|(a, _)| *a == attribute)
            .ok_or(Status::FAILURE)?;
        slot.1 = match *value {
            Value::U8(v) => Value::U8(v),
            Value::U16(v) => Value::U16(v),
            Value::Bool(v) => Value::Bool(v),
            _ => return Err(Status::FAILURE),
        };
        Ok(())
    }

    fn invoke(
        &mut self,
        command: CommandId,
        _args: &Seq<'_, Field<'_>>,
        _r: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        if !self.toggles {
            return Err(Status::UNSUPPORTED_COMMAND);
        }
        let on = matches!(self.values[0].1, Value::Bool(true));
        self.values[0].1 = Value::Bool(match command {
            on_off::off::ID => false,
            on_off::on::ID => true,
            _ => !on,
        });
        cx.changed(on_off::ON);
        Ok(())
    }
}

fn attrs(values: &[(u16, Value<'static>)], toggles: bool) -> Attrs {
    Attrs {
        values: values.iter().map(|(a, v)| (AttributeId(*a), *v)).collect(),
        toggles,
    }
}

/// Runs the reference lamp's dispatcher through a fixed conversation and
/// returns its steps as JSON, with the descriptor hash it announced.
pub fn transcript() -> (Json, DescriptorHash) {
    let mut basic = attrs(
        &[
            (0, Value::Str("Test Vendor")),
            (1, Value::Str("Reference Lamp")),
            (2, Value::Str("L-0001")),
            (3, Value::Str("1.0.0")),
            (4, Value::Str("DE")),
            (5, Value::Str("Desk")),
            (6, Value::Bool(true)),
        ],
        false,
    );
    let mut ident = attrs(&[(0, Value::U16(0))], false);
    let mut light = attrs(&[(0, Value::Bool(false))], true);
    let mut level = attrs(
        &[
            (0, Value::U8(100)),
            (1, Value::U8(1)),
            (2, Value::U8(254)),
            (3, Value::Null),
        ],
        false,
    );
    let mut root = [Instance::new(&basic_information::CAPABILITY, &mut basic)
        .with_present(reference::ROOT_PRESENT)];
    let mut lamp = [
        Instance::new(&identify::CAPABILITY, &mut ident),
        Instance::new(&on_off::CAPABILITY, &mut light),
        Instance::new(&level_control::CAPABILITY, &mut level)
            .with_present(reference::LAMP_LEVEL_PRESENT),
    ];
    let root_types: [DeviceTypeRef; 1] = [device_types::ROOT_NODE.reference()];
    let lamp_types: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
    let mut endpoints = [
        EndpointEntry::new(0, &root_types, &mut root),
        EndpointEntry::new(1, &lamp_types, &mut lamp),
    ];
    let counter = EventCounter::new(RamSequenceStore::default(), 64);
    let mut d: Dispatcher<'_, RamSequenceStore, 2, 256> =
        Dispatcher::new(reference::LAMP.info, &mut endpoints, counter, 7).expect("valid lamp");
    let hash = d.descriptor_hash();

    let user = Peer {
        session: 1,
        privilege: Privilege::User,
    };
    let stranger = Peer {
        session: 0,
        privilege: Privilege::Unauthenticated,
    };
    let on = [on_off::ON];
    let level_128 = [AttributeValue::new(0, Value::U8(128))];
    let level_255 = [AttributeValue::new(0, Value::U8(255))];
    let min_level = [AttributeValue::new(1, Value::U8(5))];
    let steps: Vec<(&str, Peer, u64, Message<'_>)> = vec![
        (
            "describe from 0 (64-byte frames)",
            stranger,
            0,
            Message::Describe(Describe { offset: 0 }),
        ),
        (
            "describe_capability level_control from 0 (64-byte frames)",
            stranger,
            0,
            Message::DescribeCapability(DescribeCapability {
                endpoint: EndpointId(1),
                capability: level_control::ID,
                offset: 0,
            }),
        ),
        (
            "read without pairing",
            stranger,
            0,
            Message::Read(Read {
                endpoint: EndpointId(1),
                capability: None,
                attributes: Seq::empty(),
            }),
        ),
        (
            "read on_off.on",
            user,
            10,
            Message::Read(Read {
                endpoint: EndpointId(1),
                capability: Some(on_off::ID),
                attributes: Seq::from_slice(&on),
            }),
        ),
        (
            "read all of endpoint 1 (chunked)",
            user,
            20,
            Message::Read(Read {
                endpoint: EndpointId(1),
                capability: None,
                attributes: Seq::empty(),
            }),
        ),
        (
            "write level 128 at data version 7",
            user,
            30,
            Message::Write(Write {
                endpoint: EndpointId(1),
                capability: level_control::ID,
                data_version: Some(7),
                values: Seq::from_slice(&level_128),
            }),
        ),
        (
            "write level 255: out of range",
            user,
            40,
            Message::Write(Write {
                endpoint: EndpointId(1),
                capability: level_control::ID,
                data_version: None,
                values: Seq::from_slice(&level_255),
            }),
        ),
        (
            "write min_level: read-only",
            user,
            50,
            Message::Write(Write {
                endpoint: EndpointId(1),
                capability: level_control::ID,
                data_version: None,
                values: Seq::from_slice(&min_level),
            }),
        ),
        (
            "write at stale data version 7",
            user,
            60,
            Message::Write(Write {
                endpoint: EndpointId(1),
                capability: level_control::ID,
                data_version: Some(7),
                values: Seq::from_slice(&level_128),
            }),
        ),
        (
            "invoke toggle",
            user,
            70,
            Message::Invoke(Invoke {
                endpoint: EndpointId(1),
                capability: on_off::ID,
                command: on_off::toggle::ID,
                timed_ms: None,
                args: Seq::empty(),
            }),
        ),
        (
            "invoke unknown command 9",
            user,
            80,
            Message::Invoke(Invoke {
                endpoint: EndpointId(1),
                capability: on_off::ID,
                command: CommandId(9),
                timed_ms: None,
                args: Seq::empty(),
            }),
        ),
        (
            "read unknown endpoint 5",
            user,
            90,
            Message::Read(Read {
                endpoint: EndpointId(5),
                capability: None,
                attributes: Seq::empty(),
            }),
        ),
        (
            "subscribe to on_off, 1 s .. 60 s",
            user,
            100,
            Message::Subscribe(Subscribe {
                endpoint: EndpointId(1),
                capability: Some(on_off::ID),
                attributes: Seq::empty(),
                min_interval_ms: 1000,
                max_interval_ms: 60_000,
                min_change: 0,
                events: false,
            }),
        ),
    ];
    let mut out = Vec::new();
    for (note, peer, at, request) in &steps {
        let mut buf = [0u8; 64];
        let mut replies = Vec::new();
        d.handle(
            request,
            *peer,
            Instant::from_millis(*at),
            &mut buf,
            &mut |m| replies.push(hex::encode(m)),
        )
        .expect("answered");
        let mut report = [0u8; 64];
        while let Some(o) = d.poll_report(&mut report).expect("report fits") {
            replies.push(hex::encode(&report[..o.len]));
        }
        let mut req = [0u8; 64];
        let n = request.to_slice(&mut req).expect("request fits").len();
        out.push(json!({
            "step": note,
            "privilege": format!("{:?}", peer.privilege),
            "at_ms": at,
            "request": hex::encode(&req[..n]),
            "replies": replies,
        }));
    }
    (Json::Array(out), hash)
}

/// The two JSON documents, as committed.
pub fn render() -> (String, String) {
    let descriptors: Vec<Json> = descriptor_cases()
        .into_iter()
        .map(|(name, device)| {
            let bytes = descriptor::encode::encode_to_vec(&device);
            let owned = OwnedDescriptor::from_vec(bytes.clone()).expect("a reference device");
            json!({
                "name": name,
                "length": bytes.len(),
                "hash": hex::encode(descriptor::hash_bytes(&bytes).0),
                "encoded": hex::encode(&bytes),
                "expanded": hex::encode(owned.expanded_bytes()),
            })
        })
        .collect();
    let descriptors = json!({
        "about": "Encoded descriptors (spec/INTERACTION.md, Descriptor encoding: standard capabilities by catalog reference), their hashes (the first 16 bytes of SHA-256 over the encoding) and their expansions from the catalog (section 2.3: every capability in full). Generated by examples/gen_interaction_vectors.rs.",
        "vectors": descriptors,
    });
    let mut messages = Vec::new();
    message_cases(&mut |name, m| {
        let mut buf = [0u8; 128];
        let n = m.to_slice(&mut buf).expect("case fits").len();
        messages.push(json!({ "name": name, "type": m.name(), "payload": hex::encode(&buf[..n]) }));
    });
    let (steps, hash) = transcript();
    let interaction = json!({
        "about": "Interaction message payloads (no frame header or trailer), then a transcript of the reference lamp's dispatcher: each request payload and the reply payloads it produced, with 64-byte reply buffers. Generated by examples/gen_interaction_vectors.rs.",
        "messages": messages,
        "transcript": { "device": "lamp", "descriptor_hash": hex::encode(hash.0), "steps": steps },
        "batch_transcript": batch_transcript(),
    });
    let pretty = |v: &Json| serde_json::to_string_pretty(v).expect("json") + "\n";
    (pretty(&descriptors), pretty(&interaction))
}

// ---- Batched requests (spec/INTERACTION.md section 10) -------------------

/// Runs a three-lamp dispatcher (on/off and level control on endpoints
/// 1..=3, plain attribute tables) through batches: a scene, a failure with
/// and without `stop_on_failure`, per-item checks, an unpaired peer and a
/// reply buffer too small for every result. Each step gives the reply
/// buffer's size, the request payload and the reply payloads.
pub fn batch_transcript() -> Json {
    let lamp = || attrs(&[(0, Value::Bool(false))], true);
    let level = || {
        attrs(
            &[
                (0, Value::U8(100)),
                (1, Value::U8(1)),
                (2, Value::U8(254)),
                (3, Value::Null),
            ],
            false,
        )
    };
    let (mut o1, mut o2, mut o3) = (lamp(), lamp(), lamp());
    let (mut l1, mut l2, mut l3) = (level(), level(), level());
    let mut e1 = [
        Instance::new(&on_off::CAPABILITY, &mut o1),
        Instance::new(&level_control::CAPABILITY, &mut l1).with_all_optional(),
    ];
    let mut e2 = [
        Instance::new(&on_off::CAPABILITY, &mut o2),
        Instance::new(&level_control::CAPABILITY, &mut l2).with_all_optional(),
    ];
    let mut e3 = [
        Instance::new(&on_off::CAPABILITY, &mut o3),
        Instance::new(&level_control::CAPABILITY, &mut l3).with_all_optional(),
    ];
    let mut endpoints = [
        EndpointEntry::new(1, &[], &mut e1),
        EndpointEntry::new(2, &[], &mut e2),
        EndpointEntry::new(3, &[], &mut e3),
    ];
    let counter = EventCounter::new(RamSequenceStore::default(), 64);
    let mut d: Dispatcher<'_, RamSequenceStore, 2, 256> =
        Dispatcher::new(reference::LAMP.info, &mut endpoints, counter, 7).expect("valid lamps");
    let user = Peer {
        session: 1,
        privilege: Privilege::User,
    };
    let stranger = Peer {
        session: 0,
        privilege: Privilege::Unauthenticated,
    };
    let invoke = |endpoint: u16, command: CommandId| {
        BatchItem::Invoke(Invoke {
            endpoint: EndpointId(endpoint),
            capability: on_off::ID,
            command,
            timed_ms: None,
            args: Seq::empty(),
        })
    };
    let on_level_200 = [AttributeValue::new(
        level_control::ON_LEVEL.0,
        Value::U8(200),
    )];
    let min_level = [AttributeValue::new(
        level_control::MIN_LEVEL.0,
        Value::U8(5),
    )];
    let write = |endpoint: u16, values: &'static [AttributeValue<'static>]| {
        BatchItem::Write(Write {
            endpoint: EndpointId(endpoint),
            capability: level_control::ID,
            data_version: None,
            values: Seq::from_slice(values),
        })
    };
    let on_level_200: &'static [AttributeValue<'static>] = Box::leak(Box::new(on_level_200));
    let min_level: &'static [AttributeValue<'static>] = Box::leak(Box::new(min_level));
    let scene = [
        invoke(1, on_off::on::ID),
        invoke(2, on_off::on::ID),
        write(3, on_level_200),
    ];
    let failing = [
        invoke(1, on_off::off::ID),
        invoke(9, on_off::on::ID),
        invoke(2, on_off::off::ID),
    ];
    let checked = [
        write(1, min_level),
        invoke(1, CommandId(9)),
        invoke(3, on_off::toggle::ID),
    ];
    let toggles = [
        invoke(1, on_off::toggle::ID),
        invoke(2, on_off::toggle::ID),
        invoke(3, on_off::toggle::ID),
    ];
    let steps: [(&str, Peer, usize, bool, &[BatchItem<'_>]); 6] = [
        (
            "scene: on 1, on 2, on_level 200 on 3",
            user,
            64,
            false,
            &scene,
        ),
        (
            "off 1, on 9 (no such endpoint), off 2: stop on failure",
            user,
            64,
            true,
            &failing,
        ),
        ("the same, every item run", user, 64, false, &failing),
        (
            "write read-only min_level, unknown command 9, toggle 3",
            user,
            64,
            false,
            &checked,
        ),
        ("a batch without pairing", stranger, 64, false, &scene),
        (
            "three toggles, an 18-byte reply buffer",
            user,
            18,
            false,
            &toggles,
        ),
    ];
    let mut out = Vec::new();
    for (k, (note, peer, room, stop_on_failure, items)) in steps.iter().enumerate() {
        let request = Message::Batch(Batch {
            stop_on_failure: *stop_on_failure,
            items: Seq::from_slice(items),
        });
        let mut buf = [0u8; 64];
        let mut replies = Vec::new();
        d.handle(
            &request,
            *peer,
            Instant::from_millis(10 * k as u64),
            &mut buf[..*room],
            &mut |m| replies.push(hex::encode(m)),
        )
        .expect("answered");
        let mut req = [0u8; 64];
        let n = request.to_slice(&mut req).expect("request fits").len();
        out.push(json!({
            "step": note,
            "privilege": format!("{:?}", peer.privilege),
            "reply_buffer": room,
            "request": hex::encode(&req[..n]),
            "replies": replies,
        }));
    }
    json!({ "device": "three lamps on endpoints 1..=3", "steps": out })
}
