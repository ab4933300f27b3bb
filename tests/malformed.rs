//! SPEC.md 9: which rejected messages the appliance answers. A plaintext
//! frame whose payload does not decode is dropped without an answer and
//! changes nothing (not a pairing attempt, not a resumption backoff); an
//! unknown type in plaintext is answered `UNSUPPORTED_MESSAGE`; inside a
//! secured frame that opened, a malformed message is answered, sealed,
//! `INVALID_MESSAGE` and an unknown type `UNSUPPORTED_MESSAGE`, on its
//! exchange, nothing runs and the session carries on.

mod node_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use applink::message::{Message, Ping, Status};
use applink::node::keylog::KeyLog;
use applink::session::{Role, SecureChannel, SessionKeys};
use applink::time::Duration;
use applink::wire::{Flags, Frame, Header, encode_plain};
use node_support::{APPLIANCE, DEVICE, Faults, World, crypto, lamp_devices};

/// The frame `frame`'s header with another payload: a well-formed
/// plaintext frame (its CRC right) carrying `payload`.
fn reframe(frame: &[u8], payload: &[u8]) -> Vec<u8> {
    let parsed = Frame::parse(frame).expect("a plaintext frame");
    let mut out = vec![0u8; 1024];
    let n = encode_plain(&parsed.header, payload, &mut out).unwrap();
    out.truncate(n);
    out
}

/// The plaintext frame carrying `name` among those the phone sends now.
fn sent(w: &mut World, name: &str) -> Vec<u8> {
    let frames = w.take_phone_frames();
    let mut it = frames
        .into_iter()
        .filter(|f| applink::from_bytes(f).is_ok_and(|(_, m)| m.name() == name));
    let frame = it
        .next()
        .unwrap_or_else(|| panic!("the phone sends {name}"));
    assert!(it.next().is_none(), "one {name}");
    frame
}

/// The type of the one plaintext answer the appliance gives `frame`.
fn answer_to(w: &mut World, frame: &[u8]) -> &'static str {
    let answers = w.appliance_answers(&mut frame.to_vec());
    assert_eq!(answers.len(), 1, "one answer");
    applink::from_bytes(&answers[0]).unwrap().1.name()
}

fn status_of(answer: &[u8]) -> Status {
    match applink::from_bytes(answer).expect("a plaintext answer").1 {
        Message::Status(s) => s.status,
        other => panic!("expected a Status, got {}", other.name()),
    }
}

#[test]
fn malformed_plaintext_is_dropped_and_changes_nothing() {
    let mut w = World::new(lamp_devices(), 31, Faults::NONE);
    let secret = w.secret();
    w.phone
        .pair_with_secret(APPLIANCE, secret, DEVICE, w.now)
        .unwrap();
    let request = &sent(&mut w, "PairRequest");

    // A Ping without its nonce, a PairRequest cut short, a Hello cut short:
    // each CRC-valid, each undecodable. No answer.
    for payload in [&[21u8][..], &[2, 0x01, 0x04], &[0, 1]] {
        let mut bad = reframe(request, payload);
        assert!(
            w.appliance_answers(&mut bad).is_empty(),
            "{payload:02x?} answered"
        );
    }
    assert_eq!(w.appliance.rejections().malformed, 3);
    assert_eq!(w.appliance.rejections().handshake, 0, "no attempt counted");

    // An unknown message type is answered, in plaintext, on its exchange.
    let mut unknown = reframe(request, &[99]);
    let answers = w.appliance_answers(&mut unknown);
    assert_eq!(answers.len(), 1);
    assert_eq!(status_of(&answers[0]), Status::UNSUPPORTED_MESSAGE);
    let exchange = Frame::parse(request).unwrap().header.exchange;
    assert_eq!(Header::parse(&answers[0]).unwrap().0.exchange, exchange);

    // The genuine request is still answered: the attempt is untouched.
    assert_eq!(answer_to(&mut w, request), "PairChallenge");
}

#[test]
fn a_malformed_resume_request_does_not_hold_the_address_back() {
    let mut w = World::new(lamp_devices(), 32, Faults::NONE);
    w.pair();
    w.phone.close(w.now);
    w.run_for(Duration::from_millis(100));
    w.phone.resume(APPLIANCE, DEVICE, w.now).unwrap();
    let request = sent(&mut w, "ResumeRequest");
    let mut bad = reframe(&request, &[5, 0x01]);
    assert!(w.appliance_answers(&mut bad).is_empty());
    // At the same instant, the genuine request resumes.
    assert_eq!(answer_to(&mut w, &request), "ResumeReply");
}

/// A writer the test reads back.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The phone's channel rebuilt from its key log (KEYLOG.md), so the test
/// can seal what the phone never would.
fn phone_channel(log: &Shared, w: &World) -> SecureChannel {
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let mut keys = SessionKeys {
        phone_to_appliance: [0; 32],
        appliance_to_phone: [0; 32],
    };
    let (mut to_appliance, mut to_phone) = (0, 0);
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let session = u16::from_str_radix(f[2], 16).unwrap();
        let key: [u8; 32] = hex::decode(f[4]).unwrap().try_into().unwrap();
        match f[3] {
            "p2a" => (keys.phone_to_appliance, to_appliance) = (key, session),
            "a2p" => (keys.appliance_to_phone, to_phone) = (key, session),
            other => panic!("direction {other}"),
        }
    }
    SecureChannel::new(
        Role::Phone,
        &keys,
        to_phone,
        to_appliance,
        Duration::from_secs(60),
        w.now,
    )
}

#[test]
fn a_malformed_secured_request_is_answered_and_the_session_carries_on() {
    let devices = lamp_devices();
    let mut w = World::new(devices, 33, Faults::NONE);
    let log = Shared::default();
    w.phone.set_key_log(Some(KeyLog::to_writer(log.clone())));
    w.pair();
    // The phone's next request, held back: its exchange and counter.
    w.phone
        .request(&Message::Ping(Ping { nonce: 7 }), w.now)
        .unwrap();
    let held = w.take_phone_frames();
    let (header, _) = Header::parse(&held[0]).unwrap();
    let mut channel = phone_channel(&log, &w);
    let p = crypto(0, 0);
    let mut buf = [0u8; 256];
    // Counters the phone has used are spent.
    for _ in 0..=header.counter {
        channel
            .seal(&p, 0, Flags::EMPTY, None, &[24], &mut buf)
            .unwrap();
    }
    let toggles = devices.toggles();
    let mut ask = |channel: &mut SecureChannel, payload: &[u8]| -> Message<'static> {
        let n = channel
            .seal(
                &p,
                header.exchange,
                Flags::INITIATOR,
                None,
                payload,
                &mut buf,
            )
            .unwrap();
        let answers = w.appliance_answers(&mut buf[..n]);
        assert_eq!(answers.len(), 1, "{payload:02x?}: one answer");
        let mut answer = answers[0].clone();
        let (h, body) = channel.open(&p, &mut answer, w.now).expect("sealed");
        assert_eq!(h.exchange, header.exchange, "on the request's exchange");
        match Message::from_bytes(body).unwrap() {
            Message::Status(s) => Message::Status(s),
            Message::Pong(pong) => Message::Pong(pong),
            other => panic!("unexpected {}", other.name()),
        }
    };
    // A toggle Invoke cut short before its arguments: malformed, not
    // executed.
    let answer = ask(&mut channel, &[13, 1, 6, 2]);
    assert!(matches!(answer, Message::Status(s) if s.status == Status::INVALID_MESSAGE));
    let answer = ask(&mut channel, &[99]);
    assert!(matches!(answer, Message::Status(s) if s.status == Status::UNSUPPORTED_MESSAGE));
    assert_eq!(devices.toggles(), toggles, "nothing ran");
    // The same session serves the next request.
    let answer = ask(&mut channel, &[21, 7]);
    assert!(matches!(answer, Message::Pong(pong) if pong.nonce == 7));
}
