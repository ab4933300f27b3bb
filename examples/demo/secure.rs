//! Part 3 of `cargo run --example demo`: security, on the same appliance
//! and sockets as part 2, with a second phone (bob's) and an eavesdropper.
//!
//! The appliance holds only what the factory wrote: the SPAKE2+ verifier
//! of its setup code (never the code) and its static X25519 key.
//!
//! - The pairing button: pressed again now that alice owns the appliance,
//!   it opens nothing (only an appliance without pairings takes it).
//! - Sharing: alice, the admin, draws a one-time code on her phone and asks
//!   the appliance, over her secured session, to open a window for it; the
//!   appliance keeps only its verifier, for the window only.
//! - A typo: bob types the one-time manual code with two digits swapped;
//!   the check digit catches it on the phone, nothing is sent.
//! - A wrong code: bob tries a guess; it is refused with a typed error,
//!   never a timeout, after the 2 s an unauthenticated refusal is given in
//!   case a genuine answer is on its way (a forged one must not end a real
//!   attempt), and the attempt is counted.
//! - bob types the one-time manual code right. It carries no device id, so
//!   his phone asks Hello first: one round trip more than with a QR code.
//!   alice's phone is told a phone paired.
//! - Resumption: alice closes her session and resumes at the address she
//!   kept, in one round trip (fresh keys from new ephemeral X25519
//!   exchanges), her command right behind the ResumeReply; her phone takes
//!   the descriptor from its cache without asking (the hash came sealed).
//! - Replay: an eavesdropper on the path recorded alice's sealed Invoke
//!   and sends it again; the appliance counts a replayed counter and the
//!   lamp does not toggle.
//! - Revocation: alice removes bob's pairing from her phone; his session
//!   is closed at once and his next attempt is told to pair again.

use core::net::SocketAddr;

use applink::crypto::setup_code::SetupCode;
use applink::interaction::clients::OnOff;
use applink::node::store::PhoneStore;
use applink::node::{NodeError, Reply};
use applink::onboarding::{Flags, ManualCode};
use applink::session::store::PairingStore;
use applink::time::Duration;

use crate::link::Link;
use crate::onboard::pair_with_qr;
use crate::udp::Udp;
use crate::washer::{DEVICE_ID, Factory, Firmware, LAMP};

/// Swaps the first two neighbouring digits that differ (a typo the check
/// digit always catches).
fn swap_two(code: &str) -> String {
    let mut c: Vec<char> = code.chars().collect();
    let at = (0..c.len() - 1)
        .find(|&i| c[i].is_ascii_digit() && c[i + 1].is_ascii_digit() && c[i] != c[i + 1])
        .expect("a code of one repeated digit is never drawn");
    c.swap(at, at + 1);
    c.into_iter().collect()
}

/// Runs part 3 on the appliance of part 2, alice paired with it.
pub fn run(link: &mut Link<'_, Udp>, factory: &Factory, firmware: &Firmware, alice: SocketAddr) {
    let at = link.appliance_addr;
    println!("== the pairing button is pressed again, now that alice owns the appliance");
    let now = link.now();
    let refused = link
        .appliance
        .open_pairing_window(now, Duration::from_secs(300))
        .expect_err("an owned appliance takes no button press");
    println!("             refused: {refused}: after the first pairing an admin opens windows");

    println!("\n== alice (admin) shares the appliance: a one-time code, a window for it");
    link.begin("share (one-time code)");
    let now = link.now();
    let (id, code) = link
        .phone(alice)
        .share(300, now)
        .expect("alice is connected");
    link.asked_for_admin(alice, id);
    let shared = link.wait(alice, id);
    link.end();
    assert!(matches!(shared, Ok(Reply::Administered)), "{shared:?}");
    let mut one_time = factory.label;
    one_time.setup_code = code;
    one_time.flags = Flags::ONE_TIME;
    let manual = one_time.manual_code().to_string();
    println!(
        "             alice's phone shows QR {} and manual code {manual}",
        one_time.encode()
    );
    println!("             (the appliance keeps its verifier only while the window is open)");

    println!("\n== bob has no camera and types the manual code, two digits swapped");
    let bob = link.add_phone("bob");
    let typo = swap_two(&manual);
    let e = ManualCode::parse(&typo).expect_err("a typo");
    println!("             {typo}: refused on the phone, nothing sent: OnboardingError::{e:?}");

    println!("\n== bob tries a guessed code instead, with the device id");
    link.begin("a wrong code refused");
    let mut guess = one_time;
    guess.setup_code = SetupCode::parse("2718-2818").expect("not trivial");
    pair_with_qr(link, bob, at, &guess);
    let e = link.handshake(bob).expect_err("a wrong code fails");
    link.end();
    println!(
        "             bob's phone says: {e}; failed attempts since the last pairing: {}",
        link.appliance.store().lifetime_failures()
    );

    println!(
        "\n== bob types the one-time manual code right: {manual}; no device id in it, so Hello first"
    );
    link.begin("pair (one-time manual code) + Invoke");
    let copies = link.appliance.rejections().handshake_duplicates;
    let code = ManualCode::parse(&manual).expect("alice's phone made it");
    let digits = String::from_utf8_lossy(code.setup_code.as_bytes()).into_owned();
    let now = link.now();
    link.phone(bob)
        .pair_with_code(at, &digits, None, now)
        .expect("eight digits");
    let toggle = link.request(bob, &OnOff::new(LAMP).toggle().message());
    link.handshake(bob).expect("the one-time code pairs");
    link.wait(bob, toggle).expect("toggled");
    link.run_for(Duration::from_millis(20));
    link.end();
    if link.appliance.rejections().handshake_duplicates > copies {
        println!(
            "             (the PairRequest went twice: `pair_with_code` stamped it with the time"
        );
        println!(
            "             before its Argon2id ran, which took longer than the 250 ms retransmission timer)"
        );
    }

    println!(
        "\n== alice closes her session; later she resumes at the address she kept and toggles the lamp"
    );
    let now = link.now();
    link.phone(alice).close(now);
    link.run_for(Duration::from_millis(50));
    link.begin("resume + Invoke");
    let known = link.phone(alice).store().appliance(&DEVICE_ID);
    let last = known
        .and_then(|k| k.last_address)
        .expect("kept after pairing");
    let addr: SocketAddr = last.parse().expect("an address");
    let now = link.now();
    link.phone(alice)
        .resume(addr, DEVICE_ID, now)
        .expect("paired before");
    link.record_next(alice, "Invoke");
    let toggle = link.request(alice, &OnOff::new(LAMP).toggle().message());
    link.handshake(alice).expect("resumed");
    link.wait(alice, toggle).expect("toggled");
    link.end();
    let describe = link.describe(alice);
    let cached = matches!(link.wait(alice, describe), Ok(Reply::Descriptor(_)));
    println!("             describe again: from the phone's cache, no frame sent: {cached}");

    println!("\n== an eavesdropper on the path sends alice's recorded Invoke (the toggle) again");
    link.begin("a replayed request");
    let eve = link.add_listener("eve");
    let recorded = link.recorded.clone().expect("alice's Invoke went by");
    let lamp = firmware.lamp_on.get();
    let replays = link.appliance.rejections().replay;
    link.inject(eve, at, &recorded, "Invoke, replayed");
    link.run_for(Duration::from_millis(20));
    link.end();
    println!(
        "             replays counted: {}; the lamp did not toggle: {}; sessions live: {}",
        link.appliance.rejections().replay - replays,
        firmware.lamp_on.get() == lamp,
        link.appliance.sessions().count()
    );

    println!("\n== alice removes bob's pairing from her phone (she revoked him)");
    link.begin("revoke bob, his next attempt");
    let key = link.phone(bob).public_key();
    let now = link.now();
    let id = link
        .phone(alice)
        .remove_pairing(key, now)
        .expect("connected");
    link.asked_for_admin(alice, id);
    let removed = link.wait(alice, id);
    assert!(matches!(removed, Ok(Reply::Administered)), "{removed:?}");
    println!("             removed; bob's session is closed at once:");
    link.print_appliance_events();
    link.run_for(Duration::from_millis(20));
    let now = link.now();
    link.phone(bob)
        .resume(at, DEVICE_ID, now)
        .expect("bob's phone still holds the pairing");
    let toggle = link.request(bob, &OnOff::new(LAMP).toggle().message());
    let e = link.handshake(bob).expect_err("bob is cut off");
    let r = link.wait(bob, toggle);
    link.end();
    assert_eq!(e, NodeError::NeedsPairing);
    println!("             bob's phone says: {e}; his toggle: {r:?}");

    println!("\nalice goes on:");
    link.ask(alice, &OnOff::new(LAMP).toggle().message())
        .expect("toggled");
}
