//! `pm25_concentration` (0x0010): PM2.5 particulate matter in µg/m³.
//!
//! Attributes are the shared measurement set (see [`measurement`](super::measurement)).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0010);
/// The current reading (nullable: unknown).
pub const MEASURED_VALUE: AttributeId = super::measurement::MEASURED_VALUE;

const ATTRIBUTES: [Attribute<'static>; 3] =
    super::measurement::attributes(Type::int(Width::U16, 0, 1000, Unit::MicrogramPerCubicMeter));

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "pm25_concentration", 1, &ATTRIBUTES, &[], &[]);
