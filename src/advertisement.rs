//! The advertisement payload: what an appliance announces before and after
//! pairing, in at most 24 bytes, so one form fits BLE advertising service
//! data and an mDNS TXT record alike (`spec/DISCOVERY.md` section 2).
//!
//! ```text
//!  offset  len  field
//!   0       1   format          1 (this layout)
//!   1       1   protocol_min    oldest protocol version spoken (>= 1)
//!   2       1   protocol_max    newest protocol version spoken (>= min)
//!   3       1   flags           bit 0 W: pairing window open
//!                               bit 1 P: paired
//!                               bit 2 D: discriminator present
//!                               bits 3..8 reserved: sent 0, ignored
//!   4       2   vendor          u16 little-endian
//!   6       2   product         u16 little-endian
//!   8       8   id              P = 0: the device id
//!                               P = 1: the rotating id (first 8 bytes of H)
//!  16       2   epoch           P = 1: rotation epoch, u16 little-endian
//!                               P = 0: sent 0, ignored
//!  18       4   descriptor      P = 0: descriptor hash[0..4]
//!                               P = 1: descriptor hash[0..4] XOR H[8..12]
//!  22       2   discriminator   D = 1: bits 0..12 the 12-bit discriminator
//!                               (bits 12..16 reserved); D = 0: sent 0
//!  24           end
//!
//!  H = HMAC-SHA256(K_adv, epoch as u16 little-endian)
//!  K_adv = HKDF-SHA256(salt = "applink advertisement v1",
//!                      ikm = the appliance's X25519 static public key,
//!                      info = device id), 32 bytes
//! ```
//!
//! Before pairing an appliance shows its device id in the clear (a phone
//! holding the QR code finds it by it). Once paired it shows a rotating
//! identifier instead, which changes every [`ROTATION_PERIOD_S`] seconds
//! and which only a phone that holds the appliance's static public key (a
//! paired phone: it learned the key, sealed, during pairing) can link to
//! the appliance: see [`AdvertisingKey`] and
//! [`Advertisement::recognise`]. The descriptor-hash prefix, which would
//! otherwise identify the unit (the descriptor carries the serial number),
//! is masked with the same HMAC. The 12-bit discriminator (the one the
//! onboarding codes carry, `spec/ONBOARDING.md` section 6) is shown while
//! the appliance is unpaired or its pairing window is open, so a phone
//! holding only a manual code can pick the candidates, and hidden
//! otherwise.
//!
//! The payload carries no checksum: BLE's link layer checks every
//! advertising packet with a CRC-24 and mDNS rides on UDP's checksum, and a
//! checksum would not stop a forgery anyway. Everything a phone acts on is
//! confirmed by the handshake that follows.
//!
//! # Contract
//!
//! [`Advertisement::parse`] and [`Advertisement::from_txt`] never panic and
//! never allocate; every rejection is one [`AdvertisementError`] or
//! [`TxtError`] variant, and a receiver counts what it ignored in
//! [`Ignored`]. `parse(emit(a)) == a` for every value `a` whose
//! discriminator is at most [`MAX_DISCRIMINATOR`], and `emit` writes exactly
//! [`LEN`] bytes.
//!
//! ```
//! use applink::advertisement::{Advertisement, Identifier, Model};
//! use applink::message::{Fixed, VendorId};
//!
//! let model = Model { vendor: VendorId(0xFFF1), product: 0x0042, protocol_min: 1, protocol_max: 1 };
//! let hash = Fixed([0xA5; 16]);
//! let ad = Advertisement::unpaired(model, *b"LAMP0042", 0xA42, &hash, true);
//! assert_eq!(
//!     ad.to_bytes(),
//!     [0x01, 0x01, 0x01,                  // format 1, protocol 1..=1
//!      0x05,                              // flags: window open, discriminator
//!      0xF1, 0xFF, 0x42, 0x00,            // vendor 0xFFF1, product 0x0042
//!      b'L', b'A', b'M', b'P', b'0', b'0', b'4', b'2', // device id
//!      0x00, 0x00,                        // epoch (unpaired: 0)
//!      0xA5, 0xA5, 0xA5, 0xA5,            // descriptor hash prefix
//!      0x42, 0x0A],                       // discriminator 0xA42
//! );
//! let back = Advertisement::parse(&ad.to_bytes()).unwrap();
//! assert_eq!(back, ad);
//! assert_eq!(back.id, Identifier::Device(*b"LAMP0042"));
//! assert!(back.matches_short_discriminator(41)); // 0xA42 >> 6, as a manual code has it
//! assert_eq!(ad.to_txt().payload_hex(), "01010105f1ff42004c414d50303034320000a5a5a5a5420a");
//! ```

use crate::crypto::{CryptoProvider, HASH_LEN, ct_eq};
use crate::descriptor::DeviceInfo;
use crate::message::{DescriptorHash, VendorId};
use crate::session::pairing::{ApplianceIdentity, DeviceId};

/// The format number of the layout above.
pub const FORMAT: u8 = 1;
/// The length of the payload: what BLE advertising service data holds next
/// to the flags field and a 16-bit service UUID.
pub const LEN: usize = 24;
/// The longest payload accepted (format 1 is exactly [`LEN`] bytes).
pub const MAX_LEN: usize = LEN;
/// The largest discriminator (12 bits).
pub const MAX_DISCRIMINATOR: u16 = 0x0FFF;
/// Length of the identifier field.
pub const ID_LEN: usize = 8;
/// Length of the descriptor-hash prefix.
pub const HASH_PREFIX_LEN: usize = 4;
/// How long one rotating identifier lives: 15 minutes.
pub const ROTATION_PERIOD_S: u64 = 900;
/// The HKDF salt of [`AdvertisingKey`].
pub const KEY_SALT: &[u8] = b"applink advertisement v1";

/// The TXT key naming the TXT record's format.
pub const TXT_VERSION_KEY: &str = "v";
/// The TXT record format this implementation writes and reads.
pub const TXT_VERSION: &str = "1";
/// The TXT key carrying the payload in hexadecimal.
pub const TXT_PAYLOAD_KEY: &str = "ad";

/// Byte offsets of the payload's fields.
mod field {
    use core::ops::Range;

    pub const FORMAT: usize = 0;
    pub const PROTOCOL_MIN: usize = 1;
    pub const PROTOCOL_MAX: usize = 2;
    pub const FLAGS: usize = 3;
    pub const VENDOR: Range<usize> = 4..6;
    pub const PRODUCT: Range<usize> = 6..8;
    pub const ID: Range<usize> = 8..16;
    pub const EPOCH: Range<usize> = 16..18;
    pub const DESCRIPTOR: Range<usize> = 18..22;
    pub const DISCRIMINATOR: Range<usize> = 22..24;
}

/// Flag W: the pairing window is open.
const FLAG_WINDOW: u8 = 1 << 0;
/// Flag P: the appliance holds at least one pairing.
const FLAG_PAIRED: u8 = 1 << 1;
/// Flag D: the discriminator field is meaningful.
const FLAG_DISCRIMINATOR: u8 = 1 << 2;

/// Why a payload was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum AdvertisementError {
    /// Shorter than [`LEN`].
    #[error("advertisement truncated: {len} bytes")]
    Truncated {
        /// The length received.
        len: usize,
    },
    /// Longer than [`MAX_LEN`].
    #[error("advertisement too long: {len} bytes")]
    TooLong {
        /// The length received.
        len: usize,
    },
    /// A format other than [`FORMAT`].
    #[error("unknown advertisement format {format}")]
    UnknownFormat {
        /// The format byte received.
        format: u8,
    },
    /// `protocol_min` is 0 or above `protocol_max`.
    #[error("bad protocol range {min}..={max}")]
    BadProtocolRange {
        /// The oldest version received.
        min: u8,
        /// The newest version received.
        max: u8,
    },
    /// The output buffer is shorter than [`LEN`].
    #[error("buffer too small: {needed} bytes needed")]
    BufferTooSmall {
        /// The length needed.
        needed: usize,
    },
}

/// Why a TXT record was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum TxtError {
    /// No `v` key.
    #[error("TXT record without a version")]
    MissingVersion,
    /// A `v` other than [`TXT_VERSION`].
    #[error("unknown TXT record version")]
    UnknownVersion,
    /// No `ad` key.
    #[error("TXT record without a payload")]
    MissingPayload,
    /// `ad` is not an even number of hexadecimal digits, or too long.
    #[error("TXT payload is not hexadecimal")]
    BadHex,
    /// `ad` decoded, but the payload was rejected.
    #[error("TXT payload: {0}")]
    Payload(#[from] AdvertisementError),
}

/// Advertisements a receiver ignored, by reason. Counters only grow
/// (saturating).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Ignored {
    /// Payloads rejected by [`Advertisement::parse`] (from BLE or a TXT
    /// record).
    pub payload: u32,
    /// TXT records without a usable `v` or `ad`.
    pub txt: u32,
}

impl Ignored {
    /// Counts one rejected payload.
    pub fn count_payload(&mut self, _error: AdvertisementError) {
        self.payload = self.payload.saturating_add(1);
    }

    /// Counts one rejected TXT record, under `payload` when its payload
    /// itself was at fault.
    pub fn count_txt(&mut self, error: TxtError) {
        match error {
            TxtError::Payload(e) => self.count_payload(e),
            _ => self.txt = self.txt.saturating_add(1),
        }
    }

    /// Everything ignored.
    pub fn total(&self) -> u32 {
        self.payload.saturating_add(self.txt)
    }
}

/// What an advertisement says about the product: the same for every unit
/// of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Model {
    /// The vendor.
    pub vendor: VendorId,
    /// The vendor's product number.
    pub product: u16,
    /// The oldest protocol version the appliance speaks (at least 1).
    pub protocol_min: u8,
    /// The newest protocol version the appliance speaks.
    pub protocol_max: u8,
}

impl Model {
    /// The model of the device `info` describes.
    pub fn of(info: &DeviceInfo) -> Model {
        Model {
            vendor: info.vendor,
            product: info.product,
            protocol_min: info.min_protocol,
            protocol_max: info.max_protocol,
        }
    }
}

/// Who the advertisement says the appliance is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Identifier {
    /// Not paired yet: the device id, in the clear.
    Device(DeviceId),
    /// Paired: an identifier only paired phones can link to the appliance.
    Rotating {
        /// The first 8 bytes of `HMAC-SHA256(K_adv, epoch)`.
        id: [u8; ID_LEN],
        /// The rotation epoch it was computed for (see [`epoch_at`]).
        epoch: u16,
    },
}

/// The key that makes and recognises an appliance's rotating identifiers:
/// `HKDF-SHA256(salt = KEY_SALT, ikm = appliance static public key,
/// info = device id)`.
///
/// The appliance derives it from its own identity
/// ([`AdvertisingKey::for_appliance`]); a paired phone from the device id
/// and the appliance static key in its pairing
/// ([`AdvertisingKey::derive`] with `Pairing::peer_static`).
#[derive(Clone, PartialEq, Eq)]
pub struct AdvertisingKey([u8; HASH_LEN]);

impl core::fmt::Debug for AdvertisingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AdvertisingKey(..)")
    }
}

impl AdvertisingKey {
    /// The key of the appliance `device_id` whose X25519 static public key
    /// is `appliance_static`.
    pub fn derive<P: CryptoProvider>(
        p: &P,
        device_id: &DeviceId,
        appliance_static: &[u8; 32],
    ) -> AdvertisingKey {
        // HKDF-SHA256 (RFC 5869) with a one-block output: extract, then
        // T(1) = HMAC(PRK, info || 0x01). Written with HMAC so it cannot
        // fail; `tests::key_is_hkdf` checks it against the provider's HKDF.
        let prk = p.hmac_sha256(KEY_SALT, &[appliance_static]);
        AdvertisingKey(p.hmac_sha256(&prk, &[device_id, &[1]]))
    }

    /// The key of the appliance holding `identity`.
    pub fn for_appliance<P: CryptoProvider>(
        p: &P,
        identity: &ApplianceIdentity<P>,
    ) -> AdvertisingKey {
        let public = p.x25519_public(&identity.static_secret);
        AdvertisingKey::derive(p, &identity.device_id, &public)
    }

    /// The key's bytes (for a port's test vectors).
    pub fn as_bytes(&self) -> &[u8; HASH_LEN] {
        &self.0
    }
}

/// The rotation epoch at `unix_seconds` (seconds since 1970-01-01 UTC):
/// `floor(unix_seconds / ROTATION_PERIOD_S) mod 2^16`.
///
/// ```
/// assert_eq!(applink::advertisement::epoch_at(1_800_000_000), 0x8480);
/// ```
pub const fn epoch_at(unix_seconds: u64) -> u16 {
    ((unix_seconds / ROTATION_PERIOD_S) & 0xFFFF) as u16
}

/// `HMAC-SHA256(key, epoch as u16 little-endian)`: the rotating id (bytes
/// 0..8) and the descriptor mask (bytes 8..12).
fn rotation<P: CryptoProvider>(
    p: &P,
    key: &AdvertisingKey,
    epoch: u16,
) -> ([u8; ID_LEN], [u8; HASH_PREFIX_LEN]) {
    let h = p.hmac_sha256(&key.0, &[&epoch.to_le_bytes()]);
    let mut id = [0u8; ID_LEN];
    let mut mask = [0u8; HASH_PREFIX_LEN];
    id.copy_from_slice(&h[..ID_LEN]);
    mask.copy_from_slice(&h[ID_LEN..ID_LEN + HASH_PREFIX_LEN]);
    (id, mask)
}

/// The rotating identifier of the appliance with `key` in `epoch`.
pub fn rotating_id<P: CryptoProvider>(p: &P, key: &AdvertisingKey, epoch: u16) -> [u8; ID_LEN] {
    rotation(p, key, epoch).0
}

fn xor4(a: [u8; HASH_PREFIX_LEN], b: [u8; HASH_PREFIX_LEN]) -> [u8; HASH_PREFIX_LEN] {
    [a[0] ^ b[0], a[1] ^ b[1], a[2] ^ b[2], a[3] ^ b[3]]
}

fn prefix(hash: &DescriptorHash) -> [u8; HASH_PREFIX_LEN] {
    let mut out = [0u8; HASH_PREFIX_LEN];
    out.copy_from_slice(&hash.0[..HASH_PREFIX_LEN]);
    out
}

/// An advertisement, parsed.
///
/// A paired appliance announces a rotating identifier that its phones
/// recognise and no one else can link to it:
///
/// ```
/// use applink::advertisement::{Advertisement, AdvertisingKey, Model, epoch_at};
/// use applink::crypto::{CryptoProvider, RustCrypto};
/// use applink::message::{Fixed, VendorId};
///
/// let p = RustCrypto::new(|out: &mut [u8]| out.fill(0x42));
/// let appliance_static = p.x25519_public(&p.x25519_import(&[7; 32]));
/// // The appliance and every paired phone derive the same key.
/// let key = AdvertisingKey::derive(&p, b"WASH0042", &appliance_static);
/// let model = Model { vendor: VendorId(0xFFF1), product: 0x0042, protocol_min: 1, protocol_max: 1 };
/// let hash = Fixed([0x9E; 16]);
/// let epoch = epoch_at(1_800_000_000);
/// let ad = Advertisement::paired(&p, &key, epoch, model, 0xA42, &hash, false);
/// let bytes = ad.to_bytes();
/// assert_eq!(bytes[3], 0x02); // flag P only: no discriminator, window closed
///
/// let heard = Advertisement::parse(&bytes)?;
/// assert_eq!(heard.device_id(), None);
/// assert_eq!(heard.discriminator, None);
/// // The paired phone recognises it and learns the descriptor prefix...
/// let prefix = heard.recognise(&p, &key).unwrap();
/// assert!(Advertisement::prefix_matches(prefix, &hash));
/// // ...a stranger's key does not, and the next epoch looks unrelated.
/// let stranger = AdvertisingKey::derive(&p, b"WASH0042", &[1; 32]);
/// assert_eq!(heard.recognise(&p, &stranger), None);
/// let next = Advertisement::paired(&p, &key, epoch + 1, model, 0xA42, &hash, false);
/// assert_ne!(next.id, heard.id);
/// # Ok::<(), applink::advertisement::AdvertisementError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Advertisement {
    /// Vendor, product and protocol versions.
    pub model: Model,
    /// Whether the pairing window is open.
    pub pairing_window_open: bool,
    /// The device id (unpaired) or the rotating identifier (paired).
    pub id: Identifier,
    /// The descriptor field as on the wire: the first 4 bytes of the
    /// descriptor hash (unpaired) or those bytes masked (paired; a paired
    /// phone unmasks them with [`Advertisement::recognise`]).
    pub descriptor: [u8; HASH_PREFIX_LEN],
    /// The 12-bit discriminator, when shown (unpaired, or the pairing
    /// window open). At most [`MAX_DISCRIMINATOR`]: higher bits are not
    /// sent.
    pub discriminator: Option<u16>,
}

impl Advertisement {
    /// What an appliance with no pairing announces: its device id and its
    /// discriminator (its low 12 bits) in the clear.
    pub fn unpaired(
        model: Model,
        device_id: DeviceId,
        discriminator: u16,
        descriptor_hash: &DescriptorHash,
        pairing_window_open: bool,
    ) -> Advertisement {
        Advertisement {
            model,
            pairing_window_open,
            id: Identifier::Device(device_id),
            descriptor: prefix(descriptor_hash),
            discriminator: Some(discriminator & MAX_DISCRIMINATOR),
        }
    }

    /// What a paired appliance with `key` announces in `epoch` (from
    /// [`epoch_at`]): a rotating id, the masked descriptor prefix, and the
    /// discriminator only while the pairing window is open (a phone given
    /// a share code looks for it).
    pub fn paired<P: CryptoProvider>(
        p: &P,
        key: &AdvertisingKey,
        epoch: u16,
        model: Model,
        discriminator: u16,
        descriptor_hash: &DescriptorHash,
        pairing_window_open: bool,
    ) -> Advertisement {
        let (id, mask) = rotation(p, key, epoch);
        Advertisement {
            model,
            pairing_window_open,
            id: Identifier::Rotating { id, epoch },
            descriptor: xor4(prefix(descriptor_hash), mask),
            discriminator: pairing_window_open.then_some(discriminator & MAX_DISCRIMINATOR),
        }
    }

    /// Whether the advertisement shows a discriminator whose top 6 bits are
    /// `short` (the short discriminator of a manual code).
    pub fn matches_short_discriminator(&self, short: u8) -> bool {
        self.discriminator
            .is_some_and(|d| d >> 6 == u16::from(short))
    }

    /// Whether the appliance says it is paired.
    pub fn is_paired(&self) -> bool {
        matches!(self.id, Identifier::Rotating { .. })
    }

    /// The device id, when the advertisement shows it (unpaired).
    pub fn device_id(&self) -> Option<DeviceId> {
        match self.id {
            Identifier::Device(d) => Some(d),
            Identifier::Rotating { .. } => None,
        }
    }

    /// For a paired phone holding `key`: whether this advertisement is that
    /// appliance's, and then the descriptor-hash prefix it announces.
    /// Compares in constant time; `None` for an unpaired advertisement.
    pub fn recognise<P: CryptoProvider>(
        &self,
        p: &P,
        key: &AdvertisingKey,
    ) -> Option<[u8; HASH_PREFIX_LEN]> {
        let Identifier::Rotating { id, epoch } = self.id else {
            return None;
        };
        let (expected, mask) = rotation(p, key, epoch);
        ct_eq(&expected, &id).then(|| xor4(self.descriptor, mask))
    }

    /// Whether `hash` begins with `prefix`: the check a phone makes of its
    /// cached descriptor against the announced (or unmasked) prefix. A
    /// match is a hint; `HelloAccept` carries the whole hash.
    pub fn prefix_matches(prefix: [u8; HASH_PREFIX_LEN], hash: &DescriptorHash) -> bool {
        hash.0[..HASH_PREFIX_LEN] == prefix
    }

    /// The length [`Advertisement::emit`] writes: [`LEN`].
    pub const fn buffer_len(&self) -> usize {
        LEN
    }

    /// Writes the payload into the start of `buf`; returns its length.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, AdvertisementError> {
        let out = buf
            .get_mut(..LEN)
            .ok_or(AdvertisementError::BufferTooSmall { needed: LEN })?;
        out.copy_from_slice(&self.to_bytes());
        Ok(LEN)
    }

    /// The payload.
    pub fn to_bytes(&self) -> [u8; LEN] {
        let mut b = [0u8; LEN];
        b[field::FORMAT] = FORMAT;
        b[field::PROTOCOL_MIN] = self.model.protocol_min;
        b[field::PROTOCOL_MAX] = self.model.protocol_max;
        let (id, epoch, paired) = match self.id {
            Identifier::Device(d) => (d, 0, 0),
            Identifier::Rotating { id, epoch } => (id, epoch, FLAG_PAIRED),
        };
        let window = if self.pairing_window_open {
            FLAG_WINDOW
        } else {
            0
        };
        let discriminator = if self.discriminator.is_some() {
            FLAG_DISCRIMINATOR
        } else {
            0
        };
        b[field::FLAGS] = paired | window | discriminator;
        b[field::VENDOR].copy_from_slice(&self.model.vendor.0.to_le_bytes());
        b[field::PRODUCT].copy_from_slice(&self.model.product.to_le_bytes());
        b[field::ID].copy_from_slice(&id);
        b[field::EPOCH].copy_from_slice(&epoch.to_le_bytes());
        b[field::DESCRIPTOR].copy_from_slice(&self.descriptor);
        let d = self.discriminator.unwrap_or(0) & MAX_DISCRIMINATOR;
        b[field::DISCRIMINATOR].copy_from_slice(&d.to_le_bytes());
        b
    }

    /// Checks and parses a payload of exactly [`LEN`] bytes. Reserved
    /// bits, the epoch of an unpaired advertisement and the discriminator
    /// field without flag D are ignored.
    pub fn parse(bytes: &[u8]) -> Result<Advertisement, AdvertisementError> {
        let len = bytes.len();
        if len > MAX_LEN {
            return Err(AdvertisementError::TooLong { len });
        }
        let Some(b) = bytes.first_chunk::<LEN>() else {
            return Err(AdvertisementError::Truncated { len });
        };
        if b[field::FORMAT] != FORMAT {
            return Err(AdvertisementError::UnknownFormat {
                format: b[field::FORMAT],
            });
        }
        let (min, max) = (b[field::PROTOCOL_MIN], b[field::PROTOCOL_MAX]);
        if min == 0 || min > max {
            return Err(AdvertisementError::BadProtocolRange { min, max });
        }
        let u16_at = |r: core::ops::Range<usize>| u16::from_le_bytes([b[r.start], b[r.start + 1]]);
        let mut id = [0u8; ID_LEN];
        id.copy_from_slice(&b[field::ID]);
        let mut descriptor = [0u8; HASH_PREFIX_LEN];
        descriptor.copy_from_slice(&b[field::DESCRIPTOR]);
        let flags = b[field::FLAGS];
        Ok(Advertisement {
            model: Model {
                vendor: VendorId(u16_at(field::VENDOR)),
                product: u16_at(field::PRODUCT),
                protocol_min: min,
                protocol_max: max,
            },
            pairing_window_open: flags & FLAG_WINDOW != 0,
            id: if flags & FLAG_PAIRED != 0 {
                Identifier::Rotating {
                    id,
                    epoch: u16_at(field::EPOCH),
                }
            } else {
                Identifier::Device(id)
            },
            descriptor,
            discriminator: (flags & FLAG_DISCRIMINATOR != 0)
                .then(|| u16_at(field::DISCRIMINATOR) & MAX_DISCRIMINATOR),
        })
    }

    /// The mDNS TXT record carrying this payload: `v=1` and `ad=` the
    /// payload in lowercase hexadecimal.
    pub fn to_txt(&self) -> Txt {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0u8; 2 * LEN];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(self.to_bytes()) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0x0F)];
        }
        Txt { hex }
    }

    /// Parses a TXT record given as its `(key, value)` entries, in record
    /// order. Keys compare case-insensitively and only the first of a
    /// repeated key counts (RFC 6763 section 6.4); unknown keys are ignored;
    /// the hexadecimal may be in either case.
    pub fn from_txt<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Advertisement, TxtError> {
        let (mut version, mut payload) = (None, None);
        for (key, value) in entries {
            if version.is_none() && key.eq_ignore_ascii_case(TXT_VERSION_KEY) {
                version = Some(value);
            } else if payload.is_none() && key.eq_ignore_ascii_case(TXT_PAYLOAD_KEY) {
                payload = Some(value);
            }
        }
        if version.ok_or(TxtError::MissingVersion)? != TXT_VERSION {
            return Err(TxtError::UnknownVersion);
        }
        let hex = payload.ok_or(TxtError::MissingPayload)?.as_bytes();
        let mut bytes = [0u8; MAX_LEN + 1];
        if hex.len() % 2 != 0 {
            return Err(TxtError::BadHex);
        }
        // One byte past MAX_LEN is enough to report `TooLong`.
        let n = (hex.len() / 2).min(MAX_LEN + 1);
        for (out, pair) in bytes[..n].iter_mut().zip(hex.chunks_exact(2)) {
            *out = (nibble(pair[0]).ok_or(TxtError::BadHex)? << 4)
                | nibble(pair[1]).ok_or(TxtError::BadHex)?;
        }
        if hex.len() / 2 > MAX_LEN {
            return Err(AdvertisementError::TooLong { len: hex.len() / 2 }.into());
        }
        Ok(Advertisement::parse(&bytes[..n])?)
    }
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The TXT record of an advertisement: `v=1`, `ad=<48 hex digits>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Txt {
    hex: [u8; 2 * LEN],
}

impl Txt {
    /// The value of `ad`: the payload in lowercase hexadecimal.
    pub fn payload_hex(&self) -> &str {
        core::str::from_utf8(&self.hex).unwrap_or_default()
    }

    /// The record's entries, in the order they are sent.
    pub fn entries(&self) -> [(&'static str, &str); 2] {
        [
            (TXT_VERSION_KEY, TXT_VERSION),
            (TXT_PAYLOAD_KEY, self.payload_hex()),
        ]
    }
}

#[cfg(all(test, feature = "rustcrypto"))]
mod tests {
    use super::*;
    use crate::crypto::InsecureTestCrypto;
    use crate::message::Fixed;

    fn p() -> InsecureTestCrypto {
        InsecureTestCrypto::from_seed([1; 32])
    }

    const MODEL: Model = Model {
        vendor: VendorId(0xFFF1),
        product: 0x0042,
        protocol_min: 1,
        protocol_max: 1,
    };

    #[test]
    fn key_is_hkdf() {
        let p = p();
        let key = AdvertisingKey::derive(&p, b"LAMP0042", &[7; 32]);
        let mut okm = [0u8; 32];
        p.hkdf_sha256(KEY_SALT, &[7; 32], &[b"LAMP0042"], &mut okm)
            .unwrap();
        assert_eq!(key.as_bytes(), &okm);
    }

    #[test]
    fn paired_phones_recognise_and_unmask() {
        let p = p();
        let hash = Fixed([0x3C; 16]);
        let key = AdvertisingKey::derive(&p, b"LAMP0042", &[7; 32]);
        let other = AdvertisingKey::derive(&p, b"LAMP0043", &[7; 32]);
        let a = Advertisement::paired(&p, &key, 100, MODEL, 7, &hash, false);
        let b = Advertisement::paired(&p, &key, 101, MODEL, 7, &hash, false);
        assert_ne!(a.id, b.id);
        assert_ne!(a.descriptor, [0x3C; 4]);
        assert_ne!(a.descriptor, b.descriptor);
        let parsed = Advertisement::parse(&a.to_bytes()).unwrap();
        assert_eq!(parsed, a);
        assert_eq!(parsed.recognise(&p, &key), Some([0x3C; 4]));
        assert_eq!(parsed.recognise(&p, &other), None);
        assert!(Advertisement::prefix_matches([0x3C; 4], &hash));
        let unpaired = Advertisement::unpaired(MODEL, *b"LAMP0042", 7, &hash, true);
        assert_eq!(unpaired.recognise(&p, &key), None);
    }

    #[test]
    fn txt_round_trip_and_rejections() {
        let ad = Advertisement::unpaired(MODEL, *b"LAMP0042", 0xFFFF, &Fixed([1; 16]), true);
        let txt = ad.to_txt();
        assert_eq!(Advertisement::from_txt(txt.entries()), Ok(ad));
        let upper = txt.payload_hex().to_ascii_uppercase();
        let entries = [("x", "y"), ("V", "1"), ("AD", upper.as_str()), ("ad", "00")];
        assert_eq!(Advertisement::from_txt(entries), Ok(ad));
        assert_eq!(
            Advertisement::from_txt([("ad", "00")]),
            Err(TxtError::MissingVersion)
        );
        assert_eq!(
            Advertisement::from_txt([("v", "2"), ("ad", "00")]),
            Err(TxtError::UnknownVersion)
        );
        assert_eq!(
            Advertisement::from_txt([("v", "1")]),
            Err(TxtError::MissingPayload)
        );
        assert_eq!(
            Advertisement::from_txt([("v", "1"), ("ad", "0g")]),
            Err(TxtError::BadHex)
        );
        let long = "00".repeat(300);
        assert_eq!(
            Advertisement::from_txt([("v", "1"), ("ad", long.as_str())]),
            Err(TxtError::Payload(AdvertisementError::TooLong { len: 300 }))
        );
    }

    #[test]
    fn every_input_parses_or_is_rejected() {
        let base =
            Advertisement::unpaired(MODEL, *b"LAMP0042", 0xFFFF, &Fixed([1; 16]), true).to_bytes();
        for len in 0..=MAX_LEN + 2 {
            let mut v = [0u8; MAX_LEN + 2];
            v[..len.min(LEN)].copy_from_slice(&base[..len.min(LEN)]);
            let r = Advertisement::parse(&v[..len]);
            assert_eq!(r.is_ok(), (LEN..=MAX_LEN).contains(&len), "{len}");
        }
        for byte in 0..LEN {
            for bit in 0..8 {
                let mut v = base;
                v[byte] ^= 1 << bit;
                if let Ok(a) = Advertisement::parse(&v) {
                    assert_eq!(a.buffer_len(), LEN);
                }
            }
        }
    }
}
