//! Segmentation and reassembly for small-MTU links (BLE, ATT MTU 20..244).
//!
//! A message longer than one link packet is cut into segments, each small
//! enough for the link MTU. Every segment names its message by a one-byte tag
//! and its data by an offset; the first segment also carries the total length:
//!
//! ```text
//!  first segment (offset 0):
//!  byte   0      1    2      3    4      5 ..
//!       +------+-----------+-----------+---------------------+
//!       | tag  |  offset   |   total   |  data               |
//!       |  u8  | u16 LE, 0 |  u16 LE   |  up to MTU - 5      |
//!       +------+-----------+-----------+---------------------+
//!
//!  later segments (offset > 0):
//!  byte   0      1    2      3 ..
//!       +------+-----------+---------------------------------+
//!       | tag  |  offset   |  data                           |
//!       |  u8  |  u16 LE   |  up to MTU - 3                  |
//!       +------+-----------+---------------------------------+
//! ```
//!
//! - `tag` identifies the message; a sender uses a new tag for each message,
//!   incrementing and wrapping.
//! - `offset` is where this segment's data starts within the message.
//! - `total` is the message length, `1..=65535`.
//! - Data fills each segment up to the MTU; every segment carries at least one
//!   data byte, so the smallest usable MTU is [`MIN_MTU`] (6).
//!
//! [`Segmenter`] cuts a message into segments in order. [`Reassembler`] puts
//! them back together: it holds up to `SLOTS` messages in progress, keyed by
//! tag, each in a fixed `CAP`-byte buffer. Segments must arrive in order, as
//! they do on a BLE link; a segment that repeats, overlaps, skips ahead of or
//! runs past the data received so far is rejected with its own [`WireError`],
//! and the message in progress is left exactly as it was. A message whose
//! first segment arrived `timeout` or longer ago is dropped; time is passed in
//! by the caller, and [`Reassembler::poll_timeout`] says when to call next.
//!
//! # Contract
//!
//! Both types take untrusted input and never panic, never allocate, and never
//! write beyond `CAP` bytes per message or beyond the output buffer given.
//! Every rejection is a [`WireError`], and a rejected segment changes nothing
//! (apart from expiry, which [`Reassembler::push`] performs first).
//!
//! ```
//! use applink::time::{Duration, Instant};
//! use applink::wire::{Reassembler, Segmenter};
//!
//! let message = [7u8; 50];
//! let mut segmenter = Segmenter::new(&message, 1, 20).unwrap();
//! assert_eq!(segmenter.segment_count(), 4);
//!
//! let mut reassembler = Reassembler::<2, 64>::new(Duration::from_secs(5));
//! let mut out = [0u8; 20];
//! let mut done = false;
//! while let Some(n) = segmenter.next_segment(&mut out) {
//!     let n = n.unwrap();
//!     if let Some(whole) = reassembler.push(&out[..n], Instant::ZERO).unwrap() {
//!         assert_eq!(whole, &message);
//!         done = true;
//!     }
//! }
//! assert!(done);
//! ```

use super::WireError;
use crate::time::{Duration, Instant};

/// Header length of the first segment: tag, offset and total length.
pub const FIRST_HEADER_LEN: usize = 5;

/// Header length of every later segment: tag and offset.
pub const HEADER_LEN: usize = 3;

/// The smallest usable MTU: a first-segment header and one data byte.
pub const MIN_MTU: usize = FIRST_HEADER_LEN + 1;

/// The longest message the format can describe.
pub const MAX_MESSAGE_LEN: usize = u16::MAX as usize;

/// The number of segments a `len`-byte message needs at `mtu`.
///
/// Zero when the message is empty or the MTU is below [`MIN_MTU`], since no
/// segmentation exists then.
///
/// ```
/// use applink::wire::segment::segment_count_for;
/// assert_eq!(segment_count_for(15, 20), 1);
/// assert_eq!(segment_count_for(16, 20), 2);
/// assert_eq!(segment_count_for(40, 20), 3);
/// ```
pub const fn segment_count_for(len: usize, mtu: usize) -> usize {
    if len == 0 || mtu < MIN_MTU {
        return 0;
    }
    let first = mtu - FIRST_HEADER_LEN;
    if len <= first {
        1
    } else {
        1 + (len - first).div_ceil(mtu - HEADER_LEN)
    }
}

/// Cuts one message into segments for a link of a given MTU.
///
/// Call [`next_segment`](Self::next_segment) until it returns `None`, sending
/// each segment as one link packet.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Segmenter<'m> {
    message: &'m [u8],
    tag: u8,
    mtu: usize,
    offset: usize,
}

impl<'m> Segmenter<'m> {
    /// A segmenter for `message`, tagged `tag`, for segments of at most `mtu`
    /// bytes.
    ///
    /// Rejects an empty message ([`WireError::BadSegment`]), one longer than
    /// [`MAX_MESSAGE_LEN`] ([`WireError::MessageTooLarge`]) and an MTU below
    /// [`MIN_MTU`] ([`WireError::MtuTooSmall`]).
    pub fn new(message: &'m [u8], tag: u8, mtu: usize) -> Result<Self, WireError> {
        if message.is_empty() {
            return Err(WireError::BadSegment);
        }
        if message.len() > MAX_MESSAGE_LEN {
            return Err(WireError::MessageTooLarge {
                len: message.len(),
                capacity: MAX_MESSAGE_LEN,
            });
        }
        if mtu < MIN_MTU {
            return Err(WireError::MtuTooSmall);
        }
        Ok(Segmenter {
            message,
            tag,
            mtu,
            offset: 0,
        })
    }

    /// The tag every segment of this message carries.
    pub const fn tag(&self) -> u8 {
        self.tag
    }

    /// The total number of segments for this message.
    pub const fn segment_count(&self) -> usize {
        segment_count_for(self.message.len(), self.mtu)
    }

    /// Whether every segment has been written.
    pub const fn is_finished(&self) -> bool {
        self.offset >= self.message.len()
    }

    /// Writes the next segment into `out` and returns its length, or `None`
    /// once every segment has been written.
    ///
    /// A segment is at most `mtu` bytes. If `out` is shorter than this
    /// segment, returns [`WireError::BufferTooSmall`] and does not advance, so
    /// the call can be retried with a larger buffer.
    pub fn next_segment(&mut self, out: &mut [u8]) -> Option<Result<usize, WireError>> {
        let rest = self.message.get(self.offset..).filter(|r| !r.is_empty())?;
        let header = if self.offset == 0 {
            FIRST_HEADER_LEN
        } else {
            HEADER_LEN
        };
        let data = rest.len().min(self.mtu - header);
        let needed = header + data;
        let Some(out) = out.get_mut(..needed) else {
            return Some(Err(WireError::BufferTooSmall { needed }));
        };
        // Both fit in a u16: `new` bounds the length, and offset < length.
        let offset = self.offset as u16;
        out[0] = self.tag;
        out[1..3].copy_from_slice(&offset.to_le_bytes());
        if header == FIRST_HEADER_LEN {
            let total = self.message.len() as u16;
            out[3..5].copy_from_slice(&total.to_le_bytes());
        }
        out[header..].copy_from_slice(&rest[..data]);
        self.offset += data;
        Some(Ok(needed))
    }
}

/// One message being reassembled.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
struct Slot<const CAP: usize> {
    active: bool,
    tag: u8,
    total: usize,
    received: usize,
    started: Instant,
    buf: [u8; CAP],
}

impl<const CAP: usize> Slot<CAP> {
    const EMPTY: Self = Slot {
        active: false,
        tag: 0,
        total: 0,
        received: 0,
        started: Instant::ZERO,
        buf: [0; CAP],
    };
}

/// A parsed segment header and its data.
struct Parsed<'a> {
    tag: u8,
    offset: usize,
    /// Declared total length; only in a first segment.
    total: Option<usize>,
    data: &'a [u8],
}

fn parse(segment: &[u8]) -> Result<Parsed<'_>, WireError> {
    let (&[tag, o0, o1], rest) = segment
        .split_first_chunk::<HEADER_LEN>()
        .ok_or(WireError::BadSegment)?;
    let offset = usize::from(u16::from_le_bytes([o0, o1]));
    let (total, data) = if offset == 0 {
        let (&[t0, t1], data) = rest.split_first_chunk::<2>().ok_or(WireError::BadSegment)?;
        match u16::from_le_bytes([t0, t1]) {
            0 => return Err(WireError::BadSegment),
            t => (Some(usize::from(t)), data),
        }
    } else {
        (None, rest)
    };
    if data.is_empty() {
        return Err(WireError::BadSegment);
    }
    Ok(Parsed {
        tag,
        offset,
        total,
        data,
    })
}

/// Reassembles segmented messages: up to `SLOTS` at once, each at most `CAP`
/// bytes, held in fixed buffers.
///
/// Feed every received segment to [`push`](Self::push). Segments of one
/// message must arrive in order; segments of different messages (different
/// tags) may interleave. A message that is not completed within `timeout` of
/// its first segment is dropped, freeing its slot.
///
/// Every message, even one that fits in a single segment, passes through a
/// slot's buffer, so a first segment needs a free slot.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Reassembler<const SLOTS: usize, const CAP: usize> {
    slots: [Slot<CAP>; SLOTS],
    timeout: Duration,
}

impl<const SLOTS: usize, const CAP: usize> Reassembler<SLOTS, CAP> {
    /// An empty reassembler that drops a message `timeout` after its first
    /// segment arrived.
    pub const fn new(timeout: Duration) -> Self {
        Reassembler {
            slots: [const { Slot::EMPTY }; SLOTS],
            timeout,
        }
    }

    /// The number of messages in progress.
    pub fn in_progress(&self) -> usize {
        self.slots.iter().filter(|s| s.active).count()
    }

    /// Drops every message in progress.
    pub fn reset(&mut self) {
        for slot in &mut self.slots {
            slot.active = false;
        }
    }

    /// Drops every message whose first segment arrived `timeout` or longer
    /// before `now`.
    pub fn remove_expired(&mut self, now: Instant) {
        let timeout = self.timeout;
        for slot in &mut self.slots {
            if slot.active && now >= slot.started.saturating_add(timeout) {
                slot.active = false;
            }
        }
    }

    /// The earliest instant at which a message in progress expires, or `None`
    /// when none is in progress. Calling [`remove_expired`](Self::remove_expired)
    /// (or [`push`](Self::push)) at that instant drops it.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.slots
            .iter()
            .filter(|s| s.active)
            .map(|s| s.started.saturating_add(self.timeout))
            .min()
    }

    /// Takes one received segment.
    ///
    /// Expired messages are dropped first (see
    /// [`remove_expired`](Self::remove_expired)). Then returns `Ok(Some(message))`
    /// when this segment completes its message (its slot is freed; the slice
    /// borrows the reassembler, or the segment itself when the message came
    /// whole, until the next call), or `Ok(None)` when the message needs more
    /// segments.
    ///
    /// Rejections, none of which changes any message in progress:
    ///
    /// - [`WireError::BadSegment`]: shorter than its header, no data, or a
    ///   first segment declaring length 0;
    /// - [`WireError::MessageTooLarge`]: a first segment declaring more than
    ///   `CAP` bytes;
    /// - [`WireError::UnknownMessage`]: a later segment for a tag with no
    ///   message in progress;
    /// - [`WireError::NoSlot`]: a first segment of a multi-segment message
    ///   while every slot is busy (a message that fits in one segment needs
    ///   no slot: it is returned as it arrived);
    /// - [`WireError::SegmentOverrun`]: data past the declared length;
    /// - [`WireError::OutOfOrderSegment`]: data beyond what has been received
    ///   (the message keeps waiting for the missing data until it expires);
    /// - [`WireError::DuplicateSegment`]: data already received in full;
    /// - [`WireError::OverlappingSegment`]: data partly received already.
    ///
    /// A first segment for a tag already in progress is judged against that
    /// message like any other segment, so it is a duplicate, an overlap or an
    /// overrun.
    pub fn push<'a>(
        &'a mut self,
        segment: &'a [u8],
        now: Instant,
    ) -> Result<Option<&'a [u8]>, WireError> {
        self.remove_expired(now);
        let seg = parse(segment)?;
        let end = seg.offset.saturating_add(seg.data.len());

        if let Some(i) = self.slots.iter().position(|s| s.active && s.tag == seg.tag) {
            let slot = &mut self.slots[i];
            if end > slot.total {
                return Err(WireError::SegmentOverrun);
            }
            if seg.offset > slot.received {
                return Err(WireError::OutOfOrderSegment);
            }
            if end <= slot.received {
                return Err(WireError::DuplicateSegment);
            }
            if seg.offset < slot.received {
                return Err(WireError::OverlappingSegment);
            }
            slot.buf[seg.offset..end].copy_from_slice(seg.data);
            slot.received = end;
            if end < slot.total {
                return Ok(None);
            }
            slot.active = false;
            return Ok(Some(&slot.buf[..end]));
        }

        let Some(total) = seg.total else {
            return Err(WireError::UnknownMessage);
        };
        if total > CAP {
            return Err(WireError::MessageTooLarge {
                len: total,
                capacity: CAP,
            });
        }
        if end > total {
            return Err(WireError::SegmentOverrun);
        }
        if end == total {
            // Whole in one segment: no slot, no copy.
            return Ok(Some(seg.data));
        }
        let slot = self
            .slots
            .iter_mut()
            .find(|s| !s.active)
            .ok_or(WireError::NoSlot)?;
        slot.buf[..end].copy_from_slice(seg.data);
        slot.active = true;
        slot.tag = seg.tag;
        slot.total = total;
        slot.received = end;
        slot.started = now;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    extern crate std;
    use std::vec::Vec;

    const T0: Instant = Instant::ZERO;

    fn segments(message: &[u8], tag: u8, mtu: usize) -> Vec<Vec<u8>> {
        let mut s = Segmenter::new(message, tag, mtu).unwrap();
        let mut out = std::vec![0u8; mtu];
        let mut all = Vec::new();
        while let Some(n) = s.next_segment(&mut out) {
            let n = n.unwrap();
            assert!(n <= mtu);
            all.push(out[..n].to_vec());
        }
        assert_eq!(all.len(), s.segment_count());
        all
    }

    fn message(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + 3) as u8).collect()
    }

    /// Pushes `seg`, expecting `err`, and checks that nothing changed.
    fn reject<const S: usize, const C: usize>(
        r: &mut Reassembler<S, C>,
        seg: &[u8],
        err: WireError,
    ) {
        let before = r.clone();
        assert_eq!(r.push(seg, T0), Err(err));
        assert_eq!(r.slots, before.slots);
    }

    #[test]
    fn golden_three_segments_at_mtu_20() {
        let msg: Vec<u8> = (0..40).collect();
        let segs = segments(&msg, 0x2A, 20);
        #[rustfmt::skip]
        let golden: [&[u8]; 3] = [
            &[0x2A, 0x00, 0x00, 0x28, 0x00,
              0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
              0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E],
            &[0x2A, 0x0F, 0x00,
              0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
              0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F],
            &[0x2A, 0x20, 0x00,
              0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27],
        ];
        assert_eq!(segs.len(), 3);
        for (s, g) in segs.iter().zip(golden) {
            assert_eq!(s.as_slice(), g);
        }
        let mut r = Reassembler::<1, 64>::new(Duration::from_secs(1));
        assert_eq!(r.push(&segs[0], T0), Ok(None));
        assert_eq!(r.push(&segs[1], T0), Ok(None));
        assert_eq!(r.push(&segs[2], T0), Ok(Some(&msg[..])));
        assert_eq!(r.in_progress(), 0);
    }

    #[test]
    fn round_trip_every_mtu() {
        let mut r = Reassembler::<2, 1024>::new(Duration::from_secs(1));
        for mtu in MIN_MTU..=244 {
            for len in [1, 2, 15, 16, 17, 100, 238, 239, 240, 241, 500, 1024] {
                let msg = message(len);
                let segs = segments(&msg, mtu as u8, mtu);
                assert_eq!(segs.len(), segment_count_for(len, mtu));
                let (last, init) = segs.split_last().unwrap();
                for s in init {
                    assert_eq!(r.push(s, T0), Ok(None), "mtu {mtu} len {len}");
                }
                assert_eq!(r.push(last, T0), Ok(Some(&msg[..])), "mtu {mtu} len {len}");
                assert_eq!(r.in_progress(), 0);
            }
        }
    }

    #[test]
    fn segmenter_rejects_bad_parameters() {
        assert_eq!(
            Segmenter::new(&[], 0, 20).err(),
            Some(WireError::BadSegment)
        );
        assert_eq!(
            Segmenter::new(&[1], 0, 5).err(),
            Some(WireError::MtuTooSmall)
        );
        let big = std::vec![0u8; MAX_MESSAGE_LEN + 1];
        assert_eq!(
            Segmenter::new(&big, 0, 20).err(),
            Some(WireError::MessageTooLarge {
                len: MAX_MESSAGE_LEN + 1,
                capacity: MAX_MESSAGE_LEN
            })
        );
        assert!(Segmenter::new(&big[1..], 0, MIN_MTU).is_ok());
        assert_eq!(segment_count_for(0, 20), 0);
        assert_eq!(segment_count_for(10, 5), 0);
        assert_eq!(segment_count_for(1, 6), 1);
        assert_eq!(segment_count_for(4, 6), 2);
    }

    #[test]
    fn small_buffer_does_not_advance() {
        let msg = message(30);
        let mut s = Segmenter::new(&msg, 9, 20).unwrap();
        let mut small = [0u8; 19];
        assert_eq!(
            s.next_segment(&mut small),
            Some(Err(WireError::BufferTooSmall { needed: 20 }))
        );
        let mut out = [0u8; 64];
        assert_eq!(s.next_segment(&mut out), Some(Ok(20)));
        assert_eq!(&out[..5], &[9, 0, 0, 30, 0]);
        // The last segment needs only 3 + 15 bytes.
        assert_eq!(s.next_segment(&mut small[..18]), Some(Ok(18)));
        assert_eq!(&small[..3], &[9, 15, 0]);
        assert!(s.is_finished());
        assert_eq!(s.next_segment(&mut out), None);
    }

    #[test]
    fn malformed_segments() {
        let mut r = Reassembler::<1, 64>::new(Duration::from_secs(1));
        for bad in [
            &[][..],
            &[1, 0],
            &[1, 0, 0],
            &[1, 0, 0, 4],
            &[1, 0, 0, 4, 0],       // first header, no data
            &[1, 0, 0, 0, 0, 0xAA], // declared length 0
            &[1, 4, 0],             // later header, no data
        ] {
            reject(&mut r, bad, WireError::BadSegment);
        }
        reject(&mut r, &[1, 0, 0, 2, 0, 1, 2, 3], WireError::SegmentOverrun);
        assert_eq!(r.in_progress(), 0);
    }

    #[test]
    fn duplicate_overlap_out_of_order_overrun() {
        let msg = message(40);
        let segs = segments(&msg, 5, 20); // data 0..15, 15..32, 32..40
        let mut r = Reassembler::<2, 64>::new(Duration::from_secs(1));
        assert_eq!(r.push(&segs[0], T0), Ok(None));
        reject(&mut r, &segs[0], WireError::DuplicateSegment);
        reject(&mut r, &segs[2], WireError::OutOfOrderSegment);
        reject(&mut r, &[5, 3, 0, 3, 4, 5], WireError::DuplicateSegment);
        reject(&mut r, &[5, 14, 0, 1, 2], WireError::OverlappingSegment);
        // A first segment for the same tag is judged against the message.
        reject(&mut r, &[5, 0, 0, 40, 0, 1], WireError::DuplicateSegment);
        let mut longer_first = [5u8; 25];
        longer_first[1..5].copy_from_slice(&[0, 0, 40, 0]);
        reject(&mut r, &longer_first, WireError::OverlappingSegment);
        assert_eq!(r.push(&segs[1], T0), Ok(None));
        let mut overrun = segs[2].clone();
        overrun.push(0xEE);
        reject(&mut r, &overrun, WireError::SegmentOverrun);
        reject(&mut r, &[5, 0xFF, 0xFF, 1], WireError::SegmentOverrun);
        assert_eq!(r.in_progress(), 1);
        assert_eq!(r.push(&segs[2], T0), Ok(Some(&msg[..])));
        assert_eq!(r.in_progress(), 0);
    }

    #[test]
    fn oversize_unknown_and_no_slot() {
        let mut r = Reassembler::<2, 32>::new(Duration::from_secs(1));
        reject(
            &mut r,
            &[1, 0, 0, 33, 0, 1],
            WireError::MessageTooLarge {
                len: 33,
                capacity: 32,
            },
        );
        reject(&mut r, &[1, 15, 0, 1], WireError::UnknownMessage);
        let (a, b, c) = (message(30), message(31), message(32));
        let (sa, sb, sc) = (
            segments(&a, 1, 20),
            segments(&b, 2, 20),
            segments(&c, 3, 20),
        );
        assert_eq!(r.push(&sa[0], T0), Ok(None));
        assert_eq!(r.push(&sb[0], T0), Ok(None));
        reject(&mut r, &sc[0], WireError::NoSlot);
        // A message whole in one segment needs no slot, even now.
        let before = r.clone();
        assert_eq!(r.push(&[3, 0, 0, 1, 0, 9], T0), Ok(Some(&[9u8][..])));
        assert_eq!(r.slots, before.slots);
        reject(&mut r, &sc[1], WireError::UnknownMessage);
        assert_eq!(r.push(&sb[1], T0), Ok(Some(&b[..])));
        // The freed slot takes the third message; the first is unharmed.
        assert_eq!(r.push(&sc[0], T0), Ok(None));
        assert_eq!(r.push(&sa[1], T0), Ok(Some(&a[..])));
        assert_eq!(r.push(&sc[1], T0), Ok(Some(&c[..])));
        // A single-segment message completes at once.
        assert_eq!(r.push(&[4, 0, 0, 1, 0, 9], T0), Ok(Some(&[9][..])));
        assert_eq!(r.in_progress(), 0);
    }

    #[test]
    fn interleaved_messages() {
        let (a, b) = (message(50), message(45));
        let sa = segments(&a, 10, 20);
        let sb = segments(&b, 11, 20);
        assert_eq!((sa.len(), sb.len()), (4, 3));
        let mut r = Reassembler::<2, 64>::new(Duration::from_secs(1));
        assert_eq!(r.push(&sa[0], T0), Ok(None));
        assert_eq!(r.push(&sb[0], T0), Ok(None));
        assert_eq!(r.push(&sa[1], T0), Ok(None));
        assert_eq!(r.push(&sb[1], T0), Ok(None));
        assert_eq!(r.push(&sa[2], T0), Ok(None));
        assert_eq!(r.in_progress(), 2);
        assert_eq!(r.push(&sb[2], T0), Ok(Some(&b[..])));
        assert_eq!(r.push(&sa[3], T0), Ok(Some(&a[..])));
        assert_eq!(r.in_progress(), 0);
    }

    #[test]
    fn expiry() {
        let timeout = Duration::from_millis(500);
        let mut r = Reassembler::<2, 64>::new(timeout);
        assert_eq!(r.poll_timeout(), None);
        let (a, b) = (message(30), message(30));
        let (sa, sb) = (segments(&a, 1, 20), segments(&b, 2, 20));
        assert_eq!(r.push(&sa[0], Instant::from_millis(100)), Ok(None));
        assert_eq!(r.push(&sb[0], Instant::from_millis(300)), Ok(None));
        assert_eq!(r.poll_timeout(), Some(Instant::from_millis(600)));
        r.remove_expired(Instant::from_millis(599));
        assert_eq!(r.in_progress(), 2);
        r.remove_expired(Instant::from_millis(600));
        assert_eq!(r.in_progress(), 1);
        assert_eq!(r.poll_timeout(), Some(Instant::from_millis(800)));
        assert_eq!(
            r.push(&sa[1], Instant::from_millis(601)),
            Err(WireError::UnknownMessage)
        );
        assert_eq!(r.push(&sb[1], Instant::from_millis(799)), Ok(Some(&b[..])));
        assert_eq!(r.poll_timeout(), None);
        // push expires before it looks: a late continuation finds nothing.
        assert_eq!(r.push(&sa[0], Instant::from_millis(1000)), Ok(None));
        assert_eq!(
            r.push(&sa[1], Instant::from_millis(1500)),
            Err(WireError::UnknownMessage)
        );
        assert_eq!(r.in_progress(), 0);
        // An out-of-order segment leaves the message waiting until it expires.
        assert_eq!(r.push(&sa[0], Instant::from_millis(2000)), Ok(None));
        let skipped = [1, 20, 0, 1];
        assert_eq!(
            r.push(&skipped, Instant::from_millis(2100)),
            Err(WireError::OutOfOrderSegment)
        );
        assert_eq!(r.poll_timeout(), Some(Instant::from_millis(2500)));
        r.reset();
        assert_eq!(r.in_progress(), 0);
    }

    /// A segment for the fuzz test: sometimes structured, sometimes raw.
    fn any_segment() -> impl Strategy<Value = Vec<u8>> {
        let structured = (
            0u8..3,
            0u16..48,
            0u16..48,
            proptest::collection::vec(any::<u8>(), 0..24),
        )
            .prop_map(|(tag, offset, total, data)| {
                let mut s = std::vec![tag];
                s.extend_from_slice(&offset.to_le_bytes());
                if offset == 0 {
                    s.extend_from_slice(&total.to_le_bytes());
                }
                s.extend(data);
                s
            });
        prop_oneof![structured, proptest::collection::vec(any::<u8>(), 0..32)]
    }

    proptest! {
        #[test]
        fn arbitrary_segments_never_panic(
            input in proptest::collection::vec((any_segment(), 0u64..50), 0..64)
        ) {
            let mut r = Reassembler::<2, 32>::new(Duration::from_millis(200));
            let mut now = 0;
            for (seg, dt) in &input {
                now += dt;
                if let Ok(Some(m)) = r.push(seg, Instant::from_millis(now)) {
                    prop_assert!(!m.is_empty() && m.len() <= 32);
                }
                prop_assert!(r.in_progress() <= 2);
                if let Some(t) = r.poll_timeout() {
                    prop_assert!(t > Instant::from_millis(now));
                }
            }
        }

        #[test]
        fn only_in_order_delivery_completes(
            msg in proptest::collection::vec(any::<u8>(), 1..300),
            mtu in MIN_MTU..64usize,
            picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..80),
        ) {
            let segs = segments(&msg, 7, mtu);
            let mut r = Reassembler::<1, 300>::new(Duration::from_secs(1));
            let mut next = 0;
            let mut completions = 0;
            // Random picks (with repeats), then every segment in order.
            let order = picks.iter().map(|p| p.index(segs.len())).chain(0..segs.len());
            for i in order {
                let got = r.push(&segs[i], T0);
                if i == next {
                    next += 1;
                    if next == segs.len() {
                        prop_assert_eq!(got, Ok(Some(&msg[..])));
                        completions += 1;
                        next = 0;
                    } else {
                        prop_assert_eq!(got, Ok(None));
                    }
                } else if next == 0 {
                    prop_assert_eq!(got, Err(WireError::UnknownMessage));
                } else if i < next {
                    prop_assert_eq!(got, Err(WireError::DuplicateSegment));
                } else {
                    prop_assert_eq!(got, Err(WireError::OutOfOrderSegment));
                }
            }
            prop_assert!(completions >= 1);
        }
    }
}
