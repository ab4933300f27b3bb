//! Writes `spec/vectors/onboarding.json`: QR strings and manual codes
//! (spec/ONBOARDING.md), each with the fields it decodes to or the error it
//! is refused with.
//!
//! ```text
//! cargo run --example gen_onboarding_vectors
//! ```
//!
//! The table below is the source of truth: valid vectors are encoded by the
//! crate, refused ones are built byte by byte by this file's own packer
//! (its own base 32 and CRC), and every vector is checked against the crate
//! before it is written. `tests/onboarding_vectors.rs` checks the committed
//! file both ways and fails while it is stale.

use applink::onboarding::{
    Discriminator, Flags, ManualCode, OnboardingError, QrPayload, SetupCode, ShortDiscriminator,
    Transports, verhoeff,
};
use serde_json::{Value as Json, json};

/// The version of this file's format (spec/vectors/README.md).
pub const FORMAT: u64 = 1;

/// The demo washer's label: the payload the examples and the demo print.
pub fn demo_washer() -> QrPayload {
    QrPayload {
        vendor_id: 0xFFF1,
        product_id: 0x0042,
        device_id: *b"WASH0042",
        discriminator: Discriminator::new(0xA42).unwrap(),
        setup_code: code("31415926"),
        transports: Transports::UDP | Transports::BLE,
        flags: Flags::FACTORY,
    }
}

fn code(digits: &str) -> SetupCode {
    SetupCode::parse(digits).unwrap()
}

fn share_code() -> QrPayload {
    QrPayload {
        setup_code: code("80417263"),
        transports: Transports::UDP,
        flags: Flags::ONE_TIME,
        ..demo_washer()
    }
}

/// The packed fields of a QR string, any values, packed by this file alone.
#[derive(Clone, Copy)]
struct Raw {
    vendor: u16,
    product: u16,
    device: [u8; 8],
    code: u32,
    flags: u8,
    discriminator: u16,
    transports: u8,
}

impl Raw {
    fn of(p: &QrPayload) -> Raw {
        Raw {
            vendor: p.vendor_id,
            product: p.product_id,
            device: p.device_id,
            code: core::str::from_utf8(p.setup_code.as_bytes())
                .unwrap()
                .parse()
                .unwrap(),
            flags: p.flags.bits(),
            discriminator: p.discriminator.get(),
            transports: p.transports.bits(),
        }
    }

    /// 18 bytes of fields, then CRC-16/IBM-3740 over `crc_prefix` and them.
    fn pack_with(&self, crc_prefix: &[u8]) -> [u8; 20] {
        let mut b = [0u8; 20];
        b[0..2].copy_from_slice(&self.vendor.to_le_bytes());
        b[2..4].copy_from_slice(&self.product.to_le_bytes());
        b[4..12].copy_from_slice(&self.device);
        let code_flags = (self.code & 0x07FF_FFFF) | u32::from(self.flags) << 27;
        b[12..16].copy_from_slice(&code_flags.to_le_bytes());
        let disc = (self.discriminator & 0x0FFF) | u16::from(self.transports) << 12;
        b[16..18].copy_from_slice(&disc.to_le_bytes());
        let crc = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740);
        let mut digest = crc.digest();
        digest.update(crc_prefix);
        digest.update(&b[..18]);
        b[18..].copy_from_slice(&digest.finalize().to_le_bytes());
        b
    }

    fn pack(&self) -> [u8; 20] {
        self.pack_with(&[1])
    }
}

fn base32(bytes: &[u8; 20]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = String::new();
    for &b in bytes {
        bits = bits << 8 | u32::from(b);
        n += 8;
        while n >= 5 {
            n -= 5;
            out.push(char::from(ALPHABET[(bits >> n & 31) as usize]));
        }
    }
    out
}

fn qr_text(packed: &[u8; 20]) -> String {
    format!("AL1:{}", base32(packed))
}

fn qr_decoded(p: &QrPayload) -> Json {
    json!({
        "version": 1,
        "vendor_id": p.vendor_id,
        "product_id": p.product_id,
        "device_id": hex::encode(p.device_id),
        "discriminator": p.discriminator.get(),
        "setup_code": core::str::from_utf8(p.setup_code.as_bytes()).unwrap(),
        "transports": p.transports.bits(),
        "flags": p.flags.bits(),
    })
}

fn manual_decoded(m: &ManualCode) -> Json {
    json!({
        "version": 1,
        "short_discriminator": m.short_discriminator.get(),
        "setup_code": core::str::from_utf8(m.setup_code.as_bytes()).unwrap(),
        "one_time": m.one_time,
    })
}

/// An error as the vectors write it.
pub fn error_json(e: OnboardingError) -> Json {
    match e {
        OnboardingError::BadPrefix => err("BadPrefix"),
        OnboardingError::UnknownVersion { version: v } => version(v),
        OnboardingError::BadCharacter { index: i } => index(i),
        OnboardingError::WrongLength { expected, found } => wrong_length(expected, found),
        OnboardingError::ChecksumMismatch => err("ChecksumMismatch"),
        OnboardingError::CheckDigit => err("CheckDigit"),
        OnboardingError::FieldOutOfRange { field } => out_of_range(field.name()),
        OnboardingError::TrivialSetupCode => err("TrivialSetupCode"),
        other => panic!("no vector name for {other:?}"),
    }
}

fn err(kind: &str) -> Json {
    json!({ "type": kind })
}

fn wrong_length(expected: usize, found: usize) -> Json {
    json!({ "type": "WrongLength", "expected": expected, "found": found })
}

fn out_of_range(field: &str) -> Json {
    json!({ "type": "FieldOutOfRange", "field": field })
}

fn index(i: usize) -> Json {
    json!({ "type": "BadCharacter", "index": i })
}

fn version(v: u8) -> Json {
    json!({ "type": "UnknownVersion", "version": v })
}

/// A refused QR string: name, description, text, packed bytes, error.
type RefusedQr = (&'static str, &'static str, String, Option<[u8; 20]>, Json);

/// The vectors, in file order.
pub fn vectors() -> Vec<Json> {
    let mut out = Vec::new();
    let mut qr_ok = |name: &str, description: &str, p: QrPayload| {
        let text = p.encode().to_string();
        assert_eq!(text, qr_text(&Raw::of(&p).pack()), "{name}: packer");
        assert_eq!(QrPayload::parse(&text), Ok(p), "{name}");
        out.push(json!({
            "name": name,
            "description": description,
            "kind": "qr",
            "text": text,
            "packed": hex::encode(Raw::of(&p).pack()),
            "decoded": qr_decoded(&p),
            "manual_code": p.manual_code().encode().as_str(),
        }));
    };
    qr_ok(
        "qr_demo_washer",
        "the demo washer's label: vendor 0xFFF1, product 0x0042, device id WASH0042, discriminator 0xA42, code 3141-5926, UDP and BLE, a factory code",
        demo_washer(),
    );
    qr_ok(
        "qr_one_time_share",
        "a one-time share code an admin phone shows for the same washer: flag ONE_TIME, UDP only",
        share_code(),
    );
    qr_ok(
        "qr_all_transports",
        "a lamp offering every transport, no flags",
        QrPayload {
            vendor_id: 0xFFF1,
            product_id: 0x0007,
            device_id: *b"LAMP0001",
            discriminator: Discriminator::new(0x5C3).unwrap(),
            setup_code: code("20250917"),
            transports: Transports::UDP | Transports::TCP | Transports::BLE | Transports::UART,
            flags: Flags::NONE,
        },
    );
    qr_ok(
        "qr_minimum_fields",
        "every field at its smallest: zero ids, discriminator 0, code 00000001, UART only",
        QrPayload {
            vendor_id: 0,
            product_id: 0,
            device_id: [0; 8],
            discriminator: Discriminator::new(0).unwrap(),
            setup_code: code("00000001"),
            transports: Transports::UART,
            flags: Flags::NONE,
        },
    );
    qr_ok(
        "qr_maximum_fields",
        "every field at its largest: 0xFFFF ids, device id ff.., discriminator 0xFFF, code 99999998, every transport, both flags",
        QrPayload {
            vendor_id: 0xFFFF,
            product_id: 0xFFFF,
            device_id: [0xFF; 8],
            discriminator: Discriminator::new(0xFFF).unwrap(),
            setup_code: code("99999998"),
            transports: Transports::UDP | Transports::TCP | Transports::BLE | Transports::UART,
            flags: Flags::ONE_TIME | Flags::FACTORY,
        },
    );

    let washer = Raw::of(&demo_washer());
    let good = qr_text(&washer.pack());
    let body = &good[4..];
    let with_byte = |at: usize, c: u8| {
        let mut b = good.clone().into_bytes();
        b[at] = c;
        String::from_utf8(b).unwrap()
    };
    let flipped = {
        let at = 20;
        let c = if good.as_bytes()[at] == b'A' {
            b'B'
        } else {
            b'A'
        };
        with_byte(at, c)
    };
    let qr_bad: Vec<RefusedQr> = vec![
        (
            "qr_bad_prefix_letter",
            "the prefix is not AL",
            format!("XL1:{body}"),
            None,
            err("BadPrefix"),
        ),
        (
            "qr_bad_prefix_lowercase",
            "the prefix is case-sensitive",
            format!("al1:{body}"),
            None,
            err("BadPrefix"),
        ),
        (
            "qr_bad_prefix_no_colon",
            "the version digit is not followed by a colon",
            format!("AL1{body}"),
            None,
            err("BadPrefix"),
        ),
        (
            "qr_bad_prefix_version_letter",
            "the version is not a digit",
            format!("ALX:{body}"),
            None,
            err("BadPrefix"),
        ),
        (
            "qr_empty",
            "nothing at all",
            String::new(),
            None,
            err("BadPrefix"),
        ),
        (
            "qr_unknown_version_2",
            "a version-2 string: refused before its length is looked at",
            format!("AL2:{body}A"),
            None,
            version(2),
        ),
        (
            "qr_unknown_version_0",
            "version 0 does not exist",
            format!("AL0:{body}"),
            None,
            version(0),
        ),
        (
            "qr_wrong_length_short",
            "the last character is missing",
            good[..35].to_string(),
            None,
            wrong_length(36, 35),
        ),
        (
            "qr_wrong_length_long",
            "one character too many",
            format!("{good}A"),
            None,
            wrong_length(36, 37),
        ),
        (
            "qr_wrong_length_prefix_only",
            "the prefix and no body",
            "AL1:".to_string(),
            None,
            wrong_length(36, 4),
        ),
        (
            "qr_wrong_length_newline",
            "a trailing newline is not stripped",
            format!("{good}\n"),
            None,
            wrong_length(36, 37),
        ),
        (
            "qr_bad_character_lowercase",
            "base 32 here is upper case only",
            with_byte(10, good.as_bytes()[10].to_ascii_lowercase()),
            None,
            index(10),
        ),
        (
            "qr_bad_character_digit",
            "1 is not a base-32 digit (2-7 are)",
            with_byte(12, b'1'),
            None,
            index(12),
        ),
        (
            "qr_bad_character_padding",
            "no = padding: 20 bytes are exactly 32 characters",
            with_byte(35, b'='),
            None,
            index(35),
        ),
        (
            "qr_bad_character_space",
            "a space inside the body",
            with_byte(4, b' '),
            None,
            index(4),
        ),
        (
            "qr_checksum_one_character",
            "one character changed: the CRC-16 no longer matches",
            flipped,
            None,
            err("ChecksumMismatch"),
        ),
        (
            "qr_checksum_zero",
            "the CRC bytes are zero",
            {
                let mut p = washer.pack();
                p[18] = 0;
                p[19] = 0;
                qr_text(&p)
            },
            None,
            err("ChecksumMismatch"),
        ),
        (
            "qr_checksum_without_version",
            "the CRC computed without the version byte in front",
            qr_text(&washer.pack_with(&[])),
            Some(washer.pack_with(&[])),
            err("ChecksumMismatch"),
        ),
    ];
    let field_cases: Vec<(&str, &str, Raw, Json)> = vec![
        (
            "qr_setup_code_out_of_range",
            "the code field holds 100000000, above 99999999",
            Raw {
                code: 100_000_000,
                ..washer
            },
            out_of_range("SetupCode"),
        ),
        (
            "qr_setup_code_all_ones",
            "the code field holds 2^27 - 1",
            Raw {
                code: 0x07FF_FFFF,
                ..washer
            },
            out_of_range("SetupCode"),
        ),
        (
            "qr_reserved_flag",
            "flag bit 2 is reserved",
            Raw {
                flags: 0b0_0100,
                ..washer
            },
            out_of_range("Flags"),
        ),
        (
            "qr_reserved_flag_high",
            "flag bit 4 is reserved",
            Raw {
                flags: 0b1_0010,
                ..washer
            },
            out_of_range("Flags"),
        ),
        (
            "qr_no_transport",
            "an appliance that offers no transport",
            Raw {
                transports: 0,
                ..washer
            },
            out_of_range("Transports"),
        ),
        (
            "qr_first_field_error_wins",
            "the code is out of range and no transport is offered: the code is checked first",
            Raw {
                code: 100_000_000,
                transports: 0,
                ..washer
            },
            out_of_range("SetupCode"),
        ),
        (
            "qr_trivial_code_run",
            "a well-formed string whose code is 12345678",
            Raw {
                code: 12_345_678,
                ..washer
            },
            err("TrivialSetupCode"),
        ),
        (
            "qr_trivial_code_repeated",
            "a well-formed string whose code is 00000000",
            Raw { code: 0, ..washer },
            err("TrivialSetupCode"),
        ),
        (
            "qr_trivial_code_pattern",
            "a well-formed string whose code is 19901990",
            Raw {
                code: 19_901_990,
                ..washer
            },
            err("TrivialSetupCode"),
        ),
    ];
    let qr_bad = qr_bad.into_iter().chain(
        field_cases
            .into_iter()
            .map(|(n, d, raw, e)| (n, d, qr_text(&raw.pack()), Some(raw.pack()), e)),
    );
    for (name, description, text, packed, error) in qr_bad {
        let got = QrPayload::parse(&text).map_err(error_json);
        assert_eq!(got, Err(error.clone()), "{name}");
        let mut v = json!({
            "name": name,
            "description": description,
            "kind": "qr",
            "text": text,
            "decoded": null,
            "error": error,
        });
        if let Some(p) = packed {
            v["packed"] = json!(hex::encode(p));
        }
        out.push(v);
    }

    let mut manual_ok = |name: &str, description: &str, text: Option<&str>, m: ManualCode| {
        let printed = m.encode().to_string();
        let text = text.map_or(printed.clone(), str::to_string);
        assert_eq!(ManualCode::parse(&text), Ok(m), "{name}");
        let mut v = json!({
            "name": name,
            "description": description,
            "kind": "manual",
            "text": text,
            "printed": printed,
            "decoded": manual_decoded(&m),
        });
        if text != printed {
            v["canonical"] = json!(false);
        }
        out.push(v);
    };
    let washer_code = demo_washer().manual_code();
    manual_ok(
        "manual_demo_washer",
        "the demo washer's manual code, as printed",
        None,
        washer_code,
    );
    manual_ok(
        "manual_digits_only",
        "typed without separators",
        Some("141314159268"),
        washer_code,
    );
    manual_ok(
        "manual_spaces",
        "typed with spaces",
        Some("1413 1415 9268"),
        washer_code,
    );
    manual_ok(
        "manual_loose",
        "separators anywhere, leading and trailing spaces",
        Some(" 14-1314 15--9268 "),
        washer_code,
    );
    manual_ok(
        "manual_one_time_share",
        "the one-time share code of qr_one_time_share: lead digit 2",
        None,
        share_code().manual_code(),
    );
    manual_ok(
        "manual_minimum_fields",
        "short discriminator 0, code 00000001",
        None,
        ManualCode {
            short_discriminator: ShortDiscriminator::new(0).unwrap(),
            setup_code: code("00000001"),
            one_time: false,
        },
    );
    manual_ok(
        "manual_maximum_fields",
        "short discriminator 63, code 99999998, one-time",
        None,
        ManualCode {
            short_discriminator: ShortDiscriminator::new(63).unwrap(),
            setup_code: code("99999998"),
            one_time: true,
        },
    );

    // Eleven digits and their Verhoeff check digit, printed 4-4-4.
    let with_check = |body: &str| {
        let d: Vec<u8> = body.bytes().map(|c| c - b'0').collect();
        let all = format!("{body}{}", verhoeff::check_digit(&d).unwrap());
        format!("{}-{}-{}", &all[..4], &all[4..8], &all[8..])
    };
    let printed = washer_code.encode().to_string();
    let swap = |at: usize| {
        let mut b = printed.clone().into_bytes();
        b.swap(at, at + 1);
        String::from_utf8(b).unwrap()
    };
    let change = |at: usize, c: u8| {
        let mut b = printed.clone().into_bytes();
        b[at] = c;
        String::from_utf8(b).unwrap()
    };
    let manual_bad: Vec<(&str, &str, String, Json)> = vec![
        (
            "manual_wrong_check_digit",
            "the check digit is off by one",
            change(13, b'9'),
            err("CheckDigit"),
        ),
        (
            "manual_mistyped_digit",
            "one digit of the setup code mistyped",
            change(10, b'7'),
            err("CheckDigit"),
        ),
        (
            "manual_swapped_digits",
            "two neighbouring digits swapped",
            swap(7),
            err("CheckDigit"),
        ),
        (
            "manual_swapped_check_digit",
            "the last data digit and the check digit swapped",
            swap(12),
            err("CheckDigit"),
        ),
        (
            "manual_wrong_length_short",
            "eleven digits",
            printed[..13].to_string(),
            wrong_length(12, 11),
        ),
        (
            "manual_wrong_length_long",
            "thirteen digits",
            format!("{printed}0"),
            wrong_length(12, 13),
        ),
        (
            "manual_empty",
            "no digits at all (separators only)",
            "- -".to_string(),
            wrong_length(12, 0),
        ),
        (
            "manual_bad_character_letter",
            "the letter O typed for zero",
            change(3, b'O'),
            index(3),
        ),
        (
            "manual_bad_character_underscore",
            "_ is not a separator",
            printed.replace('-', "_"),
            index(4),
        ),
        (
            "manual_bad_character_dot",
            ". is not a separator",
            printed.replacen('-', ".", 1),
            index(4),
        ),
        (
            "manual_unknown_version_3",
            "lead digit 3 (with a good check digit)",
            with_check("34131415926"),
            version(3),
        ),
        (
            "manual_unknown_version_0",
            "lead digit 0 (with a good check digit)",
            with_check("04131415926"),
            version(0),
        ),
        (
            "manual_short_discriminator_64",
            "short discriminator 64, above 63",
            with_check("16431415926"),
            out_of_range("ShortDiscriminator"),
        ),
        (
            "manual_short_discriminator_99",
            "short discriminator 99",
            with_check("29931415926"),
            out_of_range("ShortDiscriminator"),
        ),
        (
            "manual_trivial_code_repeated",
            "a well-formed code whose setup code is 11111111",
            with_check("14111111111"),
            err("TrivialSetupCode"),
        ),
        (
            "manual_trivial_code_run",
            "a well-formed code whose setup code is 87654321",
            with_check("14187654321"),
            err("TrivialSetupCode"),
        ),
    ];
    for (name, description, text, error) in manual_bad {
        let got = ManualCode::parse(&text).map_err(error_json);
        assert_eq!(got, Err(error.clone()), "{name}");
        out.push(json!({
            "name": name,
            "description": description,
            "kind": "manual",
            "text": text,
            "decoded": null,
            "error": error,
        }));
    }
    out
}

/// The whole file, as committed.
pub fn render() -> String {
    let doc = json!({
        "format": FORMAT,
        "description": "Onboarding payloads (spec/ONBOARDING.md): QR strings and manual codes with the fields they decode to, or the error they are refused with. Generated by examples/gen_onboarding_vectors.rs; never edit by hand.",
        "vectors": vectors(),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap();
    text.push('\n');
    text
}

fn main() -> std::io::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vectors/onboarding.json");
    std::fs::write(path, render())?;
    let washer = demo_washer();
    println!("wrote {path}");
    println!("demo washer QR string: {washer}");
    println!("demo washer manual code: {}", washer.manual_code());
    Ok(())
}
