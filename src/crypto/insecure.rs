//! The deterministic, INSECURE provider: real primitives, predictable
//! randomness. For test vectors, tests and fuzzing only.

use sha2::{Digest, Sha256};

use super::rustcrypto::{Entropy, RustCrypto};

/// Randomness expanded from a 32-byte seed as
/// `SHA-256(seed || counter_le_u64)` blocks. Anyone who knows the seed knows
/// every "random" byte: never use it outside tests.
#[derive(Debug, Clone)]
pub struct SeededEntropy {
    seed: [u8; 32],
    counter: u64,
}

impl SeededEntropy {
    /// A stream determined by `seed`.
    pub const fn new(seed: [u8; 32]) -> Self {
        SeededEntropy { seed, counter: 0 }
    }
}

impl Entropy for SeededEntropy {
    fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(32) {
            let mut h = Sha256::new();
            h.update(self.seed);
            h.update(self.counter.to_le_bytes());
            self.counter = self.counter.wrapping_add(1);
            let block: [u8; 32] = h.finalize().into();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
    }
}

/// The RustCrypto primitives driven by [`SeededEntropy`]: every key, nonce
/// and share it makes is reproducible from the seed. **Insecure**: for test
/// vectors, tests and fuzzing only.
pub type InsecureTestCrypto = RustCrypto<SeededEntropy>;

impl InsecureTestCrypto {
    /// A deterministic provider whose randomness is fixed by `seed`.
    pub const fn from_seed(seed: [u8; 32]) -> Self {
        RustCrypto::new(SeededEntropy::new(seed))
    }
}
