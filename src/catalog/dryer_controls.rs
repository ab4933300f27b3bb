//! `dryer_controls` (0x0029): a dryer's target dryness.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0029);
/// `dryness` (enum: low, normal, extra, max).
pub const DRYNESS: AttributeId = AttributeId(0);

const LEVELS: [Named<'static>; 4] = [
    Named::new(0, "low"),
    Named::new(1, "normal"),
    Named::new(2, "extra"),
    Named::new(3, "max"),
];
const ATTRIBUTES: [Attribute<'static>; 1] = [Attribute::new(
    DRYNESS.0,
    "dryness",
    Type::enumeration(&LEVELS),
    Access::RWN,
)
.persisted()];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "dryer_controls", 1, &ATTRIBUTES, &[], &[]);
