//! `power_source` (0x0003): mains or battery, and the battery's state.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0003);
/// `source` (enum: mains, battery, usb).
pub const SOURCE: AttributeId = AttributeId(0);
/// `battery_percent` (u8 %, nullable).
pub const BATTERY_PERCENT: AttributeId = AttributeId(1);
/// `battery_voltage` (u16 mV, nullable).
pub const BATTERY_VOLTAGE: AttributeId = AttributeId(2);
/// `charge_state` (enum).
pub const CHARGE_STATE: AttributeId = AttributeId(3);
/// `replace_battery` (bool).
pub const REPLACE_BATTERY: AttributeId = AttributeId(4);

const SOURCES: [Named<'static>; 3] = [
    Named::new(0, "mains"),
    Named::new(1, "battery"),
    Named::new(2, "usb"),
];
const CHARGE: [Named<'static>; 4] = [
    Named::new(0, "unknown"),
    Named::new(1, "charging"),
    Named::new(2, "full"),
    Named::new(3, "discharging"),
];
const ATTRIBUTES: [Attribute<'static>; 5] = [
    Attribute::new(SOURCE.0, "source", Type::enumeration(&SOURCES), Access::RN),
    Attribute::new(
        BATTERY_PERCENT.0,
        "battery_percent",
        Type::int(Width::U8, 0, 100, Unit::Percent),
        Access::RN,
    )
    .nullable(),
    Attribute::new(
        BATTERY_VOLTAGE.0,
        "battery_voltage",
        Type::scaled(Width::U16, 0, 60000, -3, Unit::Volt),
        Access::RN,
    )
    .nullable(),
    Attribute::new(
        CHARGE_STATE.0,
        "charge_state",
        Type::enumeration(&CHARGE),
        Access::RN,
    ),
    Attribute::new(REPLACE_BATTERY.0, "replace_battery", Type::Bool, Access::RN),
];
const EVENTS: [EventDesc<'static>; 1] = [EventDesc::new(0, "battery_low", Priority::Critical, &[])];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "power_source", 1, &ATTRIBUTES, &[], &EVENTS);
