//! The appliance's single entry point for plaintext handshake frames.
//!
//! [`ApplianceHandshake`] routes `ResumeRequest` to [`ApplianceResume`] and
//! everything else to [`AppliancePairing`] (which rejects what it does not
//! take), and merges their outputs, so firmware feeds every plaintext frame
//! to one object and drains one outbox and one event queue.

use crate::crypto::CryptoProvider;
use crate::time::Instant;

use super::flight::{self, Flight};
use super::pairing::{ApplianceEvent, ApplianceIdentity, AppliancePairing};
use super::resume::ApplianceResume;
use super::store::PairingStore;
use super::{ApplianceParams, SessionError};

/// Pairing and resumption on the appliance side.
#[derive(Default)]
pub struct ApplianceHandshake {
    pairing: AppliancePairing,
    resume: ApplianceResume,
}

impl ApplianceHandshake {
    /// Idle, pairing window closed.
    pub const fn new() -> Self {
        ApplianceHandshake {
            pairing: AppliancePairing::new(),
            resume: ApplianceResume::new(),
        }
    }

    /// The pairing machine (window, lockout, admin operations).
    pub const fn pairing(&self) -> &AppliancePairing {
        &self.pairing
    }

    /// The pairing machine, to open its window.
    pub fn pairing_mut(&mut self) -> &mut AppliancePairing {
        &mut self.pairing
    }

    /// Takes one plaintext frame from a phone. `params` is what the
    /// appliance seals about itself in `PairChallenge` and `ResumeReply`.
    pub fn handle_frame<P: CryptoProvider, S: PairingStore>(
        &mut self,
        p: &mut P,
        store: &mut S,
        identity: &ApplianceIdentity<P>,
        params: &ApplianceParams,
        bytes: &[u8],
        now: Instant,
    ) -> Result<(), SessionError> {
        self.handle_frame_avoiding(p, store, identity, params, bytes, now, &|_| false)
    }

    /// Like [`handle_frame`](Self::handle_frame), drawing the appliance's
    /// session id among those for which `in_use` is false (the node passes
    /// its session table, so a new session never collides with a live one).
    #[allow(clippy::too_many_arguments)]
    pub fn handle_frame_avoiding<P: CryptoProvider, S: PairingStore>(
        &mut self,
        p: &mut P,
        store: &mut S,
        identity: &ApplianceIdentity<P>,
        params: &ApplianceParams,
        bytes: &[u8],
        now: Instant,
        in_use: &dyn Fn(u16) -> bool,
    ) -> Result<(), SessionError> {
        let (_, message) = flight::decode(bytes)?;
        if matches!(message, Flight::ResumeRequest(_)) {
            self.resume
                .handle_frame_avoiding(p, store, identity, params, bytes, now, in_use)
        } else {
            self.pairing
                .handle_frame_avoiding(p, store, identity, params, bytes, now, in_use)
        }
    }

    /// The next frame to send, if any. Drain it after every `handle_*`
    /// call.
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<usize> {
        self.pairing
            .poll_transmit(buf)
            .or_else(|| self.resume.poll_transmit(buf))
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<ApplianceEvent> {
        self.pairing
            .poll_event()
            .or_else(|| self.resume.poll_event())
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.pairing.poll_timeout()
    }

    /// Abandons a pairing attempt whose phone went silent.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.pairing.handle_timeout(now);
    }
}
