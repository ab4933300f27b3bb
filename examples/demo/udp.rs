//! Real UDP sockets on 127.0.0.1, in one process and one thread: the
//! medium of parts 2 and 3.
//!
//! Every node (the appliance, each phone, the eavesdropper) has its own
//! [`UdpLink`] bound to `127.0.0.1:0`. The driver sends through the
//! sender's socket and polls every socket for what arrived; with nothing
//! waiting it blocks on the appliance's socket in short slices (another
//! thread may be probing it), so no frame waits more than a slice.
//! Nothing is sent anywhere but 127.0.0.1.

use core::net::SocketAddr;
use core::time::Duration as StdDuration;

use applink::node::MAX_FRAME;
use applink::time::Instant;
use applink::transport::memory::Delivery;
use applink::transport::udp::UdpLink;
use applink::transport::{Clock, Link as _};

use crate::link::Medium;

/// The longest a receive blocks before every socket is polled again.
const SLICE: StdDuration = StdDuration::from_millis(1);

/// The sockets of the demo's nodes; the first is the appliance's.
pub struct Udp {
    clock: Clock,
    started: std::time::Instant,
    sockets: Vec<(SocketAddr, UdpLink)>,
}

impl Udp {
    /// No socket yet; the clock starts now.
    pub fn new() -> Self {
        Udp {
            clock: Clock::new(),
            started: std::time::Instant::now(),
            sockets: Vec::new(),
        }
    }
}

impl Medium for Udp {
    type Addr = SocketAddr;

    fn attach(&mut self) -> SocketAddr {
        let link = UdpLink::bind("127.0.0.1:0").expect("a socket on 127.0.0.1");
        let addr = link.local_addr().expect("a bound socket");
        self.sockets.push((addr, link));
        addr
    }

    fn now(&self) -> Instant {
        self.clock.now()
    }

    fn elapsed(&self) -> StdDuration {
        self.started.elapsed()
    }

    fn send(&mut self, from: SocketAddr, to: SocketAddr, frame: &[u8]) {
        assert!(to.ip().is_loopback(), "the demo sends to 127.0.0.1 only");
        let Some((_, link)) = self.sockets.iter_mut().find(|(a, _)| *a == from) else {
            return;
        };
        if let Err(e) = link.send(to, frame) {
            println!("             (the socket refused to send to {to}: {e})");
        }
    }

    fn recv(&mut self, until: Instant) -> Option<Delivery<SocketAddr>> {
        let mut buf = [0u8; MAX_FRAME];
        loop {
            for (to, link) in &mut self.sockets {
                if let Ok(Some((from, n))) = link.recv(&mut buf, StdDuration::ZERO) {
                    let bytes = buf[..n].to_vec();
                    return Some(Delivery {
                        from,
                        to: *to,
                        bytes,
                    });
                }
            }
            let left = until.saturating_since(self.clock.now());
            if left.millis() == 0 {
                return None;
            }
            let wait = StdDuration::from_millis(left.millis()).min(SLICE);
            let (to, link) = self.sockets.first_mut()?;
            if let Ok(Some((from, n))) = link.recv(&mut buf, wait) {
                let bytes = buf[..n].to_vec();
                return Some(Delivery {
                    from,
                    to: *to,
                    bytes,
                });
            }
        }
    }
}
