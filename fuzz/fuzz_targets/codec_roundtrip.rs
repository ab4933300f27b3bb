//! Decode a whole frame; if it decodes, encode it again, decode that, and
//! compare: same header, same message bytes.
//!
//! The input is a frame without its CRC: the target appends the correct
//! CRC-32C, so the fuzzer explores the header and message decoders instead
//! of guessing checksums (`frame_decode` covers the CRC check itself).
#![no_main]

use applink::message::Message;
use applink::wire::crc32c;
use libfuzzer_sys::fuzz_target;

const MAX: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let mut frame = [0u8; MAX + 4];
    let Some(body) = frame.get_mut(..data.len()) else {
        return;
    };
    body.copy_from_slice(data);
    frame[data.len()..data.len() + 4].copy_from_slice(&crc32c(data).to_le_bytes());
    let frame = &frame[..data.len() + 4];

    let Ok((header, message)) = applink::from_bytes(frame) else {
        return;
    };
    let mut buf = [0u8; MAX + 4];
    let len = applink::to_slice(&header, &message, &mut buf).expect("fits");
    assert_eq!(len, applink::encoded_len(&header, &message));
    let (header2, message2) = applink::from_bytes(&buf[..len]).expect("re-encoded frame decodes");
    assert_eq!(header2, header);
    let mut p1 = [0u8; MAX];
    let mut p2 = [0u8; MAX];
    let a = message.to_slice(&mut p1).expect("fits");
    let b = message2.to_slice(&mut p2).expect("fits");
    assert_eq!(a, b);
    assert_eq!(
        Message::from_bytes(b).map(|m| m.message_type()),
        Ok(message.message_type())
    );
});
