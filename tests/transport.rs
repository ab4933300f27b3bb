//! The transport adapters end to end: UDP and TCP on 127.0.0.1, a byte
//! pipe, a BLE-sized packet link and the simulated network.

use core::net::SocketAddr;
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant as StdInstant;

use applink::node::{Address, Node};
use applink::time::{Duration, Instant};
use applink::transport::ble::SegmentedLink;
use applink::transport::memory::{self, Faults, MemoryNet, NetStats};
use applink::transport::stream::{STREAM_BUF, StreamLink};
use applink::transport::tcp::{TcpLink, TcpServer};
use applink::transport::udp::UdpLink;
use applink::transport::{Clock, Link, LinkStats, run_until, step};
use applink::wire::stream::{Deframer, Feed, encode};
use applink::wire::{Frame, Header, encode_plain};

/// Sends its frames to `peer` one per `interval`, on its timer, and records
/// what comes back and when.
struct Client<A> {
    peer: A,
    to_send: VecDeque<Vec<u8>>,
    ready: Option<Vec<u8>>,
    next: Option<Instant>,
    interval: Duration,
    got: Vec<Vec<u8>>,
    times: Vec<Instant>,
}

impl<A: Address> Client<A> {
    fn new(peer: A, frames: &[Vec<u8>], interval: Duration) -> Self {
        Client {
            peer,
            to_send: frames.iter().cloned().collect(),
            ready: None,
            next: Some(Instant::ZERO),
            interval,
            got: Vec::new(),
            times: Vec::new(),
        }
    }
}

impl<A: Address> Node for Client<A> {
    type Addr = A;
    fn handle_datagram(&mut self, _: A, frame: &mut [u8], now: Instant) {
        self.got.push(frame.to_vec());
        self.times.push(now);
    }
    fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<(A, usize)> {
        let frame = self.ready.take()?;
        buf.get_mut(..frame.len())?.copy_from_slice(&frame);
        Some((self.peer, frame.len()))
    }
    fn poll_timeout(&self) -> Option<Instant> {
        self.next
    }
    fn handle_timeout(&mut self, now: Instant) {
        if self.next.is_some_and(|t| t <= now) && self.ready.is_none() {
            self.ready = self.to_send.pop_front();
            self.next = (!self.to_send.is_empty()).then(|| now + self.interval);
        }
    }
}

/// Echoes every frame to its sender and records it.
struct Echo<A> {
    got: Vec<Vec<u8>>,
    replies: VecDeque<(A, Vec<u8>)>,
}

impl<A> Echo<A> {
    fn new() -> Self {
        Echo {
            got: Vec::new(),
            replies: VecDeque::new(),
        }
    }
}

impl<A: Address> Node for Echo<A> {
    type Addr = A;
    fn handle_datagram(&mut self, from: A, frame: &mut [u8], _: Instant) {
        self.got.push(frame.to_vec());
        self.replies.push_back((from, frame.to_vec()));
    }
    fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<(A, usize)> {
        let (to, frame) = self.replies.pop_front()?;
        buf.get_mut(..frame.len())?.copy_from_slice(&frame);
        Some((to, frame.len()))
    }
    fn poll_timeout(&self) -> Option<Instant> {
        None
    }
    fn handle_timeout(&mut self, _: Instant) {}
}

/// `count` plaintext frames of different lengths, some with zero bytes.
fn frames(count: u32) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| {
            // 6 bytes more than the payload rule gives, so frames are 14 + i * 37 % 300 bytes.
            let payload: Vec<u8> = (0..i * 37 % 300 + 6).map(|j| (j * i) as u8).collect();
            let mut buf = vec![0u8; payload.len() + 32];
            let n = encode_plain(&Header::plaintext(i as u16 + 1), &payload, &mut buf).unwrap();
            buf.truncate(n);
            buf
        })
        .collect()
}

fn wall_deadline() -> StdInstant {
    StdInstant::now() + core::time::Duration::from_secs(10)
}

const WAIT: core::time::Duration = core::time::Duration::from_millis(5);

#[test]
fn udp_echo_through_run_until() {
    let sent = frames(20);
    let mut a = UdpLink::bind("127.0.0.1:0").unwrap();
    let mut b = UdpLink::bind("127.0.0.1:0").unwrap();
    let mut client = Client::new(b.local_addr().unwrap(), &sent, Duration::from_millis(1));
    let mut echo = Echo::<SocketAddr>::new();
    let clock = Clock::new();
    let deadline = wall_deadline();
    let (client_done, echo_done) = std::thread::scope(|s| {
        let echo_side =
            s.spawn(|| run_until(&mut echo, &mut b, &clock, deadline, |e| e.got.len() == 20));
        let client_done = run_until(&mut client, &mut a, &clock, deadline, |c| c.got.len() == 20);
        (client_done.unwrap(), echo_side.join().unwrap().unwrap())
    });
    assert!(client_done && echo_done);
    assert_eq!(echo.got, sent);
    assert_eq!(client.got, sent);
    let want = LinkStats {
        sent: 20,
        received: 20,
        ..LinkStats::default()
    };
    assert_eq!((a.stats(), b.stats()), (want, want));
}

/// Deframes whatever `raw` sends back until `count` frames came.
fn read_frames(raw: &mut TcpStream, count: usize) -> Vec<Vec<u8>> {
    raw.set_read_timeout(Some(WAIT)).unwrap();
    let mut deframer = Deframer::<STREAM_BUF>::new();
    let (mut got, deadline) = (Vec::new(), wall_deadline());
    let mut chunk = [0u8; 256];
    while got.len() < count && StdInstant::now() < deadline {
        let Ok(n) = raw.read(&mut chunk) else {
            continue;
        };
        let mut input = &chunk[..n];
        while !input.is_empty() {
            match deframer.feed(input) {
                Feed::Consumed => break,
                Feed::Frame { frame, remaining } => {
                    let mut bytes = vec![0u8; frame.buffer_len()];
                    frame.emit(&mut bytes).unwrap();
                    got.push(bytes);
                    input = remaining;
                }
                Feed::Error { error, .. } => panic!("echo stream carried {error:?}"),
            }
        }
    }
    got
}

#[test]
fn tcp_resynchronises_after_garbage_and_bounds_connections() {
    let sent = frames(3);
    let mut server = TcpServer::bind("127.0.0.1:0", 2).unwrap();
    let mut raw = TcpStream::connect(server.local_addr().unwrap()).unwrap();
    let mut wire = Vec::new();
    let push = |wire: &mut Vec<u8>, f: &[u8]| {
        let mut out = [0u8; STREAM_BUF];
        let n = encode(f, &mut out).unwrap();
        wire.extend_from_slice(&out[..n]);
    };
    push(&mut wire, &sent[0]);
    wire.extend_from_slice(&[0x05, 0x01, 0x00]); // not COBS
    push(&mut wire, &sent[1]);
    wire.extend_from_slice(&[0x01, 0x01, 0x00]); // COBS for one zero byte: no frame
    wire.extend_from_slice(&[0x07; 1500]); // longer than any frame
    wire.push(0x00);
    push(&mut wire, &sent[2]);
    raw.write_all(&wire).unwrap();

    let (clock, deadline) = (Clock::new(), wall_deadline());
    let mut echo = Echo::<SocketAddr>::new();
    while echo.got.len() < 3 && StdInstant::now() < deadline {
        step(&mut echo, &mut server, &clock, WAIT).unwrap();
    }
    step(&mut echo, &mut server, &clock, core::time::Duration::ZERO).unwrap();
    assert_eq!(echo.got, sent);
    assert_eq!(read_frames(&mut raw, 3), sent);
    let want = LinkStats {
        sent: 3,
        received: 3,
        oversize: 1,
        bad_cobs: 1,
        bad_frame: 1,
        ..LinkStats::default()
    };
    assert_eq!(server.stats(), want);

    // A second connection fits, a third is refused; a closed one goes.
    let second = TcpStream::connect(server.local_addr().unwrap()).unwrap();
    let _third = TcpStream::connect(server.local_addr().unwrap()).unwrap();
    while server.stats().refused == 0 && StdInstant::now() < deadline {
        step(&mut echo, &mut server, &clock, WAIT).unwrap();
    }
    assert_eq!((server.connections(), server.stats().refused), (2, 1));
    drop(second);
    while server.connections() > 1 && StdInstant::now() < deadline {
        step(&mut echo, &mut server, &clock, WAIT).unwrap();
    }
    assert_eq!(server.connections(), 1);
}

#[test]
fn tcp_client_and_server_through_step() {
    let sent = frames(12);
    let mut server = TcpServer::bind("127.0.0.1:0", 4).unwrap();
    let mut link = TcpLink::connect(server.local_addr().unwrap()).unwrap();
    let mut client = Client::new(link.peer_addr(), &sent, Duration::from_millis(1));
    let mut echo = Echo::<SocketAddr>::new();
    let (clock, deadline) = (Clock::new(), wall_deadline());
    while client.got.len() < sent.len() && StdInstant::now() < deadline {
        step(&mut client, &mut link, &clock, WAIT).unwrap();
        step(&mut echo, &mut server, &clock, WAIT).unwrap();
    }
    assert_eq!(echo.got, sent);
    assert_eq!(client.got, sent);
    assert_eq!((link.stats().sent, link.stats().received), (12, 12));
    assert_eq!((server.stats().sent, server.stats().received), (12, 12));
    assert_eq!(link.stats().rejected() + server.stats().rejected(), 0);
    // A frame for a peer the server has no connection to is dropped, counted.
    server
        .send("127.0.0.1:9".parse().unwrap(), &sent[0])
        .unwrap();
    assert_eq!(server.stats().dropped, 1);
}

#[test]
fn stream_link_over_a_byte_pipe() {
    let sent = frames(10);
    let (mut a, mut b) = (
        StreamLink::<STREAM_BUF>::new(),
        StreamLink::<STREAM_BUF>::new(),
    );
    let mut client = Client::new((), &sent, Duration::from_millis(3));
    let mut echo = Echo::<()>::new();
    let (mut a_to_b, mut b_to_a) = (VecDeque::<u8>::new(), VecDeque::<u8>::new());
    a_to_b.extend([0x13, 0x37, 0x00]); // line noise as the port opens
    let mut out = vec![0u8; STREAM_BUF];
    for ms in 0..1000 {
        let now = Instant::from_millis(ms);
        if client.poll_timeout().is_some_and(|t| t <= now) {
            client.handle_timeout(now);
        }
        while let Some(n) = a.poll_write(&mut client, &mut out) {
            a_to_b.extend(&out[..n]);
        }
        while let Some(n) = b.poll_write(&mut echo, &mut out) {
            b_to_a.extend(&out[..n]);
        }
        // Seven bytes a millisecond each way: frames arrive in pieces.
        let piece: Vec<u8> = a_to_b.drain(..a_to_b.len().min(7)).collect();
        b.feed(&mut echo, (), &piece, now);
        let piece: Vec<u8> = b_to_a.drain(..b_to_a.len().min(7)).collect();
        a.feed(&mut client, (), &piece, now);
    }
    assert_eq!(echo.got, sent);
    assert_eq!(client.got, sent);
    assert_eq!(
        (a.stats().sent, b.stats().received, b.stats().rejected()),
        (10, 10, 1)
    );
}

#[test]
fn ble_link_at_mtu_20_counts_and_expires_a_lost_packet() {
    let sent = frames(3); // 14, 51 and 88 bytes: 1, 4 and 6 packets
    let timeout = Duration::from_millis(300);
    let mut a = SegmentedLink::<2, 1024>::new(20, timeout).unwrap();
    let mut b = SegmentedLink::<2, 1024>::new(20, timeout).unwrap();
    let mut client = Client::new((), &sent, Duration::from_millis(100));
    let mut echo = Echo::<()>::new();
    let mut packet = [0u8; 20];
    let mut packets = 0;
    for ms in (0..1000).step_by(10) {
        let now = Instant::from_millis(ms);
        if client.poll_timeout().is_some_and(|t| t <= now) {
            client.handle_timeout(now);
        }
        if b.poll_timeout().is_some_and(|t| t <= now) {
            b.handle_timeout(now);
        }
        while let Some(n) = a.poll_write(&mut client, &mut packet) {
            packets += 1;
            if packets != 3 {
                // The second packet of the second frame is lost.
                b.feed(&mut echo, (), &packet[..n], now);
            }
        }
        while let Some(n) = b.poll_write(&mut echo, &mut packet) {
            a.feed(&mut client, (), &packet[..n], now);
        }
    }
    assert_eq!(packets, 11);
    assert_eq!(echo.got, [sent[0].clone(), sent[2].clone()]);
    assert_eq!(client.got, echo.got);
    let want = LinkStats {
        received: 2,
        sent: 2,
        bad_segment: 2, // the two packets after the gap
        expired: 1,
        ..LinkStats::default()
    };
    assert_eq!(b.stats(), want);
    assert_eq!(a.stats().sent, 3);
}

/// A lossy, duplicating, reordering, corrupting network run from `seed`.
fn simulate(seed: u64) -> (Vec<Vec<u8>>, Vec<Instant>, NetStats, Instant) {
    let faults = Faults {
        loss: 100,
        duplicate: 100,
        reorder: 150,
        corrupt: 100,
        delay_ms: (1, 20),
    };
    let mut net = MemoryNet::new(seed, faults, 16);
    let mut client = Client::new(2u8, &frames(60), Duration::from_millis(4));
    let mut echo = Echo::<u8>::new();
    let until = Instant::from_secs(5);
    let end = memory::run(&mut client, 1, &mut echo, 2, &mut net, Instant::ZERO, until);
    assert_eq!(net.in_flight(), 0);
    (client.got, client.times, net.stats(), end)
}

#[test]
fn memory_net_faults_are_reproducible_from_the_seed() {
    let first = simulate(7);
    assert_eq!(first, simulate(7));
    let other = simulate(8);
    assert_ne!(first.0, other.0);
    let sent = frames(60);
    for (got, _, s, end) in [first, other] {
        assert_eq!(end, Instant::from_secs(5));
        assert!(s.lost > 0 && s.duplicated > 0 && s.reordered > 0 && s.corrupted > 0);
        assert_eq!(s.delivered, s.sent - s.lost + s.duplicated - s.overflow);
        // Every frame back is one sent, or fails its CRC.
        let bad = got.iter().filter(|f| Frame::parse(f).is_err()).count();
        assert!(bad > 0);
        assert!(
            got.iter()
                .all(|f| Frame::parse(f).is_err() || sent.contains(f))
        );
    }
}

#[test]
fn memory_net_without_faults_is_exact_in_time() {
    let sent = frames(8);
    let faults = Faults {
        delay_ms: (5, 5),
        ..Faults::NONE
    };
    let mut net = MemoryNet::new(1, faults, 4);
    let mut client = Client::new(2u8, &sent, Duration::from_millis(10));
    let mut echo = Echo::<u8>::new();
    let end = memory::run(
        &mut client,
        1,
        &mut echo,
        2,
        &mut net,
        Instant::ZERO,
        Instant::from_secs(1),
    );
    assert_eq!(end, Instant::from_secs(1));
    assert_eq!(client.got, sent);
    let want: Vec<Instant> = (0..8).map(|k| Instant::from_millis(10 + 10 * k)).collect();
    assert_eq!(client.times, want);
    let s = net.stats();
    assert_eq!(
        (s.sent, s.delivered, s.lost + s.overflow + s.unroutable),
        (16, 16, 0)
    );
}
