//! The appliance node: identity, pairing store, handshakes, a session table
//! and the dispatcher, behind one sans-IO front door.
//!
//! A frame enters once through [`Node::handle_datagram`](super::Node::handle_datagram) and walks down:
//! plaintext frames go to `Hello`, the handshake machines (through the
//! handshake cache, so a retransmitted frame gets the same answer), a
//! public `Describe` or a `NEEDS_PAIRING` refusal; secured frames go to
//! their session, are opened, checked against the reply cache, dispatched
//! with the privilege looked up in the pairing store **for this request**,
//! and the replies are sealed and queued. Reports and events are sealed on
//! appliance-opened exchanges and retransmitted until acknowledged.
//!
//! # Contract
//!
//! No input panics or allocates (there is no allocator); every rejected
//! frame is counted in [`Rejections`] and leaves every session as it was.
//! Sessions end on Close, idle timeout, maximum lifetime, counter
//! exhaustion and revocation, and their subscriptions and cached replies go
//! with them. A full session table refuses a new session with
//! `Status(BUSY)`; it never evicts another phone's live session.

use crate::crypto::CryptoProvider;
use crate::descriptor::Privilege;
use crate::interaction::{Dispatcher, Peer, SequenceStore};
use crate::message::{
    AdminRequest, Close, Features, Fixed, Hello, HelloAccept, HelloReject, HelloReply, Message,
    Offer, PairingAdded, PairingEntry, PairingList, Pong, Purpose, Seq, Status, StatusReport,
};
use crate::session::channel::Ended;
use crate::session::pairing::{ApplianceEvent, ApplianceIdentity, AppliancePairing};
use crate::session::store::PairingStore;
use crate::session::{
    ApplianceHandshake, ApplianceParams, Expected, HANDSHAKE_TIMEOUT, MAX_HANDSHAKE_FRAME,
    SecureChannel, SessionError,
};
use crate::time::{Duration, Instant};
use crate::wire::{Flags, Frame, Header, frame::encode_plain};

use super::reliable::{HandshakeCache, Lookup, ReplyCache, Retry};
use super::{Address, DEFAULT_FRAME, NodeError, secured_payload};

/// The protocol version this node speaks.
pub const PROTOCOL_VERSION: u8 = 1;
/// Replies the appliance caches per session for retransmitted requests:
/// as many as a phone may have in flight, so a phone that keeps the rules
/// never meets a full cache.
pub const REPLY_CACHE: usize = super::reliable::REQUESTS_IN_FLIGHT;
/// Plaintext handshake answers the appliance caches.
pub const HANDSHAKE_CACHE: usize = 4;
/// Unacknowledged reports and events the appliance holds (all sessions).
pub const UNSOLICITED: usize = 4;
/// Frames queued for sending at most.
pub const OUTBOX: usize = 6;
/// Events queued for the application at most (the oldest is dropped).
pub const EVENTS_QUEUED: usize = 8;
/// The longest report or event payload: it fits the smallest frame any
/// receiver accepts.
pub const UNSOLICITED_LEN: usize = secured_payload(DEFAULT_FRAME);
/// How often an address is told at most that its session is unknown.
pub const HINT_INTERVAL: Duration = Duration::from_secs(1);
/// The default maximum lifetime of a session.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// How long an address whose resumption failed after its `mac` checked
/// waits before the appliance runs another for it (each costs X25519
/// operations; a genuine phone's never fails).
pub const RESUME_BACKOFF: Duration = Duration::from_secs(1);
/// The features this node supports.
pub const FEATURES: Features = Features(
    Features::RELIABLE.0
        | Features::SEGMENTATION.0
        | Features::SUBSCRIPTIONS.0
        | Features::EVENTS.0,
);

/// How an appliance node behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplianceConfig {
    /// The longest a session lives before it is closed (the phone resumes).
    pub max_lifetime: Duration,
    /// The largest frame accepted and sent (at most `FRAME`, at least
    /// [`DEFAULT_FRAME`]).
    pub max_frame: u16,
}

impl Default for ApplianceConfig {
    fn default() -> Self {
        ApplianceConfig {
            max_lifetime: MAX_LIFETIME,
            max_frame: 512,
        }
    }
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EndReason {
    /// The phone sent Close with this reason.
    ClosedByPeer(Status),
    /// Nothing authenticated arrived within the idle timeout.
    IdleTimeout,
    /// The session reached its maximum lifetime.
    Lifetime,
    /// The phone's pairing was removed or its role changed.
    Revoked,
    /// The same phone opened a new session.
    Replaced,
    /// The send counter ran out.
    CounterExhausted,
}

/// What the appliance node tells its application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Event {
    /// A phone paired (and stored its pairing).
    Paired {
        /// The phone's static key.
        peer_static: [u8; 32],
        /// Whether it is an admin.
        admin: bool,
        /// Its new session.
        session: u16,
    },
    /// A paired phone resumed a session (its first authenticated frame
    /// arrived).
    Resumed {
        /// The phone's static key.
        peer_static: [u8; 32],
        /// Its new session.
        session: u16,
    },
    /// A pairing attempt failed.
    PairingFailed(SessionError),
    /// An admin phone removed a pairing (its sessions ended).
    PairingRemoved {
        /// The removed phone's static key.
        peer_static: [u8; 32],
        /// The admin's static key (the phone's own for a self-removal).
        by: [u8; 32],
    },
    /// An admin phone changed a pairing's role.
    RoleChanged {
        /// The phone's static key.
        peer_static: [u8; 32],
        /// Its new role.
        admin: bool,
    },
    /// An admin phone opened a pairing window for a one-time code.
    WindowOpened {
        /// The admin's static key.
        by: [u8; 32],
        /// How long it stays open.
        seconds: u16,
    },
    /// A session ended; its subscriptions went with it.
    SessionEnded {
        /// The session.
        session: u16,
        /// The phone's static key.
        peer_static: [u8; 32],
        /// Why.
        reason: EndReason,
    },
}

/// Frames the node refused or could not serve, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Rejections {
    /// Not a frame: bad header, CRC, or an undecodable plaintext message.
    pub malformed: u32,
    /// Longer than the largest frame accepted.
    pub oversize: u32,
    /// A secured frame for a session not in the table.
    pub unknown_session: u32,
    /// A secured frame whose tag did not verify.
    pub authentication: u32,
    /// A replayed or too old counter.
    pub replay: u32,
    /// A frame for a session that had just ended.
    pub closed: u32,
    /// A handshake frame the handshake machines refused.
    pub handshake: u32,
    /// A `ResumeRequest` whose `mac` did not check (one hash spent).
    pub resume_mac: u32,
    /// A `ResumeRequest` dropped unexamined: its address failed one less
    /// than [`RESUME_BACKOFF`] ago.
    pub resume_backoff: u32,
    /// An admin request refused (not an admin, or a refused change).
    pub admin_refused: u32,
    /// A message that is not a request where one was expected.
    pub unexpected: u32,
    /// A plaintext interaction request answered with `NEEDS_PAIRING`.
    pub needs_pairing: u32,
    /// A request refused with `BUSY` (full reply cache or session table).
    pub busy: u32,
    /// Retransmitted requests answered from the cache (not run again).
    pub duplicates: u32,
    /// Requests far behind the newest exchange, dropped unexecuted.
    pub stale: u32,
    /// Retransmitted handshake frames answered from the cache.
    pub handshake_duplicates: u32,
    /// Reports or events given up (never acknowledged, or pushed out).
    pub unsolicited_dropped: u32,
    /// Frames dropped because the outbox was full.
    pub outbox_full: u32,
}

struct Session<A> {
    channel: SecureChannel,
    peer: A,
    peer_static: [u8; 32],
    started: Instant,
    frame: usize,
    next_exchange: u16,
    replies: ReplyCache<REPLY_CACHE>,
    /// False until the phone's first authenticated frame: a tentative
    /// session replaces nothing and is the first to make room.
    confirmed: bool,
    /// How it started, for the event its confirmation raises.
    resumed: bool,
}

struct Unsolicited {
    session: u16,
    exchange: u16,
    counters: heapless::Vec<u32, { super::reliable::MAX_TRANSMISSIONS as usize }>,
    payload: heapless::Vec<u8, UNSOLICITED_LEN>,
    retry: Retry,
}

struct Queued<A, const FRAME: usize> {
    to: A,
    frame: heapless::Vec<u8, FRAME>,
}

/// The appliance side of applink, as one value.
///
/// `SESSIONS` bounds the session table; `FRAME` is the largest frame in
/// bytes (buffers are sized by it); the dispatcher brings its own
/// subscription and event capacities.
///
/// ```
/// use applink::catalog::on_off;
/// use applink::crypto::RustCrypto;
/// use applink::descriptor::DeviceInfo;
/// use applink::interaction::{stock, Dispatcher, EndpointEntry, EventCounter, Instance, RamSequenceStore};
/// use applink::message::VendorId;
/// use applink::node::{Appliance, ApplianceConfig, Node};
/// use applink::session::pairing::ApplianceIdentity;
/// use applink::session::store::MemoryStore;
/// use applink::time::{Duration, Instant};
///
/// # fn main() -> Result<(), Box<dyn core::error::Error>> {
/// // A product draws from its hardware RNG; this example from a fixed byte.
/// let crypto = RustCrypto::new(|out: &mut [u8]| out.fill(0x42));
/// let identity = ApplianceIdentity::from_setup_code(&crypto, *b"PLUG0001", "3141-5926", &[9; 32])?;
/// let on = core::cell::Cell::new(false);
/// let mut switch = stock::OnOff::new(&on);
/// let mut caps = [Instance::new(&on_off::CAPABILITY, &mut switch)];
/// let mut endpoints = [EndpointEntry::new(1, &[], &mut caps)];
/// let info = DeviceInfo {
///     vendor: VendorId(0xFFF1), product: 1, hardware_version: 1, min_protocol: 1, max_protocol: 1,
/// };
/// let counter = EventCounter::new(RamSequenceStore::default(), 16);
/// let dispatcher: Dispatcher<'_, _, 4, 512> = Dispatcher::new(info, &mut endpoints, counter, 1)?;
/// let store = MemoryStore::<4>::new();
/// let mut plug: Appliance<'_, _, _, _, u8> =
///     Appliance::new(ApplianceConfig::default(), crypto, identity, store, dispatcher);
/// plug.open_pairing_window(Instant::ZERO, Duration::from_secs(300))?;
/// // Feed it frames with `handle_datagram`, send what `poll_transmit` yields,
/// // call `handle_timeout` at `poll_timeout`.
/// assert!(plug.poll_transmit(&mut [0u8; 512]).is_none());
/// # Ok(()) }
/// ```
pub struct Appliance<
    'a,
    P: CryptoProvider,
    S: PairingStore,
    Q: SequenceStore,
    A: Address,
    const SESSIONS: usize = 4,
    const SUBS: usize = 4,
    const EVENTS: usize = 512,
    const FRAME: usize = 512,
> {
    p: P,
    identity: ApplianceIdentity<P>,
    store: S,
    handshake: ApplianceHandshake,
    dispatcher: Dispatcher<'a, Q, SUBS, EVENTS>,
    config: ApplianceConfig,
    sessions: heapless::Vec<Session<A>, SESSIONS>,
    handshakes: HandshakeCache<A, HANDSHAKE_CACHE>,
    hellos: heapless::Vec<(A, u16), SESSIONS>,
    hints: heapless::Vec<(A, Instant), SESSIONS>,
    resume_failures: heapless::Vec<(A, Instant), SESSIONS>,
    unsolicited: heapless::Vec<Unsolicited, UNSOLICITED>,
    outbox: heapless::Deque<Queued<A, FRAME>, OUTBOX>,
    events: heapless::Deque<Event, EVENTS_QUEUED>,
    rejections: Rejections,
    now: Instant,
}

impl<'a, P: CryptoProvider, S: PairingStore, A: Address>
    Appliance<'a, P, S, crate::interaction::RamSequenceStore, A>
{
    /// An appliance node for `endpoints`, with a dispatcher whose event
    /// numbers live in RAM and whose data versions start at a random value
    /// (the common case; build the [`Dispatcher`] yourself for a
    /// persistent [`SequenceStore`]).
    pub fn for_device(
        mut crypto: P,
        identity: ApplianceIdentity<P>,
        store: S,
        info: crate::descriptor::DeviceInfo,
        endpoints: &'a mut [crate::interaction::EndpointEntry<'a>],
    ) -> Result<Self, crate::interaction::InteractionError> {
        let mut seed = [0u8; 4];
        crypto.random_bytes(&mut seed);
        let counter = crate::interaction::EventCounter::new(
            crate::interaction::RamSequenceStore::default(),
            16,
        );
        let dispatcher = Dispatcher::new(info, endpoints, counter, u32::from_le_bytes(seed))?;
        Ok(Self::new(
            ApplianceConfig::default(),
            crypto,
            identity,
            store,
            dispatcher,
        ))
    }
}

/// What the reply cache said about a non-idempotent request.
enum Found {
    New,
    Cached(usize),
    Uncached,
    Stale,
    Full,
}

/// The message types the handshake machines take.
fn is_handshake(ty: u32) -> bool {
    matches!(ty, 2 | 4 | 5 | 20)
}

impl<
    'a,
    P: CryptoProvider,
    S: PairingStore,
    Q: SequenceStore,
    A: Address,
    const SESSIONS: usize,
    const SUBS: usize,
    const EVENTS: usize,
    const FRAME: usize,
> Appliance<'a, P, S, Q, A, SESSIONS, SUBS, EVENTS, FRAME>
{
    /// An appliance node, pairing window closed.
    pub fn new(
        config: ApplianceConfig,
        crypto: P,
        identity: ApplianceIdentity<P>,
        store: S,
        dispatcher: Dispatcher<'a, Q, SUBS, EVENTS>,
    ) -> Self {
        let max_frame = usize::from(config.max_frame).clamp(DEFAULT_FRAME, FRAME);
        Appliance {
            p: crypto,
            identity,
            store,
            handshake: ApplianceHandshake::new(),
            dispatcher,
            config: ApplianceConfig {
                max_frame: u16::try_from(max_frame).unwrap_or(u16::MAX),
                ..config
            },
            sessions: heapless::Vec::new(),
            handshakes: HandshakeCache::new(),
            hellos: heapless::Vec::new(),
            hints: heapless::Vec::new(),
            resume_failures: heapless::Vec::new(),
            unsolicited: heapless::Vec::new(),
            outbox: heapless::Deque::new(),
            events: heapless::Deque::new(),
            rejections: Rejections::default(),
            now: Instant::ZERO,
        }
    }

    /// Opens the pairing window for the printed setup code (a physical
    /// action on the appliance). Refused with `ACCESS_DENIED` once a phone
    /// is paired: then an admin phone opens windows, for one-time codes.
    pub fn open_pairing_window(&mut self, now: Instant, length: Duration) -> Result<(), NodeError> {
        self.handshake
            .pairing_mut()
            .open_window(&self.store, now, length)?;
        Ok(())
    }

    /// Opens the pairing window on behalf of the admin phone `admin` for
    /// the one-time code whose verifier record is `verifier` (what an
    /// admin's `AdminRequest::OpenWindow` does; for an appliance whose own
    /// interface acts for an admin). `ACCESS_DENIED` for anyone else.
    pub fn open_pairing_window_as(
        &mut self,
        admin: &[u8; 32],
        verifier: &[u8; crate::crypto::spake2plus::VERIFIER_RECORD_LEN],
        now: Instant,
        length: Duration,
    ) -> Result<(), NodeError> {
        self.handshake.pairing_mut().open_window_as(
            &self.p,
            &self.store,
            admin,
            verifier,
            now,
            length,
        )?;
        Ok(())
    }

    /// Factory reset: every session ends, every pairing is removed (the
    /// replay-guard floor rises past their guards), the window closes. A
    /// physical action then opens a window for the printed code.
    pub fn factory_reset(&mut self) -> Result<(), NodeError> {
        while !self.sessions.is_empty() {
            self.end_session(0, EndReason::Revoked, Some(Status::ACCESS_DENIED));
        }
        self.handshake
            .pairing_mut()
            .factory_reset(&mut self.store)?;
        Ok(())
    }

    /// What this appliance seals about itself in every handshake.
    fn params(&self) -> ApplianceParams {
        ApplianceParams {
            max_frame: self.config.max_frame,
            features: FEATURES,
            descriptor_hash: self.dispatcher.descriptor_hash(),
        }
    }

    /// The device id.
    pub fn device_id(&self) -> [u8; 8] {
        self.identity.device_id
    }

    /// The appliance's X25519 static public key (what paired phones hold;
    /// the advertising key of a paired appliance derives from it).
    pub fn static_public(&self) -> [u8; 32] {
        self.p.x25519_public(&self.identity.static_secret)
    }

    /// Whether the pairing window is open at `now`.
    pub fn pairing_window_open(&self, now: Instant) -> bool {
        self.handshake.pairing().lockout().window_open(now)
    }

    /// The dispatcher: tell it about changes the firmware made itself
    /// ([`Dispatcher::attribute_changed`]) and emit events
    /// ([`Dispatcher::emit_event`]); the node sends what follows.
    pub fn dispatcher(&mut self) -> &mut Dispatcher<'a, Q, SUBS, EVENTS> {
        &mut self.dispatcher
    }

    /// The pairing store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Frames refused, by reason.
    pub fn rejections(&self) -> Rejections {
        self.rejections
    }

    /// Reports and events sent and not yet acknowledged.
    pub fn unacknowledged(&self) -> usize {
        self.unsolicited.len()
    }

    /// Frames queued for sending.
    pub fn queued(&self) -> usize {
        self.outbox.len()
    }

    /// The next event for the application.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Live sessions: `(session id, phone static key)`.
    pub fn sessions(&self) -> impl Iterator<Item = (u16, [u8; 32])> + '_ {
        self.sessions
            .iter()
            .map(|s| (s.channel.local_session(), s.peer_static))
    }

    /// Removes a pairing and ends that phone's live sessions at once (a
    /// sealed Close, then the session is dropped). Returns whether the
    /// pairing existed.
    pub fn remove_pairing(&mut self, peer_static: &[u8; 32]) -> Result<bool, NodeError> {
        let existed = AppliancePairing::remove(&mut self.store, peer_static)?;
        self.revoke(peer_static);
        Ok(existed)
    }

    /// Changes a pairing's role, ending that phone's live sessions at once
    /// (its next session runs with the new role).
    pub fn set_admin(&mut self, peer_static: &[u8; 32], admin: bool) -> Result<bool, NodeError> {
        let Some(mut pairing) = self.store.get(peer_static) else {
            return Ok(false);
        };
        pairing.admin = admin;
        self.store.put(pairing)?;
        self.revoke(peer_static);
        Ok(true)
    }

    fn revoke(&mut self, peer_static: &[u8; 32]) {
        while let Some(k) = self
            .sessions
            .iter()
            .position(|s| &s.peer_static == peer_static)
        {
            self.end_session(k, EndReason::Revoked, Some(Status::ACCESS_DENIED));
        }
    }

    fn event(&mut self, e: Event) {
        if self.events.is_full() {
            self.events.pop_front();
        }
        let _ = self.events.push_back(e);
    }

    fn queue(&mut self, to: A, frame: &[u8]) {
        let Ok(frame) = heapless::Vec::from_slice(frame) else {
            self.rejections.outbox_full += 1;
            return;
        };
        if self.outbox.push_back(Queued { to, frame }).is_err() {
            self.rejections.outbox_full += 1;
        }
    }

    fn queue_plain(&mut self, to: A, exchange: u16, message: &Message<'_>) {
        let mut frame = [0u8; MAX_HANDSHAKE_FRAME];
        if let Ok(len) = crate::to_slice(&Header::plaintext(exchange), message, &mut frame) {
            self.queue(to, &frame[..len]);
        }
    }

    /// Ends session `k`: a sealed Close first if `close` names a reason.
    fn end_session(&mut self, k: usize, reason: EndReason, close: Option<Status>) {
        let mut s = self.sessions.swap_remove(k);
        if let Some(status) = close {
            let mut buf = [0u8; 64];
            if let Ok(n) = s.channel.close(&self.p, 0, status, &mut buf) {
                self.queue(s.peer, &buf[..n]);
            }
        }
        let id = s.channel.local_session();
        self.dispatcher.drop_session(id);
        self.unsolicited.retain(|u| u.session != id);
        self.event(Event::SessionEnded {
            session: id,
            peer_static: s.peer_static,
            reason,
        });
    }

    /// Ends every session past its idle deadline or lifetime.
    fn expire(&mut self, now: Instant) {
        let mut k = 0;
        while k < self.sessions.len() {
            let s = &mut self.sessions[k];
            let unconfirmed = !s.confirmed && now >= s.started.saturating_add(HANDSHAKE_TIMEOUT);
            if s.channel.handle_timeout(now) || unconfirmed {
                self.end_session(k, EndReason::IdleTimeout, None);
            } else if now >= s.started.saturating_add(self.config.max_lifetime) {
                self.end_session(k, EndReason::Lifetime, Some(Status::TIMEOUT));
            } else {
                k += 1;
            }
        }
    }

    fn frame_for(&self, from: A) -> usize {
        self.hellos
            .iter()
            .find(|(a, _)| *a == from)
            .map_or(DEFAULT_FRAME, |(_, f)| usize::from(*f))
    }

    fn handle_plaintext(&mut self, from: A, bytes: &[u8], now: Instant) {
        let (header, ty, message) = match Frame::parse(bytes) {
            Ok(frame) => {
                let ty = Message::peek_type(frame.body);
                (frame.header, ty, Message::from_bytes(frame.body))
            }
            Err(_) => {
                self.rejections.malformed += 1;
                return;
            }
        };
        let exchange = header.exchange;
        match (ty, message) {
            // A handshake message that does not decode is dropped like any
            // other malformed plaintext (SPEC.md 9): no answer, no state.
            (Ok(ty), Ok(_)) if is_handshake(ty) => {
                self.handle_handshake(from, exchange, ty, bytes, now)
            }
            (_, Ok(Message::Hello(hello))) => {
                let reply = self.hello(from, &hello, now);
                self.queue_plain(from, exchange, &Message::HelloReply(reply));
            }
            (_, Ok(Message::Ping(ping))) => {
                self.queue_plain(from, exchange, &Message::Pong(Pong { nonce: ping.nonce }));
            }
            (_, Ok(request @ Message::Describe(_))) => {
                let frame = self.frame_for(from);
                let peer = Peer {
                    session: 0,
                    privilege: Privilege::Unauthenticated,
                };
                let mut replies: heapless::Vec<heapless::Vec<u8, MAX_HANDSHAKE_FRAME>, 1> =
                    heapless::Vec::new();
                let mut buf = [0u8; MAX_HANDSHAKE_FRAME];
                // A plaintext answer's header carries no ack field.
                let room = frame.min(MAX_HANDSHAKE_FRAME)
                    - crate::wire::header::PLAIN_LEN
                    - crate::wire::frame::CRC_LEN;
                let _ = self
                    .dispatcher
                    .handle(&request, peer, now, &mut buf[..room], &mut |r| {
                        if let Ok(v) = heapless::Vec::from_slice(r) {
                            let _ = replies.push(v);
                        }
                    });
                for r in replies {
                    let mut out = [0u8; MAX_HANDSHAKE_FRAME + 16];
                    if let Ok(n) = encode_plain(&Header::plaintext(exchange), &r, &mut out) {
                        self.queue(from, &out[..n]);
                    }
                }
            }
            (
                _,
                Ok(
                    Message::Read(_)
                    | Message::Write(_)
                    | Message::Invoke(_)
                    | Message::Batch(_)
                    | Message::Subscribe(_)
                    | Message::Unsubscribe(_),
                ),
            ) => {
                self.rejections.needs_pairing += 1;
                let status = StatusReport {
                    status: Status::NEEDS_PAIRING,
                };
                self.queue_plain(from, exchange, &Message::Status(status));
            }
            (Ok(_), Ok(_)) => self.rejections.unexpected += 1,
            (Ok(ty), Err(_)) if ty >= crate::message::MESSAGE_TYPES => {
                self.rejections.unexpected += 1;
                let status = StatusReport {
                    status: Status::UNSUPPORTED_MESSAGE,
                };
                self.queue_plain(from, exchange, &Message::Status(status));
            }
            _ => self.rejections.malformed += 1,
        }
    }

    fn hello(&mut self, from: A, hello: &Hello, now: Instant) -> HelloReply {
        if hello.min_version > PROTOCOL_VERSION || hello.max_version < PROTOCOL_VERSION {
            return HelloReply::Reject(HelloReject::UnsupportedVersion {
                min: PROTOCOL_VERSION,
                max: PROTOCOL_VERSION,
            });
        }
        let reject = match hello.purpose {
            Purpose::Pair => match self.handshake.pairing().lockout().admit(now) {
                Err(SessionError::LockedOut { retry_after_s }) => {
                    Some(HelloReject::LockedOut { retry_after_s })
                }
                Err(_) => Some(HelloReject::PairingWindowClosed),
                Ok(()) if self.handshake.pairing().expected() == Expected::PairFinish => {
                    let wait = self
                        .handshake
                        .poll_timeout()
                        .map_or(0, |d| d.saturating_since(now).millis());
                    Some(HelloReject::Busy {
                        retry_after_ms: u32::try_from(wait).unwrap_or(u32::MAX),
                    })
                }
                Ok(()) => None,
            },
            Purpose::Resume if self.store.is_empty() => Some(HelloReject::NotPaired),
            _ => None,
        };
        if let Some(r) = reject {
            return HelloReply::Reject(r);
        }
        let frame = hello
            .max_frame
            .max(DEFAULT_FRAME as u16)
            .min(self.config.max_frame);
        // Only plaintext answers to this address use it: a session's frame
        // size comes from its authenticated offer, never from a Hello.
        match self.hellos.iter_mut().find(|(a, _)| *a == from) {
            Some(entry) => entry.1 = frame,
            None => {
                if self.hellos.is_full() {
                    self.hellos.remove(0);
                }
                let _ = self.hellos.push((from, frame));
            }
        }
        let params = self.params();
        HelloReply::Accept(HelloAccept {
            version: PROTOCOL_VERSION,
            max_frame: params.max_frame,
            features: params.features,
            descriptor_hash: params.descriptor_hash,
            device_id: Fixed(self.identity.device_id),
        })
    }

    fn handle_handshake(&mut self, from: A, exchange: u16, ty: u32, bytes: &[u8], now: Instant) {
        if let Some(answer) = self.handshakes.lookup(from, exchange, bytes, now) {
            self.rejections.handshake_duplicates += 1;
            if !answer.is_empty() {
                let mut copy = [0u8; MAX_HANDSHAKE_FRAME];
                let n = answer.len();
                copy[..n].copy_from_slice(answer);
                self.queue(from, &copy[..n]);
            }
            return;
        }
        // A new pairing needs a free slot in the table (a tentative
        // session gives its slot up).
        let is_pair_request = ty == 2;
        if is_pair_request && self.sessions.is_full() && !self.sessions.iter().any(|s| !s.confirmed)
        {
            self.rejections.busy += 1;
            let status = StatusReport {
                status: Status::BUSY,
            };
            self.queue_plain(from, exchange, &Message::Status(status));
            return;
        }
        // An address whose last resumption failed after its mac checked
        // waits before it costs the appliance X25519 operations again.
        let is_resume = ty == 5;
        if is_resume
            && self
                .resume_failures
                .iter()
                .any(|(a, t)| *a == from && now < t.saturating_add(RESUME_BACKOFF))
        {
            self.rejections.resume_backoff += 1;
            return;
        }
        let live: heapless::Vec<u16, SESSIONS> = self
            .sessions
            .iter()
            .map(|s| s.channel.local_session())
            .collect();
        let params = self.params();
        let result = self.handshake.handle_frame_avoiding(
            &mut self.p,
            &mut self.store,
            &self.identity,
            &params,
            bytes,
            now,
            &|id| live.contains(&id),
        );
        match result {
            Ok(()) => {}
            Err(SessionError::Authentication) if is_resume => self.rejections.resume_mac += 1,
            // Unauthenticated and undecodable: dropped, and no attempt
            // counted against the address (SPEC.md 9).
            Err(SessionError::Message(_)) => self.rejections.malformed += 1,
            Err(_) => {
                self.rejections.handshake += 1;
                if is_resume {
                    self.resume_failures.retain(|(a, _)| *a != from);
                    if self.resume_failures.is_full() {
                        self.resume_failures.remove(0);
                    }
                    let _ = self.resume_failures.push((from, now));
                }
            }
        }
        let mut answer = [0u8; MAX_HANDSHAKE_FRAME];
        let mut n = self.handshake.poll_transmit(&mut answer).unwrap_or(0);
        while let Some(e) = self.handshake.poll_event() {
            match e {
                ApplianceEvent::Paired {
                    channel,
                    peer_static,
                    admin,
                    offer,
                } => {
                    let session = channel.local_session();
                    if self.install(from, channel, peer_static, offer, false, now) {
                        self.event(Event::Paired {
                            peer_static,
                            admin,
                            session,
                        });
                    }
                    self.tell_admins(&peer_static, admin, now);
                }
                ApplianceEvent::Resumed {
                    channel,
                    peer_static,
                    offer,
                    ..
                } => {
                    if !self.install(from, channel, peer_static, offer, true, now) {
                        // No room: the reply is withheld, the phone is told.
                        self.rejections.busy += 1;
                        let busy = Message::Status(StatusReport {
                            status: Status::BUSY,
                        });
                        n = crate::to_slice(&Header::plaintext(exchange), &busy, &mut answer)
                            .unwrap_or(0);
                    }
                }
                ApplianceEvent::AttemptFailed(e) => self.event(Event::PairingFailed(e)),
            }
        }
        // Refusals that depend on the moment (closed window, lockout) are
        // not cached: a later identical frame is judged again.
        if result.is_ok() {
            self.handshakes
                .insert(from, exchange, bytes, &answer[..n], now);
        }
        if n > 0 {
            self.queue(from, &answer[..n]);
        }
    }

    /// Puts a new, tentative session in the table: it replaces the same
    /// phone's older session only when its first authenticated frame
    /// arrives. A full table makes room by dropping its oldest tentative
    /// session; `false` if every slot holds a confirmed one.
    fn install(
        &mut self,
        from: A,
        channel: SecureChannel,
        peer_static: [u8; 32],
        offer: Offer,
        resumed: bool,
        now: Instant,
    ) -> bool {
        if self.sessions.is_full()
            && let Some(k) = self
                .sessions
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.confirmed)
                .min_by_key(|(_, s)| s.started)
                .map(|(k, _)| k)
        {
            self.end_session(k, EndReason::Replaced, None);
        }
        // The frame size both sides take: the smaller of the phone's
        // authenticated offer and this node's own.
        let frame = usize::from(offer.max_frame)
            .min(usize::from(self.config.max_frame))
            .max(DEFAULT_FRAME);
        self.sessions
            .push(Session {
                channel,
                peer: from,
                peer_static,
                started: now,
                frame,
                next_exchange: 1,
                replies: ReplyCache::new(),
                confirmed: false,
                resumed,
            })
            .is_ok()
    }

    /// The first authenticated frame of a tentative session: it now
    /// replaces the same phone's older sessions.
    // Off the pairing path: kept out of its callers' stack frames.
    #[inline(never)]
    fn confirm(&mut self, k: usize) {
        let s = &mut self.sessions[k];
        s.confirmed = true;
        let (id, peer_static, resumed) = (s.channel.local_session(), s.peer_static, s.resumed);
        while let Some(old) = self
            .sessions
            .iter()
            .position(|s| s.peer_static == peer_static && s.channel.local_session() != id)
        {
            self.end_session(old, EndReason::Replaced, Some(Status::SUCCESS));
        }
        if resumed {
            self.event(Event::Resumed {
                peer_static,
                session: id,
            });
        }
    }

    /// Sends every admin's live session a `PairingAdded` notice.
    // Off the pairing path: kept out of its callers' stack frames.
    #[inline(never)]
    fn tell_admins(&mut self, peer_static: &[u8; 32], admin: bool, now: Instant) {
        let notice = Message::PairingAdded(PairingAdded {
            peer: Fixed(*peer_static),
            admin,
        });
        let mut buf = [0u8; UNSOLICITED_LEN];
        let Ok(body) = notice.to_slice(&mut buf) else {
            return;
        };
        let n = body.len();
        let mut k = 0;
        while k < self.sessions.len() {
            let s = &self.sessions[k];
            let is_admin = self.store.get(&s.peer_static).is_some_and(|p| p.admin);
            if !s.confirmed
                || !is_admin
                || s.peer_static == *peer_static
                || self.unsolicited.is_full()
            {
                k += 1;
                continue;
            }
            self.start_unsolicited(k, &buf[..n], now);
            k += 1;
        }
    }

    /// Tells a phone (at most once per [`HINT_INTERVAL`]) that the session
    /// of its request is unknown: an unauthenticated hint.
    fn hint_unknown_session(&mut self, from: A, exchange: u16, now: Instant) {
        self.rejections.unknown_session += 1;
        if let Some(entry) = self.hints.iter_mut().find(|(a, _)| *a == from) {
            if now < entry.1.saturating_add(HINT_INTERVAL) {
                return;
            }
            entry.1 = now;
        } else {
            if self.hints.is_full() {
                self.hints.remove(0);
            }
            let _ = self.hints.push((from, now));
        }
        let status = StatusReport {
            status: Status::UNKNOWN_SESSION,
        };
        self.queue_plain(from, exchange, &Message::Status(status));
    }

    fn handle_secured(&mut self, from: A, frame: &mut [u8], now: Instant) {
        let Ok((header, _)) = Header::parse(frame) else {
            self.rejections.malformed += 1;
            return;
        };
        let Some(k) = self
            .sessions
            .iter()
            .position(|s| s.channel.local_session() == header.session)
        else {
            if header.flags.contains(Flags::INITIATOR) {
                self.hint_unknown_session(from, header.exchange, now);
            } else {
                self.rejections.unknown_session += 1;
            }
            return;
        };
        let opened = self.sessions[k].channel.open(&self.p, frame, now);
        let (header, body) = match opened {
            Ok(ok) => ok,
            Err(e) => {
                match e {
                    SessionError::Replay(_) => self.rejections.replay += 1,
                    SessionError::Closed => {
                        self.rejections.closed += 1;
                        self.end_session(k, EndReason::IdleTimeout, None);
                    }
                    SessionError::Authentication => self.rejections.authentication += 1,
                    _ => self.rejections.malformed += 1,
                }
                return;
            }
        };
        // The phone may have moved: answer where it is now.
        self.sessions[k].peer = from;
        let session = header.session;
        // A tentative session's first authenticated frame confirms it; the
        // older sessions it replaces leave the table, so find it again.
        let k = if self.sessions[k].confirmed {
            k
        } else {
            self.confirm(k);
            let Some(k) = self
                .sessions
                .iter()
                .position(|s| s.channel.local_session() == session)
            else {
                return;
            };
            k
        };
        // The privilege of this request, from the store as it is now.
        let privilege = match self.store.get(&self.sessions[k].peer_static) {
            Some(p) if p.admin => Privilege::Admin,
            Some(_) => Privilege::User,
            None => {
                self.end_session(k, EndReason::Revoked, Some(Status::ACCESS_DENIED));
                return;
            }
        };
        let message = match Message::from_bytes(body) {
            Ok(m) => m,
            Err(e) => {
                self.rejections.malformed += 1;
                if let Some(status) = e.status() {
                    self.reply(k, &header, &Message::Status(StatusReport { status }));
                }
                return;
            }
        };
        // An acknowledgement, standalone or piggybacked on any frame.
        if let Some(ack) = header.ack {
            self.unsolicited
                .retain(|u| !(u.session == session && u.counters.contains(&ack)));
        }
        match message {
            Message::Close(Close { reason }) => {
                self.end_session(k, EndReason::ClosedByPeer(reason), None);
            }
            Message::Ack => {}
            Message::Ping(ping) => {
                if self.sessions[k].replies.saw(header.exchange) {
                    self.reply(k, &header, &Message::Pong(Pong { nonce: ping.nonce }));
                } else {
                    self.rejections.stale += 1;
                }
            }
            Message::Describe(_) | Message::Read(_) => {
                // Idempotent: served again, never cached; they move the
                // exchange window all the same.
                if self.sessions[k].replies.saw(header.exchange) {
                    self.dispatch(k, &header, &message, body, privilege, now, false);
                } else {
                    self.rejections.stale += 1;
                }
            }
            Message::Admin(AdminRequest::List { from }) => {
                if self.sessions[k].replies.saw(header.exchange) {
                    self.list_pairings(k, &header, from);
                } else {
                    self.rejections.stale += 1;
                }
            }
            // A batch is one request: cached and answered once, like its items.
            Message::Write(_)
            | Message::Invoke(_)
            | Message::Batch(_)
            | Message::Subscribe(_)
            | Message::Unsubscribe(_)
            | Message::Admin(_) => {
                let replies = &mut self.sessions[k].replies;
                let mut cached = [0u8; super::reliable::CACHED_REPLY_LEN];
                let found = match replies.lookup(header.exchange, body, now) {
                    Lookup::Retransmission(reply) => {
                        cached[..reply.len()].copy_from_slice(reply);
                        Found::Cached(reply.len())
                    }
                    Lookup::Uncached => Found::Uncached,
                    Lookup::Stale => Found::Stale,
                    Lookup::New => Found::New,
                };
                let found = match found {
                    Found::New if !replies.has_room(header.exchange, now) => Found::Full,
                    other => other,
                };
                match found {
                    Found::Cached(n) => {
                        self.rejections.duplicates += 1;
                        self.seal_reply(k, &header, &cached[..n]);
                    }
                    Found::Uncached => {
                        self.rejections.duplicates += 1;
                        let status = Status::RESOURCE_EXHAUSTED;
                        self.reply(k, &header, &Message::Status(StatusReport { status }));
                    }
                    Found::Stale => self.rejections.stale += 1,
                    Found::Full => {
                        self.rejections.busy += 1;
                        let status = Status::BUSY;
                        self.reply(k, &header, &Message::Status(StatusReport { status }));
                    }
                    Found::New => match message {
                        Message::Admin(request) => self.admin(k, &header, body, request, now),
                        _ => self.dispatch(k, &header, &message, body, privilege, now, true),
                    },
                }
            }
            _ => {
                self.rejections.unexpected += 1;
            }
        }
    }

    /// Answers `AdminRequest::List` with as many entries as fit the frame.
    // Off the pairing path: kept out of its callers' stack frames.
    #[inline(never)]
    fn list_pairings(&mut self, k: usize, header: &Header, from: u8) {
        const MOST: usize = 8;
        let by = self.sessions[k].peer_static;
        let mut found = [([0u8; 32], false); MOST];
        let from_index = usize::from(from);
        let listed = AppliancePairing::list_pairings_as(&self.store, &by, from_index, &mut found);
        let total = match listed {
            Ok(total) => total,
            Err(e) => {
                self.rejections.admin_refused += 1;
                let status = Status::from(e);
                self.reply(k, header, &Message::Status(StatusReport { status }));
                return;
            }
        };
        // Each entry is 33 bytes; the list's header at most 8.
        let room = secured_payload(self.sessions[k].frame.min(FRAME));
        let fit = room.saturating_sub(8) / 33;
        let count = total.saturating_sub(from_index).min(fit).min(MOST);
        let entries: heapless::Vec<PairingEntry, MOST> = found[..count]
            .iter()
            .map(|(peer, admin)| PairingEntry {
                peer: Fixed(*peer),
                admin: *admin,
            })
            .collect();
        let list = Message::PairingList(PairingList {
            total: u8::try_from(total).unwrap_or(u8::MAX),
            from,
            entries: Seq::from_slice(&entries),
        });
        let mut payload = [0u8; FRAME];
        if let Ok(body) = list.to_slice(&mut payload) {
            let n = body.len();
            self.seal_reply(k, header, &payload[..n]);
        }
    }

    /// Runs a non-idempotent admin request from session `k`, answers it
    /// with a `Status` (cached like any non-idempotent reply), then ends
    /// the sessions the change affects.
    #[inline(never)]
    fn admin(
        &mut self,
        k: usize,
        header: &Header,
        body: &[u8],
        request: AdminRequest,
        now: Instant,
    ) {
        let by = self.sessions[k].peer_static;
        let mut revoke = None;
        let outcome = match request {
            AdminRequest::Remove { peer } => {
                let removed = AppliancePairing::remove_pairing_as(&mut self.store, &by, &peer.0);
                if removed == Ok(true) {
                    revoke = Some(peer.0);
                    self.event(Event::PairingRemoved {
                        peer_static: peer.0,
                        by,
                    });
                }
                removed
            }
            AdminRequest::SetRole { peer, admin } => {
                let changed = AppliancePairing::set_role_as(&mut self.store, &by, &peer.0, admin);
                if changed == Ok(true) {
                    revoke = Some(peer.0);
                    self.event(Event::RoleChanged {
                        peer_static: peer.0,
                        admin,
                    });
                }
                changed
            }
            AdminRequest::OpenWindow { seconds, verifier } => self
                .handshake
                .pairing_mut()
                .open_window_as(
                    &self.p,
                    &self.store,
                    &by,
                    &verifier.0,
                    now,
                    Duration::from_secs(seconds.into()),
                )
                .map(|()| {
                    self.event(Event::WindowOpened { by, seconds });
                    true
                }),
            AdminRequest::CloseWindow => {
                if self.store.get(&by).is_some_and(|p| p.admin) {
                    self.handshake.pairing_mut().close_window();
                    Ok(true)
                } else {
                    Err(SessionError::Refused(Status::ACCESS_DENIED))
                }
            }
            AdminRequest::List { .. } => Ok(true),
        };
        let status = match outcome {
            Ok(true) => Status::SUCCESS,
            Ok(false) => Status::INVALID_STATE,
            Err(e) => {
                self.rejections.admin_refused += 1;
                Status::from(e)
            }
        };
        let reply = Message::Status(StatusReport { status });
        let mut payload = [0u8; 16];
        if let Ok(encoded) = reply.to_slice(&mut payload) {
            let n = encoded.len();
            self.sessions[k]
                .replies
                .insert(header.exchange, body, &payload[..n], now);
            self.seal_reply(k, header, &payload[..n]);
        }
        if let Some(peer) = revoke {
            self.revoke(&peer);
        }
    }

    /// Seals `message` as a reply to the request in `header` on session `k`.
    fn reply(&mut self, k: usize, header: &Header, message: &Message<'_>) {
        let mut payload = [0u8; 64];
        if let Ok(body) = message.to_slice(&mut payload) {
            let n = body.len();
            self.seal_reply(k, header, &payload[..n]);
        }
    }

    fn seal_reply(&mut self, k: usize, header: &Header, payload: &[u8]) {
        let mut buf = [0u8; FRAME];
        let s = &mut self.sessions[k];
        match s.channel.seal(
            &self.p,
            header.exchange,
            Flags::EMPTY,
            Some(header.counter),
            payload,
            &mut buf,
        ) {
            Ok(n) => {
                let to = s.peer;
                self.queue(to, &buf[..n]);
            }
            Err(SessionError::CounterExhausted | SessionError::Closed) => {
                self.end_session(k, EndReason::CounterExhausted, None);
            }
            Err(_) => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn dispatch(
        &mut self,
        k: usize,
        header: &Header,
        request: &Message<'_>,
        body: &[u8],
        privilege: Privilege,
        now: Instant,
        cache: bool,
    ) {
        let Appliance {
            p,
            dispatcher,
            sessions,
            outbox,
            rejections,
            ..
        } = self;
        let s = &mut sessions[k];
        let peer = Peer {
            session: s.channel.local_session(),
            privilege,
        };
        let room = secured_payload(s.frame.min(FRAME));
        let mut buf = [0u8; FRAME];
        let mut first: Option<heapless::Vec<u8, { super::reliable::CACHED_REPLY_LEN }>> = None;
        let mut too_long = false;
        let mut queued = 0usize;
        let mut overflow = false;
        let result = dispatcher.handle(request, peer, now, &mut buf[..room], &mut |reply| {
            if first.is_none() && !too_long {
                match heapless::Vec::from_slice(reply) {
                    Ok(v) => first = Some(v),
                    Err(_) => too_long = true,
                }
            }
            let mut frame = [0u8; FRAME];
            match s.channel.seal(
                p,
                header.exchange,
                Flags::EMPTY,
                Some(header.counter),
                reply,
                &mut frame,
            ) {
                Ok(n) => {
                    let Ok(frame) = heapless::Vec::from_slice(&frame[..n]) else {
                        return;
                    };
                    if outbox.push_back(Queued { to: s.peer, frame }).is_ok() {
                        queued += 1;
                    } else {
                        overflow = true;
                    }
                }
                Err(_) => overflow = true,
            }
        });
        if result.is_err() {
            rejections.unexpected += 1;
        }
        if overflow {
            // Never a partial answer: take back what was queued, refuse.
            rejections.outbox_full += 1;
            for _ in 0..queued {
                outbox.pop_back();
            }
            let status = Status::RESOURCE_EXHAUSTED;
            self.reply(k, header, &Message::Status(StatusReport { status }));
            return;
        }
        if cache {
            let reply = first.as_deref().unwrap_or(&[]);
            let reply: &[u8] = if too_long {
                &[0u8; super::reliable::CACHED_REPLY_LEN + 1]
            } else {
                reply
            };
            self.sessions[k]
                .replies
                .insert(header.exchange, body, reply, now);
        }
    }

    /// Seals due reports and events onto their sessions, while there is
    /// room to hold them until acknowledged.
    fn pump_reports(&mut self, now: Instant) {
        self.dispatcher.handle_timeout(now);
        let mut buf = [0u8; UNSOLICITED_LEN];
        while !self.unsolicited.is_full() && self.outbox.len() < OUTBOX {
            let out = match self.dispatcher.poll_report(&mut buf) {
                Ok(Some(out)) => out,
                Ok(None) => break,
                Err(_) => {
                    self.rejections.unsolicited_dropped += 1;
                    continue;
                }
            };
            let Some(k) = self
                .sessions
                .iter()
                .position(|s| s.channel.local_session() == out.session)
            else {
                self.dispatcher.drop_session(out.session);
                continue;
            };
            self.start_unsolicited(k, &buf[..out.len], now);
        }
    }

    /// Sends `payload` on session `k` on a new appliance-opened exchange,
    /// and holds it for retransmission until it is acknowledged.
    fn start_unsolicited(&mut self, k: usize, payload: &[u8], now: Instant) {
        let s = &mut self.sessions[k];
        let exchange = s.next_exchange;
        s.next_exchange = s.next_exchange.wrapping_add(1).max(1);
        let mut random = [0u8; 2];
        self.p.random_bytes(&mut random);
        let mut entry = Unsolicited {
            session: s.channel.local_session(),
            exchange,
            counters: heapless::Vec::new(),
            payload: heapless::Vec::new(),
            retry: Retry::first(now, u16::from_le_bytes(random)),
        };
        let _ = entry.payload.extend_from_slice(payload);
        if self.send_unsolicited(k, &mut entry) {
            let _ = self.unsolicited.push(entry);
        }
    }

    /// Seals one transmission of an unsolicited message; `false` if the
    /// session can no longer send.
    fn send_unsolicited(&mut self, k: usize, u: &mut Unsolicited) -> bool {
        let s = &mut self.sessions[k];
        let mut frame = [0u8; FRAME];
        let flags = Flags::INITIATOR | Flags::ACK_REQUESTED;
        let counter = s.channel.next_counter();
        match s
            .channel
            .seal(&self.p, u.exchange, flags, None, &u.payload, &mut frame)
        {
            Ok(n) => {
                if let Some(c) = counter {
                    let _ = u.counters.push(c);
                }
                let to = s.peer;
                self.queue(to, &frame[..n]);
                true
            }
            Err(_) => false,
        }
    }

    fn retransmit_unsolicited(&mut self, now: Instant) {
        let mut i = 0;
        while i < self.unsolicited.len() {
            if !self.unsolicited[i].retry.due(now) || self.outbox.is_full() {
                i += 1;
                continue;
            }
            let mut random = [0u8; 2];
            self.p.random_bytes(&mut random);
            let mut u = self.unsolicited.swap_remove(i);
            let session = self
                .sessions
                .iter()
                .position(|s| s.channel.local_session() == u.session);
            let again = u.retry.retransmit(now, u16::from_le_bytes(random));
            match session {
                Some(k) if again && self.send_unsolicited(k, &mut u) => {
                    let _ = self.unsolicited.push(u);
                    // The swapped-in entry now sits at `i`: look at it next.
                }
                _ => self.rejections.unsolicited_dropped += 1,
            }
            if self.unsolicited.len() <= i {
                break;
            }
        }
    }
}

impl<
    P: CryptoProvider,
    S: PairingStore,
    Q: SequenceStore,
    A: Address,
    const SESSIONS: usize,
    const SUBS: usize,
    const EVENTS: usize,
    const FRAME: usize,
> super::Node for Appliance<'_, P, S, Q, A, SESSIONS, SUBS, EVENTS, FRAME>
{
    type Addr = A;

    fn handle_datagram(&mut self, from: A, frame: &mut [u8], now: Instant) {
        self.now = self.now.max(now);
        self.expire(now);
        if frame.len() > usize::from(self.config.max_frame) {
            self.rejections.oversize += 1;
            return;
        }
        match Header::parse(frame) {
            Err(_) => self.rejections.malformed += 1,
            Ok((h, _)) if h.is_secured() => self.handle_secured(from, frame, now),
            Ok(_) => self.handle_plaintext(from, frame, now),
        }
        self.pump_reports(now);
    }

    fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<(A, usize)> {
        let q = self.outbox.front()?;
        let n = q.frame.len();
        let to = q.to;
        let dst = buf.get_mut(..n)?;
        dst.copy_from_slice(&q.frame);
        self.outbox.pop_front();
        if self.outbox.is_empty() {
            // Room again: reports held back by a full outbox may go now.
            let now = self.now;
            self.pump_reports(now);
        }
        Some((to, n))
    }

    fn poll_timeout(&self) -> Option<Instant> {
        let sessions = self.sessions.iter().filter_map(|s| {
            let lifetime = s.started.checked_add(self.config.max_lifetime);
            match (s.channel.poll_timeout(), lifetime) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        });
        let retries = self.unsolicited.iter().map(|u| u.retry.deadline());
        let reports = if self.unsolicited.is_full() {
            None
        } else {
            self.dispatcher.poll_timeout()
        };
        sessions
            .chain(retries)
            .chain(reports)
            .chain(self.handshake.poll_timeout())
            .min()
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.now = self.now.max(now);
        self.handshake.handle_timeout(now);
        while let Some(e) = self.handshake.poll_event() {
            if let ApplianceEvent::AttemptFailed(e) = e {
                self.event(Event::PairingFailed(e));
            }
        }
        self.expire(now);
        self.retransmit_unsolicited(now);
        self.pump_reports(now);
    }
}

impl From<Ended> for EndReason {
    fn from(e: Ended) -> Self {
        match e {
            Ended::ClosedByPeer(s) => EndReason::ClosedByPeer(s),
            Ended::IdleTimeout => EndReason::IdleTimeout,
            Ended::CounterExhausted => EndReason::CounterExhausted,
            Ended::ClosedLocally(_) => EndReason::Revoked,
        }
    }
}
