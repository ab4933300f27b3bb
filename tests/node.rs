//! The node end to end in memory: a dimmable lamp `Appliance` and a `Phone`
//! on simulated time, over a clean link and over links that lose,
//! duplicate, reorder, corrupt and delay frames.

mod node_support;

use applink::catalog::{level_control, on_off};
use applink::interaction::clients::{LevelControl, OnOff};
use applink::message::{Message, Status, Subscribe};
use applink::node::store::PhoneStore;
use applink::node::{EndReason, Event, NodeError, PhoneEvent, Reply};
use applink::time::Duration;

use node_support::{Faults, LAMP, World, lamp_devices};

#[test]
fn pair_with_the_first_command_in_flight_three_then_everything_else() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 1, Faults::NONE);
    let now = w.now;
    w.phone
        .pair_with_secret(
            node_support::APPLIANCE,
            w.secret(),
            node_support::DEVICE,
            now,
        )
        .unwrap();
    let toggle = w
        .phone
        .request(&OnOff::new(LAMP).toggle().message(), now)
        .unwrap();
    let reply = w.reply(toggle).expect("the toggle is answered");
    assert!(
        matches!(reply, Reply::Invoked(ref i) if i.status == Status::SUCCESS),
        "{reply:?}"
    );
    assert!(devices.on.get());
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e, PhoneEvent::Paired { .. }))
    );
    // Pairing: PairRequest, PairFinish and the first command from the
    // phone; the Hello that ran alongside is not on the critical path.
    assert!(
        w.appliance_events
            .iter()
            .any(|e| matches!(e, Event::Paired { admin: true, .. }))
    );

    let d = w.phone.describe(w.now).unwrap();
    let Reply::Descriptor(descriptor) = w.reply(d).unwrap() else {
        panic!()
    };
    assert!(descriptor.device().endpoint(LAMP).is_some());

    let level = LevelControl::new(LAMP).move_to_level(200, None).unwrap();
    let id = w.phone.request(&level.message(), w.now).unwrap();
    assert!(matches!(w.reply(id), Ok(Reply::Invoked(_))));
    assert_eq!(devices.level.level(), Some(200));

    let read = OnOff::new(LAMP).read_on();
    let id = w.phone.read(&read, w.now).unwrap();
    let Reply::Values(records) = w.reply(id).unwrap() else {
        panic!()
    };
    assert_eq!(
        records[0].get(on_off::ON).and_then(|v| v.as_bool()),
        Some(true)
    );

    let sub = Subscribe {
        endpoint: LAMP,
        capability: Some(level_control::ID),
        attributes: applink::message::Seq::empty(),
        min_interval_ms: 0,
        max_interval_ms: 5000,
        min_change: 0,
        events: false,
    };
    let id = w.phone.subscribe(&sub, w.now).unwrap();
    let Reply::Subscribed { subscription, .. } = w.reply(id).unwrap() else {
        panic!()
    };
    // The priming report, then one after the firmware changes the level.
    w.run_for(Duration::from_millis(500));
    let reports = w.reports(subscription);
    assert!(reports >= 1, "priming report");
    devices.level.set_level(Some(42));
    w.appliance
        .dispatcher()
        .attribute_changed(LAMP, level_control::ID, level_control::LEVEL, w.now)
        .unwrap();
    w.run_for(Duration::from_millis(500));
    assert!(
        w.reports(subscription) > reports,
        "a report after the change"
    );

    // Close, then resume in one round trip.
    w.phone.close(w.now);
    w.run_for(Duration::from_millis(100));
    assert!(
        w.appliance.sessions().next().is_none(),
        "the appliance dropped the session"
    );
    w.phone
        .resume(node_support::APPLIANCE, node_support::DEVICE, w.now)
        .unwrap();
    let id = w
        .phone
        .request(&OnOff::new(LAMP).off().message(), w.now)
        .unwrap();
    assert!(matches!(w.reply(id), Ok(Reply::Invoked(_))));
    assert!(!devices.on.get());
    assert_eq!(w.appliance.sessions().count(), 1);
    assert_eq!(
        w.appliance.dispatcher().subscription_count(),
        0,
        "closed with its session"
    );
}

#[test]
fn a_wrong_code_says_so_and_is_never_a_timeout() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 2, Faults::NONE);
    let wrong = w.secret_for(&[0x11; 80]);
    let now = w.now;
    w.phone
        .pair_with_secret(node_support::APPLIANCE, wrong, node_support::DEVICE, now)
        .unwrap();
    // The phone sees the wrong code at the genuine challenge; it reports it
    // once the 2 s an unauthenticated verdict is given have passed.
    w.run_for(Duration::from_secs(3));
    assert!(
        w.events
            .contains(&PhoneEvent::HandshakeFailed(NodeError::WrongSetupCode)),
        "{:?}",
        w.events
    );
}

#[test]
fn a_removed_pairing_is_closed_at_once_and_its_next_frame_refused() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 3, Faults::NONE);
    w.pair();
    let (_, phone_key) = w.appliance.sessions().next().unwrap();
    assert!(w.appliance.remove_pairing(&phone_key).unwrap());
    assert!(w.appliance.sessions().next().is_none(), "ended at once");
    assert!(
        w.appliance
            .poll_event()
            .into_iter()
            .chain(core::iter::from_fn(|| w.appliance.poll_event()))
            .any(|e| matches!(
                e,
                Event::SessionEnded {
                    reason: EndReason::Revoked,
                    ..
                }
            ))
    );
    w.run_for(Duration::from_millis(100));
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e, PhoneEvent::SessionEnded(_))),
        "the phone got the sealed Close: {:?}",
        w.events
    );
    // The attacker's view: replaying the revoked phone's old traffic, or a
    // phone that missed the Close, gets nothing executed.
    let before = devices.on.get();
    let id = w.phone.request(&OnOff::new(LAMP).toggle().message(), w.now);
    assert_eq!(id.err(), Some(NodeError::NotConnected));
    assert_eq!(devices.on.get(), before);
    w.phone
        .resume(node_support::APPLIANCE, node_support::DEVICE, w.now)
        .unwrap();
    // A plaintext NEEDS_PAIRING is a hint: the verdict after the grace.
    w.run_for(Duration::from_secs(3));
    assert!(
        w.events
            .contains(&PhoneEvent::HandshakeFailed(NodeError::NeedsPairing)),
        "{:?}",
        w.events
    );
}

#[test]
fn a_session_past_its_idle_deadline_is_refused_even_if_no_timer_ran() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 4, Faults::NONE);
    w.pair();
    // Capture a genuine request frame, then let time pass without ever
    // calling the appliance's timer.
    let id = w
        .phone
        .request(&OnOff::new(LAMP).toggle().message(), w.now)
        .unwrap();
    let frames = w.take_phone_frames();
    assert_eq!(frames.len(), 1);
    let _ = id;
    let late = w.now + Duration::from_secs(121);
    let before = devices.on.get();
    let mut frame = frames[0].clone();
    applink::node::Node::handle_datagram(&mut w.appliance, node_support::PHONE, &mut frame, late);
    assert_eq!(devices.on.get(), before, "not executed");
    assert!(
        w.appliance.sessions().next().is_none(),
        "the session is gone"
    );
    assert_eq!(w.appliance.rejections().unknown_session, 1);
}

#[test]
fn past_its_lifetime_a_session_is_closed_and_the_phone_resumes() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 5, Faults::NONE);
    w.lifetime(Duration::from_secs(60));
    w.pair();
    w.run_for(Duration::from_secs(61));
    assert!(w.appliance.sessions().next().is_none());
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e, PhoneEvent::SessionEnded(_)))
    );
}

#[test]
fn a_plaintext_request_from_an_unpaired_peer_gets_needs_pairing() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 6, Faults::NONE);
    let read = Message::Read(OnOff::new(LAMP).read_on());
    let mut buf = [0u8; 64];
    let n = applink::to_slice(&applink::wire::Header::plaintext(9), &read, &mut buf).unwrap();
    let answers = w.appliance_answers(&mut buf[..n]);
    assert_eq!(answers.len(), 1);
    let (_, m) = applink::from_bytes(&answers[0]).unwrap();
    assert_eq!(
        m,
        Message::Status(applink::message::StatusReport {
            status: Status::NEEDS_PAIRING
        })
    );
}

/// SPEC.md 3.2 rule 6: R, A (with its ack field) and K mean nothing on a
/// plaintext frame; the appliance neither rejects the frame nor acts on them.
#[test]
fn plaintext_r_a_k_are_ignored_not_rejected() {
    use applink::message::{Ping, Pong};
    use applink::wire::{Flags, Header};
    let devices = lamp_devices();
    let mut w = World::new(devices, 7, Faults::NONE);
    let odd = Header::plaintext(9)
        .with_flags(Flags::ACK_REQUESTED | Flags::INITIATOR | Flags::KEY_PHASE)
        .with_ack(0xFFFF_FFFF);
    let mut buf = [0u8; 64];
    let ping = Message::Ping(Ping { nonce: 5 });
    let n = applink::to_slice(&odd, &ping, &mut buf).unwrap();
    assert_eq!(n, 8 + 2 + 4, "a plaintext header with A is 8 bytes");
    let answers = w.appliance_answers(&mut buf[..n]);
    assert_eq!(answers.len(), 1);
    let (h, m) = applink::from_bytes(&answers[0]).unwrap();
    assert_eq!(m, Message::Pong(Pong { nonce: 5 }));
    assert_eq!(
        h,
        Header::plaintext(9),
        "answered on the exchange, no flags"
    );
}

/// The lossy links of the issue: each fault at 20 %, seeded. Every invoke
/// runs exactly once and its reply reaches the phone.
#[test]
fn on_lossy_links_every_invoke_runs_once_and_is_answered() {
    for (name, faults) in Faults::each_at_20_percent() {
        for seed in 0..3 {
            let devices = lamp_devices();
            let mut w = World::new(devices, 100 + seed, faults);
            w.pair();
            let mut ids = Vec::new();
            for k in 0..40u32 {
                let m = if k % 2 == 0 {
                    OnOff::new(LAMP).toggle()
                } else {
                    LevelControl::new(LAMP)
                        .move_to_level((k % 250 + 1) as u8, None)
                        .unwrap()
                };
                ids.push(w.phone.request(&m.message(), w.now).unwrap());
                if k % 8 == 7 {
                    w.run_for(Duration::from_millis(200));
                }
            }
            w.run_for(Duration::from_secs(30));
            for id in &ids {
                let r = w
                    .result(*id)
                    .unwrap_or_else(|| panic!("{name} seed {seed}: {id:?} never settled"));
                assert!(
                    matches!(r, Ok(Reply::Invoked(_))),
                    "{name} seed {seed}: {id:?} {r:?} {:?} {:?}",
                    w.appliance.rejections(),
                    w.phone.stats()
                );
            }
            assert_eq!(
                devices.toggles(),
                20,
                "{name} seed {seed}: every toggle ran exactly once"
            );
            assert!(!devices.on.get(), "{name}: an even number of toggles");
        }
    }
}

/// An attacker floods the appliance with garbage, frames for sessions it
/// does not hold, replays and made-up handshakes while a good phone works:
/// the phone is served, every rejection is counted, and the unknown-session
/// hints are rate-limited.
#[test]
fn a_flood_of_bad_frames_leaves_the_good_phone_served() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 7, Faults::NONE);
    w.pair();
    let id = w
        .phone
        .request(&OnOff::new(LAMP).toggle().message(), w.now)
        .unwrap();
    let genuine = w.take_phone_frames();
    // The genuine request arrives first; the attacker replays it after.
    let mut frame = genuine[0].clone();
    applink::node::Node::handle_datagram(&mut w.appliance, node_support::PHONE, &mut frame, w.now);
    let mut answered: Vec<Vec<u8>> = Vec::new();
    let mut out = [0u8; 1024];
    while let Some((_, n)) = applink::node::Node::poll_transmit(&mut w.appliance, &mut out) {
        answered.push(out[..n].to_vec());
    }
    assert_eq!(answered.len(), 1, "the genuine request is answered");
    const ATTACKER: u8 = 9;
    let mut rng = node_support::Rng(77);
    let mut hints = 0;
    let mut refusals = 0;
    for k in 0..10_000u32 {
        let mut frame: Vec<u8> = match k % 4 {
            // Random bytes.
            0 => (0..(rng.next() % 80) as usize)
                .map(|_| rng.next() as u8)
                .collect(),
            // A well-formed secured header for a session nobody holds.
            1 => {
                let h = applink::wire::Header::secured(0xBEEF, k, 1)
                    .with_flags(applink::wire::Flags::INITIATOR);
                let mut b = vec![0u8; 40];
                let n = h.emit(&mut b).unwrap();
                b.truncate(n + 20);
                b
            }
            // A replay of the genuine request, from the attacker's address.
            2 => genuine[0].clone(),
            // A made-up plaintext PairRequest-shaped frame.
            _ => {
                let mut b = [0u8; 96];
                let payload: Vec<u8> = (0..70).map(|_| rng.next() as u8).collect();
                let mut p = vec![2u8];
                p.extend(payload);
                let n = applink::wire::frame::encode_plain(
                    &applink::wire::Header::plaintext(k as u16),
                    &p,
                    &mut b,
                )
                .unwrap();
                b[..n].to_vec()
            }
        };
        applink::node::Node::handle_datagram(&mut w.appliance, ATTACKER, &mut frame, w.now);
        let mut out = [0u8; 1024];
        while let Some((to, n)) = applink::node::Node::poll_transmit(&mut w.appliance, &mut out) {
            assert_eq!(
                to, ATTACKER,
                "nothing goes to the good phone because of the attacker"
            );
            match applink::from_bytes(&out[..n]) {
                Ok((_, Message::Status(s))) if s.status == Status::UNKNOWN_SESSION => hints += 1,
                Ok((_, Message::HelloReply(_))) => refusals += 1,
                other => panic!("answer to the attacker: {other:?}"),
            }
        }
    }
    // The good phone's reply was sent before the flood; it still settles.
    for mut f in answered {
        applink::node::Node::handle_datagram(&mut w.phone, node_support::APPLIANCE, &mut f, w.now);
    }
    assert!(matches!(w.reply(id), Ok(Reply::Invoked(_))));
    assert!(devices.on.get(), "ran once");
    let r = w.appliance.rejections();
    assert!(
        r.malformed > 0 && r.unknown_session > 0 && r.replay > 0,
        "{r:?}"
    );
    // Answers to the attacker: one unknown-session hint (the rest fall
    // inside the hint interval), and a typed refusal (the pairing window
    // is closed), smaller than the request, for each made-up PairRequest.
    assert_eq!(hints, 1);
    assert!(refusals <= 2500, "{refusals}");
    assert_eq!(w.appliance.sessions().count(), 1, "no session made or lost");
}

/// A full session table refuses a new phone with a status, never by
/// evicting a live one.
#[test]
fn a_full_session_table_refuses_a_new_phone_with_busy() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 8, Faults::NONE);
    w.pair();
    let first: Vec<_> = w.appliance.sessions().collect();
    w.second_phone_pairs_and_expects(None);
    assert_eq!(w.appliance.sessions().count(), 2);
    w.second_phone_pairs_and_expects(Some(NodeError::Busy));
    assert_eq!(w.appliance.sessions().count(), 2);
    assert!(
        first
            .iter()
            .all(|s| w.appliance.sessions().any(|t| t == *s)),
        "the first phone kept its session"
    );
}

/// The phone fed garbage, forged plaintext answers and frames for other
/// sessions from the appliance's address keeps its session and is served.
#[test]
fn a_phone_fed_garbage_keeps_its_session() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 11, Faults::NONE);
    w.pair();
    let mut rng = node_support::Rng(5);
    for k in 0..5_000u32 {
        let mut frame: Vec<u8> = match k % 3 {
            0 => (0..(rng.next() % 90) as usize)
                .map(|_| rng.next() as u8)
                .collect(),
            1 => {
                let h = applink::wire::Header::secured(0x1234, k, 7);
                let mut b = vec![0u8; 48];
                let n = h.emit(&mut b).unwrap();
                b.truncate(n + 24);
                b
            }
            _ => {
                let mut b = [0u8; 64];
                let forged = Message::Status(applink::message::StatusReport {
                    status: Status::WRONG_SETUP_CODE,
                });
                let n =
                    applink::to_slice(&applink::wire::Header::plaintext(k as u16), &forged, &mut b)
                        .unwrap();
                b[..n].to_vec()
            }
        };
        applink::node::Node::handle_datagram(
            &mut w.phone,
            node_support::APPLIANCE,
            &mut frame,
            w.now,
        );
    }
    assert!(
        w.phone.is_connected(),
        "nothing unauthenticated ended the session"
    );
    assert!(w.phone.stats().rejected >= 3_000, "{:?}", w.phone.stats());
    let id = w
        .phone
        .request(&OnOff::new(LAMP).toggle().message(), w.now)
        .unwrap();
    assert!(matches!(w.reply(id), Ok(Reply::Invoked(_))));
}

/// Argon2id runs inside `pair_with_code`, so the `now` it was given is
/// stale when the PairRequest leaves: its retransmission timer starts at
/// the next time input, not at once.
#[test]
fn a_slow_code_derivation_does_not_make_the_pair_request_go_twice() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 12, Faults::NONE);
    let t0 = w.now;
    w.phone
        .pair_with_code(
            node_support::APPLIANCE,
            "3141-5926",
            Some(node_support::DEVICE),
            t0,
        )
        .unwrap();
    let is_pair_request =
        |f: &Vec<u8>| matches!(applink::from_bytes(f), Ok((_, Message::PairRequest(_))));
    let sent = w.take_phone_frames();
    assert_eq!(sent.iter().filter(|f| is_pair_request(f)).count(), 1);
    // The derivation took 600 ms of the caller's clock.
    let t1 = t0 + Duration::from_millis(600);
    assert!(applink::node::Node::poll_timeout(&w.phone).is_some_and(|t| t <= t1));
    applink::node::Node::handle_timeout(&mut w.phone, t1);
    let again = w.take_phone_frames();
    assert_eq!(
        again.iter().filter(|f| is_pair_request(f)).count(),
        0,
        "not at once"
    );
    // Unanswered, it goes again one interval after that input.
    applink::node::Node::handle_timeout(&mut w.phone, t1 + Duration::from_millis(320));
    let later = w.take_phone_frames();
    assert_eq!(later.iter().filter(|f| is_pair_request(f)).count(), 1);
}

#[test]
fn the_appliance_says_whether_its_window_is_open_and_what_its_key_is() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 13, Faults::NONE);
    assert!(w.appliance.pairing_window_open(w.now));
    let key = w.appliance.static_public();
    w.pair();
    assert!(
        !w.appliance.pairing_window_open(w.now),
        "a pairing closes it"
    );
    let device = node_support::DEVICE;
    let stored = w.phone.store().appliance(&device).expect("stored");
    assert_eq!(stored.pairing.peer_static, key, "the key the phone stored");
}
