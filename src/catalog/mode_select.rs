//! `mode_select` (0x0021): an appliance program or mode chosen from a list
//! the device publishes (wash programs, oven modes).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0021);
/// `supported_modes` (list of strings, read): index = mode number.
pub const SUPPORTED_MODES: AttributeId = AttributeId(0);
/// `current_mode` (u8 index, read / write / notify).
pub const CURRENT_MODE: AttributeId = AttributeId(1);
commands! {
    /// `change_to_mode(mode)`.
    change_to_mode = 0 (MODE = 0);
}

const MODE: Type<'static> = Type::int(Width::U8, 0, 31, Unit::None);
const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(
        SUPPORTED_MODES.0,
        "supported_modes",
        Type::List {
            item: Elem::Str { max_len: 24 },
            max_items: 32,
        },
        Access::R,
    ),
    Attribute::new(CURRENT_MODE.0, "current_mode", MODE, Access::RWN).persisted(),
];
const PARAMS: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "mode", MODE)];
const COMMANDS: [Command<'static>; 1] = [Command::new(
    change_to_mode::ID.0,
    "change_to_mode",
    &PARAMS,
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "mode_select", 1, &ATTRIBUTES, &COMMANDS, &[]);
