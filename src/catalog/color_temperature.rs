//! `color_temperature` (0x0006): white tone in mireds (153 = 6500 K,
//! 500 = 2000 K).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0006);
/// `mireds` (u16 153..=500, read / write / notify, persisted).
pub const MIREDS: AttributeId = AttributeId(0);
/// `min_mireds` (u16, read).
pub const MIN_MIREDS: AttributeId = AttributeId(1);
/// `max_mireds` (u16, read).
pub const MAX_MIREDS: AttributeId = AttributeId(2);
commands! {
    /// `move_to_mireds(mireds, transition_ds?)`.
    move_to_mireds = 0 (MIREDS = 0, TRANSITION_DS = 1);
}

const MIRED_TYPE: Type<'static> = Type::int(Width::U16, 153, 500, Unit::Mired);
const ATTRIBUTES: [Attribute<'static>; 3] = [
    Attribute::new(MIREDS.0, "mireds", MIRED_TYPE, Access::RWN).persisted(),
    Attribute::new(MIN_MIREDS.0, "min_mireds", MIRED_TYPE, Access::R),
    Attribute::new(MAX_MIREDS.0, "max_mireds", MIRED_TYPE, Access::R),
];
const PARAMS: [FieldDesc<'static>; 2] = [
    FieldDesc::new(0, "mireds", MIRED_TYPE),
    FieldDesc::new(
        1,
        "transition_ds",
        Type::scaled(Width::U16, 0, 6000, -1, Unit::Second),
    )
    .optional(),
];
const COMMANDS: [Command<'static>; 1] = [Command::new(
    move_to_mireds::ID.0,
    "move_to_mireds",
    &PARAMS,
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "color_temperature", 1, &ATTRIBUTES, &COMMANDS, &[]);
