//! First pairing from the setup code: SPAKE2+ in 1.5 round trips.
//!
//! ```text
//!  phone (prover)                                     appliance (verifier)
//!  PairRequest{session_p, shareP}          ──▶        count the attempt (durably)
//!                                          ◀──        PairChallenge{session_a, shareV,
//!                                                                   confirmV, sealed id_a}
//!  check confirmV (wrong code: typed error)
//!  PairFinish{confirmP, sealed id_p}       ──▶        check confirmP, store the pairing
//!  first command (secured, counter 0)      ──▶        open it with the new channel
//! ```
//!
//! Handshake messages travel in plaintext frames (session 0, CRC); the
//! phone sets flag I. SPAKE2+ binds Context = `"applink/v1/pairing" ||
//! session_p (u16 LE) || session_a (u16 LE)`, idProver = empty and
//! idVerifier = the 8-byte device id. From `K_shared` every key is
//! `HKDF-SHA256(salt = empty, ikm = K_shared, info = "applink/v1/pair/" ||
//! label)`, 32 bytes, with the labels `id-a`, `id-p` (identity sealing keys),
//! `p2a`, `a2p` (traffic keys) and `psk` (the pairing secret). An identity
//! is the sender's X25519 static public key sealed with ChaCha20-Poly1305
//! under its key, a zero nonce and empty associated data.
//!
//! A refused `PairRequest` is answered with `HelloReply::Reject`
//! (`PairingWindowClosed`, `Busy`, `LockedOut`); a wrong code with
//! `Status(WRONG_SETUP_CODE)` from whichever side detects it.

#[cfg(all(feature = "std", feature = "rustcrypto"))]
use crate::crypto::setup_code::{SetupCode, SetupCodeError, derive_w0s_w1s};
use crate::crypto::spake2plus::{
    self, Context, Keys, ProverSecret, VERIFIER_RECORD_LEN, VerifierRecord,
};
use crate::crypto::{AeadKey, CryptoError, CryptoProvider};
use crate::message::{
    Fixed, HelloReject, HelloReply, PairChallenge, PairFinish, PairRequest, Status, StatusReport,
};
use crate::time::{Duration, Instant};

use super::flight::{self, Flight};
use super::lockout::Lockout;
use super::store::{Pairing, PairingStore};
use super::{
    Expected, HANDSHAKE_TIMEOUT, Outbox, Role, SecureChannel, SessionError, SessionKeys, drain,
};

/// The SPAKE2+ context prefix.
pub const CONTEXT_LABEL: &[u8] = b"applink/v1/pairing";
/// The HKDF info prefix of every pairing key.
pub const KEY_LABEL: &[u8] = b"applink/v1/pair/";
/// How long a fresh session stays up without traffic.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// An appliance's device id: binds the SPAKE2+ run and salts the setup code.
pub type DeviceId = [u8; 8];

fn context(phone_session: u16, appliance_session: u16) -> [u8; 22] {
    let mut c = [0u8; 22];
    c[..18].copy_from_slice(CONTEXT_LABEL);
    c[18..20].copy_from_slice(&phone_session.to_le_bytes());
    c[20..].copy_from_slice(&appliance_session.to_le_bytes());
    c
}

/// The keys derived from `K_shared`.
pub(crate) struct PairKeys {
    id_a: AeadKey,
    id_p: AeadKey,
    traffic: SessionKeys,
    psk: [u8; 32],
}

impl Drop for PairKeys {
    fn drop(&mut self) {
        // `traffic` zeroizes itself.
        zeroize::Zeroize::zeroize(&mut self.id_a);
        zeroize::Zeroize::zeroize(&mut self.id_p);
        zeroize::Zeroize::zeroize(&mut self.psk);
    }
}

fn derive<P: CryptoProvider>(p: &P, shared: &[u8; 32]) -> Result<PairKeys, SessionError> {
    let key = |label: &[u8]| -> Result<[u8; 32], SessionError> {
        let mut k = [0u8; 32];
        p.hkdf_sha256(&[], shared, &[KEY_LABEL, label], &mut k)?;
        Ok(k)
    };
    Ok(PairKeys {
        id_a: key(b"id-a")?,
        id_p: key(b"id-p")?,
        traffic: SessionKeys {
            phone_to_appliance: key(b"p2a")?,
            appliance_to_phone: key(b"a2p")?,
        },
        psk: key(b"psk")?,
    })
}

fn seal_identity<P: CryptoProvider>(
    p: &P,
    key: &AeadKey,
    public: &[u8; 32],
) -> Result<Fixed<48>, SessionError> {
    let mut out = [0u8; 48];
    out[..32].copy_from_slice(public);
    let tag = p.aead_seal(key, &[0; 12], &[], &mut out[..32])?;
    out[32..].copy_from_slice(&tag);
    Ok(Fixed(out))
}

fn open_identity<P: CryptoProvider>(
    p: &P,
    key: &AeadKey,
    sealed: &Fixed<48>,
) -> Result<[u8; 32], SessionError> {
    let mut public = [0u8; 32];
    public.copy_from_slice(&sealed.0[..32]);
    let mut tag = [0u8; 16];
    tag.copy_from_slice(&sealed.0[32..]);
    p.aead_open(key, &[0; 12], &[], &mut public, &tag)
        .map_err(|_| SessionError::Authentication)?;
    Ok(public)
}

pub(crate) fn reject_error(r: HelloReject) -> SessionError {
    match r {
        HelloReject::PairingWindowClosed => SessionError::PairingWindowClosed,
        HelloReject::Busy { .. } => SessionError::Busy,
        HelloReject::LockedOut { retry_after_s } => SessionError::LockedOut { retry_after_s },
        HelloReject::NotPaired => SessionError::NeedsPairing,
        HelloReject::UnsupportedVersion { .. } => {
            SessionError::Refused(Status::UNSUPPORTED_VERSION)
        }
    }
}

fn status_error(s: Status) -> SessionError {
    match s {
        Status::WRONG_SETUP_CODE => SessionError::WrongSetupCode,
        Status::NEEDS_PAIRING => SessionError::NeedsPairing,
        other => SessionError::Refused(other),
    }
}

/// What a finished pairing gives the phone.
#[derive(Debug)]
pub struct PhonePaired {
    /// The secured channel, ready for the first command.
    pub channel: SecureChannel,
    /// What to store: the appliance's static key and the pairing secret.
    pub pairing: Pairing,
}

struct ExpectPairChallenge<P: CryptoProvider> {
    secret: ProverSecret<P>,
    x: P::Scalar,
    share_p: [u8; 65],
    device_id: DeviceId,
    static_public: [u8; 32],
    phone_session: u16,
    exchange: u16,
    deadline: Instant,
}

enum PhoneState<P: CryptoProvider> {
    ExpectPairChallenge(ExpectPairChallenge<P>),
    Done,
}

/// The phone's side of pairing.
pub struct PhonePairing<P: CryptoProvider> {
    state: PhoneState<P>,
    outbox: Outbox,
    result: Option<Result<PhonePaired, SessionError>>,
}

impl<P: CryptoProvider> PhonePairing<P> {
    /// Starts pairing: queues `PairRequest`. `secret` comes from the setup
    /// code ([`setup_code`](crate::crypto::setup_code)), `static_public` is
    /// the phone's long-term X25519 key, `phone_session` the non-zero id the
    /// appliance will put in frames to the phone.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        p: &mut P,
        secret: ProverSecret<P>,
        device_id: DeviceId,
        static_public: [u8; 32],
        phone_session: u16,
        exchange: u16,
        now: Instant,
    ) -> Result<Self, SessionError> {
        if phone_session == 0 {
            return Err(SessionError::UnknownSession(0));
        }
        let x = p.p256_scalar_random();
        let share_p = spake2plus::prover_share(p, &secret, &x)?;
        let mut outbox = Outbox::new();
        let request = PairRequest {
            session: phone_session,
            share: Fixed(share_p),
        };
        flight::emit(&mut outbox, exchange, true, &Flight::PairRequest(request))?;
        Ok(PhonePairing {
            state: PhoneState::ExpectPairChallenge(ExpectPairChallenge {
                secret,
                x,
                share_p,
                device_id,
                static_public,
                phone_session,
                exchange,
                deadline: now.saturating_add(HANDSHAKE_TIMEOUT),
            }),
            outbox,
            result: None,
        })
    }

    /// The next frame to send, if any.
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<usize> {
        drain(&mut self.outbox, buf)
    }

    /// The outcome, once there is one (taken once).
    pub fn poll_event(&mut self) -> Option<Result<PhonePaired, SessionError>> {
        self.result.take()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            PhoneState::ExpectPairChallenge(s) => Some(s.deadline),
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

    /// Takes one frame from the appliance.
    pub fn handle_frame(&mut self, p: &P, bytes: &[u8], now: Instant) -> Result<(), SessionError> {
        let (_, message) = flight::decode(bytes)?;
        let PhoneState::ExpectPairChallenge(s) = &self.state else {
            return Err(SessionError::Unexpected {
                expected: Expected::Nothing,
                got: message.message_type(),
            });
        };
        let outcome = match message {
            Flight::PairChallenge(c) => Self::on_challenge(p, s, &c, now, &mut self.outbox),
            Flight::HelloReply(HelloReply::Reject(r)) => Err(reject_error(r)),
            Flight::Status(StatusReport { status }) => Err(status_error(status)),
            other => {
                return Err(SessionError::Unexpected {
                    expected: Expected::PairChallenge,
                    got: other.message_type(),
                });
            }
        };
        self.state = PhoneState::Done;
        match outcome {
            Ok(paired) => {
                self.result = Some(Ok(paired));
                Ok(())
            }
            Err(e) => {
                self.result = Some(Err(e));
                Err(e)
            }
        }
    }

    fn on_challenge(
        p: &P,
        s: &ExpectPairChallenge<P>,
        c: &PairChallenge,
        now: Instant,
        outbox: &mut Outbox,
    ) -> Result<PhonePaired, SessionError> {
        if c.session == 0 {
            return Err(SessionError::UnknownSession(0));
        }
        let ctx_bytes = context(s.phone_session, c.session);
        let ctx = Context {
            context: &ctx_bytes,
            prover_id: &[],
            verifier_id: &s.device_id,
        };
        let keys = spake2plus::prover_finish(p, &ctx, &s.secret, &s.x, &s.share_p, &c.share.0)?;
        if !keys.check_confirm_v(&c.confirm.0) {
            // Tell the appliance at once, so it ends the attempt.
            let report = StatusReport {
                status: Status::WRONG_SETUP_CODE,
            };
            flight::emit(outbox, s.exchange, true, &Flight::Status(report))?;
            return Err(SessionError::WrongSetupCode);
        }
        let derived = derive(p, &keys.shared)?;
        let appliance_static = open_identity(p, &derived.id_a, &c.identity)?;
        let finish = PairFinish {
            confirm: Fixed(keys.confirm_p),
            identity: seal_identity(p, &derived.id_p, &s.static_public)?,
        };
        flight::emit(outbox, s.exchange, true, &Flight::PairFinish(finish))?;
        let channel = SecureChannel::new(
            Role::Phone,
            &derived.traffic,
            s.phone_session,
            c.session,
            IDLE_TIMEOUT,
            now,
        );
        Ok(PhonePaired {
            channel,
            pairing: Pairing {
                peer_static: appliance_static,
                psk: derived.psk,
                admin: false,
                resume_counter: 0,
            },
        })
    }
}

/// What the appliance holds from manufacture.
///
/// Its stored form ([`IDENTITY_LEN`] bytes, `spec/HANDSHAKE.md` section 6)
/// is what the factory writes to flash with [`identity_bytes`] and the
/// firmware loads at boot with [`ApplianceIdentity::from_bytes`]:
///
/// ```text
///  offset  len  field
///       0    8  device_id
///       8   97  verifier record: w0 (32, big-endian) || L (65, SEC1)
///     105   32  X25519 static secret (RFC 7748 bytes)
///     137       (end)
/// ```
///
/// ```
/// # #[cfg(feature = "rustcrypto")] {
/// use applink::crypto::RustCrypto;
/// use applink::crypto::spake2plus::ProverSecret;
/// use applink::session::pairing::{ApplianceIdentity, IDENTITY_LEN, identity_bytes};
///
/// let p = RustCrypto::new(|out: &mut [u8]| out.fill(0)); // a real RNG on a device
/// // Factory: the verifier from the setup-code derivation, and a fresh key.
/// let record = ProverSecret::from_pbkdf_output(&p, &[0x5a; 80])
///     .unwrap()
///     .verifier_record(&p)
///     .to_bytes(&p)
///     .unwrap();
/// let flash: [u8; IDENTITY_LEN] = identity_bytes(*b"APPLNK01", &record, &[0x77; 32]);
/// // Firmware, at boot.
/// let identity = ApplianceIdentity::from_bytes(&p, &flash).unwrap();
/// assert_eq!(identity.device_id, *b"APPLNK01");
/// # }
/// ```
pub struct ApplianceIdentity<P: CryptoProvider> {
    /// The device id.
    pub device_id: DeviceId,
    /// The SPAKE2+ verifier record (`w0`, `L`).
    pub record: VerifierRecord<P>,
    /// The long-term X25519 secret.
    pub static_secret: P::X25519Secret,
}

/// Length of a stored [`ApplianceIdentity`]: device id, verifier record,
/// X25519 static secret.
pub const IDENTITY_LEN: usize = 8 + VERIFIER_RECORD_LEN + 32;

/// The stored form of an appliance identity, for the factory (see
/// [`ApplianceIdentity`]). `record` is
/// [`VerifierRecord::to_bytes`](spake2plus::VerifierRecord::to_bytes).
pub fn identity_bytes(
    device_id: DeviceId,
    record: &[u8; VERIFIER_RECORD_LEN],
    static_secret: &[u8; 32],
) -> [u8; IDENTITY_LEN] {
    let mut out = [0u8; IDENTITY_LEN];
    let (id, rest) = out.split_at_mut(8);
    let (rec, secret) = rest.split_at_mut(VERIFIER_RECORD_LEN);
    id.copy_from_slice(&device_id);
    rec.copy_from_slice(record);
    secret.copy_from_slice(static_secret);
    out
}

impl<P: CryptoProvider> ApplianceIdentity<P> {
    /// Loads the stored form written by [`identity_bytes`]. The verifier
    /// record is checked as [`VerifierRecord::from_bytes`] does (canonical
    /// non-zero `w0`, `L` on the curve); the secret is imported into the
    /// provider. Never panics.
    pub fn from_bytes(p: &P, bytes: &[u8; IDENTITY_LEN]) -> Result<Self, CryptoError> {
        let (id, rest) = bytes.split_at(8);
        let (rec, secret) = rest.split_at(VERIFIER_RECORD_LEN);
        let mut device_id = [0u8; 8];
        device_id.copy_from_slice(id);
        let mut record = [0u8; VERIFIER_RECORD_LEN];
        record.copy_from_slice(rec);
        let mut static_secret = [0u8; 32];
        static_secret.copy_from_slice(secret);
        Ok(ApplianceIdentity {
            device_id,
            record: VerifierRecord::from_bytes(p, &record)?,
            static_secret: p.x25519_import(&static_secret),
        })
    }

    /// [`from_setup_code`](Self::from_setup_code) with a new static key
    /// drawn from `p`: a development board's identity in one call (a
    /// product's comes from the factory, see `spec/HANDSHAKE.md`).
    #[cfg(all(feature = "std", feature = "rustcrypto"))]
    pub fn for_development(
        p: &mut P,
        device_id: DeviceId,
        code: &str,
    ) -> Result<Self, SetupCodeError> {
        let mut key = [0u8; 32];
        p.random_bytes(&mut key);
        Self::from_setup_code(p, device_id, code, &key)
    }

    /// An identity straight from a setup code, for development boards and
    /// simulators (a product stores only the verifier, made at the
    /// factory): runs the Argon2id derivation of `spec/HANDSHAKE.md`
    /// section 1, so it takes about as long as a phone's.
    #[cfg(all(feature = "std", feature = "rustcrypto"))]
    pub fn from_setup_code(
        p: &P,
        device_id: DeviceId,
        code: &str,
        static_secret: &[u8; 32],
    ) -> Result<Self, SetupCodeError> {
        let code = SetupCode::parse(code)?;
        let output = derive_w0s_w1s(&code, &device_id)?;
        // Zero w0 or w1 (probability 2^-256) has no verifier.
        let secret =
            ProverSecret::from_pbkdf_output(p, &output).map_err(|_| SetupCodeError::Derivation)?;
        Ok(ApplianceIdentity {
            device_id,
            record: secret.verifier_record(p),
            static_secret: p.x25519_import(static_secret),
        })
    }
}

/// What the appliance reports.
#[derive(Debug)]
pub enum ApplianceEvent {
    /// A phone paired.
    Paired {
        /// The secured channel; the phone's first command arrives on it next.
        channel: SecureChannel,
        /// The phone's static key.
        peer_static: [u8; 32],
        /// Whether it became an admin (the first paired phone does).
        admin: bool,
    },
    /// A paired phone resumed a session.
    Resumed {
        /// The secured channel; the phone's first command arrives on it next.
        channel: SecureChannel,
        /// The phone's static key.
        peer_static: [u8; 32],
        /// Whether the phone is an admin.
        admin: bool,
    },
    /// An attempt failed (already counted).
    AttemptFailed(SessionError),
}

struct ExpectPairFinish {
    keys: Keys,
    phone_session: u16,
    appliance_session: u16,
    exchange: u16,
    deadline: Instant,
    failures_counted: u32,
}

enum ApplianceState {
    ExpectPairRequest,
    ExpectPairFinish(ExpectPairFinish),
}

/// The appliance's side of pairing, with its window and lockout.
pub struct AppliancePairing {
    state: ApplianceState,
    lockout: Lockout,
    outbox: Outbox,
    event: Option<ApplianceEvent>,
}

impl Default for AppliancePairing {
    fn default() -> Self {
        Self::new()
    }
}

impl AppliancePairing {
    /// Idle, with the pairing window closed.
    pub const fn new() -> Self {
        AppliancePairing {
            state: ApplianceState::ExpectPairRequest,
            lockout: Lockout::new(),
            outbox: Outbox::new(),
            event: None,
        }
    }

    /// Opens the pairing window after a physical action on the appliance.
    pub fn open_window(&mut self, now: Instant, length: Duration) {
        self.lockout.open_window(now, length);
    }

    /// Opens the pairing window on behalf of a paired admin phone.
    pub fn open_window_as<S: PairingStore>(
        &mut self,
        store: &S,
        admin: &[u8; 32],
        now: Instant,
        length: Duration,
    ) -> Result<(), SessionError> {
        match store.get(admin) {
            Some(p) if p.admin => {
                self.lockout.open_window(now, length);
                Ok(())
            }
            _ => Err(SessionError::Refused(Status::ACCESS_DENIED)),
        }
    }

    /// Removes a pairing on behalf of an admin phone.
    pub fn remove_pairing_as<S: PairingStore>(
        store: &mut S,
        admin: &[u8; 32],
        target: &[u8; 32],
    ) -> Result<bool, SessionError> {
        match store.get(admin) {
            Some(p) if p.admin => store.remove(target).map_err(|_| SessionError::Storage),
            _ => Err(SessionError::Refused(Status::ACCESS_DENIED)),
        }
    }

    /// Lists the pairings on behalf of an admin phone: writes each
    /// pairing's `(peer static key, admin)` into `out` and returns how many
    /// the appliance holds (more than `out.len()` when `out` is short).
    pub fn list_pairings_as<S: PairingStore>(
        store: &S,
        admin: &[u8; 32],
        out: &mut [([u8; 32], bool)],
    ) -> Result<usize, SessionError> {
        match store.get(admin) {
            Some(p) if p.admin => {
                let n = store.len();
                for (i, slot) in out.iter_mut().enumerate().take(n) {
                    if let Some(peer) = store.peer_at(i) {
                        let admin = store.get(&peer).is_some_and(|q| q.admin);
                        *slot = (peer, admin);
                    }
                }
                Ok(n)
            }
            _ => Err(SessionError::Refused(Status::ACCESS_DENIED)),
        }
    }

    /// The window and backoff state.
    pub const fn lockout(&self) -> &Lockout {
        &self.lockout
    }

    /// What the state machine waits for.
    pub const fn expected(&self) -> Expected {
        match self.state {
            ApplianceState::ExpectPairRequest => Expected::PairRequest,
            ApplianceState::ExpectPairFinish(_) => Expected::PairFinish,
        }
    }

    /// The next frame to send, if any. Drain it after every `handle_*`
    /// call: the machine holds one pending frame, and the next answer
    /// replaces it.
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<usize> {
        drain(&mut self.outbox, buf)
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<ApplianceEvent> {
        self.event.take()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            ApplianceState::ExpectPairFinish(s) => Some(s.deadline),
            ApplianceState::ExpectPairRequest => None,
        }
    }

    /// Abandons an attempt whose phone went silent (it stays counted).
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.poll_timeout().is_some_and(|d| now >= d) {
            self.state = ApplianceState::ExpectPairRequest;
            self.event = Some(ApplianceEvent::AttemptFailed(SessionError::Timeout));
        }
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
        self.handle_timeout(now);
        let (header, message) = flight::decode(bytes)?;
        match (&self.state, message) {
            (ApplianceState::ExpectPairRequest, Flight::PairRequest(r)) => {
                self.on_request(p, store, identity, header.exchange, &r, now, in_use)
            }
            (ApplianceState::ExpectPairFinish(s), Flight::PairRequest(_)) => {
                let wait = s.deadline.saturating_since(now).millis();
                let busy = HelloReject::Busy {
                    retry_after_ms: u32::try_from(wait).unwrap_or(u32::MAX),
                };
                self.reply(
                    header.exchange,
                    &Flight::HelloReply(HelloReply::Reject(busy)),
                )?;
                Err(SessionError::Busy)
            }
            (ApplianceState::ExpectPairFinish(s), Flight::PairFinish(f))
                if header.exchange == s.exchange =>
            {
                self.on_finish(p, store, identity, &f, now)
            }
            (ApplianceState::ExpectPairFinish(s), Flight::Status(StatusReport { status }))
                if header.exchange == s.exchange =>
            {
                let e = status_error(status);
                self.state = ApplianceState::ExpectPairRequest;
                self.event = Some(ApplianceEvent::AttemptFailed(e));
                Err(e)
            }
            (_, other) => Err(SessionError::Unexpected {
                expected: self.expected(),
                got: other.message_type(),
            }),
        }
    }

    fn reply(&mut self, exchange: u16, message: &Flight) -> Result<(), SessionError> {
        flight::emit(&mut self.outbox, exchange, false, message)
    }

    #[allow(clippy::too_many_arguments)]
    fn on_request<P: CryptoProvider, S: PairingStore>(
        &mut self,
        p: &mut P,
        store: &mut S,
        identity: &ApplianceIdentity<P>,
        exchange: u16,
        r: &PairRequest,
        now: Instant,
        in_use: &dyn Fn(u16) -> bool,
    ) -> Result<(), SessionError> {
        let failures = store.lifetime_failures();
        if let Err(e) = self.lockout.admit(now, failures) {
            let reject = match e {
                SessionError::LockedOut { retry_after_s } => {
                    HelloReject::LockedOut { retry_after_s }
                }
                _ => HelloReject::PairingWindowClosed,
            };
            self.reply(exchange, &Flight::HelloReply(HelloReply::Reject(reject)))?;
            return Err(e);
        }
        if r.session == 0 {
            return Err(SessionError::UnknownSession(0));
        }
        // Validate the share before counting, so garbage costs no attempt.
        p.p256_point_decode(&r.share.0)?;
        // Count the attempt durably before anything that depends on the
        // record leaves the appliance.
        let counted = failures.saturating_add(1);
        store
            .set_lifetime_failures(counted)
            .map_err(|_| SessionError::Storage)?;
        self.lockout.record_failure(now);
        let appliance_session = super::random_session(p, in_use);
        let y = p.p256_scalar_random();
        let ctx_bytes = context(r.session, appliance_session);
        let ctx = Context {
            context: &ctx_bytes,
            prover_id: &[],
            verifier_id: &identity.device_id,
        };
        let (share_v, keys) =
            spake2plus::verifier_respond(p, &ctx, &identity.record, &y, &r.share.0)?;
        let derived = derive(p, &keys.shared)?;
        let public = p.x25519_public(&identity.static_secret);
        let challenge = PairChallenge {
            session: appliance_session,
            share: Fixed(share_v),
            confirm: Fixed(keys.confirm_v),
            identity: seal_identity(p, &derived.id_a, &public)?,
        };
        self.reply(exchange, &Flight::PairChallenge(challenge))?;
        self.state = ApplianceState::ExpectPairFinish(ExpectPairFinish {
            keys,
            phone_session: r.session,
            appliance_session,
            exchange,
            deadline: now.saturating_add(HANDSHAKE_TIMEOUT),
            failures_counted: counted,
        });
        Ok(())
    }

    fn on_finish<P: CryptoProvider, S: PairingStore>(
        &mut self,
        p: &mut P,
        store: &mut S,
        _identity: &ApplianceIdentity<P>,
        f: &PairFinish,
        now: Instant,
    ) -> Result<(), SessionError> {
        let ApplianceState::ExpectPairFinish(s) =
            core::mem::replace(&mut self.state, ApplianceState::ExpectPairRequest)
        else {
            return Err(SessionError::Unexpected {
                expected: Expected::PairRequest,
                got: 4,
            });
        };
        let result = Self::complete(p, store, &s, f, now);
        match result {
            Ok(event) => {
                self.lockout.close_window();
                self.event = Some(event);
                Ok(())
            }
            Err(e) => {
                if e == SessionError::WrongSetupCode {
                    let report = StatusReport {
                        status: Status::WRONG_SETUP_CODE,
                    };
                    self.reply(s.exchange, &Flight::Status(report))?;
                }
                self.event = Some(ApplianceEvent::AttemptFailed(e));
                Err(e)
            }
        }
    }

    fn complete<P: CryptoProvider, S: PairingStore>(
        p: &P,
        store: &mut S,
        s: &ExpectPairFinish,
        f: &PairFinish,
        now: Instant,
    ) -> Result<ApplianceEvent, SessionError> {
        if !s.keys.check_confirm_p(&f.confirm.0) {
            return Err(SessionError::WrongSetupCode);
        }
        let derived = derive(p, &s.keys.shared)?;
        let peer_static = open_identity(p, &derived.id_p, &f.identity)?;
        let admin = store.is_empty() || store.get(&peer_static).is_some_and(|q| q.admin);
        store
            .put(Pairing {
                peer_static,
                psk: derived.psk,
                admin,
                resume_counter: 0,
            })
            .map_err(|_| SessionError::Storage)?;
        // The attempt succeeded: take its count back.
        store
            .set_lifetime_failures(s.failures_counted.saturating_sub(1))
            .map_err(|_| SessionError::Storage)?;
        let channel = SecureChannel::new(
            Role::Appliance,
            &derived.traffic,
            s.appliance_session,
            s.phone_session,
            IDLE_TIMEOUT,
            now,
        );
        Ok(ApplianceEvent::Paired {
            channel,
            peer_static,
            admin,
        })
    }
}

#[cfg(test)]
mod tests;
