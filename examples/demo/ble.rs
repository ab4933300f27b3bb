//! Part 4 of `cargo run --example demo`: the same pairing-to-first-command
//! flow over a simulated BLE link, on simulated time.
//!
//! The WashLight, factory reset (no pairing), on its BLE radio: both sides
//! cut every frame into packets of at most 20 bytes with
//! [`SegmentedLink`] (the ATT MTU of BLE 4.0) and join them back; each
//! packet takes 25 ms one way (50 ms round trips), the packets of a frame
//! follow each other without further delay, none is lost. Advertising,
//! scanning and connection set-up are not simulated: the phone hears the
//! 24-byte advertisement (BLE service data) at once.
//!
//! The simulated clock stands still while the phone runs Argon2id on the
//! code, so that time is measured on the wall clock and added.

use core::time::Duration as StdDuration;
use std::collections::VecDeque;

use applink::advertisement::{Advertisement, Model};
use applink::node::{MAX_FRAME, Node, Reply};
use applink::onboarding::QrPayload;
use applink::time::{Duration, Instant};
use applink::transport::ble::SegmentedLink;
use applink::transport::memory::Delivery;
use applink::wire::segment::segment_count_for;

use crate::link::{Link, Medium, Step, ms};
use crate::onboard::{build_kind, pair_with_qr};
use crate::washer::{self, DEVICE_ID, DISCRIMINATOR, Factory, Firmware, INFO};

/// The largest packet either side sends.
pub const MTU: usize = 20;
/// How long a packet takes, one way.
pub const ONE_WAY: Duration = Duration::from_millis(25);
/// A frame whose packets stop coming is dropped after this.
const REASSEMBLY: Duration = Duration::from_secs(2);

/// One side's radio: two frames in reassembly, of any size a node sends.
type Radio = SegmentedLink<2, MAX_FRAME>;

/// A packet on the air.
struct Packet {
    at: Instant,
    from: u8,
    to: u8,
    bytes: Vec<u8>,
}

/// Hands a radio one frame to cut up, or takes the frame it joined.
struct Slot(Option<(u8, Vec<u8>)>);

impl Node for Slot {
    type Addr = u8;
    fn handle_datagram(&mut self, from: u8, frame: &mut [u8], _: Instant) {
        self.0 = Some((from, frame.to_vec()));
    }
    fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<(u8, usize)> {
        let (to, frame) = self.0.take()?;
        buf.get_mut(..frame.len())?.copy_from_slice(&frame);
        Some((to, frame.len()))
    }
    fn poll_timeout(&self) -> Option<Instant> {
        None
    }
    fn handle_timeout(&mut self, _: Instant) {}
}

/// Two radios and the air between them, on simulated time.
pub struct Ble {
    now: Instant,
    radios: Vec<(u8, Radio)>,
    air: VecDeque<Packet>,
    /// Packets sent.
    pub packets: u64,
}

impl Ble {
    /// No radio yet, at time zero.
    pub fn new() -> Self {
        Ble {
            now: Instant::ZERO,
            radios: Vec::new(),
            air: VecDeque::new(),
            packets: 0,
        }
    }
}

impl Medium for Ble {
    type Addr = u8;

    fn attach(&mut self) -> u8 {
        let addr = u8::try_from(self.radios.len() + 1).expect("a few radios");
        let radio = Radio::new(MTU, REASSEMBLY).expect("MTU 20 is allowed");
        self.radios.push((addr, radio));
        addr
    }

    fn now(&self) -> Instant {
        self.now
    }

    fn elapsed(&self) -> StdDuration {
        StdDuration::from_millis(self.now.millis())
    }

    fn send(&mut self, from: u8, to: u8, frame: &[u8]) {
        let Some((_, radio)) = self.radios.iter_mut().find(|(a, _)| *a == from) else {
            return;
        };
        let mut slot = Slot(Some((to, frame.to_vec())));
        let mut packet = [0u8; MTU];
        while let Some(n) = radio.poll_write(&mut slot, &mut packet) {
            self.air.push_back(Packet {
                at: self.now + ONE_WAY,
                from,
                to,
                bytes: packet[..n].to_vec(),
            });
            self.packets += 1;
        }
    }

    fn recv(&mut self, until: Instant) -> Option<Delivery<u8>> {
        // Every packet takes the same time: the air is in arrival order.
        while self.air.front().is_some_and(|p| p.at <= until) {
            let p = self.air.pop_front()?;
            self.now = self.now.max(p.at);
            let Some((_, radio)) = self.radios.iter_mut().find(|(a, _)| *a == p.to) else {
                continue;
            };
            let mut slot = Slot(None);
            radio.feed(&mut slot, p.from, &p.bytes, self.now);
            if let Some((from, bytes)) = slot.0 {
                return Some(Delivery {
                    from,
                    to: p.to,
                    bytes,
                });
            }
        }
        self.now = self.now.max(until);
        None
    }

    fn packets(&self, len: usize) -> Option<usize> {
        Some(segment_count_for(len, MTU))
    }
}

/// What part 4 measured.
pub struct Measured {
    /// Its steps, on simulated time.
    pub steps: Vec<Step>,
    /// The phone's Argon2id of the code, on the wall clock.
    pub argon: StdDuration,
    /// From hearing the advertisement to the reply of the first command,
    /// simulated.
    pub simulated: StdDuration,
}

/// Runs part 4 with a fresh boot of the unit `factory` made.
pub fn run(factory: &Factory) -> Measured {
    let firmware = Firmware::new();
    let mut measured = None;
    washer::build(&firmware, factory, |appliance| {
        let mut link = Link::new(Ble::new(), appliance);
        measured = Some(story(&mut link, factory));
    });
    measured.expect("the story ran")
}

fn story(link: &mut Link<'_, Ble>, factory: &Factory) -> Measured {
    println!("== The WashLight, factory reset, on its BLE radio: packets of at most {MTU} bytes,");
    println!("   {} ms one way, on simulated time", ONE_WAY.millis());
    let now = link.now();
    link.appliance
        .open_pairing_window(now, Duration::from_secs(900))
        .expect("a new appliance opens its window");
    let hash = link.appliance.dispatcher().descriptor_hash();
    let ad = Advertisement::unpaired(Model::of(&INFO), DEVICE_ID, DISCRIMINATOR, &hash, true);
    let data = ad.to_bytes();
    println!(
        "             its advertising service data, {} B: {}",
        data.len(),
        hex::encode(data)
    );
    let alice = link.add_phone("alice");
    let scanned = QrPayload::parse(&factory.label.encode()).expect("the label's own string");

    println!("\n== alice's phone hears it, sees the device id of her QR code, connects and pairs;");
    println!("   her first request, Describe, travels with PairFinish");
    link.begin("BLE: advertisement, pair (QR code), Describe");
    let heard = Advertisement::parse(&data).expect("a well-formed advertisement");
    assert_eq!(heard.device_id(), Some(scanned.device_id));
    assert!(heard.pairing_window_open);
    let to = link.appliance_addr;
    let argon = pair_with_qr(link, alice, to, &scanned);
    println!(
        "             (Argon2id of the code on the phone: {} of wall time; the simulated clock stands still)",
        ms(argon)
    );
    let describe = link.describe(alice);
    link.handshake(alice).expect("the right code pairs");
    let Ok(Reply::Descriptor(d)) = link.wait(alice, describe) else {
        panic!("no descriptor")
    };
    let step = link.end();
    println!(
        "             the descriptor: {} bytes; {} packets on the air so far",
        d.as_bytes().len(),
        link.medium.packets
    );
    println!(
        "             ⏱  BLE: hearing the advertisement → the reply of the first command (Describe, whole): \
         {} simulated + {} Argon2id (wall clock, {}, measured separately) = {}",
        ms(step.time),
        ms(argon),
        build_kind(),
        ms(step.time + argon)
    );
    Measured {
        steps: link.steps.clone(),
        argon,
        simulated: step.time,
    }
}
