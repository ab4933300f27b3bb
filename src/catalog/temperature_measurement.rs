//! `temperature_measurement` (0x0014): temperature in 0.01 °C steps (2150 = 21.50 °C).
//!
//! Attributes are the shared measurement set (see [`measurement`](super::measurement)).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0014);
/// The current reading (nullable: unknown).
pub const MEASURED_VALUE: AttributeId = super::measurement::MEASURED_VALUE;

const ATTRIBUTES: [Attribute<'static>; 3] =
    super::measurement::attributes(Type::scaled(Width::I16, -27315, 32767, -2, Unit::Celsius));

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "temperature_measurement", 1, &ATTRIBUTES, &[], &[]);
