//! The node layer: the front door on top of every other layer.
//!
//! An [`Appliance`] owns its identity, its pairing
//! store, the handshake machines, a session table and the dispatcher with
//! its handlers; a [`Phone`] (feature `alloc`) owns its
//! long-term key, its pairings, the handshakes it starts, its channel and a
//! controller. Both are sans-IO and are driven the same way, through the
//! [`Node`] trait:
//!
//! - [`Node::handle_datagram`] takes one frame, the address it came from and
//!   the current time;
//! - [`Node::poll_transmit`] yields the next `(address, frame)` to send;
//! - [`Node::poll_timeout`] yields the one next deadline, merged over every
//!   machine inside, and [`Node::handle_timeout`] is called when it passes.
//!
//! Sockets, clocks and UARTs live in the thin adapters of
//! [`transport`](crate::transport).
//!
//! # Contract
//!
//! No input, in any state, panics, allocates without bound or
//! desynchronises a good peer: every rejected frame is counted by reason
//! ([`Rejections`]) and leaves the node as it was. Delivery on datagram
//! links is reliable as `spec/RELIABILITY.md` specifies: a request
//! retransmitted by the phone runs once on the appliance, and its cached
//! reply is sent again.

pub mod reliable;

/// What a node needs of a peer's address: copied, compared, printed.
pub trait Address: Copy + Eq + core::fmt::Debug {}

impl<T: Copy + Eq + core::fmt::Debug> Address for T {}

/// A sans-IO protocol endpoint driven by bytes, addresses and time. Both
/// [`Appliance`] and [`Phone`]
/// implement it, so one transport driver serves either.
pub trait Node {
    /// The address of a peer.
    type Addr: Address;

    /// Takes one frame received from `from` at `now`. The buffer may be
    /// decrypted in place.
    fn handle_datagram(&mut self, from: Self::Addr, frame: &mut [u8], now: crate::time::Instant);

    /// Writes the next frame to send into `buf` and returns where it goes
    /// and its length. `buf` should hold [`MAX_FRAME`] bytes.
    fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<(Self::Addr, usize)>;

    /// The next deadline at which [`Node::handle_timeout`] must be called.
    fn poll_timeout(&self) -> Option<crate::time::Instant>;

    /// Runs every timer due at `now`.
    fn handle_timeout(&mut self, now: crate::time::Instant);
}

/// The largest frame this implementation sends or accepts.
pub const MAX_FRAME: usize = 1024;

/// The frame size both sides use until a Hello exchange has negotiated
/// another; every receiver accepts frames of at least this size.
pub const DEFAULT_FRAME: usize = 256;

pub mod appliance;
#[cfg(all(feature = "std", feature = "rustcrypto"))]
pub mod client;
#[cfg(feature = "std")]
pub mod file_store;
#[cfg(feature = "std")]
pub mod keylog;
#[cfg(feature = "alloc")]
pub mod owned;
#[cfg(feature = "alloc")]
pub mod phone;
#[cfg(feature = "alloc")]
pub mod store;

pub use appliance::{Appliance, ApplianceConfig, EndReason, Event, Rejections};
#[cfg(feature = "alloc")]
pub use phone::{Phone, PhoneEvent, Reply, RequestId};

use crate::interaction::InteractionError;
use crate::message::Status;
use crate::session::SessionError;
use crate::session::store::StoreError;

/// Everything a node reports to its application. A wrong setup code, a
/// locked-out appliance and an unreachable one are each their own variant,
/// never a generic timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum NodeError {
    /// The setup code is wrong.
    #[error("wrong setup code")]
    WrongSetupCode,
    /// The appliance's pairing window is closed.
    #[error("the appliance's pairing window is closed")]
    PairingWindowClosed,
    /// Too many failed attempts: retry after this many seconds (0: only a
    /// factory reset reopens pairing).
    #[error("pairing locked out for {retry_after_s} s (0: until factory reset)")]
    LockedOut {
        /// Seconds to wait.
        retry_after_s: u32,
    },
    /// The appliance holds no pairing for this phone (or it was removed):
    /// pair again.
    #[error("the appliance does not know this phone: pair again")]
    NeedsPairing,
    /// The appliance is busy (another attempt, a full table): retry later.
    #[error("the appliance is busy")]
    Busy,
    /// No answer after every retransmission. `heard` says whether any frame
    /// from the peer arrived meanwhile (a lossy link rather than a silent
    /// or absent peer).
    #[error("no answer from the peer (heard from it meanwhile: {heard})")]
    Unreachable {
        /// Whether anything from the peer arrived during the attempt.
        heard: bool,
    },
    /// The session ended (closed, timed out, or unknown to the peer).
    #[error("the session ended")]
    SessionEnded,
    /// There is no session: pair or resume first.
    #[error("not connected: pair or resume first")]
    NotConnected,
    /// Too many requests outstanding on the session.
    #[error("too many requests in flight")]
    TooManyRequests,
    /// The peer answered with a failure status.
    #[error("refused by the peer: {0:?}")]
    Refused(Status),
    /// A handshake or channel failure not named above.
    #[error("session: {0}")]
    Session(SessionError),
    /// An interaction failure (an invalid request, a malformed reply).
    #[error("interaction: {0}")]
    Interaction(InteractionError),
    /// Persistent storage failed.
    #[error("storage: {0}")]
    Store(StoreError),
}

impl From<SessionError> for NodeError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::WrongSetupCode => NodeError::WrongSetupCode,
            SessionError::PairingWindowClosed => NodeError::PairingWindowClosed,
            SessionError::LockedOut { retry_after_s } => NodeError::LockedOut { retry_after_s },
            SessionError::NeedsPairing => NodeError::NeedsPairing,
            SessionError::Busy | SessionError::Refused(Status::BUSY) => NodeError::Busy,
            SessionError::Refused(s) => NodeError::Refused(s),
            SessionError::Closed | SessionError::CounterExhausted => NodeError::SessionEnded,
            SessionError::Timeout => NodeError::Unreachable { heard: false },
            other => NodeError::Session(other),
        }
    }
}

impl From<InteractionError> for NodeError {
    fn from(e: InteractionError) -> Self {
        match e {
            InteractionError::Rejected(s) => NodeError::Refused(s),
            other => NodeError::Interaction(other),
        }
    }
}

impl From<StoreError> for NodeError {
    fn from(e: StoreError) -> Self {
        NodeError::Store(e)
    }
}

/// Bytes a secured frame adds to its plaintext at most: the longest header
/// (with an acknowledgement) and the AEAD tag.
pub const SECURED_OVERHEAD: usize = crate::wire::header::MAX_LEN + crate::wire::frame::TAG_LEN;

/// The largest plaintext payload a secured frame of `frame` bytes carries.
pub const fn secured_payload(frame: usize) -> usize {
    frame.saturating_sub(SECURED_OVERHEAD)
}
