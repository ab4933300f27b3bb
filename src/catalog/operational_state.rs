//! `operational_state` (0x0020): a cycle's state, phase and remaining time
//! (washer, dryer, dishwasher, oven, robot vacuum), with start / stop /
//! pause / resume.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0020);
/// `state` (enum: stopped, running, paused, error, finished).
pub const STATE: AttributeId = AttributeId(0);
/// `phase` (u8 index into `phase_names`, nullable; optional).
pub const PHASE: AttributeId = AttributeId(1);
/// `phase_names` (list of strings, read; optional).
pub const PHASE_NAMES: AttributeId = AttributeId(2);
/// `remaining_s` (u32 seconds, nullable; optional).
pub const REMAINING: AttributeId = AttributeId(3);
/// `error_code` (u16, 0 = none).
pub const ERROR_CODE: AttributeId = AttributeId(4);
commands! {
    /// `stop()`.
    stop = 0 () -> (STATE = 0);
    /// `start()`.
    start = 1 () -> (STATE = 0);
    /// `pause()` (optional).
    pause = 2 () -> (STATE = 0);
    /// `resume()` (optional).
    resume = 3 () -> (STATE = 0);
}
/// `cycle_complete(total_s)` (optional).
pub const CYCLE_COMPLETE: EventId = EventId(0);
/// `operational_error(code)`.
pub const OPERATIONAL_ERROR: EventId = EventId(1);

/// `state` member: stopped.
pub const STOPPED: u16 = 0;
/// `state` member: running.
pub const RUNNING: u16 = 1;
/// `state` member: paused.
pub const PAUSED: u16 = 2;
/// `state` member: error.
pub const ERROR: u16 = 3;
/// `state` member: finished.
pub const FINISHED: u16 = 4;

const STATES: [Named<'static>; 5] = [
    Named::new(STOPPED, "stopped"),
    Named::new(RUNNING, "running"),
    Named::new(PAUSED, "paused"),
    Named::new(ERROR, "error"),
    Named::new(FINISHED, "finished"),
];
const ATTRIBUTES: [Attribute<'static>; 5] = [
    Attribute::new(STATE.0, "state", Type::enumeration(&STATES), Access::RN),
    Attribute::new(
        PHASE.0,
        "phase",
        Type::int(Width::U8, 0, 31, Unit::None),
        Access::RN,
    )
    .nullable()
    .optional(),
    Attribute::new(
        PHASE_NAMES.0,
        "phase_names",
        Type::List {
            item: Elem::Str { max_len: 16 },
            max_items: 32,
        },
        Access::R,
    )
    .optional(),
    Attribute::new(
        REMAINING.0,
        "remaining_s",
        Type::int(Width::U32, 0, 604_800, Unit::Second),
        Access::RN,
    )
    .nullable()
    .optional(),
    Attribute::new(
        ERROR_CODE.0,
        "error_code",
        Type::int(Width::U16, 0, 0xFFFF, Unit::None),
        Access::RN,
    ),
];
/// Every command answers with the resulting state.
const STATE_REPLY: [FieldDesc<'static>; 1] =
    [FieldDesc::new(0, "state", Type::enumeration(&STATES))];
const COMMANDS: [Command<'static>; 4] = [
    Command::new(stop::ID.0, "stop", &[]).responds(&STATE_REPLY),
    Command::new(start::ID.0, "start", &[]).responds(&STATE_REPLY),
    Command::new(pause::ID.0, "pause", &[])
        .responds(&STATE_REPLY)
        .optional(),
    Command::new(resume::ID.0, "resume", &[])
        .responds(&STATE_REPLY)
        .optional(),
];
const COMPLETE: [FieldDesc<'static>; 1] = [FieldDesc::new(
    0,
    "total_s",
    Type::int(Width::U32, 0, 604_800, Unit::Second),
)];
const ERROR_FIELDS: [FieldDesc<'static>; 1] = [FieldDesc::new(
    0,
    "code",
    Type::int(Width::U16, 1, 0xFFFF, Unit::None),
)];
const EVENTS: [EventDesc<'static>; 2] = [
    EventDesc::new(
        CYCLE_COMPLETE.0,
        "cycle_complete",
        Priority::Info,
        &COMPLETE,
    )
    .optional(),
    EventDesc::new(
        OPERATIONAL_ERROR.0,
        "operational_error",
        Priority::Critical,
        &ERROR_FIELDS,
    ),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> = Capability::new(
    ID.0,
    "operational_state",
    1,
    &ATTRIBUTES,
    &COMMANDS,
    &EVENTS,
);
