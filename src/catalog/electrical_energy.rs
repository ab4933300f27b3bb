//! `electrical_energy` (0x0009): cumulative imported and exported energy.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0009);
/// `imported` (u64 Wh, persisted).
pub const IMPORTED: AttributeId = AttributeId(0);
/// `exported` (u64 Wh, persisted).
pub const EXPORTED: AttributeId = AttributeId(1);
commands! {
    /// `reset_counters()` (admin).
    reset_counters = 0 ();
}

const ENERGY: Type<'static> = Type::int(Width::U64, 0, i64::MAX, Unit::WattHour);
const ATTRIBUTES: [Attribute<'static>; 2] = [
    Attribute::new(IMPORTED.0, "imported", ENERGY, Access::RN).persisted(),
    Attribute::new(EXPORTED.0, "exported", ENERGY, Access::RN).persisted(),
];
const COMMANDS: [Command<'static>; 1] =
    [Command::new(reset_counters::ID.0, "reset_counters", &[]).admin()];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "electrical_energy", 1, &ATTRIBUTES, &COMMANDS, &[]);
