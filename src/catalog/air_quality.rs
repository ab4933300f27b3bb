//! `air_quality` (0x000C): an overall air quality index.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x000C);
/// `air_quality` (enum: unknown, good, fair, moderate, poor, very_poor).
pub const AIR_QUALITY: AttributeId = AttributeId(0);

const LEVELS: [Named<'static>; 6] = [
    Named::new(0, "unknown"),
    Named::new(1, "good"),
    Named::new(2, "fair"),
    Named::new(3, "moderate"),
    Named::new(4, "poor"),
    Named::new(5, "very_poor"),
];
const ATTRIBUTES: [Attribute<'static>; 1] = [Attribute::new(
    AIR_QUALITY.0,
    "air_quality",
    Type::enumeration(&LEVELS),
    Access::RN,
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "air_quality", 1, &ATTRIBUTES, &[], &[]);
