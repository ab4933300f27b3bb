//! The exchange vectors of `spec/vectors/interaction.json`: requests run
//! through the reference lamp's and the conformance probe's dispatchers,
//! in order, with the replies each produced.

use applink::catalog::{
    basic_information, device_types, identify, level_control, on_off, reference,
};
use applink::descriptor::{DeviceTypeRef, Privilege};
use applink::interaction::{
    Context, Dispatcher, EndpointEntry, EventCounter, Handler, Instance, Peer, RamSequenceStore,
    Response,
};
use applink::message::*;
use applink::time::Instant;
use serde_json::{Value as Json, json};

use super::{message_json, probe, status_of};

#[path = "batch_cases.rs"]
mod batch;

/// The reply buffer every exchange runs with, in bytes: the room for one
/// message payload.
pub const REPLY_BUFFER: usize = 64;
/// The data version every capability instance starts at.
pub const DATA_VERSION_SEED: u32 = 7;
/// The subscription table's size.
pub const SUBSCRIPTIONS: usize = 2;

type Disp<'a> = Dispatcher<'a, RamSequenceStore, SUBSCRIPTIONS, 256>;

/// The lamp's handlers: plain attribute tables, with
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

fn basic() -> Attrs {
    attrs(
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
    )
}

const LEVEL: [(u16, Value<'static>); 4] = [
    (0, Value::U8(100)),
    (1, Value::U8(1)),
    (2, Value::U8(254)),
    (3, Value::Null),
];

/// One request of an exchange vector.
struct Step {
    name: &'static str,
    description: &'static str,
    peer: Peer,
    at_ms: u64,
    request: Message<'static>,
    /// The reply buffer's size, when it is not [`REPLY_BUFFER`].
    reply_buffer: usize,
}

const fn peer(session: u16, privilege: Privilege) -> Peer {
    Peer { session, privilege }
}
const STRANGER: Peer = peer(0, Privilege::Unauthenticated);
const USER: Peer = peer(1, Privilege::User);
const ADMIN: Peer = peer(2, Privilege::Admin);

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn seq<T>(items: Vec<T>) -> Seq<'static, T> {
    Seq::from_slice(leak(items))
}

fn read(endpoint: u16, capability: Option<CapabilityId>, attributes: &[u16]) -> Message<'static> {
    Message::Read(Read {
        endpoint: EndpointId(endpoint),
        capability,
        attributes: seq(attributes.iter().map(|&a| AttributeId(a)).collect()),
    })
}

fn write(
    capability: CapabilityId,
    data_version: Option<u32>,
    values: Vec<(u16, Value<'static>)>,
) -> Message<'static> {
    Message::Write(Write {
        endpoint: EndpointId(1),
        capability,
        data_version,
        values: seq(values
            .into_iter()
            .map(|(a, v)| AttributeValue::new(a, v))
            .collect()),
    })
}

fn invoke(
    capability: CapabilityId,
    command: CommandId,
    timed_ms: Option<u16>,
    args: Vec<(u16, Value<'static>)>,
) -> Message<'static> {
    Message::Invoke(Invoke {
        endpoint: EndpointId(1),
        capability,
        command,
        timed_ms,
        args: seq(args.into_iter().map(|(i, v)| Field::new(i, v)).collect()),
    })
}

fn subscribe(attributes: &[u16], min: u32, max: u32) -> Message<'static> {
    Message::Subscribe(Subscribe {
        endpoint: EndpointId(1),
        capability: Some(probe::ID),
        attributes: seq(attributes.iter().map(|&a| AttributeId(a)).collect()),
        min_interval_ms: min,
        max_interval_ms: max,
        min_change: 0,
        events: false,
    })
}

fn payload(m: &Message<'_>) -> String {
    let mut buf = [0u8; 256];
    hex::encode(m.to_slice(&mut buf).expect("request fits"))
}

/// Runs `steps` in order on `d` and renders each as a vector.
fn run(d: &mut Disp<'_>, device: &str, steps: Vec<Step>) -> Vec<Json> {
    let mut out = Vec::new();
    for step in steps {
        let mut buf = [0u8; REPLY_BUFFER];
        let mut replies: Vec<Vec<u8>> = Vec::new();
        d.handle(
            &step.request,
            step.peer,
            Instant::from_millis(step.at_ms),
            &mut buf[..step.reply_buffer],
            &mut |m| replies.push(m.to_vec()),
        )
        .expect("answered");
        let mut report = [0u8; REPLY_BUFFER];
        while let Some(o) = d.poll_report(&mut report).expect("report fits") {
            replies.push(report[..o.len].to_vec());
        }
        let decoded: Vec<Message<'_>> = replies
            .iter()
            .map(|r| Message::from_bytes(r).expect("a reply decodes"))
            .collect();
        let mut v = json!({
            "name": step.name,
            "description": step.description,
            "kind": "exchange",
            "hex": payload(&step.request),
            "decoded": {
                "device": device,
                "session": step.peer.session,
                "privilege": format!("{:?}", step.peer.privilege),
                "at_ms": step.at_ms,
                "request": message_json(&step.request),
                "replies": replies.iter().zip(&decoded).map(|(r, m)| json!({
                    "hex": hex::encode(r),
                    "decoded": message_json(m),
                })).collect::<Vec<_>>(),
            },
        });
        if step.reply_buffer != REPLY_BUFFER {
            v["decoded"]["reply_buffer"] = json!(step.reply_buffer);
        }
        if let Some(status) = decoded.first().and_then(status_of) {
            v["status"] = json!(status);
        }
        out.push(v);
    }
    out
}

/// The state the exchanges start from, as `interaction.json` lists it.
pub fn devices() -> Json {
    let values = |vals: &[(u16, Value<'static>)]| {
        vals.iter()
            .map(|(a, v)| json!({"attribute": a, "value": super::vector_cases::render::value(v)}))
            .collect::<Vec<_>>()
    };
    let b = basic();
    let basic_values: Vec<(u16, Value<'static>)> =
        b.values.iter().map(|(a, v)| (a.0, *v)).collect();
    let probe_handler = probe::ProbeHandler;
    let probe_values: Vec<(u16, Value<'static>)> = probe::capability()
        .attributes
        .iter()
        .filter(|a| a.access.contains(applink::descriptor::Access::READ))
        .map(|a| {
            let v = probe_handler.read(a.id).expect("readable");
            (a.id.0, static_value(v))
        })
        .collect();
    json!({
        "reply_buffer": REPLY_BUFFER,
        "data_version_seed": DATA_VERSION_SEED,
        "subscription_table": SUBSCRIPTIONS,
        "lamp": {
            "descriptor": "descriptor_lamp",
            "state": [
                {"endpoint": 0, "capability": basic_information::ID.0, "values": values(&basic_values)},
                {"endpoint": 1, "capability": identify::ID.0, "values": values(&[(0, Value::U16(0))])},
                {"endpoint": 1, "capability": on_off::ID.0, "values": values(&[(0, Value::Bool(false))])},
                {"endpoint": 1, "capability": level_control::ID.0, "values": values(&LEVEL)},
            ],
            "behaviour": "writes store the value; on_off's off, on and toggle set attribute 0 and change the data version; identify and level_control commands answer UNSUPPORTED_COMMAND",
        },
        "probe": {
            "descriptor": "descriptor_probe",
            "state": [
                {"endpoint": 0, "capability": basic_information::ID.0, "values": values(&basic_values)},
                {"endpoint": 1, "capability": probe::ID.0, "values": values(&probe_values)},
            ],
            "behaviour": "writes are accepted and not kept (reads keep answering the state above, data versions still change); configure answers SUCCESS with accepted = true; unlock and reset answer SUCCESS with no fields",
        },
        "three_lamps": batch::device(values),
    })
}

/// A probe value with a `'static` lifetime (the probe's are all literals).
fn static_value(v: Value<'_>) -> Value<'static> {
    match v {
        Value::Str(s) => Value::Str(Box::leak(s.to_string().into_boxed_str())),
        Value::Bytes(b) => Value::Bytes(Bytes(Box::leak(b.0.to_vec().into_boxed_slice()))),
        Value::List(l) if l.is_empty() => Value::List(Seq::empty()),
        Value::Null => Value::Null,
        Value::Bool(x) => Value::Bool(x),
        Value::U8(x) => Value::U8(x),
        Value::U16(x) => Value::U16(x),
        Value::U32(x) => Value::U32(x),
        Value::U64(x) => Value::U64(x),
        Value::I8(x) => Value::I8(x),
        Value::I16(x) => Value::I16(x),
        Value::I32(x) => Value::I32(x),
        Value::I64(x) => Value::I64(x),
        Value::F32(x) => Value::F32(x),
        Value::Enum(x) => Value::Enum(x),
        Value::Bitmap(x) => Value::Bitmap(x),
        other => panic!("the probe does not hold {other:?}"),
    }
}

/// Every exchange vector: the lamp's, then the probe's.
pub fn exchanges() -> Vec<Json> {
    let mut out = lamp();
    out.extend(probe_exchanges());
    out.extend(batch::exchanges());
    out
}

fn step(
    name: &'static str,
    description: &'static str,
    peer: Peer,
    at_ms: u64,
    request: Message<'static>,
) -> Step {
    Step {
        name,
        description,
        peer,
        at_ms,
        request,
        reply_buffer: REPLY_BUFFER,
    }
}

fn lamp() -> Vec<Json> {
    let mut basic = basic();
    let mut ident = attrs(&[(0, Value::U16(0))], false);
    let mut light = attrs(&[(0, Value::Bool(false))], true);
    let mut level = attrs(&LEVEL, false);
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
    let mut d: Disp<'_> = Dispatcher::new(
        reference::LAMP.info,
        &mut endpoints,
        counter,
        DATA_VERSION_SEED,
    )
    .expect("valid lamp");
    let len = d.descriptor_len() as u32;
    // The first chunk at REPLY_BUFFER bytes: type 1, hash 16, total_len and
    // offset 1 each (below 128), the data's length prefix 1.
    let first = REPLY_BUFFER as u32 - 20;
    let describe = |offset| Message::Describe(Describe { offset });
    let lc = Some(level_control::ID);
    let oo = Some(on_off::ID);
    let lamp_sub = |min, max| {
        Message::Subscribe(Subscribe {
            endpoint: EndpointId(1),
            capability: oo,
            attributes: Seq::empty(),
            min_interval_ms: min,
            max_interval_ms: max,
            min_change: 0,
            events: false,
        })
    };
    let unsub = |subscription| Message::Unsubscribe(Unsubscribe { subscription });
    let steps = vec![
        step(
            "lamp_describe_from_0",
            "Describe from 0, not paired (Describe is public): the largest chunk that fits the reply buffer",
            STRANGER,
            0,
            describe(0),
        ),
        step(
            "lamp_describe_rest",
            "Describe from the end of the first chunk: the rest",
            STRANGER,
            0,
            describe(first),
        ),
        step(
            "lamp_describe_at_end",
            "Describe at offset total_len: an empty chunk",
            STRANGER,
            0,
            describe(len),
        ),
        step(
            "lamp_describe_past_end",
            "Describe past total_len: CONSTRAINT_ERROR",
            STRANGER,
            0,
            describe(len + 1),
        ),
        step(
            "lamp_describe_capability_level_control",
            "DescribeCapability level_control on endpoint 1 from 0: the instance's definition in full (only its present optional attributes)",
            STRANGER,
            0,
            Message::DescribeCapability(DescribeCapability {
                endpoint: EndpointId(1),
                capability: level_control::ID,
                offset: 0,
            }),
        ),
        step(
            "lamp_describe_capability_unknown",
            "DescribeCapability of a capability endpoint 1 lacks",
            STRANGER,
            0,
            Message::DescribeCapability(DescribeCapability {
                endpoint: EndpointId(1),
                capability: applink::catalog::door_lock::ID,
                offset: 0,
            }),
        ),
        step(
            "lamp_read_without_pairing",
            "Read on an unauthenticated session: NEEDS_PAIRING before anything else",
            STRANGER,
            0,
            read(1, None, &[]),
        ),
        step(
            "lamp_read_on",
            "Read on_off.on",
            USER,
            10,
            read(1, oo, &[0]),
        ),
        step(
            "lamp_read_endpoint",
            "Read every readable attribute of endpoint 1 (capability None): one record per capability in id order, in one ReadReply",
            USER,
            20,
            read(1, None, &[]),
        ),
        step(
            "lamp_read_attribute_0_of_every_capability",
            "Read attribute 0 and REVISION with capability None: one record per capability that has them",
            USER,
            25,
            read(1, None, &[0, 0xFFFD]),
        ),
        step(
            "lamp_read_globals_in_order",
            "Read FEATURES, REVISION and level of level_control: the capability's attributes first, then REVISION, then FEATURES",
            USER,
            26,
            read(1, lc, &[0xFFFC, 0xFFFD, 0]),
        ),
        step(
            "lamp_read_unknown_endpoint",
            "Read endpoint 5",
            USER,
            27,
            read(5, None, &[]),
        ),
        step(
            "lamp_read_unknown_capability",
            "Read door_lock on endpoint 1",
            USER,
            28,
            read(1, Some(applink::catalog::door_lock::ID), &[]),
        ),
        step(
            "lamp_read_unknown_attribute",
            "Read attribute 9 of on_off",
            USER,
            29,
            read(1, oo, &[9]),
        ),
        step(
            "lamp_write_level_at_version",
            "Write level 128 at data version 7: the new data version is 8",
            USER,
            30,
            write(level_control::ID, Some(7), vec![(0, Value::U8(128))]),
        ),
        step(
            "lamp_write_level_out_of_range",
            "Write level 255 (range 1..=254)",
            USER,
            40,
            write(level_control::ID, None, vec![(0, Value::U8(255))]),
        ),
        step(
            "lamp_write_read_only",
            "Write min_level, which is read-only",
            USER,
            50,
            write(level_control::ID, None, vec![(1, Value::U8(5))]),
        ),
        step(
            "lamp_write_stale_version",
            "Write at data version 7 again: the instance is at 8",
            USER,
            60,
            write(level_control::ID, Some(7), vec![(0, Value::U8(128))]),
        ),
        step(
            "lamp_write_null_nullable",
            "Write Null to on_level, which is nullable: it passes validation, and the lamp's handler refuses it with FAILURE, the status the answer carries",
            USER,
            65,
            write(level_control::ID, None, vec![(3, Value::Null)]),
        ),
        step(
            "lamp_invoke_toggle",
            "Invoke on_off toggle",
            USER,
            70,
            invoke(on_off::ID, on_off::toggle::ID, None, vec![]),
        ),
        step(
            "lamp_invoke_unknown_command",
            "Invoke command 9 of on_off",
            USER,
            80,
            invoke(on_off::ID, CommandId(9), None, vec![]),
        ),
        step(
            "lamp_subscribe_on_off",
            "Subscribe to on_off, 1 s to 60 s: subscription 1, then the priming report",
            USER,
            100,
            lamp_sub(1000, 60_000),
        ),
        step(
            "lamp_subscribe_short_max_interval",
            "Subscribe with max interval 200 ms: granted 1000 ms, subscription 2",
            USER,
            110,
            lamp_sub(0, 200),
        ),
        step(
            "lamp_subscribe_table_full",
            "A third subscription with a table of 2",
            USER,
            120,
            lamp_sub(0, 1000),
        ),
        step(
            "lamp_unsubscribe_other_session",
            "Unsubscribe subscription 1 from another session",
            ADMIN,
            130,
            unsub(1),
        ),
        step(
            "lamp_unsubscribe",
            "Unsubscribe subscription 1",
            USER,
            140,
            unsub(1),
        ),
        step(
            "lamp_unsubscribe_unknown",
            "Unsubscribe subscription 1 again",
            USER,
            150,
            unsub(1),
        ),
        step(
            "lamp_subscribe_next_id",
            "Subscribe again: id 3, the one after the last granted (ids are not reused while the counter moves on)",
            USER,
            160,
            lamp_sub(1000, 60_000),
        ),
    ];
    run(&mut d, "lamp", steps)
}

fn probe_exchanges() -> Vec<Json> {
    let mut basic = basic();
    let mut handler = probe::ProbeHandler;
    let mut root = [Instance::new(&basic_information::CAPABILITY, &mut basic)
        .with_present(reference::ROOT_PRESENT)];
    let mut caps = [Instance::new(probe::capability(), &mut handler)];
    let root_types: [DeviceTypeRef; 1] = [device_types::ROOT_NODE.reference()];
    let mut endpoints = [
        EndpointEntry::new(0, &root_types, &mut root),
        EndpointEntry::new(1, &[], &mut caps),
    ];
    let counter = EventCounter::new(RamSequenceStore::default(), 64);
    let info = probe::compact().info;
    let mut d: Disp<'_> =
        Dispatcher::new(info, &mut endpoints, counter, DATA_VERSION_SEED).expect("valid probe");
    assert_eq!(
        d.descriptor_hash(),
        applink::descriptor::hash_of(&probe::compact()).expect("hash"),
        "the dispatcher's probe encodes like probe::compact()"
    );
    let p = probe::ID;
    let w = |values| write(p, None, values);
    let s = |s: &'static str| Value::Str(s);
    let b = |bytes: &'static [u8]| Value::Bytes(Bytes(bytes));
    let l = |items: Vec<Value<'static>>| Value::List(seq(items));
    use probe::*;
    let steps = vec![
        step(
            "probe_write_every_width",
            "Write one valid value of each Int width (U8 .. I64), I64 at its minimum",
            USER,
            0,
            w(vec![
                (0, Value::U8(100)),
                (1, Value::U16(1000)),
                (2, Value::U32(100_000)),
                (3, Value::U64(1 << 40)),
                (4, Value::I8(-100)),
                (5, Value::I16(-2000)),
                (6, Value::I32(-100_000)),
                (7, Value::I64(i64::MIN)),
            ]),
        ),
        step(
            "probe_write_width_mismatch",
            "U16 value for a U8 attribute",
            USER,
            1,
            w(vec![(0, Value::U16(5))]),
        ),
        step(
            "probe_write_signed_for_unsigned",
            "I16 value for a U16 attribute",
            USER,
            2,
            w(vec![(1, Value::I16(20))]),
        ),
        step(
            "probe_write_int_below_min",
            "U16 0 below min 10",
            USER,
            3,
            w(vec![(1, Value::U16(0))]),
        ),
        step(
            "probe_write_int_above_max",
            "U8 101 above max 100",
            USER,
            4,
            w(vec![(0, Value::U8(101))]),
        ),
        step(
            "probe_write_u64_above_max",
            "U64 2^40 + 1 above max 2^40",
            USER,
            5,
            w(vec![(3, Value::U64((1 << 40) + 1))]),
        ),
        step(
            "probe_write_on_step",
            "U16 20: min 10 + 1 x step 10",
            USER,
            6,
            w(vec![(1, Value::U16(20))]),
        ),
        step(
            "probe_write_off_step",
            "U16 25: not min plus a multiple of step 10",
            USER,
            7,
            w(vec![(1, Value::U16(25))]),
        ),
        step(
            "probe_write_off_step_signed",
            "I32 -99999: (v - min) = 1 is not a multiple of step 5",
            USER,
            8,
            w(vec![(6, Value::I32(-99_999))]),
        ),
        step(
            "probe_write_step_1",
            "step 1 allows every value",
            USER,
            9,
            w(vec![(2, Value::U32(12_345))]),
        ),
        step(
            "probe_write_float",
            "F32 at min -1.5",
            USER,
            10,
            w(vec![(RATIO, Value::F32(-1.5))]),
        ),
        step(
            "probe_write_float_as_f64",
            "F64 100.25 (max) for a Float attribute",
            USER,
            11,
            w(vec![(RATIO, Value::F64(100.25))]),
        ),
        step(
            "probe_write_float_above_max",
            "F32 100.5 above max 100.25",
            USER,
            12,
            w(vec![(RATIO, Value::F32(100.5))]),
        ),
        step(
            "probe_write_float_wrong_type",
            "I32 for a Float attribute",
            USER,
            13,
            w(vec![(RATIO, Value::I32(1))]),
        ),
        step(
            "probe_write_enum",
            "Enum 5, a member",
            USER,
            14,
            w(vec![(MODE, Value::Enum(5))]),
        ),
        step(
            "probe_write_enum_not_member",
            "Enum 1, not a member of {0, 2, 5}",
            USER,
            15,
            w(vec![(MODE, Value::Enum(1))]),
        ),
        step(
            "probe_write_enum_wrong_type",
            "U16 for an Enum attribute",
            USER,
            16,
            w(vec![(MODE, Value::U16(2))]),
        ),
        step(
            "probe_write_bitmap",
            "Bitmap with bits 0, 3 and 63, all named",
            USER,
            17,
            w(vec![(OPTIONS, Value::Bitmap(1 | 8 | 1 << 63))]),
        ),
        step(
            "probe_write_bitmap_unnamed_bit",
            "Bitmap with bit 1, not named",
            USER,
            18,
            w(vec![(OPTIONS, Value::Bitmap(2))]),
        ),
        step(
            "probe_write_str_max",
            "Str of 8 bytes, the maximum",
            USER,
            19,
            w(vec![(LABEL, s("12345678"))]),
        ),
        step(
            "probe_write_str_too_long",
            "Str of 9 bytes",
            USER,
            20,
            w(vec![(LABEL, s("123456789"))]),
        ),
        step(
            "probe_write_str_counts_bytes",
            "Str of 5 characters but 9 UTF-8 bytes",
            USER,
            21,
            w(vec![(LABEL, s("\u{e4}\u{e4}\u{e4}\u{e4}a"))]),
        ),
        step(
            "probe_write_bytes",
            "Bytes of 4, the maximum",
            USER,
            22,
            w(vec![(BLOB, b(&[1, 2, 3, 4]))]),
        ),
        step(
            "probe_write_bytes_too_long",
            "Bytes of 5",
            USER,
            23,
            w(vec![(BLOB, b(&[1, 2, 3, 4, 5]))]),
        ),
        step(
            "probe_write_bytes_wrong_type",
            "Str for a Bytes attribute",
            USER,
            24,
            w(vec![(BLOB, s("ab"))]),
        ),
        step(
            "probe_write_list_bool",
            "List of 3 Bool, the maximum",
            USER,
            25,
            w(vec![(
                FLAGS,
                l(vec![
                    Value::Bool(true),
                    Value::Bool(false),
                    Value::Bool(true),
                ]),
            )]),
        ),
        step(
            "probe_write_list_too_long",
            "List of 4 Bool",
            USER,
            26,
            w(vec![(FLAGS, l(vec![Value::Bool(true); 4]))]),
        ),
        step(
            "probe_write_list_wrong_element",
            "U8 in a List of Bool",
            USER,
            27,
            w(vec![(FLAGS, l(vec![Value::U8(1)]))]),
        ),
        step(
            "probe_write_list_int",
            "List of U8 1 and 10 (range 1..=10)",
            USER,
            28,
            w(vec![(LEVELS, l(vec![Value::U8(1), Value::U8(10)]))]),
        ),
        step(
            "probe_write_list_int_out_of_range",
            "U8 11 in a List of U8 1..=10",
            USER,
            29,
            w(vec![(LEVELS, l(vec![Value::U8(11)]))]),
        ),
        step(
            "probe_write_list_int_wrong_width",
            "U16 in a List of U8",
            USER,
            30,
            w(vec![(LEVELS, l(vec![Value::U16(1)]))]),
        ),
        step(
            "probe_write_list_enum",
            "Enum 3 in a List of Enum up to 3",
            USER,
            31,
            w(vec![(MODES, l(vec![Value::Enum(3)]))]),
        ),
        step(
            "probe_write_list_enum_above_max",
            "Enum 4 in a List of Enum up to 3",
            USER,
            32,
            w(vec![(MODES, l(vec![Value::Enum(4)]))]),
        ),
        step(
            "probe_write_list_str",
            "Str of 5 bytes in a List of Str up to 5",
            USER,
            33,
            w(vec![(NAMES, l(vec![s("abcde")]))]),
        ),
        step(
            "probe_write_list_str_too_long",
            "Str of 6 bytes in a List of Str up to 5",
            USER,
            34,
            w(vec![(NAMES, l(vec![s("abcdef")]))]),
        ),
        step(
            "probe_write_bool_wrong_type",
            "U8 for a Bool attribute",
            USER,
            35,
            w(vec![(FLAG, Value::U8(1))]),
        ),
        step(
            "probe_write_null_not_nullable",
            "Null for an attribute that is not nullable",
            USER,
            36,
            w(vec![(FLAG, Value::Null)]),
        ),
        step(
            "probe_write_null_nullable",
            "Null for a nullable attribute",
            USER,
            37,
            w(vec![(TARGET, Value::Null)]),
        ),
        step(
            "probe_write_read_only",
            "Write a read-only attribute",
            USER,
            38,
            w(vec![(SERIAL, s("x"))]),
        ),
        step(
            "probe_write_admin_by_user",
            "Write an admin attribute (access bit 3) as a user",
            USER,
            39,
            w(vec![(SECRET, Value::U8(1))]),
        ),
        step(
            "probe_write_admin_by_admin",
            "The same write as an admin",
            ADMIN,
            40,
            w(vec![(SECRET, Value::U8(1))]),
        ),
        step(
            "probe_write_unknown_attribute",
            "Write attribute 99",
            USER,
            41,
            w(vec![(99, Value::Bool(true))]),
        ),
        step(
            "probe_write_named_twice",
            "The same attribute twice in one Write",
            USER,
            42,
            w(vec![(FLAG, Value::Bool(true)), (FLAG, Value::Bool(false))]),
        ),
        step(
            "probe_write_named_twice_second_invalid",
            "The same attribute twice, the second value invalid: the repetition is found at the first occurrence, before the second value is checked",
            USER,
            43,
            w(vec![(FLAG, Value::Bool(true)), (FLAG, Value::U8(1))]),
        ),
        step(
            "probe_write_first_failure_decides",
            "An invalid value, then a read-only attribute: values are checked in order",
            USER,
            44,
            w(vec![(FLAG, Value::U8(1)), (SERIAL, s("x"))]),
        ),
        step(
            "probe_write_access_before_later_value",
            "A read-only attribute, then an invalid value",
            USER,
            45,
            w(vec![(SERIAL, s("x")), (FLAG, Value::U8(1))]),
        ),
        step(
            "probe_write_version_before_values",
            "A wrong data version with an invalid value: the version is checked first",
            USER,
            46,
            write(p, Some(1), vec![(FLAG, Value::U8(1))]),
        ),
        step(
            "probe_write_unknown_capability",
            "Write on_off on the probe's endpoint",
            USER,
            47,
            write(on_off::ID, None, vec![(0, Value::Bool(true))]),
        ),
        step(
            "probe_write_without_pairing",
            "Write on an unauthenticated session",
            STRANGER,
            48,
            w(vec![(FLAG, Value::Bool(true))]),
        ),
        step(
            "probe_invoke_configure",
            "configure with its required field: SUCCESS and the response field",
            USER,
            50,
            invoke(p, CONFIGURE, None, vec![(0, Value::U8(5))]),
        ),
        step(
            "probe_invoke_all_fields",
            "configure with every field, the nullable optional one Null",
            USER,
            51,
            invoke(
                p,
                CONFIGURE,
                None,
                vec![(0, Value::U8(1)), (1, Value::Enum(2)), (2, Value::Null)],
            ),
        ),
        step(
            "probe_invoke_missing_field",
            "configure without its required field 0",
            USER,
            52,
            invoke(p, CONFIGURE, None, vec![(1, Value::Enum(2))]),
        ),
        step(
            "probe_invoke_unknown_field",
            "configure with an undefined field 7",
            USER,
            53,
            invoke(
                p,
                CONFIGURE,
                None,
                vec![(0, Value::U8(5)), (7, Value::Bool(true))],
            ),
        ),
        step(
            "probe_invoke_repeated_field",
            "configure with field 0 twice",
            USER,
            54,
            invoke(
                p,
                CONFIGURE,
                None,
                vec![(0, Value::U8(5)), (0, Value::U8(6))],
            ),
        ),
        step(
            "probe_invoke_out_of_range",
            "configure with level 11 (range 1..=10)",
            USER,
            55,
            invoke(p, CONFIGURE, None, vec![(0, Value::U8(11))]),
        ),
        step(
            "probe_invoke_wrong_type_before_unknown",
            "A wrongly typed field 0, then an undefined field 9: fields are checked one by one, in order",
            USER,
            56,
            invoke(
                p,
                CONFIGURE,
                None,
                vec![(0, Value::U16(5)), (9, Value::Bool(true))],
            ),
        ),
        step(
            "probe_invoke_unknown_before_wrong_type",
            "An undefined field 9, then a wrongly typed field 0",
            USER,
            57,
            invoke(
                p,
                CONFIGURE,
                None,
                vec![(9, Value::Bool(true)), (0, Value::U16(5))],
            ),
        ),
        step(
            "probe_invoke_bad_value_before_missing",
            "An invalid optional field and the required one missing: values before presence",
            USER,
            58,
            invoke(p, CONFIGURE, None, vec![(1, Value::Enum(1))]),
        ),
        step(
            "probe_invoke_null_not_nullable",
            "Null for a field that is not nullable",
            USER,
            59,
            invoke(p, CONFIGURE, None, vec![(0, Value::Null)]),
        ),
        step(
            "probe_invoke_timed_without_timed_ms",
            "unlock (timed) without timed_ms",
            USER,
            60,
            invoke(p, UNLOCK, None, vec![]),
        ),
        step(
            "probe_invoke_timed_ms_zero",
            "unlock with timed_ms 0",
            USER,
            61,
            invoke(p, UNLOCK, Some(0), vec![]),
        ),
        step(
            "probe_invoke_timed",
            "unlock with timed_ms 500",
            USER,
            62,
            invoke(p, UNLOCK, Some(500), vec![]),
        ),
        step(
            "probe_invoke_admin_by_user",
            "reset (admin) as a user",
            USER,
            63,
            invoke(p, RESET, None, vec![]),
        ),
        step(
            "probe_invoke_admin_by_admin",
            "reset as an admin",
            ADMIN,
            64,
            invoke(p, RESET, None, vec![]),
        ),
        step(
            "probe_invoke_unknown_command",
            "command 7",
            USER,
            65,
            invoke(p, CommandId(7), None, vec![]),
        ),
        step(
            "probe_invoke_without_pairing",
            "configure on an unauthenticated session",
            STRANGER,
            66,
            invoke(p, CONFIGURE, None, vec![(0, Value::U8(5))]),
        ),
        step(
            "probe_read_write_only",
            "Read an attribute without read access",
            USER,
            70,
            read(1, Some(p), &[COMMAND_WORD]),
        ),
        step(
            "probe_read_all",
            "Read every readable attribute of the probe: packed greedily into several 64-byte ReadReply messages, more = true on all but the last, the record continued under the same endpoint, capability and data version",
            USER,
            71,
            read(1, Some(p), &[]),
        ),
        step(
            "probe_subscribe_not_notify",
            "Subscribe naming an attribute without notify access",
            USER,
            80,
            subscribe(&[COUNTER], 0, 1000),
        ),
        step(
            "probe_subscribe_not_readable",
            "Subscribe naming an attribute without read access",
            USER,
            81,
            subscribe(&[COMMAND_WORD], 0, 1000),
        ),
        step(
            "probe_subscribe_intervals_reversed",
            "min_interval_ms 5000 above max_interval_ms 1000",
            USER,
            82,
            subscribe(&[], 5000, 1000),
        ),
        step(
            "probe_subscribe_access_before_intervals",
            "A non-notify attribute and reversed intervals: access is checked first",
            USER,
            83,
            subscribe(&[COUNTER], 5000, 1000),
        ),
        step(
            "probe_subscribe_nine_attributes",
            "Nine named attributes, more than the 8 tracked",
            USER,
            84,
            subscribe(&[0, 1, 2, 3, 4, 5, 6, 7, 8], 0, 1000),
        ),
        step(
            "probe_subscribe_eight_attributes",
            "Eight named attributes: granted, then the priming report",
            USER,
            85,
            subscribe(&[0, 1, 2, 3, 4, 5, 6, 7], 0, 1000),
        ),
    ];
    run(&mut d, "probe", steps)
}
