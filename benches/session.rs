//! Session benchmarks: sealing and opening secured frames through
//! `SecureChannel` against bare ChaCha20-Poly1305 on the same payload and
//! header, and the pairing and resumption handshakes with both sides in
//! memory.
//!
//! Every operation uses the `RustCrypto` provider. Group and function names
//! come from `benches/common/session.rs`, which `scripts/bench.sh` turns into
//! a table.

#[path = "common/session.rs"]
mod names;

#[path = "common/config.rs"]
mod config;

use core::hint::black_box;

use applink::crypto::spake2plus::ProverSecret;
use applink::crypto::{CryptoProvider, Entropy, NONCE_LEN, RustCrypto};
use applink::message::{Features, Fixed, Offer};
use applink::session::lockout::MAX_WINDOW;
use applink::session::pairing::{
    ApplianceEvent, ApplianceIdentity, AppliancePairing, DeviceId, PhonePairing,
};
use applink::session::resume::{ApplianceResume, PhoneResume};
use applink::session::store::{MemoryStore, Pairing, PairingStore};
use applink::session::{ApplianceParams, Role, SecureChannel, SessionKeys};
use applink::time::{Duration, Instant};
use applink::wire::{Flags, Header};
use criterion::{BatchSize, BenchmarkGroup, Criterion, criterion_group, criterion_main};
use names::*;

/// Benchmark-only randomness (splitmix64): the handshake needs random
/// scalars, and the benchmark must not depend on the OS.
#[derive(Clone)]
struct BenchEntropy(u64);

impl Entropy for BenchEntropy {
    fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

type Provider = RustCrypto<BenchEntropy>;

fn provider(seed: u64) -> Provider {
    RustCrypto::new(BenchEntropy(seed))
}

const KEYS: SessionKeys = SessionKeys {
    phone_to_appliance: [0x11; 32],
    appliance_to_phone: [0x22; 32],
};
const IDLE: Duration = Duration::from_secs(120);
/// Room for a header, 1 KiB and a tag.
const BUF: usize = 14 + 1024 + 16;

fn channels() -> (SecureChannel, SecureChannel) {
    let now = Instant::ZERO;
    (
        SecureChannel::new(Role::Phone, &KEYS, 1, 2, IDLE, now),
        SecureChannel::new(Role::Appliance, &KEYS, 2, 1, IDLE, now),
    )
}

/// The header bytes a secured frame of `SecureChannel` carries, as the bare
/// AEAD's associated data.
fn aad() -> ([u8; 14], usize) {
    let header = Header::secured(2, 0, 7).with_flags(Flags::INITIATOR);
    let mut buf = [0u8; 14];
    let n = header.emit(&mut buf).expect("a header fits 14 bytes");
    (buf, n)
}

fn nonce(counter: u32) -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    n[4..8].copy_from_slice(&counter.to_le_bytes());
    n
}

fn seal(g: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    let p = provider(1);
    let (aad, aad_len) = aad();
    for (size, len) in SIZES {
        let payload = vec![0xA5u8; len];
        let (mut phone, _) = channels();
        let mut buf = [0u8; BUF];
        g.bench_function(format!("{SECURED}-{size}"), |b| {
            b.iter(|| {
                phone
                    .seal(&p, 7, Flags::INITIATOR, None, black_box(&payload), &mut buf)
                    .unwrap()
            })
        });
        let mut body = payload.clone();
        let mut counter = 0u32;
        g.bench_function(format!("{AEAD}-{size}"), |b| {
            b.iter(|| {
                counter = counter.wrapping_add(1);
                p.aead_seal(
                    &KEYS.phone_to_appliance,
                    &nonce(counter),
                    &aad[..aad_len],
                    black_box(&mut body),
                )
                .unwrap()
            })
        });
    }
}

fn open(g: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    let p = provider(1);
    let (aad, aad_len) = aad();
    for (size, len) in SIZES {
        let payload = vec![0xA5u8; len];
        let (mut phone, _) = channels();
        let mut frame = [0u8; BUF];
        let n = phone
            .seal(&p, 7, Flags::INITIATOR, None, &payload, &mut frame)
            .unwrap();
        // Each iteration opens the frame with a receiver built anew from the
        // same keys, so the replay window accepts it; building it is not
        // timed. (A channel cannot be cloned.)
        g.bench_function(format!("{SECURED}-{size}"), |b| {
            b.iter_batched_ref(
                || (channels().1, frame),
                |(rx, f)| {
                    rx.open(&p, &mut f[..n], Instant::ZERO)
                        .map(|(_, body)| body.len())
                        .unwrap()
                },
                BatchSize::SmallInput,
            )
        });
        let mut sealed = payload.clone();
        let tag = p
            .aead_seal(
                &KEYS.phone_to_appliance,
                &nonce(0),
                &aad[..aad_len],
                &mut sealed,
            )
            .unwrap();
        g.bench_function(format!("{AEAD}-{size}"), |b| {
            b.iter_batched_ref(
                || sealed.clone(),
                |body| {
                    p.aead_open(
                        &KEYS.phone_to_appliance,
                        &nonce(0),
                        &aad[..aad_len],
                        body,
                        &tag,
                    )
                    .unwrap()
                },
                BatchSize::SmallInput,
            )
        });
    }
}

fn seal_open(g: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    let p = provider(1);
    let (aad, aad_len) = aad();
    for (size, len) in SIZES {
        let payload = vec![0xA5u8; len];
        let (mut phone, mut appliance) = channels();
        let mut frame = [0u8; BUF];
        g.bench_function(format!("{SECURED}-{size}"), |b| {
            b.iter(|| {
                let n = phone
                    .seal(
                        &p,
                        7,
                        Flags::INITIATOR,
                        None,
                        black_box(&payload),
                        &mut frame,
                    )
                    .unwrap();
                appliance
                    .open(&p, &mut frame[..n], Instant::ZERO)
                    .map(|(_, body)| body.len())
                    .unwrap()
            })
        });
        let mut body = payload.clone();
        let mut counter = 0u32;
        g.bench_function(format!("{AEAD}-{size}"), |b| {
            b.iter(|| {
                counter = counter.wrapping_add(1);
                let n = nonce(counter);
                let key = &KEYS.phone_to_appliance;
                let tag = p
                    .aead_seal(key, &n, &aad[..aad_len], black_box(&mut body))
                    .unwrap();
                p.aead_open(key, &n, &aad[..aad_len], &mut body, &tag)
                    .unwrap();
            })
        });
    }
}

fn channel(c: &mut Criterion) {
    let [seal_group, open_group, both_group] = CHANNEL_GROUPS;
    let mut g = c.benchmark_group(seal_group);
    seal(&mut g);
    g.finish();
    let mut g = c.benchmark_group(open_group);
    open(&mut g);
    g.finish();
    let mut g = c.benchmark_group(both_group);
    seal_open(&mut g);
    g.finish();
}

const DEVICE: DeviceId = *b"APPLNK01";
const OFFER: Offer = Offer {
    max_frame: 1024,
    features: Features(0xF),
};
const PARAMS: ApplianceParams = ApplianceParams {
    max_frame: 512,
    features: Features(0xF),
    descriptor_hash: Fixed([0; 16]),
};
/// The setup code's 80-byte hash output, precomputed: Argon2id is a
/// one-off cost on the phone and is not part of the handshake measured.
const CODE_HASH: [u8; 80] = [0x5A; 80];

/// One full pairing: `PairRequest`, `PairChallenge`, `PairFinish`, both
/// sides, from an idle appliance with its window open. Returns the
/// appliance's channel, so nothing is optimised away.
fn pair(
    phone_p: &mut Provider,
    appl_p: &mut Provider,
    identity: &ApplianceIdentity<Provider>,
    secret: &ProverSecret<Provider>,
    phone_secret: &<Provider as CryptoProvider>::X25519Secret,
) -> SecureChannel {
    let now = Instant::from_secs(1);
    let phone_public = phone_p.x25519_public(phone_secret);
    let mut appliance = AppliancePairing::new();
    let mut store = MemoryStore::<2>::new();
    appliance.open_window(&store, now, MAX_WINDOW).unwrap();
    let mut phone = PhonePairing::start(
        phone_p,
        secret.clone(),
        DEVICE,
        phone_public,
        0x0101,
        OFFER,
        5,
        now,
    )
    .unwrap();
    let mut buf = [0u8; 256];
    let n = phone.poll_transmit(&mut buf).unwrap();
    appliance
        .handle_frame(appl_p, &mut store, identity, &PARAMS, &buf[..n], now)
        .unwrap();
    let n = appliance.poll_transmit(&mut buf).unwrap();
    phone
        .handle_frame(phone_p, phone_secret, &buf[..n], now)
        .unwrap();
    phone.poll_event().unwrap().unwrap();
    let n = phone.poll_transmit(&mut buf).unwrap();
    appliance
        .handle_frame(appl_p, &mut store, identity, &PARAMS, &buf[..n], now)
        .unwrap();
    match appliance.poll_event() {
        Some(ApplianceEvent::Paired { channel, .. }) => channel,
        other => panic!("not paired: {other:?}"),
    }
}

/// One full resumption, `ResumeRequest` and `ResumeReply`, both sides,
/// with the replay guard advanced and stored on each. Returns the phone's
/// channel.
fn resume(
    phone_p: &mut Provider,
    appl_p: &mut Provider,
    identity: &ApplianceIdentity<Provider>,
    phone_secret: &<Provider as CryptoProvider>::X25519Secret,
    phone_pairing: &mut Pairing,
    store: &mut MemoryStore<2>,
) -> SecureChannel {
    let now = Instant::from_secs(1);
    let mut appliance = ApplianceResume::new();
    let mut phone = PhoneResume::start(
        phone_p,
        phone_secret,
        DEVICE,
        phone_pairing,
        0x0101,
        OFFER,
        5,
        now,
    )
    .unwrap();
    let mut buf = [0u8; 256];
    let n = phone.poll_transmit(&mut buf).unwrap();
    appliance
        .handle_frame(appl_p, store, identity, &PARAMS, &buf[..n], now)
        .unwrap();
    let Some(ApplianceEvent::Resumed { channel, .. }) = appliance.poll_event() else {
        panic!("not resumed");
    };
    black_box(channel);
    let n = appliance.poll_transmit(&mut buf).unwrap();
    phone
        .handle_frame(phone_p, phone_secret, &buf[..n], now)
        .unwrap();
    phone.poll_event().unwrap().unwrap().channel
}

/// Both sides of each handshake in memory, one function per handshake.
fn handshakes(c: &mut Criterion) {
    let mut g = c.benchmark_group(HANDSHAKE_GROUP);
    let mut phone_p = provider(2);
    let mut appl_p = provider(3);
    let secret = ProverSecret::from_pbkdf_output(&phone_p, &CODE_HASH).unwrap();
    let record = secret.verifier_record(&appl_p);
    let identity =
        ApplianceIdentity::new(&appl_p, DEVICE, record, appl_p.x25519_import(&[0x77; 32]));
    let phone_secret = phone_p.x25519_import(&[0x33; 32]);
    let phone_public = phone_p.x25519_public(&phone_secret);
    g.bench_function(PAIRING, |b| {
        b.iter(|| pair(&mut phone_p, &mut appl_p, &identity, &secret, &phone_secret))
    });
    let psk = [0x42; 32];
    let mut store = MemoryStore::<2>::new();
    store
        .put(Pairing {
            peer_static: phone_public,
            psk,
            admin: true,
            resume_counter: 0,
        })
        .unwrap();
    let mut phone_pairing = Pairing {
        peer_static: appl_p.x25519_public(&identity.static_secret),
        psk,
        admin: false,
        resume_counter: 0,
    };
    g.bench_function(RESUMPTION, |b| {
        b.iter(|| {
            resume(
                &mut phone_p,
                &mut appl_p,
                &identity,
                &phone_secret,
                &mut phone_pairing,
                &mut store,
            )
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config::config();
    targets = channel, handshakes
}
criterion_main!(benches);
