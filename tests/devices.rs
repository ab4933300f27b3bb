//! For each of fourteen device types: an in-memory appliance (dispatcher,
//! root endpoint 0 + the device on endpoint 1) and a phone-side controller
//! exercise describe (with the hash cache), read, write (valid, constraint
//! error, read-only), invoke, subscribe (min / max interval, reportable
//! change) and events with a gap.

mod common;

use applink::catalog::*;
use applink::descriptor::{Capability, DeviceTypeRef};
use applink::interaction::controller::{Controller, Notice, Outcome};
use applink::interaction::{EndpointEntry, EventCounter, Instance, Peer, RamSequenceStore};
use applink::message::*;
use applink::time::{Duration, Instant};
use common::*;

/// (endpoint, capability, attribute, value)
type Target = (u16, CapabilityId, AttributeId, Value<'static>);

struct Spec {
    device_type: &'static DeviceType,
    caps: &'static [&'static Capability<'static>],
    write_ok: Target,
    write_bad: (Target, Status),
    read_only: Target,
    invoke: (
        CapabilityId,
        CommandId,
        &'static [Field<'static>],
        Option<u16>,
    ),
    /// A numeric reportable attribute: (endpoint, capability, attribute),
    /// threshold, start, small change, large change.
    numeric: (
        (u16, CapabilityId, AttributeId),
        u32,
        Value<'static>,
        Value<'static>,
        Value<'static>,
    ),
    event: (u16, CapabilityId, EventId, &'static [Field<'static>]),
}

const ROOT_TYPES: [DeviceTypeRef; 1] = [device_types::ROOT_NODE.reference()];
const LABEL: AttributeId = basic_information::LABEL;
const ROOT_LABEL_OK: Target = (0, basic_information::ID, LABEL, Value::Str("Kitchen"));
const ROOT_LABEL_BAD: (Target, Status) = (
    (
        0,
        basic_information::ID,
        LABEL,
        Value::Str("a label far longer than thirty-two bytes"),
    ),
    Status::CONSTRAINT_ERROR,
);
const ROOT_EVENT: (u16, CapabilityId, EventId, &[Field<'static>]) =
    (0, basic_information::ID, EventId(0), &[]);
const M: AttributeId = measurement::MEASURED_VALUE;

/// Moves a frame between the two sides: the controller registers the
/// request, the dispatcher answers, the controller matches every reply.
fn exchange<'r>(
    d: &mut Appliance<'_>,
    c: &mut Controller,
    request: &Message<'_>,
    peer: Peer,
    now: u64,
    frame: usize,
    store: &'r mut Vec<Vec<u8>>,
) -> Vec<Outcome<'r>> {
    let x = c.start(request).unwrap();
    *store = call(d, request, peer, now, frame);
    store
        .iter()
        .map(|bytes| {
            c.handle_reply(
                x,
                &Message::from_bytes(bytes).unwrap(),
                Instant::from_millis(now),
            )
            .unwrap()
        })
        .collect()
}

fn run(spec: &Spec) {
    let name = spec.device_type.name;
    let root_store = Store::new(Kind::Plain, &defaults(&basic_information::CAPABILITY));
    let stores: Vec<Store> = spec
        .caps
        .iter()
        .map(|c| Store::new(kind_for(c), &defaults(c)))
        .collect();
    let mut root_ref = &root_store;
    let mut refs: Vec<&Store> = stores.iter().collect();
    let mut root =
        [Instance::new(&basic_information::CAPABILITY, &mut root_ref).with_all_optional()];
    let mut instances: Vec<Instance<'_>> = spec
        .caps
        .iter()
        .zip(refs.iter_mut())
        .map(|(c, h)| Instance::new(c, h).with_all_optional())
        .collect();
    let types = [spec.device_type.reference()];
    let mut endpoints = [
        EndpointEntry::new(0, &ROOT_TYPES, &mut root),
        EndpointEntry::new(1, &types, &mut instances),
    ];
    let counter = EventCounter::new(RamSequenceStore::default(), 8);
    let mut d = Appliance::new(info(), &mut endpoints, counter, 77).unwrap();
    let mut c = Controller::new();
    let store_of = |ep: u16, cap: CapabilityId| -> &Store {
        if ep == 0 {
            &root_store
        } else {
            &stores[spec.caps.iter().position(|c| c.id == cap).unwrap()]
        }
    };
    let mut buf = Vec::new();

    // Describe, in 48-byte frames, then from the cache.
    let hash = d.descriptor_hash();
    let mut describe = Message::Describe(c.describe(hash).unwrap());
    let descriptor = loop {
        let outcomes = exchange(&mut d, &mut c, &describe, STRANGER, 0, 48, &mut buf);
        match &outcomes[0] {
            Outcome::DescriptorNeeds { next } => describe = *next,
            Outcome::DescriptorReady(desc) => break desc.clone(),
            other => panic!("{name}: {other:?}"),
        }
    };
    assert!(
        c.describe(hash).is_err(),
        "{name}: cached descriptor skips Describe"
    );
    let device = descriptor.device();
    let ep = device.endpoint(EndpointId(1)).unwrap();
    spec.device_type
        .check(&ep)
        .unwrap_or_else(|id| panic!("{name}: missing {id:?}"));
    assert_eq!(
        ep.device_types.iter().next().unwrap(),
        spec.device_type.reference()
    );

    // Wildcard read of the device endpoint in small chunks.
    let readable: usize = spec
        .caps
        .iter()
        .map(|c| {
            c.attributes
                .iter()
                .filter(|a| a.access.contains(applink::descriptor::Access::READ))
                .count()
        })
        .sum();
    let read_all = Message::Read(Read {
        endpoint: EndpointId(1),
        capability: None,
        attributes: Seq::empty(),
    });
    let outcomes = exchange(&mut d, &mut c, &read_all, USER, 1, 40, &mut buf);
    let mut seen = 0;
    for (k, o) in outcomes.iter().enumerate() {
        let Outcome::Values { records, more } = o else {
            panic!("{name}: {o:?}")
        };
        assert_eq!(*more, k + 1 < outcomes.len());
        seen += records.iter().map(|r| r.values.len()).sum::<usize>();
    }
    assert_eq!(seen, readable, "{name}");
    assert_eq!(c.pending(), 0);

    // Writes.
    let read_back = |d: &mut Appliance<'_>, (ep, cap, attr, _): Target| {
        let attrs = [attr];
        let r = call(
            d,
            &Message::Read(Read {
                endpoint: EndpointId(ep),
                capability: Some(cap),
                attributes: Seq::from_slice(&attrs),
            }),
            USER,
            2,
            128,
        );
        let Message::ReadReply(reply) = Message::from_bytes(&r[0]).unwrap() else {
            panic!()
        };
        to_static(
            &reply
                .records
                .iter()
                .next()
                .unwrap()
                .values
                .iter()
                .next()
                .unwrap()
                .value,
        )
    };
    let write = |(ep, cap, attr, value): Target, dv: Option<u32>| {
        (
            ep,
            cap,
            [AttributeValue {
                attribute: attr,
                value,
            }],
            dv,
        )
    };
    let (ep_w, cap_w, values, dv) = write(spec.write_ok, None);
    let msg = Message::Write(Write {
        endpoint: EndpointId(ep_w),
        capability: cap_w,
        data_version: dv,
        values: Seq::from_slice(&values),
    });
    let out = exchange(&mut d, &mut c, &msg, ADMIN, 2, 64, &mut buf);
    assert!(
        matches!(out[0], Outcome::Written { data_version: 78 }),
        "{name}: {out:?}"
    );
    assert_eq!(read_back(&mut d, spec.write_ok), spec.write_ok.3, "{name}");
    let writes_before = store_of(ep_w, cap_w).writes.get();
    for ((target, status), peer) in [
        (spec.write_bad, USER),
        ((spec.read_only, Status::ACCESS_DENIED), ADMIN),
    ] {
        let before = read_back(&mut d, target);
        let (ep, cap, values, _) = write(target, None);
        let msg = Message::Write(Write {
            endpoint: EndpointId(ep),
            capability: cap,
            data_version: None,
            values: Seq::from_slice(&values),
        });
        let out = exchange(&mut d, &mut c, &msg, peer, 2, 64, &mut buf);
        assert_eq!(out[0], Outcome::Refused(status), "{name}: {target:?}");
        assert_eq!(read_back(&mut d, target), before, "{name}: nothing changed");
    }
    // A stale data-version precondition.
    let (ep, cap, values, _) = write(spec.write_ok, None);
    let msg = Message::Write(Write {
        endpoint: EndpointId(ep),
        capability: cap,
        data_version: Some(1),
        values: Seq::from_slice(&values),
    });
    assert_eq!(
        exchange(&mut d, &mut c, &msg, ADMIN, 2, 64, &mut buf)[0],
        Outcome::Refused(Status::DATA_VERSION_MISMATCH)
    );
    assert_eq!(
        store_of(ep_w, cap_w).writes.get(),
        writes_before,
        "{name}: no handler call for rejected writes"
    );

    // Invoke.
    let (cap, command, args, timed_ms) = spec.invoke;
    let msg = Message::Invoke(Invoke {
        endpoint: EndpointId(1),
        capability: cap,
        command,
        timed_ms,
        args: Seq::from_slice(args),
    });
    let out = exchange(&mut d, &mut c, &msg, USER, 3, 64, &mut buf);
    assert!(
        matches!(
            out[0],
            Outcome::Invoked {
                status: Status::SUCCESS,
                ..
            }
        ),
        "{name}: {out:?}"
    );
    assert_eq!(store_of(1, cap).invokes.borrow().last(), Some(&command));

    // Subscribe: priming report, threshold, min interval, heartbeat.
    let ((ep, cap, attr), threshold, start, small, large) = spec.numeric;
    let target = store_of(ep, cap);
    target.set(attr, start);
    let attrs = [attr];
    let sub = Message::Subscribe(Subscribe {
        endpoint: EndpointId(ep),
        capability: Some(cap),
        attributes: Seq::from_slice(&attrs),
        min_interval_ms: 500,
        max_interval_ms: 5000,
        min_change: threshold,
        events: true,
    });
    let out = exchange(&mut d, &mut c, &sub, USER, 1000, 64, &mut buf);
    let Outcome::Subscribed(granted) = out[0] else {
        panic!("{name}: {out:?}")
    };
    let value_of = |bytes: &[u8], c: &mut Controller, now: u64| -> Value<'static> {
        let msg = Message::from_bytes(bytes).unwrap();
        let Notice::Report(r) = c
            .handle_unsolicited(&msg, Instant::from_millis(now))
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(r.subscription, granted.subscription);
        to_static(
            &r.records
                .iter()
                .next()
                .unwrap()
                .values
                .iter()
                .next()
                .unwrap()
                .value,
        )
    };
    let primed = reports(&mut d, 1000);
    assert_eq!(value_of(&primed[0], &mut c, 1000), start, "{name}");
    target.set(attr, small);
    d.attribute_changed(EndpointId(ep), cap, attr, Instant::from_millis(1100))
        .unwrap();
    assert!(
        reports(&mut d, 1600).is_empty(),
        "{name}: change below threshold"
    );
    target.set(attr, large);
    d.attribute_changed(EndpointId(ep), cap, attr, Instant::from_millis(1200))
        .unwrap();
    assert_eq!(d.poll_timeout(), Some(Instant::from_millis(1500)));
    let r = reports(&mut d, 1500);
    assert_eq!(value_of(&r[0], &mut c, 1500), large, "{name}");
    assert!(reports(&mut d, 6499).is_empty());
    assert_eq!(reports(&mut d, 6500).len(), 1, "{name}: heartbeat");
    assert!(
        c.lapsed(Instant::from_millis(7000), Duration::from_secs(2))
            .is_empty()
    );
    assert_eq!(
        c.lapsed(Instant::from_millis(20_000), Duration::from_secs(2)),
        vec![granted.subscription]
    );

    // Events: in order, then a flood that overruns the log makes a gap.
    let (ev_ep, ev_cap, ev_id, ev_fields) = spec.event;
    let emit = |d: &mut Appliance<'_>| {
        d.emit_event(
            EndpointId(ev_ep),
            ev_cap,
            ev_id,
            ev_fields,
            Some(1_700_000_000_000),
        )
        .unwrap()
    };
    assert_eq!(emit(&mut d), 0);
    let r = reports(&mut d, 6600);
    let Notice::Event { event, missed } = c
        .handle_unsolicited(
            &Message::from_bytes(&r[0]).unwrap(),
            Instant::from_millis(6600),
        )
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (event.sequence, missed, event.event),
        (0, 0, ev_id),
        "{name}"
    );
    for _ in 0..80 {
        emit(&mut d);
    }
    let r = reports(&mut d, 6700);
    let mut missed_total = 0;
    for bytes in &r {
        if let Notice::Event { missed, .. } = c
            .handle_unsolicited(
                &Message::from_bytes(bytes).unwrap(),
                Instant::from_millis(6700),
            )
            .unwrap()
        {
            missed_total += missed;
        }
    }
    assert!(missed_total > 0, "{name}: gap detected");
    assert_eq!(c.event_position(), (Some(80), missed_total));

    // Unsubscribe.
    let unsub = Message::Unsubscribe(Unsubscribe {
        subscription: granted.subscription,
    });
    assert_eq!(
        exchange(&mut d, &mut c, &unsub, USER, 7000, 64, &mut buf)[0],
        Outcome::Unsubscribed
    );
    assert_eq!(d.poll_timeout(), None);
}

macro_rules! device_tests {
    ($($test:ident: $spec:expr;)*) => {
        $(#[test] fn $test() { const SPEC: Spec = $spec; run(&SPEC); })*
    };
}

device_tests! {
    on_off_light: Spec {
        device_type: &device_types::ON_OFF_LIGHT,
        caps: &[&identify::CAPABILITY, &on_off::CAPABILITY],
        write_ok: (1, identify::ID, identify::IDENTIFY_TIME, Value::U16(10)),
        write_bad: ((1, identify::ID, identify::IDENTIFY_TIME, Value::U16(4000)), Status::CONSTRAINT_ERROR),
        read_only: (0, basic_information::ID, basic_information::VENDOR_NAME, Value::Str("x")),
        invoke: (on_off::ID, on_off::toggle::ID, &[], None),
        numeric: ((1, identify::ID, identify::IDENTIFY_TIME), 10, Value::U16(0), Value::U16(5), Value::U16(20)),
        event: ROOT_EVENT,
    };
    dimmable_light: Spec {
        device_type: &device_types::DIMMABLE_LIGHT,
        caps: &[&identify::CAPABILITY, &on_off::CAPABILITY, &level_control::CAPABILITY],
        write_ok: (1, level_control::ID, level_control::LEVEL, Value::U8(200)),
        write_bad: ((1, level_control::ID, level_control::LEVEL, Value::U8(255)), Status::CONSTRAINT_ERROR),
        read_only: (1, level_control::ID, level_control::MIN_LEVEL, Value::U8(2)),
        invoke: (level_control::ID, level_control::move_to_level::ID, &[Field::new(0, Value::U8(50))], None),
        numeric: ((1, level_control::ID, level_control::LEVEL), 10, Value::U8(100), Value::U8(105), Value::U8(130)),
        event: ROOT_EVENT,
    };
    plug: Spec {
        device_type: &device_types::PLUG,
        caps: &[&identify::CAPABILITY, &on_off::CAPABILITY, &electrical_power::CAPABILITY, &electrical_energy::CAPABILITY],
        write_ok: (1, on_off::ID, on_off::ON, Value::Bool(true)),
        write_bad: ((1, on_off::ID, on_off::ON, Value::U8(1)), Status::INVALID_DATA_TYPE),
        read_only: (1, electrical_power::ID, electrical_power::ACTIVE_POWER, Value::I32(5)),
        invoke: (on_off::ID, on_off::on::ID, &[], None),
        numeric: ((1, electrical_power::ID, electrical_power::ACTIVE_POWER), 1000, Value::I32(0), Value::I32(500), Value::I32(60_000)),
        event: ROOT_EVENT,
    };
    thermostat_device: Spec {
        device_type: &device_types::THERMOSTAT,
        caps: &[&thermostat::CAPABILITY, &temperature_measurement::CAPABILITY],
        write_ok: (1, thermostat::ID, thermostat::HEATING_SETPOINT, Value::I16(2100)),
        write_bad: ((1, thermostat::ID, thermostat::HEATING_SETPOINT, Value::I16(2130)), Status::CONSTRAINT_ERROR),
        read_only: (1, thermostat::ID, thermostat::LOCAL_TEMPERATURE, Value::I16(1)),
        invoke: (thermostat::ID, thermostat::adjust_setpoint::ID, &[Field::new(0, Value::I16(50))], None),
        numeric: ((1, thermostat::ID, thermostat::LOCAL_TEMPERATURE), 50, Value::I16(2000), Value::I16(2020), Value::I16(2100)),
        event: ROOT_EVENT,
    };
    washer: Spec {
        device_type: &device_types::WASHER,
        caps: &[&on_off::CAPABILITY, &operational_state::CAPABILITY, &mode_select::CAPABILITY, &laundry_controls::CAPABILITY],
        write_ok: (1, laundry_controls::ID, laundry_controls::SPIN_RPM, Value::U16(1000)),
        write_bad: ((1, laundry_controls::ID, laundry_controls::SPIN_RPM, Value::U16(1100)), Status::CONSTRAINT_ERROR),
        read_only: (1, operational_state::ID, operational_state::STATE, Value::Enum(1)),
        invoke: (operational_state::ID, operational_state::start::ID, &[], None),
        numeric: ((1, operational_state::ID, operational_state::REMAINING), 60, Value::U32(3600), Value::U32(3570), Value::U32(3500)),
        event: (1, operational_state::ID, operational_state::CYCLE_COMPLETE, &[Field::new(0, Value::U32(5400))]),
    };
    dishwasher: Spec {
        device_type: &device_types::DISHWASHER,
        caps: &[&operational_state::CAPABILITY, &dishwasher_alarm::CAPABILITY],
        write_ok: (1, dishwasher_alarm::ID, dishwasher_alarm::MASK, Value::Bitmap(0b11)),
        write_bad: ((1, dishwasher_alarm::ID, dishwasher_alarm::MASK, Value::Bitmap(1 << 7)), Status::CONSTRAINT_ERROR),
        read_only: (1, dishwasher_alarm::ID, dishwasher_alarm::ACTIVE, Value::Bitmap(1)),
        invoke: (dishwasher_alarm::ID, dishwasher_alarm::reset::ID, &[Field::new(0, Value::Bitmap(1))], None),
        numeric: ((1, operational_state::ID, operational_state::REMAINING), 60, Value::U32(600), Value::U32(590), Value::U32(100)),
        event: (1, dishwasher_alarm::ID, dishwasher_alarm::ALARM, &[Field::new(0, Value::Bitmap(0b10))]),
    };
    door_lock_device: Spec {
        device_type: &device_types::DOOR_LOCK,
        caps: &[&power_source::CAPABILITY, &door_lock::CAPABILITY],
        write_ok: (1, door_lock::ID, door_lock::AUTO_RELOCK, Value::U16(30)),
        write_bad: ((1, door_lock::ID, door_lock::AUTO_RELOCK, Value::U16(30)), Status::ACCESS_DENIED),
        read_only: (1, door_lock::ID, door_lock::LOCK_STATE, Value::Enum(door_lock::UNLOCKED)),
        invoke: (door_lock::ID, door_lock::unlock::ID, &[], Some(1000)),
        numeric: ((1, power_source::ID, power_source::BATTERY_PERCENT), 5, Value::U8(80), Value::U8(78), Value::U8(70)),
        event: (1, door_lock::ID, door_lock::FORCED_ENTRY, &[]),
    };
    window_covering_device: Spec {
        device_type: &device_types::WINDOW_COVERING,
        caps: &[&window_covering::CAPABILITY],
        write_ok: ROOT_LABEL_OK,
        write_bad: ROOT_LABEL_BAD,
        read_only: (1, window_covering::ID, window_covering::CURRENT_POSITION, Value::U16(1)),
        invoke: (window_covering::ID, window_covering::go_to_position::ID, &[Field::new(0, Value::U16(5000))], None),
        numeric: ((1, window_covering::ID, window_covering::CURRENT_POSITION), 100, Value::U16(0), Value::U16(50), Value::U16(500)),
        event: ROOT_EVENT,
    };
    contact_sensor: Spec {
        device_type: &device_types::CONTACT_SENSOR,
        caps: &[&identify::CAPABILITY, &power_source::CAPABILITY, &contact_sensing::CAPABILITY],
        write_ok: ROOT_LABEL_OK,
        write_bad: ROOT_LABEL_BAD,
        read_only: (1, contact_sensing::ID, contact_sensing::STATE, Value::Bool(true)),
        invoke: (identify::ID, identify::identify::ID, &[Field::new(0, Value::U16(5))], None),
        numeric: ((1, power_source::ID, power_source::BATTERY_PERCENT), 5, Value::U8(50), Value::U8(49), Value::U8(40)),
        event: (1, contact_sensing::ID, contact_sensing::CHANGED, &[Field::new(0, Value::Bool(false))]),
    };
    temperature_sensor: Spec {
        device_type: &device_types::TEMPERATURE_SENSOR,
        caps: &[&identify::CAPABILITY, &power_source::CAPABILITY, &temperature_measurement::CAPABILITY],
        write_ok: (1, identify::ID, identify::IDENTIFY_TIME, Value::U16(3)),
        write_bad: ((1, identify::ID, identify::IDENTIFY_TIME, Value::I16(3)), Status::INVALID_DATA_TYPE),
        read_only: (1, temperature_measurement::ID, M, Value::I16(1)),
        invoke: (identify::ID, identify::identify::ID, &[Field::new(0, Value::U16(5))], None),
        numeric: ((1, temperature_measurement::ID, M), 50, Value::I16(2150), Value::I16(2170), Value::I16(2250)),
        event: (1, power_source::ID, EventId(0), &[]),
    };
    water_leak_detector: Spec {
        device_type: &device_types::WATER_LEAK_DETECTOR,
        caps: &[&identify::CAPABILITY, &power_source::CAPABILITY, &water_leak_detection::CAPABILITY],
        write_ok: ROOT_LABEL_OK,
        write_bad: ((1, identify::ID, identify::IDENTIFY_TIME, Value::U16(3601)), Status::CONSTRAINT_ERROR),
        read_only: (1, water_leak_detection::ID, water_leak_detection::STATE, Value::Bool(true)),
        invoke: (identify::ID, identify::identify::ID, &[Field::new(0, Value::U16(5))], None),
        numeric: ((1, power_source::ID, power_source::BATTERY_PERCENT), 5, Value::U8(90), Value::U8(88), Value::U8(60)),
        event: (1, water_leak_detection::ID, water_leak_detection::CHANGED, &[Field::new(0, Value::Bool(true))]),
    };
    fan: Spec {
        device_type: &device_types::FAN,
        caps: &[&on_off::CAPABILITY, &fan_control::CAPABILITY],
        write_ok: (1, fan_control::ID, fan_control::MODE, Value::Enum(2)),
        write_bad: ((1, fan_control::ID, fan_control::MODE, Value::Enum(9)), Status::CONSTRAINT_ERROR),
        read_only: (1, fan_control::ID, fan_control::PERCENT_CURRENT, Value::U8(5)),
        invoke: (on_off::ID, on_off::toggle::ID, &[], None),
        numeric: ((1, fan_control::ID, fan_control::PERCENT_CURRENT), 10, Value::U8(0), Value::U8(5), Value::U8(50)),
        event: ROOT_EVENT,
    };
    air_purifier: Spec {
        device_type: &device_types::AIR_PURIFIER,
        caps: &[&on_off::CAPABILITY, &fan_control::CAPABILITY, &pm25_concentration::CAPABILITY, &filter_monitoring::CAPABILITY],
        write_ok: (1, fan_control::ID, fan_control::PERCENT_SETTING, Value::Null),
        write_bad: ((1, fan_control::ID, fan_control::PERCENT_SETTING, Value::U8(101)), Status::CONSTRAINT_ERROR),
        read_only: (1, pm25_concentration::ID, M, Value::U16(3)),
        invoke: (filter_monitoring::ID, filter_monitoring::reset_condition::ID, &[], None),
        numeric: ((1, pm25_concentration::ID, M), 5, Value::U16(10), Value::U16(12), Value::U16(30)),
        event: ROOT_EVENT,
    };
    robot_vacuum: Spec {
        device_type: &device_types::ROBOT_VACUUM,
        caps: &[&power_source::CAPABILITY, &operational_state::CAPABILITY, &rvc_run_mode::CAPABILITY, &rvc_clean_mode::CAPABILITY, &service_area::CAPABILITY],
        write_ok: (1, rvc_run_mode::ID, rvc_run_mode::RUN_MODE, Value::Enum(1)),
        write_bad: ((1, rvc_clean_mode::ID, rvc_clean_mode::SUCTION, Value::Enum(7)), Status::CONSTRAINT_ERROR),
        read_only: (1, rvc_run_mode::ID, rvc_run_mode::DOCKED, Value::Bool(true)),
        invoke: (service_area::ID, service_area::select_areas::ID, &[Field::new(0, Value::List(Seq::from_slice(&[Value::U8(1), Value::U8(2)])))], None),
        numeric: ((1, power_source::ID, power_source::BATTERY_PERCENT), 5, Value::U8(100), Value::U8(97), Value::U8(90)),
        event: (1, operational_state::ID, operational_state::OPERATIONAL_ERROR, &[Field::new(0, Value::U16(5))]),
    };
}
