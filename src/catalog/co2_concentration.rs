//! `co2_concentration` (0x0011): carbon dioxide in ppm.
//!
//! Attributes are the shared measurement set (see [`measurement`](super::measurement)).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0011);
/// The current reading (nullable: unknown).
pub const MEASURED_VALUE: AttributeId = super::measurement::MEASURED_VALUE;

const ATTRIBUTES: [Attribute<'static>; 3] =
    super::measurement::attributes(Type::int(Width::U16, 0, 10000, Unit::PartsPerMillion));

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "co2_concentration", 1, &ATTRIBUTES, &[], &[]);
