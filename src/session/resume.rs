//! Later sessions in one round trip: Noise `IKpsk2` with the keys of an
//! existing pairing.
//!
//! ```text
//!  phone (initiator)                                   appliance (responder)
//!  guard = stored guard + 1, stored durably
//!  ResumeRequest{session_p, e, sealed s,     ──▶       check mac (one hash); open s and
//!                sealed guard, offer, mac}             the guard; look the pairing up by
//!                                                      s; guard must exceed the stored
//!                                                      one; store it durably
//!                                            ◀──       ResumeReply{e, sealed session_a
//!                                                                  and parameters}
//!  first command (secured, counter 0)        ──▶       (the session is tentative until
//!                                                       this frame authenticates)
//! ```
//!
//! The handshake is [`noise`] with:
//!
//! - prologue = `"applink/v1/resume"` (17 bytes) `||` device id (8 bytes)
//!   `||` session_p (u16 little-endian) `||` the offer (6 bytes,
//!   [`Offer::binding`]);
//! - responder static key = the appliance's X25519 static key, initiator
//!   static key = the phone's, both exchanged during pairing;
//! - PSK = the pairing secret `psk` both stored when they paired;
//! - message 1 payload = the replay guard, u64 little-endian (8 bytes);
//!   message 2 payload = session_a (u16 LE) `||` [`ApplianceParams`]
//!   (24 bytes), so the appliance's session id and parameters are
//!   authenticated.
//!
//! `ResumeRequest` carries message 1 split into `ephemeral` (32),
//! `identity` (48) and `payload` (24), then the offer and `mac` =
//! HMAC-SHA256(SHA-256(`"applink/v1/resume-mac"` `||` appliance static
//! public key), the canonical encoding of the message before `mac`)
//! truncated to 16 bytes: a sender that does not know the appliance's
//! static key costs it one hash, not two X25519 operations.
//! `ResumeReply` carries message 2 as `ephemeral` (32) and `payload` (40). Both travel in plaintext frames
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
use crate::crypto::{CryptoError, CryptoProvider, ct_eq};
use crate::message::{Fixed, HelloReply, Offer, ResumeReply, ResumeRequest, Status, StatusReport};
use crate::time::Instant;

use super::flight::{self, Flight};
use super::pairing::{
    ApplianceEvent, ApplianceIdentity, DeviceId, IDLE_TIMEOUT, MAC_LABEL, hinted, status_error,
};
use super::store::{Pairing, PairingStore};
use super::{
    ApplianceParams, Expected, HANDSHAKE_TIMEOUT, Outbox, Role, SecureChannel, SessionError,
    SessionKeys, drain,
};

/// The first bytes of the resumption prologue.
pub const PROLOGUE_LABEL: &[u8] = b"applink/v1/resume";

/// Length of the replay guard in message 1.
const GUARD_LEN: usize = 8;
/// Length of Noise message 1 as `ResumeRequest` carries it.
const MESSAGE_1_LEN: usize = GUARD_LEN + MESSAGE_1_OVERHEAD;
/// Length of the message 2 payload: session_a and the appliance's
/// parameters.
const REPLY_PAYLOAD_LEN: usize = 2 + ApplianceParams::LEN;
/// Length of Noise message 2 as `ResumeReply` carries it.
const MESSAGE_2_LEN: usize = REPLY_PAYLOAD_LEN + noise::MESSAGE_2_OVERHEAD;
/// Length of the `mac` of `ResumeRequest`.
pub const MAC_LEN: usize = 16;

fn prologue(device_id: &DeviceId, phone_session: u16, offer: &Offer) -> [u8; 33] {
    let mut out = [0u8; 33];
    out[..17].copy_from_slice(PROLOGUE_LABEL);
    out[17..25].copy_from_slice(device_id);
    out[25..27].copy_from_slice(&phone_session.to_le_bytes());
    out[27..].copy_from_slice(&offer.binding());
    out
}

/// The `mac` of a `ResumeRequest`: the first 16 bytes of HMAC-SHA256 under
/// `mac_key` over the canonical encoding of the message (its type
/// included) up to, not including, the `mac` field.
pub fn request_mac<P: CryptoProvider>(
    p: &P,
    mac_key: &[u8; 32],
    request: &ResumeRequest,
) -> Result<[u8; MAC_LEN], SessionError> {
    // The encoding, field by field, without building the message: the type
    // varint, then each field before `mac` (SPEC.md 2).
    let mut session = [0u8; 3];
    let mut max_frame = [0u8; 3];
    let mut features = [0u8; 5];
    let varint = |v: u32, out: &mut [u8]| -> Result<usize, SessionError> {
        postcard::to_slice(&v, out)
            .map(|b| b.len())
            .map_err(|_| SessionError::BufferTooSmall)
    };
    let ns = varint(u32::from(request.session), &mut session)?;
    let nm = varint(u32::from(request.offer.max_frame), &mut max_frame)?;
    let nf = varint(request.offer.features.0, &mut features)?;
    let ty = [super::flight::RESUME_REQUEST as u8];
    let full = p.hmac_sha256(
        mac_key,
        &[
            &ty,
            &session[..ns],
            &request.ephemeral.0,
            &request.identity.0,
            &request.payload.0,
            &max_frame[..nm],
            &features[..nf],
        ],
    );
    let mut mac = [0u8; MAC_LEN];
    mac.copy_from_slice(&full[..MAC_LEN]);
    Ok(mac)
}

/// The `mac` key for an appliance with this static public key.
pub fn mac_key<P: CryptoProvider>(p: &P, appliance_static: &[u8; 32]) -> [u8; 32] {
    p.sha256(&[MAC_LABEL, appliance_static])
}

/// What a finished resumption gives the phone.
#[derive(Debug)]
pub struct PhoneResumed {
    /// The secured channel, ready for the first command.
    pub channel: SecureChannel,
    /// What the appliance sealed about itself.
    pub appliance: ApplianceParams,
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
    hint: Option<SessionError>,
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
    result: Option<Result<PhoneResumed, SessionError>>,
}

impl<P: CryptoProvider> PhoneResume<P> {
    /// Starts resumption with the appliance `device_id`, paired as
    /// `pairing`: advances `pairing.resume_counter` (the replay guard) and
    /// queues `ResumeRequest`. **Store `pairing` durably before sending the
    /// frame**, so a guard is never used twice. `static_secret` is the
    /// phone's long-term X25519 key, `phone_session` the non-zero id the
    /// appliance will put in frames to the phone, `offer` what the phone
    /// takes for the session.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        p: &mut P,
        static_secret: &P::X25519Secret,
        device_id: DeviceId,
        pairing: &mut Pairing,
        phone_session: u16,
        offer: Offer,
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
            &prologue(&device_id, phone_session, &offer),
            static_secret,
            &pairing.peer_static,
            e,
            &guard.to_le_bytes(),
            &mut m1,
        )
        .map_err(crypto_error)?;
        let mut request = ResumeRequest {
            session: phone_session,
            ephemeral: Fixed(slice::<32>(&m1[..32])),
            identity: Fixed(slice::<48>(&m1[32..80])),
            payload: Fixed(slice::<24>(&m1[80..])),
            offer,
            mac: Fixed([0; MAC_LEN]),
        };
        request.mac = Fixed(request_mac(p, &mac_key(p, &pairing.peer_static), &request)?);
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
                hint: None,
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
    pub fn poll_event(&mut self) -> Option<Result<PhoneResumed, SessionError>> {
        self.result.take()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            PhoneState::ExpectResumeReply(s) => Some(s.deadline),
            PhoneState::Done => None,
        }
    }

    /// The hint received so far, if any: what the attempt will end with
    /// if no genuine reply comes by [`poll_timeout`](Self::poll_timeout).
    pub fn hint(&self) -> Option<SessionError> {
        match &self.state {
            PhoneState::ExpectResumeReply(s) => s.hint,
            PhoneState::Done => None,
        }
    }

    /// Gives up if the appliance has not answered by the deadline: with
    /// the hint received, if any, else [`SessionError::Timeout`].
    pub fn handle_timeout(&mut self, now: Instant) {
        if let PhoneState::ExpectResumeReply(s) = &self.state
            && now >= s.deadline
        {
            self.result = Some(Err(s.hint.unwrap_or(SessionError::Timeout)));
            self.state = PhoneState::Done;
        }
    }

    /// Takes one frame from the appliance. A `ResumeReply` that does not
    /// authenticate is rejected and the phone keeps waiting for the genuine
    /// one until the deadline. A plaintext refusal (`Status`,
    /// `HelloReply::Reject`) is a hint: it ends the attempt only if no
    /// genuine reply comes within [`HINT_GRACE`](super::HINT_GRACE).
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
        let PhoneState::ExpectResumeReply(s) = &mut self.state else {
            return Err(unexpected(Expected::Nothing, &message));
        };
        if header.exchange != s.exchange {
            return Err(unexpected(Expected::ResumeReply, &message));
        }
        let hint = match &message {
            Flight::ResumeReply(r) => {
                let resumed = Self::on_reply(p, s, static_secret, r, now)?;
                self.state = PhoneState::Done;
                self.result = Some(Ok(resumed));
                return Ok(());
            }
            Flight::Status(StatusReport { status }) => status_error(*status),
            Flight::HelloReply(HelloReply::Reject(r)) => super::pairing::reject_error(*r),
            other => return Err(unexpected(Expected::ResumeReply, other)),
        };
        hinted(&mut s.hint, &mut s.deadline, hint, now);
        Err(hint)
    }

    fn on_reply(
        p: &P,
        s: &ExpectResumeReply<P>,
        static_secret: &P::X25519Secret,
        r: &ResumeReply,
        now: Instant,
    ) -> Result<PhoneResumed, SessionError> {
        let mut m2 = [0u8; MESSAGE_2_LEN];
        m2[..32].copy_from_slice(&r.ephemeral.0);
        m2[32..].copy_from_slice(&r.payload.0);
        let mut payload = [0u8; REPLY_PAYLOAD_LEN];
        let (transport, _) = s
            .noise
            .read_message_2(p, static_secret, &s.psk, &m2, &mut payload)
            .map_err(crypto_error)?;
        let appliance_session = u16::from_le_bytes([payload[0], payload[1]]);
        if appliance_session == 0 {
            return Err(SessionError::UnknownSession(0));
        }
        let mut params = [0u8; ApplianceParams::LEN];
        params.copy_from_slice(&payload[2..]);
        Ok(PhoneResumed {
            channel: SecureChannel::new(
                Role::Phone,
                &keys(&transport),
                s.phone_session,
                appliance_session,
                IDLE_TIMEOUT,
                now,
            ),
            appliance: ApplianceParams::read(&params),
        })
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

    /// Takes one plaintext frame from a phone. `params` is what the
    /// appliance seals about itself in `ResumeReply`.
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
    /// session id among those for which `in_use` is false. A request whose
    /// `mac` does not check costs one hash: it is refused with
    /// [`SessionError::Authentication`] and answered `NEEDS_PAIRING` (the
    /// phone holds another appliance's key), with no X25519 operation.
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
        let needs_pairing = |outbox: &mut Outbox| {
            let report = StatusReport {
                status: Status::NEEDS_PAIRING,
            };
            flight::emit(outbox, header.exchange, false, &Flight::Status(report))
        };
        if !ct_eq(&request_mac(p, &identity.mac_key, &r)?, &r.mac.0) {
            needs_pairing(&mut self.outbox)?;
            return Err(SessionError::Authentication);
        }
        match self.on_request(p, store, identity, params, header.exchange, &r, now, in_use) {
            Err(SessionError::NeedsPairing) => {
                needs_pairing(&mut self.outbox)?;
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
        params: &ApplianceParams,
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
            &prologue(&identity.device_id, r.session, &r.offer),
            &identity.static_secret,
            &identity.public,
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
        let mut payload = [0u8; REPLY_PAYLOAD_LEN];
        payload[..2].copy_from_slice(&appliance_session.to_le_bytes());
        let mut encoded = [0u8; ApplianceParams::LEN];
        params.write(&mut encoded);
        payload[2..].copy_from_slice(&encoded);
        let mut m2 = [0u8; MESSAGE_2_LEN];
        let (transport, _) = responder
            .write_message_2(p, &e, &psk, &payload, &mut m2)
            .map_err(crypto_error)?;
        let reply = ResumeReply {
            ephemeral: Fixed(slice::<32>(&m2[..32])),
            payload: Fixed(slice::<40>(&m2[32..])),
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
            offer: r.offer,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
