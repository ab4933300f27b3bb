//! Thin adapters between a sans-IO [`Node`](crate::node::Node) and the
//! bytes of a real link.
//!
//! The protocol core reads no clock and owns no socket. This module moves
//! frames between a node and:
//!
//! - [`udp`] (std): one frame per UDP datagram;
//! - [`tcp`] (std): COBS-framed frames on TCP streams, client and server;
//! - [`stream`]: COBS-framed frames on any byte stream (a UART), with
//!   blocking and async helpers over `embedded-io` (feature `embedded-io`);
//! - [`ble`]: frames cut into link packets for small MTUs (BLE GATT);
//! - [`memory`] (alloc): an in-memory datagram network on simulated time,
//!   with seeded loss, duplication, reordering and corruption, for tests.
//!
//! On a host, [`Clock`] turns `std::time` into the protocol's
//! [`Instant`](crate::time::Instant), [`Link`] is what the std datagram-like
//! links share, and [`step`] / [`run_until`] drive any node over any link.
//!
//! # Contract
//!
//! An adapter only moves bytes: it never parses a message and never holds a
//! frame longer than it takes to hand it on. Every buffer is bounded (by
//! [`MAX_FRAME`](crate::node::MAX_FRAME) or a const generic), no received
//! byte can make an adapter panic or allocate without bound, and every input
//! it rejects is counted by reason in its [`LinkStats`]. Every loop inside is bounded in count and,
//! where it waits, in time.

use crate::wire::WireError;

pub mod ble;
#[cfg(feature = "alloc")]
pub mod memory;
pub mod stream;
#[cfg(feature = "std")]
pub mod tcp;
#[cfg(feature = "std")]
pub mod udp;

/// The most frames one flush takes from a node before it waits again, so a
/// node that never stops producing cannot hold a driver forever.
pub const MAX_BURST: usize = 64;

/// What a link counted: frames moved and inputs rejected, by reason.
///
/// Plain counters that only grow (wrapping after 2^64).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LinkStats {
    /// Frames handed to the link for sending and sent.
    pub sent: u64,
    /// Frames received whole and handed on.
    pub received: u64,
    /// Inputs larger than the link's buffers or
    /// [`MAX_FRAME`](crate::node::MAX_FRAME).
    pub oversize: u64,
    /// Stream chunks that were not valid COBS.
    pub bad_cobs: u64,
    /// Stream chunks that decoded but were not a well-formed frame (bad CRC,
    /// truncated, unknown version, ...).
    pub bad_frame: u64,
    /// Segments that were malformed, duplicated, out of order, overlapping or
    /// overrunning their message.
    pub bad_segment: u64,
    /// Later segments of a message whose first segment was lost or expired.
    pub unknown_segment: u64,
    /// First segments refused because every reassembly slot was busy.
    pub no_slot: u64,
    /// Partly reassembled messages dropped when their time ran out.
    pub expired: u64,
    /// Connections refused because the link was full.
    pub refused: u64,
    /// Frames to send that were dropped: no connection to their peer, or a
    /// broken one.
    pub dropped: u64,
}

impl LinkStats {
    /// All counters zero.
    pub const fn new() -> LinkStats {
        LinkStats {
            sent: 0,
            received: 0,
            oversize: 0,
            bad_cobs: 0,
            bad_frame: 0,
            bad_segment: 0,
            unknown_segment: 0,
            no_slot: 0,
            expired: 0,
            refused: 0,
            dropped: 0,
        }
    }

    /// Counts one rejection for `error` under its reason.
    pub fn count(&mut self, error: WireError) {
        let counter = match error {
            WireError::Oversize { .. } | WireError::MessageTooLarge { .. } => &mut self.oversize,
            WireError::BadCobs => &mut self.bad_cobs,
            WireError::BadSegment
            | WireError::DuplicateSegment
            | WireError::OutOfOrderSegment
            | WireError::OverlappingSegment
            | WireError::SegmentOverrun => &mut self.bad_segment,
            WireError::UnknownMessage => &mut self.unknown_segment,
            WireError::NoSlot => &mut self.no_slot,
            _ => &mut self.bad_frame,
        };
        *counter = counter.wrapping_add(1);
    }

    /// Every received input rejected, for any reason (refused connections
    /// and dropped outgoing frames are not counted here).
    pub const fn rejected(&self) -> u64 {
        self.oversize
            .wrapping_add(self.bad_cobs)
            .wrapping_add(self.bad_frame)
            .wrapping_add(self.bad_segment)
            .wrapping_add(self.unknown_segment)
            .wrapping_add(self.no_slot)
            .wrapping_add(self.expired)
    }
}

/// Adds one to a counter, wrapping.
pub(crate) fn bump(counter: &mut u64) {
    *counter = counter.wrapping_add(1);
}

/// Milliseconds of protocol time as a `core` duration.
#[cfg(feature = "std")]
fn to_core(d: crate::time::Duration) -> core::time::Duration {
    core::time::Duration::from_millis(d.millis())
}

/// The host's monotonic clock as protocol time: milliseconds since the
/// clock was made.
///
/// ```
/// use applink::transport::Clock;
///
/// let clock = Clock::new();
/// let t = clock.now();
/// assert!(t.millis() < 60_000);
/// assert!(clock.to_std(t) <= std::time::Instant::now());
/// assert_eq!(clock.from_std(clock.to_std(t)), t);
/// ```
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: std::time::Instant,
}

#[cfg(feature = "std")]
impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

#[cfg(feature = "std")]
impl Clock {
    /// A clock whose epoch is now.
    pub fn new() -> Clock {
        Clock {
            start: std::time::Instant::now(),
        }
    }

    /// The current time.
    pub fn now(&self) -> crate::time::Instant {
        self.from_std(std::time::Instant::now())
    }

    /// The protocol instant of a host instant (the epoch, if `t` is
    /// earlier). Rounds down to the millisecond.
    pub fn from_std(&self, t: std::time::Instant) -> crate::time::Instant {
        let millis = t.saturating_duration_since(self.start).as_millis();
        crate::time::Instant::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
    }

    /// The host instant of a protocol instant. An instant beyond what the
    /// host can represent becomes a hundred years from the epoch.
    pub fn to_std(&self, t: crate::time::Instant) -> std::time::Instant {
        const CENTURY: core::time::Duration = core::time::Duration::from_secs(100 * 365 * 86_400);
        let d = core::time::Duration::from_millis(t.millis()).min(CENTURY);
        self.start.checked_add(d).unwrap_or(self.start)
    }
}

/// A datagram-like link on a host: frames in, frames out, each with its
/// peer's address.
///
/// Implemented by [`udp::UdpLink`], [`tcp::TcpLink`] and [`tcp::TcpServer`].
#[cfg(feature = "std")]
pub trait Link {
    /// How the link names a peer.
    type Addr: crate::node::Address;

    /// Sends one whole frame to `to`.
    fn send(&mut self, to: Self::Addr, frame: &[u8]) -> std::io::Result<()>;

    /// Waits at most `timeout` for one frame, writes it into `buf` and
    /// returns its sender and length; `Ok(None)` when none came in time or
    /// the input was rejected (and counted).
    fn recv(
        &mut self,
        buf: &mut [u8],
        timeout: core::time::Duration,
    ) -> std::io::Result<Option<(Self::Addr, usize)>>;

    /// What the link has counted so far.
    fn stats(&self) -> LinkStats;
}

/// Sends every frame the node has queued (at most [`MAX_BURST`]).
#[cfg(feature = "std")]
fn flush<N: crate::node::Node, L: Link<Addr = N::Addr>>(
    node: &mut N,
    link: &mut L,
) -> std::io::Result<()> {
    let mut buf = [0u8; crate::node::MAX_FRAME];
    for _ in 0..MAX_BURST {
        let Some((to, n)) = node.poll_transmit(&mut buf) else {
            break;
        };
        if let Some(frame) = buf.get(..n) {
            link.send(to, frame)?;
        }
    }
    Ok(())
}

/// One turn of a host event loop: sends what the node has queued, waits for
/// at most the earlier of the node's next deadline and `max_wait` for one
/// frame and hands it to the node, runs the node's timers if they are due,
/// and sends what that produced.
///
/// Errors are the link's own I/O errors; rejected input is only counted.
#[cfg(feature = "std")]
pub fn step<N: crate::node::Node, L: Link<Addr = N::Addr>>(
    node: &mut N,
    link: &mut L,
    clock: &Clock,
    max_wait: core::time::Duration,
) -> std::io::Result<()> {
    flush(node, link)?;
    let wait = match node.poll_timeout() {
        Some(deadline) => to_core(deadline.saturating_since(clock.now())).min(max_wait),
        None => max_wait,
    };
    let mut buf = [0u8; crate::node::MAX_FRAME];
    if let Some((from, n)) = link.recv(&mut buf, wait)?
        && let Some(frame) = buf.get_mut(..n)
    {
        node.handle_datagram(from, frame, clock.now());
    }
    let now = clock.now();
    if node.poll_timeout().is_some_and(|deadline| deadline <= now) {
        node.handle_timeout(now);
    }
    flush(node, link)
}

/// Runs [`step`] for ever: an appliance's main loop on a host. Returns
/// only the I/O error that stopped it.
#[cfg(feature = "std")]
pub fn serve<N: crate::node::Node, L: Link<Addr = N::Addr>>(
    node: &mut N,
    link: &mut L,
    clock: &Clock,
) -> std::io::Error {
    loop {
        if let Err(e) = step(node, link, clock, core::time::Duration::from_secs(1)) {
            return e;
        }
    }
}

/// Runs [`step`] until `done(node)` holds or `deadline` passes, and says
/// whether `done` held. `done` is checked before every step.
#[cfg(feature = "std")]
pub fn run_until<N: crate::node::Node, L: Link<Addr = N::Addr>>(
    node: &mut N,
    link: &mut L,
    clock: &Clock,
    deadline: std::time::Instant,
    mut done: impl FnMut(&mut N) -> bool,
) -> std::io::Result<bool> {
    loop {
        if done(node) {
            return Ok(true);
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        step(node, link, clock, left)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_reason() {
        let mut s = LinkStats::default();
        for e in [
            WireError::Oversize { capacity: 1 },
            WireError::MessageTooLarge {
                len: 2,
                capacity: 1,
            },
            WireError::BadCobs,
            WireError::BadCrc,
            WireError::Truncated,
            WireError::DuplicateSegment,
            WireError::UnknownMessage,
            WireError::NoSlot,
        ] {
            s.count(e);
        }
        let want = LinkStats {
            oversize: 2,
            bad_cobs: 1,
            bad_frame: 2,
            bad_segment: 1,
            unknown_segment: 1,
            no_slot: 1,
            ..LinkStats::default()
        };
        assert_eq!(s, want);
        assert_eq!(s.rejected(), 8);
    }
}

/// A node for this module's tests: records every frame and echoes it back.
#[cfg(test)]
pub(crate) mod testing {
    extern crate std;
    use crate::node::{Address, Node};
    use crate::time::Instant;
    use crate::wire::{Header, encode_plain};
    use std::{collections::VecDeque, vec::Vec};

    pub(crate) struct Echo<A> {
        pub got: Vec<Vec<u8>>,
        pub replies: VecDeque<(A, Vec<u8>)>,
    }

    impl<A> Echo<A> {
        pub fn new() -> Self {
            Echo {
                got: Vec::new(),
                replies: VecDeque::new(),
            }
        }
    }

    impl<A: Address> Node for Echo<A> {
        type Addr = A;
        fn handle_datagram(&mut self, from: A, frame: &mut [u8], _: Instant) {
            self.got.push(frame.to_vec());
            self.replies.push_back((from, frame.to_vec()));
        }
        fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<(A, usize)> {
            let (to, frame) = self.replies.pop_front()?;
            buf.get_mut(..frame.len())?.copy_from_slice(&frame);
            Some((to, frame.len()))
        }
        fn poll_timeout(&self) -> Option<Instant> {
            None
        }
        fn handle_timeout(&mut self, _: Instant) {}
    }

    /// A plaintext frame on exchange `counter` (a plaintext frame has no counter).
    pub(crate) fn frame(counter: u32, payload: &[u8]) -> Vec<u8> {
        let mut buf = std::vec![0u8; payload.len() + 32];
        let n = encode_plain(&Header::plaintext(counter as u16), payload, &mut buf).unwrap();
        buf.truncate(n);
        buf
    }
}
