//! Reading a received descriptor: a checked, borrowed walk with no
//! allocator, lookups by id, and (with `alloc`) an owned form for phones.

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

#[cfg(feature = "alloc")]
use super::compact::{CatalogRef, Expanded};
#[cfg(feature = "alloc")]
use super::encode::encode_to_vec;
#[cfg(feature = "alloc")]
use crate::message::DescriptorHash;
use crate::message::{AttributeId, CapabilityId, CommandId, EndpointId, EventId};

use super::compact::{CapabilityEntry, Compact, CompactEndpoint};
use super::types::{Attribute, Capability, Command, Device, Endpoint, EventDesc};
use super::{DescriptorError, validate};

/// Decodes and checks an encoded descriptor as it travels, borrowing from
/// `bytes`.
///
/// Every nested list is checked element by element here, so walking the
/// result cannot fail; the descriptor's well-formedness rules
/// ([`validate::check_compact`]) hold as well. Trailing bytes are rejected.
/// Never panics, never allocates, and uses bounded stack: the descriptor's
/// nesting depth is fixed by its types. Catalog references are not
/// resolved here: [`catalog_entry`](super::catalog_entry) resolves one, and
/// `OwnedDescriptor` expands them all.
pub fn decode(bytes: &[u8]) -> Result<Compact<'_>, DescriptorError> {
    let device = take_all::<Compact<'_>>(bytes)?;
    validate::check_compact(&device)?;
    Ok(device)
}

/// Decodes and checks an expanded descriptor (every capability in full),
/// the form a phone keeps.
pub fn decode_device(bytes: &[u8]) -> Result<Device<'_>, DescriptorError> {
    let device = take_all::<Device<'_>>(bytes)?;
    validate::check_device(&device)?;
    Ok(device)
}

/// Decodes and checks one capability in full: a vendor capability, or the
/// definition `DescribeCapability` fetches.
pub fn decode_capability(bytes: &[u8]) -> Result<Capability<'_>, DescriptorError> {
    let capability = take_all::<Capability<'_>>(bytes)?;
    validate::check_capability(&capability)?;
    Ok(capability)
}

fn take_all<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, DescriptorError> {
    let (value, rest) =
        postcard::take_from_bytes::<T>(bytes).map_err(|_| DescriptorError::Malformed)?;
    if !rest.is_empty() {
        return Err(DescriptorError::Malformed);
    }
    Ok(value)
}

impl<'a> Compact<'a> {
    /// The endpoint with this id.
    pub fn endpoint(&self, id: EndpointId) -> Option<CompactEndpoint<'a>> {
        self.endpoints.iter().find(|e| e.id == id)
    }
}

impl<'a> CompactEndpoint<'a> {
    /// The capability entry with this id.
    pub fn capability(&self, id: CapabilityId) -> Option<CapabilityEntry<'a>> {
        self.capabilities.iter().find(|c| c.id() == id)
    }
}

impl<'a> Device<'a> {
    /// The endpoint with this id.
    pub fn endpoint(&self, id: EndpointId) -> Option<Endpoint<'a>> {
        self.endpoints.iter().find(|e| e.id == id)
    }

    /// The first endpoint that has capability `capability` (the root
    /// endpoint, for `basic_information`).
    pub fn endpoint_with(&self, capability: CapabilityId) -> Option<Endpoint<'a>> {
        self.endpoints
            .iter()
            .find(|e| e.capability(capability).is_some())
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

/// Largest expanded descriptor a phone builds, in bytes: a compact
/// descriptor of many references to large catalog entries is refused
/// rather than expanded without bound.
#[cfg(feature = "alloc")]
pub const MAX_EXPANDED_LEN: usize = 256 * 1024;

/// A capability's full definition, fetched with `DescribeCapability` for a
/// catalog reference this build cannot expand.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The endpoint whose capability it defines.
    pub endpoint: EndpointId,
    /// Its encoding: one `Capability` in full.
    pub bytes: Vec<u8>,
}

#[cfg(feature = "alloc")]
fn encode_seq(out: &mut Vec<u8>, content: &[u8]) {
    out.extend(encode_to_vec(&content.len()));
    out.extend_from_slice(content);
}

/// The expanded encoding of `compact`: every catalog reference replaced by
/// the catalog entry's present elements, or by its fetched definition.
#[cfg(feature = "alloc")]
fn expand(compact: &Compact<'_>, definitions: &[Definition]) -> Result<Vec<u8>, DescriptorError> {
    let mut endpoints = Vec::new();
    for ep in compact.endpoints.iter() {
        let mut caps = Vec::new();
        for entry in ep.capabilities.iter() {
            match entry {
                CapabilityEntry::Vendor(cap) => caps.extend(encode_to_vec(&cap)),
                CapabilityEntry::Standard(r) => match super::catalog_entry(&r) {
                    Some(entry) => {
                        let instance = Expanded {
                            capability: entry,
                            features: r.features,
                            present: r.present,
                        };
                        validate::check_reference(&instance)?;
                        caps.extend(encode_to_vec(&instance));
                    }
                    None => caps.extend_from_slice(definition(ep.id, &r, definitions)?),
                },
            }
            if endpoints.len() + caps.len() > MAX_EXPANDED_LEN {
                return Err(DescriptorError::Invalid {
                    what: "expanded descriptor too large",
                });
            }
        }
        endpoints.extend(encode_to_vec(&ep.id));
        endpoints.extend(encode_to_vec(&ep.device_types));
        encode_seq(&mut endpoints, &caps);
    }
    let mut out = encode_to_vec(&compact.info);
    encode_seq(&mut out, &endpoints);
    decode_device(&out)?;
    Ok(out)
}

/// The fetched definition of the reference `r` on `endpoint`.
#[cfg(feature = "alloc")]
fn definition<'d>(
    endpoint: EndpointId,
    r: &CatalogRef,
    definitions: &'d [Definition],
) -> Result<&'d [u8], DescriptorError> {
    let unknown = DescriptorError::UnknownCatalogEntry {
        endpoint: endpoint.0,
        capability: r.id,
        revision: r.revision,
    };
    let found = definitions
        .iter()
        .filter(|d| d.endpoint == endpoint)
        .find(|d| decode_capability(&d.bytes).is_ok_and(|c| c.id == r.id))
        .ok_or(unknown)?;
    let cap = decode_capability(&found.bytes)?;
    if cap.revision != r.revision || cap.features != r.features {
        return Err(DescriptorError::Invalid {
            what: "definition does not match its reference",
        });
    }
    Ok(&found.bytes)
}

/// A received descriptor owned by the phone: the checked encoding as it
/// travelled, its hash, and its expansion (every capability in full),
/// which views ([`OwnedDescriptor::device`]) borrow from.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedDescriptor {
    bytes: Vec<u8>,
    expanded: Vec<u8>,
    hash: DescriptorHash,
}

#[cfg(feature = "alloc")]
impl OwnedDescriptor {
    /// Checks `bytes` as a descriptor ([`decode`]), expands its catalog
    /// references from this build's catalog and takes it. A reference the
    /// catalog lacks is [`DescriptorError::UnknownCatalogEntry`]: fetch its
    /// definition and use [`OwnedDescriptor::from_parts`].
    pub fn from_vec(bytes: Vec<u8>) -> Result<Self, DescriptorError> {
        let hash = super::hash::hash_bytes(&bytes);
        Self::from_parts(bytes, &hash, &[])
    }

    /// As [`OwnedDescriptor::from_vec`], also requiring the hash announced
    /// for it.
    pub fn from_vec_with_hash(
        bytes: Vec<u8>,
        expected: &DescriptorHash,
    ) -> Result<Self, DescriptorError> {
        Self::from_parts(bytes, expected, &[])
    }

    /// As [`OwnedDescriptor::from_vec_with_hash`], expanding the catalog
    /// references this build does not know from `definitions`.
    pub fn from_parts(
        bytes: Vec<u8>,
        expected: &DescriptorHash,
        definitions: &[Definition],
    ) -> Result<Self, DescriptorError> {
        let compact = decode(&bytes)?;
        if super::hash::hash_bytes(&bytes) != *expected {
            return Err(DescriptorError::HashMismatch);
        }
        let expanded = expand(&compact, definitions)?;
        Ok(OwnedDescriptor {
            bytes,
            expanded,
            hash: *expected,
        })
    }

    /// The descriptor, every capability in full.
    pub fn device(&self) -> Device<'_> {
        // The expansion was checked by `decode_device` when this value was
        // made and never changes, so decoding it again succeeds.
        decode_device(&self.expanded).unwrap_or(Device::EMPTY)
    }

    /// The descriptor as it travelled.
    pub fn compact(&self) -> Compact<'_> {
        decode(&self.bytes).unwrap_or(Compact::EMPTY)
    }

    /// The encoding as it travelled (what the hash covers).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The expanded encoding.
    pub fn expanded_bytes(&self) -> &[u8] {
        &self.expanded
    }

    /// The fingerprint.
    pub fn hash(&self) -> DescriptorHash {
        self.hash
    }
}
