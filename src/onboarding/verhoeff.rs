//! The Verhoeff check digit (J. Verhoeff, *Error Detecting Decimal Codes*,
//! 1969): a checksum over decimal digits, built on the dihedral group D5,
//! that detects every single-digit error and every transposition of two
//! adjacent digits. It is not cryptography.
//!
//! Digits are values `0..=9` (not ASCII); a slice holding anything larger
//! has no check digit and is never valid.
//!
//! ```
//! use applink::onboarding::verhoeff;
//! assert_eq!(verhoeff::check_digit(&[2, 3, 6]), Some(3));
//! assert!(verhoeff::is_valid(&[2, 3, 6, 3]));
//! assert!(!verhoeff::is_valid(&[2, 6, 3, 3]));
//! ```

/// The multiplication table of D5: `D[j][k]` is `j · k`.
pub const D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

/// The permutation table: `P[i][k]` is the permutation
/// `(1 5 8 9 4 2 7 0)(3 6)` applied `i` times to `k`.
pub const P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// The inverses in D5: `D[j][INV[j]] == 0`.
pub const INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// Folds `digits` from the right, the rightmost at position `first`.
fn fold(digits: &[u8], first: usize) -> Option<u8> {
    let mut c = 0u8;
    for (i, &n) in digits.iter().rev().enumerate() {
        let permuted = *P[(i + first) % 8].get(usize::from(n))?;
        c = D[usize::from(c)][usize::from(permuted)];
    }
    Some(c)
}

/// The digit to append to `digits` so that the whole is valid, or `None`
/// when an element is not a digit value (above 9).
pub fn check_digit(digits: &[u8]) -> Option<u8> {
    fold(digits, 1).map(|c| INV[usize::from(c)])
}

/// Whether `digits`, its check digit last, is valid.
pub fn is_valid(digits: &[u8]) -> bool {
    fold(digits, 0) == Some(0)
}
