use proptest::prelude::*;
use std::string::String;
use std::vec::Vec;

use super::*;

fn washer() -> QrPayload {
    QrPayload {
        vendor_id: 0xFFF1,
        product_id: 0x0042,
        device_id: *b"WASH0042",
        discriminator: Discriminator::new(0xA42).unwrap(),
        setup_code: SetupCode::parse("31415926").unwrap(),
        transports: Transports::UDP | Transports::BLE,
        flags: Flags::FACTORY,
    }
}

const QR_ALPHANUMERIC: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

#[test]
fn demo_washer() {
    let w = washer();
    assert_eq!(w.encode(), "AL1:6H7UEACXIFJUQMBQGQZHMXW7CFBFUOB5");
    assert_eq!(std::format!("{w}"), "AL1:6H7UEACXIFJUQMBQGQZHMXW7CFBFUOB5");
    assert_eq!(w.manual_code().encode(), "1413-1415-9268");
    assert_eq!(std::format!("{}", w.manual_code()), "1413-1415-9268");
    assert_eq!(std::format!("{:?}", w.transports), "Transports(UDP | BLE)");
    assert_eq!(std::format!("{:?}", Flags::NONE), "Flags(none)");
}

#[test]
fn verhoeff_published_examples() {
    assert_eq!(verhoeff::check_digit(&[2, 3, 6]), Some(3));
    assert_eq!(verhoeff::check_digit(&[1, 2, 3, 4, 5]), Some(1));
    assert_eq!(
        verhoeff::check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2]),
        Some(0)
    );
    assert!(verhoeff::is_valid(&[2, 3, 6, 3]));
    assert!(verhoeff::is_valid(&[1, 2, 3, 4, 5, 1]));
    assert!(!verhoeff::is_valid(&[1, 2, 3, 4, 5, 2]));
    assert_eq!(verhoeff::check_digit(&[1, 10]), None);
    assert!(!verhoeff::is_valid(&[0, 10]));
    assert_eq!(verhoeff::check_digit(&[]), Some(0));
}

#[test]
fn verhoeff_catches_every_single_error_and_adjacent_swap_of_four_digits() {
    for n in 0..10_000u32 {
        let body = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10].map(|d| d as u8);
        let mut code = [0u8; 5];
        code[..4].copy_from_slice(&body);
        code[4] = verhoeff::check_digit(&body).unwrap();
        assert!(verhoeff::is_valid(&code));
        for i in 0..5 {
            for d in 0..10 {
                if d != code[i] {
                    let mut bad = code;
                    bad[i] = d;
                    assert!(!verhoeff::is_valid(&bad), "{code:?} at {i} to {d}");
                }
            }
            if i < 4 && code[i] != code[i + 1] {
                let mut bad = code;
                bad.swap(i, i + 1);
                assert!(!verhoeff::is_valid(&bad), "{code:?} swap {i}");
            }
        }
    }
}

#[test]
fn qr_rejections_in_order() {
    let good = washer().encode();
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.as_bytes().to_vec();
        f(&mut b);
        String::from_utf8(b).unwrap()
    };
    use OnboardingError as E;
    for (text, err) in [
        (String::new(), E::BadPrefix),
        (String::from("AL1"), E::BadPrefix),
        (
            String::from("AL1:"),
            E::WrongLength {
                expected: 36,
                found: 4,
            },
        ),
        (with(&|b| b[0] = b'X'), E::BadPrefix),
        (with(&|b| b[1] = b'l'), E::BadPrefix),
        (with(&|b| b[2] = b'X'), E::BadPrefix),
        (with(&|b| b[3] = b'-'), E::BadPrefix),
        (with(&|b| b[2] = b'2'), E::UnknownVersion { version: 2 }),
        (with(&|b| b[2] = b'0'), E::UnknownVersion { version: 0 }),
        (
            with(&|b| b.push(b'A')),
            E::WrongLength {
                expected: 36,
                found: 37,
            },
        ),
        (
            with(&|b| {
                b.pop();
            }),
            E::WrongLength {
                expected: 36,
                found: 35,
            },
        ),
        (with(&|b| b[10] = b'a'), E::BadCharacter { index: 10 }),
        (with(&|b| b[35] = b'1'), E::BadCharacter { index: 35 }),
        (with(&|b| b[4] = b' '), E::BadCharacter { index: 4 }),
        (
            with(&|b| b[20] = if b[20] == b'A' { b'B' } else { b'A' }),
            E::ChecksumMismatch,
        ),
    ] {
        assert_eq!(QrPayload::parse(&text), Err(err), "{text:?}");
    }
    // Non-ASCII input: the byte length is what counts.
    assert_eq!(
        QrPayload::parse("AL1:ÉH7UEACXIFJUQMBQGQZHMXW7CFBFUOB"),
        Err(E::BadCharacter { index: 4 })
    );
    assert_eq!(
        QrPayload::parse("ALé:6H7UEACXIFJUQMBQGQZHMXW7CFBFUOB5"),
        Err(E::BadPrefix)
    );
}

#[test]
fn qr_field_rejections_with_a_good_crc() {
    use OnboardingError as E;
    let good = washer().pack();
    let repack = |f: &dyn Fn(&mut [u8; PACKED_LEN])| {
        let mut p = good;
        f(&mut p);
        let crc = qr::tests_support::checksum(&p);
        p[18..].copy_from_slice(&crc.to_le_bytes());
        qr::tests_support::text(&p)
    };
    let set_code_flags = |value: u32| {
        move |p: &mut [u8; PACKED_LEN]| p[12..16].copy_from_slice(&value.to_le_bytes())
    };
    let cases: [(String, E); 6] = [
        (
            repack(&set_code_flags(100_000_000)),
            E::FieldOutOfRange {
                field: Field::SetupCode,
            },
        ),
        (
            repack(&set_code_flags((1 << 27) - 1)),
            E::FieldOutOfRange {
                field: Field::SetupCode,
            },
        ),
        (
            repack(&set_code_flags(31_415_926 | 4 << 27)),
            E::FieldOutOfRange {
                field: Field::Flags,
            },
        ),
        (
            repack(&|p| p[17] &= 0x0F),
            E::FieldOutOfRange {
                field: Field::Transports,
            },
        ),
        (repack(&set_code_flags(12_345_678)), E::TrivialSetupCode),
        (repack(&set_code_flags(0)), E::TrivialSetupCode),
    ];
    for (text, err) in cases {
        assert_eq!(QrPayload::parse(&text), Err(err), "{text}");
    }
    assert_eq!(QrPayload::parse(&repack(&|_| {})), Ok(washer()));
}

#[test]
fn manual_rejections_in_order() {
    use OnboardingError as E;
    // 1 41 11111111 + check digit: well formed, trivial code.
    let with_check = |body: &str| {
        let d: Vec<u8> = body.bytes().map(|c| c - b'0').collect();
        std::format!("{body}{}", verhoeff::check_digit(&d).unwrap())
    };
    for (text, err) in [
        (
            String::new(),
            E::WrongLength {
                expected: 12,
                found: 0,
            },
        ),
        (
            String::from("1413-1415-926"),
            E::WrongLength {
                expected: 12,
                found: 11,
            },
        ),
        (
            String::from("1413-1415-92680"),
            E::WrongLength {
                expected: 12,
                found: 13,
            },
        ),
        (
            String::from("1413-1415-926O"),
            E::BadCharacter { index: 13 },
        ),
        (String::from("1413_1415_9268"), E::BadCharacter { index: 4 }),
        (
            String::from("１413-1415-9268"),
            E::BadCharacter { index: 0 },
        ),
        (String::from("1413-1415-9269"), E::CheckDigit),
        (with_check("34131415926"), E::UnknownVersion { version: 3 }),
        (with_check("04131415926"), E::UnknownVersion { version: 0 }),
        (
            with_check("16431415926"),
            E::FieldOutOfRange {
                field: Field::ShortDiscriminator,
            },
        ),
        (with_check("14111111111"), E::TrivialSetupCode),
    ] {
        assert_eq!(ManualCode::parse(&text), Err(err), "{text:?}");
    }
    let ok = washer().manual_code();
    for text in [
        "1413-1415-9268",
        "141314159268",
        " 1413 1415 9268 ",
        "1-4-1-3--14159268",
    ] {
        assert_eq!(ManualCode::parse(text), Ok(ok), "{text:?}");
    }
    let long = "1".repeat(100_000);
    assert_eq!(
        ManualCode::parse(&long),
        Err(E::WrongLength {
            expected: 12,
            found: 100_000
        })
    );
}

#[test]
fn short_discriminator() {
    let d = Discriminator::new(0xA42).unwrap();
    assert_eq!(d.short().get(), 41);
    assert!(d.short().matches(Discriminator::new(0xA7F).unwrap()));
    assert!(!d.short().matches(Discriminator::new(0xA80).unwrap()));
    assert_eq!(Discriminator::new(0x1000), None);
    assert_eq!(ShortDiscriminator::new(64), None);
    assert_eq!(Discriminator::new(0xFFF).unwrap().short().get(), 63);
}

#[test]
fn one_time_share_code() {
    let mut shared = washer();
    shared.flags = Flags::ONE_TIME;
    shared.setup_code = SetupCode::parse("80417263").unwrap();
    let manual = shared.manual_code();
    assert!(manual.one_time);
    assert!(manual.encode().starts_with('2'));
    assert_eq!(ManualCode::parse(&manual.encode()), Ok(manual));
    assert_eq!(QrPayload::parse(&shared.encode()), Ok(shared));
}

#[test]
fn qr_text_is_a_version_2_symbol_in_alphanumeric_mode() {
    let text = washer().encode();
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).unwrap();
    assert_eq!(code.version(), qrcode::Version::Normal(2));
    for style in [
        TextStyle::DarkBackground,
        TextStyle::LightBackground,
        TextStyle::Ascii,
    ] {
        let drawn = washer().to_qr_text(style);
        let rows = if style == TextStyle::Ascii { 33 } else { 17 };
        assert_eq!(drawn.lines().count(), rows, "{style:?}");
    }
    // The quiet zone is light: blank in the light style, blocks in the dark one.
    let light = washer().to_qr_text(TextStyle::LightBackground);
    assert!(light.lines().next().unwrap().chars().all(|c| c == ' '));
    let dark = washer().to_qr_text(TextStyle::DarkBackground);
    assert!(
        dark.lines()
            .next()
            .unwrap()
            .chars()
            .all(|c| c == '\u{2588}')
    );
}

fn any_code() -> impl Strategy<Value = SetupCode> {
    (0u32..100_000_000).prop_filter_map("trivial", |v| {
        SetupCode::parse(core::str::from_utf8(&code_digits(v)).unwrap()).ok()
    })
}

fn any_qr() -> impl Strategy<Value = QrPayload> {
    (
        any::<u16>(),
        any::<u16>(),
        any::<[u8; 8]>(),
        0u16..=Discriminator::MAX,
        any_code(),
        1u8..16,
        0u8..4,
    )
        .prop_map(
            |(vendor_id, product_id, device_id, d, setup_code, t, f)| QrPayload {
                vendor_id,
                product_id,
                device_id,
                discriminator: Discriminator::new(d).unwrap(),
                setup_code,
                transports: Transports::from_bits(t).unwrap(),
                flags: Flags::from_bits(f).unwrap(),
            },
        )
}

fn any_manual() -> impl Strategy<Value = ManualCode> {
    (0u8..=ShortDiscriminator::MAX, any_code(), any::<bool>()).prop_map(
        |(s, setup_code, one_time)| ManualCode {
            short_discriminator: ShortDiscriminator::new(s).unwrap(),
            setup_code,
            one_time,
        },
    )
}

proptest! {
    #[test]
    fn qr_round_trips(p in any_qr()) {
        let text = p.encode();
        prop_assert_eq!(text.len(), QR_STRING_LEN);
        prop_assert!(text.chars().all(|c| QR_ALPHANUMERIC.contains(c)));
        prop_assert_eq!(QrPayload::parse(&text), Ok(p));
        let m = p.manual_code();
        prop_assert!(m.short_discriminator.matches(p.discriminator));
        prop_assert_eq!(m.setup_code, p.setup_code);
    }

    #[test]
    fn qr_single_character_change_is_caught(p in any_qr(), at in 4usize..QR_STRING_LEN, c in 0usize..QR_ALPHANUMERIC.len()) {
        let mut b = p.encode().as_bytes().to_vec();
        let new = QR_ALPHANUMERIC.as_bytes()[c];
        prop_assume!(b[at] != new);
        b[at] = new;
        let r = QrPayload::parse(core::str::from_utf8(&b).unwrap());
        prop_assert!(
            matches!(r, Err(OnboardingError::ChecksumMismatch | OnboardingError::BadCharacter { .. })),
            "{:?}",
            r
        );
    }

    #[test]
    fn qr_parse_never_panics(s in "\\PC{0,40}", prefix in prop::bool::ANY) {
        let s = if prefix { std::format!("AL1:{s}") } else { s };
        if let Ok(p) = QrPayload::parse(&s) {
            let again = p.encode();
            prop_assert_eq!(again.as_str(), s.as_str());
        }
    }

    #[test]
    fn qr_parse_of_base32_bodies(body in "[A-Z2-7]{32}") {
        let s = std::format!("AL1:{body}");
        match QrPayload::parse(&s) {
            Ok(p) => {
                let again = p.encode();
                prop_assert_eq!(again.as_str(), s.as_str());
            }
            Err(e) => {
                let expected = matches!(
                    e,
                    OnboardingError::ChecksumMismatch
                        | OnboardingError::FieldOutOfRange { .. }
                        | OnboardingError::TrivialSetupCode
                );
                prop_assert!(expected, "{:?}", e);
            }
        }
    }

    #[test]
    fn manual_round_trips(m in any_manual(), seps in prop::collection::vec(0u8..3, 12)) {
        let printed = m.encode();
        prop_assert_eq!(printed.len(), MANUAL_CODE_LEN);
        prop_assert_eq!(ManualCode::parse(&printed), Ok(m));
        // Separators anywhere, or none.
        let mut typed = String::new();
        for (d, s) in m.digits().iter().zip(&seps) {
            typed.push(char::from(*d));
            typed.push_str(["", "-", " "][usize::from(*s)]);
        }
        prop_assert_eq!(ManualCode::parse(&typed), Ok(m));
    }

    #[test]
    fn manual_single_digit_change_is_caught(m in any_manual(), at in 0usize..12, d in 0u8..10) {
        let mut digits = m.digits();
        prop_assume!(digits[at] != b'0' + d);
        digits[at] = b'0' + d;
        let r = ManualCode::parse(core::str::from_utf8(&digits).unwrap());
        prop_assert_eq!(r, Err(OnboardingError::CheckDigit));
    }

    #[test]
    fn manual_adjacent_swap_is_caught(m in any_manual(), at in 0usize..11) {
        let mut digits = m.digits();
        prop_assume!(digits[at] != digits[at + 1]);
        digits.swap(at, at + 1);
        let r = ManualCode::parse(core::str::from_utf8(&digits).unwrap());
        prop_assert_eq!(r, Err(OnboardingError::CheckDigit));
    }

    #[test]
    fn manual_parse_never_panics(s in "[0-9 \\-]{0,20}|\\PC{0,20}") {
        if let Ok(m) = ManualCode::parse(&s) {
            let typed: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
            prop_assert_eq!(&m.digits()[..], &typed[..]);
        }
    }
}
