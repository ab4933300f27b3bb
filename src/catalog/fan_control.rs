//! `fan_control` (0x000B): fan mode and speed (fans, purifiers, hoods).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x000B);
/// `mode` (enum: off, low, medium, high, auto).
pub const MODE: AttributeId = AttributeId(0);
/// `percent_setting` (u8 %, nullable).
pub const PERCENT_SETTING: AttributeId = AttributeId(1);
/// `percent_current` (u8 %, read).
pub const PERCENT_CURRENT: AttributeId = AttributeId(2);
/// `speed_rpm` (u16 rpm, nullable, read).
pub const SPEED_RPM: AttributeId = AttributeId(3);

const MODES: [Named<'static>; 5] = [
    Named::new(0, "off"),
    Named::new(1, "low"),
    Named::new(2, "medium"),
    Named::new(3, "high"),
    Named::new(4, "auto"),
];
const PERCENT: Type<'static> = Type::int(Width::U8, 0, 100, Unit::Percent);
const ATTRIBUTES: [Attribute<'static>; 4] = [
    Attribute::new(MODE.0, "mode", Type::enumeration(&MODES), Access::RWN).persisted(),
    Attribute::new(PERCENT_SETTING.0, "percent_setting", PERCENT, Access::RWN).nullable(),
    Attribute::new(PERCENT_CURRENT.0, "percent_current", PERCENT, Access::RN),
    Attribute::new(
        SPEED_RPM.0,
        "speed_rpm",
        Type::int(Width::U16, 0, 20000, Unit::Rpm),
        Access::RN,
    )
    .nullable(),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "fan_control", 1, &ATTRIBUTES, &[], &[]);
