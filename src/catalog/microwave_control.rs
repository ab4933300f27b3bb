//! `microwave_control` (0x0025): cook time and power of a microwave oven.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0025);
/// `cook_time_s` (u32 seconds, 1..=5940).
pub const COOK_TIME: AttributeId = AttributeId(0);
/// `power_watts` (u16 W, 100..=1000 in steps of 100).
pub const POWER: AttributeId = AttributeId(1);
commands! {
    /// `set_cooking_parameters(cook_time_s?, power_watts?)`.
    set_cooking_parameters = 0 (COOK_TIME_S = 0, POWER_WATTS = 1);
    /// `add_more_time(seconds)`.
    add_more_time = 1 (SECONDS = 0);
}

const TIME: Type<'static> = Type::int(Width::U32, 1, 5940, Unit::Second);
const POWER_TYPE: Type<'static> = Type::stepped(Width::U16, 100, 1000, 100, Unit::Watt);
const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(COOK_TIME.0, "cook_time_s", TIME, Access::RN),
    Attribute::new(POWER.0, "power_watts", POWER_TYPE, Access::RN),
];
const SET: [FieldDesc<'static>; 2] = [
    FieldDesc::new(0, "cook_time_s", TIME).optional(),
    FieldDesc::new(1, "power_watts", POWER_TYPE).optional(),
];
const ADD: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "seconds", TIME)];
const COMMANDS: [Command<'static>; 2] = [
    Command::new(set_cooking_parameters::ID.0, "set_cooking_parameters", &SET),
    Command::new(add_more_time::ID.0, "add_more_time", &ADD),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "microwave_control", 1, &ATTRIBUTES, &COMMANDS, &[]);
