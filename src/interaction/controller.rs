//! The phone side: builds requests with exchange ids, matches replies,
//! assembles and caches descriptors by hash, tracks subscriptions and
//! event sequence gaps. Sans-IO like the dispatcher: messages in, outcomes
//! out, time passed in.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::descriptor::{Definition, DescriptorError, OwnedDescriptor};
use crate::message::{
    BatchResult, CapabilityId, Describe, DescribeCapability, DescriptorHash, EndpointId, Event,
    Field, Message, Record, Report, Seq, Status, SubscribeReply,
};
use crate::time::{Duration, Instant};

use super::InteractionError;

/// Largest descriptor a controller accepts, in bytes.
pub const MAX_DESCRIPTOR_LEN: u32 = 64 * 1024;

/// What a pending exchange waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Descriptor,
    Read,
    Write,
    Invoke,
    Batch,
    Subscribe(EndpointId, Option<CapabilityId>),
    Unsubscribe(u16),
    Pong,
    Admin,
}

/// A descriptor being fetched in chunks, then the definitions of the
/// catalog references it has that this build's catalog lacks.
#[derive(Debug)]
struct Fetch {
    hash: DescriptorHash,
    bytes: Vec<u8>,
    /// Definitions fetched so far.
    definitions: Vec<Definition>,
    /// The capability whose definition is being fetched, and its bytes so
    /// far.
    definition: Option<(CapabilityId, Definition)>,
}

/// A subscription the controller holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tracked {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The capability, or all.
    pub capability: Option<CapabilityId>,
    /// The max interval granted.
    pub max_interval: Duration,
    /// When the last report arrived (or the subscription was granted).
    pub last_report: Instant,
}

/// The outcome of a reply to one of this controller's requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<'r> {
    /// The descriptor is incomplete: send `next` (a `Describe` from where
    /// the descriptor continues, or a `DescribeCapability` for a catalog
    /// reference this build cannot expand).
    DescriptorNeeds {
        /// The request to send next.
        next: Message<'static>,
    },
    /// The descriptor is complete, checked against its hash, and cached.
    DescriptorReady(Arc<OwnedDescriptor>),
    /// Values read; `more` chunks follow on the same exchange.
    Values {
        /// Records, per capability instance.
        records: Seq<'r, Record<'r>>,
        /// More chunks follow.
        more: bool,
    },
    /// A write succeeded.
    Written {
        /// The new data version.
        data_version: u32,
    },
    /// A command ran (successfully or not: see `status`).
    Invoked {
        /// The command's status.
        status: Status,
        /// Its response fields.
        fields: Seq<'r, Field<'r>>,
    },
    /// A batch ran: one result per item, in the items' order.
    Batched {
        /// The items' results.
        results: Seq<'r, BatchResult<'r>>,
    },
    /// A subscription was granted.
    Subscribed(SubscribeReply),
    /// An unsubscribe succeeded.
    Unsubscribed,
    /// A ping was answered.
    Pong,
    /// An admin request succeeded.
    Administered,
    /// The pairings, answering `AdminRequest::List`.
    Pairings(crate::message::PairingList<'r>),
    /// The appliance refused the request with this status.
    Refused(Status),
}

/// A message the appliance sent on its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice<'r> {
    /// Values for a subscription.
    Report(Report<'r>),
    /// An event, and how many events were missed just before it (a gap in
    /// the sequence numbers).
    Event {
        /// The event.
        event: Event<'r>,
        /// Events missed before this one.
        missed: u64,
    },
}

/// The phone-side interaction state for one appliance.
#[derive(Debug, Default)]
pub struct Controller {
    next_exchange: u16,
    pending: Vec<(u16, Expect)>,
    fetch: Option<Fetch>,
    cache: BTreeMap<[u8; 16], Arc<OwnedDescriptor>>,
    subscriptions: BTreeMap<u16, Tracked>,
    last_event: Option<u64>,
    missed_events: u64,
}

impl Controller {
    /// A controller with an empty cache.
    pub fn new() -> Self {
        Controller::default()
    }

    /// The cached descriptor with this hash.
    pub fn cached(&self, hash: &DescriptorHash) -> Option<Arc<OwnedDescriptor>> {
        self.cache.get(&hash.0).cloned()
    }

    /// Adds a descriptor to the cache (for example one loaded from disk).
    pub fn insert_descriptor(&mut self, descriptor: OwnedDescriptor) -> Arc<OwnedDescriptor> {
        let arc = Arc::new(descriptor);
        self.cache.insert(arc.hash().0, arc.clone());
        arc
    }

    /// Starts learning the descriptor announced with `hash` (in
    /// `HelloAccept`): `Ok(Err(descriptor))` when it is cached and Describe
    /// can be skipped, else the first `Describe` to send.
    pub fn describe(&mut self, hash: DescriptorHash) -> Result<Describe, Arc<OwnedDescriptor>> {
        if let Some(cached) = self.cached(&hash) {
            return Err(cached);
        }
        self.fetch = Some(Fetch {
            hash,
            bytes: Vec::new(),
            definitions: Vec::new(),
            definition: None,
        });
        Ok(Describe { offset: 0 })
    }

    /// Registers a request about to be sent and returns its exchange id
    /// (for the frame header). Only interaction requests are accepted.
    pub fn start(&mut self, request: &Message<'_>) -> Result<u16, InteractionError> {
        let expect = match request {
            Message::Describe(_) | Message::DescribeCapability(_) => Expect::Descriptor,
            Message::Read(_) => Expect::Read,
            Message::Write(_) => Expect::Write,
            Message::Invoke(_) => Expect::Invoke,
            Message::Batch(_) => Expect::Batch,
            Message::Subscribe(s) => Expect::Subscribe(s.endpoint, s.capability),
            Message::Unsubscribe(u) => Expect::Unsubscribe(u.subscription),
            Message::Ping(_) => Expect::Pong,
            Message::Admin(_) => Expect::Admin,
            other => return Err(InteractionError::NotARequest(other.message_type())),
        };
        self.next_exchange = self.next_exchange.wrapping_add(1).max(1);
        let exchange = self.next_exchange;
        self.pending.push((exchange, expect));
        Ok(exchange)
    }

    /// The exchange id the next [`start`](Self::start) will use.
    pub fn next_exchange(&self) -> u16 {
        self.next_exchange.wrapping_add(1).max(1)
    }

    /// Number of requests waiting for a reply.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Gives up on the request on `exchange`, returning whether it was
    /// pending. The controller reads no clock: the caller decides when a
    /// reply is overdue (the request or its reply was lost) and cancels it,
    /// so pending requests never pile up. A reply that arrives afterwards is
    /// an [`InteractionError::UnexpectedReply`]; the request may have run on
    /// the appliance all the same. Cancelling a `Describe` also drops the
    /// descriptor fetched so far.
    pub fn cancel(&mut self, exchange: u16) -> bool {
        let Some(k) = self.pending.iter().position(|(x, _)| *x == exchange) else {
            return false;
        };
        if self.pending.remove(k).1 == Expect::Descriptor {
            self.fetch = None;
        }
        true
    }

    /// Matches a reply to its request on `exchange`.
    pub fn handle_reply<'r>(
        &mut self,
        exchange: u16,
        reply: &Message<'r>,
        now: Instant,
    ) -> Result<Outcome<'r>, InteractionError> {
        let k = self
            .pending
            .iter()
            .position(|(x, _)| *x == exchange)
            .ok_or(InteractionError::UnexpectedReply)?;
        let expect = self.pending[k].1;
        let keep = matches!(reply, Message::ReadReply(r) if r.more);
        if !keep {
            self.pending.remove(k);
        }
        match (expect, reply) {
            (_, Message::Status(s)) if !s.status.is_success() => {
                if expect == Expect::Descriptor {
                    self.fetch = None;
                }
                Ok(Outcome::Refused(s.status))
            }
            (Expect::Unsubscribe(id), Message::Status(_)) => {
                self.subscriptions.remove(&id);
                Ok(Outcome::Unsubscribed)
            }
            (Expect::Descriptor, Message::Descriptor(chunk)) => self.take_chunk(chunk),
            (Expect::Pong, Message::Pong(_)) => Ok(Outcome::Pong),
            (Expect::Admin, Message::Status(_)) => Ok(Outcome::Administered),
            (Expect::Admin, Message::PairingList(l)) => Ok(Outcome::Pairings(*l)),
            (Expect::Read, Message::ReadReply(r)) => Ok(Outcome::Values {
                records: r.records,
                more: r.more,
            }),
            (Expect::Write, Message::WriteReply(w)) => Ok(Outcome::Written {
                data_version: w.data_version,
            }),
            (Expect::Invoke, Message::InvokeReply(r)) => Ok(Outcome::Invoked {
                status: r.status,
                fields: r.fields,
            }),
            (Expect::Batch, Message::BatchReply(r)) => Ok(Outcome::Batched { results: r.results }),
            (Expect::Subscribe(endpoint, capability), Message::SubscribeReply(s)) => {
                self.subscriptions.insert(
                    s.subscription,
                    Tracked {
                        endpoint,
                        capability,
                        max_interval: Duration::from_millis(s.max_interval_ms.into()),
                        last_report: now,
                    },
                );
                Ok(Outcome::Subscribed(*s))
            }
            _ => Err(InteractionError::UnexpectedReply),
        }
    }

    fn take_chunk(
        &mut self,
        chunk: &crate::message::DescriptorChunk<'_>,
    ) -> Result<Outcome<'static>, InteractionError> {
        let fetch = self
            .fetch
            .as_mut()
            .ok_or(InteractionError::UnexpectedReply)?;
        // Definitions count against the same limit as the descriptor.
        let fetched: usize = fetch.definitions.iter().map(|d| d.bytes.len()).sum();
        let (target, done) = match fetch.definition.as_mut() {
            Some((_, d)) => (&mut d.bytes, fetched + fetch.bytes.len()),
            None => (&mut fetch.bytes, 0),
        };
        if chunk.hash != fetch.hash
            || chunk.offset as usize != target.len()
            || done + chunk.total_len as usize > MAX_DESCRIPTOR_LEN as usize
            || chunk.offset as usize + chunk.data.0.len() > chunk.total_len as usize
        {
            self.fetch = None;
            return Err(DescriptorError::Malformed.into());
        }
        target.extend_from_slice(chunk.data.0);
        let have = target.len() as u32;
        if have < chunk.total_len {
            if chunk.data.0.is_empty() {
                self.fetch = None;
                return Err(DescriptorError::Malformed.into());
            }
            let next = match &fetch.definition {
                Some((capability, d)) => Message::DescribeCapability(DescribeCapability {
                    endpoint: d.endpoint,
                    capability: *capability,
                    offset: have,
                }),
                None => Message::Describe(Describe { offset: have }),
            };
            return Ok(Outcome::DescriptorNeeds { next });
        }
        if let Some((_, d)) = fetch.definition.take() {
            fetch.definitions.push(d);
        }
        self.expand()
    }

    /// Expands the complete descriptor, or asks for the next definition it
    /// needs. Each reference is fetched once, so this ends.
    fn expand(&mut self) -> Result<Outcome<'static>, InteractionError> {
        let Some(fetch) = self.fetch.as_mut() else {
            return Err(InteractionError::UnexpectedReply);
        };
        let result =
            OwnedDescriptor::from_parts(fetch.bytes.clone(), &fetch.hash, &fetch.definitions);
        match result {
            Ok(owned) => {
                self.fetch = None;
                Ok(Outcome::DescriptorReady(self.insert_descriptor(owned)))
            }
            Err(DescriptorError::UnknownCatalogEntry {
                endpoint,
                capability,
                ..
            }) if !fetch.definitions.iter().any(|d| {
                d.endpoint.0 == endpoint
                    && crate::descriptor::decode_capability(&d.bytes)
                        .is_ok_and(|c| c.id == capability)
            }) =>
            {
                let definition = Definition {
                    endpoint: EndpointId(endpoint),
                    bytes: Vec::new(),
                };
                let next = Message::DescribeCapability(DescribeCapability {
                    endpoint: definition.endpoint,
                    capability,
                    offset: 0,
                });
                fetch.definition = Some((capability, definition));
                Ok(Outcome::DescriptorNeeds { next })
            }
            Err(e) => {
                self.fetch = None;
                Err(e.into())
            }
        }
    }

    /// Takes a message the appliance sent unasked (a report or an event).
    pub fn handle_unsolicited<'r>(
        &mut self,
        message: &Message<'r>,
        now: Instant,
    ) -> Result<Notice<'r>, InteractionError> {
        match message {
            Message::Report(r) => {
                let sub = self
                    .subscriptions
                    .get_mut(&r.subscription)
                    .ok_or(InteractionError::UnexpectedReply)?;
                sub.last_report = now;
                Ok(Notice::Report(*r))
            }
            Message::Event(e) => {
                let missed = match self.last_event {
                    Some(last) if e.sequence <= last => {
                        return Err(InteractionError::UnexpectedReply);
                    }
                    Some(last) => e.sequence - last - 1,
                    None => 0,
                };
                self.last_event = Some(e.sequence);
                self.missed_events += missed;
                Ok(Notice::Event { event: *e, missed })
            }
            other => Err(InteractionError::NotARequest(other.message_type())),
        }
    }

    /// Subscriptions whose heartbeat is overdue at `now` (no report within
    /// their max interval plus `grace`): the appliance or the link is gone,
    /// and the phone should subscribe again.
    pub fn lapsed(&self, now: Instant, grace: Duration) -> Vec<u16> {
        self.subscriptions
            .iter()
            .filter(|(_, t)| now > t.last_report + t.max_interval + grace)
            .map(|(id, _)| *id)
            .collect()
    }

    /// The subscriptions held.
    pub fn subscriptions(&self) -> impl Iterator<Item = (u16, &Tracked)> {
        self.subscriptions.iter().map(|(id, t)| (*id, t))
    }

    /// The last event sequence number seen, and the total missed so far.
    pub fn event_position(&self) -> (Option<u64>, u64) {
        (self.last_event, self.missed_events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Invoke, InvokeReply, Seq, Status};

    fn invoke() -> Message<'static> {
        Message::Invoke(Invoke {
            endpoint: EndpointId(1),
            capability: CapabilityId(4),
            command: crate::message::CommandId(2),
            timed_ms: None,
            args: Seq::empty(),
        })
    }

    #[test]
    fn a_cancelled_request_is_no_longer_pending_and_its_late_reply_is_unexpected() {
        let mut c = Controller::new();
        let first = c.start(&invoke()).unwrap();
        let second = c.start(&invoke()).unwrap();
        assert_eq!(c.pending(), 2);
        assert!(c.cancel(first));
        assert!(!c.cancel(first), "already cancelled");
        assert!(!c.cancel(0x7777), "never started");
        assert_eq!(c.pending(), 1);
        let reply = Message::InvokeReply(InvokeReply {
            status: Status::SUCCESS,
            fields: Seq::empty(),
        });
        assert_eq!(
            c.handle_reply(first, &reply, Instant::ZERO),
            Err(InteractionError::UnexpectedReply)
        );
        assert!(matches!(
            c.handle_reply(second, &reply, Instant::ZERO),
            Ok(Outcome::Invoked { .. })
        ));
        assert_eq!(c.pending(), 0);
    }

    #[test]
    fn cancelling_a_describe_drops_the_partial_descriptor() {
        let mut c = Controller::new();
        let describe = c.describe(crate::message::Fixed([3; 16])).unwrap();
        let x = c.start(&Message::Describe(describe)).unwrap();
        assert!(c.cancel(x));
        assert_eq!(c.pending(), 0);
        assert!(c.fetch.is_none());
    }
}
