//! Arbitrary bytes as a frame: `Header::parse`, `Frame::parse` and the
//! whole-frame codec never panic, and a parsed frame re-emits to its input.
#![no_main]

use applink::wire::{Frame, Header};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((header, len)) = Header::parse(data) {
        assert_eq!(len, header.buffer_len());
    }
    if let Ok(frame) = Frame::parse(data) {
        assert_eq!(frame.buffer_len(), data.len());
        let mut out = [0u8; 4096];
        if let Some(out) = out.get_mut(..data.len()) {
            assert_eq!(frame.emit(out), Ok(data.len()));
            assert_eq!(out, data);
        }
    }
    let _ = applink::from_bytes(data);
});
