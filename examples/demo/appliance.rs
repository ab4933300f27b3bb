//! Part 2, second half, of `cargo run --example demo`: alice's `Phone`
//! controls the WashLight 2000 (a washer on endpoint 1 and a dimmable lamp
//! on endpoint 2, see `washer.rs`) over real UDP sockets on 127.0.0.1,
//! everything on the secure session `onboard.rs` opened, all the way to
//! the handlers.
//!
//! - Read the washer; write a program and a spin speed; a spin speed off
//!   its step refused by the phone before sending, and by the appliance
//!   when sent anyway.
//! - Subscribe to the washer's cycle; invoke Start, whose reply the driver
//!   drops once: the phone retransmits and the appliance answers from its
//!   reply cache without running the handler again.
//! - The cycle runs (its clock 20 times faster than the wall's): reports
//!   as it counts down and the `cycle_complete` event, each acknowledged.
//! - The lamp: toggle, dim, read back.

use core::net::SocketAddr;

use applink::catalog::{laundry_controls, mode_select, operational_state};
use applink::interaction::clients::{self, LevelControl, OnOff, OperationalState};
use applink::message::{AttributeValue, Field, Message, Read, Seq, Subscribe, Value, Write};
use applink::node::{NodeError, Reply};
use applink::time::Duration;

use crate::link::{Link, Medium};
use crate::udp::Udp;
use crate::washer::{Firmware, LAMP, WASHER};

/// How often the firmware's main loop ticks, on the wall clock.
const TICK_MS: u64 = 250;
/// Cycle seconds per tick: the cycle's clock runs 20 times fast.
const CYCLE_S_PER_TICK: u32 = 5;

/// Prints the values of a read.
pub fn print_values<M: Medium>(link: &Link<'_, M>, reply: Result<Reply, NodeError>) {
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

/// Runs the second half of part 2 on `link`, whose appliance serves
/// `firmware`, with alice's phone paired.
pub fn run(link: &mut Link<'_, Udp>, firmware: &Firmware, alice: SocketAddr) {
    println!("\n== Read everything on the washer (endpoint 1)");
    link.begin("read the washer");
    let read = Message::Read(Read {
        endpoint: WASHER,
        capability: None,
        attributes: Seq::empty(),
    });
    let values = link.ask(alice, &read);
    link.end();
    print_values(link, values);

    println!("\n== Write: program \"quick 30\" and 800 rpm");
    link.begin("write two attributes");
    let program = clients::write(
        WASHER,
        &mode_select::CAPABILITY,
        mode_select::CURRENT_MODE,
        Value::U8(2),
    )
    .expect("valid");
    link.ask(alice, &program.message()).expect("written");
    let spin = clients::write(
        WASHER,
        &laundry_controls::CAPABILITY,
        laundry_controls::SPIN_RPM,
        Value::U16(800),
    )
    .expect("valid");
    link.ask(alice, &spin.message()).expect("written");
    link.end();
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
    link.begin("a write refused");
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
    link.ask(alice, &write).expect_err("off its step");
    link.end();

    println!(
        "\n== Subscribe to the washer's cycle: reports 200 ms apart at least, heartbeat every 60 s, events"
    );
    link.begin("subscribe");
    let sub = Subscribe {
        endpoint: WASHER,
        capability: Some(operational_state::ID),
        attributes: Seq::empty(),
        min_interval_ms: 200,
        max_interval_ms: 60_000,
        min_change: 10,
        events: true,
    };
    link.ask(alice, &Message::Subscribe(sub))
        .expect("subscribed");
    link.run_for(Duration::from_millis(20));
    link.end();

    println!("\n== Invoke: start the cycle (the driver drops its reply once)");
    link.begin("invoke Start, reply lost once");
    link.lose_next_reply();
    let start = OperationalState::new(WASHER).start();
    link.ask(alice, &start.message()).expect("started");
    link.end();
    let running = firmware.cycle.state.get() == operational_state::RUNNING;
    println!(
        "             the handler ran once (running: {running}, {} s to go); retransmissions answered from the cache: {}",
        firmware.cycle.remaining_s.get(),
        link.appliance.rejections().duplicates
    );

    println!(
        "\n== The cycle runs: the firmware ticks every {TICK_MS} ms, {CYCLE_S_PER_TICK} cycle seconds a tick; \
         reports need a change of 10 s"
    );
    link.begin("the cycle: reports and an event");
    while firmware.cycle.state.get() == operational_state::RUNNING {
        link.run_for(Duration::from_millis(TICK_MS));
        let finished = firmware.tick(CYCLE_S_PER_TICK);
        let now = link.now();
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
    link.run_for(Duration::from_millis(300));
    link.end();

    println!("\n== The lamp (endpoint 2): toggle, dim, read back");
    link.begin("lamp: toggle, dim, read");
    link.ask(alice, &OnOff::new(LAMP).toggle().message())
        .expect("toggled");
    let dim = LevelControl::new(LAMP)
        .move_to_level(180, Some(0.5))
        .expect("valid");
    link.ask(alice, &dim.message()).expect("dimmed");
    let read = Message::Read(Read {
        endpoint: LAMP,
        capability: None,
        attributes: Seq::empty(),
    });
    let values = link.ask(alice, &read);
    link.end();
    print_values(link, values);
    let retransmitted = link.phone(alice).stats().retransmissions;
    println!(
        "\n{} frames so far, the largest {} bytes; the phone retransmitted {retransmitted} request(s)",
        link.frames.0, link.frames.1
    );
}
