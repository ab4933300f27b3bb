//! Messages of the interaction model: describe, read, write, invoke,
//! subscribe, report, event, and the small control messages.

use serde::{Deserialize, Serialize};

use super::handshake::DescriptorHash;
use super::ids::{AttributeId, CapabilityId, CommandId, EndpointId, EventId};
use super::seq::{Bytes, Item, Seq};
use super::status::Status;
use super::value::{Field, Value};

/// Asks for the descriptor, from byte `offset` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Describe {
    /// Byte offset into the encoded descriptor.
    pub offset: u32,
}

/// Asks for the full definition of one capability instance, from byte
/// `offset` on: for a catalog reference whose `(id, revision)` the phone's
/// catalog lacks. Answered with [`DescriptorChunk`]s of the definition (one
/// `Capability` in full), under the descriptor's hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DescribeCapability {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The capability on it.
    pub capability: CapabilityId,
    /// Byte offset into the encoded definition.
    pub offset: u32,
}

/// One chunk of the encoded descriptor. The phone asks again from
/// `offset + data.len()` until it has `total_len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DescriptorChunk<'a> {
    /// Fingerprint of the whole descriptor (the same in every chunk).
    pub hash: DescriptorHash,
    /// Length of the whole encoded descriptor.
    pub total_len: u32,
    /// Where this chunk starts.
    pub offset: u32,
    /// The chunk.
    #[serde(borrow)]
    pub data: Bytes<'a>,
}

/// An attribute and its value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AttributeValue<'a> {
    /// Which attribute.
    pub attribute: AttributeId,
    /// Its value.
    #[serde(borrow)]
    pub value: Value<'a>,
}

impl<'a> AttributeValue<'a> {
    /// An attribute value.
    pub const fn new(attribute: u16, value: Value<'a>) -> Self {
        AttributeValue {
            attribute: AttributeId(attribute),
            value,
        }
    }
}

// `AttributeValue` and `Record` decode by hand as list elements: see
// `value.rs`.

/// Attribute values of one capability instance, at one data version.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Record<'a> {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The capability on that endpoint.
    pub capability: CapabilityId,
    /// The capability instance's data version after these values.
    pub data_version: u32,
    /// The values.
    #[serde(borrow)]
    pub values: Seq<'a, AttributeValue<'a>>,
}

/// Reads attributes. `capability: None` reads every capability of the
/// endpoint; an empty `attributes` reads every attribute of the capability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Read<'a> {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The capability, or every capability of the endpoint.
    pub capability: Option<CapabilityId>,
    /// The attributes, or every attribute when empty.
    #[serde(borrow)]
    pub attributes: Seq<'a, AttributeId>,
}

/// The values read. `more` is set on every chunk but the last when the
/// answer does not fit one frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ReadReply<'a> {
    /// The values, per capability instance.
    #[serde(borrow)]
    pub records: Seq<'a, Record<'a>>,
    /// More chunks follow on this exchange.
    pub more: bool,
}

/// Writes attributes of one capability instance, all or none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Write<'a> {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The capability.
    pub capability: CapabilityId,
    /// Write only if the instance is still at this data version.
    pub data_version: Option<u32>,
    /// The new values.
    #[serde(borrow)]
    pub values: Seq<'a, AttributeValue<'a>>,
}

/// A successful write: the instance's new data version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct WriteReply {
    /// Data version after the write.
    pub data_version: u32,
}

/// Invokes a command.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Invoke<'a> {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The capability.
    pub capability: CapabilityId,
    /// The command.
    pub command: CommandId,
    /// A timed invoke: valid only if it arrives within this many milliseconds
    /// of being sent (required by commands such as unlocking a door).
    pub timed_ms: Option<u16>,
    /// The arguments.
    #[serde(borrow)]
    pub args: Seq<'a, Field<'a>>,
}

/// A command's outcome and response fields.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct InvokeReply<'a> {
    /// Outcome.
    pub status: Status,
    /// Response fields (empty unless the command defines some).
    #[serde(borrow)]
    pub fields: Seq<'a, Field<'a>>,
}

/// Most items one [`Batch`] may carry.
pub const MAX_BATCH_ITEMS: usize = 32;

/// Several writes and invokes in one message, run in order and answered by
/// one [`BatchReply`] with an entry per item (`spec/INTERACTION.md`,
/// section 10). The whole batch is one request: one exchange, one reply,
/// executed at most once.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Batch<'a> {
    /// When set, the items after the first failing one are not run (each
    /// answered [`BatchResult::NotRun`]); otherwise every item runs.
    pub stop_on_failure: bool,
    /// The items, in the order they run (at most [`MAX_BATCH_ITEMS`]).
    #[serde(borrow)]
    pub items: Seq<'a, BatchItem<'a>>,
}

/// One item of a [`Batch`]: exactly the request it would be on its own.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BatchItem<'a> {
    /// 0: a [`Write`].
    #[serde(borrow)]
    Write(Write<'a>),
    /// 1: an [`Invoke`].
    #[serde(borrow)]
    Invoke(Invoke<'a>),
}

impl<'a> Item<'a> for BatchItem<'a> {}

/// The answer to a [`Batch`]: one entry per item, in the items' order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BatchReply<'a> {
    /// The items' results.
    #[serde(borrow)]
    pub results: Seq<'a, BatchResult<'a>>,
}

/// What became of one item of a [`Batch`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BatchResult<'a> {
    /// 0: the write succeeded (its [`WriteReply`]).
    Written(WriteReply),
    /// 1: the command ran; its status and response fields (its
    /// [`InvokeReply`]). It failed unless the status is success.
    #[serde(borrow)]
    Invoked(InvokeReply<'a>),
    /// 2: the item was refused, or the write failed: the status its own
    /// request would have been answered with in a [`StatusReport`].
    Failed(Status),
    /// 3: not run, because an earlier item failed and the batch stops on
    /// failure.
    NotRun,
}

impl BatchResult<'_> {
    /// Whether the item failed (refused, failed, a command that answered
    /// other than success, or not run).
    pub fn is_failure(&self) -> bool {
        match self {
            BatchResult::Written(_) => false,
            BatchResult::Invoked(r) => !r.status.is_success(),
            BatchResult::Failed(_) | BatchResult::NotRun => true,
        }
    }
}

impl<'a> Item<'a> for BatchResult<'a> {}

/// Subscribes to attribute changes (and optionally events) of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Subscribe<'a> {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The capability, or every capability of the endpoint.
    pub capability: Option<CapabilityId>,
    /// The attributes, or every attribute when empty.
    #[serde(borrow)]
    pub attributes: Seq<'a, AttributeId>,
    /// No two reports closer than this.
    pub min_interval_ms: u32,
    /// A report at least this often, even without change.
    pub max_interval_ms: u32,
    /// For numeric attributes: report only changes of at least this many
    /// raw units since the last report (0: any change).
    pub min_change: u32,
    /// Also deliver the endpoint's events.
    pub events: bool,
}

impl Subscribe<'static> {
    /// Every reportable attribute of every capability of `endpoint`, each
    /// change reported at once, a heartbeat at least every
    /// `max_interval_ms`, no events.
    pub const fn endpoint(endpoint: EndpointId, max_interval_ms: u32) -> Self {
        Subscribe {
            endpoint,
            capability: None,
            attributes: Seq::empty(),
            min_interval_ms: 0,
            max_interval_ms,
            min_change: 0,
            events: false,
        }
    }
}

/// A subscription was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SubscribeReply {
    /// The subscription's id, carried by its reports.
    pub subscription: u16,
    /// The maximum interval granted (may exceed the one asked for).
    pub max_interval_ms: u32,
}

/// Ends a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Unsubscribe {
    /// The subscription.
    pub subscription: u16,
}

/// Changed (or heartbeat) values for a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Report<'a> {
    /// The subscription.
    pub subscription: u16,
    /// The values, per capability instance.
    #[serde(borrow)]
    pub records: Seq<'a, Record<'a>>,
}

/// How much an event matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Priority {
    /// Diagnostic detail.
    Debug,
    /// Normal operation (a cycle finished).
    Info,
    /// Needs attention (a leak, a fault, a forced door).
    Critical,
}

/// Something happened on the appliance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Event<'a> {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The capability.
    pub capability: CapabilityId,
    /// The event.
    pub event: EventId,
    /// The appliance-wide event number: increases by one per event, across
    /// reboots, so a gap means a missed event.
    pub sequence: u64,
    /// How much it matters.
    pub priority: Priority,
    /// Milliseconds since the Unix epoch, if the appliance knows the time.
    pub timestamp_ms: Option<u64>,
    /// The event's fields.
    #[serde(borrow)]
    pub fields: Seq<'a, Field<'a>>,
}

/// A status answer to a request (an error, or success with nothing to add).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StatusReport {
    /// The outcome.
    pub status: Status,
}

/// A liveness probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Ping {
    /// Echoed in the [`Pong`].
    pub nonce: u32,
}

/// The answer to a [`Ping`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Pong {
    /// The ping's nonce.
    pub nonce: u32,
}

/// Ends the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Close {
    /// Why ([`Status::SUCCESS`] for a normal close).
    pub reason: Status,
}
