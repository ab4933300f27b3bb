//! A dimmable lamp on UDP that pairs with the setup code printed on it.
//!
//! ```text
//! cargo run --example quick_appliance [127.0.0.1:5540]
//! ```
use applink::catalog::{basic_information, identify, level_control, on_off};
use applink::prelude::*;

fn main() -> Result<(), Box<dyn core::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or("127.0.0.1:5540".into());
    let (on, ident) = (Cell::new(false), stock::IdentifyState::new());
    let level = stock::LevelState::new(Some(128));
    let mut i = stock::Identify::new(&ident);
    let mut o = stock::OnOff::new(&on);
    let mut l = stock::Level::new(&level);
    let mut caps = [
        Instance::new(&identify::CAPABILITY, &mut i),
        Instance::new(&on_off::CAPABILITY, &mut o),
        Instance::new(&level_control::CAPABILITY, &mut l).with_all_optional(),
    ];
    let mut about = stock::BasicInformation::new("Acme", "quick lamp", 1)?;
    let mut root = [Instance::new(&basic_information::CAPABILITY, &mut about)];
    let light = [device_types::DIMMABLE_LIGHT.reference()];
    let mut endpoints = [
        EndpointEntry::new(0, &[], &mut root),
        EndpointEntry::new(1, &light, &mut caps),
    ];
    let mut crypto = os_crypto();
    let identity = ApplianceIdentity::for_development(&mut crypto, *b"LAMP0001", "3141-5926")?;
    let (info, store) = (DeviceInfo::new(0xFFF1, 1), MemoryStore::<4>::new());
    let mut lamp = Appliance::for_device(crypto, identity, store, info, &mut endpoints)?;
    let (mut link, clock) = (UdpLink::bind(&addr)?, Clock::new());
    lamp.open_pairing_window(clock.now(), applink::time::Duration::from_secs(900))?;
    println!("lamp on {addr}: pair with code 3141-5926");
    Err(serve(&mut lamp, &mut link, &clock).into())
}
