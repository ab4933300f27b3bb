//! The pairing-attempt rules.
//!
//! - Pairing is possible only while a pairing window is open. A window is
//!   opened by a physical action on an appliance that holds no pairing, or
//!   by an admin, and lasts at most [`MAX_WINDOW`] (15 minutes).
//! - One attempt at a time: a `PairRequest` during an attempt gets `Busy`.
//! - Each attempt counts as a failure of its window *before* the appliance
//!   sends its confirmation. An attempt the appliance ends itself after a
//!   correct code (table full, storage failure, phone already paired) is
//!   taken back; so is a successful one.
//! - After [`BACKOFF_AFTER`] (5) failures in a window, attempt `f + 1` waits
//!   `2^(f − 5)` seconds after failure `f` (1 s, 2 s, 4 s, …).
//! - After [`CLOSE_AFTER`] (20) failures the window closes.
//! - Nothing else: no state an attacker reaches without the code outlives
//!   the window. (The persistent failure count the store keeps is a report
//!   for admins, reset by every successful pairing; no rule reads it.)
//!
//! The window and its failure count live in RAM: a reboot closes the window.

use crate::time::{Duration, Instant};

use super::SessionError;

/// The longest a pairing window stays open.
pub const MAX_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures in a window before exponential backoff starts.
pub const BACKOFF_AFTER: u32 = 5;
/// Failures in a window that close it.
pub const CLOSE_AFTER: u32 = 20;

/// The window and backoff state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Lockout {
    window_until: Option<Instant>,
    window_failures: u32,
    not_before: Instant,
}

impl Lockout {
    /// No window open.
    pub const fn new() -> Self {
        Lockout {
            window_until: None,
            window_failures: 0,
            not_before: Instant::ZERO,
        }
    }

    /// Opens a window for `length` (capped at [`MAX_WINDOW`]) from `now`,
    /// resetting the window's failure count and backoff.
    pub fn open_window(&mut self, now: Instant, length: Duration) {
        let length = if length > MAX_WINDOW {
            MAX_WINDOW
        } else {
            length
        };
        self.window_until = Some(now.saturating_add(length));
        self.window_failures = 0;
        self.not_before = now;
    }

    /// Closes the window.
    pub fn close_window(&mut self) {
        self.window_until = None;
    }

    /// Whether a window is open at `now`.
    pub fn window_open(&self, now: Instant) -> bool {
        self.window_until.is_some_and(|until| now < until)
    }

    /// Failures counted in the current window.
    pub const fn window_failures(&self) -> u32 {
        self.window_failures
    }

    /// Whether an attempt may start at `now`.
    pub fn admit(&self, now: Instant) -> Result<(), SessionError> {
        if !self.window_open(now) {
            return Err(SessionError::PairingWindowClosed);
        }
        if now < self.not_before {
            let wait = self
                .not_before
                .saturating_since(now)
                .millis()
                .div_ceil(1000);
            return Err(SessionError::LockedOut {
                retry_after_s: u32::try_from(wait).unwrap_or(u32::MAX).max(1),
            });
        }
        Ok(())
    }

    /// Takes back the failure of an attempt the appliance ended itself
    /// after a correct code; its backoff step with it.
    pub fn take_back(&mut self, now: Instant) {
        self.window_failures = self.window_failures.saturating_sub(1);
        if self.window_failures < BACKOFF_AFTER {
            self.not_before = now;
        }
    }

    /// Records a failed attempt at `now`.
    pub fn record_failure(&mut self, now: Instant) {
        self.window_failures = self.window_failures.saturating_add(1);
        if self.window_failures >= CLOSE_AFTER {
            self.window_until = None;
        } else if self.window_failures >= BACKOFF_AFTER {
            let exp = self.window_failures - BACKOFF_AFTER;
            self.not_before = now.saturating_add(Duration::from_secs(1u64 << exp));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_and_window_closure_exactly_as_specified() {
        let mut l = Lockout::new();
        let t0 = Instant::from_secs(100);
        assert_eq!(l.admit(t0), Err(SessionError::PairingWindowClosed));
        l.open_window(t0, Duration::from_secs(3600));
        assert!(l.window_open(t0.saturating_add(Duration::from_secs(899))));
        assert!(
            !l.window_open(t0.saturating_add(MAX_WINDOW)),
            "capped at 15 minutes"
        );
        let mut now = t0;
        for f in 1..=4 {
            l.record_failure(now);
            assert_eq!(l.admit(now), Ok(()), "no backoff before {f} failures");
        }
        // The 2^(f−5) s waits add up past the 15-minute window after failure 13.
        for f in 5..=13 {
            l.record_failure(now);
            let wait = 1u64 << (f - 5);
            assert_eq!(
                l.admit(now),
                Err(SessionError::LockedOut {
                    retry_after_s: wait as u32
                }),
                "after failure {f}"
            );
            now = now.saturating_add(Duration::from_secs(wait));
            assert_eq!(l.admit(now), Ok(()));
        }
        l.open_window(now, MAX_WINDOW);
        for _ in 0..CLOSE_AFTER {
            l.record_failure(now);
        }
        assert_eq!(l.admit(now), Err(SessionError::PairingWindowClosed));
        // A new window starts clean: nothing the failures did outlives
        // the window they happened in.
        l.open_window(now, MAX_WINDOW);
        assert_eq!(l.admit(now), Ok(()));
        assert_eq!(l.window_failures(), 0);
    }

    #[test]
    fn a_taken_back_attempt_costs_no_backoff() {
        let mut l = Lockout::new();
        let now = Instant::from_secs(5);
        l.open_window(now, MAX_WINDOW);
        for _ in 0..BACKOFF_AFTER - 1 {
            l.record_failure(now);
        }
        l.record_failure(now);
        assert!(l.admit(now).is_err(), "backoff after the fifth failure");
        l.take_back(now);
        assert_eq!(l.admit(now), Ok(()));
        assert_eq!(l.window_failures(), BACKOFF_AFTER - 1);
    }
}
