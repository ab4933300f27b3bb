//! Randomness on a board without a random number generator.
//!
//! **NOT FOR PRODUCTS.** QEMU models no TRNG on either board (the LM3S6965
//! has none, and `virt` has one only as a virtio device this firmware does
//! not drive). So this is SplitMix64 seeded from a constant, with the
//! emulated timer's nanoseconds stirred in at every draw: two boots draw
//! differently because their timing differs, which keeps the session ids
//! and ephemeral keys of one test run apart, but anyone who knows the
//! firmware can predict every byte. A product passes its TRNG (or a DRBG
//! seeded from it) to `RustCrypto::new` instead.

use applink::crypto::Entropy;

use crate::board;

/// SplitMix64 state, stirred with the timer (see the module docs).
pub struct TimerMix {
    state: u64,
}

impl TimerMix {
    /// A generator seeded from a constant.
    pub const fn new() -> Self {
        TimerMix {
            state: 0x6170_706c_696e_6b21, // "applink!"
        }
    }

    fn next(&mut self) -> u64 {
        self.state = self
            .state
            .wrapping_add(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(board::now_ns());
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Entropy for TimerMix {
    fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let word = self.next().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}
