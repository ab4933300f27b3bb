//! The phone node: hello, pairing, resumption, the secure channel and the
//! controller behind one sans-IO front door, with owned results.
//!
//! The phone starts things ([`Phone::pair_with_code`], [`Phone::resume`],
//! [`Phone::request`] and its typed forms) and learns how they ended from
//! [`Phone::poll_event`]. Requests made while a handshake runs wait for its
//! channel, so the first command travels with `PairFinish` (pairing in 1.5
//! round trips) or right after the `ResumeReply` (1 round trip).
//!
//! # Contract
//!
//! Every request ends in exactly one [`PhoneEvent::Reply`]: its owned
//! result, or why it failed ([`NodeError`]: a refusal, the peer
//! unreachable after every retransmission, the session ended). Reports and
//! events are delivered once each however often the appliance retransmits
//! them. Nothing received is trusted before it authenticates: an
//! unauthenticated "unknown session" only colours the error a failing
//! request reports.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::crypto::CryptoProvider;
use crate::crypto::spake2plus::ProverSecret;
use crate::descriptor::OwnedDescriptor;
use crate::interaction::InteractionError;
use crate::interaction::controller::{Controller, Notice, Outcome};
use crate::message::{
    AdminRequest, Describe, Fixed, Hello, HelloAccept, HelloReject, HelloReply, Message, Offer,
    Ping, Purpose, Read, Status, Subscribe, Unsubscribe,
};
use crate::session::pairing::{DeviceId, PhonePairing, status_error};
use crate::session::resume::PhoneResume;
use crate::session::{ApplianceParams, SecureChannel, SessionError};
use crate::time::{Duration, Instant};
use crate::wire::{Flags, Frame, Header};

use super::owned::{Invoked, ItemOutcome, OwnedEvent, OwnedRecord, fields_of};
use super::reliable::{REQUESTS_IN_FLIGHT, Retry, SeenExchanges, is_stale};
use super::store::{KnownAppliance, PhoneStore};
use super::{Address, DEFAULT_FRAME, MAX_FRAME, NodeError, secured_payload};

/// How often an idle session is kept alive with a Ping.
pub const KEEPALIVE: Duration = Duration::from_secs(45);
/// The longest `Busy { retry_after_ms }` the phone waits out before it asks
/// Hello again; a longer one ends the attempt with `Busy`.
pub const MAX_BUSY_WAIT_MS: u32 = 5_000;

/// Names one request; its [`PhoneEvent::Reply`] carries the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// A request's owned result.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The whole descriptor, checked against its hash.
    Descriptor(Arc<OwnedDescriptor>),
    /// Values read (every chunk).
    Values(Vec<OwnedRecord>),
    /// A write succeeded.
    Written {
        /// The new data version.
        data_version: u32,
    },
    /// A command ran.
    Invoked(Invoked),
    /// A batch ran: one outcome per item, in the items' order.
    Batched(Vec<ItemOutcome>),
    /// A subscription was granted.
    Subscribed {
        /// Its id, carried by its reports.
        subscription: u16,
        /// The max interval granted, in milliseconds.
        max_interval_ms: u32,
    },
    /// A subscription ended.
    Unsubscribed,
    /// A ping was answered.
    Pong,
    /// An admin request succeeded.
    Administered,
    /// Pairings, answering [`Phone::list_pairings`]: `(static key, admin)`
    /// from index `from` of `total`.
    Pairings {
        /// How many pairings the appliance holds.
        total: u8,
        /// The index of the first entry.
        from: u8,
        /// The entries.
        entries: Vec<([u8; 32], bool)>,
    },
}

/// What the phone tells its application.
#[derive(Debug, Clone, PartialEq)]
pub enum PhoneEvent {
    /// The appliance answered Hello.
    Hello(HelloAccept),
    /// Paired and stored: the appliance's first authenticated frame
    /// arrived (until then a pairing is tentative and not stored).
    Paired {
        /// The appliance's device id.
        device_id: DeviceId,
    },
    /// Resumed; a session is up.
    Resumed {
        /// The appliance's device id.
        device_id: DeviceId,
    },
    /// Pairing or resumption failed (typed: a wrong code is never a
    /// timeout).
    HandshakeFailed(NodeError),
    /// A request ended.
    Reply {
        /// Which request.
        id: RequestId,
        /// Its result.
        result: Result<Reply, NodeError>,
    },
    /// Values for a subscription.
    Report {
        /// The subscription.
        subscription: u16,
        /// The values.
        records: Vec<OwnedRecord>,
    },
    /// An event, and how many were missed just before it.
    Event {
        /// The event.
        event: OwnedEvent,
        /// Events missed (a gap in the sequence numbers).
        missed: u64,
    },
    /// The session ended.
    SessionEnded(NodeError),
    /// Another phone paired with the appliance (sent to admins).
    PairingAdded {
        /// Its static key.
        peer_static: [u8; 32],
        /// Whether it is an admin.
        admin: bool,
    },
}

/// Counters of what the phone saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhoneStats {
    /// Frames that did not parse, authenticate or decode.
    pub rejected: u32,
    /// Request retransmissions sent.
    pub retransmissions: u32,
    /// Replies to requests no longer pending (late or duplicate).
    pub late_replies: u32,
    /// Unsolicited messages received again and acknowledged again.
    pub duplicates: u32,
    /// Acknowledgements sent.
    pub acks: u32,
}

/// Plaintext handshake frame and its retransmission schedule.
struct Flight {
    frame: Vec<u8>,
    retry: Retry,
    /// False while the schedule waits for the first time input after a
    /// key derivation: the `now` the call began with is stale by the
    /// derivation's duration, and a timer started from it would fire at
    /// once.
    started: bool,
}

enum State<P: CryptoProvider> {
    Idle,
    /// Waiting for HelloAccept to learn the device id, then pairing.
    HelloThenPair {
        code_secret: PairSecret<P>,
    },
    Pairing {
        machine: PhonePairing<P>,
        device_id: DeviceId,
        flight: Flight,
    },
    Resuming {
        machine: PhoneResume<P>,
        device_id: DeviceId,
        flight: Flight,
    },
    Ready {
        channel: SecureChannel,
        device_id: DeviceId,
        /// The PairFinish frame, until the appliance's first authenticated
        /// frame shows it arrived.
        finish: Option<Vec<u8>>,
        /// A new pairing, stored only when the appliance's first
        /// authenticated frame shows the appliance stored it too.
        tentative: Option<KnownAppliance>,
    },
}

/// How the pairing secret is obtained once the device id is known.
enum PairSecret<P: CryptoProvider> {
    /// The setup code, derived when the device id is known.
    #[cfg(all(feature = "std", feature = "rustcrypto"))]
    Code(crate::crypto::setup_code::SetupCode),
    /// Already derived.
    Derived(ProverSecret<P>),
}

enum Kind {
    Describe,
    Read(Vec<OwnedRecord>),
    Other,
}

/// What the phone offers in every handshake.
const OFFER: Offer = Offer {
    max_frame: MAX_FRAME as u16,
    features: super::appliance::FEATURES,
};

struct Pending {
    id: RequestId,
    payload: Vec<u8>,
    retry: Retry,
    deadline: Option<Instant>,
    kind: Kind,
    /// The transmission (its counter) whose answer is being assembled.
    answering: Option<u32>,
}

/// The phone side of applink for one appliance at a time.
///
/// ```
/// use applink::crypto::RustCrypto;
/// use applink::node::{Node, Phone};
/// use applink::node::store::MemoryPhoneStore;
///
/// // A phone draws from the operating system; this example from a fixed byte.
/// let crypto = RustCrypto::new(|out: &mut [u8]| out.fill(0x17));
/// let mut phone: Phone<_, _, u8> = Phone::new(crypto, MemoryPhoneStore::default()).unwrap();
/// let now = applink::time::Instant::from_secs(1);
/// phone.pair_with_code(1, "3141-5926", None, now).unwrap();
/// // A Hello goes out first: the phone learns the device id from it.
/// let mut frame = [0u8; 1024];
/// let (to, n) = phone.poll_transmit(&mut frame).unwrap();
/// assert_eq!((to, applink::from_bytes(&frame[..n]).unwrap().1.name()), (1, "Hello"));
/// ```
pub struct Phone<P: CryptoProvider, S: PhoneStore, A: Address> {
    p: P,
    store: S,
    secret: P::X25519Secret,
    public: [u8; 32],
    peer: Option<A>,
    state: State<P>,
    hello: Option<Flight>,
    accepted: Option<HelloAccept>,
    /// What the appliance sealed in this session's handshake.
    sealed: Option<ApplianceParams>,
    /// A plaintext refusal of the Hello before pairing: a hint, and when
    /// its grace ends the attempt.
    hello_hint: Option<(SessionError, Instant)>,
    frame: usize,
    controller: Controller,
    pending: BTreeMap<u16, Pending>,
    waiting: VecDeque<(RequestId, Vec<u8>, Option<Instant>)>,
    next_id: u64,
    outbox: VecDeque<(A, Vec<u8>)>,
    events: VecDeque<PhoneEvent>,
    seen: SeenExchanges,
    heard: bool,
    hinted: bool,
    last_sent: Instant,
    keepalive: Option<RequestId>,
    now: Instant,
    stats: PhoneStats,
    #[cfg(feature = "std")]
    key_log: Option<super::keylog::KeyLog>,
}

fn random_u16<P: CryptoProvider>(p: &mut P) -> u16 {
    let mut b = [0u8; 2];
    p.random_bytes(&mut b);
    u16::from_le_bytes(b)
}

fn plain_frame(exchange: u16, message: &Message<'_>) -> Vec<u8> {
    let mut out = [0u8; 96];
    let header = Header::plaintext(exchange).with_flags(Flags::INITIATOR);
    crate::to_slice(&header, message, &mut out).map_or(Vec::new(), |len| out[..len].to_vec())
}

impl<P: CryptoProvider, S: PhoneStore, A: Address> Phone<P, S, A> {
    /// A phone with its long-term key from `store` (drawn and stored on
    /// first use).
    pub fn new(mut crypto: P, mut store: S) -> Result<Self, NodeError> {
        let raw = match store.static_secret() {
            Some(s) => s,
            None => {
                let mut s = [0u8; 32];
                crypto.random_bytes(&mut s);
                store.set_static_secret(s)?;
                s
            }
        };
        let secret = crypto.x25519_import(&raw);
        let public = crypto.x25519_public(&secret);
        Ok(Phone {
            p: crypto,
            store,
            secret,
            public,
            peer: None,
            state: State::Idle,
            hello: None,
            accepted: None,
            sealed: None,
            hello_hint: None,
            frame: DEFAULT_FRAME,
            controller: Controller::new(),
            pending: BTreeMap::new(),
            waiting: VecDeque::new(),
            next_id: 1,
            outbox: VecDeque::new(),
            events: VecDeque::new(),
            seen: SeenExchanges::new(),
            heard: false,
            hinted: false,
            last_sent: Instant::ZERO,
            keepalive: None,
            now: Instant::ZERO,
            stats: PhoneStats::default(),
            #[cfg(feature = "std")]
            key_log: None,
        })
    }

    /// The phone's static public key (what appliances store).
    pub fn public_key(&self) -> [u8; 32] {
        self.public
    }

    /// The pairing store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Writes the traffic keys of every channel established from now on to
    /// `log` (`None`: stop), and returns the previous log. Off by default.
    /// **A debugging aid that must never be enabled in a product**: see
    /// [`keylog`](super::keylog).
    #[cfg(feature = "std")]
    pub fn set_key_log(
        &mut self,
        log: Option<super::keylog::KeyLog>,
    ) -> Option<super::keylog::KeyLog> {
        core::mem::replace(&mut self.key_log, log)
    }

    #[cfg(feature = "std")]
    fn log_keys(&mut self) {
        if let (
            Some(log),
            State::Ready {
                channel, device_id, ..
            },
        ) = (&mut self.key_log, &self.state)
        {
            log.log_channel(device_id, channel);
        }
    }

    #[cfg(not(feature = "std"))]
    fn log_keys(&mut self) {}

    /// The pairing store, to edit.
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// Requests sent and not yet answered, and requests waiting to be sent
    /// (for a channel, or for room in the exchange window).
    pub fn requests(&self) -> (usize, usize) {
        (self.pending.len(), self.waiting.len())
    }

    /// What the phone counted.
    pub fn stats(&self) -> PhoneStats {
        self.stats
    }

    /// The appliance's Hello answer, once it came.
    pub fn hello_accept(&self) -> Option<&HelloAccept> {
        self.accepted.as_ref()
    }

    /// Whether a secure session is up.
    pub fn is_connected(&self) -> bool {
        matches!(self.state, State::Ready { .. })
    }

    /// The appliance this phone talks to, once known.
    pub fn device_id(&self) -> Option<DeviceId> {
        match &self.state {
            State::Pairing { device_id, .. }
            | State::Resuming { device_id, .. }
            | State::Ready { device_id, .. } => Some(*device_id),
            _ => self.accepted.map(|a| a.device_id.0),
        }
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<PhoneEvent> {
        self.events.pop_front()
    }

    /// Pairs with the appliance at `to` using its setup code. With
    /// `device_id` (from the onboarding code) pairing starts at once;
    /// without it the phone asks Hello first. Derives the code's secret
    /// with Argon2id (tens to hundreds of milliseconds).
    #[cfg(all(feature = "std", feature = "rustcrypto"))]
    pub fn pair_with_code(
        &mut self,
        to: A,
        code: &str,
        device_id: Option<DeviceId>,
        now: Instant,
    ) -> Result<(), NodeError> {
        let code = crate::crypto::setup_code::SetupCode::parse(code)
            .map_err(|_| NodeError::WrongSetupCode)?;
        self.pair_inner(to, PairSecret::Code(code), device_id, now)
    }

    /// Pairs with a secret already derived from the setup code
    /// ([`ProverSecret::from_pbkdf_output`]) for `device_id`.
    pub fn pair_with_secret(
        &mut self,
        to: A,
        secret: ProverSecret<P>,
        device_id: DeviceId,
        now: Instant,
    ) -> Result<(), NodeError> {
        self.pair_inner(to, PairSecret::Derived(secret), Some(device_id), now)
    }

    fn pair_inner(
        &mut self,
        to: A,
        secret: PairSecret<P>,
        device_id: Option<DeviceId>,
        now: Instant,
    ) -> Result<(), NodeError> {
        self.reset(to, now);
        match device_id {
            Some(id) => {
                self.start_hello(Purpose::Query, now);
                self.start_pairing(secret, id, now)
            }
            None => {
                self.start_hello(Purpose::Pair, now);
                self.state = State::HelloThenPair {
                    code_secret: secret,
                };
                Ok(())
            }
        }
    }

    /// Resumes a session with the paired appliance `device_id` at `to`
    /// (one round trip). The advanced replay guard is stored before the
    /// request leaves.
    pub fn resume(&mut self, to: A, device_id: DeviceId, now: Instant) -> Result<(), NodeError> {
        let mut known = self
            .store
            .appliance(&device_id)
            .ok_or(NodeError::NeedsPairing)?;
        self.reset(to, now);
        self.start_hello(Purpose::Query, now);
        let session = self.draw_session();
        let exchange = random_u16(&mut self.p) | 1;
        let machine = PhoneResume::start(
            &mut self.p,
            &self.secret,
            device_id,
            &mut known.pairing,
            session,
            OFFER,
            exchange,
            now,
        )?;
        // The guard is spent durably before the request leaves.
        self.store.put_appliance(device_id, known.clone())?;
        let mut machine = machine;
        let frame = take_frame(|b| machine.poll_transmit(b));
        let flight = self.send_flight(frame, now);
        self.state = State::Resuming {
            machine,
            device_id,
            flight,
        };
        Ok(())
    }

    fn reset(&mut self, to: A, now: Instant) {
        self.fail_all(NodeError::SessionEnded);
        self.peer = Some(to);
        self.state = State::Idle;
        self.hello = None;
        self.sealed = None;
        self.hello_hint = None;
        self.heard = false;
        self.hinted = false;
        self.seen.clear();
        self.now = self.now.max(now);
    }

    fn draw_session(&mut self) -> u16 {
        crate::session::random_session(&mut self.p, &|_| false)
    }

    fn start_hello(&mut self, purpose: Purpose, now: Instant) {
        let hello = Message::Hello(Hello {
            min_version: super::appliance::PROTOCOL_VERSION,
            max_version: super::appliance::PROTOCOL_VERSION,
            max_frame: OFFER.max_frame,
            features: OFFER.features,
            purpose,
        });
        let exchange = random_u16(&mut self.p) | 1;
        let frame = plain_frame(exchange, &hello);
        self.hello = Some(self.send_flight(frame, now));
    }

    fn send_flight(&mut self, frame: Vec<u8>, now: Instant) -> Flight {
        let retry = Retry::first(now, random_u16(&mut self.p));
        self.send(frame.clone(), now);
        Flight {
            frame,
            retry,
            started: true,
        }
    }

    fn send(&mut self, frame: Vec<u8>, now: Instant) {
        if let Some(to) = self.peer {
            self.outbox.push_back((to, frame));
            self.last_sent = now;
        }
    }

    fn start_pairing(
        &mut self,
        secret: PairSecret<P>,
        device_id: DeviceId,
        now: Instant,
    ) -> Result<(), NodeError> {
        let derived = !matches!(secret, PairSecret::Derived(_));
        let secret = match secret {
            #[cfg(all(feature = "std", feature = "rustcrypto"))]
            PairSecret::Code(code) => {
                let out = crate::crypto::setup_code::derive_w0s_w1s(&code, &device_id)
                    .map_err(|_| NodeError::WrongSetupCode)?;
                ProverSecret::from_pbkdf_output(&self.p, &out)
                    .map_err(|e| NodeError::Session(e.into()))?
            }
            PairSecret::Derived(s) => s,
        };
        let session = self.draw_session();
        let exchange = random_u16(&mut self.p) | 1;
        let mut machine = PhonePairing::start(
            &mut self.p,
            secret,
            device_id,
            self.public,
            session,
            OFFER,
            exchange,
            now,
        )?;
        let frame = take_frame(|b| machine.poll_transmit(b));
        let mut flight = self.send_flight(frame, now);
        // Argon2id just ran: time the retransmissions from the next input.
        flight.started = !derived;
        self.state = State::Pairing {
            machine,
            device_id,
            flight,
        };
        Ok(())
    }

    /// Sends a request (Describe, Read, Write, Invoke, Batch, Subscribe,
    /// Unsubscribe or Ping); its result comes as a [`PhoneEvent::Reply`].
    /// A request made while a handshake runs waits for its channel.
    pub fn request(&mut self, message: &Message<'_>, now: Instant) -> Result<RequestId, NodeError> {
        if !matches!(
            message,
            Message::Describe(_)
                | Message::Read(_)
                | Message::Write(_)
                | Message::Invoke(_)
                | Message::Batch(_)
                | Message::Subscribe(_)
                | Message::Unsubscribe(_)
                | Message::Ping(_)
                | Message::Admin(_)
        ) {
            return Err(InteractionError::NotARequest(message.message_type()).into());
        }
        if matches!(self.state, State::Idle | State::HelloThenPair { .. }) && self.peer.is_none() {
            return Err(NodeError::NotConnected);
        }
        if matches!(self.state, State::Idle) {
            return Err(NodeError::NotConnected);
        }
        let mut buf = [0u8; MAX_FRAME];
        let len = message
            .to_slice(&mut buf[..secured_payload(self.frame)])
            .map_err(|_| NodeError::Interaction(InteractionError::BufferTooSmall))?
            .len();
        let timed = |ms: u16| now.saturating_add(Duration::from_millis(ms.into()));
        let deadline = match message {
            Message::Invoke(i) => i.timed_ms.map(timed),
            // A batch is sent no later than its earliest timed item allows.
            Message::Batch(b) => b
                .items
                .iter()
                .filter_map(|item| match item {
                    crate::message::BatchItem::Invoke(i) => i.timed_ms.map(timed),
                    crate::message::BatchItem::Write(_) => None,
                })
                .min(),
            _ => None,
        };
        let id = RequestId(self.next_id);
        self.next_id += 1;
        self.waiting.push_back((id, buf[..len].to_vec(), deadline));
        self.now = self.now.max(now);
        self.flush_waiting(now);
        Ok(id)
    }

    /// Fetches the descriptor (every chunk), or takes it from the cache
    /// when the hash the appliance sealed in this session's handshake is
    /// cached (the unauthenticated `HelloAccept` hash never selects a
    /// cached descriptor). A fetched descriptor is checked against the
    /// sealed hash.
    pub fn describe(&mut self, now: Instant) -> Result<RequestId, NodeError> {
        if let Some(hash) = self.sealed.map(|a| a.descriptor_hash)
            && let Some(cached) = self.controller.cached(&hash)
        {
            let id = RequestId(self.next_id);
            self.next_id += 1;
            self.events.push_back(PhoneEvent::Reply {
                id,
                result: Ok(Reply::Descriptor(cached)),
            });
            return Ok(id);
        }
        self.request(&Message::Describe(Describe { offset: 0 }), now)
    }

    /// Reads attributes.
    pub fn read(&mut self, read: &Read<'_>, now: Instant) -> Result<RequestId, NodeError> {
        self.request(&Message::Read(*read), now)
    }

    /// Subscribes.
    pub fn subscribe(&mut self, s: &Subscribe<'_>, now: Instant) -> Result<RequestId, NodeError> {
        self.request(&Message::Subscribe(*s), now)
    }

    /// Ends a subscription.
    pub fn unsubscribe(&mut self, subscription: u16, now: Instant) -> Result<RequestId, NodeError> {
        self.request(&Message::Unsubscribe(Unsubscribe { subscription }), now)
    }

    /// Lists the appliance's pairings from index `from` (admin only); the
    /// answer is a [`Reply::Pairings`].
    pub fn list_pairings(&mut self, from: u8, now: Instant) -> Result<RequestId, NodeError> {
        self.request(&Message::Admin(AdminRequest::List { from }), now)
    }

    /// Removes the pairing of the phone with static key `peer` (admin
    /// only, or this phone's own); its sessions end at once.
    pub fn remove_pairing(&mut self, peer: [u8; 32], now: Instant) -> Result<RequestId, NodeError> {
        self.request(
            &Message::Admin(AdminRequest::Remove { peer: Fixed(peer) }),
            now,
        )
    }

    /// Makes the phone with static key `peer` an admin or a user (admin
    /// only); its sessions end at once.
    pub fn set_role(
        &mut self,
        peer: [u8; 32],
        admin: bool,
        now: Instant,
    ) -> Result<RequestId, NodeError> {
        let request = AdminRequest::SetRole {
            peer: Fixed(peer),
            admin,
        };
        self.request(&Message::Admin(request), now)
    }

    /// Opens a pairing window of `seconds` for the one-time code whose
    /// verifier record is `verifier` (admin only). See
    /// [`share`](Self::share), which draws the code.
    pub fn open_window(
        &mut self,
        seconds: u16,
        verifier: [u8; crate::crypto::spake2plus::VERIFIER_RECORD_LEN],
        now: Instant,
    ) -> Result<RequestId, NodeError> {
        let request = AdminRequest::OpenWindow {
            seconds,
            verifier: Fixed(verifier),
        };
        self.request(&Message::Admin(request), now)
    }

    /// Shares the appliance of this session with another phone: draws a
    /// one-time setup code, derives its verifier with Argon2id for this
    /// appliance's device id, and asks the appliance to open a window of
    /// `seconds` for it. Returns the request and the code to hand over
    /// (for example as an onboarding string with `Flags::ONE_TIME`); the
    /// appliance forgets the code when the window closes.
    #[cfg(all(feature = "std", feature = "rustcrypto"))]
    pub fn share(
        &mut self,
        seconds: u16,
        now: Instant,
    ) -> Result<(RequestId, crate::crypto::setup_code::SetupCode), NodeError> {
        use crate::crypto::setup_code::{SetupCode, derive_w0s_w1s};
        let device_id = self.device_id().ok_or(NodeError::NotConnected)?;
        let code = SetupCode::random(&mut self.p);
        let output = derive_w0s_w1s(&code, &device_id).map_err(|_| NodeError::WrongSetupCode)?;
        let record = ProverSecret::from_pbkdf_output(&self.p, &output)
            .and_then(|s| s.verifier_record(&self.p).to_bytes(&self.p))
            .map_err(|e| NodeError::Session(e.into()))?;
        let id = self.open_window(seconds, record, now)?;
        Ok((id, code))
    }

    /// Closes the session (a sealed Close, sent once).
    pub fn close(&mut self, now: Instant) {
        if let State::Ready { channel, .. } = &mut self.state {
            let mut buf = [0u8; 64];
            if let Ok(n) = channel.close(&self.p, 0, Status::SUCCESS, &mut buf) {
                let frame = buf[..n].to_vec();
                self.send(frame, now);
            }
        }
        self.state = State::Idle;
        self.fail_all(NodeError::SessionEnded);
    }

    fn flush_waiting(&mut self, now: Instant) {
        if !matches!(self.state, State::Ready { .. }) {
            return;
        }
        while self.pending.len() < REQUESTS_IN_FLIGHT {
            // Every outstanding request stays within REQUESTS_IN_FLIGHT
            // exchange ids of the newest (the appliance drops anything
            // further behind as stale).
            let next = self.controller.next_exchange();
            if self.pending.keys().any(|&x| is_stale(next, x)) {
                break;
            }
            let Some((id, payload, deadline)) = self.waiting.pop_front() else {
                break;
            };
            if deadline.is_some_and(|d| now >= d) {
                self.reply(id, Err(NodeError::Refused(Status::TIMEOUT)));
                continue;
            }
            let started = Message::from_bytes(&payload)
                .map_err(|_| InteractionError::NotARequest(0))
                .and_then(|m| {
                    let kind = match &m {
                        Message::Describe(_) => Kind::Describe,
                        Message::Read(_) => Kind::Read(Vec::new()),
                        _ => Kind::Other,
                    };
                    if let (Message::Describe(_), Some(hash)) =
                        (&m, self.sealed.map(|a| a.descriptor_hash))
                    {
                        let _ = self.controller.describe(hash);
                    }
                    let exchange = self.controller.start(&m)?;
                    Ok((exchange, kind))
                });
            match started {
                Ok((exchange, kind)) => {
                    let retry = Retry::first(now, random_u16(&mut self.p));
                    let pending = Pending {
                        id,
                        payload,
                        retry,
                        deadline,
                        kind,
                        answering: None,
                    };
                    self.transmit(exchange, &pending.payload, now);
                    self.pending.insert(exchange, pending);
                }
                Err(e) => self.reply(id, Err(e.into())),
            }
        }
    }

    /// Seals and queues one transmission of a request.
    fn transmit(&mut self, exchange: u16, payload: &[u8], now: Instant) {
        let State::Ready {
            channel, finish, ..
        } = &mut self.state
        else {
            return;
        };
        let finish = finish.clone();
        let mut buf = [0u8; MAX_FRAME];
        let flags = Flags::INITIATOR | Flags::ACK_REQUESTED;
        if let Ok(n) = channel.seal(&self.p, exchange, flags, None, payload, &mut buf) {
            let frame = buf[..n].to_vec();
            if let Some(finish) = finish {
                self.send(finish, now);
            }
            self.send(frame, now);
        }
    }

    fn reply(&mut self, id: RequestId, result: Result<Reply, NodeError>) {
        if self.keepalive == Some(id) {
            // The phone's own keepalive: nothing for the application.
            self.keepalive = None;
            return;
        }
        self.events.push_back(PhoneEvent::Reply { id, result });
    }

    fn fail_all(&mut self, e: NodeError) {
        let pending = core::mem::take(&mut self.pending);
        for (exchange, p) in pending {
            self.controller.cancel(exchange);
            self.reply(p.id, Err(e));
        }
        while let Some((id, _, _)) = self.waiting.pop_front() {
            self.reply(id, Err(e));
        }
    }

    fn handle_plain(&mut self, bytes: &[u8], now: Instant) {
        let Ok(frame) = Frame::parse(bytes) else {
            self.stats.rejected += 1;
            return;
        };
        let message = Message::from_bytes(frame.body);
        if let (Ok(Message::HelloReply(reply)), Some(hello)) = (&message, &self.hello)
            && hello_exchange(&hello.frame) == Some(frame.header.exchange)
        {
            let mut flight = self.hello.take();
            if let HelloReply::Reject(HelloReject::Busy { retry_after_ms }) = reply
                && matches!(self.state, State::HelloThenPair { .. })
                && *retry_after_ms <= MAX_BUSY_WAIT_MS
                && let Some(f) = flight.as_mut()
            {
                // Another attempt holds the appliance: ask again when it
                // said to (the refusal is unauthenticated: at worst the
                // phone asks once more, within its schedule).
                let at = now.saturating_add(Duration::from_millis((*retry_after_ms).into()));
                f.retry.wait_until(at);
                self.hello = flight;
                return;
            }
            if let HelloReply::Reject(r) = reply
                && matches!(self.state, State::HelloThenPair { .. })
            {
                // Unauthenticated: a hint. The genuine HelloAccept may
                // still come within the grace; the Hello keeps going.
                self.stats.rejected += 1;
                if self.hello_hint.is_none() {
                    let e = crate::session::pairing::reject_error(*r);
                    self.hello_hint = Some((e, now.saturating_add(crate::session::HINT_GRACE)));
                }
                self.hello = flight;
                return;
            }
            self.hello_hint = None;
            self.on_hello(*reply, now);
            return;
        }
        if let Ok(Message::Status(s)) = &message
            && s.status == Status::UNKNOWN_SESSION
        {
            self.hinted = true;
            return;
        }
        match &mut self.state {
            State::Pairing { machine, .. } => {
                if machine
                    .handle_frame(&self.p, &self.secret, bytes, now)
                    .is_err()
                    && machine.poll_timeout().is_some()
                {
                    // A hint (a refusal, a challenge that failed its
                    // checks): the machine may have a word for the
                    // appliance, and waits on for a genuine answer.
                    let told = take_frame(|b| machine.poll_transmit(b));
                    self.stats.rejected += 1;
                    if !told.is_empty() {
                        self.send(told, now);
                    }
                    return;
                }
                self.after_pairing(now);
            }
            State::Resuming { machine, .. } => {
                let _ = machine.handle_frame(&self.p, &self.secret, bytes, now);
                self.after_resume(now);
            }
            _ => self.stats.rejected += 1,
        }
    }

    fn on_hello(&mut self, reply: HelloReply, now: Instant) {
        match reply {
            HelloReply::Accept(a) => {
                self.accepted = Some(a);
                self.frame = usize::from(a.max_frame).clamp(DEFAULT_FRAME, MAX_FRAME);
                self.events.push_back(PhoneEvent::Hello(a));
                if let State::HelloThenPair { .. } = self.state {
                    let State::HelloThenPair { code_secret } =
                        core::mem::replace(&mut self.state, State::Idle)
                    else {
                        return;
                    };
                    if let Err(e) = self.start_pairing(code_secret, a.device_id.0, now) {
                        self.events.push_back(PhoneEvent::HandshakeFailed(e));
                    }
                }
            }
            HelloReply::Reject(r) => {
                // A refusal of what the phone is about to do ends it.
                if matches!(self.state, State::HelloThenPair { .. }) {
                    self.state = State::Idle;
                    let e = crate::session::pairing::reject_error(r);
                    self.events.push_back(PhoneEvent::HandshakeFailed(e.into()));
                }
            }
        }
    }

    fn after_pairing(&mut self, now: Instant) {
        let State::Pairing {
            machine, device_id, ..
        } = &mut self.state
        else {
            return;
        };
        let device_id = *device_id;
        let Some(outcome) = machine.poll_event() else {
            return;
        };
        let mut finish = take_frame(|b| machine.poll_transmit(b));
        let outcome = outcome.and_then(|paired| {
            self.check_sealed(paired.appliance)
                .map(|()| paired)
                .inspect_err(|_| {
                    // A changed negotiation: the PairFinish must not go, or the
                    // appliance would store a pairing the phone abandons.
                    finish.clear();
                })
        });
        match outcome {
            Ok(paired) => {
                let known = KnownAppliance {
                    pairing: paired.pairing,
                    last_address: None,
                };
                // PairFinish goes out ahead of every transmission of the
                // first request (there is always one: a Ping if the
                // application has none). The pairing is stored when the
                // appliance's first authenticated frame arrives.
                self.state = State::Ready {
                    channel: paired.channel,
                    device_id,
                    finish: Some(finish),
                    tentative: Some(known),
                };
                self.log_keys();
                if self.waiting.is_empty() {
                    // PairFinish has no answer of its own: a request that
                    // follows it shows it arrived.
                    self.keepalive = self.request(&Message::Ping(Ping { nonce: 0 }), now).ok();
                }
                self.flush_waiting(now);
            }
            Err(e) => {
                if !finish.is_empty() {
                    self.send(finish, now);
                }
                self.state = State::Idle;
                self.fail_all(e.into());
                self.events.push_back(PhoneEvent::HandshakeFailed(e.into()));
            }
        }
    }

    fn after_resume(&mut self, now: Instant) {
        let State::Resuming {
            machine, device_id, ..
        } = &mut self.state
        else {
            return;
        };
        let device_id = *device_id;
        let Some(outcome) = machine.poll_event() else {
            return;
        };
        let outcome =
            outcome.and_then(|resumed| self.check_sealed(resumed.appliance).map(|()| resumed));
        match outcome {
            Ok(resumed) => {
                self.state = State::Ready {
                    channel: resumed.channel,
                    device_id,
                    finish: None,
                    tentative: None,
                };
                self.log_keys();
                self.events.push_back(PhoneEvent::Resumed { device_id });
                self.flush_waiting(now);
            }
            Err(e) => {
                self.state = State::Idle;
                self.fail_all(e.into());
                self.events.push_back(PhoneEvent::HandshakeFailed(e.into()));
            }
        }
    }

    /// Takes what the appliance sealed about itself: a `HelloAccept` that
    /// announced otherwise was changed on the way, and the handshake fails.
    fn check_sealed(&mut self, sealed: ApplianceParams) -> Result<(), SessionError> {
        if let Some(a) = &self.accepted
            && (a.max_frame != sealed.max_frame
                || a.features != sealed.features
                || a.descriptor_hash != sealed.descriptor_hash)
        {
            return Err(SessionError::Downgrade);
        }
        self.sealed = Some(sealed);
        self.frame = usize::from(sealed.max_frame).clamp(DEFAULT_FRAME, MAX_FRAME);
        Ok(())
    }

    fn handle_secured(&mut self, frame: &mut [u8], now: Instant) {
        let State::Ready {
            channel,
            finish,
            tentative,
            device_id,
        } = &mut self.state
        else {
            self.stats.rejected += 1;
            return;
        };
        let Ok((header, body)) = channel.open(&self.p, frame, now) else {
            self.stats.rejected += 1;
            if !channel.is_open() {
                self.end(NodeError::SessionEnded);
            }
            return;
        };
        *finish = None;
        self.heard = true;
        let message = Message::from_bytes(body);
        if let Some(known) = tentative.take() {
            let device_id = *device_id;
            // The appliance's first authenticated frame: a Close is its
            // sealed refusal of the pairing; anything else shows it stored
            // the pairing.
            if let Ok(Message::Close(c)) = &message {
                let e = NodeError::from(status_error(c.reason));
                self.state = State::Idle;
                self.fail_all(e);
                self.events.push_back(PhoneEvent::HandshakeFailed(e));
                return;
            }
            if let Err(e) = self.store.put_appliance(device_id, known) {
                self.end(NodeError::Store(e));
                return;
            }
            self.events.push_back(PhoneEvent::Paired { device_id });
        }
        let Ok(message) = message else {
            self.stats.rejected += 1;
            return;
        };
        if header.flags.contains(Flags::ACK_REQUESTED) {
            self.ack(&header, now);
        }
        if let Message::Close(_) = message {
            self.end(NodeError::SessionEnded);
            return;
        }
        if header.flags.contains(Flags::INITIATOR) {
            if !self.seen.first_time(header.exchange) {
                self.stats.duplicates += 1;
                return;
            }
            if let Message::PairingAdded(added) = message {
                self.events.push_back(PhoneEvent::PairingAdded {
                    peer_static: added.peer.0,
                    admin: added.admin,
                });
                return;
            }
            match self.controller.handle_unsolicited(&message, now) {
                Ok(Notice::Report(r)) => self.events.push_back(PhoneEvent::Report {
                    subscription: r.subscription,
                    records: r.records.iter().map(|r| (&r).into()).collect(),
                }),
                Ok(Notice::Event { event, missed }) => self.events.push_back(PhoneEvent::Event {
                    event: (&event).into(),
                    missed,
                }),
                Err(_) => self.stats.rejected += 1,
            }
            return;
        }
        self.on_reply(header.exchange, header.ack, &message, now);
    }

    fn ack(&mut self, header: &Header, now: Instant) {
        let State::Ready { channel, .. } = &mut self.state else {
            return;
        };
        let mut payload = [0u8; 4];
        let Ok(body) = Message::Ack.to_slice(&mut payload) else {
            return;
        };
        let n = body.len();
        let mut buf = [0u8; 64];
        if let Ok(len) = channel.seal(
            &self.p,
            header.exchange,
            Flags::EMPTY,
            Some(header.counter),
            &payload[..n],
            &mut buf,
        ) {
            self.stats.acks += 1;
            self.send(buf[..len].to_vec(), now);
        }
    }

    fn on_reply(&mut self, exchange: u16, ack: Option<u32>, message: &Message<'_>, now: Instant) {
        let Some(mut pending) = self.pending.remove(&exchange) else {
            self.stats.late_replies += 1;
            return;
        };
        // An answer in several messages is assembled from the messages
        // answering one transmission (RELIABILITY.md 5.2): a later one
        // starts it again, an earlier one is dropped.
        if let (Kind::Read(acc), Some(ack)) = (&mut pending.kind, ack) {
            match pending.answering {
                Some(current) if ack < current => {
                    self.stats.late_replies += 1;
                    self.pending.insert(exchange, pending);
                    return;
                }
                Some(current) if ack > current => acc.clear(),
                _ => {}
            }
            pending.answering = Some(ack);
        }
        let outcome = self.controller.handle_reply(exchange, message, now);
        let result = match (outcome, &mut pending.kind) {
            (Ok(Outcome::DescriptorNeeds { next }), Kind::Describe) => {
                // The next chunk (of the descriptor or of a definition it
                // references), on a new exchange, under the same id.
                let mut buf = [0u8; 16];
                let Ok(body) = next.to_slice(&mut buf) else {
                    return;
                };
                pending.payload = body.to_vec();
                match self.controller.start(&next) {
                    Ok(x) => {
                        pending.retry = Retry::first(now, random_u16(&mut self.p));
                        self.transmit(x, &pending.payload.clone(), now);
                        self.pending.insert(x, pending);
                    }
                    Err(e) => self.reply(pending.id, Err(e.into())),
                }
                return;
            }
            (Ok(Outcome::DescriptorReady(d)), _) => Ok(Reply::Descriptor(d)),
            (Ok(Outcome::Values { records, more }), Kind::Read(acc)) => {
                acc.extend(records.iter().map(|r| OwnedRecord::from(&r)));
                if more {
                    self.pending.insert(exchange, pending);
                    return;
                }
                Ok(Reply::Values(core::mem::take(acc)))
            }
            (Ok(Outcome::Written { data_version }), _) => Ok(Reply::Written { data_version }),
            (Ok(Outcome::Invoked { status, fields }), _) => Ok(Reply::Invoked(Invoked {
                status,
                fields: fields_of(fields.iter()),
            })),
            (Ok(Outcome::Batched { results }), _) => Ok(Reply::Batched(
                results.iter().map(|r| ItemOutcome::from(&r)).collect(),
            )),
            (Ok(Outcome::Subscribed(s)), _) => Ok(Reply::Subscribed {
                subscription: s.subscription,
                max_interval_ms: s.max_interval_ms,
            }),
            (Ok(Outcome::Unsubscribed), _) => Ok(Reply::Unsubscribed),
            (Ok(Outcome::Pong), _) => Ok(Reply::Pong),
            (Ok(Outcome::Administered), _) => Ok(Reply::Administered),
            (Ok(Outcome::Pairings(list)), _) => Ok(Reply::Pairings {
                total: list.total,
                from: list.from,
                entries: list.entries.iter().map(|e| (e.peer.0, e.admin)).collect(),
            }),
            (Ok(Outcome::Refused(status)), _) => Err(match status {
                Status::BUSY => NodeError::Busy,
                Status::NEEDS_PAIRING => NodeError::NeedsPairing,
                other => NodeError::Refused(other),
            }),
            (Ok(_), _) => Err(NodeError::Interaction(InteractionError::UnexpectedReply)),
            (Err(e), _) => Err(e.into()),
        };
        self.reply(pending.id, result);
        self.flush_waiting(now);
    }

    fn end(&mut self, e: NodeError) {
        self.state = State::Idle;
        self.fail_all(e);
        self.events.push_back(PhoneEvent::SessionEnded(e));
    }

    fn retransmit_flight(flight: &mut Flight, p: &mut P, now: Instant) -> Option<bool> {
        if !flight.started {
            flight.retry = Retry::first(now, random_u16(p));
            flight.started = true;
            return None;
        }
        if !flight.retry.due(now) {
            return None;
        }
        Some(flight.retry.retransmit(now, random_u16(p)))
    }
}

fn take_frame(mut poll: impl FnMut(&mut [u8]) -> Option<usize>) -> Vec<u8> {
    let mut buf = [0u8; crate::session::MAX_HANDSHAKE_FRAME];
    poll(&mut buf).map_or(Vec::new(), |n| buf[..n].to_vec())
}

fn hello_exchange(frame: &[u8]) -> Option<u16> {
    Header::parse(frame).ok().map(|(h, _)| h.exchange)
}

impl<P: CryptoProvider, S: PhoneStore, A: Address> super::Node for Phone<P, S, A> {
    type Addr = A;

    fn handle_datagram(&mut self, from: A, frame: &mut [u8], now: Instant) {
        self.now = self.now.max(now);
        if self.peer != Some(from) {
            self.stats.rejected += 1;
            return;
        }
        match Header::parse(frame) {
            Ok((h, _)) if h.is_secured() => self.handle_secured(frame, now),
            Ok(_) => self.handle_plain(frame, now),
            Err(_) => self.stats.rejected += 1,
        }
    }

    fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<(A, usize)> {
        // A buffer too small for the next frame leaves it queued.
        let dst = buf.get_mut(..self.outbox.front()?.1.len())?;
        let (to, frame) = self.outbox.pop_front()?;
        dst.copy_from_slice(&frame);
        Some((to, frame.len()))
    }

    fn poll_timeout(&self) -> Option<Instant> {
        let hello = self.hello.as_ref().map(|f| f.retry.deadline());
        let handshake = match &self.state {
            State::Pairing { flight, .. } | State::Resuming { flight, .. } => {
                // An unstarted schedule asks for a time input at once.
                Some(if flight.started {
                    flight.retry.deadline()
                } else {
                    self.now
                })
            }
            _ => None,
        };
        // The machine's own deadline: a hint's grace ends there.
        let verdict = match &self.state {
            State::Pairing { machine, .. } => machine.poll_timeout(),
            State::Resuming { machine, .. } => machine.poll_timeout(),
            _ => None,
        };
        let channel = match &self.state {
            State::Ready { channel, .. } => channel
                .poll_timeout()
                .map(|idle| idle.min(self.last_sent.saturating_add(KEEPALIVE))),
            _ => None,
        };
        let requests = self.pending.values().map(|p| p.retry.deadline());
        let hint = self.hello_hint.map(|(_, at)| at);
        requests
            .chain(hello)
            .chain(handshake)
            .chain(verdict)
            .chain(hint)
            .chain(channel)
            .min()
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.now = self.now.max(now);
        if let Some((e, at)) = self.hello_hint
            && now >= at
        {
            self.hello_hint = None;
            if matches!(self.state, State::HelloThenPair { .. }) {
                self.state = State::Idle;
                self.hello = None;
                self.events.push_back(PhoneEvent::HandshakeFailed(e.into()));
            }
        }
        if let Some(mut hello) = self.hello.take() {
            match Self::retransmit_flight(&mut hello, &mut self.p, now) {
                Some(true) => {
                    self.send(hello.frame.clone(), now);
                    self.hello = Some(hello);
                }
                Some(false) => {
                    if matches!(self.state, State::HelloThenPair { .. }) {
                        self.state = State::Idle;
                        let heard = self.heard;
                        self.events.push_back(PhoneEvent::HandshakeFailed(
                            NodeError::Unreachable { heard },
                        ));
                    }
                }
                None => self.hello = Some(hello),
            }
        }
        // A hint whose grace ran out, or the handshake's deadline.
        match &mut self.state {
            State::Pairing { machine, .. } => machine.handle_timeout(now),
            State::Resuming { machine, .. } => machine.handle_timeout(now),
            _ => {}
        }
        match &self.state {
            State::Pairing { .. } => self.after_pairing(now),
            State::Resuming { .. } => self.after_resume(now),
            _ => {}
        }
        let mut gave_up = None;
        let mut resend = None;
        let running = match &mut self.state {
            State::Pairing {
                flight, machine, ..
            } => Some((flight, machine.hint())),
            State::Resuming {
                flight, machine, ..
            } => Some((flight, machine.hint())),
            _ => None,
        };
        if let Some((flight, hint)) = running {
            match Self::retransmit_flight(flight, &mut self.p, now) {
                Some(true) => resend = Some(flight.frame.clone()),
                Some(false) => gave_up = Some(hint),
                None => {}
            }
        }
        if let Some(frame) = resend {
            self.send(frame, now);
        }
        if let Some(hint) = gave_up {
            self.state = State::Idle;
            // Unanswered: the hint, if one came, says why.
            let e = hint.map_or(
                NodeError::Unreachable { heard: self.heard },
                NodeError::from,
            );
            self.fail_all(e);
            self.events.push_back(PhoneEvent::HandshakeFailed(e));
        }
        if let State::Ready { channel, .. } = &mut self.state
            && channel.handle_timeout(now)
        {
            self.end(NodeError::SessionEnded);
        }
        let due: Vec<u16> = self
            .pending
            .iter()
            .filter(|(_, p)| p.retry.due(now))
            .map(|(x, _)| *x)
            .collect();
        for exchange in due {
            let Some(mut p) = self.pending.remove(&exchange) else {
                continue;
            };
            let in_window = p.deadline.is_none_or(|d| now < d);
            if in_window && p.retry.retransmit(now, random_u16(&mut self.p)) {
                self.stats.retransmissions += 1;
                self.transmit(exchange, &p.payload.clone(), now);
                self.pending.insert(exchange, p);
            } else {
                self.controller.cancel(exchange);
                let e = if !in_window {
                    NodeError::Refused(Status::TIMEOUT)
                } else if self.hinted {
                    NodeError::SessionEnded
                } else {
                    NodeError::Unreachable { heard: self.heard }
                };
                self.reply(p.id, Err(e));
            }
        }
        if self.is_connected()
            && self.pending.is_empty()
            && now >= self.last_sent.saturating_add(KEEPALIVE)
        {
            self.keepalive = self.request(&Message::Ping(Ping { nonce: 0 }), now).ok();
        }
        self.flush_waiting(now);
    }
}

impl From<SessionError> for PhoneEvent {
    fn from(e: SessionError) -> Self {
        PhoneEvent::HandshakeFailed(e.into())
    }
}
