//! `smoke_co_alarm` (0x001A): smoke and carbon monoxide alarm states.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x001A);
/// `smoke_state` (enum: normal, warning, critical).
pub const SMOKE_STATE: AttributeId = AttributeId(0);
/// `co_state` (enum: normal, warning, critical).
pub const CO_STATE: AttributeId = AttributeId(1);
/// `battery_alert` (enum: normal, warning, critical).
pub const BATTERY_ALERT: AttributeId = AttributeId(2);
/// `test_in_progress` (bool).
pub const TEST_IN_PROGRESS: AttributeId = AttributeId(3);
commands! {
    /// `self_test()`.
    self_test = 0 ();
}
/// `smoke_alarm(level)`.
pub const SMOKE_ALARM: EventId = EventId(0);
/// `co_alarm(level)`.
pub const CO_ALARM: EventId = EventId(1);

const LEVELS: [Named<'static>; 3] = [
    Named::new(0, "normal"),
    Named::new(1, "warning"),
    Named::new(2, "critical"),
];
const LEVEL: Type<'static> = Type::enumeration(&LEVELS);
const ATTRIBUTES: [Attribute<'static>; 4] = [
    Attribute::new(SMOKE_STATE.0, "smoke_state", LEVEL, Access::RN),
    Attribute::new(CO_STATE.0, "co_state", LEVEL, Access::RN),
    Attribute::new(BATTERY_ALERT.0, "battery_alert", LEVEL, Access::RN),
    Attribute::new(
        TEST_IN_PROGRESS.0,
        "test_in_progress",
        Type::Bool,
        Access::RN,
    ),
];
const COMMANDS: [Command<'static>; 1] = [Command::new(self_test::ID.0, "self_test", &[])];
const FIELDS: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "level", LEVEL)];
const EVENTS: [EventDesc<'static>; 2] = [
    EventDesc::new(SMOKE_ALARM.0, "smoke_alarm", Priority::Critical, &FIELDS),
    EventDesc::new(CO_ALARM.0, "co_alarm", Priority::Critical, &FIELDS),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "smoke_co_alarm", 1, &ATTRIBUTES, &COMMANDS, &EVENTS);
