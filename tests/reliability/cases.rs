//! The transcripts of `spec/vectors/reliability.json`: reliable delivery
//! (spec/RELIABILITY.md) between the real lamp `Appliance` and `Phone`,
//! each on a link whose script loses or holds chosen frames.
//!
//! Shared by `examples/gen_reliability_vectors.rs` (writes the file) and
//! `tests/reliability_vectors.rs` (checks it).

#![allow(dead_code)]

#[path = "keys.rs"]
pub mod keys;
#[path = "render.rs"]
pub mod render;
#[path = "world.rs"]
pub mod world;

use applink::catalog::{level_control, on_off};
use applink::message::{Invoke, Message, Seq, Subscribe};

use world::{Cause, Fate, LAMP, Rule, Side, World};

/// One transcript before rendering.
pub struct Transcript {
    pub name: &'static str,
    pub description: &'static str,
    pub world: World,
}

fn toggle() -> Message<'static> {
    Message::Invoke(Invoke {
        endpoint: LAMP,
        capability: on_off::ID,
        command: on_off::toggle::ID,
        timed_ms: None,
        args: Seq::empty(),
    })
}

const TOGGLE: &str = "request: Invoke on/off toggle on endpoint 1";

fn subscribe_level() -> Message<'static> {
    Message::Subscribe(Subscribe {
        endpoint: LAMP,
        capability: Some(level_control::ID),
        attributes: Seq::empty(),
        min_interval_ms: 0,
        max_interval_ms: 60_000,
        min_change: 0,
        events: false,
    })
}

const SUBSCRIBE: &str =
    "request: Subscribe to level control on endpoint 1 (min interval 0, max interval 60 s)";

/// A toggle whose reply is lost: the phone seals the request anew and the
/// appliance answers from its reply cache without toggling again.
fn reply_lost() -> Transcript {
    let mut w = World::new(
        "reply-lost",
        vec![Rule::nth(
            "the first InvokeReply is lost",
            Side::Appliance,
            "InvokeReply",
            1,
            Fate::Lose,
        )],
    );
    w.pair();
    let id = w.request(TOGGLE, &toggle());
    w.run_until_reply(id);
    w.run_for(3000);
    assert_eq!(w.devices.toggles.get(), 1, "the toggle ran once");
    assert_eq!(w.appliance.rejections().duplicates, 1);
    Transcript {
        name: "reply-lost",
        description: "After pairing (PairRequest, PairChallenge, PairFinish and the phone's own Ping, with the Hello that runs alongside), the phone invokes on/off toggle. The appliance toggles the lamp, caches the reply under the exchange and sends InvokeReply, which is lost. At the end of the first wait the phone sends the Invoke again, sealed anew: a new counter, the same exchange and plaintext. The appliance finds the exchange in its reply cache with the same length and CRC, does not toggle again, and seals the cached reply anew with the ack field naming the counter of the retransmission.",
        world: w,
    }
}

/// A priming report lost, retransmitted and acknowledged.
fn report_lost() -> Transcript {
    let mut w = World::new(
        "report-lost",
        vec![Rule::nth(
            "the first Report is lost",
            Side::Appliance,
            "Report",
            1,
            Fate::Lose,
        )],
    );
    w.pair();
    let id = w.request(SUBSCRIBE, &subscribe_level());
    w.run_until_reply(id);
    w.run_for(3000);
    assert_eq!(w.phone.stats().acks, 1);
    Transcript {
        name: "report-lost",
        description: "After pairing, the phone subscribes to the lamp's level. The appliance answers SubscribeReply and sends the priming Report on an exchange of its own (flags S R I), which is lost. At the end of the first wait it sends the Report again, sealed anew (a new counter, the same exchange and plaintext). The phone delivers it and acknowledges it at once with a standalone Ack: flags S A, the report's exchange, the ack field the counter of the transmission it received. The appliance sends the report no more.",
        world: w,
    }
}

/// A change report whose acknowledgement is lost: delivered once,
/// acknowledged twice.
fn ack_lost() -> Transcript {
    let mut w = World::new(
        "ack-lost",
        vec![Rule::nth(
            "the second Ack (of the change report) is lost",
            Side::Phone,
            "Ack",
            2,
            Fate::Lose,
        )],
    );
    w.pair();
    let id = w.request(SUBSCRIBE, &subscribe_level());
    w.run_until_reply(id);
    w.run_for(500);
    let devices = w.devices;
    w.appliance_does(
        "firmware: the level becomes 42 (set_level, attribute_changed)",
        move |a, now| {
            devices.level.set_level(Some(42));
            a.dispatcher()
                .attribute_changed(LAMP, level_control::ID, level_control::LEVEL, now)
                .unwrap();
        },
    );
    w.run_for(3000);
    let reports = w
        .phone_events
        .iter()
        .filter(|e| matches!(e, applink::node::PhoneEvent::Report { .. }))
        .count();
    assert_eq!(reports, 2, "the priming report and the change, once each");
    assert_eq!(w.phone.stats().duplicates, 1);
    Transcript {
        name: "ack-lost",
        description: "After pairing, the phone subscribes to the lamp's level; the priming Report (appliance exchange 1) is delivered and acknowledged. Then the firmware changes the level and the appliance sends a Report on its exchange 2. The phone delivers it and acknowledges it, but that Ack is lost. The appliance sends the Report again, sealed anew; the phone finds exchange 2 among the exchanges it has seen, acknowledges the new transmission (a new Ack, its own new counter) and does not deliver the report again. That Ack arrives and the appliance sends the report no more.",
        world: w,
    }
}

/// Pairing whose PairFinish is lost: the copy precedes the retransmitted
/// first request.
fn pair_finish_lost() -> Transcript {
    let mut w = World::new(
        "pair-finish-lost",
        vec![Rule {
            says: "every PairFinish of the third flight (sent on receiving PairChallenge) is lost",
            matches: Box::new(|c| {
                c.from == Side::Phone && c.message == "PairFinish" && *c.cause != Cause::Timer
            }),
            fate: Fate::Lose,
        }],
    );
    w.start_pairing();
    let id = w.request(TOGGLE, &toggle());
    w.run_until_reply(id);
    w.run_for(3000);
    assert_eq!(w.devices.toggles.get(), 1);
    Transcript {
        name: "pair-finish-lost",
        description: "Pairing with the first command queued before the session exists: the phone sends Hello (purpose Query) and PairRequest; on PairChallenge it sends the third flight, PairFinish and the Invoke toggle sealed on the new session. Every copy of PairFinish in that flight is lost, so the Invoke arrives for a session the appliance does not hold: it answers the unauthenticated unknown-session hint, which the phone only records. At the end of the first wait the phone sends the identical PairFinish bytes again and then the Invoke sealed anew; the appliance completes the pairing, executes the toggle and answers it.",
        world: w,
    }
}

/// A resumption whose ResumeReply is lost: the identical ResumeRequest is
/// answered from the handshake cache.
fn resume_reply_lost() -> Transcript {
    let mut w = World::new(
        "resume-reply-lost",
        vec![Rule::nth(
            "the first ResumeReply is lost",
            Side::Appliance,
            "ResumeReply",
            1,
            Fate::Lose,
        )],
    );
    w.pair();
    w.phone_does("close the session", |p, now| p.close(now));
    w.run_for(100);
    let cached = w.appliance.rejections().handshake_duplicates;
    w.phone_does("resume (device id APPLNK01)", |p, now| {
        p.resume(world::APPLIANCE, world::DEVICE_ID, now).unwrap();
    });
    let id = w.request(TOGGLE, &toggle());
    w.run_until_reply(id);
    w.run_for(3000);
    assert_eq!(w.appliance.rejections().handshake_duplicates, cached + 1);
    assert_eq!(w.devices.toggles.get(), 1);
    Transcript {
        name: "resume-reply-lost",
        description: "After pairing, the phone closes the session and resumes: Hello (purpose Query) and ResumeRequest carrying replay guard 1, with a toggle queued. The appliance advances the guard, answers ResumeReply and caches that answer; the ResumeReply is lost. At the end of the first wait the phone sends the identical ResumeRequest bytes again. The appliance finds the frame in its handshake cache and sends the same ResumeReply bytes instead of refusing a guard that is no longer above the stored one; the phone resumes and its toggle is executed on the new session.",
        world: w,
    }
}

/// A late copy of a finished request, 8 exchanges behind the newest, is
/// dropped as stale.
fn stale_copy() -> Transcript {
    let mut w = World::new(
        "stale-copy",
        vec![Rule::nth(
            "the first Invoke is held in the network for 1500 ms more",
            Side::Phone,
            "Invoke",
            1,
            Fate::Hold(1500),
        )],
    );
    w.pair();
    for _ in 0..9 {
        let id = w.request(TOGGLE, &toggle());
        w.run_until_reply(id);
    }
    w.run_for(3000);
    assert_eq!(w.appliance.rejections().stale, 1);
    let held = w.frames.iter().find(|f| f.fate != Fate::Deliver).unwrap();
    let newest = w
        .frames
        .iter()
        .filter(|f| f.header.is_secured())
        .map(|f| f.header.exchange)
        .max();
    assert_eq!(
        (held.header.exchange, newest),
        (2, Some(10)),
        "as described"
    );
    assert_eq!(w.devices.toggles.get(), 9, "the late copy did not run");
    Transcript {
        name: "stale-copy",
        description: "After pairing, the phone invokes toggle on exchange 2; that transmission is held up in the network. The phone sends it again at the end of the first wait; the retransmission arrives, is executed and answered. The phone then toggles eight more times, one after the other, on exchanges 3 to 10, filling the reply cache: exchange 10 takes the slot of exchange 2, which is 8 behind it. Then the first transmission of exchange 2 arrives. Its counter was never accepted, so it opens; but no cache entry holds exchange 2 and it is 8 exchanges behind the newest (10): it is stale, dropped unanswered and not executed. The lamp toggled nine times.",
        world: w,
    }
}

/// Every transcript, in file order.
pub fn transcripts() -> Vec<Transcript> {
    vec![
        reply_lost(),
        report_lost(),
        ack_lost(),
        pair_finish_lost(),
        resume_reply_lost(),
        stale_copy(),
    ]
}

/// The whole file.
pub fn render() -> String {
    render::file(&transcripts())
}
