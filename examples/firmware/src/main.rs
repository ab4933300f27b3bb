//! A dimmable lamp on applink's `Appliance`, as firmware: no heap, no
//! allocator, the descriptor in flash, software crypto, spoken to over a
//! UART with COBS framing.
//!
//! One source, two boards (`src/board/`):
//!
//! | board | target | UART | clock | exit |
//! |---|---|---|---|---|
//! | QEMU `lm3s6965evb` (Cortex-M3) | `thumbv7m-none-eabi` | UART0 (PL011) | SysTick | semihosting |
//! | QEMU RISC-V `virt` | `riscv32imac-unknown-none-elf` | 16550 at `0x1000_0000` | `mtime` | SiFive test device |
//!
//! # What it does
//!
//! At boot it loads its identity from the factory record (`factory.rs`),
//! builds the node (every piece in a `static`, see `build`), opens its
//! pairing window for [`PAIRING_WINDOW`], writes the ready line and then
//! serves applink until an admin invokes `qemu_probe.exit` or
//! [`UPTIME_LIMIT`] passes.
//!
//! # The UART protocol
//!
//! 1. **Ready line.** Once the UART is set up and the node is built, the
//!    firmware writes the ASCII line `applink ready <board>\n` followed by
//!    one `0x00` ([`READY`]). The host reads it before it sends anything
//!    (bytes sent earlier could be lost while the UART is configured). A
//!    COBS deframer that does see the line drops it as one bad chunk and is
//!    in sync at the `0x00`.
//! 2. **Frames.** Then both ways: applink frames as `COBS(frame) 0x00`
//!    (`applink::transport::stream`). The UART has one peer, so the node's
//!    address type is `()`.
//! 3. **Exit.** `qemu_probe.exit` (an admin command, `probe_capability.rs`)
//!    is answered, then the firmware waits for the UART to drain and stops
//!    the emulation with status 0. A panic, a fault, a failed boot or the
//!    uptime limit stop it with a non-zero status (on the Cortex-M3 board
//!    the reason is printed through semihosting first).
//!
//! # Exit statuses
//!
//! 0 success; 1 panic; 2 uptime limit; 3 boot failed (bad identity
//! record); 4 CPU fault. Semihosting on Cortex-M carries only success or
//! failure, so QEMU exits 0 or 1 there; the SiFive test device carries the
//! code.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use core::cell::Cell;

use applink::catalog::{device_types, identify, level_control, on_off};
use applink::crypto::RustCrypto;
use applink::descriptor::{DeviceInfo, DeviceTypeRef};
use applink::interaction::stock::{self, IdentifyState, LevelState};
use applink::interaction::{Dispatcher, EndpointEntry, EventCounter, Instance, RamSequenceStore};
use applink::message::Message;
use applink::node::{Appliance, ApplianceConfig, Event, MAX_FRAME, Node};
use applink::session::pairing::ApplianceIdentity;
use applink::time::{Duration, Instant};
use applink::transport::stream::StreamLink;
use applink::wire::stream::encoded_max_len;
use applink::wire::{Frame, Header};
use static_cell::StaticCell;

#[cfg_attr(target_arch = "arm", path = "board/lm3s6965.rs")]
#[cfg_attr(target_arch = "riscv32", path = "board/virt.rs")]
mod board;
#[allow(dead_code)] // the host test reads the rest
mod factory;
mod probe;
mod rng;
mod stack;
mod store;

use probe::{Probe, ProbeState};
use rng::TimerMix;
use store::FlashStore;

/// Live sessions at once.
const SESSIONS: usize = 2;
/// Subscriptions at once (all sessions).
const SUBS: usize = 2;
/// Bytes of the event log: the smallest, as the lamp emits no events.
const EVENTS: usize = 16;
/// The largest frame, in bytes: the node's and the UART link's buffers.
const FRAME: usize = 256;
/// Pairings the flash page holds.
const PAIRINGS: usize = 4;
/// The UART link's buffer: one encoded frame.
const LINK_BUF: usize = encoded_max_len(FRAME);
/// Bytes read from the UART per turn of the loop (its FIFO holds 16).
const RX_CHUNK: usize = 16;

/// How long the pairing window stays open after boot.
pub const PAIRING_WINDOW: Duration = Duration::from_secs(5 * 60);
/// The firmware stops by itself (status 2) after this much uptime.
pub const UPTIME_LIMIT: Instant = Instant::from_millis(10 * 60 * 1000);
/// What the firmware writes once it is ready, before any frame.
pub const READY: &[u8] = board::READY;

/// Exit status: a panic.
pub const EXIT_PANIC: u8 = 1;
/// Exit status: the uptime limit passed.
pub const EXIT_UPTIME: u8 = 2;
/// Exit status: the node could not be built.
pub const EXIT_BOOT: u8 = 3;
/// Exit status: a CPU fault.
pub const EXIT_FAULT: u8 = 4;

type Crypto = RustCrypto<TimerMix>;
type Lamp = Appliance<
    'static,
    Crypto,
    FlashStore<PAIRINGS>,
    RamSequenceStore,
    (),
    SESSIONS,
    SUBS,
    EVENTS,
    FRAME,
>;

const INFO: DeviceInfo = DeviceInfo::new(0xFFF1, 0x0042);
static LAMP_TYPES: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];

/// The state the handlers serve and the firmware reads.
struct State {
    on: Cell<bool>,
    level: LevelState,
    identify: IdentifyState,
    probe: ProbeState,
}

/// The handlers, borrowing [`State`].
struct Handlers {
    identify: stock::Identify<'static>,
    on_off: stock::OnOff<'static>,
    level: stock::Level<'static>,
    probe: Probe<'static>,
}

static STATE: StaticCell<State> = StaticCell::new();
static HANDLERS: StaticCell<Handlers> = StaticCell::new();
static INSTANCES: StaticCell<[Instance<'static>; 4]> = StaticCell::new();
static ENDPOINTS: StaticCell<[EndpointEntry<'static>; 1]> = StaticCell::new();
static NODE: StaticCell<Lamp> = StaticCell::new();
static LINK: StaticCell<StreamLink<LINK_BUF>> = StaticCell::new();

/// Builds the lamp: each piece in its own `static`, so the node lives in
/// `.bss` and borrows its handlers for good. Not inlined: the temporaries
/// of building stay in this frame, which is gone before serving starts.
#[inline(never)]
fn build(state: &'static State) -> Option<&'static mut Lamp> {
    let crypto = RustCrypto::new(TimerMix::new());
    let identity = ApplianceIdentity::from_bytes(&crypto, &factory::IDENTITY).ok()?;
    let h = HANDLERS.init(Handlers {
        identify: stock::Identify::new(&state.identify),
        on_off: stock::OnOff::new(&state.on),
        level: stock::Level::new(&state.level),
        probe: Probe::new(&state.probe),
    });
    let instances = INSTANCES.init([
        Instance::new(&identify::CAPABILITY, &mut h.identify),
        Instance::new(&on_off::CAPABILITY, &mut h.on_off),
        Instance::new(&level_control::CAPABILITY, &mut h.level),
        Instance::new(&probe::capability::CAPABILITY, &mut h.probe),
    ]);
    let endpoints = ENDPOINTS.init([EndpointEntry::new(1, &LAMP_TYPES, instances)]);
    let counter = EventCounter::new(RamSequenceStore::default(), 16);
    // The data versions start from the uptime: different on every boot.
    let seed = board::now_ns() as u32;
    let dispatcher = Dispatcher::new(INFO, endpoints, counter, seed).ok()?;
    let config = ApplianceConfig {
        max_frame: FRAME as u16,
        ..ApplianceConfig::default()
    };
    let store = FlashStore::erased();
    Some(NODE.init(Appliance::new(config, crypto, identity, store, dispatcher)))
}

/// Emulated nanoseconds the appliance has spent on the handshake under
/// way: every `PairRequest` and `PairFinish` (retransmitted copies too)
/// since the last pairing ended, every `ResumeRequest` since the last
/// resumption.
#[derive(Default)]
struct Costs {
    pairing: u64,
    resuming: u64,
}

/// The lamp as a [`Node`] that times the handshake frames it takes.
struct Timed<'a> {
    lamp: &'a mut Lamp,
    costs: &'a mut Costs,
}

/// The message type of a plaintext frame (handshakes are plaintext).
fn plaintext_type(frame: &[u8]) -> Option<u32> {
    match Header::parse(frame) {
        Ok((h, _)) if !h.is_secured() => Message::peek_type(Frame::parse(frame).ok()?.body).ok(),
        _ => None,
    }
}

impl Node for Timed<'_> {
    type Addr = ();

    fn handle_datagram(&mut self, from: (), frame: &mut [u8], now: Instant) {
        let ty = plaintext_type(frame);
        let start = board::now_ns();
        self.lamp.handle_datagram(from, frame, now);
        let spent = board::now_ns().wrapping_sub(start);
        match ty {
            Some(2 | 4) => self.costs.pairing += spent,
            Some(5) => self.costs.resuming += spent,
            _ => {}
        }
    }

    fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<((), usize)> {
        self.lamp.poll_transmit(buf)
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.lamp.poll_timeout()
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.lamp.handle_timeout(now)
    }
}

fn saturate(ns: u64) -> u32 {
    u32::try_from(ns).unwrap_or(u32::MAX)
}

/// Boots the lamp and serves it; never returns.
pub fn run() -> ! {
    board::init();
    stack::paint();
    let state: &'static State = STATE.init(State {
        on: Cell::new(false),
        level: LevelState::new(Some(128)),
        identify: IdentifyState::new(),
        probe: ProbeState::new(),
    });
    let Some(lamp) = build(state) else {
        board::exit(EXIT_BOOT)
    };
    let link = LINK.init(StreamLink::new());
    state.probe.stack_boot.set(saturate(stack::peak() as u64));
    // From here the mark measures serving: pairing, sessions, resumption.
    stack::paint();
    // Out of the box (no pairing): the window a button press would open.
    // A lamp that already has an owner opens none (its admin does).
    let _ = lamp.open_pairing_window(board::now(), PAIRING_WINDOW);
    board::write(READY);

    let mut costs = Costs::default();
    loop {
        let now = board::now();
        if now >= UPTIME_LIMIT {
            board::exit(EXIT_UPTIME);
        }
        receive(link, lamp, &mut costs, now);
        if lamp.poll_timeout().is_some_and(|due| due <= now) {
            lamp.handle_timeout(now);
        }
        while let Some(event) = lamp.poll_event() {
            match event {
                Event::Paired { .. } => {
                    state.probe.pair_ns.set(saturate(costs.pairing));
                    costs.pairing = 0;
                }
                Event::PairingFailed(_) => costs.pairing = 0,
                Event::Resumed { .. } => {
                    state.probe.resume_ns.set(saturate(costs.resuming));
                    costs.resuming = 0;
                }
                _ => {}
            }
        }
        transmit(link, lamp);
        if state.probe.exit.get() && lamp.queued() == 0 {
            board::flush();
            board::exit(0);
        }
    }
}

/// Feeds what the UART received to the node. Receiving and transmitting
/// are separate frames (not inlined) so their buffers are never on the
/// stack at once: the deepest stack is taking a handshake frame.
#[inline(never)]
fn receive(link: &mut StreamLink<LINK_BUF>, lamp: &mut Lamp, costs: &mut Costs, now: Instant) {
    let mut rx = [0u8; RX_CHUNK];
    let n = board::read(&mut rx);
    if n > 0 {
        let mut timed = Timed { lamp, costs };
        link.feed(&mut timed, (), &rx[..n], now);
    }
}

/// Sends every frame the node has queued.
#[inline(never)]
fn transmit(link: &mut StreamLink<LINK_BUF>, lamp: &mut Lamp) {
    let mut tx = [0u8; encoded_max_len(if LINK_BUF < MAX_FRAME {
        LINK_BUF
    } else {
        MAX_FRAME
    })];
    while let Some(m) = link.poll_write(lamp, &mut tx) {
        board::write(&tx[..m]);
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    board::report(info);
    board::exit(EXIT_PANIC)
}
