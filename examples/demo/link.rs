//! The transcript driver of parts 2 to 4: one appliance node and a few
//! phones on a [`Medium`] (real UDP sockets on 127.0.0.1 in `udp.rs`, a
//! simulated BLE radio in `ble.rs`), with every frame printed as it
//! arrives, and the round trips and time of each step counted.
//!
//! A transcript line gives the time, the direction, the message, the frame
//! size and what the receiving node did with it. A plaintext frame's
//! message is read off the wire. A secured frame is opaque on the wire, so
//! its line says `secured` and names the plaintext message the receiving
//! node handled, as the demo learns it from the nodes themselves: the
//! phone's events and replies, the appliance's events and rejection
//! counters, and the requests the demo itself asked the phone to send.
//!
//! The driver is `applink::transport::step` unrolled over several nodes in
//! one thread, so that each frame can be printed (and, once, lost on
//! purpose, or recorded for a replay). A round trip is one flight: a turn
//! in which a phone sent at least one frame that waits for an answer
//! (Hello, PairRequest, ResumeRequest, a request; not PairFinish, an Ack
//! or a Close), so a PairRequest sent with its Hello counts once, and so
//! does a PairFinish with the first request behind it.

use core::hash::Hash;
use core::time::Duration as StdDuration;
use std::collections::{HashMap, VecDeque};

use applink::crypto::{OsCrypto, os_crypto};
use applink::descriptor::Device;
use applink::message::Message;
use applink::node::keylog::{self, KeyLog};
use applink::node::store::MemoryPhoneStore;
use applink::node::{Address, MAX_FRAME, Node, NodeError, Phone, PhoneEvent, Reply, RequestId};
use applink::time::{Duration, Instant};
use applink::transport::memory::Delivery;
use applink::wire::{Flags, Header};

use crate::washer::WashLight;
use crate::words::{Words, appliance_event, appliance_outcome};

/// What carries frames between the nodes of a [`Link`].
pub trait Medium {
    /// How a node on it is addressed.
    type Addr: Address + Hash;
    /// A new place on the medium (a socket, a radio).
    fn attach(&mut self) -> Self::Addr;
    /// The nodes' time.
    fn now(&self) -> Instant;
    /// Time since the medium started, for the transcript.
    fn elapsed(&self) -> StdDuration;
    /// Sends one frame.
    fn send(&mut self, from: Self::Addr, to: Self::Addr, frame: &[u8]);
    /// The next frame to arrive at or before `until`; `None` once `now()`
    /// reached `until` and nothing came.
    fn recv(&mut self, until: Instant) -> Option<Delivery<Self::Addr>>;
    /// The link packets a frame of `len` bytes takes, if it is cut up.
    fn packets(&self, _len: usize) -> Option<usize> {
        None
    }
}

/// A phone app's node: OS randomness, pairings in RAM.
pub type Handset<A> = Phone<OsCrypto, MemoryPhoneStore, A>;

/// One step of the story: its name, its round trips and its time.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// What it did.
    pub label: &'static str,
    /// Flights that waited for an answer.
    pub round_trips: u32,
    /// Real time on sockets, simulated time on the simulated radio.
    pub time: StdDuration,
}

/// The appliance, the phones and the medium between them.
pub struct Link<'a, M: Medium> {
    /// The medium.
    pub medium: M,
    /// The appliance node.
    pub appliance: WashLight<'a, M::Addr>,
    /// Where the appliance is.
    pub appliance_addr: M::Addr,
    phones: Vec<(M::Addr, Handset<M::Addr>)>,
    names: Vec<(M::Addr, &'static str)>,
    /// What to call a sender the link does not know.
    pub stranger: &'static str,
    /// The request each phone-opened exchange carries.
    requests: HashMap<(M::Addr, u16), &'static str>,
    /// Requests asked of a phone and not yet seen on the air.
    asked: VecDeque<(M::Addr, &'static str)>,
    /// The message each appliance-opened exchange carried.
    unsolicited: HashMap<(M::Addr, u16), &'static str>,
    /// A phone fetching the rest of the descriptor.
    continuing: Option<M::Addr>,
    events: Vec<(M::Addr, PhoneEvent)>,
    /// The transcript's vocabulary.
    pub words: Words<M::Addr>,
    lose_next_reply: bool,
    /// What the frame injected last carries.
    injected: Option<&'static str>,
    /// Record the next secured request of this phone carrying this message.
    record: Option<(M::Addr, &'static str)>,
    /// What was recorded, as an eavesdropper on the path records it.
    pub recorded: Option<Vec<u8>>,
    /// Frames sent, and the largest.
    pub frames: (u32, usize),
    round_trips: u32,
    current: Option<(&'static str, StdDuration, u32)>,
    /// The steps done so far.
    pub steps: Vec<Step>,
}

impl<'a, M: Medium> Link<'a, M> {
    /// A link with `appliance` on `medium` and no phone yet.
    pub fn new(mut medium: M, appliance: WashLight<'a, M::Addr>) -> Self {
        let appliance_addr = medium.attach();
        Link {
            medium,
            appliance,
            appliance_addr,
            phones: Vec::new(),
            names: vec![(appliance_addr, "appliance")],
            stranger: "stranger",
            requests: HashMap::new(),
            asked: VecDeque::new(),
            unsolicited: HashMap::new(),
            continuing: None,
            events: Vec::new(),
            words: Words::default(),
            lose_next_reply: false,
            injected: None,
            record: None,
            recorded: None,
            frames: (0, 0),
            round_trips: 0,
            current: None,
            steps: Vec::new(),
        }
    }

    /// Puts a new phone app (a fresh long-term key) on the medium.
    pub fn add_phone(&mut self, name: &'static str) -> M::Addr {
        let addr = self.add_listener(name);
        let mut phone = Phone::new(os_crypto(), MemoryPhoneStore::default()).expect("a RAM store");
        // A debugging aid, off unless APPLINK_KEYLOGFILE names a file: the
        // session keys for a packet analyser (spec/KEYLOG.md).
        match KeyLog::from_env() {
            Ok(Some(log)) => {
                println!(
                    "             {name}'s phone writes its session keys to ${} (a debugging aid, never for production)",
                    keylog::ENV_VAR
                );
                phone.set_key_log(Some(log));
            }
            Ok(None) => {}
            Err(e) => println!(
                "             {name}'s phone cannot open ${}: {e}",
                keylog::ENV_VAR
            ),
        }
        self.phones.push((addr, phone));
        addr
    }

    /// A place on the medium with no node behind it (an eavesdropper).
    pub fn add_listener(&mut self, name: &'static str) -> M::Addr {
        let addr = self.medium.attach();
        self.names.push((addr, name));
        addr
    }

    /// The phone at `addr`.
    pub fn phone(&mut self, addr: M::Addr) -> &mut Handset<M::Addr> {
        self.phones
            .iter_mut()
            .find(|(a, _)| *a == addr)
            .map(|(_, p)| p)
            .expect("a phone at this address")
    }

    /// Who is at `addr`.
    pub fn name(&self, addr: M::Addr) -> &'static str {
        self.names
            .iter()
            .find(|(a, _)| *a == addr)
            .map_or(self.stranger, |(_, n)| n)
    }

    /// The nodes' time now.
    pub fn now(&self) -> Instant {
        self.medium.now()
    }

    /// The descriptor, once a phone fetched it.
    pub fn device(&self) -> Device<'_> {
        self.words.descriptor.as_ref().expect("described").device()
    }

    /// The next reply the appliance sends is lost on the air.
    pub fn lose_next_reply(&mut self) {
        self.lose_next_reply = true;
    }

    /// Records the next secured `what` request the phone at `addr` sends,
    /// as it travels (sealed), into [`Link::recorded`].
    pub fn record_next(&mut self, addr: M::Addr, what: &'static str) {
        self.record = Some((addr, what));
    }

    /// Starts timing a step.
    pub fn begin(&mut self, label: &'static str) {
        self.current = Some((label, self.medium.elapsed(), self.round_trips));
    }

    /// Ends the step begun last, prints and keeps its round trips and time.
    pub fn end(&mut self) -> Step {
        let (label, t0, rt0) = self.current.take().expect("a step begun");
        let step = Step {
            label,
            round_trips: self.round_trips - rt0,
            time: self.medium.elapsed().saturating_sub(t0),
        };
        println!(
            "             ⏱  {} round trip(s), {}",
            step.round_trips,
            ms(step.time)
        );
        self.steps.push(step);
        step
    }

    /// Counts `n` round trips made outside the link (an mDNS query and
    /// its answer).
    pub fn count_round_trips(&mut self, n: u32) {
        self.round_trips += n;
    }

    /// Sends `message` from the phone at `addr`; its reply comes through
    /// [`Link::wait`].
    pub fn request(&mut self, addr: M::Addr, message: &Message<'_>) -> RequestId {
        let now = self.now();
        let id = self.phone(addr).request(message, now).expect("a request");
        if let Message::Invoke(i) = message {
            let at = (i.endpoint, i.capability, i.command);
            self.words.invokes.insert((addr, id), at);
        }
        self.asked_for(addr, id, message.name())
    }

    /// Fetches the descriptor (or takes it from the phone's cache).
    pub fn describe(&mut self, addr: M::Addr) -> RequestId {
        let now = self.now();
        let id = self.phone(addr).describe(now).expect("a request");
        self.asked_for(addr, id, "Describe")
    }

    /// Names an admin request the phone at `addr` made by itself (share,
    /// remove), so its frames are labelled.
    pub fn asked_for_admin(&mut self, addr: M::Addr, id: RequestId) {
        self.asked_for(addr, id, "Admin");
    }

    fn asked_for(&mut self, addr: M::Addr, id: RequestId, what: &'static str) -> RequestId {
        self.collect(addr);
        // Answered at once (a cached descriptor): nothing goes on the air.
        if self.find_reply(addr, id).is_none() {
            self.asked.push_back((addr, what));
        }
        id
    }

    /// Sends `message` and waits for its result.
    pub fn ask(&mut self, addr: M::Addr, message: &Message<'_>) -> Result<Reply, NodeError> {
        let id = self.request(addr, message);
        self.wait(addr, id)
    }

    /// Runs until request `id` of the phone at `addr` settles.
    pub fn wait(&mut self, addr: M::Addr, id: RequestId) -> Result<Reply, NodeError> {
        let end = self.now() + Duration::from_secs(30);
        loop {
            if let Some(result) = self.find_reply(addr, id) {
                return result;
            }
            assert!(self.step(end), "request {id:?} never settled");
        }
    }

    fn find_reply(&self, addr: M::Addr, id: RequestId) -> Option<Result<Reply, NodeError>> {
        self.events.iter().find_map(|(a, e)| match e {
            PhoneEvent::Reply { id: x, result } if *a == addr && *x == id => Some(result.clone()),
            _ => None,
        })
    }

    /// Runs until the phone at `addr` paired, resumed, or failed to.
    pub fn handshake(&mut self, addr: M::Addr) -> Result<(), NodeError> {
        let start = self.events.len();
        let end = self.now() + Duration::from_secs(30);
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

    /// Lets `d` pass, delivering frames and running timers.
    pub fn run_for(&mut self, d: Duration) {
        let until = self.now() + d;
        while self.step(until) {}
    }

    /// Sends raw bytes from `from` to `to`, as an attacker would; `what`
    /// names them in the transcript.
    pub fn inject(&mut self, from: M::Addr, to: M::Addr, bytes: &[u8], what: &'static str) {
        self.injected = Some(what);
        self.medium.send(from, to, bytes);
        self.frames.0 += 1;
    }

    /// Prints what the appliance has to tell, at once.
    pub fn print_appliance_events(&mut self) {
        while let Some(e) = self.appliance.poll_event() {
            println!("{}  appliance: {}", self.stamp(), appliance_event(&e));
        }
    }

    /// One turn: send what is queued, take the next frame due before the
    /// earliest deadline (or `until`), run due timers, send what they
    /// queued. `false` once the time is at `until`.
    fn step(&mut self, until: Instant) -> bool {
        self.flush();
        let next = [self.appliance.poll_timeout()]
            .into_iter()
            .chain(self.phones.iter().map(|(_, p)| p.poll_timeout()))
            .flatten()
            .min();
        let target = next.map_or(until, |t| t.min(until));
        if let Some(d) = self.medium.recv(target) {
            self.deliver(d);
            self.flush();
        }
        let now = self.now();
        if self.appliance.poll_timeout().is_some_and(|t| t <= now) {
            self.appliance.handle_timeout(now);
            self.print_appliance_events();
        }
        for k in 0..self.phones.len() {
            let (addr, phone) = &mut self.phones[k];
            let addr = *addr;
            if phone.poll_timeout().is_some_and(|t| t <= now) {
                phone.handle_timeout(now);
                for e in self.collect(addr) {
                    let what = self.words.phone_event(addr, &e);
                    println!("{}  {}: {what}", self.stamp(), self.name(addr));
                }
            }
        }
        self.flush();
        now < until
    }

    /// The time column.
    fn stamp(&self) -> String {
        format!("{:>9.4} s", self.medium.elapsed().as_secs_f64())
    }

    /// Takes a phone's new events; returns them and keeps a copy.
    fn collect(&mut self, addr: M::Addr) -> Vec<PhoneEvent> {
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

    /// Puts every queued frame on the medium.
    fn flush(&mut self) {
        let mut buf = [0u8; MAX_FRAME];
        let mut out = Vec::new();
        while let Some((to, n)) = self.appliance.poll_transmit(&mut buf) {
            out.push((self.appliance_addr, to, buf[..n].to_vec()));
        }
        for (addr, phone) in &mut self.phones {
            let mut flight = false;
            while let Some((to, n)) = phone.poll_transmit(&mut buf) {
                flight |= waits_for_answer(&buf[..n]);
                out.push((*addr, to, buf[..n].to_vec()));
            }
            self.round_trips += u32::from(flight);
        }
        for (from, to, bytes) in out {
            self.frames.0 += 1;
            self.frames.1 = self.frames.1.max(bytes.len());
            let header = Header::parse(&bytes).map(|h| h.0).ok();
            let is_reply = header.is_some_and(|h| h.is_secured() && h.ack.is_some());
            if from == self.appliance_addr && is_reply && self.lose_next_reply {
                self.lose_next_reply = false;
                let what = "secured reply";
                println!(
                    "{}  {:>9} → {:<9} {what:<26} {:>3} B  ✗ lost on the air",
                    self.stamp(),
                    self.name(from),
                    self.name(to),
                    bytes.len()
                );
                continue;
            }
            self.medium.send(from, to, &bytes);
        }
    }

    /// The size column: bytes, and link packets where frames are cut up.
    fn size(&self, len: usize) -> String {
        match self.medium.packets(len) {
            Some(p) => format!("{len:>3} B in {p:>2} packets"),
            None => format!("{len:>3} B"),
        }
    }

    /// Hands one frame to its receiver and prints what became of it.
    fn deliver(&mut self, mut d: Delivery<M::Addr>) {
        let arrived = self.stamp();
        let len = d.bytes.len();
        let header = Header::parse(&d.bytes).map(|h| h.0).ok();
        let plain = plaintext_name(&d.bytes);
        let (what, outcome) = if d.to == self.appliance_addr {
            if !self.names.iter().any(|(a, _)| *a == d.from) && waits_for_answer(&d.bytes) {
                // A node the link does not drive (a probe) waits too.
                self.round_trips += 1;
            }
            let sealed = d.bytes.clone();
            let before = self.appliance.rejections();
            let now = self.now();
            self.appliance.handle_datagram(d.from, &mut d.bytes, now);
            let what = match (plain, header) {
                (Some(n), _) => n.to_string(),
                (None, Some(h)) => {
                    let label = self.request_label(d.from, &h);
                    if self.record == Some((d.from, label)) {
                        self.record = None;
                        self.recorded = Some(sealed);
                    }
                    format!("secured {label}")
                }
                (None, None) => "garbage".to_string(),
            };
            let events: Vec<_> = core::iter::from_fn(|| self.appliance.poll_event()).collect();
            let outcome = appliance_outcome(before, self.appliance.rejections(), &events, &what);
            (what, outcome)
        } else if self.phones.iter().any(|(a, _)| *a == d.to) {
            let now = self.now();
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
            if after.rejected > before.rejected && what == "PairChallenge" {
                notes.push(
                    "its confirmation fails: a wrong code or a forged flight; \
                     the phone tells the appliance and waits 2 s for a genuine one"
                        .into(),
                );
            } else if after.rejected > before.rejected && what == "Status" {
                notes.push(PLAINTEXT_REFUSAL.into());
            } else if after.rejected > before.rejected {
                notes.push("rejected".into());
            } else if notes.is_empty() && what == "Status" {
                notes.push(PLAINTEXT_REFUSAL.into());
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
            (what, format!("no node here, it reads {seen}"))
        };
        println!(
            "{arrived}  {:>9} → {:<9} {what:<26} {}  {outcome}",
            self.name(d.from),
            self.name(d.to),
            self.size(len)
        );
    }

    /// The plaintext message of a secured frame from a phone.
    fn request_label(&mut self, from: M::Addr, h: &Header) -> &'static str {
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
        } else if self.phones.iter().any(|(a, _)| *a == from) {
            // What a phone sends on its own: its keepalive.
            "Ping"
        } else {
            self.injected.take().unwrap_or("request")
        };
        self.requests.insert((from, h.exchange), label);
        label
    }

    /// The plaintext message of a secured frame the phone at `to` handled.
    fn reply_label(&mut self, to: M::Addr, h: &Header, events: &[PhoneEvent]) -> &'static str {
        if h.flags.contains(Flags::INITIATOR) {
            let label = events.iter().find_map(|e| match e {
                PhoneEvent::Report { .. } => Some("Report"),
                PhoneEvent::Event { .. } => Some("Event"),
                PhoneEvent::PairingAdded { .. } => Some("PairingAdded"),
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
                Ok(Reply::Batched(_)) => "BatchReply",
                Ok(Reply::Subscribed { .. }) => "SubscribeReply",
                Ok(Reply::Pong) => "Pong",
                Ok(Reply::Pairings { .. }) => "PairingList",
                Ok(Reply::Unsubscribed | Reply::Administered) | Err(_) => "Status",
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
}

/// What a phone does with a plaintext refusal.
const PLAINTEXT_REFUSAL: &str =
    "a plaintext refusal: a hint; the verdict comes 2 s later unless a genuine answer comes first";

/// The message a plaintext frame carries; `None` for a secured frame.
fn plaintext_name(bytes: &[u8]) -> Option<&'static str> {
    match applink::from_bytes(bytes) {
        Ok((h, m)) if !h.is_secured() => Some(m.name()),
        _ => None,
    }
}

/// Whether a frame from a phone waits for an answer: a secured request
/// (it opens an exchange) or a plaintext Hello, PairRequest, ResumeRequest
/// or public Describe. PairFinish, Status, an Ack and a Close do not.
fn waits_for_answer(bytes: &[u8]) -> bool {
    match Header::parse(bytes) {
        Ok((h, _)) if h.is_secured() => h.flags.contains(Flags::INITIATOR),
        Ok(_) => !matches!(plaintext_name(bytes), Some("PairFinish" | "Status") | None),
        Err(_) => false,
    }
}

/// A duration in milliseconds, as printed.
pub fn ms(d: StdDuration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
