//! [`Status`]: the outcome codes that travel on the wire.
//!
//! A status is an open `u16` newtype, not an enum: a code this implementation
//! does not know survives decoding and re-encoding unchanged, and shows up as
//! `Status(0x1234)`. Codes 0x0000..=0x7FFF are the standard's;
//! 0x8000..=0xFFFF are vendor-specific. Codes are never reused or renumbered.

use core::fmt;

use serde::{Deserialize, Serialize};

/// An outcome code.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Status(pub u16);

macro_rules! statuses {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)*) => {
        impl Status {
            $($(#[$doc])* pub const $name: Status = Status($code);)*

            /// The constant's name, for a code the standard defines.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($code => Some(stringify!($name)),)*
                    _ => None,
                }
            }

            /// Every code the standard defines, in numeric order.
            pub const ALL: &'static [Status] = &[$(Status($code)),*];
        }
    };
}

statuses! {
    /// The operation succeeded.
    SUCCESS = 0,
    /// The operation failed for a reason no other code describes.
    FAILURE = 1,
    /// The message could not be decoded.
    INVALID_MESSAGE = 2,
    /// The message type is unknown to the receiver.
    UNSUPPORTED_MESSAGE = 3,
    /// No common protocol version.
    UNSUPPORTED_VERSION = 4,
    /// The receiver cannot take this request now; retry later.
    BUSY = 5,
    /// The operation did not complete in time.
    TIMEOUT = 6,
    /// A table, buffer or counter is full.
    RESOURCE_EXHAUSTED = 7,
    /// The message is valid but not in the receiver's current state.
    INVALID_STATE = 8,
    /// The endpoint does not exist.
    UNSUPPORTED_ENDPOINT = 16,
    /// The endpoint has no such capability.
    UNSUPPORTED_CAPABILITY = 17,
    /// The capability has no such attribute.
    UNSUPPORTED_ATTRIBUTE = 18,
    /// The capability has no such command.
    UNSUPPORTED_COMMAND = 19,
    /// The capability has no such event.
    UNSUPPORTED_EVENT = 20,
    /// A value is outside its range, step, enumeration or length.
    CONSTRAINT_ERROR = 32,
    /// A value has the wrong type.
    INVALID_DATA_TYPE = 33,
    /// The access is not allowed (write to a read-only attribute, a user
    /// controller calling an admin command).
    ACCESS_DENIED = 34,
    /// The write's data-version precondition does not hold.
    DATA_VERSION_MISMATCH = 35,
    /// The command must be sent as a timed invoke.
    NEEDS_TIMED_INVOKE = 36,
    /// A required argument or field is missing.
    MISSING_FIELD = 37,
    /// The request needs a secured session with a paired controller.
    NEEDS_PAIRING = 48,
    /// Pairing failed: the setup code was wrong.
    WRONG_SETUP_CODE = 49,
    /// Pairing is not possible: no pairing window is open.
    PAIRING_WINDOW_CLOSED = 50,
    /// Pairing is not possible: too many failed attempts.
    LOCKED_OUT = 51,
    /// The session id is unknown or the session has ended.
    UNKNOWN_SESSION = 52,
    /// A resumption or secured frame failed authentication.
    AUTHENTICATION_FAILED = 53,
    /// Pairing refused: the appliance already holds a pairing for this
    /// phone's static key (a pairing never replaces another).
    ALREADY_PAIRED = 54,
}

impl Status {
    /// Whether this is [`Status::SUCCESS`].
    pub const fn is_success(self) -> bool {
        self.0 == 0
    }

    /// Whether this is a vendor-specific code.
    pub const fn is_vendor(self) -> bool {
        self.0 >= 0x8000
    }
}

impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "Status::{name}"),
            None => write!(f, "Status({:#06x})", self.0),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "status {:#06x}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_survive() {
        let mut buf = [0u8; 4];
        let out = postcard::to_slice(&Status(0x1234), &mut buf).unwrap();
        assert_eq!(out, &[0xB4, 0x24]);
        let back: Status = postcard::from_bytes(out).unwrap();
        assert_eq!(back, Status(0x1234));
        assert_eq!(back.name(), None);
        extern crate std;
        assert_eq!(std::format!("{back:?}"), "Status(0x1234)");
        assert_eq!(std::format!("{}", Status::BUSY), "BUSY");
    }

    #[test]
    fn codes_are_unique_and_sorted() {
        for pair in Status::ALL.windows(2) {
            assert!(pair[0] < pair[1]);
        }
        assert!(
            Status::ALL
                .iter()
                .all(|s| s.name().is_some() && !s.is_vendor())
        );
    }
}
