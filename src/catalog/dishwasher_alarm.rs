//! `dishwasher_alarm` (0x0027): water supply, drain, door and salt alarms.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0027);
/// `active` (bitmap).
pub const ACTIVE: AttributeId = AttributeId(0);
/// `mask` (bitmap, writable).
pub const MASK: AttributeId = AttributeId(1);
commands! {
    /// `reset(alarms)`: clears latched alarms.
    reset = 0 (ALARMS = 0);
}
/// `alarm(active)` event.
pub const ALARM: EventId = EventId(0);

const BITS: [Named<'static>; 5] = [
    Named::new(0, "inflow_error"),
    Named::new(1, "drain_error"),
    Named::new(2, "door_error"),
    Named::new(3, "temperature_low"),
    Named::new(4, "salt_empty"),
];
const ALARMS: Type<'static> = Type::bitmap(&BITS);
const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(ACTIVE.0, "active", ALARMS, Access::RN),
    Attribute::new(MASK.0, "mask", ALARMS, Access::RWN).persisted(),
];
const FIELDS: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "alarms", ALARMS)];
const COMMANDS: [Command<'static>; 1] = [Command::new(reset::ID.0, "reset", &FIELDS)];
const EVENT_FIELDS: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "active", ALARMS)];
const EVENTS: [EventDesc<'static>; 1] = [EventDesc::new(
    ALARM.0,
    "alarm",
    Priority::Critical,
    &EVENT_FIELDS,
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "dishwasher_alarm", 1, &ATTRIBUTES, &COMMANDS, &EVENTS);
