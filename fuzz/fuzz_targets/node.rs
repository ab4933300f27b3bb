//! The appliance node (a dimmable lamp) and an honest phone paired with
//! it, fed an arbitrary mix of genuine, mutated, replayed and made-up
//! datagrams from three addresses, clock moves and revocations.
//!
//! Input: `[op, arg, len, bytes(len)]` records; `op % 6` picks
//!
//! | op | does |
//! |---|---|
//! | 0 | `bytes` as a datagram to the appliance from address `arg % 3` |
//! | 1 | the clock moves `arg * 40` ms on; both nodes run due timers |
//! | 2 | every frame queued on either side is delivered (the honest link) |
//! | 3 | the next phone frame, mutated at `bytes` (bit flip or cut), goes to the appliance, and a copy of it is kept for replay |
//! | 4 | the phone asks for a toggle, a level, a read, or an admin request: list, remove, set a role, open or close a window (`arg % 8`) |
//! | 5 | the kept frame is replayed, or (`arg` odd) every pairing is removed |
//!
//! Checks: no panic; every frame either node sends fits the largest frame
//! and parses as a frame header; queues drain in bounded steps; the session
//! table never exceeds its capacity.
#![no_main]

use core::cell::Cell;

use applink::catalog::{device_types, identify, level_control, on_off};
use applink::crypto::InsecureTestCrypto;
use applink::crypto::spake2plus::ProverSecret;
use applink::descriptor::{DeviceInfo, DeviceTypeRef};
use applink::interaction::clients::{LevelControl, OnOff};
use applink::interaction::{EndpointEntry, Instance, RamSequenceStore, stock};
use applink::message::{EndpointId, Message};
use applink::node::store::MemoryPhoneStore;
use applink::node::{Appliance, MAX_FRAME, Node, Phone};
use applink::session::store::MemoryStore;
use applink::time::{Duration, Instant};
use applink::wire::Header;
use applink_fuzz::Input;
use applink_fuzz::pairing::{DEVICE, RIGHT, appliance_identity};
use libfuzzer_sys::fuzz_target;

const MAX_RECORDS: usize = 128;
const MAX_DRAIN: usize = 256;
const PHONE: u8 = 0;
const LAMP: EndpointId = EndpointId(1);

fn check(frame: &[u8]) {
    assert!(frame.len() <= MAX_FRAME);
    Header::parse(frame).expect("a sent frame has a header");
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data, MAX_RECORDS);
    let on = Cell::new(false);
    let level = stock::LevelState::new(Some(100));
    let ident = stock::IdentifyState::new();
    let mut i = stock::Identify::new(&ident);
    let mut o = stock::OnOff::new(&on);
    let mut l = stock::Level::new(&level);
    let mut caps = [
        Instance::new(&identify::CAPABILITY, &mut i),
        Instance::new(&on_off::CAPABILITY, &mut o),
        Instance::new(&level_control::CAPABILITY, &mut l).with_all_optional(),
    ];
    let types: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
    let mut endpoints = [EndpointEntry::new(1, &types, &mut caps)];
    let p = InsecureTestCrypto::from_seed([1; 32]);
    let identity = appliance_identity(&p);
    let info = DeviceInfo::new(0xFFF1, 1);
    let Ok(mut lamp) = Appliance::<'_, _, _, RamSequenceStore, u8>::for_device(
        p,
        identity,
        MemoryStore::<2>::new(),
        info,
        &mut endpoints,
    ) else {
        return;
    };
    let mut now = Instant::from_secs(1);
    lamp.open_pairing_window(now, Duration::from_secs(600))
        .expect("an unpaired appliance opens its window");
    let q = InsecureTestCrypto::from_seed([2; 32]);
    let secret = ProverSecret::from_pbkdf_output(&q, &RIGHT).expect("a secret");
    let Ok(mut phone) = Phone::<_, _, u8>::new(q, MemoryPhoneStore::default()) else {
        return;
    };
    let _ = phone.pair_with_secret(1, secret, DEVICE, now);
    let mut kept: Vec<u8> = Vec::new();
    let mut buf = [0u8; MAX_FRAME];
    while let Some(op) = input.record() {
        let arg = input.byte_or_zero();
        let bytes = input.chunk();
        match op % 6 {
            0 => lamp.handle_datagram(arg % 3, &mut bytes.to_vec(), now),
            1 => {
                now = now + Duration::from_millis(u64::from(arg) * 40);
                if lamp.poll_timeout().is_some_and(|t| t <= now) {
                    lamp.handle_timeout(now);
                }
                if phone.poll_timeout().is_some_and(|t| t <= now) {
                    phone.handle_timeout(now);
                }
            }
            2 => {
                for _ in 0..MAX_DRAIN {
                    let mut moved = false;
                    if let Some((to, n)) = phone.poll_transmit(&mut buf) {
                        check(&buf[..n]);
                        assert_eq!(to, 1);
                        lamp.handle_datagram(PHONE, &mut buf[..n], now);
                        moved = true;
                    }
                    if let Some((to, n)) = lamp.poll_transmit(&mut buf) {
                        check(&buf[..n]);
                        phone.handle_datagram(1, &mut buf[..n], now);
                        let _ = to;
                        moved = true;
                    }
                    if !moved {
                        break;
                    }
                }
            }
            3 => {
                if let Some((_, n)) = phone.poll_transmit(&mut buf) {
                    let how = bytes.first().copied().unwrap_or(0);
                    let at = u16::from(bytes.get(1).copied().unwrap_or(0));
                    kept = buf[..n].to_vec();
                    let mut bad = applink_fuzz::input::mutate(&buf[..n], how, at);
                    lamp.handle_datagram(PHONE, &mut bad, now);
                }
            }
            4 => {
                let _ = match arg % 8 {
                    0 => phone.request(&OnOff::new(LAMP).toggle().message(), now),
                    1 => match LevelControl::new(LAMP).move_to_level(arg, None) {
                        Ok(m) => phone.request(&m.message(), now),
                        Err(_) => continue,
                    },
                    2 => phone.request(&Message::Read(OnOff::new(LAMP).read_on()), now),
                    // Pairing administration from the (admin) phone.
                    3 => phone.list_pairings(arg / 8, now),
                    4 => phone.remove_pairing([arg; 32], now),
                    5 => phone.set_role([arg; 32], arg & 0x10 != 0, now),
                    6 => phone.open_window(u16::from(arg) * 4, [arg; 97], now),
                    _ => phone.request(
                        &Message::Admin(applink::message::AdminRequest::CloseWindow),
                        now,
                    ),
                };
            }
            _ => {
                if arg % 2 == 1 {
                    let peers: Vec<[u8; 32]> = lamp.sessions().map(|(_, k)| k).collect();
                    for k in peers {
                        let _ = lamp.remove_pairing(&k);
                    }
                } else if !kept.is_empty() {
                    lamp.handle_datagram(PHONE, &mut kept.clone(), now);
                }
            }
        }
        assert!(lamp.sessions().count() <= 4);
        while phone.poll_event().is_some() {}
        while lamp.poll_event().is_some() {}
    }
    // Whatever is left drains in bounded steps.
    for _ in 0..MAX_DRAIN {
        match lamp.poll_transmit(&mut buf) {
            Some((_, n)) => check(&buf[..n]),
            None => break,
        }
    }
});
