//! A node on UDP: one frame per datagram.
//!
//! [`UdpLink`] wraps a `std::net::UdpSocket` as a [`Link`] addressed by
//! `SocketAddr`. A frame is a datagram's whole payload, so there is nothing
//! to deframe; the node checks each frame itself.
//!
//! # Contract
//!
//! A datagram longer than [`MAX_FRAME`] (or than the caller's buffer) is
//! dropped and counted in [`LinkStats::oversize`]; it is received into a
//! buffer one byte longer than `MAX_FRAME`, so truncation is always seen.
//! Sending a frame longer than `MAX_FRAME` is refused with
//! `ErrorKind::InvalidInput`. Transient socket errors (a timeout, an ICMP
//! "port unreachable" reported on the next receive) are "no frame"; any other
//! error is returned.

use core::net::SocketAddr;
use core::time::Duration;
use std::io;
use std::net::{ToSocketAddrs, UdpSocket};

use super::{Link, LinkStats, bump};
use crate::node::MAX_FRAME;

/// A UDP socket carrying one frame per datagram.
///
/// ```
/// use core::time::Duration;
/// use applink::transport::{Link, udp::UdpLink};
///
/// let mut a = UdpLink::bind("127.0.0.1:0")?;
/// let mut b = UdpLink::bind("127.0.0.1:0")?;
/// a.send(b.local_addr()?, &[1, 2, 3])?;
/// let mut buf = [0u8; 64];
/// let (from, n) = b.recv(&mut buf, Duration::from_secs(2))?.unwrap();
/// assert_eq!((from, &buf[..n]), (a.local_addr()?, &[1, 2, 3][..]));
/// assert_eq!(b.stats().received, 1);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct UdpLink {
    socket: UdpSocket,
    buf: [u8; MAX_FRAME + 1],
    stats: LinkStats,
}

impl UdpLink {
    /// Binds a socket to `addr` (port 0 picks a free port).
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpLink> {
        Ok(UdpLink::from_socket(UdpSocket::bind(addr)?))
    }

    /// Wraps a socket the caller has set up (multicast, broadcast, ...).
    pub fn from_socket(socket: UdpSocket) -> UdpLink {
        UdpLink {
            socket,
            buf: [0; MAX_FRAME + 1],
            stats: LinkStats::default(),
        }
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// The socket.
    pub fn socket(&self) -> &UdpSocket {
        &self.socket
    }
}

/// Whether a receive error only means that no frame came.
pub(crate) fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock
            | io::ErrorKind::TimedOut
            | io::ErrorKind::Interrupted
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
    )
}

impl Link for UdpLink {
    type Addr = SocketAddr;

    fn send(&mut self, to: SocketAddr, frame: &[u8]) -> io::Result<()> {
        if frame.len() > MAX_FRAME {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "frame longer than MAX_FRAME",
            ));
        }
        self.socket.send_to(frame, to)?;
        bump(&mut self.stats.sent);
        Ok(())
    }

    fn recv(
        &mut self,
        buf: &mut [u8],
        timeout: Duration,
    ) -> io::Result<Option<(SocketAddr, usize)>> {
        // A zero read timeout is an error for the socket: poll instead.
        if timeout.is_zero() {
            self.socket.set_nonblocking(true)?;
        } else {
            self.socket.set_nonblocking(false)?;
            self.socket.set_read_timeout(Some(timeout))?;
        }
        let (n, from) = match self.socket.recv_from(&mut self.buf) {
            Ok(got) => got,
            Err(e) if is_transient(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        let frame = self.buf.get(..n).filter(|_| n <= MAX_FRAME);
        match frame.and_then(|f| Some((buf.get_mut(..n)?, f))) {
            Some((out, frame)) => {
                out.copy_from_slice(frame);
                bump(&mut self.stats.received);
                Ok(Some((from, n)))
            }
            None => {
                bump(&mut self.stats.oversize);
                Ok(None)
            }
        }
    }

    fn stats(&self) -> LinkStats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversize_datagrams_are_counted_and_dropped() {
        let mut a = UdpLink::bind("127.0.0.1:0").unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = a.local_addr().unwrap();
        b.send_to(&[7; MAX_FRAME + 1], to).unwrap();
        b.send_to(&[8; 40], to).unwrap();
        b.send_to(&[9; MAX_FRAME], to).unwrap();
        let mut buf = [0u8; MAX_FRAME];
        let wait = Duration::from_secs(2);
        assert_eq!(a.recv(&mut buf, wait).unwrap(), None);
        let mut small = [0u8; 16];
        assert_eq!(a.recv(&mut small, wait).unwrap(), None);
        let got = a.recv(&mut buf, wait).unwrap();
        assert_eq!(got, Some((b.local_addr().unwrap(), MAX_FRAME)));
        assert_eq!(buf, [9; MAX_FRAME]);
        assert_eq!((a.stats().oversize, a.stats().received), (2, 1));
        assert_eq!(a.recv(&mut buf, Duration::ZERO).unwrap(), None);
        assert!(a.send(to, &[0; MAX_FRAME + 1]).is_err());
    }
}
