//! The COBS deframer fed arbitrary bytes in chunks whose sizes the first
//! byte chooses: never past its capacity, always making progress, and every
//! frame it yields passed the frame checks.
#![no_main]

use applink::wire::stream::Feed;
use applink::wire::{Deframer, Frame};
use libfuzzer_sys::fuzz_target;

const CAP: usize = 256;

fuzz_target!(|data: &[u8]| {
    let Some((&sizes, data)) = data.split_first() else {
        return;
    };
    let mut deframer = Deframer::<CAP>::new();
    let mut rest = data;
    let mut i = 0usize;
    while !rest.is_empty() {
        // Chunk sizes cycle through 1..=16, offset by the first byte.
        let size = 1 + (usize::from(sizes) + i * 7) % 16;
        i += 1;
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        rest = tail;
        let mut input = piece;
        loop {
            let before = input.len();
            match deframer.feed(input) {
                Feed::Consumed => break,
                Feed::Frame { frame, remaining } => {
                    let mut out = [0u8; CAP];
                    let n = frame
                        .emit(&mut out)
                        .expect("a frame fits the buffer it came from");
                    assert!(Frame::parse(&out[..n]).is_ok());
                    input = remaining;
                }
                Feed::Error { remaining, .. } => input = remaining,
            }
            assert!(input.len() < before, "no progress");
            assert!(deframer.buffered() <= CAP);
        }
        assert!(deframer.buffered() <= CAP);
    }
});
