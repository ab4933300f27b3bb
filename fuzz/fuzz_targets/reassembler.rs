//! The reassembler fed an arbitrary sequence of segments and clock steps.
//! Input: repeated `[len, step, segment bytes (len % 24)]`.
#![no_main]

use applink::time::{Duration, Instant};
use applink::wire::Reassembler;
use libfuzzer_sys::fuzz_target;

const SLOTS: usize = 2;
const CAP: usize = 128;

fuzz_target!(|data: &[u8]| {
    let mut r = Reassembler::<SLOTS, CAP>::new(Duration::from_millis(500));
    let mut now = Instant::ZERO;
    let mut rest = data;
    while let [len, step, tail @ ..] = rest {
        let n = usize::from(*len % 24).min(tail.len());
        let (segment, tail) = tail.split_at(n);
        rest = tail;
        now = now.saturating_add(Duration::from_millis(u64::from(*step) * 4));
        r.remove_expired(now);
        let before = r.in_progress();
        let result = r.push(segment, now).map(|m| m.map(<[u8]>::len));
        let after = r.in_progress();
        match result {
            Ok(Some(len)) => assert!((1..=CAP).contains(&len)),
            Ok(None) => assert!(after == before || after == before + 1),
            Err(_) => assert_eq!(after, before),
        }
        assert!(after <= SLOTS);
        if let Some(deadline) = r.poll_timeout() {
            assert!(deadline > now);
        }
    }
});
