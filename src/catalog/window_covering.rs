//! `window_covering` (0x0034): blinds and shades; positions in 0.01 %
//! (0 = open, 10000 = closed).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0034);
/// `current_position` (u16 0.01 %, nullable).
pub const CURRENT_POSITION: AttributeId = AttributeId(0);
/// `target_position` (u16 0.01 %, nullable).
pub const TARGET_POSITION: AttributeId = AttributeId(1);
/// `moving` (enum: stopped, opening, closing).
pub const MOVING: AttributeId = AttributeId(2);
commands! {
    /// `open()`.
    open = 0 ();
    /// `close()`.
    close = 1 ();
    /// `stop()`.
    stop = 2 ();
    /// `go_to_position(position)`.
    go_to_position = 3 (POSITION = 0);
}

const POSITION: Type<'static> = Type::scaled(Width::U16, 0, 10000, -2, Unit::Percent);
const MOTION: [Named<'static>; 3] = [
    Named::new(0, "stopped"),
    Named::new(1, "opening"),
    Named::new(2, "closing"),
];
const ATTRIBUTES: [Attribute<'static>; 3] = [
    Attribute::new(CURRENT_POSITION.0, "current_position", POSITION, Access::RN).nullable(),
    Attribute::new(TARGET_POSITION.0, "target_position", POSITION, Access::RN).nullable(),
    Attribute::new(MOVING.0, "moving", Type::enumeration(&MOTION), Access::RN),
];
const GO: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "position", POSITION)];
const COMMANDS: [Command<'static>; 4] = [
    Command::new(open::ID.0, "open", &[]),
    Command::new(close::ID.0, "close", &[]),
    Command::new(stop::ID.0, "stop", &[]),
    Command::new(go_to_position::ID.0, "go_to_position", &GO),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "window_covering", 1, &ATTRIBUTES, &COMMANDS, &[]);
