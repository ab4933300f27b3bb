//! `filter_monitoring` (0x0013): a replaceable filter's remaining life.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0013);
/// `condition` (u8 % of life left).
pub const CONDITION: AttributeId = AttributeId(0);
/// `change_indication` (enum: ok, warning, critical).
pub const CHANGE_INDICATION: AttributeId = AttributeId(1);
commands! {
    /// `reset_condition()`: a new filter was fitted.
    reset_condition = 0 ();
}

const INDICATION: [Named<'static>; 3] = [
    Named::new(0, "ok"),
    Named::new(1, "warning"),
    Named::new(2, "critical"),
];
const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(
        CONDITION.0,
        "condition",
        Type::int(Width::U8, 0, 100, Unit::Percent),
        Access::RN,
    )
    .persisted(),
    Attribute::new(
        CHANGE_INDICATION.0,
        "change_indication",
        Type::enumeration(&INDICATION),
        Access::RN,
    ),
];
const COMMANDS: [Command<'static>; 1] =
    [Command::new(reset_condition::ID.0, "reset_condition", &[])];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "filter_monitoring", 1, &ATTRIBUTES, &COMMANDS, &[]);
