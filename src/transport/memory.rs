//! An in-memory datagram network on simulated time, for tests.
//!
//! [`MemoryNet`] carries frames between addresses with a delay and, drawn
//! from a [`SplitMix64`] generator seeded by the caller, the [`Faults`] of a
//! bad radio: loss, duplication, reordering and corruption. The same seed,
//! faults and sends give the same deliveries, byte for byte, every run.
//! [`run`] drives two nodes over it, jumping simulated time from one event
//! to the next, so a whole-protocol test with retransmissions and timeouts
//! runs in microseconds and reproducibly.
//!
//! # Contract
//!
//! No panic on any input. At most `capacity` frames of at most
//! [`MAX_FRAME`] bytes are in flight; beyond that frames are dropped and
//! counted ([`NetStats`]). [`run`] is bounded by its end time and by
//! [`MAX_STEPS`] steps.

use alloc::vec::Vec;

use super::{MAX_BURST, bump};
use crate::node::{Address, MAX_FRAME, Node};
use crate::time::{Duration, Instant};

/// What goes wrong on the simulated link. Probabilities are per mille
/// (0..=1000), drawn independently for every frame sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Faults {
    /// A frame is lost.
    pub loss: u16,
    /// A frame arrives twice (each copy with its own delay and faults).
    pub duplicate: u16,
    /// A copy is held back by an extra random delay of 1 to
    /// `2 * delay_ms.1 + 1` ms, so later frames overtake it.
    pub reorder: u16,
    /// A copy has one random byte flipped.
    pub corrupt: u16,
    /// Every copy is delayed by a random whole number of milliseconds in
    /// `lo..=hi`.
    pub delay_ms: (u64, u64),
}

impl Faults {
    /// A perfect link with no delay.
    pub const NONE: Faults = Faults {
        loss: 0,
        duplicate: 0,
        reorder: 0,
        corrupt: 0,
        delay_ms: (0, 0),
    };
}

impl Default for Faults {
    fn default() -> Self {
        Faults::NONE
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast, seeded
/// generator. Predictable by design: for simulations, never for keys.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started from `seed`.
    pub const fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `p` per mille.
    pub fn per_mille(&mut self, p: u16) -> bool {
        p > 0 && self.below(1000) < u64::from(p)
    }
}

/// What a [`MemoryNet`] counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetStats {
    /// Frames handed to [`MemoryNet::send`].
    pub sent: u64,
    /// Frames handed out by [`MemoryNet::poll`].
    pub delivered: u64,
    /// Frames lost by the [`Faults::loss`] draw.
    pub lost: u64,
    /// Frames sent twice.
    pub duplicated: u64,
    /// Copies held back.
    pub reordered: u64,
    /// Copies with a flipped byte.
    pub corrupted: u64,
    /// Copies dropped because `capacity` frames were in flight.
    pub overflow: u64,
    /// Frames dropped for being longer than [`MAX_FRAME`].
    pub oversize: u64,
    /// Deliveries [`run`] had no node for.
    pub unroutable: u64,
}

/// One frame arriving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery<A> {
    /// The sender.
    pub from: A,
    /// The receiver.
    pub to: A,
    /// The frame, as the faults left it.
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
struct InFlight<A> {
    at: Instant,
    seq: u64,
    delivery: Delivery<A>,
}

/// A simulated datagram network between addresses of type `A`.
///
/// ```
/// use applink::time::Instant;
/// use applink::transport::memory::{Faults, MemoryNet};
///
/// let faults = Faults { delay_ms: (5, 5), ..Faults::NONE };
/// let mut net = MemoryNet::<u8>::new(42, faults, 16);
/// net.send(1, 2, b"hello", Instant::ZERO);
/// assert_eq!(net.next_delivery(), Some(Instant::from_millis(5)));
/// assert!(net.poll(Instant::from_millis(4)).is_none());
/// let d = net.poll(Instant::from_millis(5)).unwrap();
/// assert_eq!((d.from, d.to, &d.bytes[..]), (1, 2, &b"hello"[..]));
/// ```
#[derive(Debug, Clone)]
pub struct MemoryNet<A> {
    faults: Faults,
    rng: SplitMix64,
    capacity: usize,
    queue: Vec<InFlight<A>>,
    seq: u64,
    stats: NetStats,
}

impl<A: Address> MemoryNet<A> {
    /// A network with `faults` drawn from `seed`, holding at most
    /// `capacity` frames in flight.
    pub fn new(seed: u64, faults: Faults, capacity: usize) -> Self {
        MemoryNet {
            faults,
            rng: SplitMix64::new(seed),
            capacity,
            queue: Vec::new(),
            seq: 0,
            stats: NetStats::default(),
        }
    }

    /// Changes the faults for frames sent from now on (a link that heals).
    pub fn set_faults(&mut self, faults: Faults) {
        self.faults = faults;
    }

    /// What the network has counted so far.
    pub const fn stats(&self) -> NetStats {
        self.stats
    }

    /// Frames in flight.
    pub fn in_flight(&self) -> usize {
        self.queue.len()
    }

    /// Sends `bytes` from `from` to `to` at `now`, through the faults.
    pub fn send(&mut self, from: A, to: A, bytes: &[u8], now: Instant) {
        bump(&mut self.stats.sent);
        if bytes.len() > MAX_FRAME {
            return bump(&mut self.stats.oversize);
        }
        let f = self.faults;
        if self.rng.per_mille(f.loss) {
            return bump(&mut self.stats.lost);
        }
        let copies = if self.rng.per_mille(f.duplicate) {
            bump(&mut self.stats.duplicated);
            2
        } else {
            1
        };
        let (lo, hi) = (
            f.delay_ms.0.min(f.delay_ms.1),
            f.delay_ms.0.max(f.delay_ms.1),
        );
        for _ in 0..copies {
            if self.queue.len() >= self.capacity {
                bump(&mut self.stats.overflow);
                continue;
            }
            let mut delay = lo.saturating_add(self.rng.below((hi - lo).saturating_add(1)));
            if self.rng.per_mille(f.reorder) {
                bump(&mut self.stats.reordered);
                let extra = 1 + self.rng.below(hi.saturating_mul(2).saturating_add(1));
                delay = delay.saturating_add(extra);
            }
            let mut copy = bytes.to_vec();
            if !copy.is_empty() && self.rng.per_mille(f.corrupt) {
                bump(&mut self.stats.corrupted);
                let i = self.rng.below(copy.len() as u64) as usize;
                let flip = 1 + self.rng.below(255) as u8;
                if let Some(b) = copy.get_mut(i) {
                    *b ^= flip;
                }
            }
            self.queue.push(InFlight {
                at: now.saturating_add(Duration::from_millis(delay)),
                seq: self.seq,
                delivery: Delivery {
                    from,
                    to,
                    bytes: copy,
                },
            });
            self.seq = self.seq.wrapping_add(1);
        }
    }

    /// When the next frame arrives, if one is in flight.
    pub fn next_delivery(&self) -> Option<Instant> {
        self.queue.iter().map(|f| f.at).min()
    }

    /// The earliest frame due at `now` (in the order sent, among frames due
    /// at the same instant), removed from the network.
    pub fn poll(&mut self, now: Instant) -> Option<Delivery<A>> {
        let (i, _) = self
            .queue
            .iter()
            .enumerate()
            .filter(|(_, f)| f.at <= now)
            .min_by_key(|(_, f)| (f.at, f.seq))?;
        bump(&mut self.stats.delivered);
        Some(self.queue.swap_remove(i).delivery)
    }
}

/// The most steps one [`run`] takes.
pub const MAX_STEPS: usize = 100_000;

/// Sends every frame `node` has queued (at most [`MAX_BURST`]) from `addr`.
fn flush<N: Node>(node: &mut N, addr: N::Addr, net: &mut MemoryNet<N::Addr>, now: Instant) {
    let mut buf = [0u8; MAX_FRAME];
    for _ in 0..MAX_BURST {
        let Some((to, n)) = node.poll_transmit(&mut buf) else {
            return;
        };
        if let Some(frame) = buf.get(..n) {
            net.send(addr, to, frame, now);
        }
    }
}

/// Runs nodes `a` (at `a_addr`) and `b` (at `b_addr`) over `net` from `now`
/// until nothing is due before `until`, and returns the simulated time
/// reached.
///
/// Each step sends what both nodes have queued, delivers every frame due,
/// runs every timer due, and then moves time to the earliest of the nodes'
/// deadlines and the next delivery. Stops early after [`MAX_STEPS`] steps.
pub fn run<A, B>(
    a: &mut A,
    a_addr: A::Addr,
    b: &mut B,
    b_addr: A::Addr,
    net: &mut MemoryNet<A::Addr>,
    now: Instant,
    until: Instant,
) -> Instant
where
    A: Node,
    B: Node<Addr = A::Addr>,
{
    let mut now = now;
    for _ in 0..MAX_STEPS {
        flush(a, a_addr, net, now);
        flush(b, b_addr, net, now);
        for _ in 0..net.in_flight() {
            let Some(mut d) = net.poll(now) else {
                break;
            };
            if d.to == a_addr {
                a.handle_datagram(d.from, &mut d.bytes, now);
            } else if d.to == b_addr {
                b.handle_datagram(d.from, &mut d.bytes, now);
            } else {
                bump(&mut net.stats.unroutable);
            }
        }
        if a.poll_timeout().is_some_and(|t| t <= now) {
            a.handle_timeout(now);
        }
        if b.poll_timeout().is_some_and(|t| t <= now) {
            b.handle_timeout(now);
        }
        flush(a, a_addr, net, now);
        flush(b, b_addr, net, now);
        let next = [a.poll_timeout(), b.poll_timeout(), net.next_delivery()]
            .into_iter()
            .flatten()
            .min();
        match next {
            Some(t) if t <= until => now = now.max(t),
            _ => return until.max(now),
        }
    }
    now
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // The first outputs for seed 1234567 from the reference C code.
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(SplitMix64::new(7).below(0), 0);
    }

    #[test]
    fn capacity_and_size_are_bounded() {
        let mut net = MemoryNet::<u8>::new(1, Faults::NONE, 2);
        for _ in 0..5 {
            net.send(1, 2, &[9], Instant::ZERO);
        }
        net.send(1, 2, &[0; MAX_FRAME + 1], Instant::ZERO);
        let s = net.stats();
        assert_eq!(
            (net.in_flight(), s.sent, s.overflow, s.oversize),
            (2, 6, 3, 1)
        );
    }

    #[test]
    fn faults_are_drawn_as_configured() {
        let faults = Faults {
            loss: 1000,
            ..Faults::NONE
        };
        let mut net = MemoryNet::<u8>::new(1, faults, 8);
        net.send(1, 2, &[1, 2, 3], Instant::ZERO);
        assert_eq!((net.stats().lost, net.in_flight()), (1, 0));
        net.set_faults(Faults {
            corrupt: 1000,
            duplicate: 1000,
            ..Faults::NONE
        });
        net.send(1, 2, &[1, 2, 3], Instant::ZERO);
        let (x, y) = (
            net.poll(Instant::ZERO).unwrap(),
            net.poll(Instant::ZERO).unwrap(),
        );
        for d in [x, y] {
            let diff = d
                .bytes
                .iter()
                .zip([1, 2, 3])
                .filter(|(a, b)| **a != *b)
                .count();
            assert_eq!(diff, 1);
        }
        assert_eq!((net.stats().duplicated, net.stats().corrupted), (1, 2));
    }
}
