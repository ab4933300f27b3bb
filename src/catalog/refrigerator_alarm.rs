//! `refrigerator_alarm` (0x0026): door left open, temperature too high.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0026);
/// `active` (bitmap: door_open, temperature_high).
pub const ACTIVE: AttributeId = AttributeId(0);
/// `mask` (bitmap, writable): which alarms are enabled.
pub const MASK: AttributeId = AttributeId(1);
/// `alarm(active)` event.
pub const ALARM: EventId = EventId(0);

const BITS: [Named<'static>; 2] = [
    Named::new(0, "door_open"),
    Named::new(1, "temperature_high"),
];
const ALARMS: Type<'static> = Type::bitmap(&BITS);
const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(ACTIVE.0, "active", ALARMS, Access::RN),
    Attribute::new(MASK.0, "mask", ALARMS, Access::RWN).persisted(),
];
const FIELDS: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "active", ALARMS)];
const EVENTS: [EventDesc<'static>; 1] = [EventDesc::new(
    ALARM.0,
    "alarm",
    Priority::Critical,
    &FIELDS,
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "refrigerator_alarm", 1, &ATTRIBUTES, &[], &EVENTS);
