//! A node on a small-MTU packet link (BLE GATT, ATT MTU 20..=244): each
//! frame is cut into link packets, see [`wire::segment`](crate::wire::segment).
//!
//! [`SegmentedLink`] has the same shape as
//! [`StreamLink`](super::stream::StreamLink): [`feed`](SegmentedLink::feed)
//! takes one received packet (a GATT write or notification) and hands every
//! completed frame to the node; [`poll_write`](SegmentedLink::poll_write)
//! yields the next packet to send, cutting the node's frames with a
//! [`Segmenter`]. Packets of one frame must arrive in order, as they do on
//! a BLE connection; a frame whose packets stop arriving is dropped
//! `timeout` after its first one ([`handle_timeout`](SegmentedLink::handle_timeout)).
//!
//! # Contract
//!
//! No allocation and no panic on any input. The link holds `SLOTS` frames in
//! reassembly of at most `CAP` bytes each, one received frame and one
//! outgoing frame, never more. Every rejected packet and every expired frame
//! is counted in [`LinkStats`] by reason, and a rejected packet leaves every
//! frame in progress as it was.

use super::{LinkStats, bump};
use crate::node::{MAX_FRAME, Node};
use crate::time::{Duration, Instant};
use crate::wire::segment::MIN_MTU;
use crate::wire::{Reassembler, Segmenter, WireError};

/// Joins a packet link of a given MTU to a [`Node`]: up to `SLOTS` frames of
/// at most `CAP` bytes in reassembly at once.
///
/// ```
/// use applink::time::{Duration, Instant};
/// use applink::transport::ble::SegmentedLink;
/// # use applink::node::Node;
/// # /// Sends one frame, records what it receives.
/// # struct One { out: Option<[u8; 50]>, got: usize }
/// # impl Node for One {
/// #     type Addr = ();
/// #     fn handle_datagram(&mut self, _: (), f: &mut [u8], _: Instant) { self.got = f.len(); }
/// #     fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<((), usize)> {
/// #         buf[..50].copy_from_slice(&self.out.take()?);
/// #         Some(((), 50))
/// #     }
/// #     fn poll_timeout(&self) -> Option<Instant> { None }
/// #     fn handle_timeout(&mut self, _: Instant) {}
/// # }
/// let mut phone = SegmentedLink::<1, 256>::new(20, Duration::from_secs(2)).unwrap();
/// let mut lamp = SegmentedLink::<1, 256>::new(20, Duration::from_secs(2)).unwrap();
/// let mut sender = One { out: Some([7; 50]), got: 0 };
/// let mut receiver = One { out: None, got: 0 };
///
/// let mut packet = [0u8; 20];
/// let mut packets = 0;
/// while let Some(n) = phone.poll_write(&mut sender, &mut packet) {
///     lamp.feed(&mut receiver, (), &packet[..n], Instant::ZERO);
///     packets += 1;
/// }
/// assert_eq!((packets, receiver.got), (4, 50));
/// assert_eq!((phone.stats().sent, lamp.stats().received), (1, 1));
/// ```
#[derive(Debug, Clone)]
pub struct SegmentedLink<const SLOTS: usize, const CAP: usize> {
    reassembler: Reassembler<SLOTS, CAP>,
    mtu: usize,
    rx: [u8; CAP],
    tx: [u8; CAP],
    /// Length of the frame being sent; 0 when none is.
    tx_len: usize,
    /// The MTU the frame being sent is cut for.
    tx_mtu: usize,
    /// Segments of that frame already written.
    tx_done: usize,
    tag: u8,
    stats: LinkStats,
}

impl<const SLOTS: usize, const CAP: usize> SegmentedLink<SLOTS, CAP> {
    /// A link sending packets of at most `mtu` bytes and dropping a frame
    /// `timeout` after its first packet if it is still incomplete.
    ///
    /// Rejects an MTU below [`MIN_MTU`] ([`WireError::MtuTooSmall`]).
    pub const fn new(mtu: usize, timeout: Duration) -> Result<Self, WireError> {
        if mtu < MIN_MTU {
            return Err(WireError::MtuTooSmall);
        }
        Ok(SegmentedLink {
            reassembler: Reassembler::new(timeout),
            mtu,
            rx: [0; CAP],
            tx: [0; CAP],
            tx_len: 0,
            tx_mtu: mtu,
            tx_done: 0,
            tag: 0,
            stats: LinkStats::new(),
        })
    }

    /// The MTU new frames are cut for.
    pub const fn mtu(&self) -> usize {
        self.mtu
    }

    /// Changes the MTU (after an ATT MTU exchange). A frame already being
    /// sent finishes at the MTU it started with.
    pub fn set_mtu(&mut self, mtu: usize) -> Result<(), WireError> {
        if mtu < MIN_MTU {
            return Err(WireError::MtuTooSmall);
        }
        self.mtu = mtu;
        Ok(())
    }

    /// What the link has counted so far.
    pub const fn stats(&self) -> LinkStats {
        self.stats
    }

    /// When a frame in reassembly expires, if one is in progress: call
    /// [`handle_timeout`](Self::handle_timeout) then.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.reassembler.poll_timeout()
    }

    /// Drops (and counts) every frame in reassembly whose time ran out.
    pub fn handle_timeout(&mut self, now: Instant) {
        let before = self.reassembler.in_progress();
        self.reassembler.remove_expired(now);
        let dropped = before.saturating_sub(self.reassembler.in_progress());
        self.stats.expired = self.stats.expired.wrapping_add(dropped as u64);
    }

    /// Takes one packet received from `from` at `now`; when it completes a
    /// frame, hands the frame to `node`.
    pub fn feed<Nd: Node>(&mut self, node: &mut Nd, from: Nd::Addr, packet: &[u8], now: Instant) {
        self.handle_timeout(now);
        let frame = match self.reassembler.push(packet, now) {
            Ok(Some(frame)) => frame,
            Ok(None) => return,
            Err(error) => return self.stats.count(error),
        };
        // CAP bounds every reassembled frame, and `rx` holds CAP bytes.
        let Some(rx) = self.rx.get_mut(..frame.len()) else {
            return bump(&mut self.stats.oversize);
        };
        rx.copy_from_slice(frame);
        bump(&mut self.stats.received);
        node.handle_datagram(from, rx, now);
    }

    /// Writes the next packet to send into `out` (which should hold
    /// [`mtu`](Self::mtu) bytes) and returns its length, or `None` when the
    /// node has nothing to send or `out` is too small for the packet (which
    /// then waits for the next call).
    ///
    /// A frame longer than `CAP` bytes is dropped and counted in
    /// [`LinkStats::dropped`].
    pub fn poll_write<Nd: Node>(&mut self, node: &mut Nd, out: &mut [u8]) -> Option<usize> {
        if self.tx_len == 0 {
            let (_, n) = node.poll_transmit(&mut self.tx[..CAP.min(MAX_FRAME)])?;
            if n == 0 || n > CAP.min(MAX_FRAME) {
                bump(&mut self.stats.dropped);
                return None;
            }
            self.tx_len = n;
            self.tx_mtu = self.mtu;
            self.tx_done = 0;
            self.tag = self.tag.wrapping_add(1);
        }
        // A segmenter borrows its frame, so it is rebuilt for every packet
        // and run past the segments already written.
        let Ok(mut segmenter) = Segmenter::new(&self.tx[..self.tx_len], self.tag, self.tx_mtu)
        else {
            self.tx_len = 0;
            bump(&mut self.stats.dropped);
            return None;
        };
        for _ in 0..self.tx_done {
            segmenter.next_segment(out)?.ok()?;
        }
        let n = match segmenter.next_segment(out) {
            Some(Ok(n)) => n,
            Some(Err(_)) | None => return None,
        };
        self.tx_done += 1;
        if segmenter.is_finished() {
            self.tx_len = 0;
            bump(&mut self.stats.sent);
        }
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::testing::{Echo, frame};

    extern crate std;
    use std::vec::Vec;

    type Link = SegmentedLink<2, 1100>;

    /// Every packet of every frame the node has queued.
    fn packets(link: &mut Link, node: &mut Echo<()>) -> Vec<Vec<u8>> {
        let mut out = [0u8; 244];
        let mut all = Vec::new();
        while let Some(n) = link.poll_write(node, &mut out) {
            assert!(n <= link.mtu());
            all.push(out[..n].to_vec());
            assert!(all.len() < 1000);
        }
        all
    }

    #[test]
    fn frames_cross_at_mtu_20_and_244() {
        for mtu in [20, 244] {
            let big = frame(1, &[0x5A; 1000]);
            let count = crate::wire::segment::segment_count_for(big.len(), mtu);
            let small = frame(2, &[1]);
            let (mut a, mut b) = (
                Link::new(mtu, Duration::from_secs(1)).unwrap(),
                Link::new(mtu, Duration::from_secs(1)).unwrap(),
            );
            let (mut sender, mut receiver) = (Echo::new(), Echo::new());
            sender.replies.push_back(((), big.clone()));
            sender.replies.push_back(((), small.clone()));
            let sent = packets(&mut a, &mut sender);
            assert_eq!(sent.len(), count + 1, "mtu {mtu}");
            for p in &sent {
                b.feed(&mut receiver, (), p, Instant::ZERO);
            }
            assert_eq!(receiver.got, [big.clone(), small.clone()]);
            assert_eq!(
                (a.stats().sent, b.stats().received, b.stats().rejected()),
                (2, 2, 0)
            );
            // The echo comes back the same way.
            for p in packets(&mut b, &mut receiver) {
                a.feed(&mut sender, (), &p, Instant::ZERO);
            }
            assert_eq!(sender.got, [big, small]);
        }
    }

    #[test]
    fn lost_packet_is_counted_and_expires() {
        let mut a = Link::new(20, Duration::from_millis(500)).unwrap();
        let mut b = Link::new(20, Duration::from_millis(500)).unwrap();
        let (mut sender, mut receiver) = (Echo::new(), Echo::new());
        let f = frame(1, &[3; 46]); // 54 bytes: 4 packets at MTU 20
        sender.replies.push_back(((), f.clone()));
        let sent = packets(&mut a, &mut sender);
        assert_eq!(sent.len(), 4);
        for (i, p) in sent.iter().enumerate() {
            if i != 1 {
                b.feed(&mut receiver, (), p, Instant::from_millis(10));
            }
        }
        assert!(receiver.got.is_empty());
        assert_eq!(b.stats().bad_segment, 2);
        assert_eq!(b.poll_timeout(), Some(Instant::from_millis(510)));
        b.handle_timeout(Instant::from_millis(510));
        assert_eq!((b.stats().expired, b.poll_timeout()), (1, None));
        b.feed(&mut receiver, (), &sent[1], Instant::from_millis(520));
        assert_eq!(b.stats().unknown_segment, 1);
        // The next frame crosses whole.
        sender.replies.push_back(((), f.clone()));
        for p in packets(&mut a, &mut sender) {
            b.feed(&mut receiver, (), &p, Instant::from_millis(600));
        }
        assert_eq!(receiver.got, [f]);
        assert_eq!(b.stats().rejected(), 4);
        assert!(Link::new(5, Duration::ZERO).is_err());
    }
}
