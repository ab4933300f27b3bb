//! A node on TCP: frames as `COBS(frame) 0x00` on a stream, see
//! [`wire::stream`](crate::wire::stream).
//!
//! [`TcpLink`] is a client's one connection; [`TcpServer`] accepts up to a
//! fixed number of connections and addresses each by its peer's
//! `SocketAddr`. Both are [`Link`]s, so [`step`](super::step) drives a node
//! over either.
//!
//! # Contract
//!
//! Each connection holds one bounded [`Deframer`] ([`STREAM_BUF`] encoded
//! bytes) and a 512-byte read buffer, nothing more. Garbage on a stream is
//! resynchronised at the next `0x00` and counted by reason in
//! [`LinkStats`]; a frame too long for the deframer or for the caller's
//! buffer is counted in `oversize`. The server refuses (and counts)
//! connections beyond its limit, drops connections the peer closed or broke,
//! and counts a frame it could not send (no connection to that peer, a
//! write that failed or took longer than [`WRITE_TIMEOUT`]) in `dropped`:
//! on this link a lost frame is recovered like a lost datagram. The server
//! polls its connections without blocking, sleeping [`POLL_INTERVAL`]
//! between rounds; every wait is bounded by the caller's timeout.

use core::net::SocketAddr;
use core::time::Duration;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::time::Instant;
use std::vec::Vec;

use super::stream::{STREAM_BUF, copy_frame};
use super::{Link, LinkStats, bump};
use crate::node::MAX_FRAME;
use crate::wire::stream::{Deframer, Feed, encode};

/// The longest a write may block before the frame counts as lost.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(1);

/// How long [`TcpServer`] sleeps between polling rounds.
pub const POLL_INTERVAL: Duration = Duration::from_millis(1);

/// Reads from one connection per receive call, at most.
const MAX_READS: usize = 64;

/// One connection: its stream, its deframer and the bytes read but not yet
/// deframed.
#[derive(Debug)]
struct Conn {
    stream: TcpStream,
    peer: SocketAddr,
    deframer: Deframer<STREAM_BUF>,
    pending: [u8; 512],
    start: usize,
    end: usize,
    closed: bool,
}

impl Conn {
    fn new(stream: TcpStream, peer: SocketAddr) -> Conn {
        // Best effort: frames are small and latency matters more.
        let _ = stream.set_nodelay(true);
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        Conn {
            stream,
            peer,
            deframer: Deframer::new(),
            pending: [0; 512],
            start: 0,
            end: 0,
            closed: false,
        }
    }

    /// The next good frame in the bytes already read, copied into `out`.
    fn next_frame(&mut self, out: &mut [u8], stats: &mut LinkStats) -> Option<usize> {
        while self.start < self.end {
            let input = &self.pending[self.start..self.end];
            let left = match self.deframer.feed(input) {
                Feed::Consumed => 0,
                Feed::Frame { frame, remaining } => {
                    let left = remaining.len();
                    if let Some(n) = copy_frame(&frame, out) {
                        self.start = self.end - left;
                        bump(&mut stats.received);
                        return Some(n);
                    }
                    bump(&mut stats.oversize);
                    left
                }
                Feed::Error { error, remaining } => {
                    stats.count(error);
                    remaining.len()
                }
            };
            self.start = self.end - left;
        }
        None
    }

    /// Reads more bytes once all read so far are deframed: `Ok(true)` if
    /// some came, `Ok(false)` if none were ready; end of stream is an error.
    fn fill(&mut self) -> io::Result<bool> {
        match self.stream.read(&mut self.pending) {
            Ok(0) => Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                (self.start, self.end) = (0, n.min(self.pending.len()));
                Ok(true)
            }
            Err(e) if is_quiet(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Writes one frame, blocking for at most [`WRITE_TIMEOUT`].
    fn write_frame(&mut self, frame: &[u8]) -> io::Result<()> {
        let mut wire = [0u8; STREAM_BUF];
        let n = encode(frame, &mut wire).map_err(|_| too_long())?;
        self.stream.set_nonblocking(false)?;
        self.stream.write_all(&wire[..n])
    }
}

/// Whether a read error only means that no byte is ready yet.
fn is_quiet(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

fn too_long() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "frame longer than MAX_FRAME")
}

/// A client's TCP connection to one peer.
///
/// ```
/// use core::time::Duration;
/// use applink::transport::{Link, tcp::{TcpLink, TcpServer}};
/// use applink::wire::{Header, encode_plain};
///
/// let mut server = TcpServer::bind("127.0.0.1:0", 4)?;
/// let mut client = TcpLink::connect(server.local_addr()?)?;
/// let mut frame = [0u8; 32];
/// let n = encode_plain(&Header::plaintext(1), &[0x14, 0x00], &mut frame).unwrap();
/// client.send(client.peer_addr(), &frame[..n])?;
///
/// let (mut buf, wait) = ([0u8; 64], Duration::from_secs(2));
/// let (peer, m) = server.recv(&mut buf, wait)?.unwrap();
/// assert_eq!((peer, &buf[..m]), (client.local_addr()?, &frame[..n]));
/// server.send(peer, &frame[..n])?;
/// assert_eq!(client.recv(&mut buf, wait)?, Some((client.peer_addr(), n)));
/// assert_eq!(server.connections(), 1);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct TcpLink {
    conn: Conn,
    stats: LinkStats,
}

impl TcpLink {
    /// Connects to `addr`.
    pub fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpLink> {
        TcpLink::from_stream(TcpStream::connect(addr)?)
    }

    /// Wraps a connected stream.
    pub fn from_stream(stream: TcpStream) -> io::Result<TcpLink> {
        let peer = stream.peer_addr()?;
        Ok(TcpLink {
            conn: Conn::new(stream, peer),
            stats: LinkStats::default(),
        })
    }

    /// The peer's address: the only one [`Link::send`] accepts.
    pub fn peer_addr(&self) -> SocketAddr {
        self.conn.peer
    }

    /// This end's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.conn.stream.local_addr()
    }
}

impl Link for TcpLink {
    type Addr = SocketAddr;

    /// Sends `frame`; `to` must be the peer. A closed or broken connection
    /// is an error.
    fn send(&mut self, to: SocketAddr, frame: &[u8]) -> io::Result<()> {
        if to != self.conn.peer {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not this connection's peer",
            ));
        }
        if frame.len() > MAX_FRAME {
            return Err(too_long());
        }
        self.conn.write_frame(frame)?;
        bump(&mut self.stats.sent);
        Ok(())
    }

    /// Waits at most `timeout` for one frame. A connection the peer closed
    /// is `ErrorKind::UnexpectedEof`.
    fn recv(
        &mut self,
        buf: &mut [u8],
        timeout: Duration,
    ) -> io::Result<Option<(SocketAddr, usize)>> {
        let deadline = Instant::now().checked_add(timeout);
        for _ in 0..MAX_READS {
            if let Some(n) = self.conn.next_frame(buf, &mut self.stats) {
                return Ok(Some((self.conn.peer, n)));
            }
            let left = deadline.map_or(timeout, |d| d.saturating_duration_since(Instant::now()));
            let stream = &self.conn.stream;
            stream.set_nonblocking(left.is_zero())?;
            if !left.is_zero() {
                stream.set_read_timeout(Some(left))?;
            }
            if !self.conn.fill()? {
                return Ok(None);
            }
        }
        Ok(None)
    }

    fn stats(&self) -> LinkStats {
        self.stats
    }
}

/// A TCP server: up to a fixed number of connections, each a peer.
///
/// See [`TcpLink`] for an example.
#[derive(Debug)]
pub struct TcpServer {
    listener: TcpListener,
    conns: Vec<Conn>,
    max_connections: usize,
    next: usize,
    stats: LinkStats,
}

impl TcpServer {
    /// Listens on `addr`, accepting at most `max_connections` connections
    /// at once.
    pub fn bind(addr: impl ToSocketAddrs, max_connections: usize) -> io::Result<TcpServer> {
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        Ok(TcpServer {
            listener,
            conns: Vec::with_capacity(max_connections.min(64)),
            max_connections,
            next: 0,
            stats: LinkStats::default(),
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Connections open now.
    pub fn connections(&self) -> usize {
        self.conns.iter().filter(|c| !c.closed).count()
    }

    /// Takes every connection waiting (a bounded number), refusing those
    /// beyond the limit.
    fn accept(&mut self) {
        for _ in 0..16 {
            let Ok((stream, peer)) = self.listener.accept() else {
                return;
            };
            if self.conns.len() >= self.max_connections {
                bump(&mut self.stats.refused);
            } else if stream.set_nonblocking(true).is_ok() {
                self.conns.push(Conn::new(stream, peer));
            }
        }
    }

    /// One round over every connection, starting after the last one that
    /// yielded a frame.
    fn poll_round(&mut self, buf: &mut [u8]) -> Option<(SocketAddr, usize)> {
        let count = self.conns.len();
        for k in 0..count {
            let i = (self.next + k) % count;
            let conn = &mut self.conns[i];
            for _ in 0..MAX_READS {
                if let Some(n) = conn.next_frame(buf, &mut self.stats) {
                    self.next = i + 1;
                    return Some((conn.peer, n));
                }
                match conn.fill() {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(_) => {
                        conn.closed = true;
                        break;
                    }
                }
            }
        }
        None
    }
}

impl Link for TcpServer {
    type Addr = SocketAddr;

    /// Sends `frame` to the connection from `to`; with none, or when the
    /// write fails, the frame is counted in `dropped` (and a failed
    /// connection closed).
    fn send(&mut self, to: SocketAddr, frame: &[u8]) -> io::Result<()> {
        if frame.len() > MAX_FRAME {
            return Err(too_long());
        }
        let Some(conn) = self.conns.iter_mut().find(|c| c.peer == to && !c.closed) else {
            bump(&mut self.stats.dropped);
            return Ok(());
        };
        let written = conn.write_frame(frame);
        if written.is_ok() && conn.stream.set_nonblocking(true).is_ok() {
            bump(&mut self.stats.sent);
        } else {
            conn.closed = true;
            bump(&mut self.stats.dropped);
        }
        Ok(())
    }

    /// Accepts waiting connections and waits at most `timeout` for one
    /// frame from any of them.
    fn recv(
        &mut self,
        buf: &mut [u8],
        timeout: Duration,
    ) -> io::Result<Option<(SocketAddr, usize)>> {
        let deadline = Instant::now().checked_add(timeout);
        loop {
            self.conns.retain(|c| !c.closed);
            self.accept();
            if let Some(got) = self.poll_round(buf) {
                return Ok(Some(got));
            }
            let left = deadline.map_or(timeout, |d| d.saturating_duration_since(Instant::now()));
            if left.is_zero() {
                return Ok(None);
            }
            std::thread::sleep(left.min(POLL_INTERVAL));
        }
    }

    fn stats(&self) -> LinkStats {
        self.stats
    }
}
