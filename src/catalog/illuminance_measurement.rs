//! `illuminance_measurement` (0x0016): illuminance in lux.
//!
//! Attributes are the shared measurement set (see [`measurement`](super::measurement)).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0016);
/// The current reading (nullable: unknown).
pub const MEASURED_VALUE: AttributeId = super::measurement::MEASURED_VALUE;

const ATTRIBUTES: [Attribute<'static>; 3] =
    super::measurement::attributes(Type::int(Width::U32, 0, 100_000, Unit::Lux));

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "illuminance_measurement", 1, &ATTRIBUTES, &[], &[]);
