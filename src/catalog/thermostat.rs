//! `thermostat` (0x000A): heating and cooling setpoints and system mode.
//! Temperatures are i16 in 0.01 °C steps.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x000A);
/// `local_temperature` (i16 0.01 °C, nullable).
pub const LOCAL_TEMPERATURE: AttributeId = AttributeId(0);
/// `heating_setpoint` (i16 0.01 °C, 5.00..=30.00 in 0.5 °C steps).
pub const HEATING_SETPOINT: AttributeId = AttributeId(1);
/// `cooling_setpoint` (i16 0.01 °C, 16.00..=32.00 in 0.5 °C steps).
pub const COOLING_SETPOINT: AttributeId = AttributeId(2);
/// `system_mode` (enum: off, heat, cool, auto, fan_only, dry).
pub const SYSTEM_MODE: AttributeId = AttributeId(3);
/// `running_state` (bitmap: heating, cooling, fan).
pub const RUNNING_STATE: AttributeId = AttributeId(4);
commands! {
    /// `adjust_setpoint(delta)`: moves the active setpoint by a signed amount.
    adjust_setpoint = 0 (DELTA = 0);
}

/// Lowest heating setpoint, 0.01 °C.
pub const HEAT_MIN: i64 = 500;
/// Highest heating setpoint, 0.01 °C.
pub const HEAT_MAX: i64 = 3000;

const MODES: [Named<'static>; 6] = [
    Named::new(0, "off"),
    Named::new(1, "heat"),
    Named::new(2, "cool"),
    Named::new(3, "auto"),
    Named::new(4, "fan_only"),
    Named::new(5, "dry"),
];
const RUNNING: [Named<'static>; 3] = [
    Named::new(0, "heating"),
    Named::new(1, "cooling"),
    Named::new(2, "fan"),
];
const fn setpoint(min: i64, max: i64) -> Type<'static> {
    Type::Int(IntType {
        step: 50,
        scale: -2,
        unit: Unit::Celsius,
        ..IntType::new(Width::I16, min, max)
    })
}
const ATTRIBUTES: [Attribute<'static>; 5] = [
    Attribute::new(
        LOCAL_TEMPERATURE.0,
        "local_temperature",
        Type::scaled(Width::I16, -27315, 32767, -2, Unit::Celsius),
        Access::RN,
    )
    .nullable(),
    Attribute::new(
        HEATING_SETPOINT.0,
        "heating_setpoint",
        setpoint(HEAT_MIN, HEAT_MAX),
        Access::RWN,
    )
    .persisted(),
    Attribute::new(
        COOLING_SETPOINT.0,
        "cooling_setpoint",
        setpoint(1600, 3200),
        Access::RWN,
    )
    .persisted(),
    Attribute::new(
        SYSTEM_MODE.0,
        "system_mode",
        Type::enumeration(&MODES),
        Access::RWN,
    )
    .persisted(),
    Attribute::new(
        RUNNING_STATE.0,
        "running_state",
        Type::bitmap(&RUNNING),
        Access::RN,
    ),
];
const ADJUST: [FieldDesc<'static>; 1] = [FieldDesc::new(
    0,
    "delta",
    Type::scaled(Width::I16, -1000, 1000, -2, Unit::Celsius),
)];
const COMMANDS: [Command<'static>; 1] = [Command::new(
    adjust_setpoint::ID.0,
    "adjust_setpoint",
    &ADJUST,
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "thermostat", 1, &ATTRIBUTES, &COMMANDS, &[]);
