//! Subscriptions: a bounded table, reports at most every min interval when
//! something changed by at least the reportable change, a heartbeat report
//! every max interval regardless, and event delivery. Driven by the
//! caller's clock: [`Dispatcher::poll_timeout`],
//! [`Dispatcher::handle_timeout`], [`Dispatcher::poll_report`].

use crate::descriptor::{Access, DescriptorError, Privilege, Type, validate};
use crate::message::{
    AttributeId, CapabilityId, EndpointId, Event, EventId, Field, Message, Seq, Status, Subscribe,
    SubscribeReply,
};
use crate::time::{Duration, Instant};

use super::dispatcher::Dispatcher;
use super::events::SequenceStore;
use super::writer::{Cursor, Position, Selection, write_records};
use super::{Context, InteractionError, Peer};

/// Most attributes one subscription may name.
pub const MAX_SUBSCRIBED_ATTRIBUTES: usize = 8;
/// The smallest max interval granted, in milliseconds.
pub const MIN_MAX_INTERVAL_MS: u32 = 1000;
/// Numeric values remembered per subscription for the reportable change.
const TRACKED: usize = 8;
/// Largest encoded event.
const MAX_EVENT_LEN: usize = 192;
/// The message type of [`Message::Report`].
const REPORT_TYPE: u32 = 18;

#[derive(Debug, Clone, Copy)]
struct Tracked {
    instance: u8,
    attribute: AttributeId,
    value: i128,
}

/// One entry of the subscription table.
#[derive(Debug, Clone)]
pub(crate) struct Subscription {
    id: u16,
    session: u16,
    endpoint: usize,
    capability: Option<CapabilityId>,
    attributes: heapless::Vec<AttributeId, MAX_SUBSCRIBED_ATTRIBUTES>,
    min_interval: Duration,
    max_interval: Duration,
    min_change: u32,
    events: bool,
    last_report: Instant,
    prime: bool,
    dirty: bool,
    resume: Option<Position>,
    next_event: u64,
    tracked: heapless::Vec<Tracked, TRACKED>,
}

impl Subscription {
    fn covers(&self, capability: CapabilityId, attribute: AttributeId) -> bool {
        self.capability.is_none_or(|c| c == capability)
            && (self.attributes.is_empty() || self.attributes.contains(&attribute))
    }

    fn due(&self, now: Instant) -> bool {
        self.deadline().is_some_and(|d| now >= d)
    }

    /// When the next report is due; `None` when it never is (its interval
    /// ends past the end of time, so a clock near its end cannot make a
    /// subscription report on every poll).
    fn deadline(&self) -> Option<Instant> {
        if self.prime || self.resume.is_some() {
            return Some(self.last_report);
        }
        let heartbeat = self.last_report.checked_add(self.max_interval);
        let change = self
            .last_report
            .checked_add(self.min_interval)
            .filter(|_| self.dirty);
        match (heartbeat, change) {
            (Some(h), Some(c)) => Some(h.min(c)),
            (h, c) => h.or(c),
        }
    }
}

/// A report or event payload to send, and the session it goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Outgoing {
    /// The session of the subscription.
    pub session: u16,
    /// Bytes of the payload at the start of the caller's buffer.
    pub len: usize,
}

impl<S: SequenceStore, const SUBS: usize, const EVENTS: usize> Dispatcher<'_, S, SUBS, EVENTS> {
    pub(crate) fn subscribe(
        &mut self,
        s: &Subscribe<'_>,
        peer: Peer,
        now: Instant,
    ) -> Result<SubscribeReply, Status> {
        if peer.privilege == Privilege::Unauthenticated {
            return Err(Status::NEEDS_PAIRING);
        }
        let endpoint = self.endpoint_index(s.endpoint)?;
        if let Some(cap) = s.capability {
            let (e, i) = self.locate(s.endpoint, cap)?;
            let instance = &self.endpoints[e].instances[i];
            for id in s.attributes.iter() {
                let attr = instance
                    .attribute(id)
                    .ok_or(DescriptorError::UnknownAttribute)?;
                validate::check_read(&attr, peer.privilege)?;
                if !attr.access.contains(Access::NOTIFY) {
                    return Err(DescriptorError::NotReportable.status());
                }
            }
        }
        if s.min_interval_ms > s.max_interval_ms {
            return Err(Status::CONSTRAINT_ERROR);
        }
        let mut attributes = heapless::Vec::new();
        for id in s.attributes.iter() {
            attributes
                .push(id)
                .map_err(|_| Status::RESOURCE_EXHAUSTED)?;
        }
        if self.subs.is_full() {
            return Err(Status::RESOURCE_EXHAUSTED);
        }
        let mut id = self.next_subscription;
        while id == 0 || self.subs.iter().any(|s| s.id == id) {
            id = id.wrapping_add(1);
        }
        self.next_subscription = id.wrapping_add(1);
        let max_interval_ms = s.max_interval_ms.max(MIN_MAX_INTERVAL_MS);
        let sub = Subscription {
            id,
            session: peer.session,
            endpoint,
            capability: s.capability,
            attributes,
            min_interval: Duration::from_millis(s.min_interval_ms.into()),
            max_interval: Duration::from_millis(max_interval_ms.into()),
            min_change: s.min_change,
            events: s.events,
            last_report: now,
            prime: true,
            dirty: false,
            resume: None,
            next_event: self.counter.peek(),
            tracked: heapless::Vec::new(),
        };
        self.subs
            .push(sub)
            .map_err(|_| Status::RESOURCE_EXHAUSTED)?;
        Ok(SubscribeReply {
            subscription: id,
            max_interval_ms,
        })
    }

    pub(crate) fn unsubscribe(&mut self, id: u16, session: u16) -> Status {
        match self
            .subs
            .iter()
            .position(|s| s.id == id && s.session == session)
        {
            Some(k) => {
                self.subs.swap_remove(k);
                Status::SUCCESS
            }
            None => Status::CONSTRAINT_ERROR,
        }
    }

    /// Ends every subscription of a session (it closed or timed out).
    pub fn drop_session(&mut self, session: u16) {
        self.subs.retain(|s| s.session != session);
    }

    /// Number of active subscriptions.
    pub fn subscription_count(&self) -> usize {
        self.subs.len()
    }

    /// Marks subscriptions dirty for the attributes `cx` says changed,
    /// honouring each one's reportable change.
    pub(crate) fn mark_subscriptions(&mut self, e: usize, i: usize, cx: &Context) {
        let inst = &self.endpoints[e].instances[i];
        let cap = inst.capability;
        for sub in self.subs.iter_mut().filter(|s| s.endpoint == e) {
            for attr in inst.attributes() {
                if !cx.is_changed(attr.id)
                    || !attr.access.contains(Access::NOTIFY)
                    || !sub.covers(cap.id, attr.id)
                {
                    continue;
                }
                let significant = sub.min_change == 0
                    || !matches!(attr.ty, Type::Int(_))
                    || match (
                        inst.handler.read(attr.id).ok().and_then(|v| v.as_i128()),
                        sub.tracked
                            .iter()
                            .find(|t| usize::from(t.instance) == i && t.attribute == attr.id),
                    ) {
                        (Some(now), Some(last)) => {
                            now.abs_diff(last.value) >= u128::from(sub.min_change)
                        }
                        _ => true,
                    };
                sub.dirty |= significant;
            }
        }
    }

    /// When [`Dispatcher::poll_report`] next has something to send, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.subs
            .iter()
            .filter_map(|s| {
                if s.events && self.log.has_from(s.next_event) {
                    Some(self.now)
                } else {
                    s.deadline()
                }
            })
            .min()
    }

    /// Advances the dispatcher's clock to `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = self.now.max(now);
    }

    /// Writes the next due report or event into `buf`, if any. Call until
    /// it returns `None` after every request and timeout.
    pub fn poll_report(&mut self, buf: &mut [u8]) -> Result<Option<Outgoing>, InteractionError> {
        let now = self.now;
        for k in 0..self.subs.len() {
            if self.subs[k].events {
                while let Some((seq, len)) = self.log.first_from(self.subs[k].next_event, buf) {
                    self.subs[k].next_event = seq + 1;
                    if let Some(len) = len {
                        return Ok(Some(Outgoing {
                            session: self.subs[k].session,
                            len,
                        }));
                    }
                    // Larger than the caller's buffer: skipped, seen as a gap.
                }
            }
            if self.subs[k].due(now) {
                return self.write_report(k, now, buf).map(Some);
            }
        }
        Ok(None)
    }

    fn write_report(
        &mut self,
        k: usize,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Outgoing, InteractionError> {
        let sub = &self.subs[k];
        let selection = Selection {
            capability: sub.capability,
            attributes: Seq::from_slice(&sub.attributes),
            wildcard: Access::NOTIFY,
        };
        let mut pos = sub.resume.unwrap_or_default();
        let start = pos;
        let mut cur = Cursor::new(buf);
        let mark = cur
            .put(&REPORT_TYPE)
            .and_then(|_| cur.put(&sub.id))
            .and_then(|_| cur.open())
            .map_err(|_| InteractionError::BufferTooSmall)?;
        // A handler failing on a named attribute ends the report early.
        let done = write_records(
            &mut cur,
            &self.endpoints[sub.endpoint],
            &selection,
            &mut pos,
        )
        .unwrap_or(true);
        cur.close(mark);
        let len = cur.pos;
        let session = sub.session;
        if !done && pos == start {
            // Not even one value fits: report nothing rather than loop.
            self.finish_report(k, now);
            return Err(InteractionError::BufferTooSmall);
        }
        if done {
            self.finish_report(k, now);
        } else {
            self.subs[k].resume = Some(pos);
        }
        Ok(Outgoing { session, len })
    }

    /// Resets a subscription's timers and remembers the numeric values it
    /// reported, for the reportable change.
    fn finish_report(&mut self, k: usize, now: Instant) {
        let sub = &mut self.subs[k];
        sub.resume = None;
        sub.prime = false;
        sub.dirty = false;
        sub.last_report = now;
        if sub.min_change == 0 {
            return;
        }
        sub.tracked.clear();
        for (i, inst) in self.endpoints[sub.endpoint].instances.iter().enumerate() {
            for attr in inst.attributes() {
                if !attr.access.contains(Access::NOTIFY) || !sub.covers(inst.capability.id, attr.id)
                {
                    continue;
                }
                if let Some(value) = inst.handler.read(attr.id).ok().and_then(|v| v.as_i128()) {
                    let t = Tracked {
                        instance: i as u8,
                        attribute: attr.id,
                        value,
                    };
                    // Beyond the table, changes are always reported.
                    let _ = sub.tracked.push(t);
                }
            }
        }
    }

    /// Records an event: checks it against the descriptor, numbers it and
    /// queues it for every subscription that asked for events. Returns its
    /// sequence number.
    pub fn emit_event(
        &mut self,
        endpoint: EndpointId,
        capability: CapabilityId,
        event: EventId,
        fields: &[Field<'_>],
        timestamp_ms: Option<u64>,
    ) -> Result<u64, InteractionError> {
        let (e, i) = self.locate(endpoint, capability)?;
        let desc = self.endpoints[e].instances[i]
            .event(event)
            .ok_or(DescriptorError::UnknownEvent)?;
        validate::check_fields(&desc.fields, &Seq::from_slice(fields))?;
        let mut message = Event {
            endpoint,
            capability,
            event,
            sequence: self.counter.peek(),
            priority: desc.priority,
            timestamp_ms,
            fields: Seq::from_slice(fields),
        };
        if Message::Event(message).encoded_len() > MAX_EVENT_LEN {
            return Err(InteractionError::EventTooLarge);
        }
        message.sequence = self.counter.take()?;
        let mut bytes = [0u8; MAX_EVENT_LEN + 1];
        let n = Message::Event(message)
            .to_slice(&mut bytes)
            .map_err(|_| InteractionError::EventTooLarge)?
            .len();
        self.log.push(message.sequence, &bytes[..n])?;
        Ok(message.sequence)
    }
}
