//! `laundry_controls` (0x0023): a washer's spin speed and rinses.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0023);
/// `spin_rpm` (u16 rpm, 0..=1600 in steps of 200).
pub const SPIN_RPM: AttributeId = AttributeId(0);
/// `rinses` (u8, 1..=5).
pub const RINSES: AttributeId = AttributeId(1);
/// `extra_water` (bool; optional).
pub const EXTRA_WATER: AttributeId = AttributeId(2);

const ATTRIBUTES: [Attribute<'static>; 3] = [
    Attribute::new(
        SPIN_RPM.0,
        "spin_rpm",
        Type::stepped(Width::U16, 0, 1600, 200, Unit::Rpm),
        Access::RWN,
    )
    .persisted(),
    Attribute::new(
        RINSES.0,
        "rinses",
        Type::int(Width::U8, 1, 5, Unit::None),
        Access::RWN,
    )
    .persisted(),
    Attribute::new(EXTRA_WATER.0, "extra_water", Type::Bool, Access::RWN)
        .persisted()
        .optional(),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "laundry_controls", 1, &ATTRIBUTES, &[], &[]);
