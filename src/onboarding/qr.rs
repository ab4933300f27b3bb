//! The QR string: `AL1:` and 32 base-32 characters of a 20-byte packed
//! payload.
//!
//! ```text
//! byte  0      2      4                12               16            18     20
//!       +------+------+----------------+----------------+-------------+------+
//!       |vendor|produc|   device id    | code | flags   | disc | tran | CRC  |
//!       | u16  | u16  |    8 bytes     | u32 LE:        | u16 LE:     | u16  |
//!       |  LE  |  LE  |                | bits 0-26 code | bits 0-11   |  LE  |
//!       |      |      |                | bits 27-31 flag| bits 12-15  |      |
//!       +------+------+----------------+----------------+-------------+------+
//! CRC = CRC-16/IBM-3740 over VERSION (0x01) || bytes 0..18
//! ```

use super::{
    DeviceId, Discriminator, Field, Flags, ManualCode, OnboardingError, SetupCode, Transports,
    VERSION, code_digits, code_from_digits, code_value,
};

/// The start of every QR string: `AL`, then the version digit and `:`
/// (`AL1:` for version 1).
pub const QR_PREFIX: &str = "AL";

/// The length of a version-1 QR string: `AL1:` and 32 characters.
pub const QR_STRING_LEN: usize = 4 + BODY_LEN;

/// The length of the packed payload the body encodes, CRC included.
pub const PACKED_LEN: usize = 20;

const BODY_LEN: usize = PACKED_LEN * 8 / 5;

/// RFC 4648 base 32, upper case: every character is in the QR alphanumeric set.
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const CRC16: crc::Crc<u16, crc::NoTable> =
    crc::Crc::<u16, crc::NoTable>::new(&crc::CRC_16_IBM_3740);

mod field {
    use core::ops::Range;
    pub const VENDOR: Range<usize> = 0..2;
    pub const PRODUCT: Range<usize> = 2..4;
    pub const DEVICE: Range<usize> = 4..12;
    pub const CODE_FLAGS: Range<usize> = 12..16;
    pub const DISC_TRANSPORTS: Range<usize> = 16..18;
    pub const CRC: Range<usize> = 18..20;
}

const CODE_BITS: u32 = 27;
const CODE_MAX: u32 = 99_999_999;

/// Everything an appliance's QR label says: who made it, which unit it is,
/// the setup code, and how to reach it.
///
/// `parse` checks text from a camera; `encode` (or [`Display`]) writes the
/// 36-character string a label or a share screen shows.
///
/// ```
/// use applink::crypto::setup_code::SetupCode;
/// use applink::onboarding::{Discriminator, Flags, OnboardingError, QrPayload, Transports};
///
/// let payload = QrPayload {
///     vendor_id: 0xFFF1,
///     product_id: 0x0042,
///     device_id: *b"WASH0042",
///     discriminator: Discriminator::new(0xA42).unwrap(),
///     setup_code: SetupCode::parse("31415926").unwrap(),
///     transports: Transports::UDP | Transports::BLE,
///     flags: Flags::FACTORY,
/// };
/// let text = payload.encode();
/// assert_eq!(text, "AL1:6H7UEACXIFJUQMBQGQZHMXW7CFBFUOB5");
/// assert_eq!(text.parse::<QrPayload>(), Ok(payload));
/// assert_eq!(
///     QrPayload::parse("AL1:6H7UEACXIFJUQMBQGQZHMXW7CFBFUOBA"),
///     Err(OnboardingError::ChecksumMismatch)
/// );
/// ```
///
/// [`Display`]: core::fmt::Display
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QrPayload {
    /// The vendor id.
    pub vendor_id: u16,
    /// The product id, assigned by the vendor.
    pub product_id: u16,
    /// The appliance's device id; it salts the setup code's key derivation.
    pub device_id: DeviceId,
    /// Tells units apart before connecting.
    pub discriminator: Discriminator,
    /// The code the phone pairs with.
    pub setup_code: SetupCode,
    /// The transports the appliance offers.
    pub transports: Transports,
    /// What kind of code this is.
    pub flags: Flags,
}

impl QrPayload {
    /// Checks and decodes a QR string. Never panics; see
    /// `spec/ONBOARDING.md` 3.3 for the order of the checks.
    pub fn parse(text: &str) -> Result<QrPayload, OnboardingError> {
        let bytes = text.as_bytes();
        let prefix = QR_PREFIX.as_bytes();
        let version = match bytes {
            [a, b, v, b':', ..] if [*a, *b] == prefix[..2] && v.is_ascii_digit() => v - b'0',
            _ => return Err(OnboardingError::BadPrefix),
        };
        if version != VERSION {
            return Err(OnboardingError::UnknownVersion { version });
        }
        if bytes.len() != QR_STRING_LEN {
            return Err(OnboardingError::WrongLength {
                expected: QR_STRING_LEN,
                found: bytes.len(),
            });
        }
        let packed = base32_decode(&bytes[4..], 4)?;
        let crc = u16::from_le_bytes([packed[field::CRC.start], packed[field::CRC.start + 1]]);
        if crc != checksum(&packed) {
            return Err(OnboardingError::ChecksumMismatch);
        }
        Self::unpack(&packed)
    }

    fn unpack(packed: &[u8; PACKED_LEN]) -> Result<QrPayload, OnboardingError> {
        let u16_at = |at: usize| u16::from_le_bytes([packed[at], packed[at + 1]]);
        let mut code_flags = [0u8; 4];
        code_flags.copy_from_slice(&packed[field::CODE_FLAGS]);
        let code_flags = u32::from_le_bytes(code_flags);
        let code = code_flags & ((1 << CODE_BITS) - 1);
        if code > CODE_MAX {
            return Err(OnboardingError::FieldOutOfRange {
                field: Field::SetupCode,
            });
        }
        let flags = Flags::from_bits((code_flags >> CODE_BITS) as u8).ok_or(
            OnboardingError::FieldOutOfRange {
                field: Field::Flags,
            },
        )?;
        let disc_transports = u16_at(field::DISC_TRANSPORTS.start);
        let transports = Transports::from_bits((disc_transports >> 12) as u8).ok_or(
            OnboardingError::FieldOutOfRange {
                field: Field::Transports,
            },
        )?;
        let discriminator = Discriminator(disc_transports & Discriminator::MAX);
        let setup_code = code_from_digits(&code_digits(code))?;
        let mut device_id = DeviceId::default();
        device_id.copy_from_slice(&packed[field::DEVICE]);
        Ok(QrPayload {
            vendor_id: u16_at(field::VENDOR.start),
            product_id: u16_at(field::PRODUCT.start),
            device_id,
            discriminator,
            setup_code,
            transports,
            flags,
        })
    }

    /// The 20 packed bytes, CRC included.
    pub(super) fn pack(&self) -> [u8; PACKED_LEN] {
        let mut packed = [0u8; PACKED_LEN];
        packed[field::VENDOR].copy_from_slice(&self.vendor_id.to_le_bytes());
        packed[field::PRODUCT].copy_from_slice(&self.product_id.to_le_bytes());
        packed[field::DEVICE].copy_from_slice(&self.device_id);
        let code_flags = code_value(&self.setup_code) | u32::from(self.flags.bits()) << CODE_BITS;
        packed[field::CODE_FLAGS].copy_from_slice(&code_flags.to_le_bytes());
        let disc_transports = self.discriminator.get() | u16::from(self.transports.bits()) << 12;
        packed[field::DISC_TRANSPORTS].copy_from_slice(&disc_transports.to_le_bytes());
        let crc = checksum(&packed);
        packed[field::CRC].copy_from_slice(&crc.to_le_bytes());
        packed
    }

    /// The QR string, `AL1:` and 32 base-32 characters.
    pub fn encode(&self) -> heapless::String<QR_STRING_LEN> {
        let mut out = [0u8; QR_STRING_LEN];
        out[..2].copy_from_slice(QR_PREFIX.as_bytes());
        out[2] = b'0' + VERSION;
        out[3] = b':';
        base32_encode(&self.pack(), &mut out[4..]);
        let mut s = heapless::String::new();
        for &b in &out {
            // Every byte is ASCII and there are exactly QR_STRING_LEN of them.
            let _ = s.push(char::from(b));
        }
        s
    }

    /// The manual code for the same appliance and setup code: the top 6
    /// bits of the discriminator, and [`Flags::ONE_TIME`] as
    /// [`ManualCode::one_time`].
    pub fn manual_code(&self) -> ManualCode {
        ManualCode {
            short_discriminator: self.discriminator.short(),
            setup_code: self.setup_code,
            one_time: self.flags.contains(Flags::ONE_TIME),
        }
    }
}

impl core::fmt::Display for QrPayload {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.encode())
    }
}

impl core::str::FromStr for QrPayload {
    type Err = OnboardingError;
    fn from_str(s: &str) -> Result<QrPayload, OnboardingError> {
        QrPayload::parse(s)
    }
}

fn checksum(packed: &[u8; PACKED_LEN]) -> u16 {
    let mut digest = CRC16.digest();
    digest.update(&[VERSION]);
    digest.update(&packed[..field::CRC.start]);
    digest.finalize()
}

/// RFC 4648 base 32 of exactly 20 bytes (160 bits, 32 characters, no padding).
fn base32_encode(bytes: &[u8; PACKED_LEN], out: &mut [u8]) {
    for (chunk, chars) in bytes.chunks_exact(5).zip(out.chunks_exact_mut(8)) {
        let mut group = [0u8; 8];
        group[3..].copy_from_slice(chunk);
        let bits = u64::from_be_bytes(group);
        for (i, c) in chars.iter_mut().enumerate() {
            *c = ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize];
        }
    }
}

/// The inverse of [`base32_encode`]; `body` has exactly 32 bytes, found at
/// byte `offset` of the input (for error positions).
fn base32_decode(body: &[u8], offset: usize) -> Result<[u8; PACKED_LEN], OnboardingError> {
    let mut packed = [0u8; PACKED_LEN];
    for (g, (chars, chunk)) in body
        .chunks_exact(8)
        .zip(packed.chunks_exact_mut(5))
        .enumerate()
    {
        let mut bits = 0u64;
        for (i, &c) in chars.iter().enumerate() {
            let value = match c {
                b'A'..=b'Z' => c - b'A',
                b'2'..=b'7' => c - b'2' + 26,
                _ => {
                    return Err(OnboardingError::BadCharacter {
                        index: offset + 8 * g + i,
                    });
                }
            };
            bits = bits << 5 | u64::from(value);
        }
        chunk.copy_from_slice(&bits.to_be_bytes()[3..]);
    }
    Ok(packed)
}

#[cfg(all(test, feature = "std"))]
pub(super) mod tests_support {
    use super::*;

    pub fn checksum(packed: &[u8; PACKED_LEN]) -> u16 {
        super::checksum(packed)
    }

    /// The QR string of any 20 bytes, valid or not.
    pub fn text(packed: &[u8; PACKED_LEN]) -> std::string::String {
        let mut out = *b"AL1:________________________________";
        base32_encode(packed, &mut out[4..]);
        std::string::String::from_utf8(out.to_vec()).unwrap()
    }
}
