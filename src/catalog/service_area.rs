//! `service_area` (0x0032): the rooms a robot vacuum knows and which to clean.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0032);
/// `area_names` (list of strings, read): index = area id.
pub const AREA_NAMES: AttributeId = AttributeId(0);
/// `selected_areas` (list of u8 area ids; empty: everywhere).
pub const SELECTED_AREAS: AttributeId = AttributeId(1);
/// `current_area` (u8, nullable).
pub const CURRENT_AREA: AttributeId = AttributeId(2);
commands! {
    /// `select_areas(areas)`.
    select_areas = 0 (AREAS = 0);
}

const AREAS: Type<'static> = Type::List {
    item: Elem::Int {
        width: Width::U8,
        min: 0,
        max: 63,
    },
    max_items: 64,
};
const ATTRIBUTES: [Attribute<'static>; 3] = [
    Attribute::new(
        AREA_NAMES.0,
        "area_names",
        Type::List {
            item: Elem::Str { max_len: 24 },
            max_items: 64,
        },
        Access::R,
    ),
    Attribute::new(SELECTED_AREAS.0, "selected_areas", AREAS, Access::RN),
    Attribute::new(
        CURRENT_AREA.0,
        "current_area",
        Type::int(Width::U8, 0, 63, Unit::None),
        Access::RN,
    )
    .nullable(),
];
const PARAMS: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "areas", AREAS)];
const COMMANDS: [Command<'static>; 1] = [Command::new(select_areas::ID.0, "select_areas", &PARAMS)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "service_area", 1, &ATTRIBUTES, &COMMANDS, &[]);
