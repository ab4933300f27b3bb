//! `cooktop` (0x0028): the cooking zones of a hob.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0028);
/// `zone_levels` (list of u8 power levels 0..=9, one per zone).
pub const ZONE_LEVELS: AttributeId = AttributeId(0);
/// `hot_surface` (bool).
pub const HOT_SURFACE: AttributeId = AttributeId(1);
commands! {
    /// `set_zone(zone, level)`.
    set_zone = 0 (ZONE = 0, LEVEL = 1);
}

const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(
        ZONE_LEVELS.0,
        "zone_levels",
        Type::List {
            item: Elem::Int {
                width: Width::U8,
                min: 0,
                max: 9,
            },
            max_items: 8,
        },
        Access::RN,
    ),
    Attribute::new(HOT_SURFACE.0, "hot_surface", Type::Bool, Access::RN),
];
const PARAMS: [FieldDesc<'static>; 2] = [
    FieldDesc::new(0, "zone", Type::int(Width::U8, 0, 7, Unit::None)),
    FieldDesc::new(1, "level", Type::int(Width::U8, 0, 9, Unit::None)),
];
const COMMANDS: [Command<'static>; 1] = [Command::new(set_zone::ID.0, "set_zone", &PARAMS)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "cooktop", 1, &ATTRIBUTES, &COMMANDS, &[]);
