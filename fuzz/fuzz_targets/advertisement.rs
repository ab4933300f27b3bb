//! Arbitrary bytes as an advertisement payload and as TXT record entries:
//! a typed error, or an advertisement that emits back to the same bytes
//! and survives its TXT form.
#![no_main]

use applink::advertisement::Advertisement;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ad) = Advertisement::parse(data) {
        let mut buf = [0u8; 32];
        let n = ad.emit(&mut buf).expect("a parsed advertisement emits");
        assert_eq!(Advertisement::parse(&buf[..n]), Ok(ad));
        let txt = ad.to_txt();
        assert_eq!(Advertisement::from_txt(txt.entries()), Ok(ad));
    }
    // The same bytes as `key=value` lines of a TXT record.
    if let Ok(text) = core::str::from_utf8(data) {
        let entries: Vec<(&str, &str)> = text
            .lines()
            .take(16)
            .filter_map(|l| l.split_once('='))
            .collect();
        let _ = Advertisement::from_txt(entries);
    }
});
