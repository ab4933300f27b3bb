//! A dimmable lamp that a phone can find, pair with and control: the
//! appliance half of the two-terminal example (the other is `phone`).
//!
//! ```text
//! cargo run --example appliance -- [--addr 127.0.0.1:5540] [--identity FILE --code CODE] [--lan]
//! ```
//!
//! It prints its QR code (as text), its QR string and, on a line starting
//! with `manual code:`, the code a person types; opens its pairing window
//! for 15 minutes; advertises `_applink._udp` over mDNS on loopback (the
//! project's machines keep multicast on loopback, so outside a private
//! network namespace mDNS refuses and the phone finds the lamp by a
//! unicast probe instead; `--lan` advertises on the real network of your
//! own machine); and serves until stopped, printing each pairing and
//! session.
//!
//! Without `--identity` it derives a development identity from the setup
//! code (`--code`, default 3141-5926); with it, it loads the 137-byte
//! identity the `factory` example wrote, and `--code` must be the code
//! printed on that unit's label (only the label carries it).

use core::net::SocketAddr;
use std::process::ExitCode;

use applink::advertisement::{Advertisement, Model};
use applink::catalog::{basic_information, device_types, identify, level_control, on_off};
use applink::crypto::{CryptoProvider, os_crypto};
use applink::descriptor::DeviceInfo;
use applink::interaction::{EndpointEntry, Instance, stock};
use applink::node::{Appliance, Event};
use applink::onboarding::{Discriminator, Flags, QrPayload, TextStyle, Transports};
use applink::session::pairing::{ApplianceIdentity, IDENTITY_LEN};
use applink::session::store::MemoryStore;
use applink::transport::udp::UdpLink;
use applink::transport::{Clock, step};

const VENDOR: u16 = 0xFFF1;
const PRODUCT: u16 = 0x0042;
/// The product's name: a `basic_information` attribute (the descriptor
/// names the model by `VENDOR` and `PRODUCT` only).
const PRODUCT_NAME: &str = "applink lamp";

struct Args {
    addr: SocketAddr,
    identity: Option<std::path::PathBuf>,
    code: String,
    lan: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        addr: "127.0.0.1:5540".parse().map_err(|_| "address")?,
        identity: None,
        code: "3141-5926".into(),
        lan: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => {
                let v = value()?;
                a.addr = v.parse().map_err(|_| format!("not an address: {v}"))?;
            }
            "--identity" => a.identity = Some(value()?.into()),
            "--code" => a.code = value()?,
            "--lan" => a.lan = true,
            other => return Err(format!("unknown argument {other} (see the file's docs)")),
        }
    }
    if !a.lan && !a.addr.ip().is_loopback() {
        return Err(format!(
            "{} is not loopback: pass --lan to use your network",
            a.addr
        ));
    }
    Ok(a)
}

fn run() -> Result<(), String> {
    let a = args()?;
    let mut crypto = os_crypto();
    let identity = match &a.identity {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let bytes: [u8; IDENTITY_LEN] = bytes
                .try_into()
                .map_err(|_| format!("{}: not a {IDENTITY_LEN}-byte identity", path.display()))?;
            ApplianceIdentity::from_bytes(&crypto, &bytes).map_err(|e| e.to_string())?
        }
        None => ApplianceIdentity::for_development(&mut crypto, *b"LAMP0001", &a.code)
            .map_err(|e| format!("setup code: {e}"))?,
    };
    let device_id = identity.device_id;
    let mut d = [0u8; 2];
    crypto.random_bytes(&mut d);
    let discriminator =
        Discriminator::new(u16::from_le_bytes(d) & Discriminator::MAX).ok_or("discriminator")?;
    let code = applink::crypto::setup_code::SetupCode::parse(&a.code)
        .map_err(|e| format!("setup code: {e}"))?;
    let label = QrPayload {
        vendor_id: VENDOR,
        product_id: PRODUCT,
        device_id,
        discriminator,
        setup_code: code,
        transports: Transports::UDP,
        flags: Flags::NONE,
    };

    let on = core::cell::Cell::new(false);
    let level = stock::LevelState::new(Some(128));
    let ident = stock::IdentifyState::new();
    let mut i = stock::Identify::new(&ident);
    let mut o = stock::OnOff::new(&on);
    let mut l = stock::Level::new(&level);
    let mut caps = [
        Instance::new(&identify::CAPABILITY, &mut i),
        Instance::new(&on_off::CAPABILITY, &mut o),
        Instance::new(&level_control::CAPABILITY, &mut l).with_all_optional(),
    ];
    let mut about = stock::BasicInformation::new("applink examples", PRODUCT_NAME, 1)
        .map_err(|e| e.to_string())?;
    let mut root_caps = [Instance::new(&basic_information::CAPABILITY, &mut about)];
    let root = [device_types::ROOT_NODE.reference()];
    let light = [device_types::DIMMABLE_LIGHT.reference()];
    let mut endpoints = [
        EndpointEntry::new(0, &root, &mut root_caps),
        EndpointEntry::new(1, &light, &mut caps),
    ];
    let info = DeviceInfo::new(VENDOR, PRODUCT);
    let model = Model::of(&info);
    let mut lamp = Appliance::for_device(
        crypto,
        identity,
        MemoryStore::<4>::new(),
        info,
        &mut endpoints,
    )
    .map_err(|e| e.to_string())?;
    let mut link = UdpLink::bind(a.addr).map_err(|e| format!("{}: {e}", a.addr))?;
    let addr = link.local_addr().map_err(|e| e.to_string())?;
    let clock = Clock::new();
    lamp.open_pairing_window(clock.now(), applink::time::Duration::from_secs(15 * 60))
        .map_err(|e| format!("pairing window: {e}"))?;

    println!("{}", label.to_qr_text(TextStyle::DarkBackground));
    println!("QR: {}", label.encode());
    println!("manual code: {}", label.manual_code().encode());
    println!("serving on udp://{addr} (pairing window open for 15 minutes)");

    let hash = lamp.dispatcher().descriptor_hash();
    let ad = Advertisement::unpaired(model, device_id, discriminator.get(), &hash, true);
    let discovery = if a.lan {
        applink::discovery::Discovery::lan()
    } else {
        applink::discovery::Discovery::loopback()
    };
    let _advertiser = match discovery.advertise(addr, &ad) {
        Ok(adv) => {
            println!("advertising {} over mDNS", adv.instance());
            Some(adv)
        }
        Err(e) => {
            println!("not advertising over mDNS ({e}); phones find this lamp by probing {addr}");
            None
        }
    };
    loop {
        step(
            &mut lamp,
            &mut link,
            &clock,
            core::time::Duration::from_secs(1),
        )
        .map_err(|e| format!("udp: {e}"))?;
        while let Some(e) = lamp.poll_event() {
            match e {
                Event::Paired { admin, session, .. } => {
                    println!("a phone paired (admin: {admin}), session {session:#06x}")
                }
                Event::Resumed { session, .. } => {
                    println!("a phone resumed, session {session:#06x}")
                }
                Event::PairingFailed(e) => println!("a pairing attempt failed: {e}"),
                Event::WindowOpened { seconds, .. } => {
                    println!("an admin opened a pairing window for {seconds} s (one-time code)")
                }
                Event::PairingRemoved { .. } => println!("an admin removed a pairing"),
                Event::RoleChanged { admin, .. } => {
                    println!("an admin changed a phone's role (admin: {admin})")
                }
                Event::SessionEnded {
                    session, reason, ..
                } => {
                    println!("session {session:#06x} ended: {reason:?}")
                }
            }
        }
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("appliance: {e}");
            ExitCode::FAILURE
        }
    }
}
