//! Arbitrary bytes as an encoded descriptor: a typed error, or a descriptor
//! that can be walked in full, re-encodes to the same bytes' meaning,
//! expands from the catalog (or is refused with a typed error), and
//! validates arbitrary values against each attribute of its expansion
//! without panicking. The input is split in two at its first byte: descriptor
//! bytes, then value bytes.
#![no_main]

use applink::descriptor::{self, validate};
use applink::message::Value;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let (desc_bytes, value_bytes) = rest.split_at(usize::from(split).min(rest.len()));
    let value = postcard::from_bytes::<Value<'_>>(value_bytes).ok();
    let Ok(device) = descriptor::decode(desc_bytes) else {
        return;
    };
    let _ = validate::check_compact(&device);
    if let Ok(owned) = descriptor::OwnedDescriptor::from_vec(desc_bytes.to_vec()) {
        let expanded = owned.device();
        let _ = validate::check_device(&expanded);
        for endpoint in expanded.endpoints.iter() {
            for capability in endpoint.capabilities.iter() {
                let _ = validate::check_capability(&capability);
                for attribute in capability.attributes.iter() {
                    if let Some(v) = &value {
                        let _ = validate::check_value(&attribute.ty, attribute.nullable, v);
                    }
                }
            }
        }
    }
    // A decoded descriptor re-encodes, and the re-encoding decodes again.
    let mut buf = [0u8; 8192];
    if let Ok(out) = postcard::to_slice(&device, &mut buf) {
        assert!(
            descriptor::decode(out).is_ok(),
            "re-encoded descriptor decodes"
        );
    }
});
