//! The descriptor hash: the first 16 bytes of SHA-256 over the encoded
//! descriptor.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::message::{DescriptorHash, Fixed};

use super::{DescriptorError, encode::encode_range};

/// Bytes hashed per encoding pass.
const WINDOW: usize = 64;

fn truncate(sha: Sha256) -> DescriptorHash {
    let digest = sha.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    Fixed(out)
}

/// The hash of `value`'s encoding. The encoding is produced window by
/// window ([`encode_range`]), so no buffer holds it whole and firmware
/// links only the one serializer that encoding already needs.
pub fn hash_of<T: Serialize + ?Sized>(value: &T) -> Result<DescriptorHash, DescriptorError> {
    let mut sha = Sha256::new();
    let mut window = [0u8; WINDOW];
    let mut offset = 0;
    loop {
        let (total, n) = encode_range(value, offset, &mut window)?;
        sha.update(&window[..n]);
        offset += n;
        if n < WINDOW || offset >= total {
            return Ok(truncate(sha));
        }
    }
}

/// The hash of an encoded descriptor.
pub fn hash_bytes(encoded: &[u8]) -> DescriptorHash {
    truncate(Sha256::new_with_prefix(encoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_sha256_prefix() {
        // SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 ...
        assert_eq!(
            hash_bytes(b"abc").0,
            [
                0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
                0x22, 0x23
            ]
        );
        // Streaming over an encoding equals hashing the bytes.
        let v: (u8, &str) = (7, "lamp");
        assert_eq!(
            hash_of(&v).unwrap(),
            hash_bytes(&[7, 4, b'l', b'a', b'm', b'p'])
        );
    }
}
