//! `level_control` (0x0005): a level such as a light's brightness, 1..=254.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0005);
/// `level` (u8 1..=254, nullable while unknown).
pub const LEVEL: AttributeId = AttributeId(0);
/// `min_level` (u8, read; optional).
pub const MIN_LEVEL: AttributeId = AttributeId(1);
/// `max_level` (u8, read; optional).
pub const MAX_LEVEL: AttributeId = AttributeId(2);
/// `on_level` (u8, nullable, persisted; optional): level restored when switched on.
pub const ON_LEVEL: AttributeId = AttributeId(3);
commands! {
    /// `move_to_level(level, transition_ds?)`.
    move_to_level = 0 (LEVEL = 0, TRANSITION_DS = 1);
    /// `step(up, step_size)` (optional).
    step = 1 (UP = 0, STEP_SIZE = 1);
}

const LEVEL_TYPE: Type<'static> = Type::int(Width::U8, 1, 254, Unit::None);
const ATTRIBUTES: [Attribute<'static>; 4] = [
    Attribute::new(LEVEL.0, "level", LEVEL_TYPE, Access::RWN)
        .nullable()
        .persisted(),
    Attribute::new(MIN_LEVEL.0, "min_level", LEVEL_TYPE, Access::R).optional(),
    Attribute::new(MAX_LEVEL.0, "max_level", LEVEL_TYPE, Access::R).optional(),
    Attribute::new(ON_LEVEL.0, "on_level", LEVEL_TYPE, Access::RWN)
        .nullable()
        .persisted()
        .optional(),
];
const MOVE_PARAMS: [FieldDesc<'static>; 2] = [
    FieldDesc::new(0, "level", LEVEL_TYPE),
    FieldDesc::new(
        1,
        "transition_ds",
        Type::scaled(Width::U16, 0, 6000, -1, Unit::Second),
    )
    .optional(),
];
const STEP_PARAMS: [FieldDesc<'static>; 2] = [
    FieldDesc::new(0, "up", Type::Bool),
    FieldDesc::new(1, "step_size", Type::int(Width::U8, 1, 254, Unit::None)),
];
const COMMANDS: [Command<'static>; 2] = [
    Command::new(move_to_level::ID.0, "move_to_level", &MOVE_PARAMS),
    Command::new(step::ID.0, "step", &STEP_PARAMS).optional(),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "level_control", 1, &ATTRIBUTES, &COMMANDS, &[]);
