//! `door_lock` (0x0033): lock state and lock / unlock. Unlocking needs a
//! timed invoke, so a delayed or replayed frame cannot open the door.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0033);
/// `lock_state` (enum: not_fully_locked, locked, unlocked, jammed).
pub const LOCK_STATE: AttributeId = AttributeId(0);
/// `auto_relock_s` (u16 seconds, admin-writable, 0: off).
pub const AUTO_RELOCK: AttributeId = AttributeId(1);
commands! {
    /// `lock(pin?)`.
    lock = 0 (PIN = 0);
    /// `unlock(pin?)`: timed.
    unlock = 1 (PIN = 0);
}
/// `lock_operation(locked, source)`.
pub const LOCK_OPERATION: EventId = EventId(0);
/// `forced_entry` (critical).
pub const FORCED_ENTRY: EventId = EventId(1);

/// `lock_state` member: locked.
pub const LOCKED: u16 = 1;
/// `lock_state` member: unlocked.
pub const UNLOCKED: u16 = 2;

const STATES: [Named<'static>; 4] = [
    Named::new(0, "not_fully_locked"),
    Named::new(LOCKED, "locked"),
    Named::new(UNLOCKED, "unlocked"),
    Named::new(3, "jammed"),
];
const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(
        LOCK_STATE.0,
        "lock_state",
        Type::enumeration(&STATES),
        Access::RN,
    )
    .nullable(),
    Attribute::new(
        AUTO_RELOCK.0,
        "auto_relock_s",
        Type::int(Width::U16, 0, 3600, Unit::Second),
        Access::RWN_ADMIN,
    )
    .persisted(),
];
const PIN: [FieldDesc<'static>; 1] = [FieldDesc {
    id: FieldId(0),
    name: "pin",
    ty: Type::Bytes { max_len: 8 },
    optional: true,
    nullable: false,
}];
const COMMANDS: [Command<'static>; 2] = [
    Command::new(lock::ID.0, "lock", &PIN),
    Command::new(unlock::ID.0, "unlock", &PIN).timed(),
];
const SOURCES: [Named<'static>; 4] = [
    Named::new(0, "manual"),
    Named::new(1, "keypad"),
    Named::new(2, "remote"),
    Named::new(3, "auto"),
];
const OPERATION: [FieldDesc<'static>; 2] = [
    FieldDesc::new(0, "locked", Type::Bool),
    FieldDesc::new(1, "source", Type::enumeration(&SOURCES)),
];
const EVENTS: [EventDesc<'static>; 2] = [
    EventDesc::new(
        LOCK_OPERATION.0,
        "lock_operation",
        Priority::Info,
        &OPERATION,
    ),
    EventDesc::new(FORCED_ENTRY.0, "forced_entry", Priority::Critical, &[]),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "door_lock", 1, &ATTRIBUTES, &COMMANDS, &EVENTS);
