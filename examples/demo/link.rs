//! The in-memory link of parts 2 and 3: one appliance node, a few phones
//! and an attacker on a [`MemoryNet`] with a 5 ms delay, on simulated time,
//! with every frame printed as it arrives.
//!
//! A transcript line gives the time, the direction, the message, the frame
//! size and what the receiving node did with it. A plaintext frame's
//! message is read off the wire. A secured frame is opaque on the wire, so
//! its line says `secured` and names the plaintext message the receiving
//! node handled, as the demo learns it from the nodes themselves: the
//! phone's events and replies, the appliance's events and rejection
//! counters, and the requests the demo itself asked the phone to send.
//!
//! The driver is the one of `applink::transport::memory::run`, unrolled so
//! that each frame can be printed (and, once, lost on purpose).

use std::collections::{HashMap, VecDeque};

use applink::crypto::{OsCrypto, os_crypto};
use applink::descriptor::Device;
use applink::message::Message;
use applink::node::store::MemoryPhoneStore;
use applink::node::{MAX_FRAME, Node, NodeError, Phone, PhoneEvent, Rejections, Reply, RequestId};
use applink::time::{Duration, Instant};
use applink::transport::memory::{Delivery, Faults, MemoryNet};
use applink::wire::{Flags, Header};

use crate::washer::WashLight;
use crate::words::{Words, appliance_event, clock, name};

/// The appliance's link address.
pub const APPLIANCE: u8 = 1;
/// Alice's phone.
pub const ALICE: u8 = 2;
/// Bob's phone.
pub const BOB: u8 = 3;
/// Someone who records frames and sends them again.
pub const ATTACKER: u8 = 9;

/// A phone app's node: OS randomness, pairings in RAM.
pub type Handset = Phone<OsCrypto, MemoryPhoneStore, u8>;

/// The appliance, the phones and the air between them.
pub struct Link<'a> {
    /// Simulated time.
    pub now: Instant,
    /// The appliance node.
    pub appliance: WashLight<'a>,
    phones: Vec<(u8, Handset)>,
    net: MemoryNet<u8>,
    /// The request each phone-opened exchange carries.
    requests: HashMap<(u8, u16), &'static str>,
    /// Requests asked of a phone and not yet seen on the air.
    asked: VecDeque<(u8, &'static str)>,
    /// The message each appliance-opened exchange carried.
    unsolicited: HashMap<(u8, u16), &'static str>,
    /// A phone fetching the rest of the descriptor.
    continuing: Option<u8>,
    events: Vec<(u8, PhoneEvent)>,
    /// The transcript's vocabulary.
    pub words: Words,
    lose_next_reply: bool,
    /// The last ResumeRequest a phone sent, as an eavesdropper records it.
    pub captured: Option<Vec<u8>>,
    /// Frames sent, and the largest.
    pub frames: (u32, usize),
}

impl<'a> Link<'a> {
    /// A link with `appliance` on it and no phone yet.
    pub fn new(appliance: WashLight<'a>) -> Self {
        let faults = Faults {
            delay_ms: (5, 5),
            ..Faults::NONE
        };
        Link {
            now: Instant::ZERO,
            appliance,
            phones: Vec::new(),
            net: MemoryNet::new(1, faults, 64),
            requests: HashMap::new(),
            asked: VecDeque::new(),
            unsolicited: HashMap::new(),
            continuing: None,
            events: Vec::new(),
            words: Words::default(),
            lose_next_reply: false,
            captured: None,
            frames: (0, 0),
        }
    }

    /// Puts a new phone app (a fresh long-term key) at `addr`.
    pub fn add_phone(&mut self, addr: u8) {
        let phone = Phone::new(os_crypto(), MemoryPhoneStore::default()).expect("a RAM store");
        self.phones.push((addr, phone));
    }

    /// The phone at `addr`.
    pub fn phone(&mut self, addr: u8) -> &mut Handset {
        self.phones
            .iter_mut()
            .find(|(a, _)| *a == addr)
            .map(|(_, p)| p)
            .expect("a phone at this address")
    }

    /// The descriptor, once a phone fetched it.
    pub fn device(&self) -> Device<'_> {
        self.words.descriptor.as_ref().expect("described").device()
    }

    /// The next reply the appliance sends is lost on the air.
    pub fn lose_next_reply(&mut self) {
        self.lose_next_reply = true;
    }

    /// Sends `message` from the phone at `addr`; its reply comes through
    /// [`Link::wait`].
    pub fn request(&mut self, addr: u8, message: &Message<'_>) -> RequestId {
        let now = self.now;
        let id = self.phone(addr).request(message, now).expect("a request");
        if let Message::Invoke(i) = message {
            let at = (i.endpoint, i.capability, i.command);
            self.words.invokes.insert((addr, id), at);
        }
        self.asked_for(addr, id, message.name())
    }

    /// Fetches the descriptor (or takes it from the phone's cache).
    pub fn describe(&mut self, addr: u8) -> RequestId {
        let now = self.now;
        let id = self.phone(addr).describe(now).expect("a request");
        self.asked_for(addr, id, "Describe")
    }

    fn asked_for(&mut self, addr: u8, id: RequestId, what: &'static str) -> RequestId {
        self.collect(addr);
        // Answered at once (a cached descriptor): nothing goes on the air.
        if self.find_reply(addr, id).is_none() {
            self.asked.push_back((addr, what));
        }
        id
    }

    /// Sends `message` and waits for its result.
    pub fn ask(&mut self, addr: u8, message: &Message<'_>) -> Result<Reply, NodeError> {
        let id = self.request(addr, message);
        self.wait(addr, id)
    }

    /// Runs until request `id` of the phone at `addr` settles.
    pub fn wait(&mut self, addr: u8, id: RequestId) -> Result<Reply, NodeError> {
        let end = self.now + Duration::from_secs(60);
        loop {
            if let Some(result) = self.find_reply(addr, id) {
                return result;
            }
            assert!(self.step(end), "request {id:?} never settled");
        }
    }

    fn find_reply(&self, addr: u8, id: RequestId) -> Option<Result<Reply, NodeError>> {
        self.events.iter().find_map(|(a, e)| match e {
            PhoneEvent::Reply { id: x, result } if *a == addr && *x == id => Some(result.clone()),
            _ => None,
        })
    }

    /// Runs until the phone at `addr` paired, resumed, or failed to.
    pub fn handshake(&mut self, addr: u8) -> Result<(), NodeError> {
        let start = self.events.len();
        let end = self.now + Duration::from_secs(60);
        loop {
            let outcome = self.events[start..].iter().find_map(|(a, e)| match e {
                _ if *a != addr => None,
                PhoneEvent::Paired { .. } | PhoneEvent::Resumed { .. } => Some(Ok(())),
                PhoneEvent::HandshakeFailed(e) => Some(Err(*e)),
                _ => None,
            });
            if let Some(outcome) = outcome {
                return outcome;
            }
            assert!(self.step(end), "the handshake never settled");
        }
    }

    /// Lets `d` of simulated time pass, delivering frames and running
    /// timers.
    pub fn run_for(&mut self, d: Duration) {
        let until = self.now + d;
        while self.step(until) {}
    }

    /// Sends raw bytes from `from` to `to`, as an attacker would.
    pub fn inject(&mut self, from: u8, to: u8, bytes: &[u8]) {
        self.net.send(from, to, bytes, self.now);
        self.frames.0 += 1;
    }

    /// One step: move time to the next deadline (a delivery or a timer),
    /// deliver what is due, run due timers, send what they queued.
    /// `false`, with the time at `until`, once nothing is due before it.
    fn step(&mut self, until: Instant) -> bool {
        self.flush();
        let next = [self.appliance.poll_timeout(), self.net.next_delivery()]
            .into_iter()
            .chain(self.phones.iter().map(|(_, p)| p.poll_timeout()))
            .flatten()
            .min();
        match next {
            Some(t) if t <= until => self.now = self.now.max(t),
            _ => {
                self.now = self.now.max(until);
                return false;
            }
        }
        let now = self.now;
        while let Some(d) = self.net.poll(now) {
            self.deliver(d);
            self.flush();
        }
        if self.appliance.poll_timeout().is_some_and(|t| t <= now) {
            self.appliance.handle_timeout(now);
            while let Some(e) = self.appliance.poll_event() {
                println!("{}  appliance: {}", clock(now), appliance_event(&e));
            }
        }
        for k in 0..self.phones.len() {
            let (addr, phone) = &mut self.phones[k];
            let addr = *addr;
            if phone.poll_timeout().is_some_and(|t| t <= now) {
                phone.handle_timeout(now);
                for e in self.collect(addr) {
                    println!(
                        "{}  {}: {}",
                        clock(now),
                        name(addr),
                        self.words.phone_event(addr, &e)
                    );
                }
            }
        }
        self.flush();
        true
    }

    /// Takes a phone's new events; returns them and keeps a copy.
    fn collect(&mut self, addr: u8) -> Vec<PhoneEvent> {
        let phone = self.phone(addr);
        let new: Vec<_> = core::iter::from_fn(|| phone.poll_event()).collect();
        for e in &new {
            if let PhoneEvent::Reply {
                result: Ok(Reply::Descriptor(d)),
                ..
            } = e
            {
                self.words.descriptor = Some(d.clone());
            }
        }
        self.events.extend(new.iter().map(|e| (addr, e.clone())));
        new
    }

    /// Puts every queued frame on the air.
    fn flush(&mut self) {
        let mut buf = [0u8; MAX_FRAME];
        let mut out = Vec::new();
        while let Some((to, n)) = self.appliance.poll_transmit(&mut buf) {
            out.push((APPLIANCE, to, buf[..n].to_vec()));
        }
        for (addr, phone) in &mut self.phones {
            while let Some((to, n)) = phone.poll_transmit(&mut buf) {
                out.push((*addr, to, buf[..n].to_vec()));
            }
        }
        for (from, to, bytes) in out {
            self.frames.0 += 1;
            self.frames.1 = self.frames.1.max(bytes.len());
            let header = Header::parse(&bytes).map(|h| h.0).ok();
            let plain = plaintext_name(&bytes);
            if plain == Some("ResumeRequest") {
                self.captured = Some(bytes.clone());
            }
            let is_reply = header.is_some_and(|h| h.is_secured() && h.ack.is_some());
            if from == APPLIANCE && is_reply && self.lose_next_reply {
                self.lose_next_reply = false;
                let what = "secured reply";
                println!(
                    "{}  {:>9} → {:<9} {what:<26} {:>3} B  ✗ lost on the air",
                    clock(self.now),
                    name(from),
                    name(to),
                    bytes.len()
                );
                continue;
            }
            self.net.send(from, to, &bytes, self.now);
        }
    }

    /// Hands one frame to its receiver and prints what became of it.
    fn deliver(&mut self, mut d: Delivery<u8>) {
        let len = d.bytes.len();
        let header = Header::parse(&d.bytes).map(|h| h.0).ok();
        let plain = plaintext_name(&d.bytes);
        let now = self.now;
        let (what, outcome) = if d.to == APPLIANCE {
            let before = self.appliance.rejections();
            self.appliance.handle_datagram(d.from, &mut d.bytes, now);
            let what = match (plain, header) {
                (Some(n), _) => n.to_string(),
                (None, Some(h)) => format!("secured {}", self.request_label(d.from, &h)),
                (None, None) => "garbage".to_string(),
            };
            let outcome = self.appliance_outcome(before, &what);
            (what, outcome)
        } else if self.phones.iter().any(|(a, _)| *a == d.to) {
            let phone = self.phone(d.to);
            let before = phone.stats();
            phone.handle_datagram(d.from, &mut d.bytes, now);
            let after = self.phone(d.to).stats();
            let events = self.collect(d.to);
            let what = match (plain, header) {
                (Some(n), _) => n.to_string(),
                (None, Some(h)) => format!("secured {}", self.reply_label(d.to, &h, &events)),
                (None, None) => "garbage".to_string(),
            };
            let mut notes: Vec<String> = events
                .iter()
                .map(|e| self.words.phone_event(d.to, e))
                .collect();
            if after.duplicates > before.duplicates {
                notes.push("seen before: acknowledged again, not delivered twice".into());
            }
            if after.late_replies > before.late_replies {
                notes.push("a late reply, dropped".into());
            }
            if after.rejected > before.rejected {
                notes.push("rejected".into());
            }
            if notes.is_empty() && what.ends_with("Descriptor") {
                notes.push("a chunk: the phone asks for the next one".into());
            }
            if notes.is_empty() && what.ends_with("Pong") {
                notes.push("the keepalive is answered".into());
            }
            (what, notes.join("; "))
        } else {
            let what = plain.map_or("secured frame".to_string(), str::to_string);
            let seen = match applink::from_bytes(&d.bytes) {
                Ok((_, m)) => format!("{m:?}"),
                Err(_) => "sealed".into(),
            };
            (what, format!("no node here, the attacker reads {seen}"))
        };
        println!(
            "{}  {:>9} → {:<9} {what:<26} {len:>3} B  {outcome}",
            clock(now),
            name(d.from),
            name(d.to)
        );
    }

    /// The plaintext message of a secured frame from a phone.
    fn request_label(&mut self, from: u8, h: &Header) -> &'static str {
        if !h.flags.contains(Flags::INITIATOR) {
            // A phone answers only reports and events (with an Ack); a
            // Close carries no acknowledgement.
            return if h.ack.is_some() { "Ack" } else { "Close" };
        }
        if let Some(label) = self.requests.get(&(from, h.exchange)) {
            return label;
        }
        let label = if let Some(k) = self.asked.iter().position(|(a, _)| *a == from) {
            self.asked.remove(k).map_or("?", |(_, l)| l)
        } else if self.continuing.take() == Some(from) {
            "Describe"
        } else {
            // What a phone sends on its own: its keepalive.
            "Ping"
        };
        self.requests.insert((from, h.exchange), label);
        label
    }

    /// The plaintext message of a secured frame the phone at `to` handled.
    fn reply_label(&mut self, to: u8, h: &Header, events: &[PhoneEvent]) -> &'static str {
        if h.flags.contains(Flags::INITIATOR) {
            let label = events.iter().find_map(|e| match e {
                PhoneEvent::Report { .. } => Some("Report"),
                PhoneEvent::Event { .. } => Some("Event"),
                _ => None,
            });
            let key = (to, h.exchange);
            return match label {
                Some(l) => self.unsolicited.entry(key).or_insert(l),
                None => self.unsolicited.get(&key).copied().unwrap_or("?"),
            };
        }
        if h.ack.is_none() {
            return "Close";
        }
        let request = self.requests.get(&(to, h.exchange)).copied();
        let label = events.iter().find_map(|e| match e {
            PhoneEvent::Reply { result, .. } => Some(match result {
                Ok(Reply::Descriptor(_)) => "Descriptor",
                Ok(Reply::Values(_)) => "ReadReply",
                Ok(Reply::Written { .. }) => "WriteReply",
                Ok(Reply::Invoked(_)) => "InvokeReply",
                Ok(Reply::Subscribed { .. }) => "SubscribeReply",
                Ok(Reply::Pong) => "Pong",
                Ok(Reply::Unsubscribed) | Err(_) => "Status",
            }),
            _ => None,
        });
        match (label, request) {
            (Some(l), _) => l,
            (None, Some("Describe")) => {
                self.continuing = Some(to);
                "Descriptor"
            }
            (None, Some("Ping")) => "Pong",
            (None, Some("Read")) => "ReadReply",
            _ => "reply",
        }
    }

    /// What the appliance did with a frame, from its events and counters.
    fn appliance_outcome(&mut self, before: Rejections, what: &str) -> String {
        let after = self.appliance.rejections();
        let mut notes: Vec<String> = Vec::new();
        while let Some(e) = self.appliance.poll_event() {
            notes.push(appliance_event(&e));
        }
        let counted = [
            (
                after.duplicates - before.duplicates,
                "a retransmission: the cached reply goes again, the handler does not run twice",
            ),
            (
                after.handshake_duplicates - before.handshake_duplicates,
                "a copy of a frame already handled (handshake cache)",
            ),
            (after.replay - before.replay, "refused: a replayed counter"),
            (
                after.authentication - before.authentication,
                "refused: does not authenticate",
            ),
            (
                after.unknown_session - before.unknown_session,
                "refused: unknown session",
            ),
            (after.handshake - before.handshake, REFUSED_HANDSHAKE),
            (
                after.needs_pairing - before.needs_pairing,
                "refused: pair first",
            ),
            (after.malformed - before.malformed, "refused: malformed"),
            (after.unexpected - before.unexpected, "refused: unexpected"),
            (after.stale - before.stale, "dropped: stale"),
            (after.busy - before.busy, "refused: busy"),
        ];
        // A failed attempt is also counted as a refused handshake frame:
        // its event says more.
        let attempt_failed = !notes.is_empty();
        notes.extend(
            counted
                .iter()
                .filter(|(n, s)| *n > 0 && !(attempt_failed && *s == REFUSED_HANDSHAKE))
                .map(|(_, s)| (*s).to_string()),
        );
        if notes.is_empty() {
            notes.push(if what.ends_with("Ack") {
                "acknowledged: not sent again".into()
            } else {
                "handled".into()
            });
        }
        notes.join("; ")
    }
}

const REFUSED_HANDSHAKE: &str = "refused by the handshake machine";

/// The message a plaintext frame carries; `None` for a secured frame.
fn plaintext_name(bytes: &[u8]) -> Option<&'static str> {
    match applink::from_bytes(bytes) {
        Ok((h, m)) if !h.is_secured() => Some(m.name()),
        _ => None,
    }
}
