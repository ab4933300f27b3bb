//! `identify` (0x0002): makes the device show itself (blink, beep).

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0002);
/// `identify_time` (u16 seconds, writable): time left identifying.
pub const IDENTIFY_TIME: AttributeId = AttributeId(0);
commands! {
    /// `identify(seconds)`.
    identify = 0 (SECONDS = 0);
}

const ATTRIBUTES: [Attribute<'static>; 1] = [Attribute::new(
    IDENTIFY_TIME.0,
    "identify_time",
    Type::int(Width::U16, 0, 3600, Unit::Second),
    Access::RWN,
)];
const IDENTIFY_PARAMS: [FieldDesc<'static>; 1] = [FieldDesc::new(
    0,
    "seconds",
    Type::int(Width::U16, 0, 3600, Unit::Second),
)];
const COMMANDS: [Command<'static>; 1] =
    [Command::new(identify::ID.0, "identify", &IDENTIFY_PARAMS)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "identify", 1, &ATTRIBUTES, &COMMANDS, &[]);
