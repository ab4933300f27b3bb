//! Both nodes on simulated time: a dimmable lamp appliance and a phone,
//! joined by a seeded link that can lose, duplicate, reorder, corrupt and
//! delay frames.

#![allow(dead_code)]

use core::cell::Cell;
use std::collections::VecDeque;

use applink::catalog::{device_types, identify, level_control, on_off};
use applink::crypto::spake2plus::ProverSecret;
use applink::crypto::{Entropy, RustCrypto};
use applink::descriptor::{DeviceInfo, DeviceTypeRef};
use applink::interaction::stock::{self, IdentifyState, LevelState};
use applink::interaction::{Dispatcher, EndpointEntry, EventCounter, Instance, RamSequenceStore};
use applink::message::{EndpointId, VendorId};
use applink::node::store::MemoryPhoneStore;
use applink::node::{Appliance, ApplianceConfig, Event, Node, Phone, PhoneEvent, Reply, RequestId};
use applink::session::pairing::{ApplianceIdentity, DeviceId};
use applink::session::store::MemoryStore;
use applink::time::{Duration, Instant};

pub const LAMP: EndpointId = EndpointId(1);
pub const DEVICE: DeviceId = *b"LAMP0042";
pub const APPLIANCE: u8 = 1;
pub const PHONE: u8 = 2;
/// The Argon2id output of the lamp's setup code, precomputed (tests skip
/// the seconds Argon2id takes in a debug build).
pub const PBKDF: [u8; 80] = [0x5A; 80];

pub type Crypto = RustCrypto<Seeded>;

/// Randomness reproducible from a seed (tests only).
pub struct Seeded(Rng);

impl Entropy for Seeded {
    fn fill(&mut self, out: &mut [u8]) {
        for b in out.iter_mut() {
            *b = self.0.next() as u8;
        }
    }
}
pub type Lamp = Appliance<'static, Crypto, MemoryStore<4>, RamSequenceStore, u8, 2>;

/// The lamp's state, which the handlers borrow and the test reads.
pub struct Devices {
    pub on: Cell<bool>,
    pub changes: Cell<u32>,
    pub level: LevelState,
    pub identify: IdentifyState,
}

impl Devices {
    /// Times `on` changed: every toggle changes it.
    pub fn toggles(&self) -> u32 {
        self.changes.get()
    }
}

pub fn lamp_devices() -> &'static Devices {
    Box::leak(Box::new(Devices {
        on: Cell::new(false),
        changes: Cell::new(0),
        level: LevelState::new(Some(100)),
        identify: IdentifyState::new(),
    }))
}

const TYPES: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];

pub fn crypto(seed: u64, who: u8) -> Crypto {
    RustCrypto::new(Seeded(Rng(seed ^ (u64::from(who) << 56))))
}

pub fn lamp(devices: &'static Devices, seed: u64, config: ApplianceConfig) -> Lamp {
    lamp_at(devices, seed, config, None)
}

/// The lamp for peers addressed by `A`; its verifier from `code` (Argon2id)
/// or, without one, from [`PBKDF`].
pub fn lamp_at<A: applink::node::Address>(
    devices: &'static Devices,
    seed: u64,
    config: ApplianceConfig,
    code: Option<&str>,
) -> Appliance<'static, Crypto, MemoryStore<4>, RamSequenceStore, A, 2> {
    let counted: &'static dyn Fn(bool) = Box::leak(Box::new(|_: bool| {
        devices.changes.set(devices.changes.get() + 1)
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
    let dispatcher = Dispatcher::new(info, endpoints, counter, 7).expect("a valid lamp");
    let p = crypto(seed, 0xA0);
    let identity = match code {
        Some(code) => ApplianceIdentity::from_setup_code(&p, DEVICE, code, &[0x77; 32]).unwrap(),
        None => {
            let secret = ProverSecret::from_pbkdf_output(&p, &PBKDF).unwrap();
            let record = secret.verifier_record(&p);
            let static_secret = applink::crypto::CryptoProvider::x25519_import(&p, &[0x77; 32]);
            ApplianceIdentity::new(&p, DEVICE, record, static_secret)
        }
    };
    Appliance::new(config, p, identity, MemoryStore::new(), dispatcher)
}

/// How the link misbehaves, per mille per frame.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    pub loss: u64,
    pub duplicate: u64,
    pub corrupt: u64,
    /// Extra delay range (reorders frames).
    pub jitter_ms: u64,
    /// Fixed delay.
    pub delay_ms: u64,
}

impl Faults {
    pub const NONE: Faults = Faults {
        loss: 0,
        duplicate: 0,
        corrupt: 0,
        jitter_ms: 0,
        delay_ms: 5,
    };

    /// Each fault alone at 20 % (reordering and delay as spreads).
    pub fn each_at_20_percent() -> [(&'static str, Faults); 5] {
        let n = Faults::NONE;
        [
            ("loss", Faults { loss: 200, ..n }),
            (
                "duplication",
                Faults {
                    duplicate: 200,
                    ..n
                },
            ),
            ("reordering", Faults { jitter_ms: 60, ..n }),
            ("corruption", Faults { corrupt: 200, ..n }),
            (
                "delay",
                Faults {
                    delay_ms: 200,
                    jitter_ms: 100,
                    ..n
                },
            ),
        ]
    }
}

/// SplitMix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
}

struct InFlight {
    due: Instant,
    to: u8,
    bytes: Vec<u8>,
}

pub struct World {
    pub now: Instant,
    pub appliance: Lamp,
    pub phone: Phone<Crypto, MemoryPhoneStore, u8>,
    pub events: Vec<PhoneEvent>,
    pub appliance_events: Vec<Event>,
    faults: Faults,
    rng: Rng,
    air: Vec<InFlight>,
    capture: Option<VecDeque<Vec<u8>>>,
    devices: &'static Devices,
    seed: u64,
    pub trace: bool,
}

impl World {
    pub fn new(devices: &'static Devices, seed: u64, faults: Faults) -> World {
        let mut lamp = lamp(devices, seed, ApplianceConfig::default());
        let now = Instant::from_secs(1000);
        lamp.open_pairing_window(now, Duration::from_secs(600))
            .unwrap();
        World {
            now,
            appliance: lamp,
            phone: Phone::new(crypto(seed, 0xB0), MemoryPhoneStore::default()).unwrap(),
            events: Vec::new(),
            appliance_events: Vec::new(),
            faults,
            rng: Rng(seed),
            air: Vec::new(),
            capture: None,
            devices,
            seed,
            trace: false,
        }
    }

    pub fn lifetime(&mut self, d: Duration) {
        let config = ApplianceConfig {
            max_lifetime: d,
            ..ApplianceConfig::default()
        };
        self.appliance = lamp(self.devices, self.seed, config);
        self.appliance
            .open_pairing_window(self.now, Duration::from_secs(600))
            .unwrap();
    }

    pub fn secret(&self) -> ProverSecret<Crypto> {
        self.secret_for(&PBKDF)
    }

    pub fn secret_for(&self, pbkdf: &[u8; 80]) -> ProverSecret<Crypto> {
        ProverSecret::from_pbkdf_output(&crypto(0, 0), pbkdf).unwrap()
    }

    /// Pairs over the link and waits until the session is up.
    pub fn pair(&mut self) {
        let s = self.secret();
        self.phone
            .pair_with_secret(APPLIANCE, s, DEVICE, self.now)
            .unwrap();
        let ping = self
            .phone
            .request(
                &applink::message::Message::Ping(applink::message::Ping { nonce: 1 }),
                self.now,
            )
            .unwrap();
        assert_eq!(
            self.reply(ping),
            Ok(Reply::Pong),
            "paired: {:?}",
            self.events
        );
    }

    fn send(&mut self, to: u8, bytes: Vec<u8>) {
        let f = self.faults;
        let lost = self.rng.chance(f.loss);
        if self.trace {
            let h = applink::wire::Header::parse(&bytes).map(|h| h.0);
            println!("{} -> {to}: {:?} lost={lost}", self.now.millis(), h);
        }
        if lost {
            return;
        }
        let copies = if self.rng.chance(f.duplicate) { 2 } else { 1 };
        for _ in 0..copies {
            let mut bytes = bytes.clone();
            if self.rng.chance(f.corrupt) && !bytes.is_empty() {
                let i = (self.rng.next() as usize) % bytes.len();
                bytes[i] ^= 1 << (self.rng.next() % 8);
            }
            let jitter = if f.jitter_ms > 0 {
                self.rng.next() % f.jitter_ms
            } else {
                0
            };
            let due = self.now + Duration::from_millis(f.delay_ms + jitter);
            self.air.push(InFlight { due, to, bytes });
        }
    }

    fn drain(&mut self) {
        let mut buf = [0u8; 1024];
        while let Some((to, n)) = self.appliance.poll_transmit(&mut buf) {
            assert_eq!(to, PHONE);
            self.send(PHONE, buf[..n].to_vec());
        }
        while let Some((to, n)) = self.phone.poll_transmit(&mut buf) {
            assert_eq!(to, APPLIANCE);
            if let Some(c) = &mut self.capture {
                c.push_back(buf[..n].to_vec());
            } else {
                self.send(APPLIANCE, buf[..n].to_vec());
            }
        }
        while let Some(e) = self.phone.poll_event() {
            self.events.push(e);
        }
        while let Some(e) = self.appliance.poll_event() {
            self.appliance_events.push(e);
        }
    }

    /// Frames the phone sends now, taken off the link.
    pub fn take_phone_frames(&mut self) -> Vec<Vec<u8>> {
        self.capture = Some(VecDeque::new());
        self.drain();
        self.capture.take().unwrap().into()
    }

    /// What the appliance answers to one frame, straight away.
    pub fn appliance_answers(&mut self, frame: &mut [u8]) -> Vec<Vec<u8>> {
        self.appliance.handle_datagram(PHONE, frame, self.now);
        let mut out = Vec::new();
        let mut buf = [0u8; 1024];
        while let Some((_, n)) = self.appliance.poll_transmit(&mut buf) {
            out.push(buf[..n].to_vec());
        }
        out
    }

    /// One step: deliver what is due, run due timers, move time on.
    fn step(&mut self, until: Instant) {
        self.drain();
        let next_air = self.air.iter().map(|f| f.due).min();
        let next = [
            next_air,
            self.appliance.poll_timeout(),
            self.phone.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(until)
        .max(self.now)
        .min(until);
        self.now = next;
        let mut due = Vec::new();
        let mut k = 0;
        while k < self.air.len() {
            if self.air[k].due <= self.now {
                due.push(self.air.swap_remove(k));
            } else {
                k += 1;
            }
        }
        due.sort_by_key(|f| f.due);
        for mut f in due {
            if f.to == APPLIANCE {
                self.appliance
                    .handle_datagram(PHONE, &mut f.bytes, self.now);
            } else {
                self.phone
                    .handle_datagram(APPLIANCE, &mut f.bytes, self.now);
            }
            self.drain();
        }
        if self.appliance.poll_timeout().is_some_and(|t| t <= self.now) {
            self.appliance.handle_timeout(self.now);
        }
        if self.phone.poll_timeout().is_some_and(|t| t <= self.now) {
            self.phone.handle_timeout(self.now);
        }
        self.drain();
    }

    pub fn run_for(&mut self, d: Duration) {
        let until = self.now + d;
        let mut steps = 0u32;
        while self.now < until {
            self.step(until);
            steps += 1;
            assert!(steps < 1_000_000, "the simulation stopped making progress");
        }
        self.step(until);
    }

    /// The result of request `id`, once it came.
    pub fn result(&self, id: RequestId) -> Option<Result<Reply, applink::node::NodeError>> {
        self.events.iter().find_map(|e| match e {
            PhoneEvent::Reply { id: x, result } if *x == id => Some(result.clone()),
            _ => None,
        })
    }

    /// Runs until request `id` settles (at most a minute of simulated time).
    pub fn reply(&mut self, id: RequestId) -> Result<Reply, applink::node::NodeError> {
        let end = self.now + Duration::from_secs(60);
        while self.now < end {
            if let Some(r) = self.result(id) {
                return r;
            }
            self.step(end);
        }
        panic!("request {id:?} never settled: {:?}", self.events)
    }

    pub fn reports(&self, subscription: u16) -> usize {
        self.events
            .iter()
            .filter(
                |e| matches!(e, PhoneEvent::Report { subscription: s, .. } if *s == subscription),
            )
            .count()
    }
}

impl World {
    /// Another phone (its own key) pairs over a clean direct exchange;
    /// `expect` is the error it must get, `None` for success.
    pub fn second_phone_pairs_and_expects(&mut self, expect: Option<applink::node::NodeError>) {
        const OTHER: u8 = 3;
        let seed = self.rng.next();
        let mut phone: Phone<Crypto, MemoryPhoneStore, u8> =
            Phone::new(crypto(seed, 0xC0), MemoryPhoneStore::default()).unwrap();
        // The first phone is the admin: it opens the window, here for a
        // one-time code whose derived secret is the test's usual one.
        let record = self
            .secret()
            .verifier_record(&crypto(0, 0))
            .to_bytes(&crypto(0, 0))
            .unwrap();
        self.appliance
            .open_pairing_window_as(
                &self.phone.public_key(),
                &record,
                self.now,
                Duration::from_secs(60),
            )
            .unwrap();
        phone
            .pair_with_secret(APPLIANCE, self.secret(), DEVICE, self.now)
            .unwrap();
        let ping = phone
            .request(
                &applink::message::Message::Ping(applink::message::Ping { nonce: 2 }),
                self.now,
            )
            .unwrap();
        let mut buf = [0u8; 1024];
        for _ in 0..50 {
            let mut moved = false;
            while let Some((_, n)) = phone.poll_transmit(&mut buf) {
                let mut f = buf[..n].to_vec();
                self.appliance.handle_datagram(OTHER, &mut f, self.now);
                moved = true;
            }
            while let Some((to, n)) = self.appliance.poll_transmit(&mut buf) {
                let mut f = buf[..n].to_vec();
                if to == OTHER {
                    phone.handle_datagram(APPLIANCE, &mut f, self.now);
                } else {
                    self.phone.handle_datagram(APPLIANCE, &mut f, self.now);
                }
                moved = true;
            }
            if !moved {
                break;
            }
        }
        // A plaintext refusal is a hint: its verdict comes after the grace.
        let later = self.now.saturating_add(Duration::from_secs(3));
        phone.handle_timeout(later);
        let mut outcome = None;
        while let Some(e) = phone.poll_event() {
            match e {
                PhoneEvent::Reply { id, result } if id == ping => {
                    outcome = Some(result.map(|_| ()))
                }
                PhoneEvent::HandshakeFailed(e) => outcome = Some(Err(e)),
                _ => {}
            }
        }
        match expect {
            None => assert_eq!(outcome, Some(Ok(())), "the second phone paired"),
            Some(e) => assert_eq!(outcome, Some(Err(e)), "the second phone was refused"),
        }
    }
}
