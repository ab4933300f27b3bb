//! `valve` (0x0035): a water or gas valve, open for a duration or until
//! closed.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0035);
/// `state` (enum: closed, open, transitioning).
pub const STATE: AttributeId = AttributeId(0);
/// `remaining_s` (u32 seconds, nullable: open without limit).
pub const REMAINING: AttributeId = AttributeId(1);
/// `flow` (u32 L/h, nullable).
pub const FLOW: AttributeId = AttributeId(2);
commands! {
    /// `open(duration_s?)`.
    open = 0 (DURATION_S = 0);
    /// `close()`.
    close = 1 ();
}
/// `valve_fault` event.
pub const VALVE_FAULT: EventId = EventId(0);

const STATES: [Named<'static>; 3] = [
    Named::new(0, "closed"),
    Named::new(1, "open"),
    Named::new(2, "transitioning"),
];
const DURATION: Type<'static> = Type::int(Width::U32, 1, 86_400, Unit::Second);
const ATTRIBUTES: [Attribute<'static>; 3] = [
    Attribute::new(STATE.0, "state", Type::enumeration(&STATES), Access::RN),
    Attribute::new(REMAINING.0, "remaining_s", DURATION, Access::RN).nullable(),
    Attribute::new(
        FLOW.0,
        "flow",
        Type::int(Width::U32, 0, 100_000, Unit::LiterPerHour),
        Access::RN,
    )
    .nullable(),
];
const OPEN_PARAMS: [FieldDesc<'static>; 1] = [FieldDesc::new(0, "duration_s", DURATION).optional()];
const COMMANDS: [Command<'static>; 2] = [
    Command::new(open::ID.0, "open", &OPEN_PARAMS),
    Command::new(close::ID.0, "close", &[]),
];
const EVENTS: [EventDesc<'static>; 1] = [EventDesc::new(
    VALVE_FAULT.0,
    "valve_fault",
    Priority::Critical,
    &[],
)];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "valve", 1, &ATTRIBUTES, &COMMANDS, &EVENTS);
