//! The attribute set every measurement capability shares (not itself a
//! capability): `measured_value` (0), `min_measured_value` (1) and
//! `max_measured_value` (2), all nullable (null: unknown).

use super::prelude::*;

/// Attribute id of the current reading in every measurement capability.
pub const MEASURED_VALUE: AttributeId = AttributeId(0);
/// Attribute id of the smallest reading the sensor can make.
pub const MIN_MEASURED_VALUE: AttributeId = AttributeId(1);
/// Attribute id of the largest reading the sensor can make.
pub const MAX_MEASURED_VALUE: AttributeId = AttributeId(2);

/// The three attributes of a measurement of type `ty`.
pub(super) const fn attributes(ty: Type<'static>) -> [Attribute<'static>; 3] {
    [
        Attribute::new(MEASURED_VALUE.0, "measured_value", ty, Access::RN).nullable(),
        Attribute::new(MIN_MEASURED_VALUE.0, "min_measured_value", ty, Access::R).nullable(),
        Attribute::new(MAX_MEASURED_VALUE.0, "max_measured_value", ty, Access::R).nullable(),
    ]
}
