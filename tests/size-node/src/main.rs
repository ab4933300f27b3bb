//! The appliance node of a dimmable lamp as firmware links it: frames in
//! from a (black-boxed) radio, frames out, timers driven. Inputs and
//! outputs go through `black_box` so nothing is optimised away.

#![no_std]
#![no_main]

use core::cell::Cell;
use core::hint::black_box;
use core::panic::PanicInfo;

use applink::catalog::{device_types, identify, level_control, on_off};
use applink::crypto::RustCrypto;
use applink::descriptor::{DeviceInfo, DeviceTypeRef};
use applink::interaction::{EndpointEntry, Instance, RamSequenceStore, stock};
use applink::node::{Appliance, Node};
use applink::session::pairing::{ApplianceIdentity, IDENTITY_LEN};
use applink::session::store::MemoryStore;
use applink::time::Instant;

fn run() -> ! {
    let crypto = RustCrypto::new(|out: &mut [u8]| out.fill(black_box(0x5A)));
    // What the factory wrote to flash.
    let Ok(identity) = ApplianceIdentity::from_bytes(&crypto, black_box(&[3u8; IDENTITY_LEN]))
    else {
        loop {}
    };
    let on = Cell::new(false);
    let level = stock::LevelState::new(Some(100));
    let ident = stock::IdentifyState::new();
    let mut i = stock::Identify::new(&ident);
    let mut o = stock::OnOff::new(&on);
    let mut l = stock::Level::new(&level);
    let mut caps = [
        Instance::new(&identify::CAPABILITY, &mut i),
        Instance::new(&on_off::CAPABILITY, &mut o),
        Instance::new(&level_control::CAPABILITY, &mut l),
    ];
    let types: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
    let mut endpoints = [EndpointEntry::new(1, &types, &mut caps)];
    let info = DeviceInfo::new(0xFFF1, 1);
    let store = MemoryStore::<4>::new();
    let Ok(mut lamp) = Appliance::<'_, _, _, RamSequenceStore, u8>::for_device(
        crypto,
        identity,
        store,
        info,
        &mut endpoints,
    ) else {
        loop {}
    };
    let mut rx = [0u8; 512];
    let mut tx = [0u8; 512];
    let mut now = 0u64;
    loop {
        now += black_box(1);
        let t = Instant::from_millis(now);
        let n = black_box(rx.len());
        lamp.handle_datagram(black_box(1), &mut rx[..n], t);
        if lamp.poll_timeout().is_some_and(|d| d <= t) {
            lamp.handle_timeout(t);
        }
        while let Some((to, n)) = lamp.poll_transmit(&mut tx) {
            black_box((to, &tx[..n]));
        }
        black_box(&mut rx);
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    run()
}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}
