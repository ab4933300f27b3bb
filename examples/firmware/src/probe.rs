//! The handler of the test probe capability ([`capability`]): serves what
//! the firmware measured of itself and takes the command that ends the
//! emulation.

use core::cell::Cell;

use applink::interaction::{Context, Handler, Response};
use applink::message::{AttributeId, CommandId, Field, Seq, Status, Value};

use crate::stack;

#[path = "probe_capability.rs"]
pub mod capability;

/// What the main loop measures and the handler serves.
pub struct ProbeState {
    /// Stack bytes used while the node was built at boot.
    pub stack_boot: Cell<u32>,
    /// Emulated nanoseconds the last successful pairing took.
    pub pair_ns: Cell<u32>,
    /// Emulated nanoseconds the last resumption took.
    pub resume_ns: Cell<u32>,
    /// An admin asked the firmware to stop.
    pub exit: Cell<bool>,
}

impl ProbeState {
    /// Nothing measured yet.
    pub const fn new() -> Self {
        ProbeState {
            stack_boot: Cell::new(0),
            pair_ns: Cell::new(0),
            resume_ns: Cell::new(0),
            exit: Cell::new(false),
        }
    }
}

/// [`capability::CAPABILITY`] served from a [`ProbeState`].
pub struct Probe<'a> {
    state: &'a ProbeState,
}

impl<'a> Probe<'a> {
    /// A handler over `state`.
    pub const fn new(state: &'a ProbeState) -> Self {
        Probe { state }
    }
}

impl Handler for Probe<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        let value = match attribute {
            capability::STACK_PEAK => u32::try_from(stack::peak()).unwrap_or(u32::MAX),
            capability::STACK_BOOT => self.state.stack_boot.get(),
            capability::PAIR_NS => self.state.pair_ns.get(),
            capability::RESUME_NS => self.state.resume_ns.get(),
            capability::UPTIME_MS => (crate::board::now_ns() / 1_000_000) as u32,
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        };
        Ok(Value::U32(value))
    }

    fn invoke(
        &mut self,
        command: CommandId,
        _args: &Seq<'_, Field<'_>>,
        _response: &mut Response,
        _cx: &mut Context,
    ) -> Result<(), Status> {
        match command {
            capability::EXIT => {
                self.state.exit.set(true);
                Ok(())
            }
            _ => Err(Status::UNSUPPORTED_COMMAND),
        }
    }
}
