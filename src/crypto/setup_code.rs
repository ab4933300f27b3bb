//! Setup codes: 8 decimal digits printed on the appliance, and (with `std`)
//! the derivation of the SPAKE2+ secrets from one.
//!
//! A code is refused when it is trivially guessable:
//!
//! - anything but exactly 8 ASCII digits;
//! - one digit repeated (`00000000` … `99999999`);
//! - a run counting up or down by one (`01234567`, `12345678`,
//!   `23456789`, `76543210`, `87654321`, `98765432`);
//! - a two-digit pattern repeated (`12121212`) or a four-digit pattern
//!   repeated (`12341234`, `19901990`).
//!
//! The phone and the factory derive `w0s || w1s` (80 bytes) with Argon2id
//! ([`ARGON2_M_KIB`], [`ARGON2_T`], [`ARGON2_P`]) over the 8 ASCII digits,
//! salted with `SHA-256("applink/v1/setup-code-salt" || device_id)`; firmware
//! never runs it and stores only the verifier record.

/// Argon2id memory cost in KiB (19 MiB).
pub const ARGON2_M_KIB: u32 = 19_456;
/// Argon2id passes.
pub const ARGON2_T: u32 = 2;
/// Argon2id lanes.
pub const ARGON2_P: u32 = 1;
/// The label hashed with the device id into the Argon2id salt.
pub const SALT_LABEL: &[u8] = b"applink/v1/setup-code-salt";

/// Why a setup code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum SetupCodeError {
    /// Not exactly 8 ASCII digits (after removing separators).
    #[error("a setup code is exactly 8 digits")]
    Format,
    /// A guessable pattern.
    #[error("setup code is trivially guessable")]
    Trivial,
    /// The key derivation failed.
    #[error("setup code derivation failed")]
    Derivation,
}

/// A checked 8-digit setup code.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SetupCode([u8; 8]);

impl core::fmt::Debug for SetupCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SetupCode(********)")
    }
}

impl SetupCode {
    /// Checks `code` (8 ASCII digits, as printed: `-` and spaces between
    /// them are ignored, so `"3141-5926"` is `"31415926"`) and refuses
    /// trivial ones.
    pub fn parse(code: &str) -> Result<SetupCode, SetupCodeError> {
        let mut digits = [0u8; 8];
        let mut n = 0;
        for c in code.bytes().filter(|c| !matches!(c, b'-' | b' ')) {
            if !c.is_ascii_digit() || n == digits.len() {
                return Err(SetupCodeError::Format);
            }
            digits[n] = c;
            n += 1;
        }
        if n != digits.len() {
            return Err(SetupCodeError::Format);
        }
        let d = digits.map(|c| c - b'0');
        let steps_by = |step: i8| d.windows(2).all(|w| w[1] as i8 - w[0] as i8 == step);
        let periodic = |p: usize| (p..8).all(|i| d[i] == d[i - p]);
        if steps_by(0) || steps_by(1) || steps_by(-1) || periodic(2) || periodic(4) {
            return Err(SetupCodeError::Trivial);
        }
        Ok(SetupCode(digits))
    }

    /// The code's 8 ASCII digits.
    pub fn as_bytes(&self) -> &[u8; 8] {
        &self.0
    }

    /// A uniformly drawn code that these rules accept: for the factory's
    /// per-unit codes and an admin's one-time codes.
    pub fn random<P: super::CryptoProvider>(p: &mut P) -> SetupCode {
        loop {
            let mut b = [0u8; 4];
            p.random_bytes(&mut b);
            // Rejection sampling keeps the eight digits uniform.
            let n = u32::from_le_bytes(b);
            if n >= 4_200_000_000 {
                continue;
            }
            let mut n = n % 100_000_000;
            let mut digits = [0u8; 8];
            for d in digits.iter_mut().rev() {
                *d = b'0' + (n % 10) as u8;
                n /= 10;
            }
            if let Ok(code) = core::str::from_utf8(&digits)
                .map_err(|_| ())
                .and_then(|s| SetupCode::parse(s).map_err(|_| ()))
            {
                return code;
            }
        }
    }
}

/// Derives the 80-byte `w0s || w1s` from a setup code with Argon2id. For
/// phones and the factory; firmware stores only the verifier record.
#[cfg(all(feature = "std", feature = "rustcrypto"))]
pub fn derive_w0s_w1s(code: &SetupCode, device_id: &[u8]) -> Result<[u8; 80], SetupCodeError> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(SALT_LABEL);
    h.update(device_id);
    let salt: [u8; 32] = h.finalize().into();
    let params = argon2::Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, Some(80))
        .map_err(|_| SetupCodeError::Derivation)?;
    let kdf = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = [0u8; 80];
    kdf.hash_password_into(code.as_bytes(), &salt, &mut out)
        .map_err(|_| SetupCodeError::Derivation)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivial_codes_are_refused() {
        for bad in [
            "00000000", "11111111", "99999999", "12345678", "87654321", "01234567", "98765432",
            "12121212", "12341234", "19901990",
        ] {
            assert_eq!(SetupCode::parse(bad), Err(SetupCodeError::Trivial), "{bad}");
        }
        for bad in [
            "1234567",
            "123456789",
            "1234567a",
            "１２３４５６７８",
            "",
            "3141_5926",
            "3141-5926-0",
        ] {
            assert_eq!(SetupCode::parse(bad), Err(SetupCodeError::Format), "{bad}");
        }
        assert!(SetupCode::parse("20250917").is_ok());
        assert!(SetupCode::parse("31415926").is_ok());
        // Printed separators are ignored.
        assert_eq!(SetupCode::parse("3141-5926"), SetupCode::parse("31415926"));
        assert_eq!(SetupCode::parse(" 3141 5926"), SetupCode::parse("31415926"));
        assert_eq!(SetupCode::parse("1234-5678"), Err(SetupCodeError::Trivial));
    }
}
