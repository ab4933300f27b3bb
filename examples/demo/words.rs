//! The transcript's words: phone and appliance events, values and fields
//! named as the appliance's descriptor describes them.

use core::hash::Hash;
use std::collections::HashMap;
use std::sync::Arc;

use applink::descriptor::{Capability, FieldDesc, OwnedDescriptor, Type};
use applink::message::{AttributeId, CapabilityId, CommandId, EndpointId, FieldId, Seq};
use applink::node::owned::OwnedValue;
use applink::node::{Event, PhoneEvent, Rejections, Reply, RequestId};

/// What the transcript knows beyond the frames: the descriptor, once
/// fetched, and the command of each invoke request (by the phone's
/// address `A`).
pub struct Words<A> {
    /// The appliance's descriptor, once a phone fetched it.
    pub descriptor: Option<Arc<OwnedDescriptor>>,
    /// The command each invoke request names, to name its response.
    pub invokes: HashMap<(A, RequestId), (EndpointId, CapabilityId, CommandId)>,
}

impl<A> Default for Words<A> {
    fn default() -> Self {
        Words {
            descriptor: None,
            invokes: HashMap::new(),
        }
    }
}

impl<A: Eq + Hash> Words<A> {
    /// One phone event, in words.
    pub fn phone_event(&self, addr: A, e: &PhoneEvent) -> String {
        match e {
            PhoneEvent::Hello(a) => format!(
                "accepted: device {}, descriptor hash {:?}, frames up to {} B",
                String::from_utf8_lossy(&a.device_id.0),
                a.descriptor_hash,
                a.max_frame
            ),
            PhoneEvent::Paired { .. } => "paired and stored: the session is up".into(),
            PhoneEvent::Resumed { .. } => "resumed: the session is up".into(),
            PhoneEvent::HandshakeFailed(e) => format!("handshake failed: {e}"),
            PhoneEvent::PairingAdded { admin, .. } => {
                format!("told: another phone paired (admin: {admin})")
            }
            PhoneEvent::Reply { id, result } => match result {
                Ok(Reply::Descriptor(d)) => format!(
                    "the last chunk: {} bytes, hash {:?} verified",
                    d.as_bytes().len(),
                    d.hash()
                ),
                Ok(Reply::Values(records)) => {
                    let values: usize = records.iter().map(|r| r.values.len()).sum();
                    format!("{} records, {values} values", records.len())
                }
                Ok(Reply::Written { data_version }) => {
                    format!("written, data version {data_version}")
                }
                Ok(Reply::Invoked(i)) => match self.invokes.get(&(addr, *id)) {
                    Some(&(endpoint, capability, command)) if !i.fields.is_empty() => {
                        let response = self.fields(
                            (endpoint, capability),
                            |c| c.command(command).map(|c| c.response),
                            &i.fields,
                        );
                        format!("{:?}, response {response}", i.status)
                    }
                    _ => format!("{:?}", i.status),
                },
                Ok(Reply::Subscribed {
                    subscription,
                    max_interval_ms,
                }) => format!(
                    "subscription #{subscription}, heartbeat at least every {} s",
                    max_interval_ms / 1000
                ),
                Ok(other) => format!("{other:?}"),
                Err(e) => format!("{e}"),
            },
            PhoneEvent::Report {
                subscription,
                records,
            } => {
                let values: Vec<String> = records
                    .iter()
                    .flat_map(|r| {
                        r.values
                            .iter()
                            .map(move |(a, v)| self.show(r.endpoint, r.capability, *a, v))
                    })
                    .collect();
                format!("#{subscription}: {}", values.join(", "))
            }
            PhoneEvent::Event { event, missed } => {
                let at = (event.endpoint, event.capability);
                let names = self
                    .descriptor
                    .as_ref()
                    .and_then(|d| d.device().capability(at.0, at.1))
                    .and_then(|c| c.event(event.event).map(|e| (c.name, e.name)))
                    .unwrap_or(("?", "?"));
                let fields = self.fields(
                    at,
                    |c| c.event(event.event).map(|e| e.fields),
                    &event.fields,
                );
                format!(
                    "#{} {}.{} {fields} (missed before it: {missed})",
                    event.sequence, names.0, names.1
                )
            }
            PhoneEvent::SessionEnded(e) => format!("session ended: {e}"),
        }
    }

    /// A value with its attribute's name, enumeration names and unit.
    pub fn show(
        &self,
        endpoint: EndpointId,
        capability: CapabilityId,
        attribute: AttributeId,
        value: &OwnedValue,
    ) -> String {
        let cap = self
            .descriptor
            .as_ref()
            .and_then(|d| d.device().capability(endpoint, capability));
        match cap.and_then(|c| c.attribute(attribute).map(|a| (c.name, a))) {
            Some((cap, attr)) => format!("{cap}.{} = {}", attr.name, render(attr.ty, value)),
            None => format!("{attribute:?} = {value:?}"),
        }
    }

    /// A command's response or an event's fields, named as described.
    fn fields(
        &self,
        at: (EndpointId, CapabilityId),
        pick: impl Fn(Capability<'_>) -> Option<Seq<'_, FieldDesc<'_>>>,
        fields: &[(FieldId, OwnedValue)],
    ) -> String {
        let descs = self
            .descriptor
            .as_ref()
            .and_then(|d| d.device().capability(at.0, at.1).and_then(&pick));
        let shown: Vec<String> = fields
            .iter()
            .map(
                |(id, v)| match descs.and_then(|d| d.iter().find(|f| f.id == *id)) {
                    Some(f) => format!("{} = {}", f.name, render(f.ty, v)),
                    None => format!("{id:?} = {v:?}"),
                },
            )
            .collect();
        format!("[{}]", shown.join(", "))
    }
}

/// A value, with its type's enumeration names and unit.
fn render(ty: Type<'_>, value: &OwnedValue) -> String {
    match (ty, value) {
        (Type::Enum { values }, OwnedValue::Enum(v)) => values
            .iter()
            .find(|n| n.value == *v)
            .map_or(format!("{v}"), |n| n.name.to_string()),
        (Type::Int(t), v) if v.as_i64().is_some() => {
            let raw = v.as_i64().unwrap_or_default();
            let unit = t.unit.symbol();
            let sep = if unit.is_empty() { "" } else { " " };
            format!("{}{sep}{unit}", raw as f64 * 10f64.powi(t.scale.into()))
        }
        (_, OwnedValue::Str(s)) => format!("{s:?}"),
        (_, OwnedValue::Bool(b)) => format!("{b}"),
        (_, OwnedValue::Null) => "null".into(),
        (_, OwnedValue::List(items)) => {
            let items: Vec<String> = items
                .iter()
                .map(|v| match v {
                    OwnedValue::Str(s) => format!("{s:?}"),
                    v => format!("{v:?}"),
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
        (_, v) => format!("{v:?}"),
    }
}

/// One appliance event, in words.
pub fn appliance_event(e: &Event) -> String {
    match e {
        Event::Paired { admin, session, .. } => {
            format!("paired (admin: {admin}), session {session:#06x}")
        }
        Event::Resumed { session, .. } => format!("resumed, session {session:#06x}"),
        Event::PairingFailed(e) => format!("attempt failed: {e}"),
        Event::WindowOpened { seconds, .. } => {
            format!("an admin opened a {seconds} s window for a one-time code")
        }
        Event::PairingRemoved { .. } => "an admin removed a pairing".into(),
        Event::RoleChanged { admin, .. } => format!("a role changed (admin: {admin})"),
        Event::SessionEnded {
            session, reason, ..
        } => format!("session {session:#06x} ended: {reason:?}"),
    }
}

/// What the appliance did with a frame, from the events it raised and
/// its rejection counters before and after.
pub fn appliance_outcome(
    before: Rejections,
    after: Rejections,
    events: &[Event],
    what: &str,
) -> String {
    let mut notes: Vec<String> = events.iter().map(appliance_event).collect();
    let counted = [
        (
            after.duplicates - before.duplicates,
            "a retransmission: the cached reply goes again, the handler does not run twice",
        ),
        (
            after.handshake_duplicates - before.handshake_duplicates,
            "a copy of a frame already handled (handshake cache)",
        ),
        (
            after.replay - before.replay,
            "refused: a replayed counter, nothing runs",
        ),
        (
            after.authentication - before.authentication,
            "refused: does not authenticate",
        ),
        (
            after.unknown_session - before.unknown_session,
            "refused: unknown session",
        ),
        (after.handshake - before.handshake, REFUSED_HANDSHAKE),
        (
            after.needs_pairing - before.needs_pairing,
            "refused: pair first",
        ),
        (after.malformed - before.malformed, "refused: malformed"),
        (after.unexpected - before.unexpected, "refused: unexpected"),
        (after.stale - before.stale, "dropped: stale"),
        (after.busy - before.busy, "refused: busy"),
        (
            after.resume_backoff - before.resume_backoff,
            "dropped unexamined: this address failed a resumption under 1 s ago",
        ),
        (
            after.resume_mac - before.resume_mac,
            "refused after one hash: its mac is not keyed by this appliance",
        ),
        (
            after.admin_refused - before.admin_refused,
            "refused: not an admin, or the change is not allowed",
        ),
    ];
    // A failed attempt is also counted as a refused handshake frame:
    // its event says more.
    let attempt_failed = !notes.is_empty();
    notes.extend(
        counted
            .iter()
            .filter(|(n, s)| *n > 0 && !(attempt_failed && *s == REFUSED_HANDSHAKE))
            .map(|(_, s)| (*s).to_string()),
    );
    if notes.is_empty() {
        notes.push(if what.ends_with("Ack") {
            "acknowledged: not sent again".into()
        } else {
            "handled".into()
        });
    }
    notes.join("; ")
}

const REFUSED_HANDSHAKE: &str = "refused by the handshake machine";
