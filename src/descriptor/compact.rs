//! The descriptor as it travels: standard capabilities by catalog
//! reference, vendor capabilities in full (`spec/INTERACTION.md`, section 2).
//!
//! A [`CatalogRef`] names a standard capability's id, revision and feature
//! bits, and which of its optional elements the instance has; the receiver
//! expands it from its own copy of the [`catalog`](crate::catalog) into a
//! full [`Capability`] of the present elements ([`Expanded`]). A receiver
//! without that `(id, revision)` fetches the one definition with
//! `DescribeCapability`.

use core::fmt;

use serde::ser::{SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};

use crate::message::{AttributeId, CapabilityId, CommandId, EndpointId, EventId, Item, Seq};

use super::DescriptorError as E;
use super::types::{Capability, Conformance, DeviceInfo, DeviceTypeRef};

/// A descriptor as encoded on the wire: identity and endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Compact<'a> {
    /// Identity and versions.
    pub info: DeviceInfo,
    /// The endpoints, in increasing id order.
    #[serde(borrow)]
    pub endpoints: Seq<'a, CompactEndpoint<'a>>,
}

/// An endpoint of a [`Compact`] descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CompactEndpoint<'a> {
    /// The endpoint's id.
    pub id: EndpointId,
    /// The device types this endpoint implements.
    #[serde(borrow)]
    pub device_types: Seq<'a, DeviceTypeRef>,
    /// The capabilities, in increasing id order.
    #[serde(borrow)]
    pub capabilities: Seq<'a, CapabilityEntry<'a>>,
}

/// One capability of an endpoint: a reference into the standard catalog,
/// or a vendor capability in full.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CapabilityEntry<'a> {
    /// 0: a standard capability, by reference.
    Standard(CatalogRef),
    /// 1: a vendor capability, every element in full.
    Vendor(#[serde(borrow)] Capability<'a>),
}

impl CapabilityEntry<'_> {
    /// The capability's id.
    pub const fn id(&self) -> CapabilityId {
        match self {
            CapabilityEntry::Standard(r) => r.id,
            CapabilityEntry::Vendor(c) => c.id,
        }
    }
}

/// A standard capability by reference: `(id, revision)` names a catalog
/// entry; `features` and `present` say which of its elements this instance
/// has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CatalogRef {
    /// The standard capability's id.
    pub id: CapabilityId,
    /// The catalog revision implemented.
    pub revision: u16,
    /// Feature bits implemented.
    pub features: u32,
    /// The optional elements present.
    pub present: Present,
}

/// Which optional elements of a standard capability an instance has: bit
/// `n` of each set is the optional element with id `n`. Mandatory elements
/// are always present, feature-conditioned ones exactly with their feature
/// bit; neither is named here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Present {
    /// Optional attributes present.
    pub attributes: u64,
    /// Optional commands present.
    pub commands: u64,
    /// Optional events present.
    pub events: u64,
}

impl Present {
    /// No optional element.
    pub const NONE: Present = Present {
        attributes: 0,
        commands: 0,
        events: 0,
    };

    /// Every optional element `capability` defines.
    pub fn all_of(capability: &Capability<'_>) -> Present {
        fn bits(items: impl Iterator<Item = (u16, Conformance)>) -> u64 {
            items
                .filter(|(id, c)| *c == Conformance::Optional && *id < 64)
                .fold(0, |m, (id, _)| m | 1 << id)
        }
        Present {
            attributes: bits(
                capability
                    .attributes
                    .iter()
                    .map(|a| (a.id.0, a.conformance)),
            ),
            commands: bits(capability.commands.iter().map(|c| (c.id.0, c.conformance))),
            events: bits(capability.events.iter().map(|e| (e.id.0, e.conformance))),
        }
    }
}

/// An attribute, command or event of a capability, as a configuration
/// error names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Element {
    /// An attribute.
    Attribute(AttributeId),
    /// A command.
    Command(CommandId),
    /// An event.
    Event(EventId),
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Element::Attribute(a) => write!(f, "attribute {}", a.0),
            Element::Command(c) => write!(f, "command {}", c.0),
            Element::Event(e) => write!(f, "event {}", e.0),
        }
    }
}

/// A capability restricted to the elements one instance has: its
/// encoding is the full `Capability` encoding of those elements, the form
/// a vendor capability travels in and a phone expands a [`CatalogRef`] to.
#[derive(Debug, Clone, Copy)]
pub struct Expanded<'x, 'a> {
    /// The capability's full definition (a catalog entry).
    pub capability: &'x Capability<'a>,
    /// Feature bits implemented.
    pub features: u32,
    /// The optional elements present.
    pub present: Present,
}

impl<'x, 'a> Expanded<'x, 'a> {
    /// The instance of `capability` with `present`'s optional elements.
    pub const fn new(capability: &'x Capability<'a>, present: Present) -> Self {
        Expanded {
            capability,
            features: capability.features,
            present,
        }
    }

    /// Whether the instance has the attribute `id`.
    pub fn has_attribute(&self, id: AttributeId) -> bool {
        self.capability.attributes.iter().any(|a| {
            a.id == id
                && a.conformance
                    .present(id.0, self.features, self.present.attributes)
        })
    }

    /// Checks that every element `present` names is an optional element of
    /// the capability.
    pub fn check(&self) -> Result<(), E> {
        let cap = self.capability;
        let optional = Present::all_of(cap);
        let stray = [
            (self.present.attributes & !optional.attributes, 0),
            (self.present.commands & !optional.commands, 1),
            (self.present.events & !optional.events, 2),
        ];
        for (bits, kind) in stray {
            if bits != 0 {
                let id = bits.trailing_zeros() as u16;
                let element = match kind {
                    0 => Element::Attribute(AttributeId(id)),
                    1 => Element::Command(CommandId(id)),
                    _ => Element::Event(EventId(id)),
                };
                return Err(E::NotOptional {
                    capability: cap.id,
                    element,
                });
            }
        }
        Ok(())
    }

    /// The reference that names this instance in a compact descriptor.
    pub const fn reference(&self) -> CatalogRef {
        CatalogRef {
            id: self.capability.id,
            revision: self.capability.revision,
            features: self.features,
            present: self.present,
        }
    }
}

/// The elements of `items` that pass `keep`, encoded as a [`Seq`].
struct Filtered<'x, 'a, T, F>(&'x Seq<'a, T>, F);

impl<'a, T: Item<'a>, F: Fn(&T) -> bool> Serialize for Filtered<'_, 'a, T, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut total = 0usize;
        let mut count = 0usize;
        for item in self.0.iter().filter(|i| (self.1)(i)) {
            // The crate's one-pass counter: nested lists are measured in
            // the same pass, not once more per level.
            total += crate::message::write::encoded_len(&item)
                .ok_or_else(|| serde::ser::Error::custom("unserializable list element"))?;
            count += 1;
        }
        let mut t = s.serialize_tuple(count + 1)?;
        t.serialize_element(&total)?;
        for item in self.0.iter().filter(|i| (self.1)(i)) {
            t.serialize_element(&item)?;
        }
        t.end()
    }
}

impl Serialize for Expanded<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (cap, f, p) = (self.capability, self.features, self.present);
        let mut t = s.serialize_tuple(7)?;
        t.serialize_element(&cap.id)?;
        t.serialize_element(cap.name)?;
        t.serialize_element(&cap.revision)?;
        t.serialize_element(&f)?;
        t.serialize_element(&Filtered(&cap.attributes, |a: &super::Attribute<'_>| {
            a.conformance.present(a.id.0, f, p.attributes)
        }))?;
        t.serialize_element(&Filtered(&cap.commands, |c: &super::Command<'_>| {
            c.conformance.present(c.id.0, f, p.commands)
        }))?;
        t.serialize_element(&Filtered(&cap.events, |e: &super::EventDesc<'_>| {
            e.conformance.present(e.id.0, f, p.events)
        }))?;
        t.end()
    }
}

/// How an instance of `capability` travels: by reference when it is
/// standard, in full otherwise.
pub(crate) struct EntryOf<'x, 'a>(pub Expanded<'x, 'a>);

impl Serialize for EntryOf<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.capability.id.is_standard() {
            s.serialize_newtype_variant("CapabilityEntry", 0, "Standard", &self.0.reference())
        } else {
            s.serialize_newtype_variant("CapabilityEntry", 1, "Vendor", &self.0)
        }
    }
}

impl<'a> Item<'a> for CompactEndpoint<'a> {}
impl<'a> Item<'a> for CapabilityEntry<'a> {}

/// The catalog entry a reference names, if this build's catalog has that
/// `(id, revision)`.
pub fn catalog_entry(r: &CatalogRef) -> Option<&'static Capability<'static>> {
    crate::catalog::by_id(r.id).filter(|c| c.revision == r.revision)
}
