//! `water_leak_detection` (0x0019): whether water is detected.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0019);
/// `leak` (bool, read / notify).
pub const STATE: AttributeId = AttributeId(0);
/// `changed(state)`: emitted on every change of `leak`.
pub const CHANGED: EventId = EventId(0);

const ATTRIBUTES: [Attribute<'static>; 1] =
    [Attribute::new(STATE.0, "leak", Type::Bool, Access::RN)];
const FIELDS: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "leak", Type::Bool)];
const EVENTS: [EventDesc<'static>; 1] = [EventDesc::new(
    CHANGED.0,
    "changed",
    Priority::Critical,
    &FIELDS,
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "water_leak_detection", 1, &ATTRIBUTES, &[], &EVENTS);
