//! `electrical_power` (0x0008): instantaneous power, voltage and current.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0008);
/// `active_power` (i32 mW, nullable).
pub const ACTIVE_POWER: AttributeId = AttributeId(0);
/// `voltage` (u32 mV, nullable).
pub const VOLTAGE: AttributeId = AttributeId(1);
/// `current` (i32 mA, nullable).
pub const CURRENT: AttributeId = AttributeId(2);
/// `frequency` (u16 0.01 Hz, nullable).
pub const FREQUENCY: AttributeId = AttributeId(3);

const ATTRIBUTES: [Attribute<'static>; 4] = [
    Attribute::new(
        ACTIVE_POWER.0,
        "active_power",
        Type::scaled(Width::I32, -100_000_000, 100_000_000, -3, Unit::Watt),
        Access::RN,
    )
    .nullable(),
    Attribute::new(
        VOLTAGE.0,
        "voltage",
        Type::scaled(Width::U32, 0, 1_000_000, -3, Unit::Volt),
        Access::RN,
    )
    .nullable(),
    Attribute::new(
        CURRENT.0,
        "current",
        Type::scaled(Width::I32, -100_000, 100_000, -3, Unit::Ampere),
        Access::RN,
    )
    .nullable(),
    Attribute::new(
        FREQUENCY.0,
        "frequency",
        Type::scaled(Width::U16, 0, 10000, -2, Unit::Hertz),
        Access::RN,
    )
    .nullable(),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "electrical_power", 1, &ATTRIBUTES, &[], &[]);
