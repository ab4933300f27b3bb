//! The applink demo: everything a phone and an appliance say to each other,
//! in memory, with a readable transcript.
//!
//! 1. Frames on a noisy byte stream: a phone and a lamp exchange hello, read,
//!    subscribe and report frames through COBS stream framing with line noise,
//!    decoded back by the stream deframer.
//! 2. An appliance with a washer and a lamp on two endpoints, served by the
//!    dispatcher from its descriptor: described, read, written, invoked
//!    (start a cycle) and subscribed to by the phone's controller.
//! 3. Security: pairing with the setup code (first command in the third
//!    flight), a refused wrong code, a resumed session in one round trip and
//!    a replayed resumption request refused.

mod appliance;
mod secure;
mod stream;

fn main() {
    println!("######## 1. frames on a noisy byte stream ########\n");
    stream::run();
    println!(
        "\n######## 2. a washer and a lamp, described, read, written, invoked, subscribed ########\n"
    );
    appliance::run();
    println!("\n######## 3. pairing with the code, a wrong code, a resumed session ########\n");
    secure::run();
}
