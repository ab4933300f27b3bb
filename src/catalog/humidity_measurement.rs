//! `humidity_measurement` (0x0015): relative humidity in 0.01 % steps.
//!
//! Attributes are the shared measurement set (see [`measurement`](super::measurement)).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0015);
/// The current reading (nullable: unknown).
pub const MEASURED_VALUE: AttributeId = super::measurement::MEASURED_VALUE;

const ATTRIBUTES: [Attribute<'static>; 3] =
    super::measurement::attributes(Type::scaled(Width::U16, 0, 10000, -2, Unit::Percent));

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "humidity_measurement", 1, &ATTRIBUTES, &[], &[]);
