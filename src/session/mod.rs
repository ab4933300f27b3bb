//! The session layer: sans-IO handshakes and the secure channel.
//!
//! - [`channel`]: [`SecureChannel`] seals and opens secured frames
//!   (ChaCha20-Poly1305, header as associated data, per-direction keys and
//!   counters, 64-entry replay window, key update by key phase, encrypted
//!   Close, idle timeout).
//! - [`pairing`]: first pairing from the setup code with SPAKE2+, phone
//!   ([`pairing::PhonePairing`]) and appliance ([`pairing::AppliancePairing`]),
//!   with the attempt [`lockout`] rules and the [`store`] traits.
//! - [`resume`]: later sessions in one round trip (Noise `IKpsk2` with the
//!   pairing's static keys and secret), phone ([`resume::PhoneResume`]) and
//!   appliance ([`resume::ApplianceResume`]), with a durable replay guard.
//! - [`ApplianceHandshake`] takes every plaintext handshake frame on the
//!   appliance and routes it to pairing or resumption.
//!
//! Nothing here performs I/O, reads a clock or owns an RNG: bytes and the
//! current [`Instant`](crate::time::Instant) come in as arguments, randomness
//! through the [`CryptoProvider`](crate::crypto::CryptoProvider), and frames
//! go out into caller buffers.
//!
//! # Contract
//!
//! No input, in any state, panics or allocates. Every rejection is a
//! [`SessionError`], which names the [`Status`] it sends (if any); a
//! rejected input leaves the state as it was, except where the error says the
//! session ended.

pub mod channel;
mod flight;
pub mod lockout;
pub mod pairing;
mod replay;
pub mod responder;
pub mod resume;
pub mod store;

pub use channel::{Role, SecureChannel, SessionKeys};
pub use replay::ReplayWindow;
pub use responder::ApplianceHandshake;

use crate::crypto::CryptoError;
use crate::message::{MessageError, Status};
use crate::wire::WireError;

/// The handshake message a state machine was waiting for when something
/// else arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Expected {
    /// `PairRequest` (appliance, idle).
    PairRequest,
    /// `PairChallenge` (phone after `PairRequest`).
    PairChallenge,
    /// `PairFinish` (appliance after `PairChallenge`).
    PairFinish,
    /// `ResumeRequest` (appliance, idle).
    ResumeRequest,
    /// `ResumeReply` (phone after `ResumeRequest`).
    ResumeReply,
    /// Nothing: the handshake is over.
    Nothing,
}

/// Everything the session layer rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum SessionError {
    /// The frame itself was malformed.
    #[error("frame: {0}")]
    Wire(#[from] WireError),
    /// The payload was not a message.
    #[error("message: {0}")]
    Message(#[from] MessageError),
    /// A primitive failed (bad point, low-order key).
    #[error("crypto: {0}")]
    Crypto(#[from] CryptoError),
    /// A message arrived that the current state does not take.
    #[error("unexpected message type {got}, expected {expected:?}")]
    Unexpected {
        /// What the state waits for.
        expected: Expected,
        /// The message type that arrived.
        got: u32,
    },
    /// A plaintext frame where a secured one was required, or the reverse.
    #[error("wrong frame kind")]
    WrongFrameKind,
    /// The frame names a session this side does not hold.
    #[error("unknown session {0}")]
    UnknownSession(u16),
    /// An AEAD tag or a key confirmation did not verify.
    #[error("authentication failed")]
    Authentication,
    /// The frame's counter was already received or is below the window.
    #[error("replayed or too old counter {0}")]
    Replay(u32),
    /// A frame of the key phase before the current one, with this counter,
    /// arrived after the receiver erased that phase's key (or before it
    /// ever had one); it was refused unopened.
    #[error("frame of an erased key phase, counter {0}")]
    StaleKeyPhase(u32),
    /// The send counter is exhausted: the session has ended.
    #[error("message counter exhausted")]
    CounterExhausted,
    /// The session is closed (by Close, idle timeout or exhaustion).
    #[error("session closed")]
    Closed,
    /// The phone's setup code is wrong.
    #[error("wrong setup code")]
    WrongSetupCode,
    /// The appliance's pairing window is closed.
    #[error("pairing window closed")]
    PairingWindowClosed,
    /// Another pairing attempt is in progress.
    #[error("busy")]
    Busy,
    /// Too many failures; retry after this many seconds (0: until reset).
    #[error("locked out for {retry_after_s} s")]
    LockedOut {
        /// Seconds to wait, 0 for "until factory reset".
        retry_after_s: u32,
    },
    /// The peer refused with this status.
    #[error("refused by peer: {0:?}")]
    Refused(Status),
    /// Resumption asked for by a phone the appliance holds no pairing for,
    /// or whose replay guard did not advance.
    #[error("needs pairing")]
    NeedsPairing,
    /// The appliance already holds a pairing for this phone's static key:
    /// a pairing never replaces one (remove it first).
    #[error("already paired")]
    AlreadyPaired,
    /// The appliance's pairing table is full.
    #[error("pairing table full")]
    PairingTableFull,
    /// What the appliance sealed in the handshake differs from what its
    /// unauthenticated `HelloAccept` announced: someone changed the
    /// negotiation.
    #[error("negotiation changed on the way")]
    Downgrade,
    /// Persistent storage failed; nothing was sent.
    #[error("storage failed")]
    Storage,
    /// The output buffer is too small.
    #[error("buffer too small")]
    BufferTooSmall,
    /// A key update was asked for before enough frames were sealed under
    /// the current key.
    #[error("key update too soon")]
    KeyUpdateTooSoon,
    /// The peer did not answer in time.
    #[error("handshake timed out")]
    Timeout,
}

impl SessionError {
    /// The `Status` this side puts on the wire for the error
    /// (`spec/HANDSHAKE.md` section 8), or `None` when it sends none: a
    /// rejection it drops unanswered, a local condition, or a refusal that
    /// travels in another form (`HelloReply::Reject`).
    ///
    /// Nothing unauthenticated gets an authoritative answer: a frame that
    /// fails its tag, its counter or its key phase is dropped, and
    /// `AUTHENTICATION_FAILED` (53) is never sent.
    pub const fn status(self) -> Option<Status> {
        Some(match self {
            SessionError::Wire(_)
            | SessionError::Crypto(_)
            | SessionError::Unexpected { .. }
            | SessionError::WrongFrameKind
            | SessionError::UnknownSession(0)
            | SessionError::Authentication
            | SessionError::Replay(_)
            | SessionError::StaleKeyPhase(_)
            | SessionError::CounterExhausted
            | SessionError::Closed
            | SessionError::PairingWindowClosed
            | SessionError::Busy
            | SessionError::LockedOut { .. }
            | SessionError::Downgrade
            | SessionError::BufferTooSmall
            | SessionError::KeyUpdateTooSoon
            | SessionError::Timeout => {
                return None;
            }
            SessionError::Message(MessageError::UnknownType(_)) => Status::UNSUPPORTED_MESSAGE,
            SessionError::Message(_) => Status::INVALID_MESSAGE,
            SessionError::UnknownSession(_) => Status::UNKNOWN_SESSION,
            SessionError::WrongSetupCode => Status::WRONG_SETUP_CODE,
            SessionError::Refused(s) => s,
            SessionError::NeedsPairing => Status::NEEDS_PAIRING,
            SessionError::AlreadyPaired => Status::ALREADY_PAIRED,
            SessionError::PairingTableFull => Status::RESOURCE_EXHAUSTED,
            SessionError::Storage => Status::FAILURE,
        })
    }
}

impl From<SessionError> for Status {
    fn from(e: SessionError) -> Status {
        e.status().unwrap_or(Status::FAILURE)
    }
}

/// Largest handshake frame: a `PairChallenge` in a plaintext frame.
pub const MAX_HANDSHAKE_FRAME: usize = 224;

/// How long an unauthenticated refusal is given before it ends a handshake:
/// a plaintext `Status` or `HelloReply::Reject`, or a flight that fails its
/// checks, is a hint; the genuine answer may still arrive until
/// `min(deadline, hint + HINT_GRACE)`. Longer than an appliance on a
/// 64 MHz Cortex-M takes to compute its `PairChallenge` (about 1.1 s), so a
/// forgery racing the genuine flight cannot end the attempt.
pub const HINT_GRACE: crate::time::Duration = crate::time::Duration::from_secs(2);

/// What an appliance tells a phone about itself inside the sealed part of
/// `PairChallenge` and `ResumeReply`: authenticated, unlike `HelloAccept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ApplianceParams {
    /// The largest frame the appliance accepts.
    pub max_frame: u16,
    /// The features it supports.
    pub features: crate::message::Features,
    /// The hash of its descriptor.
    pub descriptor_hash: crate::message::DescriptorHash,
}

impl ApplianceParams {
    /// Encoded length: `max_frame` (u16 LE), `features` (u32 LE),
    /// `descriptor_hash` (16).
    pub const LEN: usize = 22;

    pub(crate) fn write(&self, out: &mut [u8; Self::LEN]) {
        out[..2].copy_from_slice(&self.max_frame.to_le_bytes());
        out[2..6].copy_from_slice(&self.features.0.to_le_bytes());
        out[6..].copy_from_slice(&self.descriptor_hash.0);
    }

    pub(crate) fn read(bytes: &[u8; Self::LEN]) -> Self {
        let mut hash = [0u8; 16];
        hash.copy_from_slice(&bytes[6..]);
        ApplianceParams {
            max_frame: u16::from_le_bytes([bytes[0], bytes[1]]),
            features: crate::message::Features(u32::from_le_bytes([
                bytes[2], bytes[3], bytes[4], bytes[5],
            ])),
            descriptor_hash: crate::message::Fixed(hash),
        }
    }
}

/// How long a handshake waits for the peer's next flight.
pub const HANDSHAKE_TIMEOUT: crate::time::Duration = crate::time::Duration::from_secs(30);

/// The frame a handshake state machine has ready to send.
pub(crate) type Outbox = heapless::Vec<u8, MAX_HANDSHAKE_FRAME>;

/// A random non-zero session id (zero marks plaintext frames) for which
/// `in_use` is false: a drawn id never collides with a live session.
/// Draws again until one is free; a caller whose table is smaller than the
/// id space always terminates.
pub(crate) fn random_session<P: crate::crypto::CryptoProvider>(
    p: &mut P,
    in_use: &dyn Fn(u16) -> bool,
) -> u16 {
    loop {
        let mut b = [0u8; 2];
        p.random_bytes(&mut b);
        let s = u16::from_le_bytes(b);
        if s != 0 && !in_use(s) {
            return s;
        }
    }
}

/// Copies the pending frame into `buf`, returning its length.
pub(crate) fn drain(out: &mut Outbox, buf: &mut [u8]) -> Option<usize> {
    if out.is_empty() {
        return None;
    }
    let n = out.len();
    let dst = buf.get_mut(..n)?;
    dst.copy_from_slice(out);
    out.clear();
    Some(n)
}
