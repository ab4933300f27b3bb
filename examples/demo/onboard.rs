//! Part 2, first half, of `cargo run --example demo`: the WashLight is
//! found and paired the way a person does it, over real UDP sockets on
//! 127.0.0.1.
//!
//! - The label: the QR code (drawn as text), its string and the manual
//!   code (`applink::onboarding`).
//! - The pairing button: the appliance opens its window and advertises its
//!   24-byte [`Advertisement`] with `Discovery::loopback().advertise`. On a
//!   machine with any other interface up, loopback mDNS refuses to start
//!   (`DiscoveryError::NotIsolated`): multicast must never leave loopback,
//!   so the refusal is shown, not worked around.
//! - alice's phone scans the QR code and looks for that device id with
//!   `Discovery::find`; when mDNS is refused or finds nothing, it says why
//!   and probes the known address (`discovery::probe`, a plaintext Hello).
//! - alice pairs with the code and device id of the QR code: PairRequest
//!   goes at once (no Hello to wait for), her first request (Describe)
//!   travels with PairFinish: 1.5 round trips, then the descriptor chunks.
//!
//! The time from the phone starting discovery to the reply of its first
//! command is measured on the wall clock, Argon2id of the code included.

use core::net::SocketAddr;
use core::time::Duration as StdDuration;

use applink::advertisement::{Advertisement, AdvertisingKey, Model, epoch_at};
use applink::crypto::os_crypto;
use applink::crypto::setup_code::derive_w0s_w1s;
use applink::crypto::spake2plus::ProverSecret;
use applink::discovery::{self, Advertiser, Discovery, DiscoveryError, Probed};
use applink::node::Reply;
use applink::node::store::PhoneStore;
use applink::onboarding::{QrPayload, TextStyle};
use applink::time::Duration;

use crate::link::{Link, Medium, ms};
use crate::udp::Udp;
use crate::washer::{DEVICE_ID, DISCRIMINATOR, Factory, INFO};

/// What onboarding left for the rest of the story.
pub struct Onboarded {
    /// alice's phone.
    pub alice: SocketAddr,
    /// How the phone found the appliance.
    pub path: &'static str,
    /// From the phone starting discovery to the reply of its first command.
    pub first_reply: StdDuration,
    /// Of which the phone's Argon2id of the setup code.
    pub argon: StdDuration,
    /// The mDNS registration, where mDNS was allowed to run.
    pub advertiser: Option<Advertiser>,
}

/// Starts pairing the phone at `phone` with the appliance at `to` from a
/// scanned QR code, which gives the device id: PairRequest goes at once.
/// Returns how long the phone's Argon2id of the code took.
///
/// The secret is derived first and pairing started with the time after
/// it (`Phone::pair_with_secret`): `Phone::pair_with_code` derives inside
/// but stamps its first flight with the `now` it was given, before
/// Argon2id ran, so on a real clock that flight's retransmission timer has
/// already run out when it leaves and it goes twice (bob's manual-code
/// pairing in part 3 shows it).
pub fn pair_with_qr<M: Medium>(
    link: &mut Link<'_, M>,
    phone: M::Addr,
    to: M::Addr,
    qr: &QrPayload,
) -> StdDuration {
    let t = std::time::Instant::now();
    let w = derive_w0s_w1s(&qr.setup_code, &qr.device_id).expect("a valid setup code");
    let secret = ProverSecret::from_pbkdf_output(&os_crypto(), &w).expect("w0, w1 not zero");
    let argon = t.elapsed();
    let now = link.now();
    link.phone(phone)
        .pair_with_secret(to, secret, qr.device_id, now)
        .expect("pairing starts");
    argon
}

/// "release build" or "debug build".
pub fn build_kind() -> &'static str {
    if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    }
}

/// Runs the first half of part 2 on `link`, whose appliance `factory`
/// made.
pub fn run(link: &mut Link<'_, Udp>, factory: &Factory) -> Onboarded {
    println!("== The label on the WashLight 2000: a QR code, its string and the manual code");
    let label = &factory.label;
    for line in label.to_qr_text(TextStyle::DarkBackground).lines() {
        println!("             {line}");
    }
    let qr_string = label.encode();
    println!("             QR string:   {qr_string}");
    println!("             manual code: {}", label.manual_code());

    println!(
        "\n== The pairing button: the appliance opens its window for 15 minutes and advertises"
    );
    let now = link.now();
    link.appliance
        .open_pairing_window(now, Duration::from_secs(900))
        .expect("a new appliance opens its window");
    let hash = link.appliance.dispatcher().descriptor_hash();
    let model = Model::of(&INFO);
    let ad = Advertisement::unpaired(model, DEVICE_ID, DISCRIMINATOR, &hash, true);
    println!(
        "             advertisement, 24 B (window open, device id in the clear): {}",
        hex::encode(ad.to_bytes())
    );
    let at = link.appliance_addr;
    let mut advertiser = match Discovery::loopback().advertise(at, &ad) {
        Ok(a) => {
            println!("             mDNS: advertising {} at {at}", a.instance());
            Some(a)
        }
        Err(e) => {
            println!("             mDNS: not advertising: DiscoveryError::{e:?}");
            None
        }
    };

    println!("\n== alice's phone scans the QR code");
    let alice = link.add_phone("alice");
    let scanned = QrPayload::parse(&qr_string).expect("the label's own string");
    println!(
        "             vendor {:#06x}, product {:#06x}, device {}, discriminator {:#05x}, \
         transports {:#x}, flags {:#x}, setup code {:?}",
        scanned.vendor_id,
        scanned.product_id,
        String::from_utf8_lossy(&scanned.device_id),
        scanned.discriminator.get(),
        scanned.transports.bits(),
        scanned.flags.bits(),
        scanned.setup_code
    );

    println!(
        "\n== alice's phone looks for device WASH0042: mDNS on loopback, else a unicast probe"
    );
    let started = std::time::Instant::now();
    link.begin("discover");
    let (addr, path) = discover(link, &scanned);
    let discovered = started.elapsed();
    link.end();

    println!("\n== alice pairs with the code and device id of the QR code: no Hello to wait for;");
    println!("   her first request, Describe, waits for the session and travels with PairFinish");
    link.begin("pair (QR code) + Describe");
    let argon = pair_with_qr(link, alice, addr, &scanned);
    println!(
        "             (the phone derived the code's secret with Argon2id: {})",
        ms(argon)
    );
    let describe = link.describe(alice);
    link.handshake(alice).expect("the right code pairs");
    let Ok(Reply::Descriptor(_)) = link.wait(alice, describe) else {
        panic!("no descriptor")
    };
    let first_reply = started.elapsed();
    let paired = link.end();
    print_endpoints(link);
    println!(
        "             ⏱  the phone starting discovery → the reply of its first command \
         (Describe, whole): {} ({}, loopback UDP)",
        ms(first_reply),
        build_kind()
    );
    let handshake = first_reply.saturating_sub(discovered + argon);
    println!(
        "                = discovery {} ({path}) + Argon2id {} + pairing and Describe on the wire \
         ({} round trips, crypto and printing included) {}",
        ms(discovered),
        ms(argon),
        paired.round_trips,
        ms(handshake),
    );
    remember(link, alice, addr);
    advertise_paired(link, alice, factory, advertiser.as_mut());
    Onboarded {
        alice,
        path,
        first_reply,
        argon,
        advertiser,
    }
}

/// Finds the appliance of `scanned`: mDNS first, then a probe of the
/// known address. Returns where it is and which path found it.
fn discover(link: &mut Link<'_, Udp>, scanned: &QrPayload) -> (SocketAddr, &'static str) {
    let wanted = scanned.device_id;
    let t = std::time::Instant::now();
    let found = Discovery::loopback().find(StdDuration::from_secs(3), |f| {
        f.advertisement.device_id() == Some(wanted) && f.advertisement.pairing_window_open
    });
    let browsed = ms(t.elapsed());
    match found {
        Ok(f) => {
            println!(
                "             mDNS: found {} at {} in {browsed}",
                f.instance, f.addr
            );
            // The query and its answer, sent by the mDNS daemons.
            link.count_round_trips(1);
            return (f.addr, "mDNS");
        }
        Err(e) => println!("             mDNS: nothing found ({browsed}): DiscoveryError::{e:?}"),
    }
    let known = link.appliance_addr;
    println!("             path taken: a unicast probe of the known address {known}");
    link.stranger = "probe";
    let p = probe_serving(link, known).unwrap_or_else(|e| panic!("the probe failed: {e}"));
    let id = p.accept.device_id.0;
    assert_eq!(
        id, wanted,
        "the probed appliance is not the one on the label"
    );
    println!(
        "             the probe's Hello was answered in {} ({} sent): device {}, the one on the label",
        ms(p.round_trip),
        p.transmissions,
        String::from_utf8_lossy(&id)
    );
    (p.addr, "unicast probe")
}

/// Runs the blocking `discovery::probe` on a helper thread while this
/// thread keeps serving the appliance (which borrows its firmware and
/// stays here) and prints its frames. This thread polls without blocking
/// meanwhile (a socket's receive timeout is only as fine as the kernel's
/// tick), at most for the probe's own timeout.
fn probe_serving(link: &mut Link<'_, Udp>, addr: SocketAddr) -> Result<Probed, DiscoveryError> {
    std::thread::scope(|s| {
        let probe = s.spawn(move || discovery::probe(addr, StdDuration::from_secs(2)));
        while !probe.is_finished() {
            link.run_for(Duration::ZERO);
            std::thread::yield_now();
        }
        probe.join().expect("the probe thread")
    })
}

/// The endpoints the descriptor describes.
fn print_endpoints(link: &Link<'_, Udp>) {
    let device = link.device();
    for ep in device.endpoints.iter() {
        let types: Vec<_> = ep
            .device_types
            .iter()
            .map(|t| {
                applink::catalog::device_types::DeviceType::by_id(t.id).map_or("?", |t| t.name)
            })
            .collect();
        let caps: Vec<_> = ep.capabilities.iter().map(|c| c.name).collect();
        println!("             endpoint {}: {types:?} with {caps:?}", ep.id.0);
    }
}

/// The phone app keeps the address it reached the appliance at, to try it
/// first next time.
fn remember(link: &mut Link<'_, Udp>, alice: SocketAddr, addr: SocketAddr) {
    let store = link.phone(alice).store_mut();
    let mut known = store.appliance(&DEVICE_ID).expect("just paired");
    known.last_address = Some(addr.to_string());
    store.put_appliance(DEVICE_ID, known).expect("a RAM store");
}

/// Once paired (which closed the window), the appliance shows a rotating
/// id that only a paired phone links to it.
fn advertise_paired(
    link: &mut Link<'_, Udp>,
    alice: SocketAddr,
    factory: &Factory,
    advertiser: Option<&mut Advertiser>,
) {
    let crypto = os_crypto();
    let key = AdvertisingKey::for_appliance(&crypto, &factory.identity());
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let hash = link.appliance.dispatcher().descriptor_hash();
    let model = Model::of(&INFO);
    let ad = Advertisement::paired(
        &crypto,
        &key,
        epoch_at(unix),
        model,
        DISCRIMINATOR,
        &hash,
        false,
    );
    println!("\n== Paired: the window closed, the appliance advertises a rotating id instead");
    println!("             advertisement: {}", hex::encode(ad.to_bytes()));
    // alice learned the appliance's static key, sealed, while pairing.
    let peer = link.phone(alice).store().appliance(&DEVICE_ID);
    let peer_static = peer.expect("paired").pairing.peer_static;
    let hers = AdvertisingKey::derive(&crypto, &DEVICE_ID, &peer_static);
    let stranger = AdvertisingKey::derive(&crypto, &DEVICE_ID, &[7; 32]);
    println!(
        "             alice's phone recognises it: {}; a stranger's: {}",
        ad.recognise(&crypto, &hers).is_some(),
        ad.recognise(&crypto, &stranger).is_some()
    );
    if let Some(a) = advertiser
        && let Err(e) = a.update(&ad)
    {
        println!("             mDNS: update failed: {e}");
    }
}
