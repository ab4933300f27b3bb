//! `rvc_run_mode` (0x0030): a robot vacuum's run mode (idle, cleaning,
//! mapping) and going home.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0030);
/// `run_mode` (enum: idle, cleaning, mapping).
pub const RUN_MODE: AttributeId = AttributeId(0);
/// `docked` (bool).
pub const DOCKED: AttributeId = AttributeId(1);
commands! {
    /// `go_home()`.
    go_home = 0 ();
}

const MODES: [Named<'static>; 3] = [
    Named::new(0, "idle"),
    Named::new(1, "cleaning"),
    Named::new(2, "mapping"),
];
const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(
        RUN_MODE.0,
        "run_mode",
        Type::enumeration(&MODES),
        Access::RWN,
    ),
    Attribute::new(DOCKED.0, "docked", Type::Bool, Access::RN),
];
const COMMANDS: [Command<'static>; 1] = [Command::new(go_home::ID.0, "go_home", &[])];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "rvc_run_mode", 1, &ATTRIBUTES, &COMMANDS, &[]);
