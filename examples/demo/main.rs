//! The applink demo: everything a phone and an appliance say to each other,
//! in memory, with a readable transcript.
//!
//! 1. Frames on a noisy byte stream (`stream.rs`): a phone and a lamp
//!    exchange hello, read, subscribe and report frames through COBS stream
//!    framing with line noise, decoded back by the stream deframer.
//! 2. A washer and a lamp (`appliance.rs`, firmware in `washer.rs`): one
//!    `Appliance` node with a washer and a dimmable lamp on two endpoints,
//!    and alice's `Phone` on an in-memory link (`link.rs`, simulated time):
//!    pairing with the setup code, then describe, read, write, invoke
//!    (start a cycle, its reply lost once and answered again from the
//!    reply cache) and subscribe, all on the secure session.
//! 3. Security (`secure.rs`), on the same appliance: a wrong code refused
//!    with a typed error, a resumed session in one round trip, and a
//!    replayed resumption request refused.
//!
//! In parts 2 and 3 each line is one frame as it arrives: time, direction,
//! message (`secured` and the plaintext message the receiver handled, for
//! a sealed frame), size and what the receiving node did with it.

mod appliance;
mod link;
mod secure;
mod stream;
mod washer;
mod words;

fn main() {
    println!("######## 1. frames on a noisy byte stream ########\n");
    stream::run();
    let firmware = washer::Firmware::new();
    washer::build(&firmware, |appliance| {
        let mut link = link::Link::new(appliance);
        println!(
            "\n######## 2. a washer and a lamp, described, read, written, invoked, subscribed ########\n"
        );
        appliance::run(&mut link, &firmware);
        println!("\n######## 3. a wrong code, a resumed session, a replay refused ########\n");
        secure::run(&mut link);
    });
}
