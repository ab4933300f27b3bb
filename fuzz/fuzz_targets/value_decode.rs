//! Arbitrary bytes as a `Value`, a field list and a record list: a typed
//! error, or a value that re-encodes to a fixpoint.
#![no_main]

use applink::message::{Field, Record, Seq, Value};
use libfuzzer_sys::fuzz_target;

macro_rules! fixpoint {
    ($ty:ty, $data:expr) => {
        if let Ok(v) = postcard::from_bytes::<$ty>($data) {
            let mut a = [0u8; 4096];
            let once = postcard::to_slice(&v, &mut a).expect("fits");
            let again: $ty = postcard::from_bytes(once).expect("re-encoded bytes decode");
            let mut b = [0u8; 4096];
            let twice = postcard::to_slice(&again, &mut b).expect("fits");
            assert_eq!(&once[..], &twice[..]);
        }
    };
}

fuzz_target!(|data: &[u8]| {
    fixpoint!(Value<'_>, data);
    fixpoint!(Seq<'_, Field<'_>>, data);
    fixpoint!(Seq<'_, Record<'_>>, data);
    if let Ok(list) = postcard::from_bytes::<Seq<'_, Value<'_>>>(data) {
        assert_eq!(list.iter().count(), list.len());
    }
});
