//! The descriptor hash: the first 16 bytes of SHA-256 over the encoded
//! descriptor.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::message::{DescriptorHash, Fixed};

use super::{DescriptorError, encode::stream};

fn truncate(sha: Sha256) -> DescriptorHash {
    let digest = sha.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    Fixed(out)
}

/// The hash of `value`'s encoding, fed to SHA-256 as it is produced: one
/// pass, no buffer holding the encoding, and the same serializer that
/// paging the descriptor out already links.
pub fn hash_of<T: Serialize + ?Sized>(value: &T) -> Result<DescriptorHash, DescriptorError> {
    let mut sha = Sha256::new();
    stream(value, &mut |bytes| sha.update(bytes))?;
    Ok(truncate(sha))
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

    #[test]
    fn one_pass_equals_hashing_the_whole_encoding() {
        let bytes = [9u8; 300];
        let long = (
            0xBEEFu32,
            &bytes[..],
            "a name longer than any window",
            -5i64,
        );
        let mut buf = [0u8; 512];
        let n = super::super::encode::encode(&long, &mut buf).unwrap();
        assert!(n > 300);
        assert_eq!(hash_of(&long).unwrap(), hash_bytes(&buf[..n]));
    }
}
