//! Arbitrary bytes as a message payload: a typed error, or a message whose
//! lists iterate to their stated length and whose exact length is known.
#![no_main]

use applink::message::Message;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(message) = Message::from_bytes(data) else {
        return;
    };
    let mut buf = [0u8; 4096];
    let len = message.encoded_len();
    let out = message
        .to_slice(&mut buf)
        .expect("a decoded payload fits its own size");
    assert_eq!(out.len(), len);
    if let Message::Report(r) = message {
        assert_eq!(r.records.iter().count(), r.records.len());
        for record in r.records.iter() {
            assert_eq!(record.values.iter().count(), record.values.len());
        }
    }
});
