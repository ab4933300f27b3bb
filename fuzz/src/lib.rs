//! Shared pieces of the stateful fuzz targets: an input cursor that turns
//! the fuzzer's bytes into a sequence of operations, the reference lamp
//! assembled for the dispatcher, and the pairing world (identities, setup
//! codes, honest peers) the handshake targets drive.
//!
//! Each stateful target reads `[op, arg, ...]` records from its input and
//! maps `op` onto its operation list with `op % COUNT`; a new operation (a
//! resumption step, say) is one more arm and one more count.

pub mod input;
pub mod lamp;
pub mod pairing;

pub use input::Input;
