//! `oven_cavity` (0x0024): cooking in an oven cavity: heating mode and
//! cook timer (the target temperature is `temperature_control`).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0024);
/// `heating_mode` (enum).
pub const HEATING_MODE: AttributeId = AttributeId(0);
/// `cook_time_s` (u32 seconds, nullable: no timer).
pub const COOK_TIME: AttributeId = AttributeId(1);
/// `door_open` (bool).
pub const DOOR_OPEN: AttributeId = AttributeId(2);
/// `preheated` event.
pub const PREHEATED: EventId = EventId(0);

const MODES: [Named<'static>; 6] = [
    Named::new(0, "conventional"),
    Named::new(1, "fan_forced"),
    Named::new(2, "grill"),
    Named::new(3, "fan_grill"),
    Named::new(4, "bottom_heat"),
    Named::new(5, "defrost"),
];
const ATTRIBUTES: [Attribute<'static>; 3] = [
    Attribute::new(
        HEATING_MODE.0,
        "heating_mode",
        Type::enumeration(&MODES),
        Access::RWN,
    ),
    Attribute::new(
        COOK_TIME.0,
        "cook_time_s",
        Type::int(Width::U32, 60, 86_400, Unit::Second),
        Access::RWN,
    )
    .nullable(),
    Attribute::new(DOOR_OPEN.0, "door_open", Type::Bool, Access::RN),
];
const EVENTS: [EventDesc<'static>; 1] = [EventDesc::new(
    PREHEATED.0,
    "preheated",
    Priority::Info,
    &[],
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "oven_cavity", 1, &ATTRIBUTES, &[], &EVENTS);
