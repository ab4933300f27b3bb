//! What the appliance keeps across reboots: its pairings and its lifetime
//! count of failed pairing attempts.
//!
//! A [`Pairing`] has a fixed-size stored form ([`Pairing::to_bytes`],
//! [`Pairing::from_bytes`]) for flash records and phone files,
//! [`PAIRING_LEN`] bytes, little-endian, without a version (the container
//! that holds it carries one):
//!
//! ```text
//!  offset  len  field
//!       0   32  peer_static     X25519 public key
//!      32   32  psk             pairing secret
//!      64    1  admin           0x00 or 0x01; anything else is Corrupt
//!      65    8  resume_counter  u64 little-endian
//!      73       (end)
//! ```
//!
//! `spec/HANDSHAKE.md` section 6 specifies it with a worked example.

use heapless::Vec;

/// One paired phone, as the appliance stores it (or one appliance, as a
/// phone stores it). Zeroized when dropped (every copy erases its pairing
/// secret), and not comparable: compare the public fields, or
/// [`to_bytes`](Pairing::to_bytes) in a test.
#[derive(Clone)]
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

/// Offsets of the fields of a stored [`Pairing`].
mod field {
    use core::ops::Range;

    pub const PEER_STATIC: Range<usize> = 0..32;
    pub const PSK: Range<usize> = 32..64;
    pub const ADMIN: usize = 64;
    pub const RESUME_COUNTER: Range<usize> = 65..73;
}

/// Length of a stored [`Pairing`]: 32 + 32 + 1 + 8 bytes.
pub const PAIRING_LEN: usize = field::RESUME_COUNTER.end;

impl Pairing {
    /// The stored form (see the [module docs](self)).
    ///
    /// ```
    /// use applink::session::store::{PAIRING_LEN, Pairing};
    ///
    /// let pairing = Pairing {
    ///     peer_static: [0x11; 32],
    ///     psk: [0x22; 32],
    ///     admin: true,
    ///     resume_counter: 0x0102_0304_0506_0708,
    /// };
    /// let bytes = pairing.to_bytes();
    /// assert_eq!(bytes.len(), PAIRING_LEN);
    /// assert_eq!(bytes[64..], [0x01, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01]);
    /// assert_eq!(Pairing::from_bytes(&bytes).unwrap().to_bytes(), pairing.to_bytes());
    /// ```
    pub fn to_bytes(&self) -> [u8; PAIRING_LEN] {
        let mut out = [0u8; PAIRING_LEN];
        out[field::PEER_STATIC].copy_from_slice(&self.peer_static);
        out[field::PSK].copy_from_slice(&self.psk);
        out[field::ADMIN] = u8::from(self.admin);
        out[field::RESUME_COUNTER].copy_from_slice(&self.resume_counter.to_le_bytes());
        out
    }

    /// Parses the stored form; an admin byte other than 0 or 1 is
    /// [`StoreError::Corrupt`]. Never panics.
    pub fn from_bytes(bytes: &[u8; PAIRING_LEN]) -> Result<Pairing, StoreError> {
        let mut peer_static = [0u8; 32];
        peer_static.copy_from_slice(&bytes[field::PEER_STATIC]);
        let mut psk = [0u8; 32];
        psk.copy_from_slice(&bytes[field::PSK]);
        let admin = match bytes[field::ADMIN] {
            0 => false,
            1 => true,
            _ => return Err(StoreError::Corrupt),
        };
        let mut counter = [0u8; 8];
        counter.copy_from_slice(&bytes[field::RESUME_COUNTER]);
        Ok(Pairing {
            peer_static,
            psk,
            admin,
            resume_counter: u64::from_le_bytes(counter),
        })
    }
}

crate::crypto::zeroize_on_drop!(Pairing {
    peer_static,
    psk,
    admin,
    resume_counter
});

impl core::fmt::Debug for Pairing {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pairing")
            .field("peer_static", &self.peer_static)
            .field("admin", &self.admin)
            .field("resume_counter", &self.resume_counter)
            .finish_non_exhaustive()
    }
}

/// Why persistent storage refused a write, or why stored bytes were
/// refused on reading.
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
    /// Stored bytes do not parse: a field holds a value its layout does not
    /// allow, or the record is truncated.
    #[error("stored data corrupt")]
    Corrupt,
}

/// Persistent storage for the appliance side. Every `set_*`/`put` must be
/// durable (written through to flash) before it returns `Ok`.
pub trait PairingStore {
    /// Failed pairing attempts since the last successful pairing: a report
    /// for admins (no rule reads it).
    fn lifetime_failures(&self) -> u32;
    /// Durably records the failure count.
    fn set_lifetime_failures(&mut self, n: u32) -> Result<(), StoreError>;
    /// The replay-guard floor: at least every resumption guard a removed
    /// pairing ever accepted. A new pairing starts its guard here, so a
    /// resumption captured before a phone was removed and paired again is
    /// still refused. Survives factory reset.
    fn guard_floor(&self) -> u64;
    /// Durably records the replay-guard floor.
    fn set_guard_floor(&mut self, floor: u64) -> Result<(), StoreError>;
    /// How many pairings the store can hold.
    fn capacity(&self) -> usize;
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
    floor: u64,
}

impl<const N: usize> MemoryStore<N> {
    /// An empty store.
    pub const fn new() -> Self {
        MemoryStore {
            pairings: Vec::new(),
            failures: 0,
            floor: 0,
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

    fn guard_floor(&self) -> u64 {
        self.floor
    }

    fn set_guard_floor(&mut self, floor: u64) -> Result<(), StoreError> {
        self.floor = floor;
        Ok(())
    }

    fn capacity(&self) -> usize {
        N
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of `spec/HANDSHAKE.md` section 6.1.
    const EXAMPLE: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\
                           202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f\
                           01\
                           0807060504030201";

    fn example() -> Pairing {
        Pairing {
            peer_static: core::array::from_fn(|i| i as u8),
            psk: core::array::from_fn(|i| 0x20 + i as u8),
            admin: true,
            resume_counter: 0x0102_0304_0506_0708,
        }
    }

    fn unhex<const N: usize>(s: &str) -> [u8; N] {
        let s: std::string::String = s.split_whitespace().collect();
        let v = hex::decode(s).unwrap();
        v.try_into().unwrap()
    }

    #[test]
    fn worked_example_both_ways() {
        let bytes: [u8; PAIRING_LEN] = unhex(EXAMPLE);
        assert_eq!(PAIRING_LEN, 73);
        assert_eq!(example().to_bytes(), bytes);
        assert_eq!(Pairing::from_bytes(&bytes).unwrap().to_bytes(), bytes);
        let spec: std::string::String = include_str!("../../spec/HANDSHAKE.md")
            .split_whitespace()
            .collect();
        let want: std::string::String = EXAMPLE.split_whitespace().collect();
        assert!(spec.contains(&want), "spec/HANDSHAKE.md 6.1 differs");
    }

    #[test]
    fn zeroize_clears_the_pairing_secret() {
        use zeroize::Zeroize;
        let mut pairing = example();
        pairing.zeroize();
        assert_eq!(pairing.psk, [0; 32]);
        assert_eq!(pairing.to_bytes(), [0; PAIRING_LEN]);
    }

    #[test]
    fn admin_byte_must_be_zero_or_one() {
        let mut bytes = example().to_bytes();
        bytes[64] = 0;
        assert!(!Pairing::from_bytes(&bytes).unwrap().admin);
        for b in 2..=u8::MAX {
            bytes[64] = b;
            assert_eq!(Pairing::from_bytes(&bytes).err(), Some(StoreError::Corrupt));
        }
    }
}
