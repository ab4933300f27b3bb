//! What the appliance keeps across reboots: its pairings and its lifetime
//! count of failed pairing attempts.

use heapless::Vec;

/// One paired phone, as the appliance stores it (or one appliance, as a
/// phone stores it).
#[derive(Clone, PartialEq, Eq)]
pub struct Pairing {
    /// The peer's X25519 static public key: the pairing's identity.
    pub peer_static: [u8; 32],
    /// The pairing secret: the PSK of every resumption.
    pub psk: [u8; 32],
    /// Whether the phone is an admin (the first paired phone is).
    pub admin: bool,
    /// The highest resumption replay guard accepted (appliance) or sent
    /// (phone).
    pub resume_counter: u64,
}

impl core::fmt::Debug for Pairing {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pairing")
            .field("peer_static", &self.peer_static)
            .field("admin", &self.admin)
            .field("resume_counter", &self.resume_counter)
            .finish_non_exhaustive()
    }
}

/// Why persistent storage refused a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum StoreError {
    /// No room for another pairing.
    #[error("pairing table full")]
    Full,
    /// The medium failed.
    #[error("storage write failed")]
    Io,
}

/// Persistent storage for the appliance side. Every `set_*`/`put` must be
/// durable (written through to flash) before it returns `Ok`.
pub trait PairingStore {
    /// Failed pairing attempts over the appliance's lifetime.
    fn lifetime_failures(&self) -> u32;
    /// Durably records the lifetime failure count.
    fn set_lifetime_failures(&mut self, n: u32) -> Result<(), StoreError>;
    /// The pairing with this peer static key.
    fn get(&self, peer_static: &[u8; 32]) -> Option<Pairing>;
    /// Adds or replaces a pairing.
    fn put(&mut self, pairing: Pairing) -> Result<(), StoreError>;
    /// Removes a pairing; whether it existed.
    fn remove(&mut self, peer_static: &[u8; 32]) -> Result<bool, StoreError>;
    /// Number of pairings held.
    fn len(&self) -> usize;
    /// Whether no phone is paired.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The static key of the `i`th pairing, for listing.
    fn peer_at(&self, i: usize) -> Option<[u8; 32]>;
}

/// A RAM-backed store of up to `N` pairings, for tests and for firmware that
/// mirrors it to flash itself.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore<const N: usize> {
    pairings: Vec<Pairing, N>,
    failures: u32,
}

impl<const N: usize> MemoryStore<N> {
    /// An empty store.
    pub const fn new() -> Self {
        MemoryStore {
            pairings: Vec::new(),
            failures: 0,
        }
    }
}

impl<const N: usize> PairingStore for MemoryStore<N> {
    fn lifetime_failures(&self) -> u32 {
        self.failures
    }

    fn set_lifetime_failures(&mut self, n: u32) -> Result<(), StoreError> {
        self.failures = n;
        Ok(())
    }

    fn get(&self, peer_static: &[u8; 32]) -> Option<Pairing> {
        self.pairings
            .iter()
            .find(|p| &p.peer_static == peer_static)
            .cloned()
    }

    fn put(&mut self, pairing: Pairing) -> Result<(), StoreError> {
        if let Some(slot) = self
            .pairings
            .iter_mut()
            .find(|p| p.peer_static == pairing.peer_static)
        {
            *slot = pairing;
            return Ok(());
        }
        self.pairings.push(pairing).map_err(|_| StoreError::Full)
    }

    fn remove(&mut self, peer_static: &[u8; 32]) -> Result<bool, StoreError> {
        match self
            .pairings
            .iter()
            .position(|p| &p.peer_static == peer_static)
        {
            Some(i) => {
                self.pairings.swap_remove(i);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn len(&self) -> usize {
        self.pairings.len()
    }

    fn peer_at(&self, i: usize) -> Option<[u8; 32]> {
        self.pairings.get(i).map(|p| p.peer_static)
    }
}
