//! Every stock handler driven through a real dispatcher.

use std::boxed::Box;
use std::vec::Vec;

use core::cell::Cell;

use super::*;
use crate::catalog::{basic_information as bi, device_types, identify, level_control, on_off};
use crate::descriptor::{
    Access, Attribute, Capability, DescriptorError, DeviceInfo, DeviceTypeRef, Element, Privilege,
    Type, Unit, Width,
};
use crate::interaction::{
    Dispatcher, EndpointEntry, EventCounter, Instance, InteractionError, Peer, RamSequenceStore,
};
use crate::message::{
    AttributeId, AttributeValue, CapabilityId, CommandId, EndpointId, Field, Invoke, Message, Read,
    Seq, Status, Value, VendorId, Write,
};
use crate::time::Instant;

type D<'a> = Dispatcher<'a, RamSequenceStore, 2, 256>;

const USER: Peer = Peer {
    session: 1,
    privilege: Privilege::User,
};
const ADMIN: Peer = Peer {
    session: 2,
    privilege: Privilege::Admin,
};

const INFO: DeviceInfo = DeviceInfo {
    vendor: VendorId(0xFFF1),
    product: 7,
    hardware_version: 1,
    min_protocol: 1,
    max_protocol: 1,
};

fn dispatcher<'a>(endpoints: &'a mut [EndpointEntry<'a>]) -> D<'a> {
    let counter = EventCounter::new(RamSequenceStore::default(), 16);
    Dispatcher::new(INFO, endpoints, counter, 100).unwrap()
}

/// One request at `now_ms`; its single reply, leaked so values borrowed
/// from it outlive the call.
fn call(d: &mut D<'_>, request: &Message<'_>, peer: Peer, now_ms: u64) -> Message<'static> {
    let mut replies = Vec::new();
    let mut buf = [0u8; 256];
    d.handle(
        request,
        peer,
        Instant::from_millis(now_ms),
        &mut buf,
        &mut |m| replies.push(m.to_vec()),
    )
    .unwrap();
    assert_eq!(replies.len(), 1);
    let bytes: &'static [u8] = Box::leak(replies.remove(0).into_boxed_slice());
    Message::from_bytes(bytes).unwrap()
}

fn read(
    d: &mut D<'_>,
    capability: CapabilityId,
    attribute: AttributeId,
) -> Result<Value<'static>, Status> {
    let ids = [attribute];
    let request = Message::Read(Read {
        endpoint: EndpointId(1),
        capability: Some(capability),
        attributes: Seq::from_slice(&ids),
    });
    match call(d, &request, USER, 0) {
        Message::ReadReply(r) => {
            let record = r.records.iter().next().unwrap();
            Ok(record.values.iter().next().unwrap().value)
        }
        Message::Status(s) => Err(s.status),
        other => panic!("{other:?}"),
    }
}

fn write(
    d: &mut D<'_>,
    capability: CapabilityId,
    attribute: AttributeId,
    value: Value<'_>,
    peer: Peer,
) -> Result<(), Status> {
    let values = [AttributeValue { attribute, value }];
    let request = Message::Write(Write {
        endpoint: EndpointId(1),
        capability,
        data_version: None,
        values: Seq::from_slice(&values),
    });
    match call(d, &request, peer, 0) {
        Message::WriteReply(_) => Ok(()),
        Message::Status(s) => Err(s.status),
        other => panic!("{other:?}"),
    }
}

fn invoke_at(
    d: &mut D<'_>,
    capability: CapabilityId,
    command: CommandId,
    args: &[Field<'_>],
    now_ms: u64,
) -> Status {
    let request = Message::Invoke(Invoke {
        endpoint: EndpointId(1),
        capability,
        command,
        timed_ms: None,
        args: Seq::from_slice(args),
    });
    match call(d, &request, USER, now_ms) {
        Message::InvokeReply(r) => r.status,
        Message::Status(s) => s.status,
        other => panic!("{other:?}"),
    }
}

fn invoke(
    d: &mut D<'_>,
    capability: CapabilityId,
    command: CommandId,
    args: &[Field<'_>],
) -> Status {
    invoke_at(d, capability, command, args, 0)
}

fn version(d: &D<'_>, capability: CapabilityId) -> u32 {
    d.data_version(EndpointId(1), capability).unwrap()
}

#[test]
fn on_off_commands_writes_and_the_callback() {
    let on = Cell::new(false);
    let seen = Cell::new(0u32);
    let drive = |on: bool| seen.set(seen.get() * 10 + u32::from(on) + 1);
    let mut handler = OnOff::new(&on).on_change(&drive);
    let mut instances = [Instance::new(&on_off::CAPABILITY, &mut handler)];
    let mut endpoints = [EndpointEntry::new(1, &[], &mut instances)];
    let mut d = dispatcher(&mut endpoints);
    let id = on_off::ID;

    assert_eq!(read(&mut d, id, on_off::ON), Ok(Value::Bool(false)));
    assert_eq!(invoke(&mut d, id, on_off::on::ID, &[]), Status::SUCCESS);
    assert!(on.get());
    assert_eq!(version(&d, id), 101);
    // Already on: no change, no callback, same data version.
    assert_eq!(invoke(&mut d, id, on_off::on::ID, &[]), Status::SUCCESS);
    assert_eq!(version(&d, id), 101);
    assert_eq!(invoke(&mut d, id, on_off::toggle::ID, &[]), Status::SUCCESS);
    assert!(!on.get());
    assert_eq!(invoke(&mut d, id, on_off::off::ID, &[]), Status::SUCCESS);
    assert_eq!(
        write(&mut d, id, on_off::ON, Value::Bool(true), USER),
        Ok(())
    );
    assert!(on.get());
    assert_eq!(seen.get(), 212, "on, off, on");
    // The dispatcher's validation answers before the handler.
    assert_eq!(
        write(&mut d, id, on_off::ON, Value::U8(1), USER),
        Err(Status::INVALID_DATA_TYPE)
    );
    assert_eq!(
        invoke(&mut d, id, CommandId(9), &[]),
        Status::UNSUPPORTED_COMMAND
    );
    // The firmware flips it itself (a button); reads follow.
    on.set(false);
    assert_eq!(read(&mut d, id, on_off::ON), Ok(Value::Bool(false)));
}

#[test]
fn level_honours_the_device_range() {
    let state = LevelState::new(None).with_range(10, 200);
    let last = Cell::new(None);
    let fade = |c: LevelChange| last.set(Some(c));
    let mut handler = Level::new(&state).on_change(&fade);
    let mut instances =
        [Instance::new(&level_control::CAPABILITY, &mut handler).with_all_optional()];
    let mut endpoints = [EndpointEntry::new(1, &[], &mut instances)];
    let mut d = dispatcher(&mut endpoints);
    let id = level_control::ID;
    let step = |up: bool, size: u8| {
        [
            Field::new(0, Value::Bool(up)),
            Field::new(1, Value::U8(size)),
        ]
    };

    assert_eq!(read(&mut d, id, level_control::LEVEL), Ok(Value::Null));
    assert_eq!(
        read(&mut d, id, level_control::MIN_LEVEL),
        Ok(Value::U8(10))
    );
    assert_eq!(
        read(&mut d, id, level_control::MAX_LEVEL),
        Ok(Value::U8(200))
    );
    assert_eq!(read(&mut d, id, level_control::ON_LEVEL), Ok(Value::Null));
    // No level yet: a step has nothing to start from.
    assert_eq!(
        invoke(&mut d, id, level_control::step::ID, &step(true, 5)),
        Status::INVALID_STATE
    );

    // Clamped into min..=max, with the transition passed on.
    let args = [Field::new(0, Value::U8(250)), Field::new(1, Value::U16(15))];
    assert_eq!(
        invoke(&mut d, id, level_control::move_to_level::ID, &args),
        Status::SUCCESS
    );
    assert_eq!(state.level(), Some(200));
    assert_eq!(
        last.get(),
        Some(LevelChange::Level {
            level: 200,
            transition_ds: 15
        })
    );
    let args = [Field::new(0, Value::U8(1))];
    assert_eq!(
        invoke(&mut d, id, level_control::move_to_level::ID, &args),
        Status::SUCCESS
    );
    assert_eq!(state.level(), Some(10));
    assert_eq!(
        invoke(&mut d, id, level_control::step::ID, &step(true, 100)),
        Status::SUCCESS
    );
    assert_eq!(state.level(), Some(110));
    let v = version(&d, id);
    assert_eq!(
        invoke(&mut d, id, level_control::step::ID, &step(true, 254)),
        Status::SUCCESS
    );
    assert_eq!(state.level(), Some(200));
    last.set(None);
    assert_eq!(
        invoke(&mut d, id, level_control::step::ID, &step(true, 1)),
        Status::SUCCESS
    );
    assert_eq!(last.get(), None, "at max: no change");
    assert_eq!(version(&d, id), v + 1);
    assert_eq!(
        invoke(&mut d, id, level_control::step::ID, &step(false, 254)),
        Status::SUCCESS
    );
    assert_eq!(state.level(), Some(10));

    // Writes must lie in the device's range; level cannot be made unknown.
    assert_eq!(
        write(&mut d, id, level_control::LEVEL, Value::U8(5), USER),
        Err(Status::CONSTRAINT_ERROR)
    );
    assert_eq!(
        write(&mut d, id, level_control::LEVEL, Value::Null, USER),
        Err(Status::CONSTRAINT_ERROR)
    );
    assert_eq!(
        write(&mut d, id, level_control::LEVEL, Value::U8(50), USER),
        Ok(())
    );
    assert_eq!(state.level(), Some(50));
    assert_eq!(
        write(&mut d, id, level_control::ON_LEVEL, Value::U8(201), USER),
        Err(Status::CONSTRAINT_ERROR)
    );
    assert_eq!(
        write(&mut d, id, level_control::ON_LEVEL, Value::U8(120), USER),
        Ok(())
    );
    assert_eq!(state.on_level(), Some(120));
    assert_eq!(last.get(), Some(LevelChange::OnLevel(Some(120))));
    assert_eq!(
        write(&mut d, id, level_control::ON_LEVEL, Value::Null, USER),
        Ok(())
    );
    assert_eq!(state.on_level(), None);
    // Read-only in the descriptor: the dispatcher refuses.
    assert_eq!(
        write(&mut d, id, level_control::MIN_LEVEL, Value::U8(20), ADMIN),
        Err(Status::ACCESS_DENIED)
    );
}

#[test]
fn level_state_ranges_are_sane() {
    let s = LevelState::new(Some(0)).with_range(0, 255);
    assert_eq!((s.min(), s.max(), s.level()), (1, 254, Some(1)));
    let s = LevelState::new(Some(100)).with_range(200, 50);
    assert_eq!((s.min(), s.max(), s.level()), (200, 200, Some(200)));
    assert!(s.set_on_level(Some(7)));
    assert_eq!(s.on_level(), Some(200));
}

#[test]
fn identify_counts_down_from_the_request_time() {
    let state = IdentifyState::new();
    let asked = Cell::new(u16::MAX);
    let blink = |s: u16| asked.set(s);
    let mut handler = Identify::new(&state).on_change(&blink);
    let mut instances = [Instance::new(&identify::CAPABILITY, &mut handler)];
    let mut endpoints = [EndpointEntry::new(1, &[], &mut instances)];
    let mut d = dispatcher(&mut endpoints);
    let id = identify::ID;

    assert_eq!(read(&mut d, id, identify::IDENTIFY_TIME), Ok(Value::U16(0)));
    let args = [Field::new(0, Value::U16(10))];
    assert_eq!(
        invoke_at(&mut d, id, identify::identify::ID, &args, 1_000),
        Status::SUCCESS
    );
    assert_eq!(asked.get(), 10);
    assert_eq!(
        read(&mut d, id, identify::IDENTIFY_TIME),
        Ok(Value::U16(10))
    );
    assert_eq!(state.poll_timeout(), Some(Instant::from_millis(11_000)));
    assert!(state.is_identifying(Instant::from_millis(10_999)));
    assert_eq!(state.remaining(Instant::from_millis(10_001)), 1);
    assert!(!state.handle_timeout(Instant::from_millis(10_999)));
    assert!(state.handle_timeout(Instant::from_millis(11_000)));
    assert!(!state.is_identifying(Instant::from_millis(11_000)));
    assert_eq!(read(&mut d, id, identify::IDENTIFY_TIME), Ok(Value::U16(0)));
    // A write starts it too; 0 stops it.
    assert_eq!(
        write(&mut d, id, identify::IDENTIFY_TIME, Value::U16(3), USER),
        Ok(())
    );
    assert_eq!(state.poll_timeout(), Some(Instant::from_millis(3_000)));
    assert_eq!(
        write(&mut d, id, identify::IDENTIFY_TIME, Value::U16(0), USER),
        Ok(())
    );
    assert_eq!(asked.get(), 0);
    assert_eq!(state.poll_timeout(), None);
    // Out of the catalog's range: refused before the handler.
    assert_eq!(
        invoke(
            &mut d,
            id,
            identify::identify::ID,
            &[Field::new(0, Value::U16(3601))]
        ),
        Status::CONSTRAINT_ERROR
    );
}

#[test]
fn basic_information_serves_who_the_device_is() {
    let saved = core::cell::RefCell::new(Vec::new());
    let save = |a: AttributeId, v: &str| saved.borrow_mut().push((a, std::string::String::from(v)));
    let mut handler = BasicInformation::new("Acme", "Desk lamp", 10_203)
        .and_then(|h| h.with_serial("SN-0042"))
        .and_then(|h| h.with_location("NL"))
        .unwrap()
        .on_change(&save);
    let mut instances = [Instance::new(&bi::CAPABILITY, &mut handler).with_all_optional()];
    let types = [device_types::ROOT_NODE.reference()];
    let mut endpoints = [EndpointEntry::new(1, &types, &mut instances)];
    let mut d = dispatcher(&mut endpoints);
    let id = bi::ID;

    for (attribute, want) in [
        (bi::VENDOR_NAME, Value::Str("Acme")),
        (bi::PRODUCT_NAME, Value::Str("Desk lamp")),
        (bi::SERIAL_NUMBER, Value::Str("SN-0042")),
        (bi::FIRMWARE_VERSION, Value::Str("10203")),
        (bi::LOCATION, Value::Str("NL")),
        (bi::LABEL, Value::Str("")),
        (bi::REACHABLE, Value::Bool(true)),
    ] {
        assert_eq!(read(&mut d, id, attribute), Ok(want), "{attribute:?}");
    }
    assert_eq!(
        write(&mut d, id, bi::LABEL, Value::Str("Study"), USER),
        Ok(())
    );
    assert_eq!(read(&mut d, id, bi::LABEL), Ok(Value::Str("Study")));
    // Location is admin-only, at most 2 bytes.
    assert_eq!(
        write(&mut d, id, bi::LOCATION, Value::Str("DE"), USER),
        Err(Status::ACCESS_DENIED)
    );
    assert_eq!(
        write(&mut d, id, bi::LOCATION, Value::Str("DEU"), ADMIN),
        Err(Status::CONSTRAINT_ERROR)
    );
    assert_eq!(
        write(&mut d, id, bi::LOCATION, Value::Str("DE"), ADMIN),
        Ok(())
    );
    assert_eq!(
        write(&mut d, id, bi::VENDOR_NAME, Value::Str("Evil"), ADMIN),
        Err(Status::ACCESS_DENIED)
    );
    drop(d);
    assert_eq!(
        *saved.borrow(),
        [(bi::LABEL, "Study".into()), (bi::LOCATION, "DE".into())]
    );
    assert_eq!(handler.label(), "Study");
    assert_eq!(handler.location(), "DE");
}

#[test]
fn basic_information_limits_match_the_catalog() {
    for attribute in bi::CAPABILITY.attributes.iter() {
        if let Type::Str { max_len } = attribute.ty {
            let ours = if attribute.id == bi::LOCATION {
                MAX_LOCATION
            } else {
                MAX_INFO_STRING
            };
            assert_eq!(usize::from(max_len), ours, "{}", attribute.name);
        }
    }
    let long = "x".repeat(MAX_INFO_STRING + 1);
    let fits = "x".repeat(MAX_INFO_STRING);
    assert_eq!(
        BasicInformation::new(&long, "Lamp", 1).err(),
        Some(DescriptorError::TooLong)
    );
    let h = BasicInformation::new("Acme", "Lamp", 1).unwrap();
    assert_eq!(h.with_serial(&long).err(), Some(DescriptorError::TooLong));
    assert_eq!(
        BasicInformation::new("Acme", &long, 1).err(),
        Some(DescriptorError::TooLong)
    );
    let h = BasicInformation::new(&fits, &fits, u32::MAX)
        .and_then(|h| h.with_serial(&fits))
        .unwrap();
    assert_eq!(h.firmware_version(), "4294967295");
    assert!(h.with_label(&long).is_err());
    let h = BasicInformation::new("", "", 0).unwrap();
    assert_eq!(h.firmware_version(), "0");
    assert!(h.with_location("NLD").is_err());
}

const SETTINGS_ATTRIBUTES: [Attribute<'static>; 3] = [
    Attribute::new(
        0,
        "brightness",
        Type::int(Width::U8, 0, 100, Unit::Percent),
        Access::RWN,
    ),
    Attribute::new(1, "name", Type::string(8), Access::RWN),
    Attribute::new(2, "spare", Type::Bool, Access::RWN),
];
const SETTINGS: Capability<'static> = Capability::new(
    CapabilityId::vendor(VendorId(0xFFF1), 1).0,
    "settings",
    1,
    &SETTINGS_ATTRIBUTES,
    &[],
    &[],
);
const SERVED: [Attribute<'static>; 2] = [SETTINGS_ATTRIBUTES[0], SETTINGS_ATTRIBUTES[1]];

#[test]
fn an_attribute_without_a_slot_is_found_when_the_dispatcher_is_built() {
    let slots = [
        RamAttribute::new(AttributeId(0), Value::U8(40)),
        RamAttribute::new(AttributeId(1), Value::Str("lamp")),
    ];
    let mut handler = RamAttributes::new(&slots);
    let mut instances = [Instance::new(&SETTINGS, &mut handler)];
    let mut endpoints = [EndpointEntry::new(1, &[], &mut instances)];
    let counter = EventCounter::new(RamSequenceStore::default(), 16);
    let built: Result<D<'_>, _> = Dispatcher::new(INFO, &mut endpoints, counter, 100);
    assert_eq!(
        built.err(),
        Some(InteractionError::Descriptor(DescriptorError::NotServed {
            endpoint: 1,
            capability: SETTINGS.id,
            element: Element::Attribute(AttributeId(2)),
        }))
    );
}

#[test]
fn ram_attributes_store_scalars() {
    let slots = [
        RamAttribute::new(AttributeId(0), Value::U8(40)),
        RamAttribute::new(AttributeId(1), Value::Str("lamp")),
    ];
    let changes = Cell::new(0);
    let count = |_: AttributeId, _: Value<'static>| changes.set(changes.get() + 1);
    let mut handler = RamAttributes::new(&slots).on_change(&count);
    let settings = Capability::new(SETTINGS.id.0, "settings", 1, &SERVED, &[], &[]);
    let mut instances = [Instance::new(&settings, &mut handler)];
    // A vendor device type: not checked for conformance.
    let types = [DeviceTypeRef {
        id: 0xFFF1,
        revision: 1,
    }];
    let mut endpoints = [EndpointEntry::new(1, &types, &mut instances)];
    let mut d = dispatcher(&mut endpoints);
    let id = SETTINGS.id;

    assert_eq!(read(&mut d, id, AttributeId(0)), Ok(Value::U8(40)));
    assert_eq!(read(&mut d, id, AttributeId(1)), Ok(Value::Str("lamp")));
    assert_eq!(
        write(&mut d, id, AttributeId(0), Value::U8(90), USER),
        Ok(())
    );
    assert_eq!(slots[0].get(), Value::U8(90));
    assert_eq!(
        write(&mut d, id, AttributeId(0), Value::U8(90), USER),
        Ok(())
    );
    assert_eq!(changes.get(), 1, "the same value is no change");
    assert_eq!(
        write(&mut d, id, AttributeId(0), Value::U8(101), USER),
        Err(Status::CONSTRAINT_ERROR)
    );
    // A written string has nowhere to live.
    assert_eq!(
        write(&mut d, id, AttributeId(1), Value::Str("desk"), USER),
        Err(Status::FAILURE)
    );
    assert_eq!(slots[1].get(), Value::Str("lamp"));
    // Not declared: refused before the handler runs.
    assert_eq!(
        read(&mut d, id, AttributeId(2)),
        Err(Status::UNSUPPORTED_ATTRIBUTE)
    );
    // The firmware's own change.
    assert!(slots[0].set(Value::U8(10)));
    assert_eq!(read(&mut d, id, AttributeId(0)), Ok(Value::U8(10)));
}

#[test]
fn a_whole_lamp_conforms_with_stock_handlers_only() {
    let on = Cell::new(false);
    let level = LevelState::new(Some(128));
    let blink = IdentifyState::new();
    let mut identify = Identify::new(&blink);
    let mut on_off = OnOff::new(&on);
    let mut dimmer = Level::new(&level);
    let mut instances = [
        Instance::new(&identify::CAPABILITY, &mut identify),
        Instance::new(&on_off::CAPABILITY, &mut on_off),
        Instance::new(&level_control::CAPABILITY, &mut dimmer),
    ];
    let types = [device_types::DIMMABLE_LIGHT.reference()];
    let mut endpoints = [EndpointEntry::new(1, &types, &mut instances)];
    let mut d = dispatcher(&mut endpoints);
    assert_eq!(
        invoke(&mut d, on_off::ID, on_off::toggle::ID, &[]),
        Status::SUCCESS
    );
    assert!(on.get());
    assert_eq!(
        read(&mut d, level_control::ID, level_control::LEVEL),
        Ok(Value::U8(128))
    );
}
