//! The appliance-side dispatcher: requests in, reply payloads out.

use serde::ser::{Serialize, SerializeTuple, Serializer};

use crate::catalog::device_types;
use crate::descriptor::compact::EntryOf;
use crate::descriptor::{
    self, Access, Attribute, Capability, Command, DescriptorError, DeviceInfo, DeviceTypeRef,
    Element, EventDesc, Expanded, Present, Privilege, validate,
};
use crate::message::{
    AttributeId, CapabilityId, CommandId, DescriptorHash, EndpointId, EventId, Invoke, InvokeReply,
    Message, Read, Seq, Status, StatusReport, Write, WriteReply,
};
use crate::time::Instant;

use super::events::{EventCounter, EventLog, SequenceStore};
use super::subscriptions::Subscription;
use super::writer::{Cursor, Position, Selection, write_records};
use super::{Context, Handler, InteractionError, Peer, Response};

/// The message type of [`Message::Descriptor`].
const DESCRIPTOR_TYPE: u32 = 8;
/// The message type of [`Message::ReadReply`].
const READ_REPLY_TYPE: u32 = 10;

/// A capability instance: its descriptor entry, the optional elements it
/// has, and the handler behind it, registered together so they cannot
/// drift apart.
pub struct Instance<'a> {
    pub(crate) capability: &'a Capability<'a>,
    present: Present,
    /// An element named optional that cannot be (an id beyond 63).
    stray: Option<Element>,
    pub(crate) handler: &'a mut dyn Handler,
    pub(crate) data_version: u32,
}

impl<'a> Instance<'a> {
    /// Registers `handler` as the implementation of `capability`, with the
    /// capability's mandatory elements and those of the feature bits it
    /// implements; name the optional elements it has with
    /// [`with_attributes`](Self::with_attributes),
    /// [`with_commands`](Self::with_commands) and
    /// [`with_events`](Self::with_events). [`Dispatcher::new`] checks that
    /// the handler serves every element advertised.
    pub fn new(capability: &'a Capability<'a>, handler: &'a mut dyn Handler) -> Self {
        Instance {
            capability,
            present: Present::NONE,
            stray: None,
            handler,
            data_version: 0,
        }
    }

    fn mark(&mut self, id: u16, element: Element) -> u64 {
        match 1u64.checked_shl(u32::from(id)) {
            Some(bit) => bit,
            None => {
                self.stray.get_or_insert(element);
                0
            }
        }
    }

    /// The same instance, also having these optional attributes.
    pub fn with_attributes(mut self, ids: &[AttributeId]) -> Self {
        for &id in ids {
            self.present.attributes |= self.mark(id.0, Element::Attribute(id));
        }
        self
    }

    /// The same instance, also having these optional commands.
    pub fn with_commands(mut self, ids: &[CommandId]) -> Self {
        for &id in ids {
            self.present.commands |= self.mark(id.0, Element::Command(id));
        }
        self
    }

    /// The same instance, also having these optional events.
    pub fn with_events(mut self, ids: &[EventId]) -> Self {
        for &id in ids {
            self.present.events |= self.mark(id.0, Element::Event(id));
        }
        self
    }

    /// The same instance, having the optional elements `present` names.
    pub fn with_present(mut self, present: Present) -> Self {
        self.present = present;
        self
    }

    /// The same instance, having every optional element of its capability.
    pub fn with_all_optional(mut self) -> Self {
        self.present = Present::all_of(self.capability);
        self
    }

    /// The descriptor entry (every element the catalog defines).
    pub fn capability(&self) -> &Capability<'a> {
        self.capability
    }

    /// The capability as this instance has it.
    pub fn expanded(&self) -> Expanded<'_, 'a> {
        Expanded::new(self.capability, self.present)
    }

    /// The attribute `id`, if this instance has it.
    pub fn attribute(&self, id: AttributeId) -> Option<Attribute<'a>> {
        self.attributes().find(|a| a.id == id)
    }

    /// The attributes this instance has, in id order.
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + '_ {
        let (features, present) = (self.capability.features, self.present.attributes);
        self.capability
            .attributes
            .iter()
            .filter(move |a| a.conformance.present(a.id.0, features, present))
    }

    /// The command `id`, if this instance has it.
    pub fn command(&self, id: CommandId) -> Option<Command<'a>> {
        let (features, present) = (self.capability.features, self.present.commands);
        self.capability
            .commands
            .iter()
            .find(|c| c.id == id && c.conformance.present(id.0, features, present))
    }

    /// The event `id`, if this instance has it.
    pub fn event(&self, id: EventId) -> Option<EventDesc<'a>> {
        let (features, present) = (self.capability.features, self.present.events);
        self.capability
            .events
            .iter()
            .find(|e| e.id == id && e.conformance.present(id.0, features, present))
    }

    /// Checks the instance's configuration: only optional elements named
    /// optional, and the handler serving every element advertised.
    fn check(&self, endpoint: EndpointId) -> Result<(), DescriptorError> {
        let capability = self.capability.id;
        if let Some(element) = self.stray {
            return Err(DescriptorError::NotOptional {
                capability,
                element,
            });
        }
        self.expanded().check()?;
        let (features, present) = (self.capability.features, self.present);
        let readable = self
            .attributes()
            .filter(|a| a.access.contains(Access::READ))
            .map(|a| Element::Attribute(a.id));
        let commands = self
            .capability
            .commands
            .iter()
            .filter(|c| c.conformance.present(c.id.0, features, present.commands))
            .map(|c| Element::Command(c.id));
        let events = self
            .capability
            .events
            .iter()
            .filter(|e| e.conformance.present(e.id.0, features, present.events))
            .map(|e| Element::Event(e.id));
        match readable
            .chain(commands)
            .chain(events)
            .find(|&el| !self.handler.serves(el))
        {
            Some(element) => Err(DescriptorError::NotServed {
                endpoint: endpoint.0,
                capability,
                element,
            }),
            None => Ok(()),
        }
    }

    /// The current data version.
    pub fn data_version(&self) -> u32 {
        self.data_version
    }
}

/// An endpoint: its id, device types and capability instances (in
/// increasing capability id order).
pub struct EndpointEntry<'a> {
    pub(crate) id: EndpointId,
    pub(crate) device_types: &'a [DeviceTypeRef],
    pub(crate) instances: &'a mut [Instance<'a>],
}

impl<'a> EndpointEntry<'a> {
    /// An endpoint.
    pub fn new(
        id: u16,
        device_types: &'a [DeviceTypeRef],
        instances: &'a mut [Instance<'a>],
    ) -> Self {
        EndpointEntry {
            id: EndpointId(id),
            device_types,
            instances,
        }
    }
}

impl Serialize for Instance<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        EntryOf(self.expanded()).serialize(s)
    }
}

impl Serialize for EndpointEntry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(3)?;
        t.serialize_element(&self.id)?;
        t.serialize_element(&Seq::from_slice(self.device_types))?;
        t.serialize_element(&Seq::from_slice(&*self.instances))?;
        t.end()
    }
}

/// The registered endpoints seen as a [`Compact`](crate::descriptor::Compact)
/// descriptor: encodes to exactly the bytes of the equivalent `Compact`
/// value.
struct View<'x, 'a>(&'x DeviceInfo, &'x [EndpointEntry<'a>]);

impl Serialize for View<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(self.0)?;
        t.serialize_element(&Seq::from_slice(self.1))?;
        t.end()
    }
}

/// The appliance side of the interaction model.
///
/// `SUBS` bounds the subscription table; `EVENTS` is the event log's size
/// in bytes. The descriptor is the registered [`EndpointEntry`]s plus
/// `info`; it is encoded on demand from flash, never copied to RAM.
pub struct Dispatcher<'a, S, const SUBS: usize, const EVENTS: usize> {
    info: DeviceInfo,
    pub(crate) endpoints: &'a mut [EndpointEntry<'a>],
    hash: DescriptorHash,
    descriptor_len: u32,
    pub(crate) subs: heapless::Vec<Subscription, SUBS>,
    pub(crate) next_subscription: u16,
    pub(crate) counter: EventCounter<S>,
    pub(crate) log: EventLog<EVENTS>,
    pub(crate) now: Instant,
}

/// Most capabilities any standard device type requires.
const MAX_REQUIRED: usize = 4;

/// One standard device type's requirements, as the check needs them.
#[derive(Clone, Copy)]
struct Required {
    device_type: u16,
    /// Standard capability ids (which fit 16 bits), 0 for an unused slot.
    capabilities: [u16; MAX_REQUIRED],
}

/// `catalog::device_types::ALL` cut down at compile time to ids and
/// required capabilities, so the check links neither the names nor the
/// optional lists (about 1.4 KB of flash saved).
const REQUIRED: [Required; device_types::ALL.len()] = {
    let mut table = [Required {
        device_type: 0,
        capabilities: [0; MAX_REQUIRED],
    }; device_types::ALL.len()];
    let mut i = 0;
    while i < table.len() {
        let t = device_types::ALL[i];
        assert!(t.required.len() <= MAX_REQUIRED, "raise MAX_REQUIRED");
        let mut j = 0;
        while j < t.required.len() {
            assert!(t.required[j].is_standard(), "a standard capability id");
            table[i].capabilities[j] = t.required[j].0 as u16;
            j += 1;
        }
        table[i].device_type = t.id;
        i += 1;
    }
    table
};

/// Checks that `ep` carries every capability its standard device types
/// require; device type ids the catalog does not define pass.
fn check_device_types(ep: &EndpointEntry<'_>) -> Result<(), DescriptorError> {
    for declared in ep.device_types {
        let Some(required) = REQUIRED.iter().find(|r| r.device_type == declared.id) else {
            continue;
        };
        let has = |id: CapabilityId| ep.instances.iter().any(|inst| inst.capability.id == id);
        let missing = required
            .capabilities
            .iter()
            .map(|&id| CapabilityId(u32::from(id)))
            .find(|&id| id.0 != 0 && !has(id));
        if let Some(capability) = missing {
            return Err(DescriptorError::MissingCapability {
                endpoint: ep.id.0,
                device_type: declared.id,
                capability,
            });
        }
    }
    Ok(())
}

/// Sends `message` through `emit`.
pub(crate) fn send(
    message: &Message<'_>,
    buf: &mut [u8],
    emit: &mut dyn FnMut(&[u8]),
) -> Result<(), InteractionError> {
    let n = message
        .to_slice(buf)
        .map_err(|_| InteractionError::BufferTooSmall)?
        .len();
    emit(&buf[..n]);
    Ok(())
}

/// Sends a [`StatusReport`].
pub(crate) fn send_status(
    status: Status,
    buf: &mut [u8],
    emit: &mut dyn FnMut(&[u8]),
) -> Result<(), InteractionError> {
    send(&Message::Status(StatusReport { status }), buf, emit)
}

impl<'a, S: SequenceStore, const SUBS: usize, const EVENTS: usize> Dispatcher<'a, S, SUBS, EVENTS> {
    /// A dispatcher for a device. Checks the registered descriptor (ids
    /// increasing, every entry well-formed, every endpoint carrying the
    /// capabilities its standard device types require) and computes its
    /// hash. A device type id the catalog does not define (a vendor's, or
    /// a newer standard's) is not checked.
    /// `data_version_seed` (random, from the caller) starts every data
    /// version, so versions from before a reboot are not reused.
    pub fn new(
        info: DeviceInfo,
        endpoints: &'a mut [EndpointEntry<'a>],
        counter: EventCounter<S>,
        data_version_seed: u32,
    ) -> Result<Self, InteractionError> {
        let mut prev: Option<EndpointId> = None;
        for ep in endpoints.iter_mut() {
            if prev.is_some_and(|p| p >= ep.id) || ep.id == EndpointId::RESERVED {
                return Err(DescriptorError::Invalid {
                    what: "endpoint ids not increasing",
                }
                .into());
            }
            prev = Some(ep.id);
            let mut prev_cap: Option<CapabilityId> = None;
            for inst in ep.instances.iter_mut() {
                if prev_cap.is_some_and(|p| p >= inst.capability.id) {
                    return Err(DescriptorError::Invalid {
                        what: "capability ids not increasing",
                    }
                    .into());
                }
                prev_cap = Some(inst.capability.id);
                validate::check_capability(inst.capability)?;
                inst.check(ep.id)?;
                inst.data_version = data_version_seed;
            }
            check_device_types(ep)?;
        }
        let view = View(&info, endpoints);
        let hash = descriptor::hash_of(&view)?;
        let descriptor_len = u32::try_from(descriptor::encoded_len(&view)).map_err(|_| {
            DescriptorError::Invalid {
                what: "descriptor too large",
            }
        })?;
        Ok(Dispatcher {
            info,
            endpoints,
            hash,
            descriptor_len,
            subs: heapless::Vec::new(),
            next_subscription: 1,
            counter,
            log: EventLog::new(),
            now: Instant::ZERO,
        })
    }

    /// The descriptor's fingerprint, for `HelloAccept`.
    pub fn descriptor_hash(&self) -> DescriptorHash {
        self.hash
    }

    /// The encoded descriptor's length.
    pub fn descriptor_len(&self) -> usize {
        self.descriptor_len as usize
    }

    /// Encodes bytes `[offset, offset + out.len())` of the descriptor into
    /// `out`, returning how many were written.
    pub fn write_descriptor(&self, offset: usize, out: &mut [u8]) -> usize {
        descriptor::encode_range(&View(&self.info, self.endpoints), offset, out)
            .map_or(0, |(_, n)| n)
    }

    /// The data version of a capability instance.
    pub fn data_version(&self, endpoint: EndpointId, capability: CapabilityId) -> Option<u32> {
        let (e, i) = self.locate(endpoint, capability).ok()?;
        Some(self.endpoints[e].instances[i].data_version)
    }

    pub(crate) fn locate(
        &self,
        endpoint: EndpointId,
        capability: CapabilityId,
    ) -> Result<(usize, usize), DescriptorError> {
        let e = self.endpoint_index(endpoint)?;
        let i = self.endpoints[e]
            .instances
            .iter()
            .position(|inst| inst.capability.id == capability)
            .ok_or(DescriptorError::UnknownCapability)?;
        Ok((e, i))
    }

    pub(crate) fn endpoint_index(&self, endpoint: EndpointId) -> Result<usize, DescriptorError> {
        self.endpoints
            .iter()
            .position(|ep| ep.id == endpoint)
            .ok_or(DescriptorError::UnknownEndpoint)
    }

    /// Serves one request. Each reply payload (an encoded [`Message`]) is
    /// written into `buf` and handed to `emit`; a Read whose answer does
    /// not fit `buf` yields several `ReadReply` chunks. `buf` should be the
    /// negotiated frame size less the frame overhead.
    ///
    /// Returns an error only when nothing can be answered: the message is
    /// not an interaction request, or `buf` cannot hold the smallest reply.
    pub fn handle(
        &mut self,
        request: &Message<'_>,
        peer: Peer,
        now: Instant,
        buf: &mut [u8],
        emit: &mut dyn FnMut(&[u8]),
    ) -> Result<(), InteractionError> {
        self.now = now;
        match request {
            Message::Describe(d) => {
                let view = View(&self.info, self.endpoints);
                self.describe(&view, self.descriptor_len, d.offset, buf, emit)
            }
            Message::DescribeCapability(d) => match self.locate(d.endpoint, d.capability) {
                Ok((e, i)) => {
                    let instance = self.endpoints[e].instances[i].expanded();
                    // A definition is far below 4 GiB.
                    let len = descriptor::encoded_len(&instance) as u32;
                    self.describe(&instance, len, d.offset, buf, emit)
                }
                Err(err) => send_status(err.status(), buf, emit),
            },
            Message::Read(r) => self.read(r, peer.privilege, buf, emit),
            Message::Write(w) => match self.write(w, peer.privilege, now) {
                Ok(data_version) => {
                    send(&Message::WriteReply(WriteReply { data_version }), buf, emit)
                }
                Err(status) => send_status(status, buf, emit),
            },
            Message::Invoke(i) => self.invoke(i, peer.privilege, now, buf, emit),
            Message::Batch(b) => self.batch(b, peer.privilege, now, buf, emit),
            Message::Subscribe(s) => match self.subscribe(s, peer, now) {
                Ok(reply) => send(&Message::SubscribeReply(reply), buf, emit),
                Err(status) => send_status(status, buf, emit),
            },
            Message::Unsubscribe(u) => {
                let status = self.unsubscribe(u.subscription, peer.session);
                send_status(status, buf, emit)
            }
            other => Err(InteractionError::NotARequest(other.message_type())),
        }
    }

    /// Answers with the chunk of `value`'s encoding (`total` bytes) from
    /// `offset`: the descriptor, or one capability's definition.
    fn describe<T: Serialize>(
        &self,
        value: &T,
        total: u32,
        offset: u32,
        buf: &mut [u8],
        emit: &mut dyn FnMut(&[u8]),
    ) -> Result<(), InteractionError> {
        if offset > total {
            return send_status(Status::CONSTRAINT_ERROR, buf, emit);
        }
        let remaining = (total - offset) as usize;
        let mut cur = Cursor::new(buf);
        let head = cur
            .put(&DESCRIPTOR_TYPE)
            .and_then(|_| cur.put(&self.hash))
            .and_then(|_| cur.put(&total))
            .and_then(|_| cur.put(&offset));
        // The most data that fits with its own length prefix (a varint of
        // 1 to 3 bytes below 2 MiB).
        let avail = cur.limit.saturating_sub(cur.pos);
        let room = (1..=3)
            .rev()
            .map(|prefix| avail.saturating_sub(prefix).min((1 << (7 * prefix)) - 1))
            .max()
            .unwrap_or(0);
        if head.is_err() || (room == 0 && remaining > 0) {
            return Err(InteractionError::BufferTooSmall);
        }
        let n = remaining.min(room);
        cur.put(&(n as u32))
            .map_err(|_| InteractionError::BufferTooSmall)?;
        let start = cur.pos;
        let written =
            descriptor::encode_range(value, offset as usize, &mut cur.buf[start..start + n])
                .map_or(0, |(_, n)| n);
        let end = start + written;
        emit(&cur.buf[..end]);
        Ok(())
    }

    fn read(
        &self,
        r: &Read<'_>,
        privilege: Privilege,
        buf: &mut [u8],
        emit: &mut dyn FnMut(&[u8]),
    ) -> Result<(), InteractionError> {
        let e = match self.check_read(r, privilege) {
            Ok(e) => e,
            Err(err) => return send_status(err.status(), buf, emit),
        };
        let selection = Selection {
            capability: r.capability,
            attributes: r.attributes,
            wildcard: Access::READ,
        };
        let mut pos = Position::default();
        loop {
            let before = pos;
            let mut cur = Cursor::new(buf);
            cur.limit = cur.limit.saturating_sub(1); // the `more` flag
            let opened = cur.put(&READ_REPLY_TYPE).and_then(|_| cur.open());
            let Ok(mark) = opened else {
                return Err(InteractionError::BufferTooSmall);
            };
            let done = match write_records(&mut cur, &self.endpoints[e], &selection, &mut pos) {
                Ok(done) => done,
                Err(status) => return send_status(status, buf, emit),
            };
            if !done && pos == before {
                return send_status(Status::RESOURCE_EXHAUSTED, buf, emit);
            }
            cur.close(mark);
            cur.limit += 1;
            cur.put(&!done)
                .map_err(|_| InteractionError::BufferTooSmall)?;
            let n = cur.pos;
            emit(&buf[..n]);
            if done {
                return Ok(());
            }
        }
    }

    /// Checks a read before any value is produced; returns the endpoint.
    fn check_read(&self, r: &Read<'_>, privilege: Privilege) -> Result<usize, DescriptorError> {
        if privilege == Privilege::Unauthenticated {
            return Err(DescriptorError::NeedsPairing);
        }
        let e = self.endpoint_index(r.endpoint)?;
        let Some(cap) = r.capability else {
            return Ok(e);
        };
        let (_, i) = self.locate(r.endpoint, cap)?;
        let instance = &self.endpoints[e].instances[i];
        for id in r.attributes.iter() {
            if id == AttributeId::REVISION || id == AttributeId::FEATURES {
                continue;
            }
            let attr = instance
                .attribute(id)
                .ok_or(DescriptorError::UnknownAttribute)?;
            validate::check_read(&attr, privilege)?;
        }
        Ok(e)
    }

    pub(crate) fn write(
        &mut self,
        w: &Write<'_>,
        privilege: Privilege,
        now: Instant,
    ) -> Result<u32, Status> {
        if privilege == Privilege::Unauthenticated {
            return Err(Status::NEEDS_PAIRING);
        }
        let (e, i) = self.locate(w.endpoint, w.capability)?;
        let inst = &mut self.endpoints[e].instances[i];
        if w.data_version.is_some_and(|v| v != inst.data_version) {
            return Err(Status::DATA_VERSION_MISMATCH);
        }
        for (k, av) in w.values.iter().enumerate() {
            let attr = inst
                .attribute(av.attribute)
                .ok_or(DescriptorError::UnknownAttribute)?;
            validate::check_write(&attr, privilege, &av.value)?;
            if w.values
                .iter()
                .skip(k + 1)
                .any(|o| o.attribute == av.attribute)
            {
                return Err(DescriptorError::DuplicateField.status());
            }
        }
        let mut cx = Context::new(now);
        let mut result = Ok(());
        for av in w.values.iter() {
            match inst.handler.write(av.attribute, &av.value, &mut cx) {
                Ok(()) => cx.changed(av.attribute),
                Err(status) => {
                    result = Err(status);
                    break;
                }
            }
        }
        self.apply_changes(e, i, &cx);
        result.map(|()| self.endpoints[e].instances[i].data_version)
    }

    fn invoke(
        &mut self,
        inv: &Invoke<'_>,
        privilege: Privilege,
        now: Instant,
        buf: &mut [u8],
        emit: &mut dyn FnMut(&[u8]),
    ) -> Result<(), InteractionError> {
        let mut response = Response::new();
        match self.run_invoke(inv, privilege, now, &mut response) {
            Ok(status) => {
                let reply = InvokeReply {
                    status,
                    fields: Seq::from_slice(&response),
                };
                send(&Message::InvokeReply(reply), buf, emit)
            }
            Err(status) => send_status(status, buf, emit),
        }
    }

    /// Checks and runs one invoke. `Err` is a refusal (nothing ran,
    /// answered with a `StatusReport`); `Ok` is the command's status, with
    /// its checked response fields in `response` (empty unless success).
    pub(crate) fn run_invoke(
        &mut self,
        inv: &Invoke<'_>,
        privilege: Privilege,
        now: Instant,
        response: &mut Response,
    ) -> Result<Status, Status> {
        response.clear();
        if privilege == Privilege::Unauthenticated {
            return Err(Status::NEEDS_PAIRING);
        }
        let (e, i, response_desc) = self
            .locate(inv.endpoint, inv.capability)
            .and_then(|(e, i)| {
                let cmd = self.endpoints[e].instances[i]
                    .command(inv.command)
                    .ok_or(DescriptorError::UnknownCommand)?;
                validate::check_invoke(&cmd, privilege, inv.timed_ms, &inv.args)?;
                Ok((e, i, cmd.response))
            })
            .map_err(|err| err.status())?;
        let mut cx = Context::new(now);
        let inst = &mut self.endpoints[e].instances[i];
        let outcome = inst
            .handler
            .invoke(inv.command, &inv.args, response, &mut cx);
        self.apply_changes(e, i, &cx);
        let status = match outcome {
            Ok(()) => match validate::check_fields(&response_desc, &Seq::from_slice(response)) {
                Ok(()) => Status::SUCCESS,
                Err(_) => Status::FAILURE,
            },
            Err(status) => status,
        };
        if !status.is_success() {
            response.clear();
        }
        Ok(status)
    }

    /// Bumps the instance's data version if anything changed and tells the
    /// subscriptions.
    fn apply_changes(&mut self, e: usize, i: usize, cx: &Context) {
        if !cx.any_changed() {
            return;
        }
        let inst = &mut self.endpoints[e].instances[i];
        inst.data_version = inst.data_version.wrapping_add(1);
        self.mark_subscriptions(e, i, cx);
    }

    /// Tells the dispatcher that the firmware changed an attribute itself
    /// (a button press, a sensor reading): bumps the data version and
    /// schedules reports.
    pub fn attribute_changed(
        &mut self,
        endpoint: EndpointId,
        capability: CapabilityId,
        attribute: AttributeId,
        now: Instant,
    ) -> Result<(), DescriptorError> {
        let (e, i) = self.locate(endpoint, capability)?;
        self.endpoints[e].instances[i]
            .attribute(attribute)
            .ok_or(DescriptorError::UnknownAttribute)?;
        self.now = now;
        let mut cx = Context::new(now);
        cx.changed(attribute);
        self.apply_changes(e, i, &cx);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Bytes, DescriptorChunk, ReadReply};

    #[test]
    fn message_type_constants_match() {
        let chunk = DescriptorChunk {
            hash: Default::default(),
            total_len: 0,
            offset: 0,
            data: Bytes(&[]),
        };
        assert_eq!(Message::Descriptor(chunk).message_type(), DESCRIPTOR_TYPE);
        let reply = ReadReply {
            records: Seq::empty(),
            more: false,
        };
        assert_eq!(Message::ReadReply(reply).message_type(), READ_REPLY_TYPE);
    }

    /// Serves every attribute (with a null).
    struct Anything;
    impl Handler for Anything {
        fn read(&self, _: AttributeId) -> Result<crate::message::Value<'_>, Status> {
            Ok(crate::message::Value::Null)
        }
    }

    struct Nothing;
    impl Handler for Nothing {}

    /// Builds a dispatcher of one endpoint with `instance`.
    macro_rules! build_one {
        ($instance:expr) => {{
            let mut all = [$instance];
            let mut endpoints = [EndpointEntry::new(1, &[], &mut all)];
            let info = crate::descriptor::Device::EMPTY.info;
            let counter = EventCounter::new(crate::interaction::RamSequenceStore::default(), 16);
            Dispatcher::<_, 1, 64>::new(info, &mut endpoints, counter, 0).map(|_| ())
        }};
    }

    #[test]
    fn advertised_elements_must_be_optional_and_served() {
        use crate::catalog::{level_control, operational_state};
        let (mut a, mut b) = (Anything, Nothing);
        let cap = &level_control::CAPABILITY;
        build_one!(Instance::new(cap, &mut a).with_attributes(&[level_control::ON_LEVEL])).unwrap();
        assert_eq!(
            build_one!(Instance::new(cap, &mut a).with_attributes(&[level_control::LEVEL])),
            Err(InteractionError::Descriptor(DescriptorError::NotOptional {
                capability: level_control::ID,
                element: Element::Attribute(level_control::LEVEL),
            }))
        );
        assert_eq!(
            build_one!(Instance::new(cap, &mut a).with_commands(&[CommandId(70)])),
            Err(InteractionError::Descriptor(DescriptorError::NotOptional {
                capability: level_control::ID,
                element: Element::Command(CommandId(70)),
            }))
        );
        let err = build_one!(Instance::new(cap, &mut b)).unwrap_err();
        assert_eq!(
            err,
            InteractionError::Descriptor(DescriptorError::NotServed {
                endpoint: 1,
                capability: level_control::ID,
                element: Element::Attribute(level_control::LEVEL),
            })
        );
        assert_eq!(
            std::format!("{err}"),
            "descriptor: endpoint 1 capability 0x0005 advertises attribute 0 but its \
             handler does not serve it"
        );
        // A handler that says it lacks an advertised command.
        struct NoPause;
        impl Handler for NoPause {
            fn read(&self, _: AttributeId) -> Result<crate::message::Value<'_>, Status> {
                Ok(crate::message::Value::Null)
            }
            fn serves(&self, element: Element) -> bool {
                element != Element::Command(operational_state::pause::ID)
            }
        }
        let mut c = NoPause;
        let cap = &operational_state::CAPABILITY;
        build_one!(Instance::new(cap, &mut c)).unwrap();
        let mut c = NoPause;
        assert!(matches!(
            build_one!(Instance::new(cap, &mut c).with_all_optional()),
            Err(InteractionError::Descriptor(DescriptorError::NotServed {
                element: Element::Command(operational_state::pause::ID),
                ..
            }))
        ));
    }

    fn build(types: &[DeviceTypeRef], with_level: bool) -> Result<(), InteractionError> {
        use crate::catalog::{identify, level_control, on_off};
        use crate::interaction::RamSequenceStore;
        let (mut a, mut b, mut c) = (Anything, Anything, Anything);
        let mut all = [
            Instance::new(&identify::CAPABILITY, &mut a),
            Instance::new(&on_off::CAPABILITY, &mut b),
            Instance::new(&level_control::CAPABILITY, &mut c),
        ];
        let n = if with_level { 3 } else { 2 };
        let mut endpoints = [EndpointEntry::new(1, types, &mut all[..n])];
        let info = crate::descriptor::Device::EMPTY.info;
        let counter = EventCounter::new(RamSequenceStore::default(), 16);
        Dispatcher::<_, 1, 64>::new(info, &mut endpoints, counter, 0).map(|_| ())
    }

    #[test]
    fn endpoints_must_conform_to_their_standard_device_types() {
        use crate::catalog::{device_types, level_control};
        let dimmable = [device_types::DIMMABLE_LIGHT.reference()];
        let err = build(&dimmable, false).unwrap_err();
        assert_eq!(
            err,
            InteractionError::Descriptor(DescriptorError::MissingCapability {
                endpoint: 1,
                device_type: device_types::DIMMABLE_LIGHT.id,
                capability: level_control::ID,
            })
        );
        assert_eq!(err.status(), Status::FAILURE);
        assert_eq!(
            std::format!("{err}"),
            "descriptor: endpoint 1 declares device type 0x0101 but lacks its \
             required capability 0x0005"
        );
        build(&dimmable, true).unwrap();
        // level_control is optional for an on/off light.
        build(&[device_types::ON_OFF_LIGHT.reference()], false).unwrap();
        // Every declared type is checked.
        let both = [
            device_types::ON_OFF_LIGHT.reference(),
            device_types::DIMMABLE_LIGHT.reference(),
        ];
        assert!(build(&both, false).is_err());
        // A vendor's (or a future) device type is not checked.
        let vendor = [DeviceTypeRef {
            id: 0xFFF1,
            revision: 1,
        }];
        build(&vendor, false).unwrap();
        build(&[], false).unwrap();
    }
}
