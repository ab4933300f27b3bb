// The firmware's test probe, a vendor capability (vendor 0xFFF1, the test
// vendor id, capability 1) on the lamp's endpoint: what the firmware
// measured of itself, and a command that ends the emulation.
//
// No inner attributes or `//!` docs here: the host test `include!`s this
// file to build its requests from the same descriptor.

use applink::descriptor::{Access, Attribute, Capability, Command, Type, Unit, Width};
use applink::message::{AttributeId, CapabilityId, CommandId};

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0xFFF1_0001);
/// `stack_peak` (u32 bytes, read): the deepest the stack has been since
/// the node was built, measured from the stack's top.
pub const STACK_PEAK: AttributeId = AttributeId(0);
/// `stack_boot` (u32 bytes, read): the deepest the stack was while the node
/// was built at boot.
pub const STACK_BOOT: AttributeId = AttributeId(1);
/// `pair_ns` (u32 ns of emulated time, read): what the appliance spent on
/// the last successful pairing (its `PairRequest` and `PairFinish`). Under
/// QEMU's `-icount shift=0` one nanosecond is one instruction.
pub const PAIR_NS: AttributeId = AttributeId(2);
/// `resume_ns` (u32 ns of emulated time, read): the same for the last
/// resumption (its `ResumeRequest`).
pub const RESUME_NS: AttributeId = AttributeId(3);
/// `uptime_ms` (u32 ms, read): the firmware's clock, for checking it
/// against the host's.
pub const UPTIME_MS: AttributeId = AttributeId(4);
/// `exit()` (admin): the firmware answers, then stops the emulation with
/// exit status 0.
pub const EXIT: CommandId = CommandId(0);

const U32: Type<'static> = Type::int(Width::U32, 0, u32::MAX as i64, Unit::None);
const ATTRIBUTES: [Attribute<'static>; 5] = [
    Attribute::new(STACK_PEAK.0, "stack_peak", U32, Access::R),
    Attribute::new(STACK_BOOT.0, "stack_boot", U32, Access::R),
    Attribute::new(PAIR_NS.0, "pair_ns", U32, Access::R),
    Attribute::new(RESUME_NS.0, "resume_ns", U32, Access::R),
    Attribute::new(UPTIME_MS.0, "uptime_ms", U32, Access::R),
];
const COMMANDS: [Command<'static>; 1] = [Command::new(EXIT.0, "exit", &[]).admin()];

/// The capability's descriptor.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "qemu_probe", 1, &ATTRIBUTES, &COMMANDS, &[]);
