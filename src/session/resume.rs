//! Later sessions in one round trip: Noise `IKpsk2` with the keys of an
//! existing pairing.
//!
//! ```text
//!  phone (initiator)                                   appliance (responder)
//!  guard = stored guard + 1, stored durably
//!  ResumeRequest{session_p, e, sealed s,     ──▶       open s and the guard; look the
//!                sealed guard}                         pairing up by s; guard must exceed
//!                                                      the stored one; store it durably
//!                                            ◀──       ResumeReply{session_a, e, sealed ""}
//!  first command (secured, counter 0)        ──▶
//! ```
//!
//! The handshake is [`noise`] with:
//!
//! - prologue = `"applink/v1/resume"` (17 bytes) `||` device id (8 bytes)
//!   `||` session_p (u16 little-endian);
//! - responder static key = the appliance's X25519 static key, initiator
//!   static key = the phone's, both exchanged during pairing;
//! - PSK = the pairing secret `psk` both stored when they paired;
//! - message 1 payload = the replay guard, u64 little-endian (8 bytes);
//!   message 2 payload = empty.
//!
//! `ResumeRequest` carries message 1 split into `ephemeral` (32),
//! `identity` (48) and `payload` (24); `ResumeReply` carries message 2 as
//! `ephemeral` (32) and `payload` (16). Both travel in plaintext frames
//! (session 0, CRC-32C) on the exchange the phone chose; the phone sets
//! flag I. The traffic keys are Noise's `Split()`: the first key seals
//! phone → appliance frames, the second appliance → phone; the session then
//! runs on [`SecureChannel`] exactly as after pairing. No command rides in
//! message 1 (no 0-RTT data).
//!
//! The appliance answers `Status(NEEDS_PAIRING)` when message 1 does not
//! authenticate under its static key, names a phone it holds no pairing
//! for, or carries a replay guard not above the one stored; the phone
//! reports [`SessionError::NeedsPairing`].

use crate::crypto::noise::{self, MESSAGE_1_OVERHEAD};
use crate::crypto::{CryptoError, CryptoProvider};
use crate::message::{Fixed, HelloReply, ResumeReply, ResumeRequest, Status, StatusReport};
use crate::time::Instant;

use super::flight::{self, Flight};
use super::pairing::{ApplianceEvent, ApplianceIdentity, DeviceId, IDLE_TIMEOUT};
use super::store::{Pairing, PairingStore};
use super::{
    Expected, HANDSHAKE_TIMEOUT, Outbox, Role, SecureChannel, SessionError, SessionKeys, drain,
};

/// The first bytes of the resumption prologue.
pub const PROLOGUE_LABEL: &[u8] = b"applink/v1/resume";

/// Length of the replay guard in message 1.
const GUARD_LEN: usize = 8;
/// Length of Noise message 1 as `ResumeRequest` carries it.
const MESSAGE_1_LEN: usize = GUARD_LEN + MESSAGE_1_OVERHEAD;
/// Length of Noise message 2 as `ResumeReply` carries it.
const MESSAGE_2_LEN: usize = noise::MESSAGE_2_OVERHEAD;

fn prologue(device_id: &DeviceId, phone_session: u16) -> [u8; 27] {
    let mut out = [0u8; 27];
    out[..17].copy_from_slice(PROLOGUE_LABEL);
    out[17..25].copy_from_slice(device_id);
    out[25..].copy_from_slice(&phone_session.to_le_bytes());
    out
}

fn keys(t: &noise::Transport) -> SessionKeys {
    SessionKeys {
        phone_to_appliance: t.initiator_to_responder,
        appliance_to_phone: t.responder_to_initiator,
    }
}

fn crypto_error(e: CryptoError) -> SessionError {
    match e {
        CryptoError::Authentication => SessionError::Authentication,
        other => SessionError::Crypto(other),
    }
}

struct ExpectResumeReply<P: CryptoProvider> {
    noise: noise::Initiator<P>,
    psk: [u8; 32],
    phone_session: u16,
    exchange: u16,
    deadline: Instant,
}

impl<P: CryptoProvider> Drop for ExpectResumeReply<P> {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.psk);
    }
}

enum PhoneState<P: CryptoProvider> {
    ExpectResumeReply(ExpectResumeReply<P>),
    Done,
}

/// The phone's side of resumption.
pub struct PhoneResume<P: CryptoProvider> {
    state: PhoneState<P>,
    outbox: Outbox,
    result: Option<Result<SecureChannel, SessionError>>,
}

impl<P: CryptoProvider> PhoneResume<P> {
    /// Starts resumption with the appliance `device_id`, paired as
    /// `pairing`: advances `pairing.resume_counter` (the replay guard) and
    /// queues `ResumeRequest`. **Store `pairing` durably before sending the
    /// frame**, so a guard is never used twice. `static_secret` is the
    /// phone's long-term X25519 key, `phone_session` the non-zero id the
    /// appliance will put in frames to the phone.
    pub fn start(
        p: &mut P,
        static_secret: &P::X25519Secret,
        device_id: DeviceId,
        pairing: &mut Pairing,
        phone_session: u16,
        exchange: u16,
        now: Instant,
    ) -> Result<Self, SessionError> {
        if phone_session == 0 {
            return Err(SessionError::UnknownSession(0));
        }
        let guard = pairing
            .resume_counter
            .checked_add(1)
            .ok_or(SessionError::NeedsPairing)?;
        let e = p.x25519_generate();
        let mut m1 = [0u8; MESSAGE_1_LEN];
        let (initiator, _) = noise::Initiator::write_message_1(
            p,
            &prologue(&device_id, phone_session),
            static_secret,
            &pairing.peer_static,
            e,
            &guard.to_le_bytes(),
            &mut m1,
        )
        .map_err(crypto_error)?;
        let request = ResumeRequest {
            session: phone_session,
            ephemeral: Fixed(slice::<32>(&m1[..32])),
            identity: Fixed(slice::<48>(&m1[32..80])),
            payload: Fixed(slice::<24>(&m1[80..])),
        };
        let mut outbox = Outbox::new();
        flight::emit(&mut outbox, exchange, true, &Flight::ResumeRequest(request))?;
        pairing.resume_counter = guard;
        Ok(PhoneResume {
            state: PhoneState::ExpectResumeReply(ExpectResumeReply {
                noise: initiator,
                psk: pairing.psk,
                phone_session,
                exchange,
                deadline: now.saturating_add(HANDSHAKE_TIMEOUT),
            }),
            outbox,
            result: None,
        })
    }

    /// What the state machine waits for.
    pub const fn expected(&self) -> Expected {
        match self.state {
            PhoneState::ExpectResumeReply(_) => Expected::ResumeReply,
            PhoneState::Done => Expected::Nothing,
        }
    }

    /// The next frame to send, if any.
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<usize> {
        drain(&mut self.outbox, buf)
    }

    /// The outcome, once there is one (taken once): the secure channel, or
    /// why resumption failed.
    pub fn poll_event(&mut self) -> Option<Result<SecureChannel, SessionError>> {
        self.result.take()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            PhoneState::ExpectResumeReply(s) => Some(s.deadline),
            PhoneState::Done => None,
        }
    }

    /// Gives up if the appliance has not answered by the deadline.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.poll_timeout().is_some_and(|d| now >= d) {
            self.state = PhoneState::Done;
            self.result = Some(Err(SessionError::Timeout));
        }
    }

    /// Takes one frame from the appliance. A `ResumeReply` that does not
    /// authenticate is rejected and the phone keeps waiting for the genuine
    /// one until the deadline; a refusal ends the attempt.
    pub fn handle_frame(
        &mut self,
        p: &P,
        static_secret: &P::X25519Secret,
        bytes: &[u8],
        now: Instant,
    ) -> Result<(), SessionError> {
        let (header, message) = flight::decode(bytes)?;
        let unexpected = |expected, got: &Flight| SessionError::Unexpected {
            expected,
            got: got.message_type(),
        };
        let PhoneState::ExpectResumeReply(s) = &self.state else {
            return Err(unexpected(Expected::Nothing, &message));
        };
        if header.exchange != s.exchange {
            return Err(unexpected(Expected::ResumeReply, &message));
        }
        let outcome = match &message {
            Flight::ResumeReply(r) => {
                let channel = Self::on_reply(p, s, static_secret, r, now)?;
                Ok(channel)
            }
            Flight::Status(StatusReport { status }) => Err(match *status {
                Status::NEEDS_PAIRING => SessionError::NeedsPairing,
                other => SessionError::Refused(other),
            }),
            Flight::HelloReply(HelloReply::Reject(r)) => Err(super::pairing::reject_error(*r)),
            other => return Err(unexpected(Expected::ResumeReply, other)),
        };
        self.state = PhoneState::Done;
        let result = outcome.as_ref().map(|_| ()).map_err(|e| *e);
        self.result = Some(outcome);
        result
    }

    fn on_reply(
        p: &P,
        s: &ExpectResumeReply<P>,
        static_secret: &P::X25519Secret,
        r: &ResumeReply,
        now: Instant,
    ) -> Result<SecureChannel, SessionError> {
        if r.session == 0 {
            return Err(SessionError::UnknownSession(0));
        }
        let mut m2 = [0u8; MESSAGE_2_LEN];
        m2[..32].copy_from_slice(&r.ephemeral.0);
        m2[32..].copy_from_slice(&r.payload.0);
        let (transport, _) = s
            .noise
            .read_message_2(p, static_secret, &s.psk, &m2, &mut [])
            .map_err(crypto_error)?;
        Ok(SecureChannel::new(
            Role::Phone,
            &keys(&transport),
            s.phone_session,
            r.session,
            IDLE_TIMEOUT,
            now,
        ))
    }
}

fn slice<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(bytes);
    out
}

/// The appliance's side of resumption. It keeps no state between requests:
/// each valid `ResumeRequest` is answered at once and yields an
/// [`ApplianceEvent::Resumed`] with the new channel.
#[derive(Default)]
pub struct ApplianceResume {
    outbox: Outbox,
    event: Option<ApplianceEvent>,
}

impl ApplianceResume {
    /// Ready for requests.
    pub const fn new() -> Self {
        ApplianceResume {
            outbox: Outbox::new(),
            event: None,
        }
    }

    /// The next frame to send, if any (drain it after every call).
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<usize> {
        drain(&mut self.outbox, buf)
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<ApplianceEvent> {
        self.event.take()
    }

    /// Takes one plaintext frame from a phone.
    pub fn handle_frame<P: CryptoProvider, S: PairingStore>(
        &mut self,
        p: &mut P,
        store: &mut S,
        identity: &ApplianceIdentity<P>,
        bytes: &[u8],
        now: Instant,
    ) -> Result<(), SessionError> {
        self.handle_frame_avoiding(p, store, identity, bytes, now, &|_| false)
    }

    /// Like [`handle_frame`](Self::handle_frame), drawing the appliance's
    /// session id among those for which `in_use` is false.
    pub fn handle_frame_avoiding<P: CryptoProvider, S: PairingStore>(
        &mut self,
        p: &mut P,
        store: &mut S,
        identity: &ApplianceIdentity<P>,
        bytes: &[u8],
        now: Instant,
        in_use: &dyn Fn(u16) -> bool,
    ) -> Result<(), SessionError> {
        let (header, message) = flight::decode(bytes)?;
        let Flight::ResumeRequest(r) = message else {
            return Err(SessionError::Unexpected {
                expected: Expected::ResumeRequest,
                got: message.message_type(),
            });
        };
        if r.session == 0 {
            return Err(SessionError::UnknownSession(0));
        }
        match self.on_request(p, store, identity, header.exchange, &r, now, in_use) {
            Err(SessionError::NeedsPairing) => {
                let report = StatusReport {
                    status: Status::NEEDS_PAIRING,
                };
                flight::emit(
                    &mut self.outbox,
                    header.exchange,
                    false,
                    &Flight::Status(report),
                )?;
                Err(SessionError::NeedsPairing)
            }
            other => other,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn on_request<P: CryptoProvider, S: PairingStore>(
        &mut self,
        p: &mut P,
        store: &mut S,
        identity: &ApplianceIdentity<P>,
        exchange: u16,
        r: &ResumeRequest,
        now: Instant,
        in_use: &dyn Fn(u16) -> bool,
    ) -> Result<(), SessionError> {
        let mut m1 = [0u8; MESSAGE_1_LEN];
        m1[..32].copy_from_slice(&r.ephemeral.0);
        m1[32..80].copy_from_slice(&r.identity.0);
        m1[80..].copy_from_slice(&r.payload.0);
        let mut guard = [0u8; GUARD_LEN];
        let (responder, _) = noise::Responder::read_message_1(
            p,
            &prologue(&identity.device_id, r.session),
            &identity.static_secret,
            &m1,
            &mut guard,
        )
        .map_err(|e| match e {
            // Not sealed to this appliance's key: the phone's pairing is
            // with someone else (or the appliance was reset).
            CryptoError::Authentication => SessionError::NeedsPairing,
            other => SessionError::Crypto(other),
        })?;
        let peer_static = *responder.remote_static();
        let mut pairing = store.get(&peer_static).ok_or(SessionError::NeedsPairing)?;
        let guard = u64::from_le_bytes(guard);
        if guard <= pairing.resume_counter {
            return Err(SessionError::NeedsPairing);
        }
        // The guard is spent before anything depending on it leaves.
        pairing.resume_counter = guard;
        let admin = pairing.admin;
        let psk = pairing.psk;
        store.put(pairing).map_err(|_| SessionError::Storage)?;

        let appliance_session = super::random_session(p, in_use);
        let e = p.x25519_generate();
        let mut m2 = [0u8; MESSAGE_2_LEN];
        let (transport, _) = responder
            .write_message_2(p, &e, &psk, &[], &mut m2)
            .map_err(crypto_error)?;
        let reply = ResumeReply {
            session: appliance_session,
            ephemeral: Fixed(slice::<32>(&m2[..32])),
            payload: Fixed(slice::<16>(&m2[32..])),
        };
        flight::emit(
            &mut self.outbox,
            exchange,
            false,
            &Flight::ResumeReply(reply),
        )?;
        self.event = Some(ApplianceEvent::Resumed {
            channel: SecureChannel::new(
                Role::Appliance,
                &keys(&transport),
                appliance_session,
                r.session,
                IDLE_TIMEOUT,
                now,
            ),
            peer_static,
            admin,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
