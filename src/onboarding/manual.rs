//! The manual code: 12 digits a person types, printed `DDDD-DDDD-DDDD`.
//!
//! ```text
//! digit  0      1 2        3 ... 10           11
//!        lead   short      setup code         Verhoeff check digit
//!        1 | 2  disc 00-63 8 digits, as is    over digits 0..=10
//! ```

use super::{OnboardingError, SetupCode, ShortDiscriminator, code_from_digits, verhoeff};
use crate::onboarding::Field;

/// The number of digits in a version-1 manual code.
pub const MANUAL_CODE_DIGITS: usize = 12;

/// The length of a printed manual code: 12 digits in three groups of four
/// joined by `-`.
pub const MANUAL_CODE_LEN: usize = MANUAL_CODE_DIGITS + 2;

/// The lead digit of a version-1 code.
const LEAD: u8 = 1;
/// The lead digit of a version-1 one-time share code.
const LEAD_ONE_TIME: u8 = 2;

/// The code a person types when there is no camera: the setup code, a
/// short discriminator to find the appliance with, and whether it is a
/// one-time share code.
///
/// `parse` accepts the digits with or without `-` and spaces anywhere;
/// `encode` (or [`Display`]) prints them in groups of four.
///
/// ```
/// use applink::crypto::setup_code::SetupCode;
/// use applink::onboarding::{ManualCode, OnboardingError, ShortDiscriminator};
///
/// let code = ManualCode {
///     short_discriminator: ShortDiscriminator::new(41).unwrap(),
///     setup_code: SetupCode::parse("31415926").unwrap(),
///     one_time: false,
/// };
/// assert_eq!(code.encode(), "1413-1415-9268");
/// assert_eq!(ManualCode::parse("1413 1415 9268"), Ok(code));
/// // One digit mistyped, or two neighbours swapped: the check digit says so.
/// assert_eq!(ManualCode::parse("1413-1415-9278"), Err(OnboardingError::CheckDigit));
/// assert_eq!(ManualCode::parse("1413-1451-9268"), Err(OnboardingError::CheckDigit));
/// ```
///
/// [`Display`]: core::fmt::Display
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManualCode {
    /// The top 6 bits of the appliance's discriminator.
    pub short_discriminator: ShortDiscriminator,
    /// The code the phone pairs with.
    pub setup_code: SetupCode,
    /// A one-time share code an admin phone handed out (lead digit `2`),
    /// rather than the appliance's own code (lead digit `1`).
    pub one_time: bool,
}

impl ManualCode {
    /// Checks and decodes a manual code. `-` and spaces are ignored
    /// wherever they are; anything else but a digit is refused. Never
    /// panics; see `spec/ONBOARDING.md` 4.3 for the order of the checks.
    pub fn parse(text: &str) -> Result<ManualCode, OnboardingError> {
        let mut digits = [0u8; MANUAL_CODE_DIGITS];
        let mut found = 0usize;
        for (index, c) in text.bytes().enumerate() {
            match c {
                b'-' | b' ' => {}
                b'0'..=b'9' => {
                    if let Some(d) = digits.get_mut(found) {
                        *d = c - b'0';
                    }
                    found = found.saturating_add(1);
                }
                _ => return Err(OnboardingError::BadCharacter { index }),
            }
        }
        if found != MANUAL_CODE_DIGITS {
            return Err(OnboardingError::WrongLength {
                expected: MANUAL_CODE_DIGITS,
                found,
            });
        }
        if !verhoeff::is_valid(&digits) {
            return Err(OnboardingError::CheckDigit);
        }
        let one_time = match digits[0] {
            LEAD => false,
            LEAD_ONE_TIME => true,
            version => return Err(OnboardingError::UnknownVersion { version }),
        };
        let short_discriminator = ShortDiscriminator::new(digits[1] * 10 + digits[2]).ok_or(
            OnboardingError::FieldOutOfRange {
                field: Field::ShortDiscriminator,
            },
        )?;
        let mut code = [0u8; 8];
        for (c, d) in code.iter_mut().zip(&digits[3..11]) {
            *c = b'0' + d;
        }
        Ok(ManualCode {
            short_discriminator,
            setup_code: code_from_digits(&code)?,
            one_time,
        })
    }

    /// The 12 digits (ASCII), check digit last, without separators.
    pub fn digits(&self) -> [u8; MANUAL_CODE_DIGITS] {
        let mut d = [0u8; MANUAL_CODE_DIGITS];
        d[0] = if self.one_time { LEAD_ONE_TIME } else { LEAD };
        let short = self.short_discriminator.get();
        d[1] = short / 10;
        d[2] = short % 10;
        for (d, c) in d[3..11].iter_mut().zip(self.setup_code.as_bytes()) {
            *d = c - b'0';
        }
        // Every element is a digit value, so there is always a check digit.
        d[11] = verhoeff::check_digit(&d[..11]).unwrap_or(0);
        d.map(|d| b'0' + d)
    }

    /// The printed form, `DDDD-DDDD-DDDD`.
    pub fn encode(&self) -> heapless::String<MANUAL_CODE_LEN> {
        let mut s = heapless::String::new();
        for (i, &d) in self.digits().iter().enumerate() {
            if i > 0 && i % 4 == 0 {
                let _ = s.push('-');
            }
            // 12 digits and 2 separators: exactly MANUAL_CODE_LEN.
            let _ = s.push(char::from(d));
        }
        s
    }
}

impl core::fmt::Display for ManualCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.encode())
    }
}

impl core::str::FromStr for ManualCode {
    type Err = OnboardingError;
    fn from_str(s: &str) -> Result<ManualCode, OnboardingError> {
        ManualCode::parse(s)
    }
}
