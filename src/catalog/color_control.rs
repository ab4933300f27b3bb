//! `color_control` (0x0007): hue and saturation of a color light.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0007);
/// `hue` (u16 0..=359 degrees).
pub const HUE: AttributeId = AttributeId(0);
/// `saturation` (u8 0..=100 %).
pub const SATURATION: AttributeId = AttributeId(1);
commands! {
    /// `move_to_hue_saturation(hue, saturation, transition_ds?)`.
    move_to_hue_saturation = 0 (HUE = 0, SATURATION = 1, TRANSITION_DS = 2);
}

const HUE_TYPE: Type<'static> = Type::int(Width::U16, 0, 359, Unit::Degree);
const SAT_TYPE: Type<'static> = Type::int(Width::U8, 0, 100, Unit::Percent);
const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(HUE.0, "hue", HUE_TYPE, Access::RWN).persisted(),
    Attribute::new(SATURATION.0, "saturation", SAT_TYPE, Access::RWN).persisted(),
];
const PARAMS: [FieldDesc<'static>; 3] = [
    FieldDesc::new(0, "hue", HUE_TYPE),
    FieldDesc::new(1, "saturation", SAT_TYPE),
    FieldDesc::new(
        2,
        "transition_ds",
        Type::scaled(Width::U16, 0, 6000, -1, Unit::Second),
    )
    .optional(),
];
const COMMANDS: [Command<'static>; 1] = [Command::new(
    move_to_hue_saturation::ID.0,
    "move_to_hue_saturation",
    &PARAMS,
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "color_control", 1, &ATTRIBUTES, &COMMANDS, &[]);
