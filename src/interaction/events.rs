//! Event numbering that survives reboots, and the bounded log events wait
//! in until every interested subscription has taken them.
//!
//! Sequence numbers are reserved in blocks: [`EventCounter`] persists the
//! *end* of the current block through a [`SequenceStore`] once per
//! `block` events, and after a reboot resumes from the stored end. Numbers
//! therefore always increase; a reboot skips the unused rest of a block,
//! which a controller sees as a gap (events still queued at the reboot are
//! lost, so it is one).

use heapless::Deque;

use super::InteractionError;

/// Where the event counter keeps its reservation (a flash word, an EEPROM
/// cell, a file).
pub trait SequenceStore {
    /// The last value stored, or 0 if none ever was.
    fn load(&mut self) -> u64;
    /// Persists `limit`. Returns false if it could not.
    fn store(&mut self, limit: u64) -> bool;
}

/// A [`SequenceStore`] in RAM, for tests and devices without storage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RamSequenceStore {
    /// The stored limit.
    pub limit: u64,
    /// How many times it was written.
    pub writes: u32,
}

impl SequenceStore for RamSequenceStore {
    fn load(&mut self) -> u64 {
        self.limit
    }

    fn store(&mut self, limit: u64) -> bool {
        self.limit = limit;
        self.writes += 1;
        true
    }
}

/// Hands out increasing event sequence numbers, writing the store once
/// per block.
#[derive(Debug)]
pub struct EventCounter<S> {
    store: S,
    next: u64,
    limit: u64,
    block: u64,
}

impl<S: SequenceStore> EventCounter<S> {
    /// Resumes numbering after whatever `store` last reserved, reserving
    /// `block` (at least 1) numbers at a time.
    pub fn new(mut store: S, block: u64) -> Self {
        let next = store.load();
        EventCounter {
            store,
            next,
            limit: next,
            block: block.max(1),
        }
    }

    /// The number the next event will get.
    pub fn peek(&self) -> u64 {
        self.next
    }

    /// Takes the next number, persisting a new reservation if the current
    /// one is used up.
    pub fn take(&mut self) -> Result<u64, InteractionError> {
        if self.next >= self.limit {
            let limit = self.next.saturating_add(self.block);
            if !self.store.store(limit) {
                return Err(InteractionError::Persistence);
            }
            self.limit = limit;
        }
        let n = self.next;
        self.next += 1;
        Ok(n)
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }
}

/// Bytes of bookkeeping per logged event: length (u16) and sequence (u64).
const ENTRY_HEAD: usize = 10;

/// A bounded log of encoded `Event` messages, `N` bytes in all; the oldest
/// are dropped to make room.
#[derive(Debug, Default)]
pub struct EventLog<const N: usize> {
    bytes: Deque<u8, N>,
}

impl<const N: usize> EventLog<N> {
    /// An empty log.
    pub const fn new() -> Self {
        EventLog {
            bytes: Deque::new(),
        }
    }

    /// Appends an encoded event, dropping old ones as needed.
    pub fn push(&mut self, sequence: u64, payload: &[u8]) -> Result<(), InteractionError> {
        let need = ENTRY_HEAD + payload.len();
        if need > N || payload.len() > usize::from(u16::MAX) {
            return Err(InteractionError::EventTooLarge);
        }
        while N - self.bytes.len() < need {
            self.drop_oldest();
        }
        let len = (payload.len() as u16).to_le_bytes();
        for b in len.iter().chain(&sequence.to_le_bytes()).chain(payload) {
            // Room was made above.
            let _ = self.bytes.push_back(*b);
        }
        Ok(())
    }

    fn drop_oldest(&mut self) {
        let len = self.head_len(0);
        for _ in 0..ENTRY_HEAD + len {
            self.bytes.pop_front();
        }
    }

    /// The `i`th byte of the log, in constant time.
    fn byte(&self, i: usize) -> u8 {
        let (front, back) = self.bytes.as_slices();
        match i.checked_sub(front.len()) {
            None => front[i],
            Some(j) => back.get(j).copied().unwrap_or(0),
        }
    }

    fn head_len(&self, at: usize) -> usize {
        usize::from(u16::from_le_bytes([self.byte(at), self.byte(at + 1)]))
    }

    /// The first logged event numbered `from` or later: its sequence number
    /// and, if it fits `out`, its length after copying it there.
    pub fn first_from(&self, from: u64, out: &mut [u8]) -> Option<(u64, Option<usize>)> {
        let mut at = 0;
        while at + ENTRY_HEAD <= self.bytes.len() {
            let len = self.head_len(at);
            let mut seq = [0u8; 8];
            for (i, b) in seq.iter_mut().enumerate() {
                *b = self.byte(at + 2 + i);
            }
            let seq = u64::from_le_bytes(seq);
            if seq >= from {
                let Some(dst) = out.get_mut(..len) else {
                    return Some((seq, None));
                };
                for (i, d) in dst.iter_mut().enumerate() {
                    *d = self.byte(at + ENTRY_HEAD + i);
                }
                return Some((seq, Some(len)));
            }
            at += ENTRY_HEAD + len;
        }
        None
    }

    /// Whether an event numbered `from` or later is logged.
    pub fn has_from(&self, from: u64) -> bool {
        self.newest().is_some_and(|s| s >= from)
    }

    fn newest(&self) -> Option<u64> {
        let mut at = 0;
        let mut last = None;
        while at + ENTRY_HEAD <= self.bytes.len() {
            let mut seq = [0u8; 8];
            for (i, b) in seq.iter_mut().enumerate() {
                *b = self.byte(at + 2 + i);
            }
            last = Some(u64::from_le_bytes(seq));
            at += ENTRY_HEAD + self.head_len(at);
        }
        last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_increase_across_reboots_with_rare_writes() {
        let mut c = EventCounter::new(RamSequenceStore::default(), 100);
        for expect in 0..250 {
            assert_eq!(c.take().unwrap(), expect);
        }
        assert_eq!(c.store().writes, 3);
        // Reboot: resume after the reserved block.
        let store = *c.store();
        let mut c = EventCounter::new(store, 100);
        assert_eq!(c.take().unwrap(), 300);
    }

    #[test]
    fn log_drops_oldest() {
        let mut log = EventLog::<40>::new();
        log.push(1, &[1; 10]).unwrap();
        log.push(2, &[2; 10]).unwrap();
        log.push(3, &[3; 10]).unwrap(); // evicts 1
        let mut out = [0u8; 16];
        assert_eq!(log.first_from(0, &mut out), Some((2, Some(10))));
        assert_eq!(out[..10], [2; 10]);
        assert_eq!(log.first_from(3, &mut out), Some((3, Some(10))));
        assert_eq!(log.first_from(3, &mut [0u8; 4]), Some((3, None)));
        assert_eq!(log.first_from(4, &mut out), None);
        assert!(log.has_from(3));
        assert!(!log.has_from(4));
        assert_eq!(log.push(4, &[0; 31]), Err(InteractionError::EventTooLarge));
    }

    #[test]
    fn entries_read_back_across_the_ring_buffer_wrap() {
        let mut log = EventLog::<40>::new();
        let mut out = [0u8; 16];
        // Odd sizes, so entries straddle the end of the ring at every offset.
        for seq in 1..200u64 {
            let len = 1 + (seq as usize * 7) % 13;
            let fill = seq as u8;
            log.push(seq, &[fill; 13][..len]).unwrap();
            assert_eq!(log.first_from(seq, &mut out), Some((seq, Some(len))));
            assert!(out[..len].iter().all(|&b| b == fill), "{seq}");
        }
    }
}
