//! The dispatcher against a lamp (on/off + level) and a washer, directly.

mod common;

use applink::catalog::{
    self, device_types, laundry_controls, level_control, on_off, operational_state,
};
use applink::descriptor::{self, DeviceTypeRef};
use applink::interaction::{EndpointEntry, EventCounter, Instance, RamSequenceStore};
use applink::message::*;
use applink::time::Instant;
use common::*;

const LAMP_TYPES: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
const WASHER_TYPES: [DeviceTypeRef; 1] = [device_types::WASHER.reference()];

/// Runs `test` against the appliance; returns each handler's write count
/// (identify, on/off, level, washer, laundry).
fn with_appliance(test: impl FnOnce(&mut Appliance<'_>)) -> [usize; 5] {
    let mut light = Store::new(Kind::OnOff, &[(0, Value::Bool(false))]);
    let mut level = Store::new(
        Kind::Plain,
        &[
            (0, Value::U8(100)),
            (1, Value::U8(1)),
            (2, Value::U8(254)),
            (3, Value::Null),
        ],
    );
    let mut washer = Store::new(
        Kind::Operational,
        &[
            (0, Value::Enum(0)),
            (1, Value::Null),
            (3, Value::U32(0)),
            (4, Value::U16(0)),
        ],
    );
    let mut laundry = Store::new(
        Kind::Plain,
        &[
            (0, Value::U16(1200)),
            (1, Value::U8(2)),
            (2, Value::Bool(false)),
        ],
    );
    let mut identify = Store::new(Kind::Plain, &[(0, Value::U16(0))]);
    let mut lamp = [
        Instance::new(&catalog::identify::CAPABILITY, &mut identify).with_all_optional(),
        Instance::new(&on_off::CAPABILITY, &mut light).with_all_optional(),
        Instance::new(&level_control::CAPABILITY, &mut level).with_all_optional(),
    ];
    let mut wash = [
        Instance::new(&operational_state::CAPABILITY, &mut washer)
            .with_attributes(&[operational_state::PHASE, operational_state::REMAINING])
            .with_commands(&[operational_state::pause::ID, operational_state::resume::ID])
            .with_events(&[operational_state::CYCLE_COMPLETE]),
        Instance::new(&laundry_controls::CAPABILITY, &mut laundry).with_all_optional(),
    ];
    let mut endpoints = [
        EndpointEntry::new(1, &LAMP_TYPES, &mut lamp),
        EndpointEntry::new(2, &WASHER_TYPES, &mut wash),
    ];
    let counter = EventCounter::new(RamSequenceStore::default(), 16);
    let mut d = Appliance::new(info(), &mut endpoints, counter, 1000).unwrap();
    test(&mut d);
    drop(d);
    [&identify, &light, &level, &washer, &laundry].map(|s| s.writes.get())
}

fn read<'a>(endpoint: u16, capability: Option<u32>, attributes: &'a [AttributeId]) -> Message<'a> {
    Message::Read(Read {
        endpoint: EndpointId(endpoint),
        capability: capability.map(CapabilityId),
        attributes: Seq::from_slice(attributes),
    })
}

fn write<'a>(
    endpoint: u16,
    capability: u32,
    dv: Option<u32>,
    values: &'a [AttributeValue<'a>],
) -> Message<'a> {
    Message::Write(Write {
        endpoint: EndpointId(endpoint),
        capability: CapabilityId(capability),
        data_version: dv,
        values: Seq::from_slice(values),
    })
}

#[test]
fn describe_in_chunks_rebuilds_the_descriptor() {
    with_appliance(|d| {
        let mut bytes = Vec::new();
        let mut offset = 0u32;
        loop {
            let replies = call(d, &Message::Describe(Describe { offset }), STRANGER, 0, 64);
            let Message::Descriptor(chunk) = Message::from_bytes(&replies[0]).unwrap() else {
                panic!("not a chunk")
            };
            assert_eq!(chunk.hash, d.descriptor_hash());
            assert_eq!(chunk.offset, offset);
            assert!(replies[0].len() <= 64);
            bytes.extend_from_slice(chunk.data.0);
            offset += chunk.data.0.len() as u32;
            if offset == chunk.total_len {
                break;
            }
        }
        assert_eq!(bytes.len(), d.descriptor_len());
        assert_eq!(descriptor::hash_bytes(&bytes), d.descriptor_hash());
        let owned = descriptor::OwnedDescriptor::from_vec(bytes.clone()).unwrap();
        let device = owned.device();
        assert_eq!(device.info, info());
        let ep = device.endpoint(EndpointId(2)).unwrap();
        device_types::WASHER.check(&ep).unwrap();
        let state = ep.capability(operational_state::ID).unwrap();
        assert_eq!(state.name, operational_state::CAPABILITY.name);
        assert_eq!(
            state.attributes.len(),
            operational_state::CAPABILITY.attributes.len() - 1,
            "every optional attribute but `phase_names` advertised"
        );
        // Past the end.
        let past = call(
            d,
            &Message::Describe(Describe { offset: offset + 1 }),
            USER,
            0,
            64,
        );
        assert_eq!(status_of(&past), Some(Status::CONSTRAINT_ERROR));
    });
}

#[test]
fn reads_explicit_wildcard_and_chunked() {
    with_appliance(|d| {
        let r = call(d, &read(1, Some(on_off::ID.0), &[on_off::ON]), USER, 0, 128);
        let Message::ReadReply(reply) = Message::from_bytes(&r[0]).unwrap() else {
            panic!()
        };
        let rec = reply.records.iter().next().unwrap();
        assert_eq!(rec.data_version, 1000);
        assert_eq!(
            rec.values.iter().next().unwrap(),
            AttributeValue::new(0, Value::Bool(false))
        );
        assert!(!reply.more);
        // Globals.
        let r = call(
            d,
            &read(1, Some(on_off::ID.0), &[AttributeId::REVISION]),
            USER,
            0,
            128,
        );
        let Message::ReadReply(reply) = Message::from_bytes(&r[0]).unwrap() else {
            panic!()
        };
        let v = reply
            .records
            .iter()
            .next()
            .unwrap()
            .values
            .iter()
            .next()
            .unwrap();
        assert_eq!(v.value, Value::U16(1));
        // Whole endpoint, in 24-byte chunks.
        let all = call(d, &read(1, None, &[]), USER, 0, 24);
        assert!(all.len() > 2);
        let mut count = 0;
        for (k, bytes) in all.iter().enumerate() {
            assert!(bytes.len() <= 24);
            let Message::ReadReply(reply) = Message::from_bytes(bytes).unwrap() else {
                panic!()
            };
            assert_eq!(reply.more, k + 1 < all.len());
            count += reply.records.iter().map(|r| r.values.len()).sum::<usize>();
        }
        assert_eq!(count, 1 + 1 + 4); // identify_time, on, four level attributes
        // Errors.
        assert_eq!(
            status_of(&call(d, &read(9, None, &[]), USER, 0, 64)),
            Some(Status::UNSUPPORTED_ENDPOINT)
        );
        assert_eq!(
            status_of(&call(d, &read(1, Some(0x99), &[]), USER, 0, 64)),
            Some(Status::UNSUPPORTED_CAPABILITY)
        );
        assert_eq!(
            status_of(&call(d, &read(1, Some(4), &[AttributeId(7)]), USER, 0, 64)),
            Some(Status::UNSUPPORTED_ATTRIBUTE)
        );
        assert_eq!(
            status_of(&call(d, &read(1, None, &[]), STRANGER, 0, 64)),
            Some(Status::NEEDS_PAIRING)
        );
    });
}

#[test]
fn writes_validate_before_the_handler() {
    let writes = with_appliance(|d| {
        let cap = laundry_controls::ID.0;
        let ok = [
            AttributeValue::new(0, Value::U16(800)),
            AttributeValue::new(1, Value::U8(3)),
        ];
        let r = call(d, &write(2, cap, Some(1000), &ok), USER, 0, 64);
        assert_eq!(
            Message::from_bytes(&r[0]).unwrap(),
            Message::WriteReply(WriteReply { data_version: 1001 })
        );
        // Stale data version: nothing changes.
        let again = [AttributeValue::new(0, Value::U16(400))];
        let r = call(d, &write(2, cap, Some(1000), &again), USER, 0, 64);
        assert_eq!(status_of(&r), Some(Status::DATA_VERSION_MISMATCH));
        for (values, status) in [
            (
                vec![AttributeValue::new(0, Value::U16(900))],
                Status::CONSTRAINT_ERROR,
            ), // off step
            (
                vec![AttributeValue::new(0, Value::U16(1800))],
                Status::CONSTRAINT_ERROR,
            ), // over max
            (
                vec![AttributeValue::new(0, Value::U32(800))],
                Status::INVALID_DATA_TYPE,
            ),
            (
                vec![AttributeValue::new(9, Value::U8(1))],
                Status::UNSUPPORTED_ATTRIBUTE,
            ),
            // All or nothing: the valid first value is not applied either.
            (
                vec![
                    AttributeValue::new(0, Value::U16(200)),
                    AttributeValue::new(1, Value::U8(0)),
                ],
                Status::CONSTRAINT_ERROR,
            ),
        ] {
            let r = call(d, &write(2, cap, None, &values), USER, 0, 64);
            assert_eq!(status_of(&r), Some(status), "{values:?}");
        }
        let r = call(
            d,
            &write(
                2,
                operational_state::ID.0,
                None,
                &[AttributeValue::new(0, Value::Enum(1))],
            ),
            USER,
            0,
            64,
        );
        assert_eq!(status_of(&r), Some(Status::ACCESS_DENIED));
        assert_eq!(
            d.data_version(EndpointId(2), laundry_controls::ID),
            Some(1001)
        );
        let r = call(d, &read(2, Some(cap), &[]), USER, 0, 128);
        let Message::ReadReply(reply) = Message::from_bytes(&r[0]).unwrap() else {
            panic!()
        };
        let values: Vec<_> = reply.records.iter().next().unwrap().values.iter().collect();
        assert_eq!(values[0].value, Value::U16(800));
        assert_eq!(values[1].value, Value::U8(3));
    });
    // Only the one valid write (two values) reached a handler.
    assert_eq!(writes, [0, 0, 0, 0, 2]);
}

#[test]
fn invokes_with_responses_and_state_errors() {
    with_appliance(|d| {
        let invoke = |command: CommandId| {
            Message::Invoke(Invoke {
                endpoint: EndpointId(2),
                capability: operational_state::ID,
                command,
                timed_ms: None,
                args: Seq::empty(),
            })
        };
        let r = call(d, &invoke(operational_state::start::ID), USER, 0, 64);
        let Message::InvokeReply(reply) = Message::from_bytes(&r[0]).unwrap() else {
            panic!()
        };
        assert_eq!(reply.status, Status::SUCCESS);
        assert_eq!(
            reply.fields.iter().next().unwrap(),
            Field::new(0, Value::Enum(operational_state::RUNNING))
        );
        assert_eq!(
            d.data_version(EndpointId(2), operational_state::ID),
            Some(1001)
        );
        let r = call(d, &invoke(operational_state::start::ID), USER, 0, 64);
        let Message::InvokeReply(reply) = Message::from_bytes(&r[0]).unwrap() else {
            panic!()
        };
        assert_eq!(reply.status, Status::INVALID_STATE);
        assert_eq!(
            status_of(&call(d, &invoke(CommandId(40)), USER, 0, 64)),
            Some(Status::UNSUPPORTED_COMMAND)
        );
        // Arguments are checked: toggle takes none.
        let args = [Field::new(0, Value::Bool(true))];
        let bad = Message::Invoke(Invoke {
            endpoint: EndpointId(1),
            capability: on_off::ID,
            command: on_off::toggle::ID,
            timed_ms: None,
            args: Seq::from_slice(&args),
        });
        assert_eq!(
            status_of(&call(d, &bad, USER, 0, 64)),
            Some(Status::CONSTRAINT_ERROR)
        );
        let mut buf = [0u8; 64];
        let ping = Message::Ping(Ping { nonce: 1 });
        let result = d.handle(&ping, USER, Instant::ZERO, &mut buf, &mut |_| {
            panic!("no reply")
        });
        assert_eq!(
            result,
            Err(applink::interaction::InteractionError::NotARequest(21))
        );
    });
}

fn level_of<'a>(report: &Report<'a>) -> Value<'a> {
    report
        .records
        .iter()
        .next()
        .unwrap()
        .values
        .iter()
        .next()
        .unwrap()
        .value
}

fn decode(bytes: &[u8]) -> Message<'_> {
    Message::from_bytes(bytes).unwrap()
}

#[test]
fn subscriptions_respect_intervals_threshold_and_events() {
    with_appliance(|d| {
        let attrs = [level_control::LEVEL];
        let sub = Message::Subscribe(Subscribe {
            endpoint: EndpointId(1),
            capability: Some(level_control::ID),
            attributes: Seq::from_slice(&attrs),
            min_interval_ms: 1000,
            max_interval_ms: 10_000,
            min_change: 10,
            events: true,
        });
        let r = call(d, &sub, USER, 0, 64);
        assert_eq!(
            decode(&r[0]),
            Message::SubscribeReply(SubscribeReply {
                subscription: 1,
                max_interval_ms: 10_000
            })
        );
        assert_eq!(d.poll_timeout(), Some(Instant::ZERO));
        let primed = reports(d, 0);
        assert_eq!(primed.len(), 1);
        let Message::Report(report) = decode(&primed[0]) else {
            panic!()
        };
        assert_eq!(report.subscription, 1);
        assert_eq!(level_of(&report), Value::U8(100));
        assert_eq!(d.poll_timeout(), Some(Instant::from_millis(10_000)));

        let set = |d: &mut Appliance<'_>, level: u8, now: u64| {
            let values = [AttributeValue::new(0, Value::U8(level))];
            call(
                d,
                &write(1, level_control::ID.0, None, &values),
                USER,
                now,
                64,
            );
        };
        set(d, 105, 100); // below the reportable change
        assert!(reports(d, 200).is_empty());
        assert_eq!(d.poll_timeout(), Some(Instant::from_millis(10_000)));
        set(d, 120, 300);
        assert_eq!(d.poll_timeout(), Some(Instant::from_millis(1000)));
        assert!(
            reports(d, 500).is_empty(),
            "min interval holds the report back"
        );
        let r = reports(d, 1000);
        let Message::Report(report) = decode(&r[0]) else {
            panic!()
        };
        assert_eq!(level_of(&report), Value::U8(120));
        // Heartbeat without change.
        assert!(reports(d, 10_999).is_empty());
        let r = reports(d, 11_000);
        assert_eq!(r.len(), 1);

        // Events: numbered from 0, delivered at once.
        let seq = d
            .emit_event(
                EndpointId(2),
                operational_state::ID,
                operational_state::CYCLE_COMPLETE,
                &[Field::new(0, Value::U32(3600))],
                None,
            )
            .unwrap();
        assert_eq!(seq, 0);
        assert_eq!(d.poll_timeout(), Some(Instant::from_millis(11_000)));
        let r = reports(d, 11_001);
        let Message::Event(event) = decode(&r[0]) else {
            panic!()
        };
        assert_eq!((event.sequence, event.priority), (0, Priority::Info));
        // Invalid event fields are refused and consume no number.
        assert!(
            d.emit_event(
                EndpointId(2),
                operational_state::ID,
                operational_state::CYCLE_COMPLETE,
                &[],
                None
            )
            .is_err()
        );
        // Overflow the log: the oldest are dropped and the subscriber sees a gap.
        for _ in 0..60 {
            d.emit_event(
                EndpointId(2),
                operational_state::ID,
                operational_state::CYCLE_COMPLETE,
                &[Field::new(0, Value::U32(1))],
                None,
            )
            .unwrap();
        }
        let r = reports(d, 11_002);
        let seqs: Vec<u64> = r
            .iter()
            .filter_map(|b| match decode(b) {
                Message::Event(e) => Some(e.sequence),
                _ => None,
            })
            .collect();
        assert!(seqs[0] > 1, "gap expected, got {seqs:?}");
        assert_eq!(*seqs.last().unwrap(), 60);
        assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1));

        // Unsubscribe: only the owner can.
        let unsub = Message::Unsubscribe(Unsubscribe { subscription: 1 });
        assert_eq!(
            status_of(&call(d, &unsub, ADMIN, 12_000, 64)),
            Some(Status::CONSTRAINT_ERROR)
        );
        assert_eq!(
            status_of(&call(d, &unsub, USER, 12_000, 64)),
            Some(Status::SUCCESS)
        );
        assert_eq!(d.poll_timeout(), None);
    });
}

/// Found by fuzzing: with the clock at the end of time every heartbeat
/// saturated to "now", so the subscription reported on every poll forever.
#[test]
fn a_clock_at_the_end_of_time_does_not_report_forever() {
    with_appliance(|d| {
        let attrs = [level_control::LEVEL];
        let sub = Message::Subscribe(Subscribe {
            endpoint: EndpointId(1),
            capability: Some(level_control::ID),
            attributes: Seq::from_slice(&attrs),
            min_interval_ms: 0,
            max_interval_ms: 1000,
            min_change: 0,
            events: false,
        });
        call(d, &sub, USER, 0, 64);
        assert_eq!(reports(d, 0).len(), 1, "primed");
        let end = u64::MAX - 10;
        d.handle_timeout(Instant::from_millis(end));
        let mut buf = [0u8; 256];
        let mut sent = 0;
        while let Some(o) = d.poll_report(&mut buf).unwrap() {
            assert!(o.len <= buf.len());
            sent += 1;
            assert!(sent < 10, "reports on every poll");
        }
        assert_eq!(sent, 1, "the heartbeat that was due");
        assert_eq!(d.poll_timeout(), None, "no heartbeat past the end of time");
    });
}

#[test]
fn subscribe_rejections() {
    with_appliance(|d| {
        let base = Subscribe {
            endpoint: EndpointId(1),
            capability: Some(level_control::ID),
            attributes: Seq::empty(),
            min_interval_ms: 0,
            max_interval_ms: 0,
            min_change: 0,
            events: false,
        };
        let min_attr = [level_control::MIN_LEVEL];
        for (s, status) in [
            (
                Subscribe {
                    attributes: Seq::from_slice(&min_attr),
                    ..base
                },
                Status::ACCESS_DENIED,
            ),
            (
                Subscribe {
                    min_interval_ms: 5,
                    ..base
                },
                Status::CONSTRAINT_ERROR,
            ),
            (
                Subscribe {
                    endpoint: EndpointId(5),
                    ..base
                },
                Status::UNSUPPORTED_ENDPOINT,
            ),
        ] {
            assert_eq!(
                status_of(&call(d, &Message::Subscribe(s), USER, 0, 64)),
                Some(status)
            );
        }
        assert_eq!(
            status_of(&call(d, &Message::Subscribe(base), STRANGER, 0, 64)),
            Some(Status::NEEDS_PAIRING)
        );
        for _ in 0..4 {
            let r = call(d, &Message::Subscribe(base), USER, 0, 64);
            let Message::SubscribeReply(reply) = decode(&r[0]) else {
                panic!()
            };
            assert_eq!(reply.max_interval_ms, 1000);
        }
        assert_eq!(
            status_of(&call(d, &Message::Subscribe(base), USER, 0, 64)),
            Some(Status::RESOURCE_EXHAUSTED)
        );
        d.drop_session(USER.session);
        assert_eq!(d.subscription_count(), 0);
    });
}
