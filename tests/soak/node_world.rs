//! The node soak: a `Phone` and a lamp-and-door-sensor `Appliance`, paired
//! with SPAKE2+ over the same lossy, duplicating, reordering, stalling
//! BLE-sized link as the channel soak, exchanging requests, replies,
//! reports and events with the node's reliable delivery, on simulated time.

use core::cell::Cell;
use core::time::Duration as WallDuration;
use std::collections::HashMap;
use std::time::Instant as WallInstant;

use applink::catalog::{contact_sensing, device_types, identify, level_control, on_off};
use applink::crypto::RustCrypto;
use applink::crypto::spake2plus::ProverSecret;
use applink::descriptor::{DeviceInfo, DeviceTypeRef};
use applink::interaction::clients::{self, LevelControl, OnOff};
use applink::interaction::{Dispatcher, EndpointEntry, EventCounter, Instance, RamSequenceStore};
use applink::message::{EndpointId, Field, Message, Status, Subscribe, Value};
use applink::node::store::MemoryPhoneStore;
use applink::node::{
    Appliance, ApplianceConfig, Node, NodeError, Phone, PhoneEvent, Reply, RequestId,
};
use applink::session::pairing::ApplianceIdentity;
use applink::session::store::MemoryStore;
use applink::time::{Duration, Instant};
use applink::wire::Reassembler;

use super::appliance::{Contact, Identify, Lamp, Level, OnOff as OnOffHandler};
use super::link::{
    CAPACITY, Faults, Link, MAX_FRAME, Meta, REASSEMBLY_TIMEOUT, Rng, SLOTS, reassemble,
};
use super::report::{METRICS, growth_check};
use super::session::Seeded;
pub use super::world::Stop;

/// The same faults as the channel soak: 5 % of frames lost and 5 %
/// duplicated each way, 0.5 % of segments lost, 5..80 ms of delay and
/// 0.5 % of frames stalled for 0.4..1.5 s.
pub const FAULTS: Faults = Faults {
    loss: 50,
    duplicate: 50,
    segment_loss: 5,
    delay_ms: (5, 80),
    stall: 5,
    stall_ms: (400, 1500),
};
const PHONE: u8 = 0;
const APPLIANCE: u8 = 1;
const LAMP: EndpointId = EndpointId(1);
const SENSOR: EndpointId = EndpointId(2);
const LAMP_TYPES: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
const SENSOR_TYPES: [DeviceTypeRef; 1] = [device_types::CONTACT_SENSOR.reference()];
const DEVICE: [u8; 8] = *b"SOAKLAMP";
/// The Argon2id output of the setup code, precomputed.
const PBKDF: [u8; 80] = [0x5A; 80];
/// Requests the test keeps outstanding.
const WINDOW: usize = 8;
const FLIP_EVERY: Duration = Duration::from_millis(250);
const SAMPLE_EVERY: Duration = Duration::from_millis(10);
const WARM_UP: Duration = Duration::from_secs(2);
/// Simulated time after the last request, so every retransmission settles.
const DRAIN: Duration = Duration::from_secs(15);

type P = RustCrypto<Seeded>;
type Lampd<'a> = Appliance<'a, P, MemoryStore<4>, RamSequenceStore, u8, 2, 4, 512, 256>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Toggle,
    Identify,
    MoveToLevel,
    Write,
    Read,
    Subscribe(usize),
}

/// What a node soak run did.
#[derive(Debug, Default)]
pub struct NodeSummary {
    pub sim_ms: u64,
    pub wall: WallDuration,
    pub links: [super::link::Stats; 2],
    pub requests: u64,
    pub invokes: u64,
    pub writes: u64,
    pub reads: u64,
    pub replied: u64,
    pub timed_out: u64,
    pub retransmissions: u64,
    pub duplicates_answered: u64,
    pub reports: u64,
    pub events_emitted: u64,
    pub events: u64,
    pub events_missed: u64,
    pub unsolicited_dropped: u64,
    pub acks: u64,
    pub reassembly_rejects: u64,
    /// Sessions that ended (lifetime) and were resumed.
    pub sessions: u64,
    /// Requests ended by their session's end before a reply.
    pub ended_with_session: u64,
    pub memory: super::report::Memory,
}

impl core::fmt::Display for NodeSummary {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        writeln!(f, "== applink node soak summary ==")?;
        writeln!(
            f,
            "simulated time   {:.1} s in {:.1} s of wall-clock time",
            self.sim_ms as f64 / 1000.0,
            self.wall.as_secs_f64()
        )?;
        for (name, l) in [
            ("phone->appliance", &self.links[0]),
            ("appliance->phone", &self.links[1]),
        ] {
            writeln!(
                f,
                "frames {name}  sent {}, lost {}, duplicated {}, reordered {} ({} stalled)",
                l.frames, l.lost, l.duplicated, l.reordered, l.stalled
            )?;
        }
        writeln!(
            f,
            "requests         {} ({} invokes, {} writes, {} reads): {} replied, {} timed out; \
             {} retransmissions, {} answered from the reply cache",
            self.requests,
            self.invokes,
            self.writes,
            self.reads,
            self.replied,
            self.timed_out,
            self.retransmissions,
            self.duplicates_answered
        )?;
        writeln!(
            f,
            "unsolicited      {} reports received; events {} emitted, {} received, {} counted \
             missed (gaps, or an event that came after a later one); {} given up; {} acks sent; \
             {} segments refused by reassembly",
            self.reports,
            self.events_emitted,
            self.events,
            self.events_missed,
            self.unsolicited_dropped,
            self.acks,
            self.reassembly_rejects
        )?;
        writeln!(
            f,
            "sessions         {} resumed after reaching their lifetime; {} requests ended with \
             their session",
            self.sessions, self.ended_with_session
        )?;
        let m = &self.memory;
        writeln!(f, "memory           {} samples", m.samples)?;
        for (k, name) in NODE_METRIC_NAMES.iter().enumerate() {
            writeln!(
                f,
                "  {:<34} {:>4} | {:>3} / {:>3} / {:>3} | {:>6.3} / {:>6.3}",
                name, m.bound[k], m.first[k], m.last[k], m.max[k], m.first_mean[k], m.last_mean[k]
            )?;
        }
        Ok(())
    }
}

/// The sampled sizes, in order.
pub const NODE_METRIC_NAMES: [&str; METRICS] = [
    "phone requests in flight",
    "phone requests waiting",
    "appliance reports unacknowledged",
    "phone reassembly slots",
    "appliance reassembly slots",
    "link phone->appliance in flight",
    "link appliance->phone in flight",
];

struct End {
    rx: Reassembler<SLOTS, MAX_FRAME>,
    rejects: u64,
}

struct World<'a> {
    now: Instant,
    rng: Rng,
    p2a: Link,
    a2p: Link,
    phone: Phone<P, MemoryPhoneStore, u8>,
    lamp: Lampd<'a>,
    phone_end: End,
    lamp_end: End,
    state: &'a Lamp,
    contact: &'a Cell<bool>,
    next_flip: Instant,
    issuing: bool,
    outstanding: HashMap<RequestId, Op>,
    results: Vec<(Op, Result<Reply, NodeError>)>,
    held: [Option<u16>; 2],
    subscribing: [bool; 2],
    s: NodeSummary,
    events_seen: Vec<u64>,
    samples: Vec<[usize; METRICS]>,
}

enum Req {
    Invoke(clients::InvokeRequest),
    Write(clients::WriteRequest),
    Other(Message<'static>),
}

fn subscription(k: usize) -> Subscribe<'static> {
    match k {
        0 => Subscribe {
            min_interval_ms: 100,
            min_change: 10,
            ..Subscribe::endpoint(LAMP, 1000)
        },
        _ => Subscribe {
            capability: Some(contact_sensing::ID),
            events: true,
            ..Subscribe::endpoint(SENSOR, 2000)
        },
    }
}

impl World<'_> {
    fn carry(link: &mut Link, end: &mut End, now: Instant) -> Vec<Vec<u8>> {
        let mut frames = Vec::new();
        for (segments, _) in link.deliver(now) {
            if let Some(f) = reassemble(&mut end.rx, &segments, now, &mut end.rejects) {
                frames.push(f);
            }
        }
        end.rx.remove_expired(now);
        frames
    }

    fn flush(&mut self) {
        let mut buf = [0u8; 1024];
        while let Some((to, n)) = self.phone.poll_transmit(&mut buf) {
            assert_eq!(to, APPLIANCE);
            assert!(n <= MAX_FRAME, "the phone kept the negotiated frame size");
            self.p2a
                .send(&buf[..n], Meta { counter: 0 }, self.now, &mut self.rng);
        }
        while let Some((to, n)) = self.lamp.poll_transmit(&mut buf) {
            assert_eq!(to, PHONE);
            assert!(
                n <= MAX_FRAME,
                "the appliance kept the negotiated frame size"
            );
            self.a2p
                .send(&buf[..n], Meta { counter: 0 }, self.now, &mut self.rng);
        }
    }

    fn step(&mut self) {
        let now = self.now;
        for mut f in Self::carry(&mut self.p2a, &mut self.lamp_end, now) {
            self.lamp.handle_datagram(PHONE, &mut f, now);
            self.flush();
        }
        for mut f in Self::carry(&mut self.a2p, &mut self.phone_end, now) {
            self.phone.handle_datagram(APPLIANCE, &mut f, now);
            self.flush();
        }
        if now >= self.next_flip {
            let closed = !self.contact.get();
            self.contact.set(closed);
            let d = self.lamp.dispatcher();
            d.attribute_changed(SENSOR, contact_sensing::ID, contact_sensing::STATE, now)
                .unwrap();
            let fields = [Field::new(0, Value::Bool(closed))];
            d.emit_event(
                SENSOR,
                contact_sensing::ID,
                contact_sensing::CHANGED,
                &fields,
                None,
            )
            .unwrap();
            self.s.events_emitted += 1;
            self.next_flip = self.next_flip + FLIP_EVERY;
            self.lamp.handle_timeout(now);
        }
        if self.lamp.poll_timeout().is_some_and(|t| t <= now) {
            self.lamp.handle_timeout(now);
        }
        if self.phone.poll_timeout().is_some_and(|t| t <= now) {
            self.phone.handle_timeout(now);
        }
        self.flush();
        self.events();
        while self.issuing && self.outstanding.len() < WINDOW {
            self.issue();
        }
        self.flush();
    }

    fn events(&mut self) {
        while let Some(e) = self.phone.poll_event() {
            match e {
                PhoneEvent::Reply { id, result } => {
                    let op = self.outstanding.remove(&id).expect("a reply to a request");
                    if let (Op::Subscribe(k), Ok(Reply::Subscribed { subscription, .. })) =
                        (op, &result)
                    {
                        self.held[k] = Some(*subscription);
                    }
                    if let Op::Subscribe(k) = op {
                        self.subscribing[k] = false;
                    }
                    self.results.push((op, result));
                }
                PhoneEvent::Report { .. } => self.s.reports += 1,
                PhoneEvent::PairingAdded { .. } => {}
                PhoneEvent::Event { event, missed } => {
                    self.s.events += 1;
                    self.s.events_missed += missed;
                    self.events_seen.push(event.sequence);
                }
                PhoneEvent::SessionEnded(_) => {
                    // The session reached its lifetime (24 h of simulated
                    // time): the phone resumes and subscribes again.
                    self.s.sessions += 1;
                    self.held = [None; 2];
                    self.phone
                        .resume(APPLIANCE, DEVICE, self.now)
                        .expect("resume");
                }
                PhoneEvent::HandshakeFailed(e) => panic!("a handshake failed: {e:?}"),
                PhoneEvent::Paired { .. } | PhoneEvent::Resumed { .. } | PhoneEvent::Hello(_) => {}
            }
        }
    }

    fn issue(&mut self) {
        let now = self.now;
        let (op, request) =
            if let Some(k) = (0..2).find(|&k| self.held[k].is_none() && !self.subscribing[k]) {
                self.subscribing[k] = true;
                (
                    Op::Subscribe(k),
                    Req::Other(Message::Subscribe(subscription(k))),
                )
            } else {
                let level = self.rng.range(1, 254) as u8;
                match self.rng.range(0, 99) {
                    0..30 => (Op::Toggle, Req::Invoke(OnOff::new(LAMP).toggle())),
                    30..50 => {
                        let seconds = Field::new(0, Value::U16(self.rng.range(0, 3600) as u16));
                        let i = clients::invoke(
                            LAMP,
                            &identify::CAPABILITY,
                            identify::identify::ID,
                            &[seconds],
                            None,
                        );
                        (Op::Identify, Req::Invoke(i.unwrap()))
                    }
                    50..70 => {
                        let i = LevelControl::new(LAMP).move_to_level(level, Some(0.5));
                        (Op::MoveToLevel, Req::Invoke(i.unwrap()))
                    }
                    70..90 => {
                        let w = clients::write(
                            LAMP,
                            &level_control::CAPABILITY,
                            level_control::ON_LEVEL,
                            Value::U8(level),
                        );
                        (Op::Write, Req::Write(w.unwrap()))
                    }
                    _ => (
                        Op::Read,
                        Req::Other(Message::Read(OnOff::new(LAMP).read_on())),
                    ),
                }
            };
        let id = match &request {
            Req::Invoke(i) => self.phone.request(&i.message(), now),
            Req::Write(w) => self.phone.request(&w.message(), now),
            Req::Other(m) => self.phone.request(m, now),
        };
        self.outstanding.insert(id.expect("a request"), op);
    }

    fn sample(&mut self) {
        let (pending, waiting) = self.phone.requests();
        self.samples.push([
            pending,
            waiting,
            self.lamp.unacknowledged(),
            self.phone_end.rx.in_progress(),
            self.lamp_end.rx.in_progress(),
            self.p2a.in_flight(),
            self.a2p.in_flight(),
        ]);
    }
}

/// Runs the node soak and checks everything; the numbers for the record.
pub fn run(seed: u64, stop: Stop) -> NodeSummary {
    let wall = WallInstant::now();
    let state = Lamp::new();
    let contact = Cell::new(false);
    let mut ident = Identify(&state);
    let mut switch = OnOffHandler(&state);
    let mut level = Level(&state);
    let mut door = Contact(&contact);
    let mut lamp_caps = [
        Instance::new(&identify::CAPABILITY, &mut ident),
        Instance::new(&on_off::CAPABILITY, &mut switch),
        Instance::new(&level_control::CAPABILITY, &mut level).with_all_optional(),
    ];
    let mut sensor_caps = [Instance::new(&contact_sensing::CAPABILITY, &mut door)];
    let mut endpoints = [
        EndpointEntry::new(LAMP.0, &LAMP_TYPES, &mut lamp_caps),
        EndpointEntry::new(SENSOR.0, &SENSOR_TYPES, &mut sensor_caps),
    ];
    let info = DeviceInfo::new(0xFFF1, 0x50AC);
    let counter = EventCounter::new(RamSequenceStore::default(), 8);
    let dispatcher = Dispatcher::new(info, &mut endpoints, counter, 1).expect("a valid device");
    let p = RustCrypto::new(Seeded(Rng::new(seed ^ 0x02)));
    let secret = ProverSecret::from_pbkdf_output(&p, &PBKDF).unwrap();
    let identity = ApplianceIdentity::new(
        &p,
        DEVICE,
        secret.verifier_record(&p),
        applink::crypto::CryptoProvider::x25519_import(&p, &[0x77; 32]),
    );
    // Frames fit the link's reassembly buffers.
    let config = ApplianceConfig {
        max_frame: MAX_FRAME as u16,
        ..ApplianceConfig::default()
    };
    let mut lamp: Lampd<'_> = Appliance::new(config, p, identity, MemoryStore::new(), dispatcher);
    let start = Instant::from_secs(1);
    lamp.open_pairing_window(start, Duration::from_secs(300))
        .expect("an unpaired appliance opens its window");
    let q = RustCrypto::new(Seeded(Rng::new(seed ^ 0x01)));
    let secret = ProverSecret::from_pbkdf_output(&q, &PBKDF).unwrap();
    let mut phone = Phone::new(q, MemoryPhoneStore::default()).unwrap();
    phone
        .pair_with_secret(APPLIANCE, secret, DEVICE, start)
        .unwrap();
    let end = || End {
        rx: Reassembler::new(REASSEMBLY_TIMEOUT),
        rejects: 0,
    };
    let mut w = World {
        now: start,
        rng: Rng::new(seed),
        p2a: Link::new(FAULTS),
        a2p: Link::new(FAULTS),
        phone,
        lamp,
        phone_end: end(),
        lamp_end: end(),
        state: &state,
        contact: &contact,
        next_flip: start,
        issuing: true,
        outstanding: HashMap::new(),
        results: Vec::new(),
        held: [None; 2],
        subscribing: [false; 2],
        s: NodeSummary::default(),
        events_seen: Vec::new(),
        samples: Vec::new(),
    };
    let sampling_from = start + WARM_UP;
    let mut steps = 0u64;
    loop {
        w.step();
        steps += 1;
        if w.now >= sampling_from && w.now.millis().is_multiple_of(SAMPLE_EVERY.millis()) {
            w.sample();
        }
        let done = match stop {
            Stop::Simulated(ms) => w.now.millis() - start.millis() >= ms,
            Stop::WallClock(d) => steps.is_multiple_of(1000) && wall.elapsed() >= d,
        };
        if done {
            break;
        }
        w.now = w.now + Duration::from_millis(1);
    }
    w.issuing = false;
    let drain_end = w.now + DRAIN;
    while w.now < drain_end {
        w.now = w.now + Duration::from_millis(1);
        w.step();
    }
    w.s.sim_ms = w.now.millis() - start.millis();
    w.s.wall = wall.elapsed();
    check(&mut w);
    w.s
}

fn check(w: &mut World<'_>) {
    assert!(
        w.outstanding.is_empty(),
        "every request settled: {:?}",
        w.outstanding
    );
    let s = &mut w.s;
    let mut ran = [0u64; 3];
    // Requests ended with their session may or may not have run.
    let mut maybe = 0u64;
    let mut maybe_toggles = 0u64;
    for (op, result) in &w.results {
        s.requests += 1;
        match op {
            Op::Toggle | Op::Identify | Op::MoveToLevel => s.invokes += 1,
            Op::Write => s.writes += 1,
            Op::Read => s.reads += 1,
            Op::Subscribe(_) => {}
        }
        match result {
            Ok(reply) => {
                s.replied += 1;
                match (op, reply) {
                    (Op::Toggle | Op::Identify | Op::MoveToLevel, Reply::Invoked(i)) => {
                        assert_eq!(i.status, Status::SUCCESS);
                        ran[0] += 1;
                        if *op == Op::Toggle {
                            ran[2] += 1;
                        }
                    }
                    (Op::Write, Reply::Written { .. }) => ran[1] += 1,
                    (Op::Read, Reply::Values(_)) | (Op::Subscribe(_), Reply::Subscribed { .. }) => {
                    }
                    (op, other) => panic!("{op:?} answered with {other:?}"),
                }
            }
            Err(NodeError::Unreachable { .. }) => s.timed_out += 1,
            Err(NodeError::SessionEnded) => {
                s.ended_with_session += 1;
                if matches!(op, Op::Toggle | Op::Identify | Op::MoveToLevel | Op::Write) {
                    maybe += 1;
                }
                if *op == Op::Toggle {
                    maybe_toggles += 1;
                }
            }
            Err(e) => panic!("{op:?} failed: {e:?}"),
        }
    }
    // Every request was answered, and every command and write ran exactly
    // once: the handlers count what ran.
    assert_eq!(s.timed_out, 0, "requests timed out at 5 % loss");
    let ran_all = w.state.commands.get() + w.state.writes.get();
    assert!(
        (ran[0] + ran[1]..=ran[0] + ran[1] + maybe).contains(&ran_all),
        "every answered command and write ran exactly once"
    );
    assert!(w.state.commands.get() >= ran[0] && w.state.writes.get() >= ran[1]);
    assert!((ran[2]..=ran[2] + maybe_toggles).contains(&w.state.toggles.get()));
    assert_eq!(w.state.on.get(), w.state.toggles.get() % 2 == 1);
    if maybe == 0 {
        assert_eq!(
            w.state.commands.get(),
            ran[0],
            "every command ran exactly once"
        );
        assert_eq!(w.state.writes.get(), ran[1], "every write ran exactly once");
    }
    assert!(w.phone.is_connected(), "the session stayed up");
    assert_eq!(w.lamp.sessions().count(), 1);
    // Events: each one received once, in order; gaps are counted.
    assert!(
        w.events_seen.windows(2).all(|p| p[0] < p[1]),
        "each event once, in order"
    );
    if let (Some(first), Some(last)) = (w.events_seen.first(), w.events_seen.last()) {
        assert_eq!(
            s.events + s.events_missed,
            last - first + 1,
            "every gap counted"
        );
    }
    let r = w.lamp.rejections();
    s.duplicates_answered = u64::from(r.duplicates);
    s.unsolicited_dropped = u64::from(r.unsolicited_dropped);
    let st = w.phone.stats();
    s.retransmissions = u64::from(st.retransmissions);
    s.acks = u64::from(st.acks);
    s.reassembly_rejects = w.phone_end.rejects + w.lamp_end.rejects;
    s.links = [w.p2a.stats, w.a2p.stats];
    for link in &s.links {
        assert_eq!(link.overflow, 0, "a link buffer overflowed");
    }
    let bounds = [
        WINDOW,
        WINDOW,
        applink::node::appliance::UNSOLICITED,
        SLOTS,
        SLOTS,
        CAPACITY,
        CAPACITY,
    ];
    s.memory = growth_check(&w.samples, &bounds);
}
