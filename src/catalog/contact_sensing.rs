//! `contact_sensing` (0x0018): whether a door or window is closed (contact made).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0018);
/// `closed` (bool, read / notify).
pub const STATE: AttributeId = AttributeId(0);
/// `changed(state)`: emitted on every change of `closed`.
pub const CHANGED: EventId = EventId(0);

const ATTRIBUTES: [Attribute<'static>; 1] =
    [Attribute::new(STATE.0, "closed", Type::Bool, Access::RN)];
const FIELDS: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "closed", Type::Bool)];
const EVENTS: [EventDesc<'static>; 1] = [EventDesc::new(
    CHANGED.0,
    "changed",
    Priority::Info,
    &FIELDS,
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "contact_sensing", 1, &ATTRIBUTES, &[], &EVENTS);
