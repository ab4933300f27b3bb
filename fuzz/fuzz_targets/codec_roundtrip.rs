//! Decode a whole frame; if it decodes, encode it again, decode that, and
//! compare: same header, same message bytes.
#![no_main]

use applink::message::Message;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((header, message)) = applink::from_bytes(data) else {
        return;
    };
    let mut buf = [0u8; 4096];
    let len = applink::to_slice(&header, &message, &mut buf).expect("fits");
    assert_eq!(len, applink::encoded_len(&header, &message));
    let (header2, message2) = applink::from_bytes(&buf[..len]).expect("re-encoded frame decodes");
    assert_eq!(header2, header);
    let mut p1 = [0u8; 4096];
    let mut p2 = [0u8; 4096];
    let a = message.to_slice(&mut p1).expect("fits");
    let b = message2.to_slice(&mut p2).expect("fits");
    assert_eq!(a, b);
    assert_eq!(Message::from_bytes(b).map(|m| m.message_type()), Ok(message.message_type()));
});
