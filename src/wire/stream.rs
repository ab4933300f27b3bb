//! Stream framing for byte streams (UART, TCP): COBS with a `0x00` delimiter.
//!
//! On a stream every frame is sent as `COBS(frame) 0x00`. COBS removes every
//! zero byte from the frame, so `0x00` marks frame boundaries unambiguously and
//! a receiver that starts mid-stream, or sees garbage, recovers at the next
//! delimiter. A sender may emit a lone `0x00` at any time (for example after
//! opening the port) to flush whatever partial data the receiver holds; empty
//! chunks between delimiters are ignored.
//!
//! [`Deframer`] is a push parser: hand it bytes as they arrive, in chunks of
//! any size, and it yields each whole, integrity-checked [`Frame`]. Its buffer
//! is a const generic capacity `N` (counted in encoded bytes); it never holds
//! more, and a longer chunk is reported once as
//! [`WireError::Oversize`] and skipped up to the next delimiter.

use super::{Frame, WireError};

/// The stream delimiter.
pub const DELIMITER: u8 = 0x00;

/// The longest COBS encoding of a `frame_len`-byte frame, delimiter not
/// counted: `frame_len + ceil(frame_len / 254)`, reached by every frame
/// without a zero byte. A [`Deframer`] for frames of up to `frame_len` bytes
/// needs exactly this capacity (SPEC.md 6).
pub const fn cobs_max_len(frame_len: usize) -> usize {
    frame_len + frame_len.div_ceil(254)
}

/// The buffer [`encode`] needs for a `frame_len`-byte frame: the longest COBS
/// encoding plus the delimiter.
pub const fn encoded_max_len(frame_len: usize) -> usize {
    cobs_max_len(frame_len) + 1
}

/// Writes `COBS(frame) 0x00` into `out`, returning the number of bytes written.
///
/// ```
/// let mut out = [0u8; 8];
/// let n = applink::wire::stream::encode(&[0x11, 0x00, 0x22], &mut out).unwrap();
/// assert_eq!(&out[..n], &[0x02, 0x11, 0x02, 0x22, 0x00]);
/// ```
pub fn encode(frame: &[u8], out: &mut [u8]) -> Result<usize, WireError> {
    let needed = encoded_max_len(frame.len());
    if out.len() < needed {
        return Err(WireError::BufferTooSmall { needed });
    }
    let n = cobs::try_encode(frame, out).map_err(|_| WireError::BufferTooSmall { needed })?;
    out[n] = DELIMITER;
    Ok(n + 1)
}

/// What one call to [`Deframer::feed`] produced.
#[derive(Debug, PartialEq, Eq)]
pub enum Feed<'a, 'b> {
    /// Every input byte was consumed without completing a chunk.
    Consumed,
    /// A whole frame, integrity-checked, and the input left after its delimiter.
    Frame {
        /// The frame, borrowing the deframer's buffer until the next `feed`.
        frame: Frame<'a>,
        /// Input not yet consumed.
        remaining: &'b [u8],
    },
    /// A chunk was rejected; the deframer has already resynchronised.
    Error {
        /// Why the chunk was rejected.
        error: WireError,
        /// Input not yet consumed.
        remaining: &'b [u8],
    },
}

/// A COBS push parser with a fixed `N`-byte buffer.
///
/// ```
/// use applink::wire::{Header, encode_plain, stream::{self, Deframer, Feed}};
///
/// let mut frame = [0u8; 32];
/// let n = encode_plain(&Header::plaintext(1), &[0x14, 0x07], &mut frame).unwrap();
/// let mut line = [0u8; 40];
/// let mut m = stream::encode(&frame[..n], &mut line).unwrap();
/// line.copy_within(0..m, 3);
/// line[..3].copy_from_slice(&[0x55, 0xAA, 0x00]); // garbage, then a delimiter
/// m += 3;
///
/// let mut deframer = Deframer::<64>::new();
/// let mut input = &line[..m];
/// let mut frames = 0;
/// while !input.is_empty() {
///     match deframer.feed(input) {
///         Feed::Consumed => break,
///         Feed::Frame { frame, remaining } => {
///             assert_eq!(frame.body, &[0x14, 0x07]);
///             frames += 1;
///             input = remaining;
///         }
///         Feed::Error { remaining, .. } => input = remaining,
///     }
/// }
/// assert_eq!(frames, 1);
/// ```
#[derive(Debug, Clone)]
pub struct Deframer<const N: usize> {
    buf: [u8; N],
    len: usize,
    discarding: bool,
}

impl<const N: usize> Default for Deframer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Deframer<N> {
    /// An empty deframer.
    pub const fn new() -> Self {
        Deframer {
            buf: [0; N],
            len: 0,
            discarding: false,
        }
    }

    /// Bytes of the current, incomplete chunk held in the buffer.
    pub const fn buffered(&self) -> usize {
        self.len
    }

    /// Forgets any partial chunk.
    pub fn reset(&mut self) {
        self.len = 0;
        self.discarding = false;
    }

    /// Consumes `input` up to and including the first delimiter that completes
    /// a chunk (or all of it), and reports what that chunk was.
    ///
    /// Call again with `remaining` until it is empty or the result is
    /// [`Feed::Consumed`]. A frame borrows the buffer, so it must be handled
    /// before the next call.
    pub fn feed<'a, 'b>(&'a mut self, mut input: &'b [u8]) -> Feed<'a, 'b> {
        loop {
            let Some(end) = input.iter().position(|&b| b == DELIMITER) else {
                return match self.take(input) {
                    Ok(()) => Feed::Consumed,
                    Err(error) => Feed::Error {
                        error,
                        remaining: &[],
                    },
                };
            };
            let (chunk, rest) = (&input[..end], &input[end + 1..]);
            if let Err(error) = self.take(chunk) {
                // Oversize: the rest of this chunk is skipped along with it.
                self.reset();
                return Feed::Error {
                    error,
                    remaining: rest,
                };
            }
            let was_discarding = core::mem::replace(&mut self.discarding, false);
            let len = core::mem::replace(&mut self.len, 0);
            if was_discarding || len == 0 {
                input = rest;
                continue;
            }
            let decoded = match cobs::decode_in_place(&mut self.buf[..len]) {
                Ok(n) => n,
                Err(_) => {
                    return Feed::Error {
                        error: WireError::BadCobs,
                        remaining: rest,
                    };
                }
            };
            return match Frame::parse(&self.buf[..decoded]) {
                Ok(frame) => Feed::Frame {
                    frame,
                    remaining: rest,
                },
                Err(error) => Feed::Error {
                    error,
                    remaining: rest,
                },
            };
        }
    }

    /// Appends delimiter-free bytes, switching to discard mode on overflow.
    fn take(&mut self, bytes: &[u8]) -> Result<(), WireError> {
        if self.discarding || bytes.is_empty() {
            return Ok(());
        }
        let free = N - self.len;
        if bytes.len() > free {
            self.len = 0;
            self.discarding = true;
            return Err(WireError::Oversize { capacity: N });
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Header, encode_plain};

    /// A plaintext frame on exchange `exchange`.
    fn frame(exchange: u16, payload: &[u8]) -> ([u8; 64], usize) {
        let mut buf = [0u8; 64];
        let n = encode_plain(&Header::plaintext(exchange), payload, &mut buf).unwrap();
        (buf, n)
    }

    fn stream_of(frames: &[(&[u8], usize)], garbage: &[u8]) -> ([u8; 512], usize) {
        let mut out = [0u8; 512];
        let mut n = 0;
        for (f, len) in frames {
            out[n..n + garbage.len()].copy_from_slice(garbage);
            n += garbage.len();
            n += encode(&f[..*len], &mut out[n..]).unwrap();
        }
        (out, n)
    }

    /// Feeds `input` in `chunk`-sized pieces; returns the exchange ids of the
    /// frames seen, their number and the number of errors.
    fn run<const N: usize>(input: &[u8], chunk: usize) -> ([u16; 8], usize, usize) {
        let mut d = Deframer::<N>::new();
        let mut counters = [0u16; 8];
        let (mut frames, mut errors) = (0, 0);
        for piece in input.chunks(chunk) {
            let mut rest = piece;
            loop {
                match d.feed(rest) {
                    Feed::Consumed => break,
                    Feed::Frame { frame, remaining } => {
                        counters[frames] = frame.header.exchange;
                        frames += 1;
                        rest = remaining;
                    }
                    Feed::Error { remaining, .. } => {
                        errors += 1;
                        rest = remaining;
                    }
                }
                assert!(d.buffered() <= N);
            }
        }
        (counters, frames, errors)
    }

    #[test]
    fn frames_survive_every_chunking() {
        let (a, an) = frame(1, &[0, 0, 1, 0]);
        let (b, bn) = frame(2, &[]);
        let (c, cn) = frame(3, &[0xFF; 40]);
        let (s, n) = stream_of(&[(&a, an), (&b, bn), (&c, cn)], &[]);
        for chunk in 1..=n {
            let (counters, frames, errors) = run::<80>(&s[..n], chunk);
            assert_eq!((frames, errors), (3, 0), "chunk {chunk}");
            assert_eq!(counters[..3], [1, 2, 3]);
        }
    }

    #[test]
    fn resynchronises_after_garbage() {
        let (a, an) = frame(1, &[9, 9]);
        let (b, bn) = frame(2, &[7]);
        // Before each frame: two garbage chunks, each closed by a delimiter.
        let (s, n) = stream_of(&[(&a, an), (&b, bn)], &[0x13, 0x37, 0x00, 0x42, 0x00]);
        for chunk in [1, 5, n] {
            let (counters, frames, errors) = run::<80>(&s[..n], chunk);
            assert_eq!((frames, errors), (2, 4));
            assert_eq!(counters[..2], [1, 2]);
        }
        // Garbage glued to a frame's front (no delimiter between) costs that
        // frame, and only that frame.
        let (s, n) = stream_of(&[(&a, an), (&b, bn)], &[0x42]);
        let (counters, frames, errors) = run::<80>(&s[..n], 3);
        assert_eq!((frames, errors), (0, 2));
        assert_eq!(counters[0], 0);
        let mut glued = [0u8; 128];
        glued[0] = 0x42;
        let mut m = 1 + encode(&a[..an], &mut glued[1..]).unwrap();
        m += encode(&b[..bn], &mut glued[m..]).unwrap();
        let (counters, frames, errors) = run::<80>(&glued[..m], 3);
        assert_eq!((frames, errors), (1, 1));
        assert_eq!(counters[0], 2);
    }

    #[test]
    fn corrupt_frame_is_reported_and_skipped() {
        let (mut a, an) = frame(1, &[1, 2, 3]);
        let (b, bn) = frame(2, &[4]);
        a[5] ^= 0x10;
        let (s, n) = stream_of(&[(&a, an), (&b, bn)], &[]);
        let mut d = Deframer::<64>::new();
        match d.feed(&s[..n]) {
            Feed::Error { error, remaining } => {
                assert_eq!(error, WireError::BadCrc);
                match d.feed(remaining) {
                    Feed::Frame { frame, remaining } => {
                        assert_eq!(frame.header.exchange, 2);
                        assert!(remaining.is_empty());
                    }
                    other => panic!("{other:?}"),
                }
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn oversize_is_reported_once_then_recovers() {
        let (big, bign) = frame(1, &[5; 50]);
        let (small, smalln) = frame(2, &[6]);
        let (s, n) = stream_of(&[(&big, bign), (&small, smalln)], &[]);
        for chunk in [1, 7, n] {
            let (counters, frames, errors) = run::<32>(&s[..n], chunk);
            assert_eq!((frames, errors), (1, 1), "chunk {chunk}");
            assert_eq!(counters[0], 2);
        }
    }

    #[test]
    fn invalid_cobs_is_reported() {
        let mut d = Deframer::<16>::new();
        assert_eq!(
            d.feed(&[0x05, 0x01, 0x00]),
            Feed::Error {
                error: WireError::BadCobs,
                remaining: &[]
            }
        );
    }

    #[test]
    fn the_bound_is_exact() {
        let mut frame = [0u8; 800];
        let mut out = [0u8; 820];
        for n in 1..=frame.len() {
            // No zero byte: the longest encoding, into a buffer of exactly the bound.
            for (i, b) in frame[..n].iter_mut().enumerate() {
                *b = 1 + (i % 255) as u8;
            }
            let m = encode(&frame[..n], &mut out[..encoded_max_len(n)]).unwrap();
            assert_eq!(m, encoded_max_len(n), "{n}");
            assert_eq!(m - 1, cobs_max_len(n), "{n}");
            // Zero bytes only shorten it.
            frame[n / 2] = 0;
            let m = encode(&frame[..n], &mut out[..encoded_max_len(n)]).unwrap();
            assert!(m <= encoded_max_len(n), "{n}");
        }
        assert_eq!(cobs_max_len(256), 258);
        assert_eq!(cobs_max_len(254), 255);
        assert_eq!(cobs_max_len(255), 257);
    }

    #[test]
    fn encode_checks_buffer() {
        let mut out = [0u8; 3];
        assert!(matches!(
            encode(&[1, 2, 3], &mut out),
            Err(WireError::BufferTooSmall { .. })
        ));
        let mut out = [0u8; 6];
        assert_eq!(encode(&[1, 2, 3], &mut out), Ok(5));
        assert_eq!(out[..5], [4, 1, 2, 3, 0]);
    }
}
