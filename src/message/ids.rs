//! Identifier newtypes and their ranges.
//!
//! Every identifier is encoded as its inner integer (a postcard varint), so
//! small standard ids cost one byte on the wire.
//!
//! | type | width | standard | vendor-specific | reserved |
//! |---|---|---|---|---|
//! | [`EndpointId`] | u16 | 0 = root (device-wide), 1..=0xFFFE application endpoints | - | 0xFFFF |
//! | [`CapabilityId`] | u32 | vendor prefix 0: 0x0001..=0xFFFF | vendor prefix (bits 16..32) = [`VendorId`] != 0 | 0 |
//! | [`AttributeId`] | u16 | 0x0000..=0x7FFF per capability | 0x8000..=0xEFFF vendor extensions | 0xF000..=0xFFFF global |
//! | [`CommandId`] | u16 | 0x0000..=0x7FFF | 0x8000..=0xFFFF | - |
//! | [`EventId`] | u16 | 0x0000..=0x7FFF | 0x8000..=0xFFFF | - |
//! | [`FieldId`] | u16 | 0x0000..=0x7FFF | 0x8000..=0xFFFF | - |
//! | [`VendorId`] | u16 | 0 = the standard itself | 1..=0xFFF0 assigned | 0xFFF1..=0xFFF4 test vendors |

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident($int:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        pub struct $name(pub $int);

        impl From<$int> for $name {
            fn from(raw: $int) -> Self {
                $name(raw)
            }
        }

        impl From<$name> for $int {
            fn from(id: $name) -> $int {
                id.0
            }
        }

        impl super::seq::Item<'_> for $name {}
    };
}

id!(
    /// An endpoint: one functional unit of a device (a lamp's light, a
    /// washer's drum). Endpoint 0 is the root: device information and
    /// pairing management.
    EndpointId(u16)
);
id!(
    /// A capability: a standard catalog entry or a vendor-specific one.
    /// Bits 16..32 hold the defining [`VendorId`] (0 for the standard).
    CapabilityId(u32)
);
id!(
    /// An attribute of a capability.
    AttributeId(u16)
);
id!(
    /// A command of a capability.
    CommandId(u16)
);
id!(
    /// An event of a capability.
    EventId(u16)
);
id!(
    /// A field of a command's arguments, a command's response or an event.
    FieldId(u16)
);
id!(
    /// A vendor. 0 is the standard itself.
    VendorId(u16)
);

impl EndpointId {
    /// The root endpoint: device information, pairing management.
    pub const ROOT: EndpointId = EndpointId(0);
    /// Reserved; never a real endpoint.
    pub const RESERVED: EndpointId = EndpointId(0xFFFF);
}

impl VendorId {
    /// The standard itself: ids with this prefix are catalog ids.
    pub const STANDARD: VendorId = VendorId(0);

    /// Whether this is one of the four test vendors (0xFFF1..=0xFFF4).
    pub const fn is_test(self) -> bool {
        self.0 >= 0xFFF1 && self.0 <= 0xFFF4
    }
}

impl CapabilityId {
    /// A vendor-specific capability: `vendor`'s capability number `local`.
    pub const fn vendor(vendor: VendorId, local: u16) -> CapabilityId {
        CapabilityId(((vendor.0 as u32) << 16) | local as u32)
    }

    /// The vendor that defines this capability ([`VendorId::STANDARD`] for
    /// catalog capabilities).
    pub const fn vendor_id(self) -> VendorId {
        VendorId((self.0 >> 16) as u16)
    }

    /// The capability number within its vendor's space.
    pub const fn local(self) -> u16 {
        self.0 as u16
    }

    /// Whether this is a standard catalog capability (vendor prefix 0, not 0).
    pub const fn is_standard(self) -> bool {
        self.0 != 0 && self.0 >> 16 == 0
    }
}

impl AttributeId {
    /// Global attribute: the capability revision implemented.
    pub const REVISION: AttributeId = AttributeId(0xFFFD);
    /// Global attribute: the feature bits implemented.
    pub const FEATURES: AttributeId = AttributeId(0xFFFC);

    /// Whether the capability itself defines this attribute.
    pub const fn is_standard(self) -> bool {
        self.0 < 0x8000
    }

    /// Whether this is a vendor extension attribute.
    pub const fn is_vendor(self) -> bool {
        self.0 >= 0x8000 && self.0 < 0xF000
    }

    /// Whether this is a global attribute, with the same meaning in every
    /// capability.
    pub const fn is_global(self) -> bool {
        self.0 >= 0xF000
    }
}

impl CommandId {
    /// Whether this is a vendor-specific command.
    pub const fn is_vendor(self) -> bool {
        self.0 >= 0x8000
    }
}

impl EventId {
    /// Whether this is a vendor-specific event.
    pub const fn is_vendor(self) -> bool {
        self.0 >= 0x8000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let c = CapabilityId::vendor(VendorId(0xFFF1), 7);
        assert_eq!(c.0, 0xFFF1_0007);
        assert_eq!(c.vendor_id(), VendorId(0xFFF1));
        assert!(c.vendor_id().is_test());
        assert_eq!(c.local(), 7);
        assert!(!c.is_standard());
        assert!(CapabilityId(6).is_standard());
        assert!(!CapabilityId(0).is_standard());
        assert!(AttributeId(1).is_standard());
        assert!(AttributeId(0x8001).is_vendor());
        assert!(AttributeId::REVISION.is_global());
        assert!(CommandId(0x8000).is_vendor());
        assert!(!EventId(3).is_vendor());
    }

    #[test]
    fn ids_are_bare_varints() {
        let mut buf = [0u8; 8];
        assert_eq!(
            postcard::to_slice(&CapabilityId(6), &mut buf).unwrap(),
            &[6]
        );
        assert_eq!(
            postcard::to_slice(&CapabilityId::vendor(VendorId(1), 1), &mut buf).unwrap(),
            &[0x81, 0x80, 0x04]
        );
        assert_eq!(
            postcard::to_slice(&AttributeId(0xFFFD), &mut buf).unwrap(),
            &[0xFD, 0xFF, 0x03]
        );
    }
}
