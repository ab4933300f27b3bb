//! The scripted world behind `spec/vectors/reliability.json`: the real
//! lamp `Appliance` and `Phone` on simulated time, joined by a link that
//! delivers every frame after a fixed delay unless a rule of the
//! transcript's script loses or holds it. Every random draw is recorded,
//! and every frame is opened as it is sent (the traffic keys are derived
//! from the recorded draws as soon as a handshake answer leaves), so a
//! rule can name a frame by its message.

use core::cell::{Cell, RefCell};
use std::rc::Rc;

use applink::catalog::{device_types, identify, level_control, on_off};
use applink::crypto::spake2plus::ProverSecret;
use applink::crypto::{CryptoProvider, Entropy, RustCrypto};
use applink::descriptor::{DeviceInfo, DeviceTypeRef};
use applink::interaction::stock::{self, IdentifyState, LevelState};
use applink::interaction::{Dispatcher, EndpointEntry, EventCounter, Instance, RamSequenceStore};
use applink::message::{EndpointId, Message, VendorId};
use applink::node::phone::PhoneStats;
use applink::node::store::{MemoryPhoneStore, PhoneStore};
use applink::node::{
    Appliance, ApplianceConfig, Event, Node, Phone, PhoneEvent, Rejections, RequestId,
};
use applink::session::pairing::{ApplianceIdentity, DeviceId};
use applink::session::store::MemoryStore;
use applink::time::{Duration, Instant};
use applink::wire::{Frame, Header};
use sha2::{Digest, Sha256};

use super::keys::{self, Established, open};

/// The appliance (the device id of `handshake.json`).
pub const DEVICE_ID: DeviceId = *b"APPLNK01";
/// Its setup code.
pub const SETUP_CODE: &str = "31415926";
/// Argon2id of [`SETUP_CODE`] for [`DEVICE_ID`] (`w0s_w1s` in
/// `handshake.json`), precomputed: Argon2id takes seconds in a debug build.
pub const W0S_W1S: &str = "e1218dfc21bf2a8b44bd7eee18a54dae2665cc28eff9aa9e286bb3109514ffb0658ff9504d4782614f1669387ec96fba42b16887f8d34ce2269f854e849e9b55825bfd3836e8902f05466b63ec04a7e9";
/// The appliance's X25519 static secret.
pub const APPLIANCE_STATIC: [u8; 32] = [0xA5; 32];
/// The phone's X25519 static secret (already in its store: no draw).
pub const PHONE_STATIC: [u8; 32] = [0x5A; 32];
/// The lamp's endpoint.
pub const LAMP: EndpointId = EndpointId(1);
/// The first data version of the lamp's dispatcher.
pub const DATA_VERSION_SEED: u32 = 7;
/// The phone's address for the appliance, and the appliance's for the phone.
pub const PHONE: u8 = 2;
/// The appliance's address.
pub const APPLIANCE: u8 = 1;
/// One-way link delay of every delivered frame.
pub const LINK_DELAY_MS: u64 = 10;

/// The Argon2id output as bytes.
pub fn w0s_w1s() -> [u8; 80] {
    hex::decode(W0S_W1S).unwrap().try_into().unwrap()
}

/// A side of the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Phone,
    Appliance,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Phone => "phone",
            Side::Appliance => "appliance",
        }
    }
}

/// Every random draw in order: who drew and the bytes.
pub type Log = Rc<RefCell<Vec<(Side, Vec<u8>)>>>;

/// Randomness `SHA-256(label || counter as u64 LE)`, 32 bytes a block,
/// recorded into the log.
pub struct Recorder {
    label: String,
    counter: u64,
    side: Side,
    log: Log,
}

impl Entropy for Recorder {
    fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(32) {
            let mut h = Sha256::new();
            h.update(self.label.as_bytes());
            h.update(self.counter.to_le_bytes());
            self.counter += 1;
            let block: [u8; 32] = h.finalize().into();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        self.log.borrow_mut().push((self.side, out.to_vec()));
    }
}

pub type Crypto = RustCrypto<Recorder>;
pub type Lamp = Appliance<'static, Crypto, MemoryStore<4>, RamSequenceStore, u8, 2>;

/// A provider for checking, which must never draw.
pub fn checker() -> RustCrypto<impl FnMut(&mut [u8])> {
    RustCrypto::new(|_: &mut [u8]| panic!("deriving keys draws nothing"))
}

/// The lamp's state, which the handlers borrow.
pub struct Devices {
    pub on: Cell<bool>,
    pub toggles: Cell<u32>,
    pub level: LevelState,
    pub identify: IdentifyState,
}

const TYPES: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];

/// The test lamp: identify, on/off (every change counted) and level control
/// on endpoint 1.
fn lamp(devices: &'static Devices, crypto: Crypto) -> Lamp {
    let counted: &'static dyn Fn(bool) = Box::leak(Box::new(|_: bool| {
        devices.toggles.set(devices.toggles.get() + 1)
    }));
    let ident = Box::leak(Box::new(stock::Identify::new(&devices.identify)));
    let switch = Box::leak(Box::new(stock::OnOff::new(&devices.on).on_change(counted)));
    let level = Box::leak(Box::new(stock::Level::new(&devices.level)));
    let caps = Box::leak(Box::new([
        Instance::new(&identify::CAPABILITY, ident),
        Instance::new(&on_off::CAPABILITY, switch),
        Instance::new(&level_control::CAPABILITY, level).with_all_optional(),
    ]));
    let endpoints = Box::leak(Box::new([EndpointEntry::new(LAMP.0, &TYPES, caps)]));
    let info = DeviceInfo {
        vendor: VendorId(0xFFF1),
        product: 0x0042,
        hardware_version: 1,
        min_protocol: 1,
        max_protocol: 1,
    };
    let counter = EventCounter::new(RamSequenceStore::default(), 16);
    let dispatcher =
        Dispatcher::new(info, endpoints, counter, DATA_VERSION_SEED).expect("a valid lamp");
    let secret = ProverSecret::from_pbkdf_output(&crypto, &w0s_w1s()).unwrap();
    let record = secret.verifier_record(&crypto);
    let static_secret = crypto.x25519_import(&APPLIANCE_STATIC);
    let identity = ApplianceIdentity::new(&crypto, DEVICE_ID, record, static_secret);
    Appliance::new(
        ApplianceConfig::default(),
        crypto,
        identity,
        MemoryStore::new(),
        dispatcher,
    )
}

/// What the link does with a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Delivered after [`LINK_DELAY_MS`].
    Deliver,
    /// Never delivered.
    Lose,
    /// Delivered this many milliseconds later than usual.
    Hold(u64),
}

/// What made a side send a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// The application called the node.
    Application(String),
    /// The side received frame `n`.
    Received(usize),
    /// A timer of the side ran.
    Timer,
}

/// A frame as a script rule sees it when it is sent.
pub struct Candidate<'a> {
    pub from: Side,
    /// The message type name (of the plaintext, for a secured frame).
    pub message: &'static str,
    /// 1 for the first frame of this message type from this side, ...
    pub occurrence: usize,
    pub cause: &'a Cause,
    pub header: &'a Header,
}

/// One rule of a script: which frames it matches and what befalls them.
pub struct Rule {
    /// Said in the file.
    pub says: &'static str,
    pub matches: Box<dyn Fn(&Candidate<'_>) -> bool>,
    pub fate: Fate,
}

impl Rule {
    /// The `nth` frame of `message` from `from` gets `fate`.
    pub fn nth(
        says: &'static str,
        from: Side,
        message: &'static str,
        nth: usize,
        fate: Fate,
    ) -> Rule {
        Rule {
            says,
            matches: Box::new(move |c| {
                c.from == from && c.message == message && c.occurrence == nth
            }),
            fate,
        }
    }
}

/// What the receiver made of a frame: its counters before and after, and
/// what it told its application.
#[derive(Debug, Clone)]
pub enum Observed {
    Appliance {
        before: Rejections,
        after: Rejections,
        toggles: u32,
        toggled: u32,
        events: Vec<Event>,
    },
    Phone {
        before: PhoneStats,
        after: PhoneStats,
        events: Vec<PhoneEvent>,
    },
}

/// One frame put on the link.
pub struct Sent {
    pub at: u64,
    pub from: Side,
    pub bytes: Vec<u8>,
    pub header: Header,
    pub message: &'static str,
    /// The message bytes: a plaintext frame's body, a secured frame's
    /// opened payload.
    pub payload: Vec<u8>,
    pub cause: Cause,
    pub fate: Fate,
    /// The rule that decided the fate.
    pub rule: Option<&'static str>,
    /// When it arrived and what the receiver did.
    pub received: Option<(u64, Observed)>,
}

/// One call into a node: the draws it made and the frames it sent.
pub struct Call {
    pub side: Side,
    pub at: u64,
    pub draws: core::ops::Range<usize>,
    pub frames: Vec<usize>,
}

/// Both nodes, the link and everything recorded.
pub struct World {
    pub now: u64,
    pub appliance: Lamp,
    pub phone: Phone<Crypto, MemoryPhoneStore, u8>,
    pub devices: &'static Devices,
    pub log: Log,
    pub frames: Vec<Sent>,
    pub calls: Vec<Call>,
    pub sessions: Vec<Established>,
    pub phone_events: Vec<PhoneEvent>,
    pub rules: Vec<Rule>,
    air: Vec<(u64, usize)>,
}

fn recorder(label: &str, side: Side, log: &Log) -> Crypto {
    RustCrypto::new(Recorder {
        label: format!("applink/reliability/{label}/{}", side.name()),
        counter: 0,
        side,
        log: log.clone(),
    })
}

impl World {
    /// The lamp with its pairing window open and a phone, at time 0, with
    /// their randomness labelled by `name`.
    pub fn new(name: &str, rules: Vec<Rule>) -> World {
        let log: Log = Rc::default();
        let devices: &'static Devices = Box::leak(Box::new(Devices {
            on: Cell::new(false),
            toggles: Cell::new(0),
            level: LevelState::new(Some(100)),
            identify: IdentifyState::new(),
        }));
        let mut appliance = lamp(devices, recorder(name, Side::Appliance, &log));
        appliance
            .open_pairing_window(Instant::ZERO, Duration::from_secs(600))
            .expect("an unpaired appliance opens its window");
        let mut store = MemoryPhoneStore::default();
        store.set_static_secret(PHONE_STATIC).unwrap();
        let phone = Phone::new(recorder(name, Side::Phone, &log), store).unwrap();
        assert!(
            log.borrow().is_empty(),
            "the phone's key comes from its store"
        );
        World {
            now: 0,
            appliance,
            phone,
            devices,
            log,
            frames: Vec::new(),
            calls: Vec::new(),
            sessions: Vec::new(),
            phone_events: Vec::new(),
            rules,
            air: Vec::new(),
        }
    }

    fn instant(&self) -> Instant {
        Instant::from_millis(self.now)
    }

    /// Runs `f` as one call into `side`, then sends what that side queued.
    fn call(&mut self, side: Side, cause: Cause, f: impl FnOnce(&mut World)) -> Vec<usize> {
        let first_draw = self.log.borrow().len();
        f(self);
        let mut frames = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            let out = match side {
                Side::Phone => self.phone.poll_transmit(&mut buf),
                Side::Appliance => self.appliance.poll_transmit(&mut buf),
            };
            let Some((_, n)) = out else { break };
            frames.push(self.send(side, buf[..n].to_vec(), cause.clone()));
        }
        self.calls.push(Call {
            side,
            at: self.now,
            draws: first_draw..self.log.borrow().len(),
            frames: frames.clone(),
        });
        frames
    }

    /// Puts a frame on the link: opens it, learns keys from handshake
    /// answers, and lets the script decide its fate.
    fn send(&mut self, from: Side, bytes: Vec<u8>, cause: Cause) -> usize {
        let (header, _) = Header::parse(&bytes).expect("a node sends valid frames");
        let payload = if header.is_secured() {
            let key = self.key_for(from, header.session);
            open(&key, from, &bytes).expect("the recorded keys open every frame")
        } else {
            Frame::parse(&bytes).unwrap().body.to_vec()
        };
        let message = Message::from_bytes(&payload).unwrap().name();
        let index = self.frames.len();
        if !header.is_secured() {
            self.learn_keys(from, &payload, index);
        }
        let occurrence = 1 + self
            .frames
            .iter()
            .filter(|f| f.from == from && f.message == message)
            .count();
        let candidate = Candidate {
            from,
            message,
            occurrence,
            cause: &cause,
            header: &header,
        };
        let rule = self.rules.iter().find(|r| (r.matches)(&candidate));
        let (fate, said) = rule.map_or((Fate::Deliver, None), |r| (r.fate, Some(r.says)));
        match fate {
            Fate::Deliver => self.air.push((self.now + LINK_DELAY_MS, index)),
            Fate::Hold(ms) => self.air.push((self.now + LINK_DELAY_MS + ms, index)),
            Fate::Lose => {}
        }
        self.frames.push(Sent {
            at: self.now,
            from,
            bytes,
            header,
            message,
            payload,
            cause,
            fate,
            rule: said,
            received: None,
        });
        index
    }

    fn key_for(&self, from: Side, session: u16) -> [u8; 32] {
        self.sessions
            .iter()
            .rev()
            .find(|s| match from {
                Side::Phone => s.appliance_session == session,
                Side::Appliance => s.phone_session == session,
            })
            .expect("a secured frame on an established session")
            .key(from)
    }

    /// The draws of `side` made in the call that sent frame `index`.
    pub fn draws_for(&self, index: usize, side: Side, len: usize) -> Vec<Vec<u8>> {
        let call = self
            .calls
            .iter()
            .find(|c| c.frames.contains(&index))
            .map(|c| c.draws.clone())
            // The frame being sent belongs to the call still running.
            .unwrap_or_else(|| {
                let start = self.calls.last().map_or(0, |c| c.draws.end);
                start..self.log.borrow().len()
            });
        self.log.borrow()[call]
            .iter()
            .filter(|(s, b)| *s == side && b.len() == len)
            .map(|(_, b)| b.clone())
            .collect()
    }

    fn first(&self, from: Side, message: &str) -> usize {
        self.frames
            .iter()
            .position(|f| f.from == from && f.message == message)
            .unwrap_or_else(|| panic!("no {message} from the {}", from.name()))
    }

    /// Derives a session's keys when the appliance's handshake answer
    /// leaves, from the recorded draws (as a port would).
    fn learn_keys(&mut self, from: Side, payload: &[u8], index: usize) {
        if from != Side::Appliance {
            return;
        }
        match Message::from_bytes(payload).unwrap() {
            Message::PairChallenge(c) if !self.knows(c.session) => {
                let request = self.first(Side::Phone, "PairRequest");
                let Message::PairRequest(r) = self.message(request) else {
                    unreachable!()
                };
                let x = &self.draws_for(request, Side::Phone, 64)[0];
                self.sessions.push(keys::paired(x, &r, &c));
            }
            Message::ResumeReply(q) if !self.knows_reply(&q.ephemeral.0) => {
                // The first transmission of the latest ResumeRequest: the
                // call that sent it drew the ephemeral secret.
                let latest = self
                    .frames
                    .iter()
                    .rposition(|f| f.from == Side::Phone && f.message == "ResumeRequest")
                    .expect("a ResumeRequest");
                let request = self
                    .frames
                    .iter()
                    .position(|f| f.bytes == self.frames[latest].bytes)
                    .unwrap();
                let Message::ResumeRequest(r) = self.message(request) else {
                    unreachable!()
                };
                let pairing = self
                    .sessions
                    .iter()
                    .find(|s| s.by == "pairing")
                    .expect("resumption after a pairing");
                let guard = self
                    .phone
                    .store()
                    .appliance(&DEVICE_ID)
                    .unwrap()
                    .pairing
                    .resume_counter;
                let e_i = &self.draws_for(request, Side::Phone, 32)[0];
                let e_r = &self.draws_for(index, Side::Appliance, 32)[0];
                let session = keys::resumed(e_i, e_r, &pairing.psk, guard, &r, &q);
                self.sessions.push(session);
            }
            _ => {}
        }
    }

    fn message(&self, index: usize) -> Message<'_> {
        Message::from_bytes(&self.frames[index].payload).unwrap()
    }

    fn knows_reply(&self, ephemeral: &[u8; 32]) -> bool {
        self.sessions
            .iter()
            .any(|s| s.reply_ephemeral.as_ref() == Some(ephemeral))
    }

    fn knows(&self, appliance_session: u16) -> bool {
        self.sessions
            .iter()
            .any(|s| s.appliance_session == appliance_session)
    }

    /// Delivers frame `index` to its receiver.
    fn deliver(&mut self, index: usize) {
        let to = match self.frames[index].from {
            Side::Phone => Side::Appliance,
            Side::Appliance => Side::Phone,
        };
        let mut bytes = self.frames[index].bytes.clone();
        let now = self.instant();
        let observed = match to {
            Side::Appliance => {
                let before = self.appliance.rejections();
                let toggles = self.devices.toggles.get();
                let mut events = Vec::new();
                self.call(to, Cause::Received(index), |w| {
                    w.appliance.handle_datagram(PHONE, &mut bytes, now);
                    while let Some(e) = w.appliance.poll_event() {
                        events.push(e);
                    }
                });
                Observed::Appliance {
                    before,
                    after: self.appliance.rejections(),
                    toggles: self.devices.toggles.get(),
                    toggled: self.devices.toggles.get() - toggles,
                    events,
                }
            }
            Side::Phone => {
                let before = self.phone.stats();
                let mut events = Vec::new();
                self.call(to, Cause::Received(index), |w| {
                    w.phone.handle_datagram(APPLIANCE, &mut bytes, now);
                    while let Some(e) = w.phone.poll_event() {
                        events.push(e);
                    }
                });
                self.phone_events.extend(events.iter().cloned());
                Observed::Phone {
                    before,
                    after: self.phone.stats(),
                    events,
                }
            }
        };
        self.frames[index].received = Some((self.now, observed));
    }

    /// One step: move time to the next arrival or timer, deliver what is
    /// due (in order of arrival, then of sending), run due timers.
    fn step(&mut self, until: u64) {
        let next = self
            .air
            .iter()
            .map(|&(due, _)| due)
            .chain(self.appliance.poll_timeout().map(|t| t.millis()))
            .chain(self.phone.poll_timeout().map(|t| t.millis()))
            .min()
            .unwrap_or(until)
            .clamp(self.now, until);
        self.now = next;
        loop {
            self.air.sort();
            match self.air.first() {
                Some(&(due, index)) if due <= self.now => {
                    self.air.remove(0);
                    self.deliver(index);
                }
                _ => break,
            }
        }
        let now = self.instant();
        if self.appliance.poll_timeout().is_some_and(|t| t <= now) {
            self.call(Side::Appliance, Cause::Timer, |w| {
                w.appliance.handle_timeout(now);
                while w.appliance.poll_event().is_some() {}
            });
        }
        if self.phone.poll_timeout().is_some_and(|t| t <= now) {
            let mut events = Vec::new();
            self.call(Side::Phone, Cause::Timer, |w| {
                w.phone.handle_timeout(now);
                while let Some(e) = w.phone.poll_event() {
                    events.push(e);
                }
            });
            self.phone_events.extend(events);
        }
    }

    /// Runs `ms` milliseconds of simulated time.
    pub fn run_for(&mut self, ms: u64) {
        let until = self.now + ms;
        let mut steps = 0;
        while self.now < until {
            self.step(until);
            steps += 1;
            assert!(steps < 100_000, "the simulation stopped making progress");
        }
        self.step(until);
    }

    /// Runs until the phone reports the result of `id` (at most 20 s).
    pub fn run_until_reply(&mut self, id: RequestId) {
        let until = self.now + 20_000;
        while !self
            .phone_events
            .iter()
            .any(|e| matches!(e, PhoneEvent::Reply { id: x, .. } if *x == id))
        {
            assert!(self.now < until, "request {id:?} never settled");
            self.step(until);
        }
    }

    /// Runs until the phone has a session.
    pub fn run_until_connected(&mut self) {
        let until = self.now + 20_000;
        while !self.phone.is_connected() {
            assert!(self.now < until, "no session: {:?}", self.phone_events);
            self.step(until);
        }
    }

    /// The application on the phone calls `f` (described by `action`).
    pub fn phone_does<R>(
        &mut self,
        action: &str,
        f: impl FnOnce(&mut Phone<Crypto, MemoryPhoneStore, u8>, Instant) -> R,
    ) -> R {
        let now = self.instant();
        let mut out = None;
        self.call(Side::Phone, Cause::Application(action.into()), |w| {
            out = Some(f(&mut w.phone, now));
            while let Some(e) = w.phone.poll_event() {
                w.phone_events.push(e);
            }
        });
        out.unwrap()
    }

    /// The firmware on the appliance calls `f` (described by `action`).
    pub fn appliance_does(&mut self, action: &str, f: impl FnOnce(&mut Lamp, Instant)) {
        let now = self.instant();
        self.call(Side::Appliance, Cause::Application(action.into()), |w| {
            f(&mut w.appliance, now)
        });
    }

    /// Sends a request from the phone's application.
    pub fn request(&mut self, action: &str, message: &Message<'_>) -> RequestId {
        self.phone_does(action, |p, now| p.request(message, now).unwrap())
    }

    /// Starts pairing with the setup code's secret.
    pub fn start_pairing(&mut self) {
        self.phone_does(
            "pair_with_secret (setup code 31415926, device id APPLNK01)",
            |p, now| {
                // The secret's scalar type is the phone's provider's; deriving
                // it draws nothing.
                let scratch = recorder("unused", Side::Phone, &Log::default());
                let secret = ProverSecret::from_pbkdf_output(&scratch, &w0s_w1s()).unwrap();
                p.pair_with_secret(APPLIANCE, secret, DEVICE_ID, now)
                    .unwrap();
            },
        );
    }

    /// Pairs over a clean link; the phone's own Ping confirms PairFinish.
    pub fn pair(&mut self) {
        self.start_pairing();
        self.run_until_connected();
        // Until the Pong: the phone keeps PairFinish until it hears back.
        self.run_for(100);
        assert!(
            self.phone_events
                .iter()
                .any(|e| matches!(e, PhoneEvent::Paired { .. }))
        );
    }
}
