//! Reliable delivery on datagram links: the retransmission schedule, the
//! appliance's reply and handshake caches, and the phone's record of the
//! exchanges it has seen. `spec/RELIABILITY.md` specifies the rules; this
//! module holds the pieces both nodes share.
//!
//! ```text
//!  phone                                     appliance
//!  Invoke   x=7 c=12 I R      ──✕  (lost)
//!  Invoke   x=7 c=13 I R      ──▶  runs once, caches the reply under x=7
//!                             ✕──  InvokeReply x=7 A=13          (lost)
//!  Invoke   x=7 c=14 I R      ──▶  x=7, same payload: cached reply again
//!                             ◀──  InvokeReply x=7 A=14
//! ```
//!
//! Every retransmission of a secured frame is sealed anew (a new counter,
//! the same exchange and plaintext), so it can never fall behind the
//! receiver's replay window. Nothing here reads a clock or draws randomness
//! itself: time comes in as an [`Instant`], jitter as a random `u16`.
//!
//! # Contract
//!
//! Every table is bounded by a const generic; a full table refuses (the
//! caller answers `BUSY`) rather than evicting an entry that is still live.
//! A request [`REQUESTS_IN_FLIGHT`] or more exchanges behind the newest is
//! never executed.

use crate::time::{Duration, Instant};
use crate::wire::crc32c;

/// The first retransmission interval.
pub const RETRY_INITIAL: Duration = Duration::from_millis(250);
/// The longest retransmission interval (each one doubles up to this).
pub const RETRY_MAX: Duration = Duration::from_millis(1000);
/// Transmissions of one message at most: the first and 9 retransmissions
/// (on a link losing 20 % of frames each way, a request then fails once in
/// about 28,000).
pub const MAX_TRANSMISSIONS: u8 = 10;
/// How long a cached reply (and an exchange id) stays live: longer than the
/// whole retransmission span with jitter (at most 10.9 s) plus link delay.
pub const EXCHANGE_LIFETIME: Duration = Duration::from_secs(20);
/// Requests a phone keeps outstanding on one session at most.
pub const REQUESTS_IN_FLIGHT: usize = 8;
/// Appliance-opened exchanges a phone remembers, to deliver each once.
pub const SEEN_EXCHANGES: usize = 32;
/// Longest reply payload the appliance's reply cache holds.
pub const CACHED_REPLY_LEN: usize = 64;
/// Longest plaintext frame the handshake cache holds as an answer.
pub const CACHED_HANDSHAKE_LEN: usize = crate::session::MAX_HANDSHAKE_FRAME;

/// The retransmission schedule of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Retry {
    transmissions: u8,
    interval: Duration,
    next: Instant,
}

/// `interval` lengthened by up to a quarter, from a random `u16`.
fn jittered(interval: Duration, random: u16) -> Duration {
    let extra = interval.millis() / 4 * u64::from(random) / u64::from(u16::MAX);
    Duration::from_millis(interval.millis() + extra)
}

impl Retry {
    /// The schedule after the first transmission at `now`.
    pub fn first(now: Instant, random: u16) -> Retry {
        Retry {
            transmissions: 1,
            interval: RETRY_INITIAL,
            next: now.saturating_add(jittered(RETRY_INITIAL, random)),
        }
    }

    /// Moves the next retransmission to `at` at the earliest (an answer
    /// said when to ask again, `Busy { retry_after_ms }`); the count of
    /// transmissions stays.
    pub fn wait_until(&mut self, at: Instant) {
        if at > self.next {
            self.next = at;
        }
    }

    /// When the next retransmission is due (or, after the last one, when
    /// the message is given up).
    pub const fn deadline(&self) -> Instant {
        self.next
    }

    /// How many times the message has been sent.
    pub const fn transmissions(&self) -> u8 {
        self.transmissions
    }

    /// Whether the deadline has passed at `now`.
    pub fn due(&self, now: Instant) -> bool {
        now >= self.next
    }

    /// At the deadline: `true` if the message is to be sent again now (the
    /// schedule moves on), `false` if every transmission is used up and the
    /// message is given up.
    pub fn retransmit(&mut self, now: Instant, random: u16) -> bool {
        if self.transmissions >= MAX_TRANSMISSIONS {
            return false;
        }
        self.transmissions += 1;
        let doubled = Duration::from_millis(self.interval.millis().saturating_mul(2));
        self.interval = if doubled > RETRY_MAX {
            RETRY_MAX
        } else {
            doubled
        };
        self.next = now.saturating_add(jittered(self.interval, random));
        true
    }
}

/// What identifies a request's plaintext: its length and CRC-32C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Fingerprint {
    len: u32,
    crc: u32,
}

impl Fingerprint {
    /// The fingerprint of a payload: its length and CRC-32C.
    pub fn of(bytes: &[u8]) -> Fingerprint {
        Fingerprint {
            len: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
            crc: crc32c(bytes),
        }
    }

    /// The fingerprint of a plaintext frame: its length and the CRC-32C of
    /// everything before its CRC field (the CRC of a whole frame, trailer
    /// included, is the same constant for every valid frame).
    pub fn of_frame(frame: &[u8]) -> Fingerprint {
        let covered = frame.len().saturating_sub(crate::wire::frame::CRC_LEN);
        Fingerprint {
            len: u32::try_from(frame.len()).unwrap_or(u32::MAX),
            crc: crc32c(&frame[..covered]),
        }
    }
}

#[derive(Debug, Clone)]
struct CachedReply {
    exchange: u16,
    request: Fingerprint,
    at: Instant,
    /// `None`: the reply was too long to cache.
    reply: Option<heapless::Vec<u8, CACHED_REPLY_LEN>>,
}

/// What the reply cache knows about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'c> {
    /// Not seen: execute it.
    New,
    /// A retransmission: send this reply payload again, do not execute.
    Retransmission(&'c [u8]),
    /// A retransmission of a request whose reply was too long to cache: it
    /// ran once, and is answered with `RESOURCE_EXHAUSTED` rather than run
    /// again.
    Uncached,
    /// An exchange [`REQUESTS_IN_FLIGHT`] or more behind the newest one the
    /// phone opened: the phone had its reply before it opened the newest,
    /// so this is a stale copy. Dropped, never executed.
    Stale,
}

/// Whether exchange `x` is [`REQUESTS_IN_FLIGHT`] or more behind `newest`
/// (serial arithmetic on the 16-bit id).
pub fn is_stale(newest: u16, x: u16) -> bool {
    let behind = newest.wrapping_sub(x);
    (REQUESTS_IN_FLIGHT as u16..0x8000).contains(&behind)
}

/// One session's replies to non-idempotent requests, keyed by exchange and
/// checked against the request's fingerprint, `N` entries long.
///
/// A phone keeps every outstanding request within [`REQUESTS_IN_FLIGHT`]
/// exchange ids of the newest it has opened, so an entry that far behind
/// the newest exchange seen is obsolete and its slot free: a phone that
/// keeps the rule never meets a full cache when `N >= REQUESTS_IN_FLIGHT`.
#[derive(Debug, Clone, Default)]
pub struct ReplyCache<const N: usize> {
    entries: heapless::Vec<CachedReply, N>,
    newest: Option<u16>,
}

impl<const N: usize> ReplyCache<N> {
    /// An empty cache.
    pub const fn new() -> Self {
        ReplyCache {
            entries: heapless::Vec::new(),
            newest: None,
        }
    }

    /// Looks a request up, and moves the newest exchange on.
    pub fn lookup(&mut self, exchange: u16, request: &[u8], now: Instant) -> Lookup<'_> {
        // Stale first: the phone had this exchange's reply before it opened
        // the newest, whatever the cache still holds.
        if !self.saw(exchange) {
            return Lookup::Stale;
        }
        let fp = Fingerprint::of(request);
        match self
            .entries
            .iter()
            .find(|e| e.exchange == exchange && now < expiry(e.at) && e.request == fp)
        {
            Some(CachedReply {
                reply: Some(reply), ..
            }) => Lookup::Retransmission(reply),
            Some(_) => Lookup::Uncached,
            None => Lookup::New,
        }
    }

    /// Records a request on `exchange` (of any type: an idempotent one
    /// moves the window too) and says whether it is within the window, not
    /// stale.
    pub fn saw(&mut self, exchange: u16) -> bool {
        match self.newest {
            Some(newest) if is_stale(newest, exchange) => false,
            Some(newest) if newest.wrapping_sub(exchange) < 0x8000 => true,
            _ => {
                self.newest = Some(exchange);
                true
            }
        }
    }

    fn free_slot(&self, exchange: u16, now: Instant) -> Option<usize> {
        self.entries.iter().position(|e| {
            e.exchange == exchange
                || now >= expiry(e.at)
                || self.newest.is_some_and(|n| is_stale(n, e.exchange))
        })
    }

    /// Whether a new request on `exchange` can be cached at `now` without
    /// evicting a live entry.
    pub fn has_room(&self, exchange: u16, now: Instant) -> bool {
        !self.entries.is_full() || self.free_slot(exchange, now).is_some()
    }

    /// Caches `reply` for the request; refused (`false`) only when
    /// [`has_room`](Self::has_room) is false.
    pub fn insert(&mut self, exchange: u16, request: &[u8], reply: &[u8], now: Instant) -> bool {
        let entry = CachedReply {
            exchange,
            request: Fingerprint::of(request),
            at: now,
            reply: heapless::Vec::from_slice(reply).ok(),
        };
        match self.free_slot(exchange, now) {
            Some(k) => {
                self.entries[k] = entry;
                true
            }
            None => self.entries.push(entry).is_ok(),
        }
    }

    /// Entries held (live or obsolete).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn expiry(at: Instant) -> Instant {
    at.saturating_add(EXCHANGE_LIFETIME)
}

#[derive(Debug, Clone)]
struct CachedAnswer<A> {
    from: A,
    exchange: u16,
    request: Fingerprint,
    at: Instant,
    answer: heapless::Vec<u8, CACHED_HANDSHAKE_LEN>,
}

/// The appliance's answers to plaintext handshake frames, keyed by (peer
/// address, exchange id, the whole frame's fingerprint): an identical
/// retransmitted frame gets the same answer and is not processed again.
#[derive(Debug, Clone)]
pub struct HandshakeCache<A, const N: usize> {
    entries: heapless::Vec<CachedAnswer<A>, N>,
}

impl<A: Copy + Eq, const N: usize> Default for HandshakeCache<A, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A: Copy + Eq, const N: usize> HandshakeCache<A, N> {
    /// An empty cache.
    pub const fn new() -> Self {
        HandshakeCache {
            entries: heapless::Vec::new(),
        }
    }

    /// The answer to an identical earlier frame (empty: it had none).
    pub fn lookup(&self, from: A, exchange: u16, frame: &[u8], now: Instant) -> Option<&[u8]> {
        let fp = Fingerprint::of_frame(frame);
        self.entries
            .iter()
            .find(|e| e.from == from && e.exchange == exchange && e.request == fp)
            .filter(|e| now < expiry(e.at))
            .map(|e| &e.answer[..])
    }

    /// Records the answer (possibly empty) sent to a frame, replacing the
    /// oldest entry when full (a handshake answer is cheap to lose: the
    /// phone's retransmission is then processed again and refused).
    pub fn insert(&mut self, from: A, exchange: u16, frame: &[u8], answer: &[u8], now: Instant) {
        let Ok(answer) = heapless::Vec::from_slice(answer) else {
            return;
        };
        let entry = CachedAnswer {
            from,
            exchange,
            request: Fingerprint::of_frame(frame),
            at: now,
            answer,
        };
        if self.entries.is_full() {
            let oldest = (0..self.entries.len()).min_by_key(|&k| self.entries[k].at);
            if let Some(k) = oldest {
                self.entries[k] = entry;
            }
        } else {
            let _ = self.entries.push(entry);
        }
    }
}

/// The last [`SEEN_EXCHANGES`] exchange ids a peer opened, to deliver each
/// unsolicited message once however often it is retransmitted.
#[derive(Debug, Clone, Default)]
pub struct SeenExchanges {
    ids: heapless::Deque<u16, SEEN_EXCHANGES>,
}

impl SeenExchanges {
    /// Nothing seen.
    pub const fn new() -> Self {
        SeenExchanges {
            ids: heapless::Deque::new(),
        }
    }

    /// Records `exchange`; `true` if it is new (deliver it), `false` for a
    /// duplicate (acknowledge it again, deliver nothing).
    pub fn first_time(&mut self, exchange: u16) -> bool {
        if self.ids.iter().any(|&x| x == exchange) {
            return false;
        }
        if self.ids.is_full() {
            self.ids.pop_front();
        }
        let _ = self.ids.push_back(exchange);
        true
    }

    /// Forgets everything (a new session).
    pub fn clear(&mut self) {
        self.ids.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_doubles_to_the_cap_with_bounded_jitter_and_ends() {
        let t0 = Instant::from_secs(10);
        let mut r = Retry::first(t0, 0);
        assert_eq!(r.deadline(), t0.saturating_add(RETRY_INITIAL));
        let mut now = r.deadline();
        let mut intervals = [0u64; 9];
        for slot in intervals.iter_mut() {
            assert!(r.retransmit(now, 0));
            *slot = r.deadline().saturating_since(now).millis();
            now = r.deadline();
        }
        assert_eq!(
            intervals,
            [500, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]
        );
        assert_eq!(r.transmissions(), MAX_TRANSMISSIONS);
        assert!(!r.retransmit(now, 0), "ten transmissions at most");
        // The largest jitter adds a quarter.
        let r = Retry::first(t0, u16::MAX);
        assert_eq!(r.deadline().saturating_since(t0).millis(), 250 + 62);
        // The whole span ends within the exchange lifetime.
        let worst: u64 = 312 + 625 + 8 * 1250;
        assert!(worst < EXCHANGE_LIFETIME.millis());
    }

    #[test]
    fn a_retransmitted_request_finds_its_reply_a_new_payload_does_not() {
        let mut c = ReplyCache::<2>::new();
        let now = Instant::from_secs(1);
        assert_eq!(c.lookup(7, b"toggle", now), Lookup::New);
        assert!(c.has_room(7, now));
        assert!(c.insert(7, b"toggle", b"ok", now));
        assert_eq!(c.lookup(7, b"toggle", now), Lookup::Retransmission(b"ok"));
        assert_eq!(
            c.lookup(7, b"level", now),
            Lookup::New,
            "same id, new request"
        );
        assert!(c.insert(8, b"x", &[0u8; CACHED_REPLY_LEN + 1], now));
        assert_eq!(c.lookup(8, b"x", now), Lookup::Uncached);
        // Full of live entries: no room, and nothing is evicted.
        assert_eq!(c.lookup(9, b"y", now), Lookup::New);
        assert!(!c.has_room(9, now));
        assert!(!c.insert(9, b"y", b"z", now));
        assert_eq!(c.lookup(7, b"level", now), Lookup::New);
        // Once expired an entry makes room.
        let later = now.saturating_add(EXCHANGE_LIFETIME);
        assert!(c.has_room(9, later));
        assert!(c.insert(9, b"y", b"z", later));
    }

    #[test]
    fn exchanges_far_behind_the_newest_are_stale_and_their_slots_free() {
        let mut c = ReplyCache::<8>::new();
        let now = Instant::from_secs(1);
        for x in 1..=8u16 {
            assert_eq!(c.lookup(x, b"invoke", now), Lookup::New);
            assert!(c.insert(x, b"invoke", b"done", now));
        }
        // The ninth exchange makes the first obsolete: room without expiry.
        assert_eq!(c.lookup(9, b"invoke", now), Lookup::New);
        assert!(c.has_room(9, now));
        assert!(c.insert(9, b"invoke", b"done", now));
        // A late copy of exchange 1 is never run again.
        assert_eq!(c.lookup(1, b"other", now), Lookup::Stale);
        // A reordered exchange within the window is new.
        assert_eq!(c.lookup(5, b"other", now), Lookup::New);
        assert!(is_stale(3, 0xFFF0), "across the wrap");
        assert!(!is_stale(3, 0xFFFE));
        assert!(!is_stale(3, 9), "ahead is not behind");
    }

    fn frame(exchange: u16, payload: &[u8]) -> heapless::Vec<u8, 32> {
        let mut buf = [0u8; 32];
        let h = crate::wire::Header::plaintext(exchange);
        let n = crate::wire::frame::encode_plain(&h, payload, &mut buf).unwrap();
        heapless::Vec::from_slice(&buf[..n]).unwrap()
    }

    #[test]
    fn handshake_answers_are_matched_by_address_exchange_and_bytes() {
        let mut c = HandshakeCache::<u8, 2>::new();
        let now = Instant::from_secs(1);
        // Two real frames on one exchange, of one length, differ in their
        // CRC field (the CRC over a whole valid frame is a constant).
        let (a, b) = (frame(3, &[21, 1]), frame(3, &[21, 2]));
        c.insert(9, 3, &a, b"reply", now);
        assert_eq!(c.lookup(9, 3, &b, now), None, "a different frame");
        assert_eq!(c.lookup(9, 3, &a, now), Some(&b"reply"[..]));
        assert_eq!(c.lookup(2, 3, &a, now), None, "another address");
        assert_eq!(c.lookup(9, 4, &a, now), None, "another exchange");
        let finish = frame(5, &[4, 0]);
        c.insert(9, 5, &finish, b"", now);
        assert_eq!(c.lookup(9, 5, &finish, now), Some(&b""[..]));
        let third = frame(6, &[4, 1]);
        c.insert(
            9,
            6,
            &third,
            b"",
            now.saturating_add(Duration::from_millis(1)),
        );
        assert_eq!(c.lookup(9, 3, &a, now), None, "the oldest went");
        let later = now.saturating_add(EXCHANGE_LIFETIME);
        assert_eq!(c.lookup(9, 5, &finish, later), None, "expired");
    }

    #[test]
    fn seen_exchanges_deliver_once_and_forget_the_oldest() {
        let mut s = SeenExchanges::new();
        assert!(s.first_time(1));
        assert!(!s.first_time(1));
        for x in 2..=(SEEN_EXCHANGES as u16 + 1) {
            assert!(s.first_time(x));
        }
        assert!(s.first_time(1), "forgotten after SEEN_EXCHANGES others");
    }
}
