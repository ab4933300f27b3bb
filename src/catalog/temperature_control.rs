//! `temperature_control` (0x0022): an appliance's target temperature (wash
//! water, oven cavity, fridge compartment) in 0.01 °C.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0022);
/// `target` (i16 0.01 °C, -40.00..=300.00 in 1 °C steps).
pub const TARGET: AttributeId = AttributeId(0);
/// `min_target` (i16, read).
pub const MIN_TARGET: AttributeId = AttributeId(1);
/// `max_target` (i16, read).
pub const MAX_TARGET: AttributeId = AttributeId(2);

const TEMP: Type<'static> = Type::Int(IntType {
    step: 100,
    scale: -2,
    unit: Unit::Celsius,
    ..IntType::new(Width::I16, -4000, 30000)
});
const ATTRIBUTES: [Attribute<'static>; 3] = [
    Attribute::new(TARGET.0, "target", TEMP, Access::RWN).persisted(),
    Attribute::new(MIN_TARGET.0, "min_target", TEMP, Access::R),
    Attribute::new(MAX_TARGET.0, "max_target", TEMP, Access::R),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "temperature_control", 1, &ATTRIBUTES, &[], &[]);
