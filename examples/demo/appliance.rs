//! Part 2 of `cargo run --example demo`: the WashLight 2000 (a washer on
//! endpoint 1 and a dimmable lamp on endpoint 2, see `washer.rs`) as an
//! `Appliance` node, and alice's `Phone` controlling it over the in-memory
//! link, everything on a secure session that goes all the way to the
//! handlers.
//!
//! - Pairing with the setup code (Argon2id on both sides): Hello, then
//!   PairRequest, PairChallenge and PairFinish, with the first request
//!   (Describe) in the third flight.
//! - Describe: the descriptor in chunks, its hash checked against the one
//!   HelloAccept announced.
//! - Read the washer; write a program and a spin speed; a spin speed off
//!   its step refused by the phone before sending, and by the appliance
//!   when sent anyway.
//! - Subscribe to the washer's cycle; invoke Start, whose reply is lost
//!   once on the air: the phone retransmits and the appliance answers from
//!   its reply cache without running the handler again.
//! - The cycle runs on simulated time: reports as it counts down, and the
//!   `cycle_complete` event, each acknowledged by the phone.
//! - The lamp: toggle, dim, read back.

use applink::catalog::{laundry_controls, mode_select, operational_state};
use applink::interaction::clients::{self, LevelControl, OnOff, OperationalState};
use applink::message::{AttributeValue, Field, Message, Read, Seq, Subscribe, Value, Write};
use applink::node::Reply;
use applink::time::Duration;

use crate::link::{ALICE, APPLIANCE, Link};
use crate::washer::{Firmware, LAMP, SETUP_CODE, WASHER};

/// Prints the values of a read.
fn print_values(link: &Link<'_>, reply: Result<Reply, applink::node::NodeError>) {
    let Ok(Reply::Values(records)) = reply else {
        panic!("not values: {reply:?}")
    };
    for r in &records {
        for (attribute, value) in &r.values {
            println!(
                "             {}",
                link.words.show(r.endpoint, r.capability, *attribute, value)
            );
        }
    }
}

/// Runs part 2 on `link`, whose appliance serves `firmware`.
pub fn run(link: &mut Link<'_>, firmware: &Firmware) {
    println!("== alice presses the pairing button and types {SETUP_CODE}; her first request,");
    println!("   Describe, waits for the session and travels with PairFinish");
    link.add_phone(ALICE);
    let now = link.now;
    link.appliance
        .open_pairing_window(now, Duration::from_secs(900));
    link.phone(ALICE)
        .pair_with_code(APPLIANCE, SETUP_CODE, None, now)
        .expect("eight digits");
    let describe = link.describe(ALICE);
    link.handshake(ALICE).expect("the right code pairs");
    let Ok(Reply::Descriptor(_)) = link.wait(ALICE, describe) else {
        panic!("no descriptor")
    };
    let device = link.device();
    for ep in device.endpoints.iter() {
        let types: Vec<_> = ep
            .device_types
            .iter()
            .map(|t| {
                applink::catalog::device_types::DeviceType::by_id(t.id).map_or("?", |t| t.name)
            })
            .collect();
        let caps: Vec<_> = ep.capabilities.iter().map(|c| c.name).collect();
        println!("             endpoint {}: {types:?} with {caps:?}", ep.id.0);
    }

    println!("\n== Read everything on the washer (endpoint 1)");
    let read = Message::Read(Read {
        endpoint: WASHER,
        capability: None,
        attributes: Seq::empty(),
    });
    let values = link.ask(ALICE, &read);
    print_values(link, values);

    println!("\n== Write: program \"quick 30\" and 800 rpm");
    let program = clients::write(
        WASHER,
        &mode_select::CAPABILITY,
        mode_select::CURRENT_MODE,
        Value::U8(2),
    )
    .expect("valid");
    link.ask(ALICE, &program.message()).expect("written");
    let spin = clients::write(
        WASHER,
        &laundry_controls::CAPABILITY,
        laundry_controls::SPIN_RPM,
        Value::U16(800),
    )
    .expect("valid");
    link.ask(ALICE, &spin.message()).expect("written");
    let refused = clients::write(
        WASHER,
        &laundry_controls::CAPABILITY,
        laundry_controls::SPIN_RPM,
        Value::U16(1100),
    );
    println!(
        "             the phone refuses 1100 rpm before sending: {:?}",
        refused.unwrap_err()
    );
    println!("             sent anyway, the appliance refuses it and nothing changes:");
    let bad = [AttributeValue::new(
        laundry_controls::SPIN_RPM.0,
        Value::U16(1100),
    )];
    let write = Message::Write(Write {
        endpoint: WASHER,
        capability: laundry_controls::ID,
        data_version: None,
        values: Seq::from_slice(&bad),
    });
    link.ask(ALICE, &write).expect_err("off its step");

    println!(
        "\n== Subscribe to the washer's cycle: reports 1 s apart at most, heartbeat every 60 s, events"
    );
    let sub = Subscribe {
        endpoint: WASHER,
        capability: Some(operational_state::ID),
        attributes: Seq::empty(),
        min_interval_ms: 1000,
        max_interval_ms: 60_000,
        min_change: 10,
        events: true,
    };
    link.ask(ALICE, &Message::Subscribe(sub))
        .expect("subscribed");
    link.run_for(Duration::from_millis(100));

    println!("\n== Invoke: start the cycle (its reply is lost once on the air)");
    link.lose_next_reply();
    let start = OperationalState::new(WASHER).start();
    link.ask(ALICE, &start.message()).expect("started");
    let running = firmware.cycle.state.get() == operational_state::RUNNING;
    println!(
        "             the handler ran once (running: {running}, {} s to go); retransmissions answered from the cache: {}",
        firmware.cycle.remaining_s.get(),
        link.appliance.rejections().duplicates
    );

    println!(
        "\n== The cycle runs (firmware ticks every 5 s; reports need a change of 10 s or more)"
    );
    while firmware.cycle.state.get() == operational_state::RUNNING {
        link.run_for(Duration::from_secs(5));
        let finished = firmware.tick(5);
        let now = link.now;
        let washer = link.appliance.dispatcher();
        let cycle = operational_state::ID;
        washer
            .attribute_changed(WASHER, cycle, operational_state::REMAINING, now)
            .expect("known");
        if finished {
            washer
                .attribute_changed(WASHER, cycle, operational_state::STATE, now)
                .expect("known");
            let total = [Field::new(0, Value::U32(40))];
            washer
                .emit_event(
                    WASHER,
                    cycle,
                    operational_state::CYCLE_COMPLETE,
                    &total,
                    None,
                )
                .expect("a valid event");
        }
    }
    link.run_for(Duration::from_secs(1));

    println!("\n== The lamp (endpoint 2): toggle, dim, read back");
    link.ask(ALICE, &OnOff::new(LAMP).toggle().message())
        .expect("toggled");
    let dim = LevelControl::new(LAMP)
        .move_to_level(180, Some(0.5))
        .expect("valid");
    link.ask(ALICE, &dim.message()).expect("dimmed");
    let read = Message::Read(Read {
        endpoint: LAMP,
        capability: None,
        attributes: Seq::empty(),
    });
    let values = link.ask(ALICE, &read);
    print_values(link, values);
    let retransmitted = link.phone(ALICE).stats().retransmissions;
    println!(
        "\n{} frames so far, the largest {} bytes; the phone retransmitted {retransmitted} request(s)",
        link.frames.0, link.frames.1
    );
}
