//! Arbitrary text as a QR string and as a manual code: a typed error, or a
//! payload that encodes back to the same text (the same digits for a manual
//! code) and decodes again to itself. The same bytes also build a payload
//! field by field, which must round-trip through both forms.
#![no_main]

use applink::onboarding::{
    Discriminator, Flags, ManualCode, QrPayload, SetupCode, ShortDiscriminator, Transports,
};
use libfuzzer_sys::fuzz_target;

fn text_cases(text: &str) {
    if let Ok(p) = QrPayload::parse(text) {
        let again = p.encode();
        assert_eq!(again.as_str(), text, "a QR string has one spelling");
        assert_eq!(QrPayload::parse(&again), Ok(p));
        let m = p.manual_code();
        assert_eq!(ManualCode::parse(&m.encode()), Ok(m));
    }
    if let Ok(m) = ManualCode::parse(text) {
        let digits = m.digits();
        assert!(
            text.bytes()
                .filter(u8::is_ascii_digit)
                .eq(digits.iter().copied())
        );
        assert_eq!(ManualCode::parse(&m.encode()), Ok(m));
    }
}

fn structured(data: &[u8]) {
    let Some(b) = data.get(..20) else { return };
    let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let code = u32::from_le_bytes([b[12], b[13], b[14], b[15]]) % 100_000_000;
    let mut digits = [b'0'; 8];
    let mut v = code;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let Ok(setup_code) = SetupCode::parse(core::str::from_utf8(&digits).unwrap()) else {
        return;
    };
    let Some(transports) = Transports::from_bits(b[18] & 0x0F) else {
        return;
    };
    let Some(flags) = Flags::from_bits(b[19] & 0x03) else {
        return;
    };
    let p = QrPayload {
        vendor_id: u16_at(0),
        product_id: u16_at(2),
        device_id: b[4..12].try_into().unwrap(),
        discriminator: Discriminator::new(u16_at(16) & 0x0FFF).unwrap(),
        setup_code,
        transports,
        flags,
    };
    assert_eq!(QrPayload::parse(&p.encode()), Ok(p));
    let m = ManualCode {
        short_discriminator: ShortDiscriminator::new(b[16] & 0x3F).unwrap(),
        setup_code,
        one_time: b[19] & 0x80 != 0,
    };
    assert_eq!(ManualCode::parse(&m.encode()), Ok(m));
    assert_eq!(
        ManualCode::parse(core::str::from_utf8(&m.digits()).unwrap()),
        Ok(m)
    );
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = core::str::from_utf8(data) {
        text_cases(text);
        // Behind a good prefix, so the body checks are reached.
        let mut prefixed = heapless::String::<64>::new();
        if prefixed.push_str("AL1:").is_ok() && prefixed.push_str(text).is_ok() {
            text_cases(&prefixed);
        }
    }
    structured(data);
});
