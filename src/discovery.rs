//! Discovery on a host (feature `mdns`): an appliance advertises
//! `_applink._udp` over mDNS with the [`Advertisement`] in its TXT record,
//! a phone browses for it, and a phone that knows an address probes it with
//! a plaintext `Hello { purpose: Query }` (`spec/DISCOVERY.md`).
//!
//! - [`Advertiser`]: the appliance side, on one address only;
//! - [`browse`] / [`Discovery::browse`]: every appliance that answers within
//!   a timeout; [`Discovery::find`] returns at the first one a predicate
//!   accepts;
//! - [`probe`] / [`Discovery::probe`]: the unicast fallback, over a
//!   [`UdpLink`], answered by `HelloAccept` (device id and descriptor hash).
//!
//! mDNS itself is [`mdns_sd`]'s; this module picks the interfaces, builds
//! and parses the TXT record and says why nothing was found.
//!
//! # Scope: loopback unless asked otherwise
//!
//! [`Scope::Loopback`] (the default) keeps every packet on the loopback
//! interface: the mDNS daemon is told to use only `127.0.0.1`
//! (`disable_interface(IfKind::All)`, then
//! `enable_interface(IfKind::LoopbackV4)`), services are registered with a
//! loopback address only, and a probe goes only to `127.0.0.0/8` or `::1`.
//! `mdns_sd::ServiceDaemon` joins the mDNS group on **every** interface that
//! is up when it starts, before it reads any option: that join alone sends
//! an IGMP membership report out of each of them. So in loopback scope
//! [`Advertiser`] and [`Discovery::browse`] refuse to start a daemon while
//! any other interface is up ([`DiscoveryError::NotIsolated`]): on such a
//! machine mDNS runs inside a network namespace that has only `lo` (the
//! end-to-end test makes one), and elsewhere a phone probes a known
//! address. [`Scope::Lan`] is the explicit opt-in to the real network.
//!
//! # Contract
//!
//! Every call returns within its timeout (plus at most about a second to
//! stop the daemon); every loop is bounded in time. A phone that finds
//! nothing gets a typed reason, never an empty silence:
//! [`DiscoveryError::NoAnswer`], [`DiscoveryError::MulticastNotDelivered`]
//! (its own query never came back on the interface) or
//! [`DiscoveryError::WrongNetwork`]. A malformed TXT record or payload is
//! ignored and counted in [`Ignored`]; no received byte panics.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4};
use core::time::Duration;
use std::collections::BTreeMap;
use std::io;
use std::net::UdpSocket;
use std::string::{String, ToString};
use std::time::Instant;
use std::vec::Vec;

use mdns_sd::{IfKind, ServiceDaemon, ServiceEvent, ServiceInfo};

use crate::advertisement::{Advertisement, Identifier, Ignored};
use crate::message::{Features, Hello, HelloAccept, HelloReject, HelloReply, Message, Purpose};
use crate::node::MAX_FRAME;
use crate::node::appliance::PROTOCOL_VERSION;
use crate::node::reliable::{MAX_TRANSMISSIONS, RETRY_INITIAL, RETRY_MAX};
use crate::transport::Link;
use crate::transport::udp::UdpLink;
use crate::wire::{Flags, Header};

/// The DNS-SD service type of applink appliances.
pub const SERVICE_TYPE: &str = "_applink._udp.local.";
/// The standard mDNS port.
pub const MDNS_PORT: u16 = 5353;
/// How every instance name begins; 16 hex digits of the advertisement's
/// identifier follow.
pub const INSTANCE_PREFIX: &str = "applink-";
/// The mDNS IPv4 group.
const MDNS_GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);
/// `_applink._udp.local` as DNS labels: what our own query asks for.
const QNAME: &[u8] = b"\x08_applink\x04_udp\x05local\x00";
/// The longest single wait inside a loop.
const TICK: Duration = Duration::from_millis(20);
/// How long stopping the daemon may take.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(1);

/// Which network discovery may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// The loopback interface only (`127.0.0.1`; probes to `127.0.0.0/8`
    /// and `::1`). The default, and the only scope tests and the examples
    /// use unless told otherwise.
    #[default]
    Loopback,
    /// Every interface mdns-sd finds: the user's own network (an example's
    /// `--lan` flag).
    Lan,
}

/// Why discovery found nothing, or could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// The network carried our query, but no appliance answered within the
    /// timeout (or only with advertisements that were ignored).
    #[error("no appliance answered ({ignored} malformed answers ignored)")]
    NoAnswer {
        /// What arrived meanwhile and was ignored: malformed TXT records
        /// and payloads (browse), datagrams that were not the answer
        /// (probe).
        ignored: u32,
    },
    /// Our own mDNS query never came back on the interface: multicast is
    /// off on it (`ip link set lo multicast on`), filtered or not routed.
    /// A probe of a known address still works.
    #[error("multicast is not delivered on this interface: our own query never came back")]
    MulticastNotDelivered,
    /// Appliances are there, but at addresses outside the networks this
    /// phone may use in its scope (or the address to probe is).
    #[error("wrong network: the appliance is at {addresses:?}, outside this phone's networks")]
    WrongNetwork {
        /// The addresses seen or asked for.
        addresses: Vec<IpAddr>,
    },
    /// Loopback scope, but these interfaces are up too: mdns-sd would send
    /// an IGMP membership report on each of them before it can be limited to
    /// loopback. Run inside a namespace with only `lo`, probe a known
    /// address, or choose [`Scope::Lan`].
    #[error("mDNS refused in loopback scope: other interfaces are up ({interfaces:?})")]
    NotIsolated {
        /// The other interfaces.
        interfaces: Vec<String>,
    },
    /// The probed appliance refused the Hello.
    #[error("the appliance refused the hello: {0:?}")]
    Rejected(HelloReject),
    /// The mDNS daemon failed.
    #[error("mDNS: {0}")]
    Mdns(String),
    /// A socket failed.
    #[error("i/o: {0}")]
    Io(#[from] io::Error),
}

impl From<mdns_sd::Error> for DiscoveryError {
    fn from(e: mdns_sd::Error) -> Self {
        DiscoveryError::Mdns(e.to_string())
    }
}

/// An appliance a browse found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The DNS-SD instance name (`applink-<16 hex digits>._applink._udp.local.`).
    pub instance: String,
    /// Where its applink node listens (first in-scope address, and the
    /// SRV port).
    pub addr: SocketAddr,
    /// Its advertisement, from the TXT record.
    pub advertisement: Advertisement,
}

/// What a browse found: at least one appliance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Browsed {
    /// The appliances, in instance-name order.
    pub found: Vec<Found>,
    /// Malformed TXT records and payloads ignored.
    pub ignored: Ignored,
    /// Instances seen only at out-of-scope addresses (skipped).
    pub out_of_scope: u32,
}

/// What a probe learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probed {
    /// The address probed.
    pub addr: SocketAddr,
    /// The appliance's answer: version, limits, features, descriptor hash
    /// and device id.
    pub accept: HelloAccept,
    /// From the first transmission to the answer.
    pub round_trip: Duration,
    /// Hellos sent (1 unless some were lost).
    pub transmissions: u8,
    /// Datagrams received meanwhile that were not the answer.
    pub ignored: u32,
}

/// Discovery settings: the scope and the mDNS port.
///
/// ```
/// use applink::discovery::{Discovery, Scope};
///
/// let d = Discovery::default();
/// assert_eq!((d.scope, d.mdns_port), (Scope::Loopback, 5353));
/// assert!(d.in_scope("127.0.0.1".parse().unwrap()));
/// assert!(!d.in_scope("192.0.2.7".parse().unwrap()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Discovery {
    /// Which network to use.
    pub scope: Scope,
    /// The mDNS port (5353; another only between programs that agree).
    pub mdns_port: u16,
}

impl Default for Discovery {
    fn default() -> Self {
        Discovery::loopback()
    }
}

/// The advertisement's identifier as 16 lowercase hex digits.
fn id_hex(ad: &Advertisement) -> String {
    let id = match ad.id {
        Identifier::Device(d) => d,
        Identifier::Rotating { id, .. } => id,
    };
    id.iter().map(|b| std::format!("{b:02x}")).collect()
}

/// The instance name an advertisement is registered under.
pub fn instance_name(ad: &Advertisement) -> String {
    std::format!("{INSTANCE_PREFIX}{}", id_hex(ad))
}

/// Interfaces that are up and hold no loopback address, by name: the ones
/// mdns-sd would join the group on besides loopback. (An interface is
/// loopback when it holds a loopback address, whatever else it holds.)
fn other_interfaces() -> io::Result<Vec<String>> {
    let all = if_addrs::get_if_addrs()?;
    let loopback = |i: &if_addrs::Interface| {
        all.iter()
            .any(|j| j.is_loopback() && (j.name == i.name && j.index == i.index))
    };
    let mut names: Vec<String> = all
        .iter()
        .filter(|i| i.is_oper_up() && !loopback(i))
        .map(|i| i.name.clone())
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// Whether `ip` lies on one of this host's networks (an interface's
/// subnet), or is loopback.
fn on_local_network(ip: IpAddr) -> bool {
    if ip.is_loopback() {
        return true;
    }
    let Ok(interfaces) = if_addrs::get_if_addrs() else {
        return false;
    };
    interfaces.iter().any(|i| match (&i.addr, ip) {
        (if_addrs::IfAddr::V4(a), IpAddr::V4(ip)) => {
            let m = u32::from(a.netmask);
            u32::from(a.ip) & m == u32::from(ip) & m
        }
        (if_addrs::IfAddr::V6(a), IpAddr::V6(ip)) => {
            let m = u128::from(a.netmask);
            u128::from(a.ip) & m == u128::from(ip) & m
        }
        _ => false,
    })
}

impl Discovery {
    /// Loopback scope on the standard port.
    pub const fn loopback() -> Discovery {
        Discovery {
            scope: Scope::Loopback,
            mdns_port: MDNS_PORT,
        }
    }

    /// The user's network (opt-in) on the standard port.
    pub const fn lan() -> Discovery {
        Discovery {
            scope: Scope::Lan,
            mdns_port: MDNS_PORT,
        }
    }

    /// Whether this scope may reach `ip`: loopback addresses only in
    /// loopback scope; in LAN scope an address on one of this host's
    /// networks.
    pub fn in_scope(&self, ip: IpAddr) -> bool {
        match self.scope {
            Scope::Loopback => ip.is_loopback(),
            Scope::Lan => on_local_network(ip),
        }
    }

    /// Refuses loopback scope while another interface is up.
    fn check_isolated(&self) -> Result<(), DiscoveryError> {
        if self.scope == Scope::Loopback {
            let interfaces = other_interfaces()?;
            if !interfaces.is_empty() {
                return Err(DiscoveryError::NotIsolated { interfaces });
            }
        }
        Ok(())
    }

    /// A daemon limited to the scope's interfaces.
    fn daemon(&self) -> Result<ServiceDaemon, DiscoveryError> {
        self.check_isolated()?;
        let daemon = ServiceDaemon::new_with_port(self.mdns_port)?;
        if self.scope == Scope::Loopback {
            daemon.disable_interface(IfKind::All)?;
            daemon.enable_interface(IfKind::LoopbackV4)?;
        }
        Ok(daemon)
    }

    /// Advertises `advertisement` for the applink node at `addr` (which
    /// must be in scope; in LAN scope an unspecified address means every
    /// interface's).
    pub fn advertise(
        &self,
        addr: SocketAddr,
        advertisement: &Advertisement,
    ) -> Result<Advertiser, DiscoveryError> {
        let auto = self.scope == Scope::Lan && addr.ip().is_unspecified();
        if !auto && !self.in_scope(addr.ip()) {
            return Err(DiscoveryError::WrongNetwork {
                addresses: std::vec![addr.ip()],
            });
        }
        let daemon = self.daemon()?;
        let mut advertiser = Advertiser {
            daemon,
            addr,
            auto,
            fullname: String::new(),
        };
        advertiser.register(advertisement)?;
        Ok(advertiser)
    }

    /// Browses for `timeout` and returns every appliance found.
    pub fn browse(&self, timeout: Duration) -> Result<Browsed, DiscoveryError> {
        self.run_browse(timeout, |_| false)
    }

    /// Browses until an appliance `accept` takes is found (returned at
    /// once) or `timeout` passes. Appliances found but not accepted end in
    /// [`DiscoveryError::NoAnswer`]; finding none at all, in the reason
    /// [`Discovery::browse`] gives.
    ///
    /// ```
    /// use core::time::Duration;
    /// use applink::discovery::{Discovery, DiscoveryError};
    ///
    /// // Looks for a not-yet-paired appliance with an open pairing window.
    /// match Discovery::default().find(Duration::from_millis(300), |f| {
    ///     f.advertisement.pairing_window_open && !f.advertisement.is_paired()
    /// }) {
    ///     Ok(found) => println!("{} at {}", found.instance, found.addr),
    ///     // On a host with other interfaces up, loopback mDNS is refused
    ///     // before anything is sent: probe a known address instead.
    ///     Err(DiscoveryError::NotIsolated { interfaces }) => println!("not isolated: {interfaces:?}"),
    ///     Err(e) => println!("nothing found: {e}"),
    /// }
    /// ```
    pub fn find(
        &self,
        timeout: Duration,
        mut accept: impl FnMut(&Found) -> bool,
    ) -> Result<Found, DiscoveryError> {
        let mut browsed = self.run_browse(timeout, &mut accept)?;
        let k = browsed.found.iter().position(accept);
        match k {
            Some(k) => Ok(browsed.found.swap_remove(k)),
            None => Err(DiscoveryError::NoAnswer {
                ignored: browsed.ignored.total(),
            }),
        }
    }

    fn run_browse(
        &self,
        timeout: Duration,
        mut stop: impl FnMut(&Found) -> bool,
    ) -> Result<Browsed, DiscoveryError> {
        let deadline = Instant::now() + timeout;
        self.check_isolated()?;
        let mut watch = QueryWatch::open(self)?;
        let daemon = self.daemon()?;
        let events = daemon.browse(SERVICE_TYPE)?;
        let mut found: BTreeMap<String, Found> = BTreeMap::new();
        let mut wrong: Vec<IpAddr> = Vec::new();
        let mut ignored = Ignored::default();
        let mut done = false;
        while !done {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            watch.poll();
            match events.recv_timeout(left.min(TICK)) {
                Ok(ServiceEvent::ServiceResolved(service)) => {
                    match self.take(&service, &mut ignored, &mut wrong) {
                        Some(f) => {
                            done = stop(&f);
                            found.insert(f.instance.clone(), f);
                        }
                        None => {
                            found.remove(&service.fullname);
                        }
                    }
                }
                Ok(ServiceEvent::ServiceRemoved(_, name)) => {
                    found.remove(&name);
                }
                Ok(_) => {}
                Err(mdns_sd::RecvTimeoutError::Timeout) => {}
                Err(mdns_sd::RecvTimeoutError::Disconnected) => {
                    stop_daemon(&daemon);
                    return Err(DiscoveryError::Mdns("the browse ended".into()));
                }
            }
        }
        watch.poll();
        let _ = daemon.stop_browse(SERVICE_TYPE);
        stop_daemon(&daemon);
        let out_of_scope = u32::try_from(wrong.len()).unwrap_or(u32::MAX);
        if !found.is_empty() {
            return Ok(Browsed {
                found: found.into_values().collect(),
                ignored,
                out_of_scope,
            });
        }
        if !wrong.is_empty() {
            wrong.sort();
            wrong.dedup();
            return Err(DiscoveryError::WrongNetwork { addresses: wrong });
        }
        if !watch.seen {
            return Err(DiscoveryError::MulticastNotDelivered);
        }
        Err(DiscoveryError::NoAnswer {
            ignored: ignored.total(),
        })
    }

    /// The appliance a resolved service describes, if its TXT record
    /// parses and it has an address in scope.
    fn take(
        &self,
        service: &mdns_sd::ResolvedService,
        ignored: &mut Ignored,
        wrong: &mut Vec<IpAddr>,
    ) -> Option<Found> {
        let entries = service
            .get_properties()
            .iter()
            .map(|p| (p.key(), p.val_str()));
        let advertisement = match Advertisement::from_txt(entries) {
            Ok(a) => a,
            Err(e) => {
                ignored.count_txt(e);
                return None;
            }
        };
        let mut addresses: Vec<IpAddr> = service
            .get_addresses()
            .iter()
            .map(|a| a.to_ip_addr())
            .collect();
        addresses.sort();
        let Some(ip) = addresses.iter().copied().find(|ip| self.in_scope(*ip)) else {
            wrong.extend(addresses);
            return None;
        };
        Some(Found {
            instance: service.fullname.clone(),
            addr: SocketAddr::new(ip, service.port),
            advertisement,
        })
    }

    /// Sends a plaintext `Hello { purpose: Query }` to `addr` from a fresh
    /// socket and waits at most `timeout` for the `HelloAccept`.
    pub fn probe(&self, addr: SocketAddr, timeout: Duration) -> Result<Probed, DiscoveryError> {
        if !self.in_scope(addr.ip()) {
            return Err(DiscoveryError::WrongNetwork {
                addresses: std::vec![addr.ip()],
            });
        }
        let local: IpAddr = match (self.scope, addr) {
            (Scope::Loopback, SocketAddr::V4(_)) => Ipv4Addr::LOCALHOST.into(),
            (Scope::Loopback, SocketAddr::V6(_)) => Ipv6Addr::LOCALHOST.into(),
            (Scope::Lan, SocketAddr::V4(_)) => Ipv4Addr::UNSPECIFIED.into(),
            (Scope::Lan, SocketAddr::V6(_)) => Ipv6Addr::UNSPECIFIED.into(),
        };
        let mut link = UdpLink::bind(SocketAddr::new(local, 0))?;
        self.probe_with(&mut link, addr, timeout)
    }

    /// [`Discovery::probe`] over a link the caller owns (the phone's own
    /// socket, say). Frames from other addresses or exchanges are ignored
    /// and counted.
    pub fn probe_with(
        &self,
        link: &mut UdpLink,
        addr: SocketAddr,
        timeout: Duration,
    ) -> Result<Probed, DiscoveryError> {
        if !self.in_scope(addr.ip()) {
            return Err(DiscoveryError::WrongNetwork {
                addresses: std::vec![addr.ip()],
            });
        }
        let exchange = random_exchange();
        let hello = Message::Hello(Hello {
            min_version: PROTOCOL_VERSION,
            max_version: PROTOCOL_VERSION,
            max_frame: MAX_FRAME as u16,
            features: Features::RELIABLE
                | Features::SEGMENTATION
                | Features::SUBSCRIPTIONS
                | Features::EVENTS,
            purpose: Purpose::Query,
        });
        let header = Header::plaintext(exchange).with_flags(Flags::INITIATOR);
        let mut frame = [0u8; 64];
        let n = crate::to_slice(&header, &hello, &mut frame)
            .map_err(|e| io::Error::other(e.to_string()))?;
        let started = Instant::now();
        let deadline = started + timeout;
        let mut interval = to_std(RETRY_INITIAL);
        let mut next_send = started;
        let mut transmissions = 0u8;
        let mut ignored = 0u32;
        let mut buf = [0u8; MAX_FRAME];
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Err(DiscoveryError::NoAnswer { ignored });
            }
            if now >= next_send && transmissions < MAX_TRANSMISSIONS {
                link.send(addr, &frame[..n])?;
                transmissions += 1;
                next_send = now + interval;
                interval = (interval * 2).min(to_std(RETRY_MAX));
            }
            let wait = deadline
                .min(next_send.max(now + TICK))
                .saturating_duration_since(now);
            let Some((from, len)) = link.recv(&mut buf, wait.max(Duration::from_millis(1)))? else {
                continue;
            };
            let reply = buf.get(..len).and_then(|b| crate::from_bytes(b).ok());
            match reply {
                Some((h, Message::HelloReply(r))) if from == addr && h.exchange == exchange => {
                    return match r {
                        HelloReply::Accept(accept) => Ok(Probed {
                            addr,
                            accept,
                            round_trip: started.elapsed(),
                            transmissions,
                            ignored,
                        }),
                        HelloReply::Reject(reject) => Err(DiscoveryError::Rejected(reject)),
                    };
                }
                _ => ignored = ignored.saturating_add(1),
            }
        }
    }
}

fn to_std(d: crate::time::Duration) -> Duration {
    Duration::from_millis(d.millis())
}

/// An odd exchange id (the phone's half of the id space, like
/// `Phone`'s hellos), from the OS, or the clock if the OS has none.
fn random_exchange() -> u16 {
    let mut b = [0u8; 2];
    if getrandom::fill(&mut b).is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        b = [(t & 0xFF) as u8, ((t >> 8) & 0xFF) as u8];
    }
    u16::from_le_bytes(b) | 1
}

fn stop_daemon(daemon: &ServiceDaemon) {
    if let Ok(status) = daemon.shutdown() {
        let _ = status.recv_timeout(SHUTDOWN_WAIT);
    }
}

/// Browses for `timeout` in loopback scope: [`Discovery::browse`].
///
/// ```
/// use core::time::Duration;
/// use applink::discovery::{browse, DiscoveryError};
///
/// match browse(Duration::from_millis(300)) {
///     Ok(browsed) => {
///         for f in &browsed.found {
///             println!("{} at {}: {:?}", f.instance, f.addr, f.advertisement);
///         }
///     }
///     // Every way of finding nothing is named:
///     Err(DiscoveryError::NoAnswer { ignored }) => println!("nobody answered ({ignored} ignored)"),
///     Err(DiscoveryError::MulticastNotDelivered) => println!("multicast is off here"),
///     Err(DiscoveryError::WrongNetwork { addresses }) => println!("elsewhere: {addresses:?}"),
///     Err(DiscoveryError::NotIsolated { interfaces }) => println!("not isolated: {interfaces:?}"),
///     Err(e) => println!("discovery failed: {e}"),
/// }
/// ```
pub fn browse(timeout: Duration) -> Result<Browsed, DiscoveryError> {
    Discovery::default().browse(timeout)
}

/// Probes `addr` in loopback scope: [`Discovery::probe`].
///
/// ```
/// use core::time::Duration;
/// use applink::discovery::{probe, DiscoveryError};
///
/// // A loopback port where nothing listens: no answer, said so.
/// let silent = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let addr = silent.local_addr()?;
/// drop(silent);
/// assert!(matches!(
///     probe(addr, Duration::from_millis(300)),
///     Err(DiscoveryError::NoAnswer { .. })
/// ));
/// // An address outside loopback scope is refused with `WrongNetwork`
/// // before anything is sent (`tests/discovery.rs` shows it inside a
/// // private network namespace).
/// assert!(!applink::discovery::Discovery::loopback().in_scope("192.0.2.7".parse()?));
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
pub fn probe(addr: SocketAddr, timeout: Duration) -> Result<Probed, DiscoveryError> {
    Discovery::default().probe(addr, timeout)
}

/// An appliance's mDNS registration of `_applink._udp`, on one address.
///
/// Dropping it withdraws the service (goodbye packets) and stops the
/// daemon.
///
/// ```
/// use applink::advertisement::{Advertisement, Model};
/// use applink::discovery::{Advertiser, DiscoveryError};
/// use applink::message::{Fixed, VendorId};
///
/// let model = Model { vendor: VendorId(0xFFF1), product: 1, protocol_min: 1, protocol_max: 1 };
/// let ad = Advertisement::unpaired(model, *b"LAMP0001", 0x123, &Fixed([0; 16]), true);
/// match Advertiser::new("127.0.0.1:5540".parse().unwrap(), &ad) {
///     Ok(advertiser) => assert_eq!(advertiser.instance(), "applink-4c414d5030303031._applink._udp.local."),
///     // A host with other interfaces up: loopback mDNS is refused, nothing sent.
///     Err(DiscoveryError::NotIsolated { .. }) => {}
///     Err(e) => panic!("{e}"),
/// }
/// ```
pub struct Advertiser {
    daemon: ServiceDaemon,
    addr: SocketAddr,
    auto: bool,
    fullname: String,
}

impl core::fmt::Debug for Advertiser {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Advertiser")
            .field("addr", &self.addr)
            .field("instance", &self.fullname)
            .finish()
    }
}

impl Advertiser {
    /// Advertises in loopback scope: [`Discovery::advertise`].
    pub fn new(addr: SocketAddr, advertisement: &Advertisement) -> Result<Self, DiscoveryError> {
        Discovery::default().advertise(addr, advertisement)
    }

    /// The registered instance's full name.
    pub fn instance(&self) -> &str {
        &self.fullname
    }

    /// Announces a new advertisement (the window opened or closed, the
    /// appliance was paired, the epoch rotated). A new identifier means a
    /// new instance name: the old one is withdrawn first.
    pub fn update(&mut self, advertisement: &Advertisement) -> Result<(), DiscoveryError> {
        self.register(advertisement)
    }

    fn register(&mut self, advertisement: &Advertisement) -> Result<(), DiscoveryError> {
        let name = instance_name(advertisement);
        let txt = advertisement.to_txt();
        let entries = txt.entries();
        let host = std::format!("{name}.local.");
        let ip: &[IpAddr] = &[self.addr.ip()];
        let info = if self.auto {
            ServiceInfo::new(
                SERVICE_TYPE,
                &name,
                &host,
                (),
                self.addr.port(),
                &entries[..],
            )?
            .enable_addr_auto()
        } else {
            ServiceInfo::new(
                SERVICE_TYPE,
                &name,
                &host,
                ip,
                self.addr.port(),
                &entries[..],
            )?
        };
        if !self.fullname.is_empty()
            && !self.fullname.eq_ignore_ascii_case(info.get_fullname())
            && let Ok(status) = self.daemon.unregister(&self.fullname)
        {
            let _ = status.recv_timeout(SHUTDOWN_WAIT);
        }
        self.fullname = info.get_fullname().to_string();
        self.daemon.register(info)?;
        Ok(())
    }

    /// Withdraws the service and stops the daemon.
    pub fn stop(self) {
        drop(self)
    }
}

impl Drop for Advertiser {
    fn drop(&mut self) {
        if let Ok(status) = self.daemon.unregister(&self.fullname) {
            let _ = status.recv_timeout(SHUTDOWN_WAIT);
        }
        stop_daemon(&self.daemon);
    }
}

/// A passive listener on the mDNS group that tells whether our own query
/// for `_applink._udp` came back on the interface.
struct QueryWatch {
    socket: UdpSocket,
    locals: Vec<IpAddr>,
    seen: bool,
}

impl QueryWatch {
    fn open(d: &Discovery) -> Result<QueryWatch, DiscoveryError> {
        use socket2::{Domain, Protocol, Socket, Type};
        let (joins, locals): (Vec<Ipv4Addr>, Vec<IpAddr>) = match d.scope {
            Scope::Loopback => (std::vec![Ipv4Addr::LOCALHOST], Vec::new()),
            Scope::Lan => {
                let all = if_addrs::get_if_addrs()?;
                let v4 = all
                    .iter()
                    .filter(|i| i.is_oper_up())
                    .filter_map(|i| match i.ip() {
                        IpAddr::V4(a) => Some(a),
                        IpAddr::V6(_) => None,
                    })
                    .collect();
                (v4, all.iter().map(|i| i.ip()).collect())
            }
        };
        let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
        socket.set_reuse_address(true)?;
        #[cfg(unix)]
        socket.set_reuse_port(true)?;
        // Bound to the group itself (where the OS allows it), so no unicast
        // datagram meant for the daemon's port lands here.
        let bind = if cfg!(windows) {
            Ipv4Addr::UNSPECIFIED
        } else {
            MDNS_GROUP
        };
        socket.bind(&SocketAddrV4::new(bind, d.mdns_port).into())?;
        for interface in &joins {
            // An interface that cannot join simply never shows the query.
            let _ = socket.join_multicast_v4(&MDNS_GROUP, interface);
        }
        socket.set_nonblocking(true)?;
        Ok(QueryWatch {
            socket: socket.into(),
            locals,
            seen: false,
        })
    }

    /// Reads what is waiting (at most a bounded number of datagrams).
    fn poll(&mut self) {
        let mut buf = [0u8; 1500];
        for _ in 0..64 {
            let Ok((n, from)) = self.socket.recv_from(&mut buf) else {
                return;
            };
            let local = from.ip().is_loopback() || self.locals.contains(&from.ip());
            if local && buf.get(..n).is_some_and(is_our_query) {
                self.seen = true;
            }
        }
    }
}

/// Whether `packet` is a DNS query naming `_applink._udp.local`.
fn is_our_query(packet: &[u8]) -> bool {
    let is_query = packet.len() > 12 && packet[2] & 0x80 == 0;
    is_query
        && packet[12..]
            .windows(QNAME.len())
            .any(|w| w.eq_ignore_ascii_case(QNAME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_query_is_recognised() {
        let mut q = std::vec![0u8; 12];
        q[5] = 1;
        q.extend_from_slice(QNAME);
        q.extend_from_slice(&[0, 12, 0, 1]);
        assert!(is_our_query(&q));
        q[2] = 0x84;
        assert!(!is_our_query(&q), "a response is not a query");
        assert!(!is_our_query(&[0; 12]));
        assert!(!is_our_query(&[]));
    }

    #[test]
    fn scopes() {
        let lo = Discovery::loopback();
        assert!(lo.in_scope("127.0.0.9".parse().unwrap()));
        assert!(lo.in_scope("::1".parse().unwrap()));
        assert!(!lo.in_scope("198.51.100.1".parse().unwrap()));
        assert!(Discovery::lan().in_scope("127.0.0.1".parse().unwrap()));
    }
}
