//! The batch exchanges of `spec/vectors/interaction.json` (INTERACTION.md
//! section 10): three lamps on endpoints 1..=3, each with on/off and level
//! control (every optional element), run through a scene, a failing item
//! with and without `stop_on_failure`, per-item checks, an unpaired peer
//! and a reply buffer too small for every result.

use applink::catalog::{level_control, on_off, reference};
use applink::interaction::{Dispatcher, EndpointEntry, EventCounter, Instance, RamSequenceStore};
use applink::message::*;
use serde_json::{Value as Json, json};

use super::{Disp, LEVEL, STRANGER, USER, attrs, leak, run, seq, step};

/// The lamps' starting state, as `interaction.json`'s `devices` lists it.
pub fn device(values: impl Fn(&[(u16, Value<'static>)]) -> Vec<Json>) -> Json {
    let state: Vec<Json> = (1..=3u16)
        .flat_map(|endpoint| {
            [
                json!({"endpoint": endpoint, "capability": on_off::ID.0, "values": values(&[(0, Value::Bool(false))])}),
                json!({"endpoint": endpoint, "capability": level_control::ID.0, "values": values(&LEVEL)}),
            ]
        })
        .collect();
    json!({
        "descriptor": "the reference lamp's identity; endpoints 1, 2 and 3 without device types, each with on_off and level_control (revision 1, every optional element present)",
        "state": state,
        "behaviour": "as the lamp: writes store the value; on_off's off, on and toggle set attribute 0 and change the data version; level_control commands answer UNSUPPORTED_COMMAND",
    })
}

fn invoke(endpoint: u16, command: CommandId) -> BatchItem<'static> {
    BatchItem::Invoke(Invoke {
        endpoint: EndpointId(endpoint),
        capability: on_off::ID,
        command,
        timed_ms: None,
        args: Seq::empty(),
    })
}

fn write(endpoint: u16, attribute: AttributeId, value: Value<'static>) -> BatchItem<'static> {
    BatchItem::Write(Write {
        endpoint: EndpointId(endpoint),
        capability: level_control::ID,
        data_version: None,
        values: seq(vec![AttributeValue::new(attribute.0, value)]),
    })
}

fn batch(stop_on_failure: bool, items: Vec<BatchItem<'static>>) -> Message<'static> {
    Message::Batch(Batch {
        stop_on_failure,
        items: Seq::from_slice(leak(items)),
    })
}

/// The batch exchange vectors, in order on one dispatcher.
pub fn exchanges() -> Vec<Json> {
    let lamp = || attrs(&[(0, Value::Bool(false))], true);
    let level = || attrs(&LEVEL, false);
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
    let mut d: Disp<'_> = Dispatcher::new(
        reference::LAMP.info,
        &mut endpoints,
        counter,
        super::DATA_VERSION_SEED,
    )
    .expect("valid lamps");
    let scene = || {
        vec![
            invoke(1, on_off::on::ID),
            invoke(2, on_off::on::ID),
            write(3, level_control::ON_LEVEL, Value::U8(200)),
        ]
    };
    let failing = || {
        vec![
            invoke(1, on_off::off::ID),
            invoke(9, on_off::on::ID),
            invoke(2, on_off::off::ID),
        ]
    };
    let mut small = step(
        "batch_exchange_reply_room",
        "three toggles with an 18-byte reply buffer: the first toggle does not run (its largest result and 4 bytes for each of the two later items do not fit) and is Failed(RESOURCE_EXHAUSTED); the second and third, with less to reserve after them, run",
        USER,
        50,
        batch(
            false,
            (1..=3).map(|e| invoke(e, on_off::toggle::ID)).collect(),
        ),
    );
    small.reply_buffer = 18;
    let steps = vec![
        step(
            "batch_exchange_scene",
            "a scene across three endpoints: on 1, on 2, on_level 200 on 3, answered in one BatchReply with one result per item",
            USER,
            0,
            batch(false, scene()),
        ),
        step(
            "batch_exchange_stop_on_failure",
            "off 1, on 9 (no such endpoint), off 2 with stop_on_failure: the item after the failure is NotRun",
            USER,
            10,
            batch(true, failing()),
        ),
        step(
            "batch_exchange_continue_after_failure",
            "the same batch without stop_on_failure: every item runs",
            USER,
            20,
            batch(false, failing()),
        ),
        step(
            "batch_exchange_items_checked_one_by_one",
            "a write of the read-only min_level, an unknown command 9, a toggle of 3: each item is checked as it would be alone",
            USER,
            30,
            batch(
                false,
                vec![
                    write(1, level_control::MIN_LEVEL, Value::U8(5)),
                    invoke(1, CommandId(9)),
                    invoke(3, on_off::toggle::ID),
                ],
            ),
        ),
        step(
            "batch_exchange_needs_pairing",
            "a batch from an unpaired peer is refused as a whole with NEEDS_PAIRING",
            STRANGER,
            40,
            batch(false, scene()),
        ),
        small,
    ];
    run(&mut d, "three_lamps", steps)
}
