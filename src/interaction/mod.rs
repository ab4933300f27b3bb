//! The interaction layer: describe, read, write, invoke, subscribe, report
//! and events, on top of the [`descriptor`](crate::descriptor) layer.
//!
//! - Appliance side: a [`Dispatcher`] serves requests from the descriptor
//!   and the firmware's [`Handler`]s. It is sans-IO: it takes a decoded
//!   request, the [`Peer`] it came from and the time, and hands reply
//!   payloads to the caller; [`Dispatcher::poll_timeout`],
//!   [`Dispatcher::handle_timeout`] and [`Dispatcher::poll_report`] drive
//!   subscriptions and events.
//! - [`stock`] holds ready-made handlers for the simple catalog
//!   capabilities (on/off, level, identify, basic information, stored
//!   values), so a lamp needs no handler code.
//! - Phone side: a [`Controller`](controller::Controller) (feature `alloc`)
//!   builds requests, matches replies, caches descriptors by hash and tracks
//!   subscriptions and event gaps; [`clients`] offers typed calls for
//!   catalog capabilities that validate before sending.
//!
//! # Contract
//!
//! Every request is validated against the descriptor before any handler
//! runs: a handler sees only known attributes and commands, values of the
//! right type within their constraints, and callers with the right
//! privilege. A rejected request changes nothing and is answered with the
//! [`Status`] of its [`DescriptorError`].
//! Nothing here panics, allocates, or loops without bound on any input. The
//! semantics are specified in `spec/INTERACTION.md`.

mod batch;
pub mod clients;
#[cfg(feature = "alloc")]
pub mod controller;
mod dispatcher;
mod events;
pub mod stock;
mod subscriptions;
mod writer;

pub use dispatcher::{Dispatcher, EndpointEntry, Instance};
pub use events::{EventCounter, EventLog, RamSequenceStore, SequenceStore};
pub use subscriptions::{MAX_SUBSCRIBED_ATTRIBUTES, MIN_MAX_INTERVAL_MS, Outgoing};

use crate::descriptor::{DescriptorError, Element, Privilege};
use crate::message::{AttributeId, CommandId, Field, Seq, Status, Value};
use crate::time::Instant;

/// Most response fields one command may return.
pub const MAX_RESPONSE_FIELDS: usize = 8;

/// A command's response fields, filled by [`Handler::invoke`].
pub type Response = heapless::Vec<Field<'static>, MAX_RESPONSE_FIELDS>;

/// The firmware's code behind one capability instance. Every method
/// defaults to "unsupported", so a handler implements only what its
/// capability declares.
///
/// The dispatcher calls these only after validating against the
/// descriptor: the attribute or command exists, the caller may use it,
/// and every value has the declared type and constraints.
pub trait Handler {
    /// The attribute's current value.
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        let _ = attribute;
        Err(Status::UNSUPPORTED_ATTRIBUTE)
    }

    /// Stores a new, valid value.
    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let _ = (attribute, value, cx);
        Err(Status::UNSUPPORTED_ATTRIBUTE)
    }

    /// Runs a command with valid arguments, pushing response fields into
    /// `response`, and marking changed attributes in `cx`.
    fn invoke(
        &mut self,
        command: CommandId,
        args: &Seq<'_, Field<'_>>,
        response: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let _ = (command, args, response, cx);
        Err(Status::UNSUPPORTED_COMMAND)
    }

    /// Whether this handler serves an element its instance advertises.
    /// [`Dispatcher::new`] asks for every readable attribute, command and
    /// event advertised and refuses to build
    /// ([`DescriptorError::NotServed`]) on a `false`, so a missing
    /// implementation is found when the node is built, not as an
    /// `UNSUPPORTED_ATTRIBUTE` at run time.
    ///
    /// The default answers for an attribute by reading it (anything but
    /// `UNSUPPORTED_ATTRIBUTE` counts as served) and `true` for commands
    /// and events, which it cannot try without running them; a handler
    /// that implements only some of its capability's commands says which.
    fn serves(&self, element: Element) -> bool {
        match element {
            Element::Attribute(id) => {
                !matches!(self.read(id), Err(s) if s == Status::UNSUPPORTED_ATTRIBUTE)
            }
            Element::Command(_) | Element::Event(_) => true,
        }
    }
}

/// What a handler learns about, and tells, the dispatcher during a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The time of the request.
    pub now: Instant,
    changed: u64,
}

impl Context {
    /// A context at `now` with nothing changed.
    pub const fn new(now: Instant) -> Context {
        Context { now, changed: 0 }
    }

    /// Marks an attribute of this capability instance as changed: its data
    /// version is bumped and subscriptions are told.
    pub fn changed(&mut self, attribute: AttributeId) {
        self.changed |= Self::bit(attribute);
    }

    /// Whether anything was marked changed.
    pub const fn any_changed(&self) -> bool {
        self.changed != 0
    }

    /// Whether `attribute` was marked (attribute ids 63 and above share one
    /// mark).
    pub const fn is_changed(&self, attribute: AttributeId) -> bool {
        self.changed & Self::bit(attribute) != 0
    }

    const fn bit(attribute: AttributeId) -> u64 {
        1 << if attribute.0 < 63 { attribute.0 } else { 63 }
    }
}

/// Who a request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Peer {
    /// The session it arrived on (reports for its subscriptions go back
    /// there).
    pub session: u16,
    /// The session's privilege.
    pub privilege: Privilege,
}

/// Everything the interaction layer reports to its local caller (what goes
/// on the wire is a [`Status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum InteractionError {
    /// The descriptor (or a value checked against it) was rejected.
    #[error("descriptor: {0}")]
    Descriptor(#[from] DescriptorError),
    /// The message is not a request this layer serves (message type).
    #[error("message type {0} is not an interaction request")]
    NotARequest(u32),
    /// The reply buffer cannot hold even the smallest reply.
    #[error("reply buffer too small")]
    BufferTooSmall,
    /// An event is larger than the event log.
    #[error("event too large for the log")]
    EventTooLarge,
    /// The event counter could not persist its reservation.
    #[error("sequence store failed")]
    Persistence,
    /// A reply does not match any pending request.
    #[error("unexpected reply")]
    UnexpectedReply,
    /// The peer answered with a failure status.
    #[error("peer answered {0}")]
    Rejected(Status),
}

impl InteractionError {
    /// The status an appliance answers with.
    pub fn status(self) -> Status {
        match self {
            InteractionError::Descriptor(e) => e.status(),
            InteractionError::NotARequest(_) => Status::UNSUPPORTED_MESSAGE,
            InteractionError::BufferTooSmall | InteractionError::EventTooLarge => {
                Status::RESOURCE_EXHAUSTED
            }
            InteractionError::Rejected(s) => s,
            InteractionError::Persistence | InteractionError::UnexpectedReply => Status::FAILURE,
        }
    }
}

impl From<InteractionError> for Status {
    fn from(e: InteractionError) -> Status {
        e.status()
    }
}
