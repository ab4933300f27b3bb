//! `rvc_clean_mode` (0x0031): how a robot vacuum cleans.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0031);
/// `clean_mode` (enum: vacuum, mop, vacuum_then_mop, deep).
pub const CLEAN_MODE: AttributeId = AttributeId(0);
/// `suction` (enum: quiet, standard, max).
pub const SUCTION: AttributeId = AttributeId(1);

const MODES: [Named<'static>; 4] = [
    Named::new(0, "vacuum"),
    Named::new(1, "mop"),
    Named::new(2, "vacuum_then_mop"),
    Named::new(3, "deep"),
];
const SUCTIONS: [Named<'static>; 3] = [
    Named::new(0, "quiet"),
    Named::new(1, "standard"),
    Named::new(2, "max"),
];
const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(
        CLEAN_MODE.0,
        "clean_mode",
        Type::enumeration(&MODES),
        Access::RWN,
    )
    .persisted(),
    Attribute::new(
        SUCTION.0,
        "suction",
        Type::enumeration(&SUCTIONS),
        Access::RWN,
    )
    .persisted(),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "rvc_clean_mode", 1, &ATTRIBUTES, &[], &[]);
