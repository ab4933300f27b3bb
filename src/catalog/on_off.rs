//! `on_off` (0x0004): switches an output (light, plug, appliance) on and off.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0004);
/// `on` (bool, read / write / notify, persisted).
pub const ON: AttributeId = AttributeId(0);
commands! {
    /// `off()`.
    off = 0 ();
    /// `on()`.
    on = 1 ();
    /// `toggle()`.
    toggle = 2 ();
}

const ATTRIBUTES: [Attribute<'static>; 1] =
    [Attribute::new(ON.0, "on", Type::Bool, Access::RWN).persisted()];
const COMMANDS: [Command<'static>; 3] = [
    Command::new(off::ID.0, "off", &[]),
    Command::new(on::ID.0, "on", &[]),
    Command::new(toggle::ID.0, "toggle", &[]),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "on_off", 1, &ATTRIBUTES, &COMMANDS, &[]);
