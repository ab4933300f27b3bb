//! First pairing from the setup code: SPAKE2+ in 1.5 round trips.
//!
//! ```text
//!  phone (prover)                                     appliance (verifier)
//!  PairRequest{session_p, shareP, offer}   ──▶        count the attempt
//!                                          ◀──        PairChallenge{session_a, shareV,
//!                                                       confirmV, sealed appliance block}
//!  check confirmV, open the block
//!  PairFinish{confirmP, sealed id_p,       ──▶        check confirmP, open id_p, check
//!             proof}                                  the proof, store the pairing
//!  first command (secured, counter 0)      ──▶        open it with the new channel
//! ```
//!
//! Handshake messages travel in plaintext frames (session 0, CRC); the
//! phone sets flag I. SPAKE2+ binds Context = `"applink/v1/pairing" ||
//! session_p (u16 LE) || session_a (u16 LE) || offer (6 bytes)`, idProver =
//! empty and idVerifier = the 8-byte device id. From `K_shared`:
//! `id-a`, `id-p` = `HKDF-SHA256(salt = empty, ikm = K_shared, info =
//! "applink/v1/pair/" || label)`. The phone's static key is bound in:
//! `ss = X25519(static secret, peer static public)`, `K_bound =
//! HKDF(salt = K_shared, ikm = ss, info = "applink/v1/pair/bound")`, and
//! `p2a`, `a2p`, `psk`, `proof` = `HKDF(empty, K_bound, "applink/v1/pair/"
//! || label)`. Only the holder of the phone's static secret (or the
//! appliance's) computes `proof`, so a code holder who knows only an
//! admin's public key cannot pair as that admin. A pairing never replaces
//! an existing one and never inherits a role: only the first phone of an
//! empty appliance becomes an admin.
//!
//! Unauthenticated answers are hints ([`HINT_GRACE`]): a plaintext refusal,
//! or a flight that fails its checks, ends the attempt only if the genuine
//! flight has not come within the grace. A refusal after a correct code
//! travels sealed, as a `Close` on the new session.

#[cfg(all(feature = "std", feature = "rustcrypto"))]
use crate::crypto::setup_code::{SetupCode, SetupCodeError, derive_w0s_w1s};
use crate::crypto::spake2plus::{
    self, Context, Keys, ProverSecret, VERIFIER_RECORD_LEN, VerifierRecord,
};
use crate::crypto::{AeadKey, CryptoError, CryptoProvider, ct_eq};
use crate::message::{
    Fixed, HelloReject, HelloReply, Offer, PairChallenge, PairFinish, PairRequest, Status,
    StatusReport,
};
use crate::time::{Duration, Instant};

use super::flight::{self, Flight};
use super::lockout::Lockout;
use super::store::{Pairing, PairingStore};
use super::{
    ApplianceParams, Expected, HANDSHAKE_TIMEOUT, HINT_GRACE, Outbox, Role, SecureChannel,
    SessionError, SessionKeys, drain,
};

/// The SPAKE2+ context prefix.
pub const CONTEXT_LABEL: &[u8] = b"applink/v1/pairing";
/// The HKDF info prefix of every pairing key.
pub const KEY_LABEL: &[u8] = b"applink/v1/pair/";
/// How long a fresh session stays up without traffic.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Length of the appliance block sealed in `PairChallenge`: static key
/// (32), [`ApplianceParams`] (22), replay-guard floor (u64 LE).
pub const APPLIANCE_BLOCK_LEN: usize = 32 + ApplianceParams::LEN + 8;

/// An appliance's device id: binds the SPAKE2+ run and salts the setup code.
pub type DeviceId = [u8; 8];

fn context(phone_session: u16, appliance_session: u16, offer: &Offer) -> [u8; 28] {
    let mut c = [0u8; 28];
    c[..18].copy_from_slice(CONTEXT_LABEL);
    c[18..20].copy_from_slice(&phone_session.to_le_bytes());
    c[20..22].copy_from_slice(&appliance_session.to_le_bytes());
    c[22..].copy_from_slice(&offer.binding());
    c
}

fn key<P: CryptoProvider>(
    p: &P,
    salt: &[u8],
    ikm: &[u8],
    label: &[u8],
) -> Result<[u8; 32], SessionError> {
    let mut k = [0u8; 32];
    p.hkdf_sha256(salt, ikm, &[KEY_LABEL, label], &mut k)?;
    Ok(k)
}

/// The identity-sealing keys, from `K_shared` alone.
struct IdentityKeys {
    id_a: AeadKey,
    id_p: AeadKey,
}

impl Drop for IdentityKeys {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.id_a);
        zeroize::Zeroize::zeroize(&mut self.id_p);
    }
}

fn identity_keys<P: CryptoProvider>(
    p: &P,
    shared: &[u8; 32],
) -> Result<IdentityKeys, SessionError> {
    Ok(IdentityKeys {
        id_a: key(p, &[], shared, b"id-a")?,
        id_p: key(p, &[], shared, b"id-p")?,
    })
}

/// The keys bound to both static keys: `K_bound` from `K_shared` and
/// `ss`, then the traffic keys, the pairing secret and the proof.
pub(crate) struct BoundKeys {
    traffic: SessionKeys,
    psk: [u8; 32],
    proof: [u8; 32],
}

impl Drop for BoundKeys {
    fn drop(&mut self) {
        // `traffic` zeroizes itself.
        zeroize::Zeroize::zeroize(&mut self.psk);
        zeroize::Zeroize::zeroize(&mut self.proof);
    }
}

fn bound_keys<P: CryptoProvider>(
    p: &P,
    shared: &[u8; 32],
    static_static: &[u8; 32],
) -> Result<BoundKeys, SessionError> {
    let mut bound = key(p, shared, static_static, b"bound")?;
    let keys = (|| {
        Ok(BoundKeys {
            traffic: SessionKeys {
                phone_to_appliance: key(p, &[], &bound, b"p2a")?,
                appliance_to_phone: key(p, &[], &bound, b"a2p")?,
            },
            psk: key(p, &[], &bound, b"psk")?,
            proof: key(p, &[], &bound, b"proof")?,
        })
    })();
    zeroize::Zeroize::zeroize(&mut bound);
    keys
}

fn seal<P: CryptoProvider, const N: usize, const M: usize>(
    p: &P,
    key: &AeadKey,
    plain: &[u8; N],
) -> Result<Fixed<M>, SessionError> {
    let mut out = [0u8; M];
    if M != N + 16 {
        return Err(SessionError::BufferTooSmall);
    }
    out[..N].copy_from_slice(plain);
    let tag = p.aead_seal(key, &[0; 12], &[], &mut out[..N])?;
    out[N..].copy_from_slice(&tag);
    Ok(Fixed(out))
}

fn open<P: CryptoProvider, const N: usize, const M: usize>(
    p: &P,
    key: &AeadKey,
    sealed: &Fixed<M>,
) -> Result<[u8; N], SessionError> {
    if M != N + 16 {
        return Err(SessionError::BufferTooSmall);
    }
    let mut plain = [0u8; N];
    plain.copy_from_slice(&sealed.0[..N]);
    let mut tag = [0u8; 16];
    tag.copy_from_slice(&sealed.0[N..]);
    p.aead_open(key, &[0; 12], &[], &mut plain, &tag)
        .map_err(|_| SessionError::Authentication)?;
    Ok(plain)
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

pub(crate) fn status_error(s: Status) -> SessionError {
    match s {
        Status::WRONG_SETUP_CODE => SessionError::WrongSetupCode,
        Status::NEEDS_PAIRING => SessionError::NeedsPairing,
        Status::ALREADY_PAIRED => SessionError::AlreadyPaired,
        Status::RESOURCE_EXHAUSTED => SessionError::PairingTableFull,
        other => SessionError::Refused(other),
    }
}

/// A hint so far and the time it stops waiting for the genuine answer.
pub(crate) fn hinted(
    hint: &mut Option<SessionError>,
    deadline: &mut Instant,
    e: SessionError,
    now: Instant,
) {
    if hint.is_none() {
        *hint = Some(e);
    }
    let grace = now.saturating_add(HINT_GRACE);
    if grace < *deadline {
        *deadline = grace;
    }
}

/// What a finished pairing gives the phone.
///
/// The pairing is **tentative** until the appliance's first authenticated
/// frame arrives on `channel`: store it then, not before (a `Close` as that
/// first frame is the appliance's sealed refusal).
#[derive(Debug)]
pub struct PhonePaired {
    /// The secured channel, ready for the first command.
    pub channel: SecureChannel,
    /// What to store: the appliance's static key, the pairing secret, and
    /// the replay guard to start from.
    pub pairing: Pairing,
    /// What the appliance sealed about itself.
    pub appliance: ApplianceParams,
}

struct ExpectPairChallenge<P: CryptoProvider> {
    secret: ProverSecret<P>,
    x: P::Scalar,
    share_p: [u8; 65],
    device_id: DeviceId,
    static_public: [u8; 32],
    phone_session: u16,
    offer: Offer,
    exchange: u16,
    deadline: Instant,
    hint: Option<SessionError>,
    told: bool,
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
    /// appliance will put in frames to the phone, `offer` what the phone
    /// takes for the session.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        p: &mut P,
        secret: ProverSecret<P>,
        device_id: DeviceId,
        static_public: [u8; 32],
        phone_session: u16,
        offer: Offer,
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
            offer,
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
                offer,
                exchange,
                deadline: now.saturating_add(HANDSHAKE_TIMEOUT),
                hint: None,
                told: false,
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

    /// The hint received so far, if any: what the attempt will end with
    /// if no genuine answer comes by [`poll_timeout`](Self::poll_timeout).
    pub fn hint(&self) -> Option<SessionError> {
        match &self.state {
            PhoneState::ExpectPairChallenge(s) => s.hint,
            PhoneState::Done => None,
        }
    }

    /// Gives up if the appliance has not answered by the deadline: with
    /// the hint received, if any, else [`SessionError::Timeout`].
    pub fn handle_timeout(&mut self, now: Instant) {
        if let PhoneState::ExpectPairChallenge(s) = &self.state
            && now >= s.deadline
        {
            self.result = Some(Err(s.hint.unwrap_or(SessionError::Timeout)));
            self.state = PhoneState::Done;
        }
    }

    /// Takes one frame from the appliance. A genuine `PairChallenge` ends
    /// the attempt with [`PhonePaired`]; anything else is rejected with its
    /// error and changes nothing but the hint and the deadline: a plaintext
    /// refusal, or a `PairChallenge` whose confirmation fails (the code is
    /// wrong, or the flight is forged), ends the attempt only if nothing
    /// genuine comes within [`HINT_GRACE`]. `static_secret` is the phone's
    /// long-term X25519 key.
    pub fn handle_frame(
        &mut self,
        p: &P,
        static_secret: &P::X25519Secret,
        bytes: &[u8],
        now: Instant,
    ) -> Result<(), SessionError> {
        let (header, message) = flight::decode(bytes)?;
        let PhoneState::ExpectPairChallenge(s) = &mut self.state else {
            return Err(SessionError::Unexpected {
                expected: Expected::Nothing,
                got: message.message_type(),
            });
        };
        if header.exchange != s.exchange {
            return Err(SessionError::Unexpected {
                expected: Expected::PairChallenge,
                got: message.message_type(),
            });
        }
        let failed = match message {
            Flight::PairChallenge(c) => match Self::on_challenge(p, s, static_secret, &c, now) {
                Ok((paired, finish)) => {
                    flight::emit(
                        &mut self.outbox,
                        s.exchange,
                        true,
                        &Flight::PairFinish(finish),
                    )?;
                    self.result = Some(Ok(paired));
                    self.state = PhoneState::Done;
                    return Ok(());
                }
                Err(SessionError::WrongSetupCode) => {
                    // Tell the appliance (once), so a genuinely wrong
                    // code frees its attempt slot soon; for it, too, this
                    // is only a hint.
                    if !s.told {
                        s.told = true;
                        let report = StatusReport {
                            status: Status::WRONG_SETUP_CODE,
                        };
                        flight::emit(&mut self.outbox, s.exchange, true, &Flight::Status(report))?;
                    }
                    SessionError::WrongSetupCode
                }
                Err(e) => e,
            },
            Flight::HelloReply(HelloReply::Reject(r)) => reject_error(r),
            Flight::Status(StatusReport { status }) => status_error(status),
            other => {
                return Err(SessionError::Unexpected {
                    expected: Expected::PairChallenge,
                    got: other.message_type(),
                });
            }
        };
        hinted(&mut s.hint, &mut s.deadline, failed, now);
        Err(failed)
    }

    fn on_challenge(
        p: &P,
        s: &ExpectPairChallenge<P>,
        static_secret: &P::X25519Secret,
        c: &PairChallenge,
        now: Instant,
    ) -> Result<(PhonePaired, PairFinish), SessionError> {
        if c.session == 0 {
            return Err(SessionError::UnknownSession(0));
        }
        let ctx_bytes = context(s.phone_session, c.session, &s.offer);
        let ctx = Context {
            context: &ctx_bytes,
            prover_id: &[],
            verifier_id: &s.device_id,
        };
        let keys = spake2plus::prover_finish(p, &ctx, &s.secret, &s.x, &s.share_p, &c.share.0)?;
        if !keys.check_confirm_v(&c.confirm.0) {
            return Err(SessionError::WrongSetupCode);
        }
        let ids = identity_keys(p, &keys.shared)?;
        let block: [u8; APPLIANCE_BLOCK_LEN] = open(p, &ids.id_a, &c.identity)?;
        let mut appliance_static = [0u8; 32];
        appliance_static.copy_from_slice(&block[..32]);
        let mut params = [0u8; ApplianceParams::LEN];
        params.copy_from_slice(&block[32..32 + ApplianceParams::LEN]);
        let mut floor = [0u8; 8];
        floor.copy_from_slice(&block[32 + ApplianceParams::LEN..]);
        let ss = p.x25519(static_secret, &appliance_static)?;
        let bound = bound_keys(p, &keys.shared, &ss)?;
        let finish = PairFinish {
            confirm: Fixed(keys.confirm_p),
            identity: seal(p, &ids.id_p, &s.static_public)?,
            proof: Fixed(bound.proof),
        };
        let channel = SecureChannel::new(
            Role::Phone,
            &bound.traffic,
            s.phone_session,
            c.session,
            IDLE_TIMEOUT,
            now,
        );
        let paired = PhonePaired {
            channel,
            pairing: Pairing {
                peer_static: appliance_static,
                psk: bound.psk,
                admin: false,
                resume_counter: u64::from_le_bytes(floor),
            },
            appliance: ApplianceParams::read(&params),
        };
        Ok((paired, finish))
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
    /// Its public key, computed once.
    pub(crate) public: [u8; 32],
    /// The key of the resumption `mac` (HANDSHAKE.md 4), computed once.
    pub(crate) mac_key: [u8; 32],
}

/// The label of the resumption `mac` key: `mac_key = SHA-256(label ||
/// appliance static public key)`.
pub const MAC_LABEL: &[u8] = b"applink/v1/resume-mac";

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
    /// An identity from its parts; computes the public key and the
    /// resumption `mac` key once.
    pub fn new(
        p: &P,
        device_id: DeviceId,
        record: VerifierRecord<P>,
        static_secret: P::X25519Secret,
    ) -> Self {
        let public = p.x25519_public(&static_secret);
        let mac_key = p.sha256(&[MAC_LABEL, &public]);
        ApplianceIdentity {
            device_id,
            record,
            static_secret,
            public,
            mac_key,
        }
    }

    /// The X25519 static public key.
    pub const fn public(&self) -> &[u8; 32] {
        &self.public
    }

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
        let record = VerifierRecord::from_bytes(p, &record)?;
        Ok(Self::new(
            p,
            device_id,
            record,
            p.x25519_import(&static_secret),
        ))
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
        let record = secret.verifier_record(p);
        Ok(Self::new(
            p,
            device_id,
            record,
            p.x25519_import(static_secret),
        ))
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
        /// Whether it became an admin (the first phone of an empty
        /// appliance does).
        admin: bool,
        /// What the phone offered for the session.
        offer: Offer,
    },
    /// A paired phone resumed a session. **Tentative** until the phone's
    /// first authenticated frame on `channel`.
    Resumed {
        /// The secured channel; the phone's first command arrives on it next.
        channel: SecureChannel,
        /// The phone's static key.
        peer_static: [u8; 32],
        /// Whether the phone is an admin.
        admin: bool,
        /// What the phone offered for the session.
        offer: Offer,
    },
    /// An attempt ended without a pairing.
    AttemptFailed(SessionError),
}

struct ExpectPairFinish {
    keys: Keys,
    phone_session: u16,
    appliance_session: u16,
    offer: Offer,
    exchange: u16,
    deadline: Instant,
    hint: Option<SessionError>,
}

enum ApplianceState {
    ExpectPairRequest,
    ExpectPairFinish(ExpectPairFinish),
}

/// The appliance's side of pairing, with its window and lockout.
pub struct AppliancePairing {
    state: ApplianceState,
    lockout: Lockout,
    /// The verifier record of an admin-opened window's one-time code.
    one_time: Option<[u8; VERIFIER_RECORD_LEN]>,
    outbox: Outbox,
    event: Option<ApplianceEvent>,
}

impl Default for AppliancePairing {
    fn default() -> Self {
        Self::new()
    }
}

fn is_admin<S: PairingStore>(store: &S, peer: &[u8; 32]) -> bool {
    store.get(peer).is_some_and(|p| p.admin)
}

fn admins<S: PairingStore>(store: &S) -> usize {
    (0..store.len())
        .filter_map(|i| store.peer_at(i))
        .filter(|peer| is_admin(store, peer))
        .count()
}

impl AppliancePairing {
    /// Idle, with the pairing window closed.
    pub const fn new() -> Self {
        AppliancePairing {
            state: ApplianceState::ExpectPairRequest,
            lockout: Lockout::new(),
            one_time: None,
            outbox: Outbox::new(),
            event: None,
        }
    }

    /// Opens the pairing window after a physical action on the appliance,
    /// for the printed setup code. Only an appliance that holds no pairing
    /// takes it (out of the box, or after [`factory_reset`](Self::factory_reset));
    /// otherwise `ACCESS_DENIED`: after the first pairing, windows are
    /// opened by an admin, with a one-time code.
    pub fn open_window<S: PairingStore>(
        &mut self,
        store: &S,
        now: Instant,
        length: Duration,
    ) -> Result<(), SessionError> {
        if !store.is_empty() {
            return Err(SessionError::Refused(Status::ACCESS_DENIED));
        }
        self.one_time = None;
        self.lockout.open_window(now, length);
        Ok(())
    }

    /// Opens the pairing window on behalf of the admin phone `admin`, for
    /// the one-time code whose verifier record (`w0 || L`,
    /// [`VerifierRecord::to_bytes`]) is `verifier`. The record is kept
    /// only while the window is open. Anyone but an admin gets
    /// `ACCESS_DENIED`; a record that does not parse, `INVALID_MESSAGE`.
    pub fn open_window_as<P: CryptoProvider, S: PairingStore>(
        &mut self,
        p: &P,
        store: &S,
        admin: &[u8; 32],
        verifier: &[u8; VERIFIER_RECORD_LEN],
        now: Instant,
        length: Duration,
    ) -> Result<(), SessionError> {
        if !is_admin(store, admin) {
            return Err(SessionError::Refused(Status::ACCESS_DENIED));
        }
        VerifierRecord::from_bytes(p, verifier)
            .map_err(|_| SessionError::Refused(Status::INVALID_MESSAGE))?;
        self.one_time = Some(*verifier);
        self.lockout.open_window(now, length);
        Ok(())
    }

    /// Closes the window and forgets its one-time verifier. An attempt in
    /// progress runs to its end.
    pub fn close_window(&mut self) {
        self.lockout.close_window();
        self.one_time = None;
    }

    /// Removes `target`'s pairing on behalf of `by`: an admin may remove
    /// any pairing, any phone its own. Removing the last admin is refused
    /// (`INVALID_STATE`: make another phone an admin first, or factory
    /// reset). The pairing's replay guard raises the store's floor first.
    /// Returns whether the pairing existed; the caller ends its sessions.
    pub fn remove_pairing_as<S: PairingStore>(
        store: &mut S,
        by: &[u8; 32],
        target: &[u8; 32],
    ) -> Result<bool, SessionError> {
        if by != target && !is_admin(store, by) || store.get(by).is_none() {
            return Err(SessionError::Refused(Status::ACCESS_DENIED));
        }
        if is_admin(store, target) && admins(store) == 1 {
            return Err(SessionError::Refused(Status::INVALID_STATE));
        }
        Self::remove(store, target)
    }

    /// Removes a pairing (the appliance's own decision, for example from
    /// its local interface), raising the replay-guard floor first. Unlike
    /// [`remove_pairing_as`](Self::remove_pairing_as) it may remove the
    /// last admin.
    pub fn remove<S: PairingStore>(store: &mut S, target: &[u8; 32]) -> Result<bool, SessionError> {
        let Some(pairing) = store.get(target) else {
            return Ok(false);
        };
        if pairing.resume_counter > store.guard_floor() {
            store
                .set_guard_floor(pairing.resume_counter)
                .map_err(|_| SessionError::Storage)?;
        }
        store.remove(target).map_err(|_| SessionError::Storage)
    }

    /// Changes `target`'s role on behalf of the admin `by`. Demoting the
    /// last admin is refused (`INVALID_STATE`). Returns whether the
    /// pairing existed; the caller ends its sessions.
    pub fn set_role_as<S: PairingStore>(
        store: &mut S,
        by: &[u8; 32],
        target: &[u8; 32],
        admin: bool,
    ) -> Result<bool, SessionError> {
        if !is_admin(store, by) {
            return Err(SessionError::Refused(Status::ACCESS_DENIED));
        }
        let Some(mut pairing) = store.get(target) else {
            return Ok(false);
        };
        if pairing.admin && !admin && admins(store) == 1 {
            return Err(SessionError::Refused(Status::INVALID_STATE));
        }
        pairing.admin = admin;
        store.put(pairing).map_err(|_| SessionError::Storage)?;
        Ok(true)
    }

    /// Lists the pairings on behalf of an admin phone: writes each
    /// pairing's `(peer static key, admin)` from index `from` into `out`
    /// and returns how many the appliance holds.
    pub fn list_pairings_as<S: PairingStore>(
        store: &S,
        admin: &[u8; 32],
        from: usize,
        out: &mut [([u8; 32], bool)],
    ) -> Result<usize, SessionError> {
        if !is_admin(store, admin) {
            return Err(SessionError::Refused(Status::ACCESS_DENIED));
        }
        let n = store.len();
        for (slot, i) in out.iter_mut().zip(from..n) {
            if let Some(peer) = store.peer_at(i) {
                *slot = (peer, is_admin(store, &peer));
            }
        }
        Ok(n)
    }

    /// Factory reset: removes every pairing (raising the replay-guard
    /// floor past all their guards), clears the failure count and closes
    /// the window. The appliance is then as out of the box: a physical
    /// action opens a window for the printed code.
    pub fn factory_reset<S: PairingStore>(&mut self, store: &mut S) -> Result<(), SessionError> {
        while let Some(peer) = store.peer_at(0) {
            Self::remove(store, &peer)?;
        }
        store
            .set_lifetime_failures(0)
            .map_err(|_| SessionError::Storage)?;
        self.close_window();
        self.state = ApplianceState::ExpectPairRequest;
        Ok(())
    }

    /// The window and backoff state.
    pub const fn lockout(&self) -> &Lockout {
        &self.lockout
    }

    /// Whether the open window (if any) is for a one-time code.
    pub const fn one_time_window(&self) -> bool {
        self.one_time.is_some()
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

    /// Ends an attempt whose phone went silent, or whose hint was not
    /// followed by a genuine `PairFinish` in time (it stays counted: the
    /// phone saw the confirmation).
    pub fn handle_timeout(&mut self, now: Instant) {
        if let ApplianceState::ExpectPairFinish(s) = &self.state
            && now >= s.deadline
        {
            let e = s.hint.unwrap_or(SessionError::Timeout);
            self.state = ApplianceState::ExpectPairRequest;
            self.event = Some(ApplianceEvent::AttemptFailed(e));
        }
        if !self.lockout.window_open(now) {
            self.one_time = None;
        }
    }

    /// Takes one plaintext frame from a phone. `params` is what the
    /// appliance seals about itself in `PairChallenge`.
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
    /// session id among those for which `in_use` is false.
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
        self.handle_timeout(now);
        let (header, message) = flight::decode(bytes)?;
        match (&mut self.state, message) {
            (ApplianceState::ExpectPairRequest, Flight::PairRequest(r)) => {
                self.on_request(p, store, identity, params, header.exchange, &r, now, in_use)
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
                // Unauthenticated: it shortens the wait, never ends it.
                let e = status_error(status);
                hinted(&mut s.hint, &mut s.deadline, e, now);
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
        params: &ApplianceParams,
        exchange: u16,
        r: &PairRequest,
        now: Instant,
        in_use: &dyn Fn(u16) -> bool,
    ) -> Result<(), SessionError> {
        if let Err(e) = self.lockout.admit(now) {
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
        // Refusals that need no code come before the attempt is counted:
        // garbage, or a table with no room, costs the window nothing.
        p.p256_point_decode(&r.share.0)?;
        if store.len() >= store.capacity() {
            let report = StatusReport {
                status: Status::RESOURCE_EXHAUSTED,
            };
            self.reply(exchange, &Flight::Status(report))?;
            return Err(SessionError::PairingTableFull);
        }
        // Count the attempt before anything that depends on the record
        // leaves the appliance; the durable count is the admins' report.
        store
            .set_lifetime_failures(store.lifetime_failures().saturating_add(1))
            .map_err(|_| SessionError::Storage)?;
        self.lockout.record_failure(now);
        let appliance_session = super::random_session(p, in_use);
        let y = p.p256_scalar_random();
        let ctx_bytes = context(r.session, appliance_session, &r.offer);
        let ctx = Context {
            context: &ctx_bytes,
            prover_id: &[],
            verifier_id: &identity.device_id,
        };
        let one_time;
        let record = match &self.one_time {
            Some(bytes) => {
                one_time = VerifierRecord::from_bytes(p, bytes)?;
                &one_time
            }
            None => &identity.record,
        };
        let (share_v, keys) = spake2plus::verifier_respond(p, &ctx, record, &y, &r.share.0)?;
        let ids = identity_keys(p, &keys.shared)?;
        let mut block = [0u8; APPLIANCE_BLOCK_LEN];
        block[..32].copy_from_slice(&identity.public);
        let mut encoded = [0u8; ApplianceParams::LEN];
        params.write(&mut encoded);
        block[32..32 + ApplianceParams::LEN].copy_from_slice(&encoded);
        block[32 + ApplianceParams::LEN..].copy_from_slice(&store.guard_floor().to_le_bytes());
        let challenge = PairChallenge {
            session: appliance_session,
            share: Fixed(share_v),
            confirm: Fixed(keys.confirm_v),
            identity: seal(p, &ids.id_a, &block)?,
        };
        self.reply(exchange, &Flight::PairChallenge(challenge))?;
        self.state = ApplianceState::ExpectPairFinish(ExpectPairFinish {
            keys,
            phone_session: r.session,
            appliance_session,
            offer: r.offer,
            exchange,
            deadline: now.saturating_add(HANDSHAKE_TIMEOUT),
            hint: None,
        });
        Ok(())
    }

    fn on_finish<P: CryptoProvider, S: PairingStore>(
        &mut self,
        p: &mut P,
        store: &mut S,
        identity: &ApplianceIdentity<P>,
        f: &PairFinish,
        now: Instant,
    ) -> Result<(), SessionError> {
        let ApplianceState::ExpectPairFinish(s) = &mut self.state else {
            return Err(SessionError::Unexpected {
                expected: Expected::PairRequest,
                got: 4,
            });
        };
        // Who sent it is not known until it checks out: a PairFinish that
        // fails is a hint, and the genuine one may still come.
        let checked = Self::check(p, identity, s, f);
        let (peer_static, bound) = match checked {
            Ok(ok) => ok,
            Err(e) => {
                hinted(&mut s.hint, &mut s.deadline, e, now);
                let exchange = s.exchange;
                if e == SessionError::WrongSetupCode {
                    let report = StatusReport {
                        status: Status::WRONG_SETUP_CODE,
                    };
                    self.reply(exchange, &Flight::Status(report))?;
                }
                return Err(e);
            }
        };
        let ApplianceState::ExpectPairFinish(s) =
            core::mem::replace(&mut self.state, ApplianceState::ExpectPairRequest)
        else {
            return Err(SessionError::Storage);
        };
        let channel = SecureChannel::new(
            Role::Appliance,
            &bound.traffic,
            s.appliance_session,
            s.phone_session,
            IDLE_TIMEOUT,
            now,
        );
        match Self::store_pairing(store, peer_static, &bound) {
            Ok(admin) => {
                self.close_window();
                self.event = Some(ApplianceEvent::Paired {
                    channel,
                    peer_static,
                    admin,
                    offer: s.offer,
                });
                Ok(())
            }
            Err(e) => {
                // The code was right: the appliance itself ends the
                // attempt, so it is not a failure of the window. The
                // refusal travels sealed on the session that was not.
                self.lockout.take_back(now);
                let _ = store.set_lifetime_failures(store.lifetime_failures().saturating_sub(1));
                let mut channel = channel;
                let mut buf = [0u8; 64];
                let status = e.status().unwrap_or(Status::FAILURE);
                if let Ok(n) = channel.close(p, 0, status, &mut buf) {
                    self.outbox.clear();
                    let _ = self.outbox.extend_from_slice(&buf[..n]);
                }
                self.event = Some(ApplianceEvent::AttemptFailed(e));
                Err(e)
            }
        }
    }

    /// Checks a `PairFinish`: the confirmation, the sealed static key and
    /// the proof of its secret.
    fn check<P: CryptoProvider>(
        p: &P,
        identity: &ApplianceIdentity<P>,
        s: &ExpectPairFinish,
        f: &PairFinish,
    ) -> Result<([u8; 32], BoundKeys), SessionError> {
        if !s.keys.check_confirm_p(&f.confirm.0) {
            return Err(SessionError::WrongSetupCode);
        }
        let ids = identity_keys(p, &s.keys.shared)?;
        let peer_static: [u8; 32] = open(p, &ids.id_p, &f.identity)?;
        let ss = p
            .x25519(&identity.static_secret, &peer_static)
            .map_err(|_| SessionError::Authentication)?;
        let bound = bound_keys(p, &s.keys.shared, &ss)?;
        if !ct_eq(&bound.proof, &f.proof.0) {
            return Err(SessionError::Authentication);
        }
        Ok((peer_static, bound))
    }

    /// Stores a checked pairing: never over an existing one, admin only
    /// for the first phone of an empty appliance, the replay guard from
    /// the floor. Returns the role.
    fn store_pairing<S: PairingStore>(
        store: &mut S,
        peer_static: [u8; 32],
        bound: &BoundKeys,
    ) -> Result<bool, SessionError> {
        if store.get(&peer_static).is_some() {
            return Err(SessionError::AlreadyPaired);
        }
        if store.len() >= store.capacity() {
            return Err(SessionError::PairingTableFull);
        }
        let admin = store.is_empty();
        store
            .put(Pairing {
                peer_static,
                psk: bound.psk,
                admin,
                resume_counter: store.guard_floor(),
            })
            .map_err(|e| match e {
                super::store::StoreError::Full => SessionError::PairingTableFull,
                _ => SessionError::Storage,
            })?;
        // A success resets the failure report (HomeKit's rule).
        let _ = store.set_lifetime_failures(0);
        Ok(admin)
    }
}

#[cfg(test)]
mod tests;
