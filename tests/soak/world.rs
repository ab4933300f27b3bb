//! The soak world: pairing, the two sides, the links between them, the
//! oracle that watches every frame, and the checks.

use core::cell::Cell;
use core::time::Duration as WallDuration;
use std::collections::{HashMap, HashSet};
use std::time::Instant as WallInstant;

use applink::catalog::{contact_sensing, device_types, identify, level_control, on_off};
use applink::descriptor::{DeviceInfo, DeviceTypeRef};
use applink::interaction::clients::{self, LevelControl, OnOff};
use applink::interaction::controller::{Controller, Notice, Outcome};
use applink::interaction::{
    Dispatcher, EndpointEntry, EventCounter, Instance, InteractionError, Peer, RamSequenceStore,
};
use applink::message::{
    EndpointId, Field, Message, Seq, Status, Subscribe, Unsubscribe, Value, VendorId,
};
use applink::time::{Duration, Instant};
use applink::wire::{Flags, frame, header};

use super::appliance::{Contact, Identify, Lamp, Level, OnOff as OnOffHandler};
use super::link::{CAPACITY, Faults, Link, MAX_FRAME, Rng, SLOTS};
pub use super::report::Summary;
use super::report::{METRICS, growth_check};
use super::session::{End, Kind, pair};

/// When the run stops issuing requests.
pub enum Stop {
    /// After this many simulated milliseconds.
    Simulated(u64),
    /// After this much wall-clock time.
    WallClock(WallDuration),
}

/// Requests the phone keeps in flight at most.
const WINDOW: usize = 8;
/// How long the phone waits for a reply before giving up.
const REQUEST_TIMEOUT: Duration = Duration::from_millis(500);
/// An exchange id is reused only this long after its last request started,
/// so no frame of the old request can still be on the link.
const REUSE_GUARD: Duration = Duration::from_secs(2);
/// How often the queue and table sizes are sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(10);
/// Time for the phone to subscribe and fill its window before sampling.
const WARM_UP: Duration = Duration::from_secs(2);
/// How often the door sensor changes.
const FLIP_EVERY: Duration = Duration::from_millis(250);
/// Slack on a subscription's max interval before the phone calls it lapsed.
const LAPSE_GRACE: Duration = Duration::from_millis(1000);
/// Longest silence a subscription may show over the whole run.
const MAX_REPORT_GAP: Duration = Duration::from_secs(10);
/// Simulated time without new requests at the end, so every request settles.
const DRAIN: Duration = Duration::from_secs(3);
/// Both directions: 5% of frames lost, 5% duplicated, 0.5% of segments
/// lost, delays of 5..80 ms (so frames overtake each other), and 0.5% of
/// frames stalled for 0.4..1.5 s (so replies come after their request timed
/// out and frames fall behind the replay window).
const FAULTS: Faults = Faults {
    loss: 50,
    duplicate: 50,
    segment_loss: 5,
    delay_ms: (5, 80),
    stall: 5,
    stall_ms: (400, 1500),
};
const LAMP: EndpointId = EndpointId(1);
const SENSOR: EndpointId = EndpointId(2);
const LAMP_TYPES: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
const SENSOR_TYPES: [DeviceTypeRef; 1] = [device_types::CONTACT_SENSOR.reference()];
/// The largest payload a frame carries: less the longest header and the tag.
const PAYLOAD: usize = MAX_FRAME - header::MAX_LEN - frame::TAG_LEN;

type Appliance<'a> = Dispatcher<'a, RamSequenceStore, 4, 512>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Toggle,
    Identify,
    MoveToLevel,
    Write,
    Read,
    Subscribe(usize),
    Unsubscribe(u16),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Pending,
    Replied,
    TimedOut,
}

/// The oracle's record of one request.
#[derive(Debug)]
struct Request {
    op: Op,
    started: Instant,
    fate: Fate,
    replies: u32,
    late_replies: u32,
    executions: u32,
}

/// The two subscriptions the phone holds: the lamp (changes at most every
/// 100 ms, at least every second, level changes of 10 or more) and the
/// door sensor with its events (at least every 2 s).
fn subscription(k: usize) -> Subscribe<'static> {
    match k {
        0 => Subscribe {
            endpoint: LAMP,
            capability: None,
            attributes: Seq::empty(),
            min_interval_ms: 100,
            max_interval_ms: 1000,
            min_change: 10,
            events: false,
        },
        _ => Subscribe {
            endpoint: SENSOR,
            capability: Some(contact_sensing::ID),
            attributes: Seq::empty(),
            min_interval_ms: 0,
            max_interval_ms: 2000,
            min_change: 0,
            events: true,
        },
    }
}

/// Everything in the simulation.
struct World<'a> {
    now: Instant,
    rng: Rng,
    p2a: Link,
    a2p: Link,
    phone: End,
    appl: End,
    controller: Controller,
    dispatcher: Appliance<'a>,
    peer: Peer,
    lamp: &'a Lamp,
    contact: &'a Cell<bool>,
    next_flip: Instant,
    reports_due: bool,
    sampling_from: Instant,
    report_deadline: Option<Instant>,
    next_issue: Instant,
    issuing: bool,
    /// Requests pending in the controller: exchange -> request.
    outstanding: HashMap<u16, usize>,
    /// The oracle: the latest request started on each exchange id.
    serial_of: HashMap<u16, usize>,
    requests: Vec<Request>,
    held: [Option<u16>; 2],
    subscribing: [bool; 2],
    unsubscribing: HashSet<u16>,
    lapsed: HashSet<u16>,
    last_report: HashMap<u16, Instant>,
    s: Summary,
    events_accepted: Vec<u64>,
    samples: Vec<[usize; METRICS]>,
}

impl World<'_> {
    fn step(&mut self) {
        self.appliance_step();
        self.phone_step();
        // Sizes are sampled while requests flow at full rate: after the
        // warm-up (subscribing, filling the window), before the drain.
        if self.issuing
            && self.now >= self.sampling_from
            && self.now.millis().is_multiple_of(SAMPLE_EVERY.millis())
        {
            self.sample();
        }
    }

    fn appliance_step(&mut self) {
        let now = self.now;
        for (segments, meta) in self.p2a.deliver(now) {
            let Some((exchange, body)) =
                self.appl
                    .receive(&mut self.phone.sent, &segments, meta, now)
            else {
                continue;
            };
            let message = Message::from_bytes(&body).expect("a phone request");
            let before = self.lamp.commands.get() + self.lamp.writes.get();
            let mut replies = Vec::new();
            let mut buf = [0u8; PAYLOAD];
            self.dispatcher
                .handle(&message, self.peer, now, &mut buf, &mut |m| {
                    replies.push(m.to_vec())
                })
                .expect("every request is answered");
            let ran = self.lamp.commands.get() + self.lamp.writes.get() - before;
            if ran > 0 {
                let r = &mut self.requests[self.serial_of[&exchange]];
                r.executions += ran as u32;
                assert!(r.executions <= 1, "{r:?} ran twice");
            }
            self.reports_due = true;
            for reply in replies {
                let kind = Kind::Reply;
                self.appl.transmit(
                    &mut self.a2p,
                    &mut self.rng,
                    now,
                    exchange,
                    Flags::EMPTY,
                    &reply,
                    kind,
                );
            }
        }
        self.appl.rx.remove_expired(now);
        if now >= self.next_flip {
            // The door opens or closes: the firmware tells the dispatcher.
            let closed = !self.contact.get();
            self.contact.set(closed);
            self.dispatcher
                .attribute_changed(SENSOR, contact_sensing::ID, contact_sensing::STATE, now)
                .unwrap();
            let fields = [Field::new(0, Value::Bool(closed))];
            self.dispatcher
                .emit_event(
                    SENSOR,
                    contact_sensing::ID,
                    contact_sensing::CHANGED,
                    &fields,
                    None,
                )
                .unwrap();
            self.s.events_emitted += 1;
            self.next_flip = self.next_flip + FLIP_EVERY;
            self.reports_due = true;
        }
        // The subscription engine is polled after every request and change,
        // and when its own deadline comes.
        if self.reports_due || self.report_deadline.is_some_and(|t| now >= t) {
            self.reports_due = false;
            self.poll_reports();
            self.report_deadline = self.dispatcher.poll_timeout();
        }
        assert!(
            !self.appl.channel.handle_timeout(now),
            "appliance idled out"
        );
    }

    fn poll_reports(&mut self) {
        let now = self.now;
        self.dispatcher.handle_timeout(now);
        let mut buf = [0u8; PAYLOAD];
        while let Some(out) = self.dispatcher.poll_report(&mut buf).expect("reports fit") {
            assert_eq!(out.session, self.peer.session);
            let kind = match Message::from_bytes(&buf[..out.len]) {
                Ok(Message::Report(_)) => Kind::Report,
                Ok(Message::Event(_)) => Kind::Event,
                other => panic!("the subscription engine produced {other:?}"),
            };
            self.appl.transmit(
                &mut self.a2p,
                &mut self.rng,
                now,
                0,
                Flags::EMPTY,
                &buf[..out.len],
                kind,
            );
        }
    }

    fn phone_step(&mut self) {
        let now = self.now;
        for (segments, meta) in self.a2p.deliver(now) {
            let Some((exchange, body)) =
                self.phone
                    .receive(&mut self.appl.sent, &segments, meta, now)
            else {
                continue;
            };
            let message = Message::from_bytes(&body).expect("an appliance message");
            match message {
                Message::Report(_) | Message::Event(_) => self.unsolicited(&message),
                _ => self.reply(exchange, &message),
            }
        }
        self.phone.rx.remove_expired(now);
        let overdue: Vec<u16> = self
            .outstanding
            .iter()
            .filter(|(_, s)| self.requests[**s].started + REQUEST_TIMEOUT <= now)
            .map(|(x, _)| *x)
            .collect();
        for x in overdue {
            assert!(
                self.controller.cancel(x),
                "an outstanding request is pending"
            );
            let s = self.outstanding.remove(&x).unwrap();
            let r = &mut self.requests[s];
            r.fate = Fate::TimedOut;
            match r.op {
                Op::Subscribe(k) => self.subscribing[k] = false,
                Op::Unsubscribe(id) => {
                    self.unsubscribing.remove(&id);
                }
                _ => {}
            }
        }
        for id in self.controller.lapsed(now, LAPSE_GRACE) {
            if self.lapsed.insert(id) {
                self.s.report_gaps += 1;
            }
        }
        while self.issuing && self.outstanding.len() < WINDOW && now >= self.next_issue {
            self.issue();
            self.next_issue = now + Duration::from_millis(self.rng.range(0, 4));
        }
        assert!(!self.phone.channel.handle_timeout(now), "phone idled out");
    }

    /// Starts the next request: a missing subscription first, else a
    /// random command, write or read through the typed clients.
    fn issue(&mut self) {
        if let Some(k) = (0..2).find(|&k| self.held[k].is_none() && !self.subscribing[k]) {
            self.subscribing[k] = true;
            return self.send(Op::Subscribe(k), &Message::Subscribe(subscription(k)));
        }
        let roll = self.rng.range(0, 99);
        let level = self.rng.range(1, 254) as u8;
        let (op, invoke, write) = match roll {
            0..30 => (Op::Toggle, Some(OnOff::new(LAMP).toggle()), None),
            30..50 => {
                let seconds = Field::new(0, Value::U16(self.rng.range(0, 3600) as u16));
                let i = clients::invoke(
                    LAMP,
                    &identify::CAPABILITY,
                    identify::identify::ID,
                    &[seconds],
                    None,
                );
                (Op::Identify, Some(i.unwrap()), None)
            }
            50..70 => {
                let i = LevelControl::new(LAMP).move_to_level(level, Some(0.5));
                (Op::MoveToLevel, Some(i.unwrap()), None)
            }
            70..90 => {
                let w = clients::write(
                    LAMP,
                    &level_control::CAPABILITY,
                    level_control::ON_LEVEL,
                    Value::U8(level),
                );
                (Op::Write, None, Some(w.unwrap()))
            }
            _ => (Op::Read, None, None),
        };
        match (invoke, write) {
            (Some(i), _) => self.send(op, &i.message()),
            (_, Some(w)) => self.send(op, &w.message()),
            _ => self.send(op, &Message::Read(OnOff::new(LAMP).read_on())),
        }
    }

    fn send(&mut self, op: Op, message: &Message<'_>) {
        let now = self.now;
        let exchange = self.controller.start(message).expect("a request");
        let serial = self.requests.len();
        if let Some(&old) = self.serial_of.get(&exchange) {
            let old = &self.requests[old];
            assert!(
                old.fate != Fate::Pending && old.started + REUSE_GUARD <= now,
                "exchange {exchange} reused too soon: {old:?}"
            );
        }
        self.serial_of.insert(exchange, serial);
        self.outstanding.insert(exchange, serial);
        self.requests.push(Request {
            op,
            started: now,
            fate: Fate::Pending,
            replies: 0,
            late_replies: 0,
            executions: 0,
        });
        let mut buf = [0u8; PAYLOAD];
        let payload = message.to_slice(&mut buf).expect("a request fits");
        self.phone.transmit(
            &mut self.p2a,
            &mut self.rng,
            now,
            exchange,
            Flags::INITIATOR,
            payload,
            Kind::Request,
        );
    }

    fn reply(&mut self, exchange: u16, message: &Message<'_>) {
        match self.controller.handle_reply(exchange, message, self.now) {
            Ok(outcome) => {
                let s = self
                    .outstanding
                    .remove(&exchange)
                    .expect("matched => outstanding");
                let r = &mut self.requests[s];
                r.replies += 1;
                r.fate = Fate::Replied;
                match (r.op, outcome) {
                    (
                        Op::Toggle | Op::Identify | Op::MoveToLevel,
                        Outcome::Invoked { status, .. },
                    ) => assert_eq!(status, Status::SUCCESS),
                    (Op::Write, Outcome::Written { .. }) => {}
                    (Op::Read, Outcome::Values { more: false, .. }) => {}
                    (Op::Subscribe(k), Outcome::Subscribed(granted)) => {
                        self.subscribing[k] = false;
                        self.held[k] = Some(granted.subscription);
                        self.last_report.insert(granted.subscription, self.now);
                    }
                    // An unsubscribe whose first reply was lost finds
                    // nothing the second time.
                    (
                        Op::Unsubscribe(id),
                        Outcome::Unsubscribed | Outcome::Refused(Status::CONSTRAINT_ERROR),
                    ) => {
                        self.unsubscribing.remove(&id);
                    }
                    (op, other) => panic!("{op:?} answered with {other:?}"),
                }
            }
            Err(InteractionError::UnexpectedReply) => {
                let r = &mut self.requests[self.serial_of[&exchange]];
                assert_eq!(r.fate, Fate::TimedOut, "an unmatched reply must be late");
                r.late_replies += 1;
            }
            Err(e) => panic!("reply on {exchange}: {e:?}"),
        }
    }

    fn unsolicited(&mut self, message: &Message<'_>) {
        let now = self.now;
        match (self.controller.handle_unsolicited(message, now), message) {
            (Ok(Notice::Report(r)), _) => {
                self.s.reports += 1;
                self.lapsed.remove(&r.subscription);
                if let Some(last) = self.last_report.insert(r.subscription, now) {
                    self.s.max_report_gap = self.s.max_report_gap.max(now - last);
                }
            }
            (Ok(Notice::Event { event, .. }), _) => {
                self.s.events += 1;
                self.events_accepted.push(event.sequence);
            }
            // A subscription the phone does not hold: its Subscribe timed
            // out after the appliance granted it. Once no Subscribe is in
            // flight (its reply may simply be late), the phone ends it.
            (Err(InteractionError::UnexpectedReply), Message::Report(r)) => {
                self.s.orphan_reports += 1;
                let id = r.subscription;
                if !self.subscribing.contains(&true)
                    && !self.unsubscribing.contains(&id)
                    && self.outstanding.len() < WINDOW
                {
                    self.unsubscribing.insert(id);
                    let stop = Message::Unsubscribe(Unsubscribe { subscription: id });
                    self.send(Op::Unsubscribe(id), &stop);
                }
            }
            // An event older than one already seen (it came late, or twice
            // through an orphan subscription).
            (Err(InteractionError::UnexpectedReply), Message::Event(_)) => self.s.stale_events += 1,
            (other, _) => panic!("unsolicited {message:?}: {other:?}"),
        }
    }

    fn sample(&mut self) {
        assert_eq!(
            self.controller.pending(),
            self.outstanding.len(),
            "the controller's pending requests match the phone's"
        );
        self.samples.push([
            self.controller.pending(),
            self.controller.subscriptions().count(),
            self.dispatcher.subscription_count(),
            self.phone.rx.in_progress(),
            self.appl.rx.in_progress(),
            self.p2a.in_flight(),
            self.a2p.in_flight(),
        ]);
    }
}

/// Runs the soak and checks everything; the numbers for the record.
pub fn run(seed: u64, stop: Stop) -> Summary {
    let wall = WallInstant::now();
    let (phone, appl, privilege) = pair(seed);
    let lamp = Lamp::new();
    let contact = Cell::new(false);
    let mut ident = Identify(&lamp);
    let mut switch = OnOffHandler(&lamp);
    let mut level = Level(&lamp);
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
    let info = DeviceInfo {
        vendor: VendorId(0xFFF1),
        product: 0x50AC,
        hardware_version: 1,
        min_protocol: 1,
        max_protocol: 1,
    };
    let counter = EventCounter::new(RamSequenceStore::default(), 8);
    let dispatcher = Dispatcher::new(info, &mut endpoints, counter, 1).expect("a valid device");
    let peer = Peer {
        session: appl.channel.local_session(),
        privilege,
    };
    let start = Instant::from_secs(1);
    let mut w = World {
        now: start,
        rng: Rng::new(seed),
        p2a: Link::new(FAULTS),
        a2p: Link::new(FAULTS),
        phone,
        appl,
        controller: Controller::new(),
        dispatcher,
        peer,
        lamp: &lamp,
        contact: &contact,
        next_flip: start,
        reports_due: true,
        sampling_from: start + WARM_UP,
        report_deadline: None,
        next_issue: start,
        issuing: true,
        outstanding: HashMap::new(),
        serial_of: HashMap::new(),
        requests: Vec::new(),
        held: [None; 2],
        subscribing: [false; 2],
        unsubscribing: HashSet::new(),
        lapsed: HashSet::new(),
        last_report: HashMap::new(),
        s: Summary::default(),
        events_accepted: Vec::new(),
        samples: Vec::new(),
    };
    let bounds = [WINDOW, 2, 4, SLOTS, SLOTS, CAPACITY, CAPACITY];
    let mut steps = 0u64;
    loop {
        w.step();
        steps += 1;
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
    check(&mut w, &bounds);
    w.s
}

/// The end-of-run checks; fills in the summary.
fn check(w: &mut World<'_>, bounds: &[usize; METRICS]) {
    let s = &mut w.s;
    assert!(w.outstanding.is_empty(), "every request settled");
    for r in &w.requests {
        assert!(r.executions <= 1, "{r:?}");
        let executes = matches!(
            r.op,
            Op::Toggle | Op::Identify | Op::MoveToLevel | Op::Write
        );
        match r.op {
            Op::Toggle | Op::Identify | Op::MoveToLevel => s.invokes += 1,
            Op::Write => s.writes += 1,
            Op::Read => s.reads += 1,
            Op::Subscribe(_) | Op::Unsubscribe(_) => s.subscription_requests += 1,
        }
        match r.fate {
            Fate::Replied => {
                assert_eq!(r.replies, 1, "{r:?}");
                assert_eq!(r.late_replies, 0, "{r:?}");
                if executes {
                    assert_eq!(r.executions, 1, "a reply means it ran once: {r:?}");
                    s.executed_once += 1;
                }
            }
            Fate::TimedOut => {
                s.timed_out += 1;
                assert_eq!(r.replies, 0, "{r:?}");
                assert!(r.late_replies <= 1, "{r:?}");
                if executes && r.executions == 1 {
                    s.lost_reply += 1;
                } else if executes {
                    s.never_ran += 1;
                }
                s.late_replies += u64::from(r.late_replies);
            }
            Fate::Pending => panic!("unsettled {r:?}"),
        }
    }
    s.requests = w.requests.len() as u64;
    let ran = |op: Op| {
        w.requests
            .iter()
            .filter(|r| r.op == op)
            .map(|r| u64::from(r.executions))
            .sum::<u64>()
    };
    let commands = ran(Op::Toggle) + ran(Op::Identify) + ran(Op::MoveToLevel);
    assert_eq!(
        w.lamp.commands.get(),
        commands,
        "every command run is known"
    );
    assert_eq!(
        w.lamp.writes.get(),
        ran(Op::Write),
        "every write run is known"
    );
    assert_eq!(w.lamp.toggles.get(), ran(Op::Toggle));
    assert_eq!(
        w.lamp.on.get(),
        w.lamp.toggles.get() % 2 == 1,
        "the lamp is on after an odd number of toggles"
    );

    // The session: nothing but replays refused, keys updated, still open.
    for (end, peer, name) in [
        (&w.phone, &w.appl, "phone"),
        (&w.appl, &w.phone, "appliance"),
    ] {
        assert!(end.channel.is_open(), "{name} channel open");
        let updates = peer.sent.key_updates;
        // Phase changes `end` saw in frames from `peer`.
        let flips = peer.sent.phase_flips;
        assert!(
            flips == updates || flips + 1 == updates,
            "{name} followed {flips} of the peer's {updates} key updates"
        );
    }
    s.replays = w.phone.sent.replays + w.appl.sent.replays;
    s.too_old = w.phone.sent.too_old + w.appl.sent.too_old;
    s.key_updates = (w.phone.sent.key_updates, w.appl.sent.key_updates);
    s.phase_flips = (w.phone.sent.phase_flips, w.appl.sent.phase_flips);
    s.reassembly_rejects = w.phone.reassembly_rejects + w.appl.reassembly_rejects;
    s.links = [w.p2a.stats, w.a2p.stats];
    for link in &s.links {
        assert_eq!(link.overflow, 0, "a link buffer overflowed");
    }
    s.frames_unopened = [&w.phone.sent, &w.appl.sent]
        .iter()
        .map(|log| log.opened.iter().filter(|&&o| o == 0).count() as u64)
        .sum();

    // Reports: every one the appliance sent was received, or lost on the way.
    let sent = |k: Kind| {
        let log = &w.appl.sent;
        let all = log.kind.iter().filter(|&&x| x == k).count() as u64;
        let opened = log
            .kind
            .iter()
            .zip(&log.opened)
            .filter(|&(&x, &o)| x == k && o == 1)
            .count() as u64;
        (all, opened)
    };
    let (reports_sent, reports_opened) = sent(Kind::Report);
    assert_eq!(reports_opened, s.reports + s.orphan_reports);
    s.reports_lost = reports_sent - reports_opened;
    assert!(
        s.max_report_gap <= MAX_REPORT_GAP,
        "a subscription went silent"
    );
    for (k, held) in w.held.iter().enumerate() {
        let id = held.unwrap_or_else(|| panic!("subscription {k} never established"));
        assert!(w.last_report.contains_key(&id));
    }

    // Events: the controller's gap count accounts for every event it did
    // not accept between the first and the last it did.
    let (events_sent, events_opened) = sent(Kind::Event);
    assert_eq!(events_opened, s.events + s.stale_events);
    s.events_lost = events_sent - events_opened;
    let (last, missed) = w.controller.event_position();
    let first = *w.events_accepted.first().expect("events arrived");
    assert_eq!(last, w.events_accepted.last().copied());
    assert!(w.events_accepted.windows(2).all(|p| p[0] < p[1]));
    assert_eq!(s.events + missed, last.unwrap() - first + 1);
    assert!(last.unwrap() < s.events_emitted);
    s.events_missed = missed;

    // Memory: within the bounds, and no growth from the first tenth of the
    // run to the last.
    s.memory = growth_check(&w.samples, bounds);
}
