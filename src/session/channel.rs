//! The secure channel: sealing and opening secured frames.
//!
//! ```text
//!  | header 10/14 (associated data) | ChaCha20-Poly1305 ciphertext | tag 16 |
//!
//!  nonce (12 bytes):  byte 0      direction: 0x00 phone → appliance,
//!                                            0x01 appliance → phone
//!                     bytes 1..4  zero
//!                     bytes 4..8  the header's counter, u32 little-endian
//!                     bytes 8..12 zero
//! ```
//!
//! Each direction has its own key, its own counter (starting at 0, one per
//! frame sent, never reused and never wrapped: after counter `0xFFFF_FFFF`
//! the channel is closed and a new session must be resumed) and its own key
//! phase (flag K). A sender updates its key with [`SecureChannel::update_keys`]:
//! `next = HKDF-SHA256(salt = empty, ikm = current, info =
//! "applink/v1/key-update", 32 bytes)`, and flips K. A receiver that sees the
//! other phase with a counter above every counter it has accepted derives the
//! next key, and switches to it only if the frame authenticates; a frame of
//! the other phase below that is tried with the previous key.
//!
//! A received frame is checked in this order: header, session id, replay
//! window (no change), tag (no change on failure), then the window is
//! updated. The idle timer restarts with every authenticated frame received,
//! and [`SecureChannel::open`] enforces it itself: a frame that arrives
//! after the idle deadline ends the channel even if the caller never ran
//! [`SecureChannel::handle_timeout`].

use zeroize::Zeroize;

use crate::crypto::{AeadKey, CryptoProvider, NONCE_LEN};
use crate::message::{Close, Message, Status};
use crate::time::{Duration, Instant};
use crate::wire::{Flags, Header, frame::TAG_LEN, header::SECURED_LEN, layout_secured};

use super::{ReplayWindow, SessionError};

/// The HKDF label of a key update.
pub const KEY_UPDATE_LABEL: &[u8] = b"applink/v1/key-update";

/// Frames a sender seals under one key before it may update it: as many as
/// the replay window holds, so a frame two key phases old is always below
/// the window, and reordering can never make a genuine frame fail.
pub const MIN_FRAMES_PER_KEY_PHASE: u64 = ReplayWindow::SIZE as u64;

/// Frames accepted under a new receive key after which the previous key is
/// erased: the replay window's size, so every counter of the old phase is
/// by then below the window anyway.
pub const PREVIOUS_KEY_FRAMES: u32 = ReplayWindow::SIZE;

/// How long after switching to a new receive key the previous one is kept
/// at most. Longer than a message's whole retransmission span
/// (`spec/RELIABILITY.md` section 2: the last transmission leaves at most
/// 9.7 s after the first), and retransmissions are sealed anew under the
/// current key, so only a frame delayed on the link this long is refused.
pub const PREVIOUS_KEY_LIFETIME: Duration = Duration::from_secs(10);

/// The largest body a frame that may be two key phases ahead is copied
/// from before the first attempt: that of the largest frame the reference
/// accepts (1024 bytes, `spec/SPEC.md`). A longer frame is tried under the
/// current key only.
const FALLBACK_BODY_MAX: usize = 1024 - SECURED_LEN - TAG_LEN;

/// Which end of the session this side is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Role {
    /// The phone (the initiator of every handshake).
    Phone,
    /// The appliance.
    Appliance,
}

/// The two traffic keys a handshake produces. Zeroized when dropped; not
/// `Clone` and not comparable.
pub struct SessionKeys {
    /// Seals frames from the phone to the appliance.
    pub phone_to_appliance: AeadKey,
    /// Seals frames from the appliance to the phone.
    pub appliance_to_phone: AeadKey,
}

crate::crypto::zeroize_on_drop!(SessionKeys {
    phone_to_appliance,
    appliance_to_phone
});

impl core::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SessionKeys(..)")
    }
}

/// Why a channel ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Ended {
    /// This side sent Close.
    ClosedLocally(Status),
    /// The peer sent Close.
    ClosedByPeer(Status),
    /// No authenticated frame arrived within the idle timeout.
    IdleTimeout,
    /// The send counter ran out.
    CounterExhausted,
}

/// One traffic key, zeroized when replaced or dropped.
struct Key(AeadKey);

impl Drop for Key {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

struct Tx {
    key: Key,
    phase: bool,
    next: u64,
    /// The first counter sealed under the current key.
    phase_start: u64,
    direction: u8,
}

/// The receive key of the phase before the current one, kept for late
/// frames of that phase within bounds.
struct Previous {
    key: Key,
    /// Frames accepted under the current key since it replaced this one.
    accepted_since: u32,
    /// When it is erased whatever arrives.
    erase_at: Instant,
}

impl Previous {
    fn new(key: Key, now: Instant) -> Self {
        Previous {
            key,
            accepted_since: 0,
            erase_at: now.saturating_add(PREVIOUS_KEY_LIFETIME),
        }
    }
}

struct Rx {
    current: Key,
    previous: Option<Previous>,
    phase: bool,
    window: ReplayWindow,
    direction: u8,
}

impl Rx {
    /// Erases the previous key if its time is up.
    fn expire_previous(&mut self, now: Instant) {
        if self
            .previous
            .as_ref()
            .is_some_and(|prev| now >= prev.erase_at)
        {
            self.previous = None;
        }
    }

    /// Counts a frame accepted under the current key, erasing the previous
    /// key after [`PREVIOUS_KEY_FRAMES`] of them.
    fn accepted_under_current(&mut self) {
        if let Some(prev) = &mut self.previous {
            prev.accepted_since += 1;
            if prev.accepted_since >= PREVIOUS_KEY_FRAMES {
                self.previous = None;
            }
        }
    }
}

/// One secured session: keys, counters, replay window and idle timer.
///
/// Keys are zeroized when replaced or dropped. The channel cannot be
/// cloned, since a clone would seal under the same key and counters and so
/// reuse nonces; two channels with the same keys must be built on purpose,
/// each with [`SecureChannel::new`]:
///
/// ```compile_fail
/// use applink::session::{Role, SecureChannel, SessionKeys};
/// use applink::time::{Duration, Instant};
///
/// let keys = SessionKeys { phone_to_appliance: [1; 32], appliance_to_phone: [2; 32] };
/// let channel = SecureChannel::new(Role::Phone, &keys, 1, 2, Duration::from_secs(30), Instant::ZERO);
/// let twin = channel.clone();
/// ```
pub struct SecureChannel {
    role: Role,
    local_session: u16,
    peer_session: u16,
    tx: Tx,
    rx: Rx,
    idle_timeout: Duration,
    last_rx: Instant,
    ended: Option<Ended>,
}

impl core::fmt::Debug for SecureChannel {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SecureChannel")
            .field("role", &self.role)
            .field("local_session", &self.local_session)
            .field("peer_session", &self.peer_session)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

fn nonce(direction: u8, counter: u32) -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    n[0] = direction;
    n[4..8].copy_from_slice(&counter.to_le_bytes());
    n
}

fn next_key<P: CryptoProvider>(p: &P, key: &Key) -> Result<Key, SessionError> {
    let mut out = Key([0u8; 32]);
    p.hkdf_sha256(&[], &key.0, &[KEY_UPDATE_LABEL], &mut out.0)?;
    Ok(out)
}

/// Opens a frame of the receiver's own phase that is far enough ahead to be
/// two key phases on: under `current`, else under the key two updates on,
/// which is returned with the skipped one. The second attempt runs on an
/// untouched copy of the ciphertext, since a provider may zero or scramble
/// the buffer when an attempt fails. Kept out of line so the copy takes
/// stack only on this path.
#[inline(never)]
fn open_far<P: CryptoProvider>(
    p: &P,
    current: &Key,
    n: &[u8; NONCE_LEN],
    aad: &[u8],
    body: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> Result<Option<(Key, Key)>, SessionError> {
    let mut copy = [0u8; FALLBACK_BODY_MAX];
    let Some(saved) = copy.get_mut(..body.len()) else {
        p.aead_open(&current.0, n, aad, body, tag)
            .map_err(|_| SessionError::Authentication)?;
        return Ok(None);
    };
    saved.copy_from_slice(body);
    if p.aead_open(&current.0, n, aad, body, tag).is_ok() {
        return Ok(None);
    }
    body.copy_from_slice(saved);
    let skipped = next_key(p, current)?;
    let next = next_key(p, &skipped)?;
    p.aead_open(&next.0, n, aad, body, tag)
        .map_err(|_| SessionError::Authentication)?;
    Ok(Some((skipped, next)))
}

impl SecureChannel {
    /// A channel for `role` with the handshake's keys. Frames this side
    /// receives carry `local_session`; frames it sends carry `peer_session`.
    pub fn new(
        role: Role,
        keys: &SessionKeys,
        local_session: u16,
        peer_session: u16,
        idle_timeout: Duration,
        now: Instant,
    ) -> Self {
        let (tx_key, rx_key, tx_dir) = match role {
            Role::Phone => (&keys.phone_to_appliance, &keys.appliance_to_phone, 0),
            Role::Appliance => (&keys.appliance_to_phone, &keys.phone_to_appliance, 1),
        };
        SecureChannel {
            role,
            local_session,
            peer_session,
            tx: Tx {
                key: Key(*tx_key),
                phase: false,
                next: 0,
                phase_start: 0,
                direction: tx_dir,
            },
            rx: Rx {
                current: Key(*rx_key),
                previous: None,
                phase: false,
                window: ReplayWindow::new(),
                direction: 1 - tx_dir,
            },
            idle_timeout,
            last_rx: now,
            ended: None,
        }
    }

    /// This side's role.
    pub const fn role(&self) -> Role {
        self.role
    }

    /// The session id frames to this side carry.
    pub const fn local_session(&self) -> u16 {
        self.local_session
    }

    /// The session id frames from this side carry.
    pub const fn peer_session(&self) -> u16 {
        self.peer_session
    }

    /// Why the channel ended, or `None` while it is open.
    pub const fn ended(&self) -> Option<Ended> {
        self.ended
    }

    /// Whether frames can still be sent and received.
    pub const fn is_open(&self) -> bool {
        self.ended.is_none()
    }

    /// The counter the next sealed frame will carry, if any is left.
    pub fn next_counter(&self) -> Option<u32> {
        u32::try_from(self.tx.next).ok()
    }

    /// The current send key phase (flag K).
    pub const fn send_phase(&self) -> bool {
        self.tx.phase
    }

    /// The current receive key phase.
    pub const fn receive_phase(&self) -> bool {
        self.rx.phase
    }

    /// Seals `payload` into a secured frame at the start of `buf`, returning
    /// its length.
    pub fn seal<P: CryptoProvider>(
        &mut self,
        p: &P,
        exchange: u16,
        flags: Flags,
        ack: Option<u32>,
        payload: &[u8],
        buf: &mut [u8],
    ) -> Result<usize, SessionError> {
        let (header, body_len) = self.prepare(exchange, flags, ack, payload.len())?;
        let layout = layout_secured(&header, body_len, buf)?;
        layout.body.copy_from_slice(payload);
        self.finish_seal(p, header, body_len, buf)
    }

    /// Encodes `message` and seals it, returning the frame's length.
    pub fn seal_message<P: CryptoProvider>(
        &mut self,
        p: &P,
        exchange: u16,
        flags: Flags,
        message: &Message<'_>,
        buf: &mut [u8],
    ) -> Result<usize, SessionError> {
        let (header, body_len) = self.prepare(exchange, flags, None, message.encoded_len())?;
        let layout = layout_secured(&header, body_len, buf)?;
        message
            .to_slice(layout.body)
            .map_err(|_| SessionError::BufferTooSmall)?;
        self.finish_seal(p, header, body_len, buf)
    }

    fn prepare(
        &self,
        exchange: u16,
        flags: Flags,
        ack: Option<u32>,
        body_len: usize,
    ) -> Result<(Header, usize), SessionError> {
        if self.ended.is_some() {
            return Err(SessionError::Closed);
        }
        let counter = u32::try_from(self.tx.next).map_err(|_| SessionError::CounterExhausted)?;
        let flags =
            Flags::from_bits(flags.bits() & !(Flags::SECURED.bits() | Flags::KEY_PHASE.bits()))
                .unwrap_or(Flags::EMPTY);
        let mut header = Header::secured(self.peer_session, counter, exchange).with_flags(flags);
        if self.tx.phase {
            header = header.with_flags(Flags::KEY_PHASE);
        }
        if let Some(ack) = ack {
            header = header.with_ack(ack);
        }
        Ok((header, body_len))
    }

    fn finish_seal<P: CryptoProvider>(
        &mut self,
        p: &P,
        header: Header,
        body_len: usize,
        buf: &mut [u8],
    ) -> Result<usize, SessionError> {
        let layout = layout_secured(&header, body_len, buf)?;
        let n = nonce(self.tx.direction, header.counter);
        let tag = p.aead_seal(&self.tx.key.0, &n, layout.aad, layout.body)?;
        layout.tag.copy_from_slice(&tag);
        self.tx.next += 1;
        if self.tx.next > u64::from(u32::MAX) {
            // The last counter has been used: nothing more can be sent.
            self.ended = Some(Ended::CounterExhausted);
        }
        Ok(header.buffer_len() + body_len + TAG_LEN)
    }

    /// Opens a secured frame in place, returning its header and plaintext.
    ///
    /// On any error the channel is unchanged (the buffer may not be), except
    /// that a previous key whose time is up is erased first.
    pub fn open<'b, P: CryptoProvider>(
        &mut self,
        p: &P,
        frame: &'b mut [u8],
        now: Instant,
    ) -> Result<(Header, &'b [u8]), SessionError> {
        if self.ended.is_some() {
            return Err(SessionError::Closed);
        }
        // The idle deadline holds even if the caller never ran the timer.
        if self.handle_timeout(now) {
            return Err(SessionError::Closed);
        }
        let (header, header_len) = Header::parse(frame)?;
        if !header.is_secured() {
            return Err(SessionError::WrongFrameKind);
        }
        if header.session != self.local_session {
            return Err(SessionError::UnknownSession(header.session));
        }
        let body_end = frame
            .len()
            .checked_sub(TAG_LEN)
            .filter(|&end| end >= header_len)
            .ok_or(crate::wire::WireError::Truncated)?;
        if !self.rx.window.check(header.counter) {
            return Err(SessionError::Replay(header.counter));
        }
        let (covered, tag) = frame.split_at_mut(body_end);
        let tag: [u8; TAG_LEN] = (&*tag)
            .try_into()
            .map_err(|_| crate::wire::WireError::Truncated)?;
        let (aad, body) = covered.split_at_mut(header_len);
        let n = nonce(self.rx.direction, header.counter);
        let phase = header.flags.contains(Flags::KEY_PHASE);
        let newer = self
            .rx
            .window
            .highest()
            .is_none_or(|top| header.counter > top);
        // Each branch makes one attempt, except a frame of this phase so far
        // ahead that it may be two phases on (its frames were at least a
        // window long); that one retries on a copy (`open_far`).
        if phase == self.rx.phase {
            let far = self.rx.window.highest().is_some_and(|top| {
                u64::from(header.counter) > u64::from(top) + MIN_FRAMES_PER_KEY_PHASE
            });
            if far {
                if let Some((skipped, next)) = open_far(p, &self.rx.current, &n, aad, body, &tag)? {
                    self.rx.previous = Some(Previous::new(skipped, now));
                    self.rx.current = next;
                } else {
                    self.rx.accepted_under_current();
                }
            } else {
                p.aead_open(&self.rx.current.0, &n, aad, body, &tag)
                    .map_err(|_| SessionError::Authentication)?;
                self.rx.accepted_under_current();
            }
        } else if newer {
            let next = next_key(p, &self.rx.current)?;
            p.aead_open(&next.0, &n, aad, body, &tag)
                .map_err(|_| SessionError::Authentication)?;
            let old = core::mem::replace(&mut self.rx.current, next);
            self.rx.previous = Some(Previous::new(old, now));
            self.rx.phase = !self.rx.phase;
        } else {
            // Never held, or erased after its bounds: refused unopened.
            let previous = self
                .rx
                .previous
                .as_ref()
                .ok_or(SessionError::StaleKeyPhase(header.counter))?;
            p.aead_open(&previous.key.0, &n, aad, body, &tag)
                .map_err(|_| SessionError::Authentication)?;
        }
        self.rx.window.accept(header.counter);
        self.last_rx = now;
        Ok((header, &*body))
    }

    /// Opens a secured frame and decodes its message. A received
    /// [`Close`] ends the channel.
    pub fn open_message<'b, P: CryptoProvider>(
        &mut self,
        p: &P,
        frame: &'b mut [u8],
        now: Instant,
    ) -> Result<(Header, Message<'b>), SessionError> {
        let (header, body) = self.open(p, frame, now)?;
        let message = Message::from_bytes(body)?;
        if let Message::Close(Close { reason }) = message {
            self.ended = Some(Ended::ClosedByPeer(reason));
        }
        Ok((header, message))
    }

    /// Starts using the next send key (flag K flips on the next frame).
    /// Refused with [`SessionError::KeyUpdateTooSoon`] until
    /// [`MIN_FRAMES_PER_KEY_PHASE`] frames were sealed under the current key.
    pub fn update_keys<P: CryptoProvider>(&mut self, p: &P) -> Result<(), SessionError> {
        if self.ended.is_some() {
            return Err(SessionError::Closed);
        }
        if self.tx.next - self.tx.phase_start < MIN_FRAMES_PER_KEY_PHASE {
            return Err(SessionError::KeyUpdateTooSoon);
        }
        self.tx.key = next_key(p, &self.tx.key)?;
        self.tx.phase = !self.tx.phase;
        self.tx.phase_start = self.tx.next;
        Ok(())
    }

    /// Whether [`update_keys`](Self::update_keys) would be accepted now.
    pub const fn can_update_keys(&self) -> bool {
        self.ended.is_none() && self.tx.next - self.tx.phase_start >= MIN_FRAMES_PER_KEY_PHASE
    }

    /// Seals an encrypted [`Close`] with `reason` and ends the channel.
    pub fn close<P: CryptoProvider>(
        &mut self,
        p: &P,
        exchange: u16,
        reason: Status,
        buf: &mut [u8],
    ) -> Result<usize, SessionError> {
        let n = self.seal_message(
            p,
            exchange,
            Flags::EMPTY,
            &Message::Close(Close { reason }),
            buf,
        )?;
        self.ended = Some(Ended::ClosedLocally(reason));
        Ok(n)
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called:
    /// the idle deadline, or earlier when the previous receive key is due
    /// to be erased.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.ended.is_none().then(|| {
            let idle = self.idle_deadline();
            self.rx
                .previous
                .as_ref()
                .map_or(idle, |prev| prev.erase_at.min(idle))
        })
    }

    fn idle_deadline(&self) -> Instant {
        self.last_rx.saturating_add(self.idle_timeout)
    }

    /// Erases the previous receive key if its time is up, and ends the
    /// channel if no authenticated frame arrived within the idle timeout.
    /// Returns whether it ended now.
    pub fn handle_timeout(&mut self, now: Instant) -> bool {
        self.rx.expire_previous(now);
        if self.ended.is_none() && now >= self.idle_deadline() {
            self.ended = Some(Ended::IdleTimeout);
            return true;
        }
        false
    }

    /// The highest counter received and authenticated so far, if any: the
    /// top of the replay window (which holds it and the 63 below it).
    pub const fn highest_received(&self) -> Option<u32> {
        self.rx.window.highest()
    }

    /// Whether the receive key of the previous phase is still held.
    pub const fn holds_previous_key(&self) -> bool {
        self.rx.previous.is_some()
    }

    /// Raises the counter the next sealed frame carries to `next`, as if
    /// the frames in between had been sealed and lost: a sender may skip
    /// counters (the receiver's window takes any jump forward), never go
    /// back, so no nonce is reused. Refused with
    /// [`SessionError::Replay`] if `next` is below the next counter. Used
    /// to reach the end of the counter space in tests and vector files.
    pub fn skip_to_counter(&mut self, next: u32) -> Result<(), SessionError> {
        if u64::from(next) < self.tx.next {
            return Err(SessionError::Replay(next));
        }
        self.tx.next = u64::from(next);
        Ok(())
    }

    /// Sets the next send counter (tests of counter exhaustion).
    #[cfg(test)]
    pub(crate) fn set_next_counter(&mut self, next: u64) {
        self.tx.next = next;
    }
}

#[cfg(feature = "std")]
impl SecureChannel {
    /// The keys both directions use now (phase 0 until a key update), for
    /// the key log only ([`node::keylog`](crate::node::keylog)).
    pub(crate) fn current_keys(&self) -> SessionKeys {
        let (phone_to_appliance, appliance_to_phone) = match self.role {
            Role::Phone => (self.tx.key.0, self.rx.current.0),
            Role::Appliance => (self.rx.current.0, self.tx.key.0),
        };
        SessionKeys {
            phone_to_appliance,
            appliance_to_phone,
        }
    }
}

#[cfg(test)]
mod tests;
