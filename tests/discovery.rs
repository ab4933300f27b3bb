//! Discovery end to end: mDNS inside a private network namespace this test
//! creates for itself, and the unicast probe over 127.0.0.1.
//!
//! A test that multicasts re-executes this test binary under `unshare -n`
//! (or `unshare -r -n` when not root) with `--exact <its name>` and
//! `APPLINK_NETNS_CHILD=<its name>`; the child brings up `lo` (`ip link set
//! lo up`, `ip link set lo multicast on`) in a namespace where no other
//! interface exists, and runs the body. If no namespace can be made, the
//! test fails and says so, unless `APPLINK_SKIP_NETNS=1` is set.
//!
//! Network rule: multicast never leaves the namespace's loopback; outside
//! it only 127.0.0.1 unicast is sent (the probe tests). Every loop is
//! bounded in time.

mod node_support;

use core::net::SocketAddr;
use core::time::Duration;
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use applink::advertisement::{
    Advertisement, AdvertisingKey, Identifier, Model, epoch_at, rotating_id,
};
use applink::crypto::{CryptoProvider, RustCrypto};
use applink::discovery::{self, Advertiser, Discovery, DiscoveryError, SERVICE_TYPE};
use applink::message::{DescriptorHash, VendorId};
use applink::node::ApplianceConfig;
use applink::session::pairing::DeviceId;
use applink::transport::udp::UdpLink;
use applink::transport::{Clock, step};

use node_support::{DEVICE, lamp_at, lamp_devices};

const CHILD: &str = "APPLINK_NETNS_CHILD";
const SKIP: &str = "APPLINK_SKIP_NETNS";
/// The lamp's static secret in `node_support`.
const LAMP_STATIC: [u8; 32] = [0x77; 32];
/// The lamp's discriminator (the onboarding codes' 12 bits).
const DISCRIMINATOR: u16 = 0x142;
/// The lamp's model in `node_support`.
const LAMP_MODEL: Model = Model {
    vendor: VendorId(0xFFF1),
    product: 0x0042,
    protocol_min: 1,
    protocol_max: 1,
};

fn ip_tool() -> &'static str {
    ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("ip")
}

/// Runs `body` inside a fresh network namespace whose `lo` is set up with
/// `setup` (arguments to `ip`).
fn in_namespace(test: &str, setup: &[&[&str]], body: impl FnOnce()) {
    if std::env::var(CHILD).as_deref() == Ok(test) {
        for args in setup {
            let out = Command::new(ip_tool())
                .args(*args)
                .output()
                .expect("run ip");
            assert!(
                out.status.success(),
                "ip {args:?} failed in the namespace: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let interfaces = Command::new(ip_tool())
            .args(["-o", "link"])
            .output()
            .unwrap();
        let interfaces = String::from_utf8_lossy(&interfaces.stdout).to_string();
        assert_eq!(
            interfaces.lines().count(),
            1,
            "the namespace must hold only lo: {interfaces}"
        );
        body();
        return;
    }
    if std::env::var(SKIP).as_deref() == Ok("1") {
        eprintln!("SKIPPED {test}: {SKIP}=1 (no private network namespace)");
        return;
    }
    let mut failures = Vec::new();
    let flags = [&["-n"][..], &["-r", "-n"][..]].into_iter().find(|flags| {
        match Command::new("unshare").args(*flags).arg("true").output() {
            Ok(out) if out.status.success() => true,
            Ok(out) => {
                failures.push(format!(
                    "unshare {flags:?} true: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
                false
            }
            Err(e) => {
                failures.push(format!("unshare: {e}"));
                false
            }
        }
    });
    let Some(flags) = flags else {
        panic!(
            "{test} needs a private network namespace (multicast must not leave loopback), \
             but none could be made: {failures:?}. Run as root (or where unprivileged user \
             namespaces are allowed), install util-linux and iproute2, or set {SKIP}=1 to \
             skip this test explicitly."
        );
    };
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new("unshare")
        .args(flags)
        .arg(&exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD, test)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the test under unshare");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{test}: the namespaced run took over 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    assert!(
        status.success() && out.contains("1 passed"),
        "{test} failed in its namespace ({status}):\n{out}\n{err}"
    );
    println!("{test}: passed inside a private network namespace (unshare {flags:?}):\n{out}");
}

const LO_MULTICAST: &[&[&str]] = &[
    &["link", "set", "lo", "up"],
    &["link", "set", "lo", "multicast", "on"],
];

/// What the served lamp tells the test.
struct Served {
    addr: SocketAddr,
    device_id: DeviceId,
    hash: DescriptorHash,
    stop: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Served {
    fn stop(self) {
        let _ = self.stop.send(());
        self.thread.join().unwrap();
    }
}

/// Serves the test lamp on 127.0.0.1 (pairing window open) for at most a
/// minute.
fn serve_lamp() -> Served {
    let (tx, rx) = mpsc::channel();
    let (stop, stopped) = mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        let mut lamp = lamp_at::<SocketAddr>(lamp_devices(), 5, ApplianceConfig::default(), None);
        let mut link = UdpLink::bind("127.0.0.1:0").unwrap();
        let clock = Clock::new();
        lamp.open_pairing_window(clock.now(), applink::time::Duration::from_secs(300))
            .expect("an unpaired appliance opens its window");
        let hash = lamp.dispatcher().descriptor_hash();
        tx.send((link.local_addr().unwrap(), lamp.device_id(), hash))
            .unwrap();
        let end = Instant::now() + Duration::from_secs(60);
        while Instant::now() < end && stopped.try_recv() == Err(mpsc::TryRecvError::Empty) {
            step(&mut lamp, &mut link, &clock, Duration::from_millis(20)).unwrap();
        }
    });
    let (addr, device_id, hash) = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    Served {
        addr,
        device_id,
        hash,
        stop,
        thread,
    }
}

fn crypto() -> RustCrypto<fn(&mut [u8])> {
    RustCrypto::new(|out: &mut [u8]| out.fill(0))
}

fn lamp_key() -> AdvertisingKey {
    let p = crypto();
    let public = p.x25519_public(&p.x25519_import(&LAMP_STATIC));
    AdvertisingKey::derive(&p, &DEVICE, &public)
}

/// Registers a raw TXT record (loopback only), to feed the browser
/// malformed ones.
fn raw_daemon(name: &str, port: u16, txt: &[(&str, &str)]) -> mdns_sd::ServiceDaemon {
    let daemon = mdns_sd::ServiceDaemon::new().unwrap();
    daemon.disable_interface(mdns_sd::IfKind::All).unwrap();
    daemon
        .enable_interface(mdns_sd::IfKind::LoopbackV4)
        .unwrap();
    let host = format!("{name}.local.");
    let info =
        mdns_sd::ServiceInfo::new(SERVICE_TYPE, name, &host, "127.0.0.1", port, txt).unwrap();
    daemon.register(info).unwrap();
    daemon
}

#[test]
fn advertise_browse_and_probe_in_a_private_namespace() {
    in_namespace(
        "advertise_browse_and_probe_in_a_private_namespace",
        LO_MULTICAST,
        || {
            let lamp = serve_lamp();
            let p = crypto();
            // An appliance not yet paired, window open, at the lamp's address.
            let unpaired = Advertisement::unpaired(
                LAMP_MODEL,
                lamp.device_id,
                DISCRIMINATOR,
                &lamp.hash,
                true,
            );
            let advertiser = Advertiser::new(lamp.addr, &unpaired).unwrap();
            println!(
                "advertising {} with TXT {:?}",
                advertiser.instance(),
                unpaired.to_txt().entries()
            );
            // The same lamp once paired, on another port: a rotating id.
            let key = lamp_key();
            let epoch = epoch_at(1_800_000_000);
            let paired_addr: SocketAddr = "127.0.0.1:40001".parse().unwrap();
            let paired = Advertisement::paired(
                &p,
                &key,
                epoch,
                LAMP_MODEL,
                DISCRIMINATOR,
                &lamp.hash,
                false,
            );
            let mut rotating = Advertiser::new(paired_addr, &paired).unwrap();
            // Malformed records: ignored and counted, never fatal.
            let bad_hex = raw_daemon("applink-badhex", 40002, &[("v", "1"), ("ad", "zz")]);
            let bad_payload = raw_daemon("applink-short", 40003, &[("v", "1"), ("ad", "0101")]);

            let started = Instant::now();
            let browsed = discovery::browse(Duration::from_secs(3)).unwrap();
            println!("browse found {:?} in {:?}", browsed, started.elapsed());
            assert_eq!(browsed.found.len(), 2, "{browsed:?}");
            assert_eq!(browsed.ignored.txt, 1, "{browsed:?}");
            assert_eq!(browsed.ignored.payload, 1, "{browsed:?}");
            let found = browsed
                .found
                .iter()
                .find(|f| !f.advertisement.is_paired())
                .unwrap();
            assert_eq!(found.advertisement, unpaired);
            assert_eq!(found.addr, lamp.addr);
            assert_eq!(found.advertisement.device_id(), Some(DEVICE));
            assert_eq!(
                found.instance,
                format!("applink-{}.{SERVICE_TYPE}", hex::encode(DEVICE))
            );
            // A paired phone recognises the rotating one and unmasks the
            // descriptor prefix; its cached descriptor is current.
            let other = browsed
                .found
                .iter()
                .find(|f| f.advertisement.is_paired())
                .unwrap();
            assert_eq!(other.addr, paired_addr);
            assert_eq!(other.advertisement, paired);
            let prefix = other.advertisement.recognise(&p, &key).unwrap();
            assert!(Advertisement::prefix_matches(prefix, &lamp.hash));
            let stranger = AdvertisingKey::derive(&p, b"SOMEONE!", &[1; 32]);
            assert_eq!(other.advertisement.recognise(&p, &stranger), None);

            // The found address answers the probe with the same identity.
            let probed = discovery::probe(found.addr, Duration::from_secs(2)).unwrap();
            assert_eq!(probed.accept.device_id.0, lamp.device_id);
            assert_eq!(probed.accept.descriptor_hash, lamp.hash);
            assert!(Advertisement::prefix_matches(
                found.advertisement.descriptor,
                &probed.accept.descriptor_hash
            ));

            // The epoch rotates: a new identifier, a new instance name, and
            // `find` returns as soon as the paired phone recognises it.
            let next = Advertisement::paired(
                &p,
                &key,
                epoch + 1,
                LAMP_MODEL,
                DISCRIMINATOR,
                &lamp.hash,
                true,
            );
            let old = rotating.instance().to_string();
            rotating.update(&next).unwrap();
            assert_ne!(rotating.instance(), old);
            assert_eq!(
                next.id,
                Identifier::Rotating {
                    id: rotating_id(&p, &key, epoch + 1),
                    epoch: epoch + 1
                }
            );
            let started = Instant::now();
            let timeout = Duration::from_secs(5);
            let found = Discovery::default()
                .find(timeout, |f| {
                    f.advertisement
                        .matches_short_discriminator((DISCRIMINATOR >> 6) as u8)
                        && f.advertisement.recognise(&p, &key).is_some()
                })
                .unwrap();
            assert!(started.elapsed() < timeout);
            println!(
                "find recognised {} in {:?}",
                found.instance,
                started.elapsed()
            );
            assert_eq!(found.advertisement, next);
            assert_eq!(found.instance, rotating.instance());

            drop((bad_hex, bad_payload));
            rotating.stop();
            drop(advertiser);
            lamp.stop();
        },
    );
}

#[test]
fn nothing_advertised_is_no_answer() {
    in_namespace("nothing_advertised_is_no_answer", LO_MULTICAST, || {
        let started = Instant::now();
        let e = discovery::browse(Duration::from_millis(1500)).unwrap_err();
        assert!(
            matches!(e, DiscoveryError::NoAnswer { ignored: 0 }),
            "{e:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        println!("an empty network: {e}");
    });
}

#[test]
fn no_multicast_interface_is_multicast_not_delivered() {
    // `lo` left down: no interface can carry the query, so it never comes
    // back. (Linux loops a host's own multicast back whatever `lo`'s
    // multicast flag says, so clearing the flag would not show this.)
    in_namespace(
        "no_multicast_interface_is_multicast_not_delivered",
        &[],
        || {
            let started = Instant::now();
            let e = discovery::browse(Duration::from_millis(1500)).unwrap_err();
            assert!(matches!(e, DiscoveryError::MulticastNotDelivered), "{e:?}");
            assert!(started.elapsed() < Duration::from_secs(5));
            println!("no multicast: {e}");
        },
    );
}

#[test]
fn appliance_on_another_network_is_wrong_network() {
    // The appliance announces only an address on another network (a second
    // address on this namespace's `lo`); the phone, in loopback scope,
    // hears it but cannot use it.
    in_namespace(
        "appliance_on_another_network_is_wrong_network",
        &[
            &["link", "set", "lo", "up"],
            &["link", "set", "lo", "multicast", "on"],
            &["addr", "add", "198.51.100.7/24", "dev", "lo"],
        ],
        || {
            let elsewhere: SocketAddr = "198.51.100.7:5540".parse().unwrap();
            let ad = Advertisement::unpaired(
                LAMP_MODEL,
                DEVICE,
                DISCRIMINATOR,
                &Default::default(),
                true,
            );
            assert!(matches!(
                Advertiser::new(elsewhere, &ad),
                Err(DiscoveryError::WrongNetwork { .. })
            ));
            let _advertiser = Discovery::lan().advertise(elsewhere, &ad).unwrap();
            let e = discovery::browse(Duration::from_secs(3)).unwrap_err();
            match &e {
                DiscoveryError::WrongNetwork { addresses } => {
                    assert_eq!(addresses, &[elsewhere.ip()])
                }
                other => panic!("{other:?}"),
            }
            println!("another network: {e}");
        },
    );
}

#[test]
fn probe_over_loopback_unicast() {
    // Host namespace: 127.0.0.1 unicast only.
    let lamp = serve_lamp();
    let probed = discovery::probe(lamp.addr, Duration::from_secs(5)).unwrap();
    assert_eq!(probed.accept.device_id.0, lamp.device_id);
    assert_eq!(probed.accept.descriptor_hash, lamp.hash);
    assert_eq!(probed.accept.version, 1);
    assert_eq!(probed.transmissions, 1);
    println!(
        "probe of {}: device {:?}, round trip {:?}",
        lamp.addr,
        String::from_utf8_lossy(&probed.accept.device_id.0),
        probed.round_trip
    );
    // Over the phone's own link, twice: the appliance answers each.
    let mut link = UdpLink::bind("127.0.0.1:0").unwrap();
    for _ in 0..2 {
        let again = Discovery::default()
            .probe_with(&mut link, lamp.addr, Duration::from_secs(5))
            .unwrap();
        assert_eq!(again.accept, probed.accept);
    }
    let addr = lamp.addr;
    lamp.stop();

    // Nothing listens there any more: said at the timeout, not hung.
    let started = Instant::now();
    let e = discovery::probe(addr, Duration::from_millis(600)).unwrap_err();
    assert!(matches!(e, DiscoveryError::NoAnswer { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_probe_outside_loopback_is_refused_before_anything_is_sent() {
    // Run where only `lo` exists, so that even a probe that failed to
    // refuse could reach nothing outside this machine.
    in_namespace(
        "a_probe_outside_loopback_is_refused_before_anything_is_sent",
        &[&["link", "set", "lo", "up"]],
        || {
            let started = Instant::now();
            let e = discovery::probe("192.0.2.7:5540".parse().unwrap(), Duration::from_secs(5))
                .unwrap_err();
            assert!(matches!(e, DiscoveryError::WrongNetwork { .. }), "{e:?}");
            assert!(started.elapsed() < Duration::from_millis(500));
        },
    );
}

#[test]
fn loopback_mdns_is_refused_where_other_interfaces_are_up() {
    // Host namespace: with another interface up, mdns-sd would send an
    // IGMP report on it before it could be limited to loopback, so neither
    // side starts (and nothing is sent).
    let all = if_addrs::get_if_addrs().unwrap();
    let others: Vec<String> = all
        .iter()
        .filter(|i| i.is_oper_up() && !all.iter().any(|j| j.name == i.name && j.is_loopback()))
        .map(|i| i.name.clone())
        .collect();
    if others.is_empty() {
        println!("only loopback here: nothing to refuse");
        return;
    }
    let ad = Advertisement::unpaired(LAMP_MODEL, DEVICE, DISCRIMINATOR, &Default::default(), true);
    let started = Instant::now();
    match Advertiser::new("127.0.0.1:5540".parse().unwrap(), &ad) {
        Err(DiscoveryError::NotIsolated { interfaces }) => {
            assert!(others.iter().all(|o| interfaces.contains(o)))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        discovery::browse(Duration::from_secs(5)),
        Err(DiscoveryError::NotIsolated { .. })
    ));
    assert!(started.elapsed() < Duration::from_secs(1));
}
