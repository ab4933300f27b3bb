//! Reading a received descriptor: a checked, borrowed walk with no
//! allocator, lookups by id, and (with `alloc`) an owned form for phones.

#[cfg(feature = "alloc")]
use crate::message::DescriptorHash;
use crate::message::{AttributeId, CapabilityId, CommandId, EndpointId, EventId};

use super::types::{Attribute, Capability, Command, Device, Endpoint, EventDesc};
use super::{DescriptorError, validate};

/// Decodes and checks an encoded descriptor, borrowing from `bytes`.
///
/// Every nested list is checked element by element here, so walking the
/// result cannot fail; the descriptor's well-formedness rules
/// ([`validate::check_device`]) hold as well. Trailing bytes are rejected.
/// Never panics, never allocates, and uses bounded stack: the descriptor's
/// nesting depth is fixed by its types.
pub fn decode(bytes: &[u8]) -> Result<Device<'_>, DescriptorError> {
    let (device, rest) =
        postcard::take_from_bytes::<Device<'_>>(bytes).map_err(|_| DescriptorError::Malformed)?;
    if !rest.is_empty() {
        return Err(DescriptorError::Malformed);
    }
    validate::check_device(&device)?;
    Ok(device)
}

impl<'a> Device<'a> {
    /// The endpoint with this id.
    pub fn endpoint(&self, id: EndpointId) -> Option<Endpoint<'a>> {
        self.endpoints.iter().find(|e| e.id == id)
    }

    /// The capability `capability` on endpoint `endpoint`.
    pub fn capability(
        &self,
        endpoint: EndpointId,
        capability: CapabilityId,
    ) -> Option<Capability<'a>> {
        self.endpoint(endpoint)?.capability(capability)
    }
}

impl<'a> Endpoint<'a> {
    /// The capability with this id.
    pub fn capability(&self, id: CapabilityId) -> Option<Capability<'a>> {
        self.capabilities.iter().find(|c| c.id == id)
    }
}

impl<'a> Capability<'a> {
    /// The attribute with this id.
    pub fn attribute(&self, id: AttributeId) -> Option<Attribute<'a>> {
        self.attributes.iter().find(|a| a.id == id)
    }

    /// The command with this id.
    pub fn command(&self, id: CommandId) -> Option<Command<'a>> {
        self.commands.iter().find(|c| c.id == id)
    }

    /// The event with this id.
    pub fn event(&self, id: EventId) -> Option<EventDesc<'a>> {
        self.events.iter().find(|e| e.id == id)
    }

    /// The attribute with this name key.
    pub fn attribute_named(&self, name: &str) -> Option<Attribute<'a>> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// A received descriptor owned by the phone: the checked encoding and its
/// hash. Views into it ([`OwnedDescriptor::device`]) borrow from it.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedDescriptor {
    bytes: alloc::vec::Vec<u8>,
    hash: DescriptorHash,
}

#[cfg(feature = "alloc")]
impl OwnedDescriptor {
    /// Checks `bytes` as a descriptor ([`decode`]) and takes it.
    pub fn from_vec(bytes: alloc::vec::Vec<u8>) -> Result<Self, DescriptorError> {
        decode(&bytes)?;
        let hash = super::hash::hash_bytes(&bytes);
        Ok(OwnedDescriptor { bytes, hash })
    }

    /// As [`OwnedDescriptor::from_vec`], also requiring the hash announced
    /// for it.
    pub fn from_vec_with_hash(
        bytes: alloc::vec::Vec<u8>,
        expected: &DescriptorHash,
    ) -> Result<Self, DescriptorError> {
        let owned = Self::from_vec(bytes)?;
        if owned.hash != *expected {
            return Err(DescriptorError::HashMismatch);
        }
        Ok(owned)
    }

    /// The descriptor.
    pub fn device(&self) -> Device<'_> {
        // The bytes were checked by `decode` when this value was made and
        // never change, so decoding them again succeeds.
        decode(&self.bytes).unwrap_or(Device::EMPTY)
    }

    /// The encoding.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The fingerprint.
    pub fn hash(&self) -> DescriptorHash {
        self.hash
    }
}
