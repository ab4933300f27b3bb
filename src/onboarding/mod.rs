//! Onboarding payloads: the QR string on an appliance's label and the
//! manual code a person types instead (`spec/ONBOARDING.md`).
//!
//! Both carry the [`SetupCode`] the phone pairs with and enough to find the
//! appliance before connecting:
//!
//! - a [`QrPayload`] is the whole story in 36 characters of the QR
//!   alphanumeric set (`AL1:` then 32 base-32 characters): vendor id,
//!   product id, [`DeviceId`], a 12-bit [`Discriminator`], the setup code,
//!   the [`Transports`] the appliance offers and [`Flags`], protected by a
//!   CRC-16; it fits a version-2 QR code (25 × 25 modules) at error
//!   correction level M;
//! - a [`ManualCode`] is 12 digits printed `DDDD-DDDD-DDDD`: a lead digit
//!   (version 1, or version 1 one-time share code), the top 6 bits of the
//!   discriminator ([`ShortDiscriminator`]), the 8 setup code digits and a
//!   Verhoeff check digit ([`verhoeff`]) that catches every single mistyped
//!   digit and every swap of two neighbours.
//!
//! The same two forms carry the one-time codes an admin phone hands out
//! when it shares an appliance: [`Flags::ONE_TIME`] in the QR string, a
//! lead digit of `2` (and [`ManualCode::one_time`]) in the manual code.
//!
//! # Contract
//!
//! [`QrPayload::parse`] and [`ManualCode::parse`] take untrusted text, never
//! panic, never allocate, and either return a payload that encodes back to
//! the same text (for the manual code: the same digits) or an
//! [`OnboardingError`] naming the first thing wrong, checked in the order
//! the spec lists (characters and length, then the checksum or check digit,
//! then the version and each field, then the setup code's triviality).
//! Every value the types here can hold encodes, and decodes back to itself:
//! a [`Discriminator`] is 12 bits, a [`ShortDiscriminator`] 6 bits, a set of
//! [`Transports`] is never empty, [`Flags`] hold only defined bits, and a
//! [`SetupCode`] is never trivial.
//!
//! With `std`, [`QrPayload::to_qr_text`] draws the QR code as text for a
//! terminal or a log.
//!
//! ```
//! use applink::crypto::setup_code::SetupCode;
//! use applink::onboarding::{Discriminator, Flags, ManualCode, QrPayload, Transports};
//!
//! let label = QrPayload {
//!     vendor_id: 0xFFF1,
//!     product_id: 0x0042,
//!     device_id: *b"WASH0042",
//!     discriminator: Discriminator::new(0xA42).unwrap(),
//!     setup_code: SetupCode::parse("3141-5926").unwrap(),
//!     transports: Transports::UDP | Transports::BLE,
//!     flags: Flags::FACTORY,
//! };
//! let qr = label.encode();
//! assert_eq!(qr, "AL1:6H7UEACXIFJUQMBQGQZHMXW7CFBFUOB5");
//! assert_eq!(QrPayload::parse(&qr), Ok(label));
//!
//! let manual = label.manual_code();
//! assert_eq!(manual.encode(), "1413-1415-9268");
//! // A person may type it with or without separators.
//! assert_eq!(ManualCode::parse("141314159268"), Ok(manual));
//! assert!(manual.short_discriminator.matches(label.discriminator));
//! ```

mod manual;
mod qr;
#[cfg(feature = "std")]
mod text;
pub mod verhoeff;

#[cfg(all(test, feature = "std"))]
mod tests;

pub use manual::{MANUAL_CODE_DIGITS, MANUAL_CODE_LEN, ManualCode};
pub use qr::{PACKED_LEN, QR_PREFIX, QR_STRING_LEN, QrPayload};
#[cfg(feature = "std")]
pub use text::TextStyle;

pub use crate::crypto::setup_code::SetupCode;
pub use crate::session::pairing::DeviceId;

/// The onboarding format version this module encodes and decodes.
pub const VERSION: u8 = 1;

/// Why an onboarding string or manual code was refused.
///
/// Each variant names the first thing wrong, in the order the checks run
/// (`spec/ONBOARDING.md` 3.3 and 4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum OnboardingError {
    /// A QR string that does not start with `AL`, a version digit and `:`.
    #[error("not an applink onboarding string (expected `AL1:` at the start)")]
    BadPrefix,
    /// A version this implementation does not know: the QR string's version
    /// digit, or the manual code's lead digit.
    #[error("unknown onboarding version {version}")]
    UnknownVersion {
        /// The version digit (QR) or lead digit (manual code) as found.
        version: u8,
    },
    /// A character outside the alphabet: not one of the 32 base-32
    /// characters in a QR string's body, not a digit, `-` or space in a
    /// manual code.
    #[error("character at byte {index} is not allowed")]
    BadCharacter {
        /// Byte offset of the character in the input.
        index: usize,
    },
    /// A QR string of the wrong length (in bytes), or a manual code with
    /// the wrong number of digits (separators not counted).
    #[error("wrong length: {found}, expected {expected}")]
    WrongLength {
        /// The length a version-1 string or code has.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// The QR string's CRC-16 does not match its content.
    #[error("QR string checksum mismatch")]
    ChecksumMismatch,
    /// The manual code's Verhoeff check digit does not match: a digit was
    /// mistyped or two were swapped.
    #[error("manual code check digit is wrong (a mistyped or swapped digit)")]
    CheckDigit,
    /// A field holds a value version 1 does not allow.
    #[error("{field} out of range")]
    FieldOutOfRange {
        /// Which field.
        field: Field,
    },
    /// The setup code is well formed but trivially guessable (see
    /// [`SetupCode::parse`]).
    #[error("setup code is trivially guessable")]
    TrivialSetupCode,
}

/// A field of an onboarding payload, as named by
/// [`OnboardingError::FieldOutOfRange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Field {
    /// The setup code's value is above 99 999 999.
    SetupCode,
    /// Reserved flag bits are set.
    Flags,
    /// No transport is offered.
    Transports,
    /// The manual code's short discriminator is above 63.
    ShortDiscriminator,
}

impl Field {
    /// The field's name as the spec and the vectors write it.
    pub const fn name(self) -> &'static str {
        match self {
            Field::SetupCode => "SetupCode",
            Field::Flags => "Flags",
            Field::Transports => "Transports",
            Field::ShortDiscriminator => "ShortDiscriminator",
        }
    }
}

impl core::fmt::Display for Field {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// A 12-bit discriminator (0..=4095) that tells units of one model apart
/// before connecting; the appliance advertises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Discriminator(u16);

impl Discriminator {
    /// The largest discriminator.
    pub const MAX: u16 = 0x0FFF;

    /// `value` as a discriminator, or `None` above [`Discriminator::MAX`].
    pub const fn new(value: u16) -> Option<Discriminator> {
        if value <= Self::MAX {
            Some(Discriminator(value))
        } else {
            None
        }
    }

    /// The 12-bit value.
    pub const fn get(self) -> u16 {
        self.0
    }

    /// Its top 6 bits, as the manual code carries them.
    pub const fn short(self) -> ShortDiscriminator {
        ShortDiscriminator((self.0 >> 6) as u8)
    }
}

/// The top 6 bits of a [`Discriminator`] (0..=63): what a manual code
/// carries to narrow the search to one in 64 appliances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ShortDiscriminator(u8);

impl ShortDiscriminator {
    /// The largest short discriminator.
    pub const MAX: u8 = 63;

    /// `value` as a short discriminator, or `None` above
    /// [`ShortDiscriminator::MAX`].
    pub const fn new(value: u8) -> Option<ShortDiscriminator> {
        if value <= Self::MAX {
            Some(ShortDiscriminator(value))
        } else {
            None
        }
    }

    /// The 6-bit value.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// Whether an appliance advertising `discriminator` may be the one
    /// this short discriminator came from.
    pub const fn matches(self, discriminator: Discriminator) -> bool {
        discriminator.short().0 == self.0
    }
}

macro_rules! bit_set {
    (
        $(#[$meta:meta])*
        $name:ident, mask = $mask:expr, allow_empty = $allow_empty:expr,
        { $($(#[$bmeta:meta])* $bit:ident = $value:expr, $label:literal;)* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        pub struct $name(u8);

        impl $name {
            $($(#[$bmeta])* pub const $bit: $name = $name($value);)*
            /// Every bit this version defines.
            pub const ALL_BITS: u8 = $mask;

            /// The set with exactly `bits`, or `None` when a bit outside
            /// [`Self::ALL_BITS`] is set (or, for a set that may not be
            /// empty, when `bits` is 0).
            pub const fn from_bits(bits: u8) -> Option<$name> {
                if bits & !Self::ALL_BITS != 0 || (!$allow_empty && bits == 0) {
                    None
                } else {
                    Some($name(bits))
                }
            }

            /// The bits as they are packed.
            pub const fn bits(self) -> u8 {
                self.0
            }

            /// Whether every bit of `other` is set in `self`.
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 == other.0
            }
        }

        impl core::ops::BitOr for $name {
            type Output = $name;
            fn bitor(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }
        }

        impl core::ops::BitOrAssign for $name {
            fn bitor_assign(&mut self, other: $name) {
                self.0 |= other.0;
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "("))?;
                let mut first = true;
                $(
                    if $value != 0 && self.0 & $value != 0 {
                        if !first {
                            f.write_str(" | ")?;
                        }
                        f.write_str($label)?;
                        first = false;
                    }
                )*
                if first {
                    f.write_str("none")?;
                }
                f.write_str(")")
            }
        }
    };
}

bit_set! {
    /// The transports an appliance offers: a set of at least one of
    /// [`Transports::UDP`], [`Transports::TCP`], [`Transports::BLE`] and
    /// [`Transports::UART`], combined with `|`.
    ///
    /// ```
    /// use applink::onboarding::Transports;
    /// let t = Transports::UDP | Transports::BLE;
    /// assert_eq!(t.bits(), 0b0101);
    /// assert!(t.contains(Transports::BLE) && !t.contains(Transports::TCP));
    /// assert_eq!(Transports::from_bits(0), None); // never empty
    /// ```
    Transports, mask = 0x0F, allow_empty = false, {
        /// UDP/IP datagrams (SPEC.md 3).
        UDP = 0x01, "UDP";
        /// TCP/IP with stream framing (SPEC.md 6).
        TCP = 0x02, "TCP";
        /// Bluetooth Low Energy with segmentation (SPEC.md 7).
        BLE = 0x04, "BLE";
        /// A serial line with stream framing (SPEC.md 6).
        UART = 0x08, "UART";
    }
}

bit_set! {
    /// What kind of setup code an onboarding payload carries. Version 1
    /// defines two bits; the other three bits of the packed field are
    /// reserved and refused when set.
    ///
    /// ```
    /// use applink::onboarding::Flags;
    /// assert_eq!(Flags::NONE.bits(), 0);
    /// assert!(Flags::from_bits(0b100).is_none()); // reserved
    /// ```
    Flags, mask = 0x03, allow_empty = true, {
        /// No flag.
        NONE = 0x00, "none";
        /// A one-time share code an admin phone handed out: valid for one
        /// pairing while the admin's sharing window is open
        /// (`spec/SECURITY.md`).
        ONE_TIME = 0x01, "ONE_TIME";
        /// The code printed on the appliance at the factory, valid again
        /// after a factory reset.
        FACTORY = 0x02, "FACTORY";
    }
}

/// The integer value (0..=99 999 999) of a setup code's 8 digits.
fn code_value(code: &SetupCode) -> u32 {
    code.as_bytes()
        .iter()
        .fold(0, |v, d| v * 10 + u32::from(d - b'0'))
}

/// The 8 ASCII digits of `value`, which must be below 10^8.
fn code_digits(mut value: u32) -> [u8; 8] {
    let mut digits = [b'0'; 8];
    for d in digits.iter_mut().rev() {
        *d = b'0' + (value % 10) as u8;
        value /= 10;
    }
    digits
}

/// A setup code from 8 ASCII digits, refusing a trivial one.
fn code_from_digits(digits: &[u8; 8]) -> Result<SetupCode, OnboardingError> {
    let text =
        core::str::from_utf8(digits).map_err(|_| OnboardingError::BadCharacter { index: 0 })?;
    SetupCode::parse(text).map_err(|e| match e {
        crate::crypto::setup_code::SetupCodeError::Trivial => OnboardingError::TrivialSetupCode,
        _ => OnboardingError::FieldOutOfRange {
            field: Field::SetupCode,
        },
    })
}
