//! A node on a byte stream (a UART, a USB CDC port, a TCP stream): frames
//! as `COBS(frame) 0x00`, see [`wire::stream`](crate::wire::stream).
//!
//! [`StreamLink`] sits between the stream's bytes and a [`Node`]:
//! [`feed`](StreamLink::feed) deframes whatever bytes arrived and hands each
//! good frame to the node; [`poll_write`](StreamLink::poll_write) encodes
//! the node's next frame for the wire. With feature `embedded-io` it also
//! reads and writes `embedded_io` and `embedded_io_async` streams itself.
//!
//! # Contract
//!
//! No allocation and no panic on any input. The link holds `N` encoded bytes
//! of a partial frame and one `N`-byte frame buffer, never more; garbage
//! resynchronises at the next `0x00` and every rejected chunk is counted in
//! [`LinkStats`] by reason. A stream has one peer, so the address handed to
//! the node is the one the caller gives, and the node's destination
//! addresses are ignored.

use super::{LinkStats, MAX_BURST, bump};
use crate::node::{MAX_FRAME, Node};
use crate::time::Instant;
use crate::wire::frame::CRC_LEN;
use crate::wire::stream::{Deframer, Feed, encode, encoded_max_len};
use crate::wire::{Frame, crc32c};

/// The buffer a stream needs for the largest frame: [`MAX_FRAME`] bytes,
/// COBS-encoded.
pub const STREAM_BUF: usize = encoded_max_len(MAX_FRAME);

/// Bytes read from a stream per call of the `embedded-io` helpers.
#[cfg(feature = "embedded-io")]
pub const READ_CHUNK: usize = 64;

/// Copies a checked frame back into contiguous bytes, exactly as received.
pub(crate) fn copy_frame(frame: &Frame<'_>, out: &mut [u8]) -> Option<usize> {
    // Both views borrow one buffer, so these sums cannot overflow.
    let (h, covered) = (
        frame.header_bytes.len(),
        frame.header_bytes.len() + frame.body.len(),
    );
    let len = covered + frame.tag.map_or(CRC_LEN, |tag| tag.len());
    let out = out.get_mut(..len)?;
    out[..h].copy_from_slice(frame.header_bytes);
    out[h..covered].copy_from_slice(frame.body);
    match frame.tag {
        Some(tag) => out[covered..].copy_from_slice(tag),
        None => {
            let crc = crc32c(&out[..covered]).to_le_bytes();
            out[covered..].copy_from_slice(&crc);
        }
    }
    Some(len)
}

/// Joins a byte stream to a [`Node`], with an `N`-byte receive buffer
/// (counted in encoded bytes; [`STREAM_BUF`] holds any frame).
///
/// ```
/// use applink::transport::stream::StreamLink;
/// # use applink::{node::Node, time::Instant};
/// # /// Echoes every frame back.
/// # struct Echo(Option<heapless::Vec<u8, 64>>);
/// # impl Node for Echo {
/// #     type Addr = ();
/// #     fn handle_datagram(&mut self, _: (), f: &mut [u8], _: Instant) {
/// #         self.0 = heapless::Vec::from_slice(f).ok();
/// #     }
/// #     fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<((), usize)> {
/// #         let f = self.0.take()?;
/// #         buf[..f.len()].copy_from_slice(&f);
/// #         Some(((), f.len()))
/// #     }
/// #     fn poll_timeout(&self) -> Option<Instant> { None }
/// #     fn handle_timeout(&mut self, _: Instant) {}
/// # }
/// use applink::wire::{Header, encode_plain, stream};
///
/// let mut frame = [0u8; 32];
/// let n = encode_plain(&Header::plaintext(1), &[0x14, 0x00], &mut frame).unwrap();
/// let mut line = [0u8; 40];
/// let m = stream::encode(&frame[..n], &mut line).unwrap();
///
/// let mut link = StreamLink::<64>::new();
/// let mut node = Echo(None);
/// // Garbage, then the frame split across two reads.
/// link.feed(&mut node, (), &[0x05, 0x01, 0x00], Instant::ZERO);
/// link.feed(&mut node, (), &line[..3], Instant::ZERO);
/// link.feed(&mut node, (), &line[3..m], Instant::ZERO);
///
/// let mut out = [0u8; 64];
/// let k = link.poll_write(&mut node, &mut out).unwrap();
/// assert_eq!(&out[..k], &line[..m]);
/// assert_eq!((link.stats().received, link.stats().bad_cobs), (1, 1));
/// ```
#[derive(Debug, Clone)]
pub struct StreamLink<const N: usize = STREAM_BUF> {
    deframer: Deframer<N>,
    frame: [u8; N],
    stats: LinkStats,
}

impl<const N: usize> Default for StreamLink<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> StreamLink<N> {
    /// A link holding no partial frame.
    pub const fn new() -> Self {
        StreamLink {
            deframer: Deframer::new(),
            frame: [0; N],
            stats: LinkStats::new(),
        }
    }

    /// What the link has counted so far.
    pub const fn stats(&self) -> LinkStats {
        self.stats
    }

    /// Forgets any partial frame, as after reopening the port.
    pub fn reset(&mut self) {
        self.deframer.reset();
    }

    /// Consumes `input` up to the end of the next good frame and returns it
    /// (borrowing the link), or consumes all of it and returns `None`.
    /// Rejected chunks on the way are counted.
    pub fn next_frame(&mut self, input: &mut &[u8]) -> Option<&mut [u8]> {
        // Every turn consumes at least one byte, so this ends.
        while !input.is_empty() {
            match self.deframer.feed(input) {
                Feed::Consumed => *input = &[],
                Feed::Frame { frame, remaining } => {
                    *input = remaining;
                    if let Some(n) = copy_frame(&frame, &mut self.frame) {
                        bump(&mut self.stats.received);
                        return self.frame.get_mut(..n);
                    }
                    bump(&mut self.stats.oversize);
                }
                Feed::Error { error, remaining } => {
                    *input = remaining;
                    self.stats.count(error);
                }
            }
        }
        None
    }

    /// Deframes `bytes`, received from `from` at `now`, and hands each good
    /// frame to `node`.
    pub fn feed<Nd: Node>(&mut self, node: &mut Nd, from: Nd::Addr, bytes: &[u8], now: Instant) {
        let mut input = bytes;
        while let Some(frame) = self.next_frame(&mut input) {
            node.handle_datagram(from, frame, now);
        }
    }

    /// Writes the node's next frame into `out` as `COBS(frame) 0x00` and
    /// returns its length, or `None` when the node has nothing to send.
    ///
    /// `out` should hold `encoded_max_len(N.min(MAX_FRAME))` bytes; a frame
    /// whose encoding does not fit is dropped, counted in
    /// [`LinkStats::dropped`], and the next one is tried.
    pub fn poll_write<Nd: Node>(&mut self, node: &mut Nd, out: &mut [u8]) -> Option<usize> {
        let cap = N.min(MAX_FRAME);
        for _ in 0..MAX_BURST {
            let (_, n) = node.poll_transmit(&mut self.frame[..cap])?;
            match self.frame[..cap].get(..n).map(|frame| encode(frame, out)) {
                Some(Ok(m)) => {
                    bump(&mut self.stats.sent);
                    return Some(m);
                }
                _ => bump(&mut self.stats.dropped),
            }
        }
        None
    }
}

#[cfg(feature = "embedded-io")]
impl<const N: usize> StreamLink<N> {
    /// Reads once from `reader` (blocking until it has at least one byte)
    /// and feeds what came. Returns the number of bytes read; 0 means the
    /// stream has ended.
    pub fn read_from<Nd: Node, R: embedded_io::Read>(
        &mut self,
        node: &mut Nd,
        from: Nd::Addr,
        reader: &mut R,
        now: Instant,
    ) -> Result<usize, R::Error> {
        let mut chunk = [0u8; READ_CHUNK];
        let n = reader.read(&mut chunk)?.min(READ_CHUNK);
        self.feed(node, from, &chunk[..n], now);
        Ok(n)
    }

    /// Like [`read_from`](Self::read_from), but returns `Ok(0)` at once,
    /// without reading, when `reader` has no byte ready.
    pub fn read_ready<Nd: Node, R: embedded_io::Read + embedded_io::ReadReady>(
        &mut self,
        node: &mut Nd,
        from: Nd::Addr,
        reader: &mut R,
        now: Instant,
    ) -> Result<usize, R::Error> {
        if !reader.read_ready()? {
            return Ok(0);
        }
        self.read_from(node, from, reader, now)
    }

    /// Writes every frame the node has queued (at most [`MAX_BURST`]) to
    /// `writer`, flushes it, and returns the number of frames written.
    /// Encodes in an `N`-byte stack buffer (with [`STREAM_BUF`], any frame).
    pub fn write_to<Nd: Node, W: embedded_io::Write>(
        &mut self,
        node: &mut Nd,
        writer: &mut W,
    ) -> Result<usize, W::Error> {
        let mut out = [0u8; N];
        let mut frames = 0;
        while frames < MAX_BURST {
            let Some(m) = self.poll_write(node, &mut out) else {
                break;
            };
            writer.write_all(&out[..m])?;
            frames += 1;
        }
        if frames > 0 {
            writer.flush()?;
        }
        Ok(frames)
    }

    /// [`read_from`](Self::read_from) over an `embedded_io_async` stream.
    pub async fn read_from_async<Nd: Node, R: embedded_io_async::Read>(
        &mut self,
        node: &mut Nd,
        from: Nd::Addr,
        reader: &mut R,
        now: Instant,
    ) -> Result<usize, R::Error> {
        let mut chunk = [0u8; READ_CHUNK];
        let n = reader.read(&mut chunk).await?.min(READ_CHUNK);
        self.feed(node, from, &chunk[..n], now);
        Ok(n)
    }

    /// [`write_to`](Self::write_to) over an `embedded_io_async` stream.
    pub async fn write_to_async<Nd: Node, W: embedded_io_async::Write>(
        &mut self,
        node: &mut Nd,
        writer: &mut W,
    ) -> Result<usize, W::Error> {
        let mut out = [0u8; N];
        let mut frames = 0;
        while frames < MAX_BURST {
            let Some(m) = self.poll_write(node, &mut out) else {
                break;
            };
            writer.write_all(&out[..m]).await?;
            frames += 1;
        }
        if frames > 0 {
            writer.flush().await?;
        }
        Ok(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::testing::{Echo, frame};

    extern crate std;
    use std::vec::Vec;

    #[test]
    fn frames_cross_in_any_chunking() {
        let frames: Vec<Vec<u8>> = (0..3).map(|i| frame(i, &[i as u8, 0, 9])).collect();
        let mut wire = Vec::new();
        for f in &frames {
            let mut out = [0u8; 64];
            let n = encode(f, &mut out).unwrap();
            wire.extend_from_slice(&[0x42, 0x00]); // garbage, then a delimiter
            wire.extend_from_slice(&out[..n]);
        }
        for chunk in 1..=wire.len() {
            let (mut link, mut node) = (StreamLink::<64>::new(), Echo::new());
            for piece in wire.chunks(chunk) {
                link.feed(&mut node, (), piece, Instant::ZERO);
            }
            assert_eq!(node.got, frames, "chunk {chunk}");
            assert_eq!(link.stats().received, 3);
            assert_eq!(link.stats().rejected(), 3);
        }
    }

    #[test]
    fn oversize_frame_is_dropped_on_write() {
        let mut node = Echo::new();
        node.replies
            .extend([((), std::vec![0x11; 40]), ((), std::vec![0x22; 4])]);
        let (mut link, mut out) = (StreamLink::<64>::new(), [0u8; 16]);
        assert_eq!(link.poll_write(&mut node, &mut out), Some(6));
        assert_eq!(out[..6], [5, 0x22, 0x22, 0x22, 0x22, 0]);
        assert_eq!((link.stats().sent, link.stats().dropped), (1, 1));
        assert_eq!(link.poll_write(&mut node, &mut out), None);
    }

    #[cfg(feature = "embedded-io")]
    mod pipe {
        use super::*;
        use std::collections::VecDeque;

        /// What is written can be read back, five bytes at a time.
        #[derive(Default)]
        struct Pipe(VecDeque<u8>);

        impl embedded_io::ErrorType for Pipe {
            type Error = core::convert::Infallible;
        }
        impl embedded_io::Read for Pipe {
            fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
                let n = buf.len().min(self.0.len()).min(5);
                buf.iter_mut()
                    .zip(self.0.drain(..n))
                    .for_each(|(b, x)| *b = x);
                Ok(n)
            }
        }
        impl embedded_io::ReadReady for Pipe {
            fn read_ready(&mut self) -> Result<bool, Self::Error> {
                Ok(!self.0.is_empty())
            }
        }
        impl embedded_io::Write for Pipe {
            fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
                self.0.extend(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> Result<(), Self::Error> {
                Ok(())
            }
        }
        impl embedded_io_async::Read for Pipe {
            async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
                embedded_io::Read::read(self, buf)
            }
        }
        impl embedded_io_async::Write for Pipe {
            async fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
                embedded_io::Write::write(self, buf)
            }
            async fn flush(&mut self) -> Result<(), Self::Error> {
                Ok(())
            }
        }

        /// Polls a future that never waits.
        fn ready<F: Future>(f: F) -> F::Output {
            let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
            let core::task::Poll::Ready(out) = core::pin::pin!(f).poll(&mut cx) else {
                panic!("the pipe never waits")
            };
            out
        }

        #[test]
        fn blocking_and_async_over_a_pipe() {
            let (mut a, mut b): (StreamLink, StreamLink) = (StreamLink::new(), StreamLink::new());
            let (mut sender, mut echo) = (Echo::new(), Echo::new());
            let sent: Vec<Vec<u8>> = (0..4).map(|i| frame(i, &[0; 50])).collect();
            sender.replies.extend(sent.iter().map(|f| ((), f.clone())));
            let mut pipe = Pipe::default();
            assert_eq!(a.write_to(&mut sender, &mut pipe), Ok(4));
            let mut reads = 0;
            while b.read_ready(&mut echo, (), &mut pipe, Instant::ZERO) != Ok(0) {
                reads += 1;
                assert!(reads < 1000);
            }
            assert_eq!(echo.got, sent);
            // The echo goes back through the async helpers.
            assert_eq!(ready(b.write_to_async(&mut echo, &mut pipe)), Ok(4));
            while !pipe.0.is_empty() {
                ready(a.read_from_async(&mut sender, (), &mut pipe, Instant::ZERO)).unwrap();
            }
            assert_eq!(sender.got, sent);
            assert_eq!(a.stats().sent + b.stats().sent, 8);
            assert_eq!(a.stats().rejected() + b.stats().rejected(), 0);
        }
    }
}
