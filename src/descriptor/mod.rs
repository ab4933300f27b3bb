//! The descriptor layer: what a device is and what it can do.
//!
//! A [`Device`] lists endpoints; an [`Endpoint`] lists device types and
//! [`Capability`] instances; a capability lists typed, constrained
//! [`Attribute`]s, [`Command`]s and [`EventDesc`]s. The same types serve
//! three uses:
//!
//! - **firmware** declares its descriptor as `const`/`static` data in flash
//!   (the `const fn` constructors below and the [`catalog`](crate::catalog)),
//!   and [`encode`](fn@encode)s it, or any byte range of it, with no allocator and no
//!   RAM copy;
//! - **a microcontroller-side controller** [`decode`]s a received descriptor
//!   in place and walks it with no allocator;
//! - **a phone** keeps an [`OwnedDescriptor`] (feature `alloc`), cached by
//!   its [`hash`](hash::hash_of).
//!
//! The [`validate`] module is the one validator both sides use.
//!
//! # Contract
//!
//! [`decode`] never panics and never allocates; a descriptor it accepts
//! obeys every rule of [`validate::check_device`]. Every rejection, of a
//! descriptor or of a value, is a [`DescriptorError`], and
//! [`DescriptorError::status`] names the [`Status`] an appliance answers
//! with. The encoding and hash are specified byte by byte in
//! `spec/INTERACTION.md`.

pub(crate) mod compact;
mod decode;
pub mod encode;
pub mod hash;
mod types;
pub mod validate;

pub use compact::{
    CapabilityEntry, CatalogRef, Compact, CompactEndpoint, Element, Expanded, Present,
    catalog_entry,
};
#[cfg(feature = "alloc")]
pub use decode::{Definition, MAX_EXPANDED_LEN, OwnedDescriptor};
pub use decode::{decode, decode_capability, decode_device};
pub use encode::{encode, encode_range, encoded_len};
pub use hash::{hash_bytes, hash_of};
pub use types::{
    Access, Attribute, Capability, Command, Conformance, Device, DeviceInfo, DeviceTypeRef, Elem,
    Endpoint, EventDesc, FieldDesc, IntType, MAX_NAME, Named, Type, Unit, Width,
};

use crate::message::{Seq, Status, VendorId};

/// The privilege of the session a request arrived on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Privilege {
    /// No paired controller: only Describe is served.
    Unauthenticated,
    /// A paired controller.
    User,
    /// A paired controller with administrative rights.
    Admin,
}

/// Everything the descriptor layer rejects: malformed descriptors and values
/// that break a descriptor's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DescriptorError {
    /// The bytes do not decode as a descriptor.
    #[error("malformed descriptor")]
    Malformed,
    /// The descriptor decodes but breaks a well-formedness rule.
    #[error("invalid descriptor: {what}")]
    Invalid {
        /// The rule broken.
        what: &'static str,
    },
    /// A received descriptor does not match the hash announced for it.
    #[error("descriptor hash mismatch")]
    HashMismatch,
    /// The output buffer is too small.
    #[error("buffer too small: {needed} bytes needed")]
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
    /// No such endpoint.
    #[error("unknown endpoint")]
    UnknownEndpoint,
    /// No such capability on the endpoint.
    #[error("unknown capability")]
    UnknownCapability,
    /// No such attribute in the capability.
    #[error("unknown attribute")]
    UnknownAttribute,
    /// No such command in the capability.
    #[error("unknown command")]
    UnknownCommand,
    /// No such event in the capability.
    #[error("unknown event")]
    UnknownEvent,
    /// The value's variant is not the type's.
    #[error("wrong type")]
    WrongType,
    /// The value is outside `min..=max`.
    #[error("out of range")]
    OutOfRange,
    /// The value is not on the type's step.
    #[error("not on step")]
    NotOnStep,
    /// The value is not an enumeration member (or uses an unnamed bit).
    #[error("not a member")]
    NotAMember,
    /// The string, byte string or list is too long.
    #[error("too long")]
    TooLong,
    /// `Null` where the attribute or field is not nullable.
    #[error("null not allowed")]
    NotNullable,
    /// A field the command or event does not define.
    #[error("unknown field")]
    UnknownField,
    /// A field given twice.
    #[error("duplicate field")]
    DuplicateField,
    /// A required field is missing.
    #[error("missing field")]
    MissingField,
    /// The attribute cannot be read.
    #[error("not readable")]
    NotReadable,
    /// The attribute cannot be written.
    #[error("not writable")]
    NotWritable,
    /// The attribute cannot be subscribed to.
    #[error("not reportable")]
    NotReportable,
    /// Only an admin controller may do this.
    #[error("needs admin")]
    NeedsAdmin,
    /// Only a paired controller may do this.
    #[error("needs pairing")]
    NeedsPairing,
    /// The command must be a timed invoke.
    #[error("needs timed invoke")]
    NeedsTimedInvoke,
    /// An endpoint declares a standard device type but lacks one of the
    /// capabilities the type requires (a local configuration error).
    #[error(
        "endpoint {endpoint} declares device type {device_type:#06x} but lacks its required capability {:#06x}",
        capability.0
    )]
    MissingCapability {
        /// The endpoint.
        endpoint: u16,
        /// The device type's catalog id.
        device_type: u16,
        /// The first required capability missing.
        capability: crate::message::CapabilityId,
    },
    /// A catalog reference names an element that is not an optional
    /// element of the capability (mandatory, feature-conditioned or
    /// unknown).
    #[error("capability {:#06x}: {element} is not optional", capability.0)]
    NotOptional {
        /// The capability.
        capability: crate::message::CapabilityId,
        /// The element named.
        element: Element,
    },
    /// A capability instance advertises an element its handler does not
    /// serve (a local configuration error, found when the dispatcher is
    /// built).
    #[error(
        "endpoint {endpoint} capability {:#06x} advertises {element} but its handler does not serve it",
        capability.0
    )]
    NotServed {
        /// The endpoint.
        endpoint: u16,
        /// The capability.
        capability: crate::message::CapabilityId,
        /// The element advertised.
        element: Element,
    },
    /// A descriptor references a catalog entry this build does not have:
    /// fetch its definition with `DescribeCapability`.
    #[error(
        "endpoint {endpoint}: capability {:#06x} revision {revision} is not in the catalog",
        capability.0
    )]
    UnknownCatalogEntry {
        /// The endpoint.
        endpoint: u16,
        /// The capability.
        capability: crate::message::CapabilityId,
        /// The revision referenced.
        revision: u16,
    },
}

impl DescriptorError {
    /// The status an appliance answers with.
    pub const fn status(self) -> Status {
        use DescriptorError as E;
        match self {
            E::Malformed | E::HashMismatch => Status::INVALID_MESSAGE,
            E::Invalid { .. }
            | E::MissingCapability { .. }
            | E::NotOptional { .. }
            | E::NotServed { .. } => Status::FAILURE,
            E::UnknownCatalogEntry { .. } => Status::UNSUPPORTED_CAPABILITY,
            E::BufferTooSmall { .. } => Status::RESOURCE_EXHAUSTED,
            E::UnknownEndpoint => Status::UNSUPPORTED_ENDPOINT,
            E::UnknownCapability => Status::UNSUPPORTED_CAPABILITY,
            E::UnknownAttribute => Status::UNSUPPORTED_ATTRIBUTE,
            E::UnknownCommand => Status::UNSUPPORTED_COMMAND,
            E::UnknownEvent => Status::UNSUPPORTED_EVENT,
            E::WrongType => Status::INVALID_DATA_TYPE,
            E::OutOfRange
            | E::NotOnStep
            | E::NotAMember
            | E::TooLong
            | E::NotNullable
            | E::UnknownField
            | E::DuplicateField => Status::CONSTRAINT_ERROR,
            E::MissingField => Status::MISSING_FIELD,
            E::NotReadable | E::NotWritable | E::NotReportable | E::NeedsAdmin => {
                Status::ACCESS_DENIED
            }
            E::NeedsPairing => Status::NEEDS_PAIRING,
            E::NeedsTimedInvoke => Status::NEEDS_TIMED_INVOKE,
        }
    }
}

impl From<DescriptorError> for Status {
    fn from(e: DescriptorError) -> Status {
        e.status()
    }
}

impl Device<'_> {
    /// A device with no endpoints and empty identity.
    pub const EMPTY: Device<'static> = Device {
        info: DeviceInfo {
            vendor: VendorId(0),
            product: 0,
            hardware_version: 0,
            min_protocol: 1,
            max_protocol: 1,
        },
        endpoints: Seq::empty(),
    };
}

impl Compact<'_> {
    /// A descriptor with no endpoints and empty identity.
    pub const EMPTY: Compact<'static> = Compact {
        info: Device::EMPTY.info,
        endpoints: Seq::empty(),
    };
}

#[cfg(test)]
mod tests;
