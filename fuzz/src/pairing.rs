//! The pairing world: an appliance identity built from a fixed setup code,
//! an honest appliance and honest phones, and the frames each side sends.
//!
//! The SPAKE2+ secrets are the 80-byte outputs the setup-code hash would
//! give (precomputed, so Argon2id is not run per input); they are derived
//! once per process.

use std::sync::OnceLock;

use applink::crypto::spake2plus::{ProverSecret, VerifierRecord};
use applink::crypto::{CryptoProvider, InsecureTestCrypto};
use applink::message::{Features, Fixed, Offer};
use applink::session::lockout::MAX_WINDOW;
use applink::session::pairing::{ApplianceIdentity, AppliancePairing, DeviceId, PhonePairing};
use applink::session::store::MemoryStore;
use applink::session::{ApplianceParams, SessionError};
use applink::time::Instant;

/// The appliance's device id.
pub const DEVICE: DeviceId = *b"APPLNK01";
/// The setup code's hash output the appliance's verifier is made from.
pub const RIGHT: [u8; 80] = [0x5A; 80];
/// Another code's hash output.
pub const WRONG: [u8; 80] = [0xA5; 80];
/// The appliance's X25519 static secret.
pub const APPLIANCE_STATIC: [u8; 32] = [0x77; 32];
/// The phone's X25519 static secret.
pub const PHONE_STATIC: [u8; 32] = [0x33; 32];

/// Pairings the appliance's store holds at most.
pub const STORE: usize = 2;

struct Secrets {
    right: ProverSecret<InsecureTestCrypto>,
    wrong: ProverSecret<InsecureTestCrypto>,
    record: VerifierRecord<InsecureTestCrypto>,
}

fn secrets() -> &'static Secrets {
    static SECRETS: OnceLock<Secrets> = OnceLock::new();
    SECRETS.get_or_init(|| {
        let p = InsecureTestCrypto::from_seed([0; 32]);
        let right = ProverSecret::from_pbkdf_output(&p, &RIGHT).expect("valid hash output");
        let wrong = ProverSecret::from_pbkdf_output(&p, &WRONG).expect("valid hash output");
        let record = right.verifier_record(&p);
        Secrets {
            right,
            wrong,
            record,
        }
    })
}

/// The X25519 public key of a static secret.
pub fn public_of(secret: &[u8; 32]) -> [u8; 32] {
    let p = InsecureTestCrypto::from_seed([0; 32]);
    p.x25519_public(&p.x25519_import(secret))
}

/// What the appliance holds from manufacture.
pub fn appliance_identity(p: &InsecureTestCrypto) -> ApplianceIdentity<InsecureTestCrypto> {
    ApplianceIdentity::new(
        p,
        DEVICE,
        secrets().record.clone(),
        p.x25519_import(&APPLIANCE_STATIC),
    )
}

/// What the fuzzed phones offer.
pub const OFFER: Offer = Offer {
    max_frame: 1024,
    features: Features(0xF),
};

/// What the fuzzed appliance seals about itself.
pub const PARAMS: ApplianceParams = ApplianceParams {
    max_frame: 512,
    features: Features(0xF),
    descriptor_hash: Fixed([0; 16]),
};

/// An appliance with its pairing window open, its store and its provider.
pub struct Appliance {
    /// Its provider (randomness from the seed it was made with).
    pub p: InsecureTestCrypto,
    /// What it holds from manufacture.
    pub identity: ApplianceIdentity<InsecureTestCrypto>,
    /// The pairing state machine.
    pub machine: AppliancePairing,
    /// Its persistent store.
    pub store: MemoryStore<STORE>,
}

impl Appliance {
    /// An appliance whose randomness comes from `seed`, its window opened
    /// at `now` for the longest allowed.
    pub fn new(seed: u8, now: Instant) -> Self {
        let p = InsecureTestCrypto::from_seed([seed; 32]);
        let identity = appliance_identity(&p);
        let mut machine = AppliancePairing::new();
        let store = MemoryStore::new();
        machine
            .open_window(&store, now, MAX_WINDOW)
            .expect("an empty store takes the window");
        Appliance {
            p,
            identity,
            machine,
            store,
        }
    }

    /// Hands a frame to the state machine.
    pub fn handle(&mut self, bytes: &[u8], now: Instant) -> Result<(), SessionError> {
        self.machine.handle_frame(
            &mut self.p,
            &mut self.store,
            &self.identity,
            &PARAMS,
            bytes,
            now,
        )
    }

    /// The frame it has to send, if any.
    pub fn transmit(&mut self) -> Option<Vec<u8>> {
        let mut buf = [0u8; 256];
        let n = self.machine.poll_transmit(&mut buf)?;
        Some(buf[..n].to_vec())
    }
}

/// A phone's provider and its pairing attempt.
pub struct Phone {
    /// Its provider.
    pub p: InsecureTestCrypto,
    /// The attempt.
    pub machine: PhonePairing<InsecureTestCrypto>,
    /// Whether it was given the right code.
    pub right_code: bool,
}

impl Phone {
    /// Starts an attempt with the right or a wrong code; randomness from
    /// `seed`.
    pub fn start(
        seed: u8,
        right_code: bool,
        session: u16,
        exchange: u16,
        now: Instant,
    ) -> Result<Self, SessionError> {
        let mut p = InsecureTestCrypto::from_seed([seed ^ 0x80; 32]);
        let secret = if right_code {
            secrets().right.clone()
        } else {
            secrets().wrong.clone()
        };
        let public = public_of(&PHONE_STATIC);
        let machine = PhonePairing::start(
            &mut p, secret, DEVICE, public, session, OFFER, exchange, now,
        )?;
        Ok(Phone {
            p,
            machine,
            right_code,
        })
    }

    /// Hands a frame to the attempt.
    pub fn handle(&mut self, bytes: &[u8], now: Instant) -> Result<(), SessionError> {
        let secret = self.p.x25519_import(&PHONE_STATIC);
        self.machine.handle_frame(&self.p, &secret, bytes, now)
    }

    /// The frame it has to send, if any.
    pub fn transmit(&mut self) -> Option<Vec<u8>> {
        let mut buf = [0u8; 256];
        let n = self.machine.poll_transmit(&mut buf)?;
        Some(buf[..n].to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use applink::session::pairing::ApplianceEvent;

    #[test]
    fn honest_peers_pair() {
        let now = Instant::from_secs(1);
        let mut a = Appliance::new(1, now);
        let mut phone = Phone::start(2, true, 0x0101, 5, now).unwrap();
        a.handle(&phone.transmit().unwrap(), now).unwrap();
        phone.handle(&a.transmit().unwrap(), now).unwrap();
        let paired = phone.machine.poll_event().unwrap().unwrap();
        assert_eq!(paired.pairing.peer_static, public_of(&APPLIANCE_STATIC));
        a.handle(&phone.transmit().unwrap(), now).unwrap();
        assert!(matches!(
            a.machine.poll_event(),
            Some(ApplianceEvent::Paired { peer_static, .. }) if peer_static == public_of(&PHONE_STATIC)
        ));
    }
}
