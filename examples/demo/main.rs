//! The applink demo: an appliance found, paired with the code printed on
//! it, and controlled the way a person does it with a phone, with a
//! readable transcript of everything the two say to each other.
//!
//! 1. Frames on a noisy byte stream (`stream.rs`): a phone and a lamp
//!    exchange hello, read, subscribe and report frames through COBS stream
//!    framing with line noise, decoded back by the stream deframer.
//! 2. A washer and a lamp, over real UDP sockets on 127.0.0.1 in this one
//!    process (`udp.rs`): the WashLight 2000 (`washer.rs`, one `Appliance`
//!    node with a washer and a dimmable lamp on two endpoints) opens its
//!    pairing window and advertises; alice's `Phone` scans its QR code,
//!    discovers it (mDNS on loopback, else a unicast probe) and pairs
//!    (`onboard.rs`); then describe, read, write, invoke (start a cycle,
//!    its reply lost once and answered again from the reply cache) and
//!    subscribe (`appliance.rs`), all on the secure session.
//! 3. Security (`secure.rs`), on the same appliance: a typo caught by the
//!    manual code's check digit, a wrong code refused at once, a second
//!    phone paired by the manual code, a resumed session in one round
//!    trip, a replayed request dropped, a revoked phone cut off.
//! 4. The same pairing-to-first-command flow over a simulated BLE link
//!    (`ble.rs`): packets of 20 bytes, 50 ms round trips, simulated time.
//!
//! In parts 2 to 4 each line is one frame as it arrives (`link.rs`): time,
//! direction, message (`secured` and the plaintext message the receiver
//! handled, for a sealed frame), size and what the receiving node did with
//! it. Each step ends with its round trips and time, summed up at the end.
//!
//! The whole demo has a wall-clock cap; past it, it stops with a message
//! and a non-zero exit status.

mod appliance;
mod ble;
mod link;
mod onboard;
mod secure;
mod stream;
mod udp;
mod washer;
mod words;

use core::time::Duration as StdDuration;

use crate::link::{Step, ms};

/// The longest the demo may run on the wall clock.
const CAP: StdDuration = StdDuration::from_secs(60);

fn main() {
    std::thread::spawn(|| {
        std::thread::sleep(CAP);
        eprintln!(
            "demo: still running after {} s of wall time: giving up",
            CAP.as_secs()
        );
        std::process::exit(2);
    });
    println!("######## 1. frames on a noisy byte stream ########\n");
    stream::run();

    // At the factory: Argon2id of the setup code, once.
    let factory = washer::Factory::make();
    let firmware = washer::Firmware::new();
    let mut loopback: Vec<Step> = Vec::new();
    let mut onboarded = None;
    washer::build(&firmware, &factory, |appliance| {
        let mut link = link::Link::new(udp::Udp::new(), appliance);
        println!(
            "\n######## 2. a washer and a lamp over UDP on 127.0.0.1: found, paired, described, read, written, invoked, subscribed ########\n"
        );
        let found = onboard::run(&mut link, &factory);
        appliance::run(&mut link, &firmware, found.alice);
        println!(
            "\n######## 3. a typo, a wrong code, a second phone, a resumed session, a replay, a revocation ########\n"
        );
        secure::run(&mut link, &factory, &firmware, found.alice);
        loopback = link.steps.clone();
        onboarded = Some(found);
    });
    let onboarded = onboarded.expect("parts 2 and 3 ran");

    println!("\n######## 4. the same pairing over a simulated BLE link ########\n");
    let ble = ble::run(&factory);

    println!("\n######## summary ({}) ########\n", onboard::build_kind());
    println!("{:<48} {:>11} {:>12}", "step", "round trips", "time");
    println!("loopback UDP, wall clock:");
    for s in &loopback {
        println!("  {:<46} {:>11} {:>12}", s.label, s.round_trips, ms(s.time));
    }
    println!(
        "simulated BLE (MTU {}, 50 ms round trips), simulated clock:",
        ble::MTU
    );
    for s in &ble.steps {
        println!("  {:<46} {:>11} {:>12}", s.label, s.round_trips, ms(s.time));
    }
    println!();
    println!("label: QR string {}", factory.label.encode());
    println!("       manual code {}", factory.label.manual_code());
    println!("discovery on loopback took: {}", onboarded.path);
    println!(
        "phone starting discovery → reply of its first command, loopback UDP: {} (Argon2id {} of it)",
        ms(onboarded.first_reply),
        ms(onboarded.argon)
    );
    println!(
        "the same over simulated BLE: {} simulated + {} Argon2id = {}",
        ms(ble.simulated),
        ms(ble.argon),
        ms(ble.simulated + ble.argon)
    );
    drop(onboarded.advertiser);
}
