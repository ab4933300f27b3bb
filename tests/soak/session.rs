//! The soak test's session ends: SPAKE2+ pairing, and each end's secure
//! channel and reassembler, with the oracle's record of every frame sealed
//! and how the peer treated it.

use applink::crypto::spake2plus::ProverSecret;
use applink::crypto::{CryptoProvider, Entropy, RustCrypto};
use applink::descriptor::Privilege;
use applink::message::{Features, Fixed, Offer};
use applink::session::pairing::{
    ApplianceEvent, ApplianceIdentity, AppliancePairing, PhonePairing,
};
use applink::session::store::MemoryStore;
use applink::session::{ApplianceParams, ReplayWindow, SecureChannel, SessionError};
use applink::time::{Duration, Instant};
use applink::wire::{Flags, Reassembler};

use super::link::{Link, MAX_FRAME, Meta, REASSEMBLY_TIMEOUT, Rng, SLOTS, reassemble};

/// Frames each side seals between key updates. More than the replay
/// window, so a frame late enough to be two key phases old is already
/// refused as too old.
pub const KEY_UPDATE_EVERY: u32 = 100;

/// Randomness for the crypto provider, reproducible from the seed.
pub struct Seeded(pub Rng);

impl Entropy for Seeded {
    fn fill(&mut self, out: &mut [u8]) {
        self.0.fill(out)
    }
}

pub type P = RustCrypto<Seeded>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Request,
    Reply,
    Report,
    Event,
}

/// The oracle's record of every frame one side sealed, by counter.
#[derive(Default)]
pub struct FrameLog {
    pub kind: Vec<Kind>,
    pub opened: Vec<u8>,
    pub highest_opened: Option<u32>,
    pub replays: u64,
    pub too_old: u64,
    pub phase_flips: u64,
    pub key_updates: u64,
}

/// One end: its crypto, channel, reassembler and the frames it sealed.
pub struct End {
    pub p: P,
    pub channel: SecureChannel,
    pub rx: Reassembler<SLOTS, MAX_FRAME>,
    pub sent: FrameLog,
    pub reassembly_rejects: u64,
}

impl End {
    /// Seals `payload` and puts it on `link`, updating the send key every
    /// [`KEY_UPDATE_EVERY`] frames.
    #[allow(clippy::too_many_arguments)]
    pub fn transmit(
        &mut self,
        link: &mut Link,
        rng: &mut Rng,
        now: Instant,
        exchange: u16,
        flags: Flags,
        payload: &[u8],
        kind: Kind,
    ) {
        let counter = self.channel.next_counter().expect("counters left");
        assert_eq!(counter as usize, self.sent.kind.len(), "counters in order");
        let mut buf = [0u8; MAX_FRAME];
        let n = self
            .channel
            .seal(&self.p, exchange, flags, None, payload, &mut buf)
            .expect("seal");
        self.sent.kind.push(kind);
        self.sent.opened.push(0);
        link.send(&buf[..n], Meta { counter }, now, rng);
        if (counter + 1).is_multiple_of(KEY_UPDATE_EVERY) {
            self.channel.update_keys(&self.p).expect("key update");
            self.sent.key_updates += 1;
        }
    }

    /// Reassembles and opens a frame the peer sealed (`log` is the peer's
    /// record); its header's exchange and its payload, if it opened.
    pub fn receive(
        &mut self,
        log: &mut FrameLog,
        segments: &[Vec<u8>],
        meta: Meta,
        now: Instant,
    ) -> Option<(u16, Vec<u8>)> {
        let mut frame = reassemble(&mut self.rx, segments, now, &mut self.reassembly_rejects)?;
        let c = meta.counter as usize;
        let phase = self.channel.receive_phase();
        match self.channel.open(&self.p, &mut frame, now) {
            Ok((header, body)) => {
                assert_eq!(header.counter, meta.counter);
                log.opened[c] += 1;
                assert_eq!(log.opened[c], 1, "frame {c} opened twice");
                log.highest_opened = log.highest_opened.max(Some(meta.counter));
                if self.channel.receive_phase() != phase {
                    log.phase_flips += 1;
                }
                Some((header.exchange, body.to_vec()))
            }
            Err(SessionError::Replay(n)) => {
                assert_eq!(n, meta.counter);
                if log.opened[c] > 0 {
                    log.replays += 1;
                } else {
                    let top = log.highest_opened.expect("a window to be too old for");
                    assert!(
                        top - n >= ReplayWindow::SIZE,
                        "frame {n} never opened yet refused as a replay"
                    );
                    log.too_old += 1;
                }
                None
            }
            Err(e) => panic!("genuine frame {c} refused with {e:?}: the session desynchronised"),
        }
    }
}

/// Pairs a phone and an appliance with SPAKE2+ over a clean link and
/// returns both ends (phone, appliance) and the phone's privilege.
pub fn pair(seed: u64) -> (End, End, Privilege) {
    const DEVICE: [u8; 8] = *b"SOAKLAMP";
    // The Argon2id output of the setup code, precomputed (it takes seconds).
    const PBKDF: [u8; 80] = [0x5A; 80];
    let now = Instant::ZERO;
    let mut phone_p = RustCrypto::new(Seeded(Rng::new(seed ^ 0x01)));
    let mut appl_p = RustCrypto::new(Seeded(Rng::new(seed ^ 0x02)));
    let secret = ProverSecret::from_pbkdf_output(&appl_p, &PBKDF).unwrap();
    let identity = ApplianceIdentity::new(
        &appl_p,
        DEVICE,
        secret.verifier_record(&appl_p),
        appl_p.x25519_import(&[0x77; 32]),
    );
    let mut appliance = AppliancePairing::new();
    let mut store = MemoryStore::<4>::new();
    appliance
        .open_window(&store, now, Duration::from_secs(300))
        .unwrap();
    let secret = ProverSecret::from_pbkdf_output(&phone_p, &PBKDF).unwrap();
    let phone_secret = phone_p.x25519_import(&[0x33; 32]);
    let public = phone_p.x25519_public(&phone_secret);
    let offer = Offer {
        max_frame: 1024,
        features: Features(0xF),
    };
    let params = ApplianceParams {
        max_frame: 1024,
        features: Features(0xF),
        descriptor_hash: Fixed([0; 16]),
    };
    let mut phone =
        PhonePairing::start(&mut phone_p, secret, DEVICE, public, 0x0101, offer, 1, now).unwrap();
    let mut buf = [0u8; 256];
    let n = phone.poll_transmit(&mut buf).expect("PairRequest");
    appliance
        .handle_frame(&mut appl_p, &mut store, &identity, &params, &buf[..n], now)
        .unwrap();
    let n = appliance.poll_transmit(&mut buf).expect("PairChallenge");
    phone
        .handle_frame(&phone_p, &phone_secret, &buf[..n], now)
        .unwrap();
    let paired = phone.poll_event().expect("an outcome").expect("paired");
    let n = phone.poll_transmit(&mut buf).expect("PairFinish");
    appliance
        .handle_frame(&mut appl_p, &mut store, &identity, &params, &buf[..n], now)
        .unwrap();
    let Some(ApplianceEvent::Paired { channel, admin, .. }) = appliance.poll_event() else {
        panic!("the appliance did not pair");
    };
    let end = |p, channel| End {
        p,
        channel,
        rx: Reassembler::new(REASSEMBLY_TIMEOUT),
        sent: FrameLog::default(),
        reassembly_rejects: 0,
    };
    let privilege = if admin {
        Privilege::Admin
    } else {
        Privilege::User
    };
    (
        end(phone_p, paired.channel),
        end(appl_p, channel),
        privilege,
    )
}
