//! The transcripts of `spec/vectors/sessions.json`: the secure channel's
//! replay window at its edges, key updates (the previous key, its erasure
//! by frames and by time, the recovery two updates on), the end of the
//! counter space, `Close` and the idle timeout; and the pairing lockout
//! (backoff steps, `Busy`, the window closing, an attempt taken back, the
//! role a new pairing gets).
//!
//! Shared by `examples/gen_session_vectors.rs` (writes the file) and
//! `tests/session_vectors.rs` (checks it).

#![allow(dead_code)]

#[path = "handshake_cases.rs"]
pub mod handshake;

use std::rc::Rc;

use applink::crypto::spake2plus::ProverSecret;
use applink::crypto::{CryptoProvider, RustCrypto};
use applink::message::{Close, HelloReject, HelloReply, Message, Ping, Status, StatusReport};
use applink::session::channel::Ended;
use applink::session::pairing::PhonePairing;
use applink::session::store::{Pairing, PairingStore};
use applink::session::{Role, SecureChannel, SessionError, SessionKeys};
use applink::time::{Duration, Instant};
use applink::wire::{Flags, Header};
use serde_json::{Value as Json, json};

use codec_vectors::render::{header as header_json, message as message_json};
pub use handshake::codec_vectors;
use handshake::{Log, SETUP_CODE, WRONG_CODE, recording, secret, take};

/// The file format version.
pub const FORMAT: u32 = 1;
/// The phone → appliance traffic key every channel transcript starts with.
pub const P2A: [u8; 32] = [0x11; 32];
/// The appliance → phone traffic key.
pub const A2P: [u8; 32] = [0x22; 32];
/// The id in frames to the phone.
pub const PHONE_SESSION: u16 = 0x0101;
/// The id in frames to the appliance.
pub const APPLIANCE_SESSION: u16 = 0x2A2A;
/// The idle timeout of every channel.
pub const IDLE_MS: u64 = 120_000;

fn provider() -> RustCrypto<impl FnMut(&mut [u8])> {
    RustCrypto::new(|_: &mut [u8]| unreachable!("the channel draws nothing"))
}

fn keys() -> SessionKeys {
    SessionKeys {
        phone_to_appliance: P2A,
        appliance_to_phone: A2P,
    }
}

fn channel(role: Role) -> SecureChannel {
    let (local, peer) = match role {
        Role::Phone => (PHONE_SESSION, APPLIANCE_SESSION),
        Role::Appliance => (APPLIANCE_SESSION, PHONE_SESSION),
    };
    SecureChannel::new(
        role,
        &keys(),
        local,
        peer,
        Duration::from_millis(IDLE_MS),
        Instant::ZERO,
    )
}

/// The exchange of the filler message at `counter`.
pub fn exchange_of(counter: u32) -> u16 {
    (counter % 65535) as u16 + 1
}

/// Which rejection a receiver gave, as the vector files name it.
pub fn error_json(e: SessionError) -> Json {
    match e {
        SessionError::Replay(c) => json!({"type": "Replay", "counter": c}),
        SessionError::StaleKeyPhase(c) => json!({"type": "StaleKeyPhase", "counter": c}),
        SessionError::Authentication => json!({"type": "Authentication"}),
        SessionError::Closed => json!({"type": "Closed"}),
        SessionError::CounterExhausted => json!({"type": "CounterExhausted"}),
        SessionError::KeyUpdateTooSoon => json!({"type": "KeyUpdateTooSoon"}),
        other => panic!("no vector form for {other:?}"),
    }
}

/// Why a channel ended, as the vector files name it.
pub fn ended_json(e: Ended) -> Json {
    match e {
        Ended::ClosedLocally(s) => json!({"type": "ClosedLocally", "reason": s.0}),
        Ended::ClosedByPeer(s) => json!({"type": "ClosedByPeer", "reason": s.0}),
        Ended::IdleTimeout => json!({"type": "IdleTimeout"}),
        Ended::CounterExhausted => json!({"type": "CounterExhausted"}),
    }
}

/// One channel transcript being recorded: a sender, a receiver and the
/// frames between them.
struct Run {
    p: Boxed,
    sender: SecureChannel,
    receiver: SecureChannel,
    /// The sender's key phase index (0, 1, 2, ...) and current key.
    generation: u32,
    key: [u8; 32],
    steps: Vec<Json>,
    frames: Vec<Vec<u8>>,
    deliveries: Vec<Json>,
}

fn next_key(p: &impl CryptoProvider, key: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    p.hkdf_sha256(
        &[],
        key,
        &[applink::session::channel::KEY_UPDATE_LABEL],
        &mut out,
    )
    .unwrap();
    out
}

impl Run {
    fn new(sender: Role) -> Self {
        let receiver = match sender {
            Role::Phone => Role::Appliance,
            Role::Appliance => Role::Phone,
        };
        Run {
            p: RustCrypto::new(Box::new(|_: &mut [u8]| unreachable!("no draws"))),
            sender: channel(sender),
            receiver: channel(receiver),
            generation: 0,
            key: match sender {
                Role::Phone => P2A,
                Role::Appliance => A2P,
            },
            steps: Vec::new(),
            frames: Vec::new(),
            deliveries: Vec::new(),
        }
    }

    /// Seals `message` (by default the filler `Ping{nonce: counter}`);
    /// returns the frame's index.
    fn seal_message(&mut self, message: Option<Message<'static>>) -> usize {
        let counter = self.sender.next_counter().unwrap();
        let m = message.unwrap_or(Message::Ping(Ping { nonce: counter }));
        let flags = match self.sender.role() {
            Role::Phone => Flags::INITIATOR,
            Role::Appliance => Flags::EMPTY,
        };
        let exchange = match m {
            Message::Close(_) => 0,
            _ => exchange_of(counter),
        };
        let mut buf = [0u8; 128];
        let n = match m {
            // Sealed by `close`, which ends the sender's channel.
            Message::Close(Close { reason }) => self.sender.close(&self.p, 0, reason, &mut buf),
            _ => self
                .sender
                .seal_message(&self.p, exchange, flags, &m, &mut buf),
        }
        .unwrap();
        let (header, _) = Header::parse(&buf[..n]).unwrap();
        let mut payload = [0u8; 64];
        let payload = m.to_slice(&mut payload).unwrap().to_vec();
        let index = self.frames.len();
        self.steps.push(json!({
            "step": "seal",
            "frame": index,
            "counter": counter,
            "key_phase": self.sender.send_phase(),
            "key_generation": self.generation,
            "key": hex::encode(self.key),
            "header": header_json(&header),
            "message": message_json(&m),
            "payload": hex::encode(&payload),
            "hex": hex::encode(&buf[..n]),
        }));
        self.frames.push(buf[..n].to_vec());
        index
    }

    fn seal(&mut self) -> usize {
        self.seal_message(None)
    }

    fn seal_through(&mut self, last: u32) {
        while self.sender.next_counter().is_some_and(|c| c <= last) {
            self.seal();
        }
    }

    fn skip_to(&mut self, counter: u32) {
        self.sender.skip_to_counter(counter).unwrap();
        self.steps.push(json!({"step": "skip", "to": counter}));
    }

    fn update(&mut self) {
        let result = self.sender.update_keys(&self.p);
        if result.is_ok() {
            self.generation += 1;
            self.key = next_key(&self.p, &self.key);
        }
        self.steps.push(json!({
            "step": "update",
            "result": result.map_or_else(error_json, |()| json!("ok")),
        }));
    }

    /// A sealed-looking frame nobody sealed: `counter`, key phase `phase`,
    /// and a tag that does not verify under any key.
    fn forge(&mut self, counter: u32, phase: bool, note: &str) -> usize {
        let mut header = Header::secured(self.sender.peer_session(), counter, exchange_of(counter))
            .with_flags(Flags::INITIATOR);
        if phase {
            header = header.with_flags(Flags::KEY_PHASE);
        }
        let mut buf = [0u8; 64];
        let h = header.emit(&mut buf).unwrap();
        // A Ping's worth of ciphertext and a tag, all 0xEE.
        let n = h + 6 + 16;
        buf[h..n].fill(0xEE);
        let index = self.frames.len();
        self.steps.push(json!({
            "step": "forge",
            "frame": index,
            "counter": counter,
            "key_phase": phase,
            "note": note,
            "header": header_json(&header),
            "hex": hex::encode(&buf[..n]),
        }));
        self.frames.push(buf[..n].to_vec());
        index
    }

    fn seal_refused(&mut self) {
        let mut buf = [0u8; 64];
        let e = self
            .sender
            .seal_message(
                &self.p,
                1,
                Flags::EMPTY,
                &Message::Ping(Ping { nonce: 0 }),
                &mut buf,
            )
            .unwrap_err();
        self.steps
            .push(json!({"step": "seal refused", "error": error_json(e)}));
    }

    fn deliver(&mut self, frame: usize, t_ms: u64) {
        let mut bytes = self.frames[frame].clone();
        let now = Instant::from_millis(t_ms);
        let outcome = match self.receiver.open_message(&self.p, &mut bytes, now) {
            Ok((_, m)) => json!({"accepted": message_json(&m)}),
            Err(e) => json!({"refused": error_json(e)}),
        };
        let r = &self.receiver;
        let ended = r.ended().map(ended_json);
        self.deliveries.push(json!({
            "t_ms": t_ms,
            "frame": frame,
            "outcome": outcome,
            "receiver": {
                "highest": r.highest_received(),
                "receive_phase": r.receive_phase(),
                "previous_key": r.holds_previous_key(),
                "ended": ended,
            },
        }));
    }

    fn deliver_all(&mut self, frames: impl IntoIterator<Item = usize>, t_ms: u64) {
        for f in frames {
            self.deliver(f, t_ms);
        }
    }

    fn finish(self, name: &str, description: &str) -> Json {
        let sender = match self.sender.role() {
            Role::Phone => "phone",
            Role::Appliance => "appliance",
        };
        json!({
            "name": name,
            "description": description,
            "sender": sender,
            "sender_steps": self.steps,
            "deliveries": self.deliveries,
        })
    }
}

fn replay_window() -> Json {
    let mut r = Run::new(Role::Phone);
    let f0 = r.seal();
    r.skip_to(5);
    let f5 = r.seal();
    r.skip_to(36);
    let f36 = r.seal();
    let f37 = r.seal();
    let f38 = r.seal();
    r.skip_to(99);
    let f99 = r.seal();
    let f100 = r.seal();
    let f101 = r.seal();
    let forged_above = r.forge(102, false, "counter 102, a tag that does not verify");
    let forged_below = r.forge(36, false, "counter 36 again, a tag that does not verify");
    for f in [
        f5,
        f0,
        f0,
        f100,
        f37,
        f36,
        f37,
        forged_below,
        f99,
        forged_above,
        f101,
        f38,
        f38,
    ] {
        r.deliver(f, 0);
    }
    r.finish(
        "replay-window",
        "The replay window: the highest accepted counter and the 63 below it. After 100 is accepted, 37 (100 − 63) is accepted once and 36 (100 − 64) is refused as Replay; after 101, 38 (101 − 63) is still accepted. A counter is refused before its tag is checked (the forged 36), and a frame whose tag fails changes nothing (the forged 102). The sender skipped the counters it never sealed.",
    )
}

fn key_update() -> Json {
    let mut r = Run::new(Role::Phone);
    r.seal_through(3);
    r.skip_to(60);
    r.seal_through(62);
    r.update(); // 63 counters under the first key: too soon
    r.seal_through(63);
    r.update();
    r.seal_through(130);
    let forged = r.forge(
        64,
        true,
        "counter 64 with flag K, a tag that does not verify",
    );
    let at = |counter: u32| -> usize {
        r.steps
            .iter()
            .find(|s| s["step"] == "seal" && s["counter"] == counter)
            .and_then(|s| s["frame"].as_u64())
            .unwrap() as usize
    };
    let (k0, k61, k62, k63) = (at(0), at(61), at(62), at(63));
    let first = [k0, at(1), at(2), at(3), at(60)];
    let (k64, k65, k127, k128, k129, k130) = (at(64), at(65), at(127), at(128), at(129), at(130));
    let middle: Vec<usize> = (k65..=k127).collect();
    r.deliver_all(first, 0);
    r.deliver(k61, 0);
    r.deliver(forged, 0);
    r.deliver(k64, 0);
    r.deliver(k63, 0);
    r.deliver_all(middle, 0);
    r.deliver(k128, 0);
    r.deliver(k62, 0);
    r.deliver_all([k129, k130], 0);
    r.finish(
        "key-update",
        "A key update. The sender may not update before 64 counters under the key (refused at counter 63), updates at 64 and flips flag K. A forged frame with the other K value and a new counter changes nothing; the genuine counter 64 makes the receiver derive the next key, verify, and switch. Counter 63, of the previous phase, opens with the previous key. The previous key is erased once 64 frames beyond the first have been accepted under the new one (after counter 128); counter 62, late, is then below the window (Replay).",
    )
}

fn previous_key_expiry() -> Json {
    let mut r = Run::new(Role::Phone);
    r.seal_through(1);
    r.skip_to(62);
    r.seal_through(63);
    r.update();
    r.seal_through(65);
    r.deliver_all([0, 1], 0);
    r.deliver(4, 1_000);
    r.deliver(2, 10_999);
    r.deliver(3, 11_000);
    r.deliver(5, 11_000);
    r.finish(
        "previous-key-expiry",
        "The previous receive key lives at most 10 s after the switch: the receiver switches at t = 1000 ms on counter 64; counter 62 of the previous phase opens at 10999 ms; at 11000 ms the previous key is erased and counter 63, though inside the window, is refused unopened (StaleKeyPhase); the current phase goes on.",
    )
}

fn two_updates_on() -> Json {
    let mut r = Run::new(Role::Phone);
    r.seal_through(1);
    r.skip_to(63);
    r.seal_through(63);
    r.update();
    r.seal_through(64);
    r.skip_to(100);
    r.seal_through(100);
    r.skip_to(127);
    r.seal_through(127);
    r.update();
    r.seal_through(129);
    let forged = r.forge(
        200,
        false,
        "counter 200 without flag K, far ahead, a tag that does not verify under either key",
    );
    // Frames: 0 → 0, 1 → 1, 2 → 63, 3 → 64, 4 → 100, 5 → 127, 6 → 128, 7 → 129.
    r.deliver_all([0, 1], 0);
    r.deliver(forged, 0);
    r.deliver(6, 0);
    r.deliver(4, 0);
    r.deliver(7, 0);
    r.finish(
        "two-updates-on",
        "A whole key phase lost: the receiver holds counters 0 and 1 of the first phase when counter 128 arrives with its own K value, more than 64 above every accepted counter. It fails under the current key and is tried, on the frame as received, under the key two updates on; it verifies, so the receiver switches (its K value unchanged) and keeps the skipped key as the previous one, which opens the late counter 100 (other K value, lower counter). A forged far frame changes nothing.",
    )
}

fn counter_exhaustion() -> Json {
    let mut r = Run::new(Role::Phone);
    r.seal();
    r.skip_to(0xFFFF_FFFE);
    r.seal_through(u32::MAX);
    r.seal_refused();
    r.deliver_all([0, 1, 2], 0);
    let mut j = r.finish(
        "counter-exhaustion",
        "The end of the counter space: the sender seals counter 0xFFFFFFFF, its last, and its channel ends (the next seal is refused: the session is closed). The receiver accepts both last counters; it learns of the end as of any silent peer (idle timeout, or the phone's next session).",
    );
    j["sender_ended"] = json!("CounterExhausted");
    j
}

fn close() -> Json {
    let mut r = Run::new(Role::Appliance);
    r.seal_through(1);
    let c = r.seal_message(Some(Message::Close(Close {
        reason: Status::ACCESS_DENIED,
    })));
    r.seal_refused();
    r.deliver(0, 0);
    r.deliver(c, 0);
    r.deliver(1, 0);
    r.finish(
        "close",
        "Close from the appliance (as when a pairing is removed): sealed like any frame, exchange 0, flag I clear. The sender's channel ends as it seals it; the receiver's ends when it authenticates, and a frame sealed before the Close that arrives after it is refused (Closed).",
    )
}

fn idle_timeout() -> Json {
    let mut r = Run::new(Role::Phone);
    r.seal_through(3);
    let forged = r.forge(4, false, "counter 4, a tag that does not verify");
    r.deliver(0, 0);
    r.deliver(1, 119_999);
    r.deliver(forged, 200_000);
    r.deliver(2, 239_999);
    r.deliver(3, 240_000);
    r.finish(
        "idle-timeout",
        "The idle timeout, 120 s after the last authenticated frame received: counter 1 at 119999 ms is in time and restarts it; a frame that fails its tag at 200000 ms does not restart it; counter 2 at 239999 ms (119999 + 120000) finds the channel ended, and so does every later frame.",
    )
}

/// The appliance of the lockout transcripts, with its window open.
struct Lockout {
    a: handshake::Appliance<Boxed>,
    phones: u32,
    log: Log,
    events: Vec<Json>,
    exchange: u16,
}

type Boxed = RustCrypto<Box<dyn FnMut(&mut [u8])>>;

/// A recording provider (`handshake::recording`) behind a box, so its
/// type can be named.
fn boxed(label: &str, log: &Log) -> Boxed {
    let label: &'static str = Box::leak(label.to_owned().into_boxed_str());
    // `recording`'s type borrows its arguments: give it 'static ones.
    let log: &'static Log = Box::leak(Box::new(log.clone()));
    let mut inner = recording(label, log);
    RustCrypto::new(Box::new(move |out: &mut [u8]| inner.random_bytes(out)))
}

/// What the appliance answered a `PairRequest` with.
enum Answer {
    Challenge,
    LockedOut(u32),
    Refused,
}

impl Lockout {
    fn new(label: &'static str) -> Self {
        let log: Log = Rc::default();
        let a = handshake::appliance(boxed(label, &log));
        Lockout {
            a,
            log,
            events: Vec::new(),
            exchange: 0x1001,
            phones: 0,
        }
    }

    fn state(&self) -> Json {
        json!({
            "window_open": self.a.handshake.pairing().lockout().window_open(self.now_hint()),
            "window_failures": self.a.handshake.pairing().lockout().window_failures(),
            "failure_report": self.a.store.lifetime_failures(),
            "pairings": self.a.store.len(),
        })
    }

    fn now_hint(&self) -> Instant {
        Instant::from_millis(
            self.events
                .last()
                .and_then(|e| e["t_ms"].as_u64())
                .unwrap_or(0),
        )
    }

    fn record(&mut self, t_ms: u64, from: &str, bytes: &[u8], note: &str) {
        let decoded = match applink::from_bytes(bytes) {
            Ok((h, m)) => json!({"header": header_json(&h), "message": message_json(&m)}),
            Err(_) => json!({"secured": true}),
        };
        self.events.push(json!({
            "t_ms": t_ms, "from": from, "hex": hex::encode(bytes), "decoded": decoded, "note": note,
        }));
    }

    /// Sends `bytes` from the phone at `t_ms`; records the answer, if any,
    /// and the appliance's state after.
    fn send(&mut self, t_ms: u64, bytes: &[u8], note: &str) -> Option<Vec<u8>> {
        self.record(t_ms, "phone", bytes, note);
        let answer = self.a.handle(bytes, Instant::from_millis(t_ms));
        if let Some(ans) = &answer {
            self.record(t_ms, "appliance", ans, "");
        }
        let state = self.state();
        self.events.last_mut().unwrap()["appliance_after"] = state;
        answer
    }

    fn timer(&mut self, t_ms: u64, note: &str) {
        self.a.handshake.handle_timeout(Instant::from_millis(t_ms));
        let _ = self.a.handshake.poll_event();
        self.events
            .push(json!({"t_ms": t_ms, "from": "timer", "note": note}));
        let state = self.state();
        self.events.last_mut().unwrap()["appliance_after"] = state;
    }

    fn next_exchange(&mut self) -> u16 {
        self.exchange += 2;
        self.exchange
    }

    /// A `PairRequest` of a phone with `code` (its SPAKE2+ state is kept
    /// only if the attempt is to complete).
    fn request(
        &mut self,
        code: &str,
        static_secret: [u8; 32],
        t_ms: u64,
    ) -> (PhonePairing<Boxed>, Boxed, Vec<u8>, u16) {
        self.phones += 1;
        let mut p = boxed(&format!("phone/lockout/{}", self.phones), &self.log);
        let w = ProverSecret::from_pbkdf_output(&p, &secret(code)).unwrap();
        let public = p.x25519_public(&p.x25519_import(&static_secret));
        let exchange = self.next_exchange();
        let mut phone = PhonePairing::start(
            &mut p,
            w,
            handshake::DEVICE_ID,
            public,
            handshake::PHONE_SESSION,
            handshake::OFFER,
            exchange,
            Instant::from_millis(t_ms),
        )
        .unwrap();
        let request = take(&mut |b| phone.poll_transmit(b));
        (phone, p, request, exchange)
    }

    /// One wrong-code attempt at `t_ms` whose phone reports the wrong code
    /// at once; the attempt ends 2 s later.
    /// With `busy`, a second phone asks while the attempt runs.
    fn wrong_attempt(&mut self, t_ms: u64, busy: bool) -> Answer {
        let (_, _, request, exchange) = self.request(WRONG_CODE, handshake::PHONE_STATIC, t_ms);
        let answer = self.send(t_ms, &request, "PairRequest, wrong code");
        let answer = answer.expect("an answer");
        match applink::from_bytes(&answer).unwrap().1 {
            Message::PairChallenge(_) => {
                let mut buf = [0u8; 64];
                let header = Header::plaintext(exchange).with_flags(Flags::INITIATOR);
                let hint = Message::Status(StatusReport {
                    status: Status::WRONG_SETUP_CODE,
                });
                let n = applink::to_slice(&header, &hint, &mut buf).unwrap();
                let note = "the phone's confirmV failed: Status(WRONG_SETUP_CODE), a hint";
                assert!(self.send(t_ms, &buf[..n], note).is_none());
                if busy {
                    let (_, _, request, _) = self.request(WRONG_CODE, [0x5B; 32], t_ms + 500);
                    let note = "another phone's PairRequest while the attempt is in progress";
                    self.send(t_ms + 500, &request, note);
                }
                let note = "2 s after the hint: the attempt ends, still counted";
                self.timer(t_ms + 2_000, note);
                Answer::Challenge
            }
            Message::HelloReply(HelloReply::Reject(HelloReject::LockedOut { retry_after_s })) => {
                Answer::LockedOut(retry_after_s)
            }
            _ => Answer::Refused,
        }
    }

    fn finish(self, name: &str, description: &str) -> Json {
        json!({
            "name": name,
            "description": description,
            "window_opened_ms": 0,
            "window_length_ms": 900_000,
            "randomness": self.log.borrow().iter().map(|(side, b)| json!({"side": side, "bytes": hex::encode(b)})).collect::<Vec<_>>(),
            "events": self.events,
        })
    }
}

fn lockout_backoff() -> Json {
    let mut l = Lockout::new("appliance/lockout");
    let mut t = 0u64;
    loop {
        match l.wrong_attempt(t, t == 0) {
            Answer::Challenge => t += 2_000,
            Answer::LockedOut(retry_after_s) => t += u64::from(retry_after_s) * 1_000,
            Answer::Refused => break,
        }
    }
    l.finish(
        "lockout-backoff",
        "A window of 900 s spent by wrong codes. Each attempt is counted when its PairRequest is accepted; the phone reports the wrong code at once, so each attempt ends 2 s later. A PairRequest during an attempt gets Busy with the milliseconds to its deadline. From the fifth counted failure f, the next attempt may start 2^(f−5) s after attempt f's PairRequest was accepted; a PairRequest earlier gets LockedOut with the seconds left, rounded up. The waits outlast the window after 14 attempts; then PairingWindowClosed.",
    )
}

fn lockout_taken_back() -> Json {
    let mut l = Lockout::new("appliance/taken-back");
    // The appliance already holds a pairing for the phone's key (the
    // window was opened before it was stored).
    let p = provider();
    let public = p.x25519_public(&p.x25519_import(&handshake::PHONE_STATIC));
    l.a.store
        .put(Pairing {
            peer_static: public,
            psk: [0x33; 32],
            admin: true,
            resume_counter: 0,
        })
        .unwrap();
    l.wrong_attempt(0, false);
    for (t, static_secret, note) in [
        (
            2_000u64,
            handshake::PHONE_STATIC,
            "the right code, from a phone already paired",
        ),
        (4_000, [0x5B; 32], "the right code, from a new phone"),
    ] {
        let (mut phone, pp, request, _) = l.request(SETUP_CODE, static_secret, t);
        let challenge = l.send(t, &request, note).unwrap();
        let secret = pp.x25519_import(&static_secret);
        phone
            .handle_frame(&pp, &secret, &challenge, Instant::from_millis(t))
            .unwrap();
        let mut paired = phone.poll_event().unwrap().unwrap();
        let finish = take(&mut |b| phone.poll_transmit(b));
        let answer = l.send(t, &finish, "PairFinish (its first command is not listed)");
        if let Some(mut close) = answer {
            let (_, m) = paired
                .channel
                .open_message(&pp, &mut close, Instant::from_millis(t))
                .unwrap();
            let last = l.events.last_mut().unwrap();
            last["decoded"] = json!({"secured": true, "message": message_json(&m)});
            last["note"] = json!("the sealed refusal: the attempt is taken back");
        }
        let _ = l.a.handshake.poll_event();
        let state = l.state();
        l.events.last_mut().unwrap()["appliance_after"] = state;
    }
    let roles: Vec<Json> = (0..l.a.store.len())
        .map(|i| {
            let peer = l.a.store.peer_at(i).unwrap();
            json!({"peer_static": hex::encode(peer), "admin": l.a.store.get(&peer).unwrap().admin})
        })
        .collect();
    l.wrong_attempt(6_000, false);
    let mut j = l.finish(
        "lockout-taken-back",
        "An attempt the appliance ends itself after every check passed is taken back: a phone already paired is refused with a sealed Close(ALREADY_PAIRED) and the window's count goes back from 2 to 1. A new phone's successful pairing closes the window and resets the failure report to 0; it is a user, since the appliance already held a pairing (only the first phone of an empty appliance is an admin). The next PairRequest gets PairingWindowClosed, uncounted.",
    );
    j["pairings_after"] = Json::Array(roles);
    j
}

/// The whole file.
pub fn render() -> String {
    let doc = json!({
        "format": FORMAT,
        "description": "applink session transcripts (spec/HANDSHAKE.md 2 and 3): the secure channel's replay window, key updates, counter exhaustion, Close and idle timeout, and the pairing lockout. Generated by examples/gen_session_vectors.rs; checked by tests/session_vectors.rs.",
        "parameters": {
            "phone_to_appliance": hex::encode(P2A),
            "appliance_to_phone": hex::encode(A2P),
            "phone_session": PHONE_SESSION,
            "appliance_session": APPLIANCE_SESSION,
            "idle_timeout_ms": IDLE_MS,
            "filler": "a frame sealed at counter c carries Ping{nonce: c} on exchange c mod 65535 + 1, flag I from the phone",
        },
        "channel": [
            replay_window(),
            key_update(),
            previous_key_expiry(),
            two_updates_on(),
            counter_exhaustion(),
            close(),
            idle_timeout(),
        ],
        "lockout": [lockout_backoff(), lockout_taken_back()],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap();
    s.push('\n');
    s
}
