//! The pairing store, kept in RAM exactly as it would sit in a flash page.
//!
//! A product keeps this image in one erasable flash page (or two, for a
//! power-safe swap) and writes it through before `put`/`remove` return; on
//! QEMU the page is an array in RAM, so pairings last until the board is
//! reset, which is all the end-to-end test needs. The layout is the one a
//! NOR flash allows: erased bytes read `0xFF`, a program only clears bits.
//!
//! ```text
//!  offset        len  field
//!       0          4  magic "ALP1" (absent: a blank page, no pairings)
//!       4          4  failed pairing attempts since the last success, u32 LE
//!       8          8  replay-guard floor, u64 little-endian
//!      16   76 * N    N slots, each:
//!                       0   1  state: 0xFF erased, 0x01 valid, 0x00 removed
//!                       1  73  the pairing, `Pairing::to_bytes`
//!                      74   2  0xFF padding (slots stay 4-byte aligned)
//! ```
//!
//! Removing a pairing clears its state byte (a program, no erase); storing
//! one takes an erased slot, or rewrites the slot of the same phone (on
//! flash: a page rewrite). When no slot is erased but some were removed,
//! the page is compacted (on flash: erased and its valid slots programmed
//! again). A slot whose bytes do not parse is skipped, as
//! `Pairing::from_bytes` refuses it.

use applink::session::store::{PAIRING_LEN, Pairing, PairingStore, StoreError};

const MAGIC: [u8; 4] = *b"ALP1";
const HEADER: usize = 16;
const SLOT: usize = 76;
const ERASED: u8 = 0xFF;
const VALID: u8 = 0x01;
const REMOVED: u8 = 0x00;

/// The page image for `N` pairings: `16 + 76 * N` bytes.
pub struct FlashStore<const N: usize> {
    header: [u8; HEADER],
    slots: [[u8; SLOT]; N],
}

impl<const N: usize> FlashStore<N> {
    /// A blank (erased) page.
    pub const fn erased() -> Self {
        FlashStore {
            header: [ERASED; HEADER],
            slots: [[ERASED; SLOT]; N],
        }
    }

    fn valid(&self) -> impl Iterator<Item = (usize, Pairing)> + '_ {
        self.slots.iter().enumerate().filter_map(|(i, slot)| {
            let bytes: &[u8; PAIRING_LEN] = slot[1..1 + PAIRING_LEN].try_into().ok()?;
            match slot[0] {
                VALID => Pairing::from_bytes(bytes).ok().map(|p| (i, p)),
                _ => None,
            }
        })
    }

    fn slot_of(&self, peer_static: &[u8; 32]) -> Option<usize> {
        self.valid()
            .find(|(_, p)| &p.peer_static == peer_static)
            .map(|(i, _)| i)
    }

    /// Erases every slot that does not hold a valid pairing.
    fn compact(&mut self) {
        for slot in &mut self.slots {
            let bytes: Option<&[u8; PAIRING_LEN]> = slot[1..1 + PAIRING_LEN].try_into().ok();
            let valid = slot[0] == VALID && bytes.is_some_and(|b| Pairing::from_bytes(b).is_ok());
            if !valid {
                slot.fill(ERASED);
            }
        }
    }

    /// Writes the header of a blank page: magic, no failures, floor 0.
    fn format(&mut self) {
        if self.header[..4] != MAGIC {
            self.header[..4].copy_from_slice(&MAGIC);
            self.header[4..].fill(0);
        }
    }

    fn program(&mut self, i: usize, pairing: &Pairing) {
        let slot = &mut self.slots[i];
        slot[0] = VALID;
        slot[1..1 + PAIRING_LEN].copy_from_slice(&pairing.to_bytes());
        slot[1 + PAIRING_LEN..].fill(ERASED);
    }
}

impl<const N: usize> PairingStore for FlashStore<N> {
    fn lifetime_failures(&self) -> u32 {
        match self.header {
            [a, b, c, d, e, f, g, h, ..] if [a, b, c, d] == MAGIC => {
                u32::from_le_bytes([e, f, g, h])
            }
            _ => 0,
        }
    }

    fn set_lifetime_failures(&mut self, n: u32) -> Result<(), StoreError> {
        self.format();
        self.header[4..8].copy_from_slice(&n.to_le_bytes());
        Ok(())
    }

    fn guard_floor(&self) -> u64 {
        match self.header {
            [a, b, c, d, _, _, _, _, rest @ ..] if [a, b, c, d] == MAGIC => {
                u64::from_le_bytes(rest)
            }
            _ => 0,
        }
    }

    fn set_guard_floor(&mut self, floor: u64) -> Result<(), StoreError> {
        self.format();
        self.header[8..].copy_from_slice(&floor.to_le_bytes());
        Ok(())
    }

    fn capacity(&self) -> usize {
        N
    }

    fn get(&self, peer_static: &[u8; 32]) -> Option<Pairing> {
        self.valid()
            .find(|(_, p)| &p.peer_static == peer_static)
            .map(|(_, p)| p)
    }

    fn put(&mut self, pairing: Pairing) -> Result<(), StoreError> {
        let free = |store: &Self| store.slots.iter().position(|s| s[0] == ERASED);
        let slot = match self.slot_of(&pairing.peer_static).or_else(|| free(self)) {
            Some(i) => i,
            None => {
                self.compact();
                free(self).ok_or(StoreError::Full)?
            }
        };
        self.format();
        self.program(slot, &pairing);
        Ok(())
    }

    fn remove(&mut self, peer_static: &[u8; 32]) -> Result<bool, StoreError> {
        match self.slot_of(peer_static) {
            Some(i) => {
                self.slots[i][0] = REMOVED;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn len(&self) -> usize {
        self.valid().count()
    }

    fn peer_at(&self, i: usize) -> Option<[u8; 32]> {
        self.valid().nth(i).map(|(_, p)| p.peer_static)
    }
}
