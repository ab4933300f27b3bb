//! `occupancy_sensing` (0x0017): whether someone is present.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0017);
/// `occupied` (bool, read / notify).
pub const STATE: AttributeId = AttributeId(0);
/// `changed(state)`: emitted on every change of `occupied`.
pub const CHANGED: EventId = EventId(0);

const ATTRIBUTES: [Attribute<'static>; 1] =
    [Attribute::new(STATE.0, "occupied", Type::Bool, Access::RN)];
const FIELDS: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "occupied", Type::Bool)];
const EVENTS: [EventDesc<'static>; 1] = [EventDesc::new(
    CHANGED.0,
    "changed",
    Priority::Info,
    &FIELDS,
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "occupancy_sensing", 1, &ATTRIBUTES, &[], &EVENTS);
