//! What a phone keeps across restarts: its long-term X25519 secret and, per
//! appliance it paired with, the [`Pairing`] and the address it was last
//! reached at.
//!
//! [`PhoneStore`] is the trait a [`Phone`](super::phone::Phone) keeps its
//! state through; [`MemoryPhoneStore`] holds it in RAM (tests, or an app
//! that persists it itself), and, with `std`,
//! [`FileStore`](super::file_store::FileStore) keeps it in one file.
//!
//! # Contract
//!
//! Every `set_*`, `put_*` and `remove_*` is durable before it returns `Ok`:
//! the phone stores the advanced resumption guard before it sends the
//! request that uses it (`spec/HANDSHAKE.md` section 4), so a guard is
//! never reused after a crash. A failed write returns a [`StoreError`] and
//! leaves the stored state as it was.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::session::pairing::DeviceId;
use crate::session::store::{Pairing, StoreError};

/// One appliance the phone paired with. Not comparable: it holds the
/// pairing secret (which [`Pairing`] zeroizes when dropped).
#[derive(Clone)]
pub struct KnownAppliance {
    /// The pairing: the appliance's static key, the pairing secret, the
    /// admin flag and the last resumption guard sent.
    pub pairing: Pairing,
    /// Where the appliance was last reached (a transport's address, as
    /// text: `"192.0.2.7:5540"`), if known.
    pub last_address: Option<String>,
}

impl core::fmt::Debug for KnownAppliance {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // `Pairing`'s own Debug leaves the pairing secret out.
        f.debug_struct("KnownAppliance")
            .field("pairing", &self.pairing)
            .field("last_address", &self.last_address)
            .finish()
    }
}

/// Persistent storage for the phone side.
///
/// ```
/// use applink::node::store::{KnownAppliance, MemoryPhoneStore, PhoneStore};
/// use applink::session::store::Pairing;
///
/// let mut store = MemoryPhoneStore::new();
/// assert_eq!(store.static_secret(), None);
/// store.set_static_secret([7; 32]).unwrap();
/// let known = KnownAppliance {
///     pairing: Pairing { peer_static: [1; 32], psk: [2; 32], admin: true, resume_counter: 0 },
///     last_address: Some("127.0.0.1:5540".into()),
/// };
/// store.put_appliance(*b"APPLNK01", known.clone()).unwrap();
/// let stored = store.appliance(b"APPLNK01").unwrap();
/// assert_eq!(stored.pairing.to_bytes(), known.pairing.to_bytes());
/// assert_eq!(stored.last_address, known.last_address);
/// assert_eq!(store.appliances(), [*b"APPLNK01"]);
/// assert_eq!(store.remove_appliance(b"APPLNK01"), Ok(true));
/// ```
pub trait PhoneStore {
    /// The phone's long-term X25519 secret, once one was stored.
    fn static_secret(&self) -> Option<[u8; 32]>;
    /// Durably stores the phone's long-term X25519 secret.
    fn set_static_secret(&mut self, secret: [u8; 32]) -> Result<(), StoreError>;
    /// What the phone knows of this appliance.
    fn appliance(&self, device_id: &DeviceId) -> Option<KnownAppliance>;
    /// Durably adds or replaces an appliance.
    fn put_appliance(
        &mut self,
        device_id: DeviceId,
        known: KnownAppliance,
    ) -> Result<(), StoreError>;
    /// Durably forgets an appliance; whether it was known.
    fn remove_appliance(&mut self, device_id: &DeviceId) -> Result<bool, StoreError>;
    /// Every known appliance's device id, in increasing order.
    fn appliances(&self) -> Vec<DeviceId>;
}

/// A [`PhoneStore`] in RAM. Its static secret is zeroized when it is
/// dropped, and every pairing erases its own secret.
#[derive(Clone, Default)]
pub struct MemoryPhoneStore {
    static_secret: Option<[u8; 32]>,
    appliances: BTreeMap<DeviceId, KnownAppliance>,
}

impl Drop for MemoryPhoneStore {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.static_secret);
    }
}

impl core::fmt::Debug for MemoryPhoneStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The static secret is left out.
        f.debug_struct("MemoryPhoneStore")
            .field("appliances", &self.appliances)
            .finish_non_exhaustive()
    }
}

impl MemoryPhoneStore {
    /// An empty store.
    pub const fn new() -> Self {
        MemoryPhoneStore {
            static_secret: None,
            appliances: BTreeMap::new(),
        }
    }

    /// Number of known appliances.
    pub fn len(&self) -> usize {
        self.appliances.len()
    }

    /// Whether no appliance is known.
    pub fn is_empty(&self) -> bool {
        self.appliances.is_empty()
    }

    /// The known appliances, in device id order.
    pub fn iter(&self) -> impl Iterator<Item = (&DeviceId, &KnownAppliance)> {
        self.appliances.iter()
    }
}

impl PhoneStore for MemoryPhoneStore {
    fn static_secret(&self) -> Option<[u8; 32]> {
        self.static_secret
    }

    fn set_static_secret(&mut self, secret: [u8; 32]) -> Result<(), StoreError> {
        self.static_secret = Some(secret);
        Ok(())
    }

    fn appliance(&self, device_id: &DeviceId) -> Option<KnownAppliance> {
        self.appliances.get(device_id).cloned()
    }

    fn put_appliance(
        &mut self,
        device_id: DeviceId,
        known: KnownAppliance,
    ) -> Result<(), StoreError> {
        self.appliances.insert(device_id, known);
        Ok(())
    }

    fn remove_appliance(&mut self, device_id: &DeviceId) -> Result<bool, StoreError> {
        Ok(self.appliances.remove(device_id).is_some())
    }

    fn appliances(&self) -> Vec<DeviceId> {
        self.appliances.keys().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(n: u8) -> KnownAppliance {
        KnownAppliance {
            pairing: Pairing {
                peer_static: [n; 32],
                psk: [0xEE; 32],
                admin: n.is_multiple_of(2),
                resume_counter: u64::from(n),
            },
            last_address: None,
        }
    }

    #[test]
    fn put_get_replace_remove() {
        let mut s = MemoryPhoneStore::new();
        assert!(s.is_empty());
        s.put_appliance(*b"BBBBBBBB", known(2)).unwrap();
        s.put_appliance(*b"AAAAAAAA", known(1)).unwrap();
        assert_eq!(s.appliances(), [*b"AAAAAAAA", *b"BBBBBBBB"]);
        s.put_appliance(*b"AAAAAAAA", known(3)).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            s.appliance(b"AAAAAAAA").map(|k| k.pairing.to_bytes()),
            Some(known(3).pairing.to_bytes())
        );
        assert_eq!(s.remove_appliance(b"AAAAAAAA"), Ok(true));
        assert_eq!(s.remove_appliance(b"AAAAAAAA"), Ok(false));
        assert!(s.appliance(b"AAAAAAAA").is_none());
    }

    #[test]
    fn debug_leaves_the_secret_out() {
        let shown = std::format!("{:?}", known(1));
        assert!(!shown.contains("238"), "{shown}"); // 0xEE
        assert!(shown.contains("last_address"));
    }
}
