//! A blocking phone client over a host [`Link`]: the sans-IO [`Phone`]
//! driven by a real socket and the system clock, one call per request.
//!
//! ```no_run
//! use applink::interaction::clients::OnOff;
//! use applink::message::EndpointId;
//! use applink::node::client::Client;
//! use applink::node::file_store::FileStore;
//! use applink::transport::udp::UdpLink;
//!
//! # fn main() -> Result<(), Box<dyn core::error::Error>> {
//! let store = FileStore::open("phone.applink")?;
//! let mut phone = Client::new(UdpLink::bind("127.0.0.1:0")?, store)?;
//! let lamp = "127.0.0.1:5540".parse()?;
//! let device = phone.pair(lamp, "3141-5926")?;
//! phone.invoke(&OnOff::new(EndpointId(1)).toggle())?;
//! # let _ = device; Ok(()) }
//! ```
//!
//! # Contract
//!
//! Every call returns within its timeout with the reply or a typed
//! [`ClientError`]: a wrong code, a lockout or an unreachable appliance
//! each say so. Reports and events that arrive meanwhile wait in a queue
//! for [`Client::next_notification`]. A request on a session that ended
//! (idle, lifetime, a lost Close) resumes once and is sent again.

use core::time::Duration as StdDuration;
use std::boxed::Box;
use std::collections::VecDeque;
use std::string::String;
use std::sync::Arc;
use std::time::Instant as StdInstant;
use std::vec::Vec;

use crate::catalog::basic_information;
use crate::crypto::{OsCrypto, os_crypto};
use crate::descriptor::OwnedDescriptor;
use crate::interaction::clients::{BasicInformation, InvokeRequest, WriteRequest};
use crate::message::{Batch, Message, Read, Seq, Subscribe};
use crate::session::pairing::DeviceId;
use crate::transport::{Clock, Link, step};

use super::owned::{Invoked, ItemOutcome, OwnedEvent, OwnedRecord};
use super::phone::{Phone, PhoneEvent, Reply, RequestId};
use super::store::PhoneStore;
use super::{Node, NodeError};

/// How long one call waits at most by default: longer than a request's
/// whole retransmission span.
pub const CALL_TIMEOUT: StdDuration = StdDuration::from_secs(15);

/// Why a client call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The protocol said no, or the peer did not answer.
    #[error(transparent)]
    Node(#[from] NodeError),
    /// The socket failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The reply was not the kind the call expects.
    #[error("unexpected reply: {0:?}")]
    UnexpectedReply(Box<Reply>),
}

/// Something the appliance sent on its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Notification {
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
        /// Events missed.
        missed: u64,
    },
    /// The session ended.
    SessionEnded(NodeError),
    /// Another phone paired with the appliance (admins are told).
    PairingAdded {
        /// Its static key.
        peer_static: [u8; 32],
        /// Whether it is an admin.
        admin: bool,
    },
}

/// One item of a [`BatchBuilder`].
#[derive(Debug, Clone, Copy)]
enum Item {
    Write(WriteRequest),
    Invoke(InvokeRequest),
}

/// A batch being built by [`Client::batch`]: typed writes and invokes, in
/// the order they are to run.
pub struct BatchBuilder<'c, S: PhoneStore, L: Link> {
    client: &'c mut Client<S, L>,
    items: Vec<Item>,
    stop_on_failure: bool,
}

impl<S: PhoneStore, L: Link> BatchBuilder<'_, S, L> {
    /// Adds a write.
    pub fn write(mut self, write: &WriteRequest) -> Self {
        self.items.push(Item::Write(*write));
        self
    }

    /// Adds an invoke.
    pub fn invoke(mut self, invoke: &InvokeRequest) -> Self {
        self.items.push(Item::Invoke(*invoke));
        self
    }

    /// Runs none of the items after the first that fails (they come back
    /// [`ItemOutcome::NotRun`]); by default every item runs.
    pub fn stop_on_failure(mut self) -> Self {
        self.stop_on_failure = true;
        self
    }

    /// Sends the batch and waits for its outcomes, one per item in order.
    /// A batch larger than the session's frame, or of more than
    /// [`MAX_BATCH_ITEMS`](crate::message::MAX_BATCH_ITEMS) items, is
    /// refused before anything is sent.
    pub fn send(self) -> Result<Vec<ItemOutcome>, ClientError> {
        if self.items.len() > crate::message::MAX_BATCH_ITEMS {
            return Err(NodeError::Interaction(
                crate::interaction::InteractionError::BufferTooSmall,
            )
            .into());
        }
        let items: Vec<_> = self
            .items
            .iter()
            .map(|item| match item {
                Item::Write(w) => w.item(),
                Item::Invoke(i) => i.item(),
            })
            .collect();
        let message = Message::Batch(Batch {
            stop_on_failure: self.stop_on_failure,
            items: Seq::from_slice(&items),
        });
        match self.client.request(&message)? {
            Reply::Batched(outcomes) => Ok(outcomes),
            other => Err(ClientError::UnexpectedReply(Box::new(other))),
        }
    }
}

/// A phone driven over `L`, with OS randomness and the system clock.
pub struct Client<S: PhoneStore, L: Link> {
    phone: Phone<OsCrypto, S, L::Addr>,
    link: L,
    clock: Clock,
    peer: Option<(L::Addr, DeviceId)>,
    notifications: VecDeque<Notification>,
    replies: Vec<(RequestId, Result<Reply, NodeError>)>,
    handshake: Option<Result<DeviceId, NodeError>>,
    timeout: StdDuration,
}

impl<S: PhoneStore, L: Link> Client<S, L> {
    /// A client on `link` whose pairings live in `store`.
    pub fn new(link: L, store: S) -> Result<Self, ClientError> {
        Ok(Client {
            phone: Phone::new(os_crypto(), store)?,
            link,
            clock: Clock::new(),
            peer: None,
            notifications: VecDeque::new(),
            replies: Vec::new(),
            handshake: None,
            timeout: CALL_TIMEOUT,
        })
    }

    /// Sets how long one call waits at most.
    pub fn set_timeout(&mut self, timeout: StdDuration) {
        self.timeout = timeout;
    }

    /// The sans-IO phone inside.
    pub fn phone(&self) -> &Phone<OsCrypto, S, L::Addr> {
        &self.phone
    }

    /// The sans-IO phone inside, to reach its store.
    pub fn phone_mut(&mut self) -> &mut Phone<OsCrypto, S, L::Addr> {
        &mut self.phone
    }

    /// The link.
    pub fn link(&self) -> &L {
        &self.link
    }

    fn sort_events(&mut self) {
        while let Some(e) = self.phone.poll_event() {
            match e {
                PhoneEvent::Reply { id, result } => self.replies.push((id, result)),
                PhoneEvent::Paired { device_id } | PhoneEvent::Resumed { device_id } => {
                    self.handshake = Some(Ok(device_id));
                }
                PhoneEvent::HandshakeFailed(e) => self.handshake = Some(Err(e)),
                PhoneEvent::Report {
                    subscription,
                    records,
                } => self.notifications.push_back(Notification::Report {
                    subscription,
                    records,
                }),
                PhoneEvent::Event { event, missed } => self
                    .notifications
                    .push_back(Notification::Event { event, missed }),
                PhoneEvent::SessionEnded(e) => {
                    self.notifications.push_back(Notification::SessionEnded(e))
                }
                PhoneEvent::PairingAdded { peer_static, admin } => self
                    .notifications
                    .push_back(Notification::PairingAdded { peer_static, admin }),
                PhoneEvent::Hello(_) => {}
            }
        }
    }

    /// Drives the phone until `done` says so or the call times out.
    fn drive<T>(
        &mut self,
        mut done: impl FnMut(&mut Self) -> Option<T>,
    ) -> Result<Option<T>, ClientError> {
        let deadline = StdInstant::now() + self.timeout;
        loop {
            self.sort_events();
            if let Some(t) = done(self) {
                return Ok(Some(t));
            }
            let left = deadline.saturating_duration_since(StdInstant::now());
            if left.is_zero() {
                return Ok(None);
            }
            step(&mut self.phone, &mut self.link, &self.clock, left)?;
        }
    }

    fn handshake(&mut self, to: L::Addr) -> Result<DeviceId, ClientError> {
        self.handshake = None;
        let outcome = self.drive(|c| c.handshake.take())?;
        let device_id = outcome.unwrap_or(Err(NodeError::Unreachable { heard: false }))?;
        self.peer = Some((to, device_id));
        Ok(device_id)
    }

    /// Pairs with the appliance at `to` using the setup code printed on it,
    /// learning its device id from Hello. Returns the device id.
    pub fn pair(&mut self, to: L::Addr, code: &str) -> Result<DeviceId, ClientError> {
        let now = self.clock.now();
        self.phone.pair_with_code(to, code, None, now)?;
        self.handshake(to)
    }

    /// Pairs with the appliance `device_id` at `to` using its setup code, as
    /// read from its onboarding code: no Hello first (1.5 round trips).
    pub fn pair_with_device(
        &mut self,
        to: L::Addr,
        code: &str,
        device_id: DeviceId,
    ) -> Result<DeviceId, ClientError> {
        let now = self.clock.now();
        self.phone.pair_with_code(to, code, Some(device_id), now)?;
        self.handshake(to)
    }

    /// Resumes a session with a paired appliance (one round trip).
    pub fn resume(&mut self, to: L::Addr, device_id: DeviceId) -> Result<(), ClientError> {
        let now = self.clock.now();
        self.phone.resume(to, device_id, now)?;
        self.handshake(to).map(|_| ())
    }

    /// Sends one request and waits for its reply, resuming once if the
    /// session had ended.
    pub fn request(&mut self, message: &Message<'_>) -> Result<Reply, ClientError> {
        match self.request_once(message) {
            Err(ClientError::Node(NodeError::NotConnected | NodeError::SessionEnded))
                if self.peer.is_some() =>
            {
                let (to, device_id) = self.peer.ok_or(NodeError::NotConnected)?;
                self.resume(to, device_id)?;
                self.request_once(message)
            }
            other => other,
        }
    }

    fn request_once(&mut self, message: &Message<'_>) -> Result<Reply, ClientError> {
        let now = self.clock.now();
        let id = self.phone.request(message, now)?;
        self.wait(id)
    }

    fn wait(&mut self, id: RequestId) -> Result<Reply, ClientError> {
        let reply = self.drive(|c| {
            let k = c.replies.iter().position(|(x, _)| *x == id)?;
            Some(c.replies.swap_remove(k).1)
        })?;
        Ok(reply.unwrap_or(Err(NodeError::Unreachable { heard: false }))?)
    }

    /// The appliance's descriptor (from the cache when its hash is known).
    pub fn describe(&mut self) -> Result<Arc<OwnedDescriptor>, ClientError> {
        let now = self.clock.now();
        let id = match self.phone.describe(now) {
            Err(NodeError::NotConnected | NodeError::SessionEnded) if self.peer.is_some() => {
                let (to, device_id) = self.peer.ok_or(NodeError::NotConnected)?;
                self.resume(to, device_id)?;
                self.phone.describe(self.clock.now())?
            }
            other => other?,
        };
        match self.wait(id)? {
            Reply::Descriptor(d) => Ok(d),
            other => Err(ClientError::UnexpectedReply(Box::new(other))),
        }
    }

    /// The product's name, read from the appliance's `basic_information`
    /// (the descriptor names the model by vendor and product number only);
    /// `None` when it serves no `basic_information`.
    pub fn product_name(&mut self) -> Result<Option<String>, ClientError> {
        let descriptor = self.describe()?;
        let Some(root) = descriptor.device().endpoint_with(basic_information::ID) else {
            return Ok(None);
        };
        let records = self.read(&BasicInformation::new(root.id).read_names())?;
        Ok(records
            .iter()
            .find_map(|r| r.get(basic_information::PRODUCT_NAME))
            .and_then(|v| v.as_str())
            .map(String::from))
    }

    /// Reads attributes.
    pub fn read(&mut self, read: &Read<'_>) -> Result<Vec<OwnedRecord>, ClientError> {
        match self.request(&Message::Read(*read))? {
            Reply::Values(v) => Ok(v),
            other => Err(ClientError::UnexpectedReply(Box::new(other))),
        }
    }

    /// Invokes a command built by a typed client.
    pub fn invoke(&mut self, invoke: &InvokeRequest) -> Result<Invoked, ClientError> {
        match self.request(&invoke.message())? {
            Reply::Invoked(i) => Ok(i),
            other => Err(ClientError::UnexpectedReply(Box::new(other))),
        }
    }

    /// Writes attributes; returns the new data version.
    pub fn write(&mut self, write: &WriteRequest) -> Result<u32, ClientError> {
        match self.request(&write.message())? {
            Reply::Written { data_version } => Ok(data_version),
            other => Err(ClientError::UnexpectedReply(Box::new(other))),
        }
    }

    /// Starts a batch: writes and invokes sent in one message, run in order
    /// by the appliance and answered in one reply with an outcome per item
    /// (`spec/INTERACTION.md`, section 10).
    ///
    /// ```no_run
    /// # use applink::interaction::clients::OnOff;
    /// # use applink::message::EndpointId;
    /// # fn scene<S: applink::node::store::PhoneStore, L: applink::transport::Link>(
    /// #     phone: &mut applink::node::client::Client<S, L>,
    /// # ) -> Result<(), applink::node::client::ClientError> {
    /// let outcomes = phone
    ///     .batch()
    ///     .invoke(&OnOff::new(EndpointId(1)).on())
    ///     .invoke(&OnOff::new(EndpointId(2)).on())
    ///     .invoke(&OnOff::new(EndpointId(3)).off())
    ///     .send()?;
    /// assert!(outcomes.iter().all(|o| o.is_success()));
    /// # Ok(()) }
    /// ```
    pub fn batch(&mut self) -> BatchBuilder<'_, S, L> {
        BatchBuilder {
            client: self,
            items: Vec::new(),
            stop_on_failure: false,
        }
    }

    /// Subscribes; returns the subscription id.
    pub fn subscribe(&mut self, subscribe: &Subscribe<'_>) -> Result<u16, ClientError> {
        match self.request(&Message::Subscribe(*subscribe))? {
            Reply::Subscribed { subscription, .. } => Ok(subscription),
            other => Err(ClientError::UnexpectedReply(Box::new(other))),
        }
    }

    /// The next report, event or session end, waiting at most `timeout`.
    pub fn next_notification(
        &mut self,
        timeout: StdDuration,
    ) -> Result<Option<Notification>, ClientError> {
        let saved = self.timeout;
        self.timeout = timeout;
        let n = self.drive(|c| c.notifications.pop_front());
        self.timeout = saved;
        n
    }

    /// The pairings the appliance holds, `(static key, admin)` (admin only).
    pub fn list_pairings(&mut self) -> Result<Vec<([u8; 32], bool)>, ClientError> {
        let mut all = Vec::new();
        loop {
            let from = u8::try_from(all.len()).unwrap_or(u8::MAX);
            let message = Message::Admin(crate::message::AdminRequest::List { from });
            match self.request(&message)? {
                Reply::Pairings { total, entries, .. } => {
                    let done =
                        entries.is_empty() || all.len() + entries.len() >= usize::from(total);
                    all.extend(entries);
                    if done {
                        return Ok(all);
                    }
                }
                other => return Err(ClientError::UnexpectedReply(Box::new(other))),
            }
        }
    }

    /// Removes the pairing of the phone with static key `peer` (admin
    /// only, or this phone's own); its sessions end at once.
    pub fn remove_pairing(&mut self, peer: [u8; 32]) -> Result<(), ClientError> {
        let message = Message::Admin(crate::message::AdminRequest::Remove {
            peer: crate::message::Fixed(peer),
        });
        self.administer(&message)
    }

    /// Makes the phone with static key `peer` an admin or a user (admin
    /// only).
    pub fn set_role(&mut self, peer: [u8; 32], admin: bool) -> Result<(), ClientError> {
        let message = Message::Admin(crate::message::AdminRequest::SetRole {
            peer: crate::message::Fixed(peer),
            admin,
        });
        self.administer(&message)
    }

    /// Shares the appliance with another phone: opens a pairing window of
    /// `seconds` for a freshly drawn one-time setup code and returns the
    /// code (admin only; see [`Phone::share`]).
    pub fn share(
        &mut self,
        seconds: u16,
    ) -> Result<crate::crypto::setup_code::SetupCode, ClientError> {
        let now = self.clock.now();
        let (id, code) = match self.phone.share(seconds, now) {
            Err(NodeError::NotConnected | NodeError::SessionEnded) if self.peer.is_some() => {
                let (to, device_id) = self.peer.ok_or(NodeError::NotConnected)?;
                self.resume(to, device_id)?;
                self.phone.share(seconds, self.clock.now())?
            }
            other => other?,
        };
        match self.wait(id)? {
            Reply::Administered => Ok(code),
            other => Err(ClientError::UnexpectedReply(Box::new(other))),
        }
    }

    fn administer(&mut self, message: &Message<'_>) -> Result<(), ClientError> {
        match self.request(message)? {
            Reply::Administered => Ok(()),
            other => Err(ClientError::UnexpectedReply(Box::new(other))),
        }
    }

    /// Closes the session (a sealed Close, sent at once).
    pub fn close(&mut self) -> Result<(), ClientError> {
        let now = self.clock.now();
        self.phone.close(now);
        let mut buf = [0u8; super::MAX_FRAME];
        while let Some((to, n)) = self.phone.poll_transmit(&mut buf) {
            self.link.send(to, &buf[..n])?;
        }
        self.sort_events();
        Ok(())
    }
}
