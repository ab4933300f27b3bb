//! The soak test's lossy radio: a seeded PRNG and one direction of a
//! small-MTU link that segments every frame, then loses, duplicates,
//! delays and so reorders what it carries, on simulated time.

use std::collections::VecDeque;

use applink::time::{Duration, Instant};
use applink::wire::{Reassembler, Segmenter, WireError};

/// SplitMix64: a tiny, well-mixed generator, reproducible from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `per_mille` / 1000.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.next_u64() % 1000 < per_mille
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let x = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&x[..chunk.len()]);
        }
    }
}

/// How a link misbehaves.
#[derive(Clone, Copy, Debug)]
pub struct Faults {
    /// A whole frame lost, per mille.
    pub loss: u64,
    /// A frame delivered twice, per mille.
    pub duplicate: u64,
    /// One segment of a frame lost, per mille per segment.
    pub segment_loss: u64,
    /// Shortest and longest delay; anything in between reorders frames.
    pub delay_ms: (u64, u64),
    /// A frame stalled far longer (a radio retrying), per mille.
    pub stall: u64,
    /// The range of a stall.
    pub stall_ms: (u64, u64),
}

/// The link packet size (BLE ATT MTU 23 less the 3-byte ATT header).
pub const MTU: usize = 20;
/// Frames in flight a link holds at most (its buffer, bounded by design).
pub const CAPACITY: usize = 256;
/// Messages one receiver reassembles at once.
pub const SLOTS: usize = 8;
/// Largest frame a receiver reassembles.
pub const MAX_FRAME: usize = 256;
/// How long a reassembly slot waits for the rest of a message.
pub const REASSEMBLY_TIMEOUT: Duration = Duration::from_millis(250);

/// What the test knows about a frame (never read by the protocol side).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    /// The secured frame's message counter.
    pub counter: u32,
}

struct InFlight {
    due: Instant,
    order: u64,
    segments: Vec<Vec<u8>>,
    meta: Meta,
}

/// Frame counts for one direction.
#[derive(Default, Debug, Clone, Copy)]
pub struct Stats {
    pub frames: u64,
    pub lost: u64,
    pub duplicated: u64,
    pub segments: u64,
    pub segments_lost: u64,
    pub reordered: u64,
    pub stalled: u64,
    pub overflow: u64,
    pub max_in_flight: usize,
}

/// One direction of the link.
pub struct Link {
    faults: Faults,
    queue: VecDeque<InFlight>,
    next_tag: u8,
    next_order: u64,
    highest_delivered: Option<u64>,
    pub stats: Stats,
}

impl Link {
    pub fn new(faults: Faults) -> Self {
        Link {
            faults,
            queue: VecDeque::with_capacity(CAPACITY),
            next_tag: 0,
            next_order: 0,
            highest_delivered: None,
            stats: Stats::default(),
        }
    }

    /// Frames in flight (copies count separately).
    pub fn in_flight(&self) -> usize {
        self.queue.len()
    }

    /// Segments `frame` and puts it on the air (or loses it).
    pub fn send(&mut self, frame: &[u8], meta: Meta, now: Instant, rng: &mut Rng) {
        self.stats.frames += 1;
        let tag = self.next_tag;
        self.next_tag = self.next_tag.wrapping_add(1);
        let order = self.next_order;
        self.next_order += 1;
        let mut segmenter = Segmenter::new(frame, tag, MTU).expect("frame fits a segmenter");
        let mut segments = Vec::with_capacity(segmenter.segment_count());
        let mut out = [0u8; MTU];
        while let Some(n) = segmenter.next_segment(&mut out) {
            segments.push(out[..n.expect("segment fits")].to_vec());
        }
        self.stats.segments += segments.len() as u64;
        if rng.chance(self.faults.loss) {
            self.stats.lost += 1;
            return;
        }
        let copies = if rng.chance(self.faults.duplicate) {
            self.stats.duplicated += 1;
            2
        } else {
            1
        };
        for _ in 0..copies {
            let (lo, hi) = if rng.chance(self.faults.stall) {
                self.stats.stalled += 1;
                self.faults.stall_ms
            } else {
                self.faults.delay_ms
            };
            let due = now + Duration::from_millis(rng.range(lo, hi));
            let kept: Vec<Vec<u8>> = segments
                .iter()
                .filter(|_| {
                    let lost = rng.chance(self.faults.segment_loss);
                    self.stats.segments_lost += u64::from(lost);
                    !lost
                })
                .cloned()
                .collect();
            if self.queue.len() == CAPACITY {
                self.stats.overflow += 1;
                continue;
            }
            self.queue.push_back(InFlight {
                due,
                order,
                segments: kept,
                meta,
            });
        }
        self.stats.max_in_flight = self.stats.max_in_flight.max(self.queue.len());
    }

    /// Everything due at `now`: each frame's surviving segments, in order.
    pub fn deliver(&mut self, now: Instant) -> Vec<(Vec<Vec<u8>>, Meta)> {
        let mut due: Vec<InFlight> = Vec::new();
        let mut k = 0;
        while k < self.queue.len() {
            if self.queue[k].due <= now {
                due.extend(self.queue.remove(k));
            } else {
                k += 1;
            }
        }
        due.sort_by_key(|f| (f.due, f.order));
        due.into_iter()
            .map(|f| {
                match self.highest_delivered {
                    Some(h) if f.order < h => self.stats.reordered += 1,
                    _ => self.highest_delivered = Some(f.order),
                }
                (f.segments, f.meta)
            })
            .collect()
    }
}

/// Feeds one frame's segments to `reassembler`; the frame, if they
/// complete it. Every rejection segments of a lossy link may get (a repeat
/// of a frame that already completed, segments after a lost one) is
/// counted in `rejected`; any other fails the test.
pub fn reassemble(
    reassembler: &mut Reassembler<SLOTS, MAX_FRAME>,
    segments: &[Vec<u8>],
    now: Instant,
    rejected: &mut u64,
) -> Option<Vec<u8>> {
    for (k, segment) in segments.iter().enumerate() {
        match reassembler.push(segment, now) {
            Ok(Some(frame)) => {
                assert_eq!(k + 1, segments.len(), "a frame completed early");
                return Some(frame.to_vec());
            }
            Ok(None) => {}
            Err(
                WireError::OutOfOrderSegment
                | WireError::UnknownMessage
                | WireError::DuplicateSegment
                | WireError::OverlappingSegment,
            ) => *rejected += 1,
            Err(other) => panic!("reassembly failed on a lossy but honest link: {other:?}"),
        }
    }
    None
}
