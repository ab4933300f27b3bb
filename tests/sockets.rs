//! Both nodes over real loopback sockets (127.0.0.1 only), UDP and TCP:
//! pair, describe, read, write, invoke, subscribe, report, close, resume
//! and revoke. Every loop is bounded in time.

mod node_support;

use core::time::Duration;
use std::sync::mpsc;
use std::time::Instant;

use applink::catalog::{level_control, on_off};
use applink::interaction::clients::{self, LevelControl, OnOff};
use applink::message::{Subscribe, Value};
use applink::node::client::{Client, ClientError, Notification};
use applink::node::store::MemoryPhoneStore;
use applink::node::{ApplianceConfig, NodeError};
use applink::transport::tcp::{TcpLink, TcpServer};
use applink::transport::udp::UdpLink;
use applink::transport::{Clock, Link, step};

use node_support::{LAMP, lamp_at, lamp_devices};

const CODE: &str = "3141-5926";

enum Command {
    RevokeAll,
    Stop,
}

/// Serves the lamp on `link` until told to stop (at most a minute).
fn serve<L: Link<Addr = core::net::SocketAddr>>(mut link: L, commands: mpsc::Receiver<Command>) {
    let devices = lamp_devices();
    let mut lamp = lamp_at(devices, 9, ApplianceConfig::default(), Some(CODE));
    let clock = Clock::new();
    lamp.open_pairing_window(clock.now(), applink::time::Duration::from_secs(300))
        .expect("an unpaired appliance opens its window");
    let end = Instant::now() + Duration::from_secs(60);
    while Instant::now() < end {
        match commands.try_recv() {
            Ok(Command::Stop) | Err(mpsc::TryRecvError::Disconnected) => return,
            Ok(Command::RevokeAll) => {
                let peers: Vec<_> = lamp.sessions().map(|(_, k)| k).collect();
                for k in peers {
                    lamp.remove_pairing(&k).unwrap();
                }
            }
            Err(mpsc::TryRecvError::Empty) => {}
        }
        step(&mut lamp, &mut link, &clock, Duration::from_millis(20)).unwrap();
    }
}

fn scenario<L: Link<Addr = core::net::SocketAddr>>(
    phone_link: L,
    lamp: core::net::SocketAddr,
    commands: &mpsc::Sender<Command>,
) {
    let mut phone = Client::new(phone_link, MemoryPhoneStore::default()).unwrap();
    let device = phone.pair(lamp, CODE).expect("paired");
    let descriptor = phone.describe().unwrap();
    assert_eq!(descriptor.device().info.product, 0x0042);
    // This lamp serves no basic_information, so it has no name to read.
    assert_eq!(phone.product_name().unwrap(), None);
    let on = OnOff::new(LAMP);
    assert!(phone.invoke(&on.toggle()).unwrap().status.is_success());
    let records = phone.read(&on.read_on()).unwrap();
    assert_eq!(
        records[0].get(on_off::ON).and_then(|v| v.as_bool()),
        Some(true)
    );
    let write = clients::write(
        LAMP,
        &level_control::CAPABILITY,
        level_control::ON_LEVEL,
        Value::U8(99),
    )
    .unwrap();
    phone.write(&write).unwrap();
    phone
        .invoke(&LevelControl::new(LAMP).move_to_level(30, None).unwrap())
        .unwrap();
    // A write and two invokes in one message, one outcome each.
    let outcomes = phone
        .batch()
        .write(&write)
        .invoke(&on.toggle())
        .invoke(&LevelControl::new(LAMP).move_to_level(40, None).unwrap())
        .send()
        .unwrap();
    assert_eq!(outcomes.len(), 3);
    assert!(outcomes.iter().all(|o| o.is_success()), "{outcomes:?}");
    let sub = phone.subscribe(&Subscribe::endpoint(LAMP, 2000)).unwrap();
    let report = phone.next_notification(Duration::from_secs(5)).unwrap();
    assert!(
        matches!(report, Some(Notification::Report { subscription, .. }) if subscription == sub),
        "{report:?}"
    );
    phone.close().unwrap();
    phone.resume(lamp, device).expect("resumed");
    assert!(phone.invoke(&on.toggle()).unwrap().status.is_success());
    // Revocation: the appliance ends the session at once; the phone is told
    // (a sealed Close) and can no longer resume.
    commands.send(Command::RevokeAll).unwrap();
    let ended = phone.next_notification(Duration::from_secs(5)).unwrap();
    assert!(
        matches!(
            ended,
            Some(Notification::SessionEnded(_)) | Some(Notification::Report { .. })
        ),
        "{ended:?}"
    );
    let refused = phone.invoke(&on.toggle());
    assert!(
        matches!(refused, Err(ClientError::Node(NodeError::NeedsPairing))),
        "{refused:?}"
    );
}

#[test]
fn over_udp() {
    let lamp_link = UdpLink::bind("127.0.0.1:0").unwrap();
    let lamp = lamp_link.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(move || serve(lamp_link, rx));
        scenario(UdpLink::bind("127.0.0.1:0").unwrap(), lamp, &tx);
        tx.send(Command::Stop).unwrap();
    });
}

#[test]
fn over_tcp() {
    let server = TcpServer::bind("127.0.0.1:0", 4).unwrap();
    let lamp = server.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(move || serve(server, rx));
        let link = TcpLink::connect(lamp).unwrap();
        let peer = link.peer_addr();
        scenario(link, peer, &tx);
        tx.send(Command::Stop).unwrap();
    });
}
