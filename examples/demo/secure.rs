//! Part 3 of `cargo run --example demo`: security, on the same appliance
//! node and link as part 2, with `Phone` nodes on the phone side.
//!
//! The appliance holds only what the factory wrote: the SPAKE2+ verifier
//! of its setup code (never the code) and its static X25519 key.
//!
//! - A wrong code: bob's phone mistypes it and gets a typed error at once,
//!   never a timeout; the appliance counts the failed attempt.
//! - Resumption: alice closes her session; an hour later she resumes in one
//!   round trip (fresh keys from new ephemeral X25519 exchanges), her first
//!   command right behind the ResumeReply, and her phone takes the
//!   descriptor from its cache without asking.
//! - Replay: an attacker who recorded alice's ResumeRequest sends it again;
//!   the appliance refuses it (its resumption guard was spent) and alice's
//!   session is untouched.
//!
//! Randomness comes from the operating system.

use applink::interaction::clients::OnOff;
use applink::node::Reply;
use applink::session::store::PairingStore;
use applink::time::Duration;

use crate::link::{ALICE, APPLIANCE, ATTACKER, BOB, Link};
use crate::washer::{DEVICE_ID, LAMP};

/// Runs part 3 on the appliance of part 2, alice paired with it.
pub fn run(link: &mut Link<'_>) {
    println!("== bob: the pairing button is pressed again (alice's pairing closed the window);");
    println!("   bob scans the device id and mistypes the code");
    link.add_phone(BOB);
    let now = link.now;
    link.appliance
        .open_pairing_window(now, Duration::from_secs(300));
    link.phone(BOB)
        .pair_with_code(APPLIANCE, "3141-5927", Some(DEVICE_ID), now)
        .expect("eight digits");
    let e = link.handshake(BOB).expect_err("a wrong code fails");
    // Bob's phone tells the appliance too.
    link.run_for(Duration::from_millis(50));
    println!(
        "             bob's phone says: {e}; failed attempts counted on the appliance: {}",
        link.appliance.store().lifetime_failures()
    );

    println!("\n== alice closes her session; an hour later she resumes and toggles the lamp");
    let now = link.now;
    link.phone(ALICE).close(now);
    link.run_for(Duration::from_secs(3600));
    let now = link.now;
    link.phone(ALICE)
        .resume(APPLIANCE, DEVICE_ID, now)
        .expect("paired before");
    let toggle = link.request(ALICE, &OnOff::new(LAMP).toggle().message());
    link.handshake(ALICE).expect("resumed");
    link.wait(ALICE, toggle).expect("toggled");
    let describe = link.describe(ALICE);
    let cached = matches!(link.wait(ALICE, describe), Ok(Reply::Descriptor(_)));
    println!("             describe again: from the phone's cache, no frame sent: {cached}");

    println!("\n== an attacker replays alice's recorded ResumeRequest");
    let captured = link.captured.clone().expect("a ResumeRequest went by");
    link.inject(ATTACKER, APPLIANCE, &captured);
    link.run_for(Duration::from_millis(50));
    let sessions = link.appliance.sessions().count();
    println!("             the appliance still has {sessions} session (alice's); she goes on:");
    link.ask(ALICE, &OnOff::new(LAMP).toggle().message())
        .expect("toggled");
}
