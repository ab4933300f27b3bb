//! Soak, twice. The node soak (`node_world`): a `Phone` and an
//! `Appliance` over a lossy, duplicating, reordering, stalling BLE-sized
//! link on simulated time; every request is answered (none times out at
//! 5 % loss), every command and write runs exactly once, each event is
//! delivered once and every gap is counted, and queues stay bounded. The
//! channel soak (`world`) below it checks the layers without the node:
//!
//! Channel soak: a phone and an appliance, paired with SPAKE2+, exchange thousands
//! of secured requests, replies, reports and events over a lossy,
//! duplicating, reordering small-MTU link on simulated time, and every
//! guarantee the stack makes is checked as it runs:
//!
//! - a command or write runs at most once; a request with a reply ran
//!   exactly once, a request that timed out ran once or not at all;
//! - a duplicated frame is rejected by the replay window and never runs
//!   again; every genuine frame that arrives opens, or is rejected only as
//!   a replay / too old: the session never desynchronises, key updates on
//!   both sides go through, and both channels stay open;
//! - subscriptions keep reporting, and the controller accounts for every
//!   missed event;
//! - every queue and table that can be observed stays within a bound fixed
//!   at the start and does not grow across the run.
//!
//! `cargo test --test soak -- --ignored` runs the long version for
//! `APPLINK_SOAK_SECS` seconds of wall-clock time (default 10;
//! `scripts/soak.sh MINUTES` sets it), with `APPLINK_SOAK_SEED` choosing
//! the link's faults. A short version runs with every `cargo test`.

#[path = "soak/appliance.rs"]
mod appliance;
#[path = "soak/link.rs"]
mod link;
#[path = "soak/node_world.rs"]
mod node_world;
#[path = "soak/report.rs"]
mod report;
#[path = "soak/session.rs"]
mod session;
#[path = "soak/world.rs"]
mod world;

use core::time::Duration as WallDuration;

use report::Summary;
use world::{Stop, run};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn report(s: &Summary) {
    println!("{s}");
}

#[test]
fn soak_smoke_twenty_simulated_seconds() {
    let s = run(0x5EED, Stop::Simulated(20_000));
    report(&s);
    assert!(s.requests > 1000, "the smoke run did too little: {s}");
    assert!(s.reports > 20 && s.events > 20, "{s}");
    assert!(s.key_updates.0 > 5 && s.key_updates.1 > 5, "{s}");
}

/// The node over the same link: reliable delivery answers every request.
#[test]
fn node_soak_smoke_twenty_simulated_seconds() {
    let s = node_world::run(0x5EED, Stop::Simulated(20_000));
    println!("{s}");
    // A request lost on the link holds the exchange window until it is
    // retransmitted, so fewer requests flow than in the channel soak.
    assert!(s.requests > 300, "the smoke run did too little: {s}");
    assert_eq!(s.timed_out, 0, "{s}");
    assert!(s.retransmissions > 0 && s.duplicates_answered > 0, "{s}");
    assert!(s.reports > 20 && s.events > 20, "{s}");
}

#[test]
#[ignore = "long-running; scripts/soak.sh runs it"]
fn soak() {
    let secs = env_u64("APPLINK_SOAK_SECS", 10);
    let seed = env_u64("APPLINK_SOAK_SEED", 0x5EED);
    let s = node_world::run(seed, Stop::WallClock(WallDuration::from_secs(secs)));
    println!("{s}");
}

#[test]
#[ignore = "long-running; the channel layer alone, without the node's retransmission"]
fn channel_soak() {
    let secs = env_u64("APPLINK_SOAK_SECS", 10);
    let seed = env_u64("APPLINK_SOAK_SEED", 0x5EED);
    let s = run(seed, Stop::WallClock(WallDuration::from_secs(secs)));
    report(&s);
}
