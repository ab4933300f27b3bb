//! The tables of `spec/SPEC.md` that name numbers — message types (section
//! 5), statuses (4.5), features (4.6) and frame flags (3.2) — against the
//! crate's own constants, the same constants `examples/gen_dissector.rs`
//! writes into the Wireshark dissector. A number added to, renamed in or
//! removed from either side fails here, so the spec, the crate and the
//! dissector cannot drift apart.

use applink::message::{Features, MESSAGE_NAMES, MESSAGE_TYPES, Message, Status};
use applink::wire::Flags;

const SPEC: &str = include_str!("../spec/SPEC.md");

/// The rows of the first table after the heading that starts with
/// `heading`, as trimmed cells, the header and separator rows left out.
fn table(heading: &str) -> Vec<Vec<String>> {
    let mut lines = SPEC.lines().skip_while(|l| !l.starts_with(heading));
    assert!(lines.next().is_some(), "SPEC.md has no heading {heading:?}");
    let rows: Vec<Vec<String>> = lines
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert!(rows.len() > 2, "the table under {heading:?} has no rows");
    rows.into_iter().skip(2).collect()
}

/// A cell's text without its code quotes.
fn name(cell: &str) -> &str {
    cell.trim_matches('`')
}

fn number(cell: &str) -> u64 {
    let cell = name(cell);
    match cell.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => cell.parse(),
    }
    .unwrap_or_else(|_| panic!("{cell:?} is not a number"))
}

#[test]
fn the_message_table_is_the_crates() {
    let rows = table("## 5. Messages");
    let spec: Vec<(u64, &str)> = rows.iter().map(|r| (number(&r[0]), name(&r[1]))).collect();
    let crate_: Vec<(u64, &str)> = (0..MESSAGE_TYPES)
        .map(|t| (u64::from(t), MESSAGE_NAMES[t as usize]))
        .collect();
    assert_eq!(spec, crate_, "SPEC.md section 5 against MESSAGE_NAMES");
    // And section 5.1's bound on the first unknown type is the table's end.
    let bound = format!("A type ≥ {MESSAGE_TYPES} (not in the table)");
    assert!(SPEC.contains(&bound), "SPEC.md 5.1 should say {bound:?}");
    // The crate really refuses the first type past the table.
    assert!(Message::from_bytes(&[MESSAGE_TYPES as u8]).is_err());
}

#[test]
fn the_status_table_is_the_crates() {
    let rows = table("### 4.5 `Status`");
    let spec: Vec<(u64, String)> = rows
        .iter()
        .map(|r| (number(&r[0]), name(&r[1]).to_string()))
        .collect();
    let crate_: Vec<(u64, String)> = Status::ALL
        .iter()
        .map(|s| {
            (
                u64::from(s.0),
                s.name().expect("a named status").to_string(),
            )
        })
        .collect();
    assert_eq!(spec, crate_, "SPEC.md 4.5 against Status::ALL");
}

#[test]
fn the_feature_table_is_the_crates() {
    let rows = table("### 4.6 `Features`");
    let spec: Vec<(u64, u64, &str)> = rows
        .iter()
        .map(|r| (number(&r[0]), number(&r[1]), name(&r[2])))
        .collect();
    let crate_ = [
        (Features::RELIABLE, "RELIABLE"),
        (Features::SEGMENTATION, "SEGMENTATION"),
        (Features::SUBSCRIPTIONS, "SUBSCRIPTIONS"),
        (Features::EVENTS, "EVENTS"),
    ];
    assert_eq!(spec.len(), crate_.len(), "SPEC.md 4.6 rows");
    for ((bit, mask, spec_name), (feature, crate_name)) in spec.iter().zip(crate_) {
        assert_eq!(u64::from(feature.0), *mask, "{crate_name}'s mask");
        assert_eq!(1u64 << bit, *mask, "{crate_name}'s bit");
        assert_eq!(*spec_name, crate_name);
    }
}

#[test]
fn the_flag_table_is_the_crates() {
    let rows = table("### 3.2 Flags");
    let mask_of = |letter: &str| -> u64 {
        let row = rows
            .iter()
            .find(|r| r[2].starts_with(&format!("{letter},")))
            .unwrap_or_else(|| panic!("SPEC.md 3.2 has no flag {letter}"));
        assert_eq!(1u64 << number(&row[0]), number(&row[1]), "flag {letter}");
        number(&row[1])
    };
    assert_eq!(mask_of("S"), u64::from(Flags::SECURED.bits()));
    assert_eq!(mask_of("R"), u64::from(Flags::ACK_REQUESTED.bits()));
    assert_eq!(mask_of("I"), u64::from(Flags::INITIATOR.bits()));
    assert_eq!(mask_of("K"), u64::from(Flags::KEY_PHASE.bits()));
    // A is not a constant of its own (the header sets it with the ack
    // field): what the spec names A is the one remaining known bit.
    let a = mask_of("A");
    let known = Flags::SECURED.bits()
        | Flags::ACK_REQUESTED.bits()
        | Flags::INITIATOR.bits()
        | Flags::KEY_PHASE.bits();
    assert_eq!(a & u64::from(known), 0, "A is none of S, R, I, K");
    let reserved = rows
        .iter()
        .find(|r| r[2] == "reserved")
        .expect("SPEC.md 3.2 names the reserved bits");
    assert_eq!(
        number(&reserved[1]),
        0xFF & !(a | u64::from(known)),
        "the reserved mask is every other bit"
    );
}
