use super::*;
use crate::crypto::InsecureTestCrypto;
use crate::message::{
    Close, Features, Hello, Message, Ping, Pong, Purpose, ResumeReply, ResumeRequest,
};
use crate::session::lockout::{BACKOFF_AFTER, CLOSE_AFTER, MAX_WINDOW};
use crate::session::store::MemoryStore;
use crate::wire::Flags;

const DEVICE: DeviceId = *b"APPLNK01";
const RIGHT: [u8; 80] = [0x5A; 80];
const WRONG: [u8; 80] = [0xA5; 80];
const ONE_TIME: [u8; 80] = [0x3C; 80];
/// The first phone's static secret (it becomes the admin).
const OWNER: [u8; 32] = [0x33; 32];
const OFFER: Offer = Offer {
    max_frame: 1024,
    features: Features(0xF),
};
const PARAMS: ApplianceParams = ApplianceParams {
    max_frame: 512,
    features: Features(0xF),
    descriptor_hash: Fixed([0xD5; 16]),
};

struct World {
    phone_p: InsecureTestCrypto,
    appl_p: InsecureTestCrypto,
    identity: ApplianceIdentity<InsecureTestCrypto>,
    appliance: AppliancePairing,
    store: MemoryStore<4>,
}

fn world() -> World {
    let appl_p = InsecureTestCrypto::from_seed([2; 32]);
    let secret = ProverSecret::from_pbkdf_output(&appl_p, &RIGHT).unwrap();
    let record = secret.verifier_record(&appl_p);
    let identity =
        ApplianceIdentity::new(&appl_p, DEVICE, record, appl_p.x25519_import(&[0x77; 32]));
    let store = MemoryStore::new();
    let mut appliance = AppliancePairing::new();
    appliance
        .open_window(&store, Instant::ZERO, MAX_WINDOW)
        .unwrap();
    World {
        phone_p: InsecureTestCrypto::from_seed([1; 32]),
        appl_p,
        identity,
        appliance,
        store,
    }
}

/// One phone attempt: its machine and the static secret it holds.
struct Attempt {
    machine: PhonePairing<InsecureTestCrypto>,
    secret: [u8; 32],
}

fn start_as(w: &mut World, code: &[u8; 80], secret: [u8; 32], now: Instant) -> Attempt {
    let prover = ProverSecret::from_pbkdf_output(&w.phone_p, code).unwrap();
    let public = w.phone_p.x25519_public(&w.phone_p.x25519_import(&secret));
    let machine = PhonePairing::start(
        &mut w.phone_p,
        prover,
        DEVICE,
        public,
        0x0101,
        OFFER,
        5,
        now,
    )
    .unwrap();
    Attempt { machine, secret }
}

fn start(w: &mut World, code: &[u8; 80], now: Instant) -> Attempt {
    start_as(w, code, OWNER, now)
}

impl Attempt {
    fn take(&mut self, w: &World, bytes: &[u8], now: Instant) -> Result<(), SessionError> {
        let secret = w.phone_p.x25519_import(&self.secret);
        self.machine.handle_frame(&w.phone_p, &secret, bytes, now)
    }

    fn send(&mut self) -> std::vec::Vec<u8> {
        frame(&mut |b| self.machine.poll_transmit(b))
    }
}

fn frame(f: &mut impl FnMut(&mut [u8]) -> Option<usize>) -> std::vec::Vec<u8> {
    let mut buf = [0u8; 256];
    let n = f(&mut buf).expect("a frame to send");
    buf[..n].to_vec()
}

fn to_appliance(w: &mut World, bytes: &[u8], now: Instant) -> Result<(), SessionError> {
    w.appliance.handle_frame(
        &mut w.appl_p,
        &mut w.store,
        &w.identity,
        &PARAMS,
        bytes,
        now,
    )
}

fn plain(exchange: u16, m: &Message<'_>) -> std::vec::Vec<u8> {
    let mut b = [0u8; 256];
    let n = crate::to_slice(&crate::wire::Header::plaintext(exchange), m, &mut b).unwrap();
    b[..n].to_vec()
}

/// Runs a whole pairing as `secret` with `code`; returns what the phone
/// got and the appliance's event.
fn pair(
    w: &mut World,
    code: &[u8; 80],
    secret: [u8; 32],
    now: Instant,
) -> (PhonePaired, Option<ApplianceEvent>) {
    let mut phone = start_as(w, code, secret, now);
    let request = phone.send();
    to_appliance(w, &request, now).unwrap();
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    phone.take(w, &challenge, now).unwrap();
    let paired = phone.machine.poll_event().unwrap().unwrap();
    let finish = phone.send();
    let _ = to_appliance(w, &finish, now);
    (paired, w.appliance.poll_event())
}

#[test]
fn full_pairing_with_the_first_command_in_the_third_flight() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, &RIGHT, now);
    let request = phone.send();
    to_appliance(&mut w, &request, now).unwrap();
    assert_eq!(
        w.store.lifetime_failures(),
        1,
        "counted before the challenge left"
    );
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    phone.take(&w, &challenge, now).unwrap();
    let mut paired = phone.machine.poll_event().unwrap().unwrap();
    assert_eq!(paired.appliance, PARAMS, "the sealed parameters arrive");
    let finish = phone.send();
    // Same flight: the first command, secured.
    let invoke = Message::Ping(Ping { nonce: 1 });
    let mut cmd = [0u8; 64];
    let n = paired
        .channel
        .seal_message(&w.phone_p, 6, Flags::INITIATOR, &invoke, &mut cmd)
        .unwrap();
    to_appliance(&mut w, &finish, now).unwrap();
    let Some(ApplianceEvent::Paired {
        mut channel,
        peer_static,
        admin,
        offer,
    }) = w.appliance.poll_event()
    else {
        panic!("appliance did not pair");
    };
    assert!(admin, "the first phone is admin");
    assert_eq!(offer, OFFER);
    assert_eq!(w.store.lifetime_failures(), 0, "a success resets the count");
    assert_eq!(w.store.get(&peer_static).unwrap().psk, paired.pairing.psk);
    assert_eq!(paired.pairing.peer_static, *w.identity.public());
    let (_, got) = channel.open_message(&w.appl_p, &mut cmd[..n], now).unwrap();
    assert_eq!(got, invoke);
    let mut reply = [0u8; 64];
    let n = channel
        .seal_message(
            &w.appl_p,
            6,
            Flags::EMPTY,
            &Message::Pong(Pong { nonce: 1 }),
            &mut reply,
        )
        .unwrap();
    let (_, pong) = paired
        .channel
        .open_message(&w.phone_p, &mut reply[..n], now)
        .unwrap();
    assert_eq!(pong, Message::Pong(Pong { nonce: 1 }));
    assert!(
        !w.appliance.lockout().window_open(now),
        "pairing closes the window"
    );
}

#[test]
fn a_wrong_code_ends_after_the_grace_and_stays_counted() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, &WRONG, now);
    let request = phone.send();
    to_appliance(&mut w, &request, now).unwrap();
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    assert_eq!(
        phone.take(&w, &challenge, now),
        Err(SessionError::WrongSetupCode)
    );
    // A hint: the phone keeps waiting for a genuine challenge, briefly.
    assert!(phone.machine.poll_event().is_none());
    assert_eq!(phone.machine.hint(), Some(SessionError::WrongSetupCode));
    assert_eq!(
        phone.machine.poll_timeout(),
        Some(now.saturating_add(HINT_GRACE))
    );
    // The phone tells the appliance once; for it, too, a hint.
    let report = phone.send();
    assert_eq!(
        to_appliance(&mut w, &report, now),
        Err(SessionError::WrongSetupCode)
    );
    assert_eq!(w.appliance.expected(), Expected::PairFinish);
    assert_eq!(
        phone.take(&w, &challenge, now),
        Err(SessionError::WrongSetupCode)
    );
    assert!(
        phone.machine.poll_transmit(&mut [0u8; 256]).is_none(),
        "the appliance is told once"
    );
    let later = now.saturating_add(HINT_GRACE);
    phone.machine.handle_timeout(later);
    assert!(matches!(
        phone.machine.poll_event(),
        Some(Err(SessionError::WrongSetupCode))
    ));
    w.appliance.handle_timeout(later);
    assert!(matches!(
        w.appliance.poll_event(),
        Some(ApplianceEvent::AttemptFailed(SessionError::WrongSetupCode))
    ));
    assert_eq!(w.store.lifetime_failures(), 1);
    assert_eq!(w.lockout_failures(), 1, "the code was tried: counted");
    assert_eq!(w.appliance.expected(), Expected::PairRequest);
}

impl World {
    fn lockout_failures(&self) -> u32 {
        self.appliance.lockout().window_failures()
    }

    /// The owner (the first phone, an admin) opens a window for the
    /// one-time code.
    fn owner_opens_window(&mut self, now: Instant) {
        let owner = public_of(self, &OWNER);
        let verifier = one_time_verifier(self);
        self.appliance
            .open_window_as(
                &self.appl_p,
                &self.store,
                &owner,
                &verifier,
                now,
                MAX_WINDOW,
            )
            .unwrap();
    }
}

/// A code holder driving SPAKE2+ by hand, so it can put any static key
/// in its `PairFinish`: returns the `PairFinish` parts it can make.
struct Intruder {
    x: <InsecureTestCrypto as CryptoProvider>::Scalar,
    secret: ProverSecret<InsecureTestCrypto>,
    share: [u8; 65],
}

impl Intruder {
    fn new(w: &World, code: &[u8; 80]) -> Self {
        let secret = ProverSecret::from_pbkdf_output(&w.phone_p, code).unwrap();
        let x = w.phone_p.p256_scalar_reduce(&[0x42; 32]).unwrap();
        let share = spake2plus::prover_share(&w.phone_p, &secret, &x).unwrap();
        Intruder { x, secret, share }
    }

    fn request(&self) -> std::vec::Vec<u8> {
        let r = PairRequest {
            session: 0x0202,
            share: Fixed(self.share),
            offer: OFFER,
        };
        let mut b = [0u8; 256];
        let h = crate::wire::Header::plaintext(9).with_flags(Flags::INITIATOR);
        let n = crate::to_slice(&h, &Message::PairRequest(r), &mut b).unwrap();
        b[..n].to_vec()
    }

    /// `PairFinish` claiming `claimed` as its static key, with the proof it
    /// can compute from the static secret it really holds.
    fn finish(
        &self,
        w: &World,
        challenge: &[u8],
        claimed: &[u8; 32],
        held: &[u8; 32],
    ) -> std::vec::Vec<u8> {
        let p = &w.phone_p;
        let (_, Message::PairChallenge(c)) = crate::from_bytes(challenge).unwrap() else {
            panic!("not a challenge")
        };
        let ctx_bytes = context(0x0202, c.session, &OFFER);
        let ctx = Context {
            context: &ctx_bytes,
            prover_id: &[],
            verifier_id: &DEVICE,
        };
        let keys =
            spake2plus::prover_finish(p, &ctx, &self.secret, &self.x, &self.share, &c.share.0)
                .unwrap();
        assert!(
            keys.check_confirm_v(&c.confirm.0),
            "the intruder has the code"
        );
        let ids = identity_keys(p, &keys.shared).unwrap();
        let ss = p
            .x25519(&p.x25519_import(held), w.identity.public())
            .unwrap();
        let bound = bound_keys(p, &keys.shared, &ss).unwrap();
        let f = PairFinish {
            confirm: Fixed(keys.confirm_p),
            identity: seal(p, &ids.id_p, claimed).unwrap(),
            proof: Fixed(bound.proof),
        };
        plain(9, &Message::PairFinish(f))
    }
}

fn one_time_verifier(w: &World) -> [u8; VERIFIER_RECORD_LEN] {
    ProverSecret::from_pbkdf_output(&w.appl_p, &ONE_TIME)
        .unwrap()
        .verifier_record(&w.appl_p)
        .to_bytes(&w.appl_p)
        .unwrap()
}

fn public_of(w: &World, secret: &[u8; 32]) -> [u8; 32] {
    w.phone_p.x25519_public(&w.phone_p.x25519_import(secret))
}

/// Security review, item 1: a code holder who knows only the admin's
/// public key cannot pair "as" the admin; it keeps its own role and the
/// admin's record stands.
#[test]
fn a_code_holder_cannot_pair_with_someone_elses_public_key() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let (_, event) = pair(&mut w, &RIGHT, OWNER, now);
    assert!(matches!(
        event,
        Some(ApplianceEvent::Paired { admin: true, .. })
    ));
    let owner = public_of(&w, &OWNER);
    let before = w.store.get(&owner).unwrap().to_bytes();
    w.owner_opens_window(now);
    // The intruder holds the one-time code and the admin's public key.
    let intruder = Intruder::new(&w, &ONE_TIME);
    to_appliance(&mut w, &intruder.request(), now).unwrap();
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    let forged = intruder.finish(&w, &challenge, &owner, &[0x66; 32]);
    assert_eq!(
        to_appliance(&mut w, &forged, now),
        Err(SessionError::Authentication)
    );
    assert_eq!(
        w.store.get(&owner).unwrap().to_bytes(),
        before,
        "the admin's record stands"
    );
    assert_eq!(w.store.len(), 1);
    // Pairing with its own key works, as a user: it never inherits a role.
    let honest = intruder.finish(&w, &challenge, &public_of(&w, &[0x66; 32]), &[0x66; 32]);
    to_appliance(&mut w, &honest, now).unwrap();
    assert!(matches!(
        w.appliance.poll_event(),
        Some(ApplianceEvent::Paired { admin: false, .. })
    ));
    assert_eq!(w.store.get(&owner).unwrap().to_bytes(), before);
}

/// A pairing never replaces one: the same static key pairing again is
/// refused, sealed, and the attempt is not a failure of the window.
#[test]
fn pairing_again_with_a_paired_key_is_refused_sealed() {
    let mut w = world();
    let now = Instant::from_secs(1);
    pair(&mut w, &RIGHT, OWNER, now);
    let owner = public_of(&w, &OWNER);
    let before = w.store.get(&owner).unwrap().to_bytes();
    w.owner_opens_window(now);
    let mut phone = start_as(&mut w, &ONE_TIME, OWNER, now);
    let request = phone.send();
    to_appliance(&mut w, &request, now).unwrap();
    assert_eq!(w.lockout_failures(), 1);
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    phone.take(&w, &challenge, now).unwrap();
    let mut paired = phone.machine.poll_event().unwrap().unwrap();
    let finish = phone.send();
    assert_eq!(
        to_appliance(&mut w, &finish, now),
        Err(SessionError::AlreadyPaired)
    );
    assert_eq!(w.store.get(&owner).unwrap().to_bytes(), before);
    assert_eq!(
        w.lockout_failures(),
        0,
        "the appliance ended it: taken back"
    );
    // The refusal is a sealed Close on the session that was not.
    let mut close = frame(&mut |b| w.appliance.poll_transmit(b));
    let (_, m) = paired
        .channel
        .open_message(&w.phone_p, &mut close, now)
        .unwrap();
    assert_eq!(
        m,
        Message::Close(Close {
            reason: Status::ALREADY_PAIRED
        })
    );
}

/// Security review, item 4: forged plaintext refusals on the owner's
/// exchange neither end a genuine attempt nor cost it a failure.
#[test]
fn forged_refusals_do_not_abort_a_genuine_attempt() {
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, &RIGHT, now);
    let request = phone.send();
    // To the phone, before the genuine challenge: every plaintext refusal.
    let forgeries = [
        Message::Status(StatusReport {
            status: Status::WRONG_SETUP_CODE,
        }),
        Message::HelloReply(HelloReply::Reject(HelloReject::LockedOut {
            retry_after_s: 0,
        })),
        Message::HelloReply(HelloReply::Reject(HelloReject::PairingWindowClosed)),
    ];
    for f in &forgeries {
        assert!(phone.take(&w, &plain(5, f), now).is_err());
        assert!(
            phone.machine.poll_event().is_none(),
            "{f:?} ended the attempt"
        );
    }
    // A forged challenge (garbage share and confirmation) too.
    let fake = PairChallenge {
        session: 9,
        share: Fixed(Intruder::new(&w, &WRONG).share),
        confirm: Fixed([7; 32]),
        identity: Fixed([8; 78]),
    };
    assert!(
        phone
            .take(&w, &plain(5, &Message::PairChallenge(fake)), now)
            .is_err()
    );
    assert!(phone.machine.poll_event().is_none());
    let _ = phone.machine.poll_transmit(&mut [0u8; 256]);
    to_appliance(&mut w, &request, now).unwrap();
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    // To the appliance, while it waits for PairFinish: a forged Status
    // and a forged PairFinish on the owner's exchange.
    let status = plain(
        5,
        &Message::Status(StatusReport {
            status: Status::WRONG_SETUP_CODE,
        }),
    );
    assert!(to_appliance(&mut w, &status, now).is_err());
    let garbage = PairFinish {
        confirm: Fixed([1; 32]),
        identity: Fixed([2; 48]),
        proof: Fixed([3; 32]),
    };
    assert!(to_appliance(&mut w, &plain(5, &Message::PairFinish(garbage)), now).is_err());
    let _ = w.appliance.poll_transmit(&mut [0u8; 256]);
    assert_eq!(w.appliance.expected(), Expected::PairFinish);
    // The genuine flights, within the grace, complete the pairing.
    let soon = now.saturating_add(Duration::from_millis(500));
    phone.take(&w, &challenge, soon).unwrap();
    assert!(phone.machine.poll_event().unwrap().is_ok());
    let finish = phone.send();
    to_appliance(&mut w, &finish, soon).unwrap();
    assert!(matches!(
        w.appliance.poll_event(),
        Some(ApplianceEvent::Paired { .. })
    ));
    assert_eq!(
        w.store.lifetime_failures(),
        0,
        "the owner's success costs nothing"
    );
}

/// Security review, item 5: no state an attacker reaches without the
/// code outlives a window; an invalid share and a full table cost nothing.
#[test]
fn lockout_is_per_window_and_never_permanent() {
    let mut w = world();
    let mut now = Instant::from_secs(1);
    // Five failed attempts: the fifth starts the backoff.
    for i in 1..=BACKOFF_AFTER {
        let mut phone = start(&mut w, &WRONG, now);
        let request = phone.send();
        to_appliance(&mut w, &request, now).unwrap();
        assert_eq!(w.lockout_failures(), i);
        let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
        // A second phone meanwhile is told Busy.
        if i == 1 {
            let mut other = start(&mut w, &RIGHT, now);
            let r = other.send();
            assert_eq!(to_appliance(&mut w, &r, now), Err(SessionError::Busy));
            let busy = frame(&mut |b| w.appliance.poll_transmit(b));
            assert_eq!(other.take(&w, &busy, now), Err(SessionError::Busy));
        }
        assert!(phone.take(&w, &challenge, now).is_err());
        let report = phone.send();
        assert!(to_appliance(&mut w, &report, now).is_err());
        now = now.saturating_add(HINT_GRACE);
        w.appliance.handle_timeout(now);
        assert!(matches!(
            w.appliance.poll_event(),
            Some(ApplianceEvent::AttemptFailed(_))
        ));
    }
    // The fifth failure, counted when its request came, starts a 1 s wait.
    let fifth = Instant::from_millis(now.millis() - HINT_GRACE.millis());
    assert_eq!(
        w.appliance.lockout().admit(fifth),
        Err(SessionError::LockedOut { retry_after_s: 1 })
    );
    // An invalid share is refused before it is counted or takes the slot.
    let mut bad = Intruder::new(&w, &WRONG);
    bad.share[10] ^= 0xFF;
    now = now.saturating_add(Duration::from_secs(1));
    assert!(to_appliance(&mut w, &bad.request(), now).is_err());
    assert_eq!(w.lockout_failures(), BACKOFF_AFTER);
    assert_eq!(w.appliance.expected(), Expected::PairRequest);
    // An attacker spends the rest of this window...
    let mut attempts = BACKOFF_AFTER;
    while w.appliance.lockout().window_open(now) && attempts < CLOSE_AFTER + 5 {
        let intruder = Intruder::new(&w, &WRONG);
        if to_appliance(&mut w, &intruder.request(), now).is_ok() {
            attempts += 1;
            let _ = w.appliance.poll_transmit(&mut [0u8; 256]);
            now = now.saturating_add(HANDSHAKE_TIMEOUT);
            w.appliance.handle_timeout(now);
        } else {
            let _ = w.appliance.poll_transmit(&mut [0u8; 256]);
            now = now.saturating_add(Duration::from_secs(1));
            w.appliance.handle_timeout(now);
        }
    }
    // ...and nothing it did outlives it: a new window admits the owner.
    // (Only an appliance without pairings takes the physical action.)
    w.appliance.open_window(&w.store, now, MAX_WINDOW).unwrap();
    let (_, event) = pair(&mut w, &RIGHT, OWNER, now);
    assert!(matches!(
        event,
        Some(ApplianceEvent::Paired { admin: true, .. })
    ));
    assert_eq!(w.store.lifetime_failures(), 0);
    // A full table refuses before counting.
    for k in 1..4u8 {
        w.store
            .put(Pairing {
                peer_static: [k; 32],
                psk: [0; 32],
                admin: false,
                resume_counter: 0,
            })
            .unwrap();
    }
    w.owner_opens_window(now);
    let mut phone = start_as(&mut w, &ONE_TIME, [0x44; 32], now);
    let request = phone.send();
    assert_eq!(
        to_appliance(&mut w, &request, now),
        Err(SessionError::PairingTableFull)
    );
    assert_eq!(w.lockout_failures(), 0);
}

/// Security review, item 2: after the first pairing the printed code and
/// a physical action no longer add a controller; an admin's window takes
/// only its one-time code, which is forgotten when the window closes.
#[test]
fn windows_after_the_first_pairing_are_an_admins_with_a_one_time_code() {
    let mut w = world();
    let now = Instant::from_secs(1);
    pair(&mut w, &RIGHT, OWNER, now);
    assert_eq!(
        w.appliance.open_window(&w.store, now, MAX_WINDOW),
        Err(SessionError::Refused(Status::ACCESS_DENIED))
    );
    let verifier = one_time_verifier(&w);
    w.owner_opens_window(now);
    let (_, user_event) = pair(&mut w, &ONE_TIME, [0x55; 32], now);
    assert!(matches!(
        user_event,
        Some(ApplianceEvent::Paired { admin: false, .. })
    ));
    let user = public_of(&w, &[0x55; 32]);
    assert_eq!(
        w.appliance
            .open_window_as(&w.appl_p, &w.store, &user, &verifier, now, MAX_WINDOW),
        Err(SessionError::Refused(Status::ACCESS_DENIED)),
        "a user opens no window"
    );
    // In an admin's window the printed code fails.
    w.owner_opens_window(now);
    let mut phone = start_as(&mut w, &RIGHT, [0x56; 32], now);
    let request = phone.send();
    to_appliance(&mut w, &request, now).unwrap();
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    assert_eq!(
        phone.take(&w, &challenge, now),
        Err(SessionError::WrongSetupCode)
    );
    let later = now.saturating_add(HANDSHAKE_TIMEOUT);
    w.appliance.handle_timeout(later);
    let _ = w.appliance.poll_event();
    // Closed, the window forgets its code.
    w.appliance.close_window();
    assert!(!w.appliance.one_time_window());
    let mut phone = start_as(&mut w, &ONE_TIME, [0x57; 32], later);
    let request = phone.send();
    assert_eq!(
        to_appliance(&mut w, &request, later),
        Err(SessionError::PairingWindowClosed)
    );
}

#[test]
fn admins_list_remove_and_change_roles_but_never_the_last_admin() {
    let mut w = world();
    let admin = [1u8; 32];
    let user = [2u8; 32];
    for (k, a, guard) in [(admin, true, 7), (user, false, 40)] {
        w.store
            .put(Pairing {
                peer_static: k,
                psk: [0; 32],
                admin: a,
                resume_counter: guard,
            })
            .unwrap();
    }
    let mut listed = [([0u8; 32], false); 4];
    assert_eq!(
        AppliancePairing::list_pairings_as(&w.store, &user, 0, &mut listed),
        Err(SessionError::Refused(Status::ACCESS_DENIED))
    );
    assert_eq!(
        AppliancePairing::list_pairings_as(&w.store, &admin, 0, &mut listed),
        Ok(2)
    );
    assert_eq!(listed[..2], [(admin, true), (user, false)]);
    let mut rest = [([0u8; 32], false); 1];
    assert_eq!(
        AppliancePairing::list_pairings_as(&w.store, &admin, 1, &mut rest),
        Ok(2)
    );
    assert_eq!(rest[0], (user, false));
    assert_eq!(
        AppliancePairing::remove_pairing_as(&mut w.store, &user, &admin),
        Err(SessionError::Refused(Status::ACCESS_DENIED))
    );
    assert_eq!(
        AppliancePairing::remove_pairing_as(&mut w.store, &admin, &admin),
        Err(SessionError::Refused(Status::INVALID_STATE)),
        "the last admin stays"
    );
    assert_eq!(
        AppliancePairing::set_role_as(&mut w.store, &admin, &admin, false),
        Err(SessionError::Refused(Status::INVALID_STATE))
    );
    assert_eq!(
        AppliancePairing::set_role_as(&mut w.store, &user, &user, true),
        Err(SessionError::Refused(Status::ACCESS_DENIED))
    );
    assert_eq!(
        AppliancePairing::set_role_as(&mut w.store, &admin, &user, true),
        Ok(true)
    );
    assert_eq!(
        AppliancePairing::remove_pairing_as(&mut w.store, &admin, &admin),
        Ok(true),
        "with another admin, an admin may leave"
    );
    // The removed pairing's guard raised the floor, which survives reset.
    assert_eq!(w.store.guard_floor(), 7);
    w.appliance.factory_reset(&mut w.store).unwrap();
    assert!(w.store.is_empty());
    assert_eq!(w.store.guard_floor(), 40);
    // After the reset the physical action opens a window again, and a new
    // pairing starts its replay guard at the floor.
    let now = Instant::from_secs(3);
    w.appliance.open_window(&w.store, now, MAX_WINDOW).unwrap();
    let (paired, _) = pair(&mut w, &RIGHT, OWNER, now);
    assert_eq!(paired.pairing.resume_counter, 40);
    assert_eq!(
        w.store.get(&public_of(&w, &OWNER)).unwrap().resume_counter,
        40
    );
}

#[test]
fn every_message_in_every_state_is_rejected_without_change() {
    let hello = Hello {
        min_version: 1,
        max_version: 1,
        max_frame: 512,
        features: Default::default(),
        purpose: Purpose::Pair,
    };
    let mut w = world();
    let now = Instant::from_secs(1);
    let mut phone = start(&mut w, &RIGHT, now);
    let request = phone.send();
    let junk: [Message<'_>; 7] = [
        Message::Hello(hello),
        Message::Ping(Ping { nonce: 1 }),
        Message::Close(Close {
            reason: Status::SUCCESS,
        }),
        Message::ResumeReply(ResumeReply {
            ephemeral: Fixed([9; 32]),
            payload: Fixed([0; 40]),
        }),
        Message::ResumeRequest(ResumeRequest {
            session: 3,
            ephemeral: Fixed([9; 32]),
            identity: Fixed([0; 48]),
            payload: Fixed([0; 24]),
            offer: OFFER,
            mac: Fixed([0; 16]),
        }),
        Message::Pong(Pong { nonce: 2 }),
        Message::Ack,
    ];
    // Appliance, ExpectPairRequest: everything but PairRequest is refused.
    let finish = Message::PairFinish(PairFinish {
        confirm: Fixed([0; 32]),
        identity: Fixed([0; 48]),
        proof: Fixed([0; 32]),
    });
    for m in junk.iter().chain([&finish]) {
        let r = to_appliance(&mut w, &plain(5, m), now);
        assert!(
            matches!(
                r,
                Err(SessionError::Unexpected {
                    expected: Expected::PairRequest,
                    ..
                })
            ),
            "{m:?}: {r:?}"
        );
        assert_eq!(w.appliance.expected(), Expected::PairRequest);
    }
    to_appliance(&mut w, &request, now).unwrap();
    let challenge = frame(&mut |b| w.appliance.poll_transmit(b));
    // Appliance, ExpectPairFinish: nothing else moves it.
    for m in &junk {
        let r = to_appliance(&mut w, &plain(5, m), now);
        assert!(
            matches!(
                r,
                Err(SessionError::Unexpected {
                    expected: Expected::PairFinish,
                    ..
                })
            ),
            "{m:?}: {r:?}"
        );
        assert_eq!(w.appliance.expected(), Expected::PairFinish);
        assert_eq!(
            w.appliance.poll_timeout(),
            Some(now.saturating_add(HANDSHAKE_TIMEOUT))
        );
    }
    // Phone, ExpectPairChallenge.
    for m in &junk {
        let r = phone.take(&w, &plain(5, m), now);
        assert!(
            matches!(
                r,
                Err(SessionError::Unexpected {
                    expected: Expected::PairChallenge,
                    ..
                })
            ),
            "{m:?}: {r:?}"
        );
        assert_eq!(
            phone.machine.poll_timeout(),
            Some(now.saturating_add(HANDSHAKE_TIMEOUT))
        );
    }
    // Garbage of every length on both sides: typed errors, no panic.
    for len in 0..challenge.len() {
        assert!(phone.take(&w, &challenge[..len], now).is_err());
        assert!(to_appliance(&mut w, &request[..len.min(request.len())], now).is_err());
    }
    // The run still completes.
    phone.take(&w, &challenge, now).unwrap();
    let finish = phone.send();
    to_appliance(&mut w, &finish, now).unwrap();
    assert!(matches!(
        w.appliance.poll_event(),
        Some(ApplianceEvent::Paired { .. })
    ));
    // Phone, done: nothing more is taken.
    let r = phone.take(&w, &challenge, now);
    assert!(matches!(
        r,
        Err(SessionError::Unexpected {
            expected: Expected::Nothing,
            ..
        })
    ));
}

/// The worked example of `spec/HANDSHAKE.md` section 6.3: device id
/// `APPLNK01`, the RFC 9383 verifier record, the RFC 7748 §6.1 secret.
const IDENTITY_EXAMPLE: &str = "4150504c4e4b3031\
    bb8e1bbcf3c48f62c08db243652ae55d3e5586053fca77102994f23ad95491b3\
    04eb7c9db3d9a9eb1f8adab81b5794c1f13ae3e225efbe91ea487425854c7fc0\
    0f00bfedcbd09b2400142d40a14f2064ef31dfaa903b91d1faea7093d835966efd\
    77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";

#[test]
fn identity_worked_example_both_ways() {
    use crate::crypto::conformance::rfc9383;
    let p = InsecureTestCrypto::from_seed([0; 32]);
    let bytes: [u8; IDENTITY_LEN] = hex::decode(IDENTITY_EXAMPLE).unwrap().try_into().unwrap();
    assert_eq!(IDENTITY_LEN, 137);
    let mut record = [0u8; VERIFIER_RECORD_LEN];
    record[..32].copy_from_slice(&rfc9383::W0);
    record[32..].copy_from_slice(&rfc9383::L);
    let secret = crate::crypto::hex::<32>(
        b"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    );
    assert_eq!(identity_bytes(*b"APPLNK01", &record, &secret), bytes);
    let identity = ApplianceIdentity::from_bytes(&p, &bytes).unwrap();
    assert_eq!(identity.device_id, *b"APPLNK01");
    assert_eq!(identity.record.to_bytes(&p).unwrap(), record);
    // RFC 7748 §6.1: Alice's public key.
    assert_eq!(
        p.x25519_public(&identity.static_secret),
        crate::crypto::hex::<32>(
            b"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
        )
    );
    let spec: std::string::String = include_str!("../../../spec/HANDSHAKE.md")
        .split_whitespace()
        .collect();
    assert!(
        spec.contains(IDENTITY_EXAMPLE),
        "spec/HANDSHAKE.md 6.3 differs"
    );
}

#[test]
fn identity_with_a_bad_record_is_refused() {
    let p = InsecureTestCrypto::from_seed([0; 32]);
    let good: [u8; IDENTITY_LEN] = hex::decode(IDENTITY_EXAMPLE).unwrap().try_into().unwrap();
    let mut zero_w0 = good;
    zero_w0[8..40].fill(0);
    assert_eq!(
        ApplianceIdentity::from_bytes(&p, &zero_w0).err(),
        Some(CryptoError::InvalidScalar)
    );
    let mut off_curve = good;
    off_curve[104] ^= 1;
    assert_eq!(
        ApplianceIdentity::from_bytes(&p, &off_curve).err(),
        Some(CryptoError::InvalidPoint)
    );
}

#[cfg(all(feature = "std", feature = "rustcrypto"))]
#[test]
fn identity_from_a_setup_code_pairs_with_the_same_code() {
    use crate::crypto::setup_code::{SetupCode, SetupCodeError, derive_w0s_w1s};
    let p = InsecureTestCrypto::from_seed([3; 32]);
    assert_eq!(
        ApplianceIdentity::from_setup_code(&p, DEVICE, "12345678", &[0x77; 32]).err(),
        Some(SetupCodeError::Trivial)
    );
    assert_eq!(
        ApplianceIdentity::from_setup_code(&p, DEVICE, "3141-592", &[0x77; 32]).err(),
        Some(SetupCodeError::Format)
    );
    let identity =
        ApplianceIdentity::from_setup_code(&p, DEVICE, "3141-5926", &[0x77; 32]).unwrap();
    assert_eq!(identity.device_id, DEVICE);
    let code = SetupCode::parse("31415926").unwrap();
    let phone =
        ProverSecret::from_pbkdf_output(&p, &derive_w0s_w1s(&code, &DEVICE).unwrap()).unwrap();
    // One SPAKE2+ run: the phone's secret matches the appliance's verifier.
    let ctx = Context {
        context: b"test",
        prover_id: &[],
        verifier_id: &DEVICE,
    };
    let x = p.p256_scalar_reduce(&[7]).unwrap();
    let y = p.p256_scalar_reduce(&[9]).unwrap();
    let share_p = spake2plus::prover_share(&p, &phone, &x).unwrap();
    let (share_v, verifier) =
        spake2plus::verifier_respond(&p, &ctx, &identity.record, &y, &share_p).unwrap();
    let prover = spake2plus::prover_finish(&p, &ctx, &phone, &x, &share_p, &share_v).unwrap();
    assert_eq!(prover.confirm_p, verifier.confirm_p);
    assert_eq!(prover.confirm_v, verifier.confirm_v);
    assert_eq!(prover.shared, verifier.shared);
}
