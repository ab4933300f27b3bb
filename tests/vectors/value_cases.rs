//! Cases of `values.json`: every `Value` variant, nesting, and rejected values.

use super::{Case, File, Kind, list_of, nested_lists, static_bytes, struct_of};
use applink::message::{Field, Value};

pub fn push(all: &mut Vec<Case>) {
    let mut add = |name, description, kind| {
        all.push(Case {
            file: File::Values,
            name,
            description,
            kind,
        })
    };
    let good: [(&'static str, &'static str, Value<'static>); 25] = [
        ("null", "Null: the tag alone", Value::Null),
        ("bool_false", "Bool false", Value::Bool(false)),
        ("bool_true", "Bool true", Value::Bool(true)),
        ("u8", "U8 200: one raw byte, not a varint", Value::U8(200)),
        ("u16", "U16 300: two-byte varint", Value::U16(300)),
        (
            "u16_max",
            "U16 65535: three-byte varint, last byte 0x03",
            Value::U16(u16::MAX),
        ),
        ("u32", "U32 70000: three-byte varint", Value::U32(70_000)),
        (
            "u32_max",
            "U32 max: five-byte varint, last byte 0x0F",
            Value::U32(u32::MAX),
        ),
        (
            "u64_max",
            "U64 max: ten-byte varint, last byte 0x01",
            Value::U64(u64::MAX),
        ),
        ("i8", "I8 -5: one raw two's-complement byte", Value::I8(-5)),
        ("i16", "I16 -2: zigzag 3", Value::I16(-2)),
        ("i32", "I32 -70000: zigzag 139999", Value::I32(-70_000)),
        ("i64_min", "I64 min: zigzag u64 max", Value::I64(i64::MIN)),
        ("i64_positive", "I64 1: zigzag 2", Value::I64(1)),
        (
            "f32",
            "F32 1.5: IEEE 754 binary32, little-endian",
            Value::F32(1.5),
        ),
        (
            "f64",
            "F64 -0.25: IEEE 754 binary64, little-endian",
            Value::F64(-0.25),
        ),
        (
            "str",
            "Str with a two-byte UTF-8 character: length counts bytes",
            Value::Str("h\u{e9}llo"),
        ),
        ("str_empty", "Empty Str", Value::Str("")),
        (
            "bytes",
            "Bytes DE AD BE EF",
            Value::Bytes(static_bytes(vec![0xDE, 0xAD, 0xBE, 0xEF])),
        ),
        ("enum", "Enum member 3", Value::Enum(3)),
        ("bitmap", "Bitmap 0x81: a varint", Value::Bitmap(0x81)),
        (
            "list",
            "List of three values: its length prefix counts bytes, not elements",
            list_of(vec![Value::U8(1), Value::Str("a"), Value::Null]),
        ),
        (
            "struct",
            "Struct of two fields",
            struct_of(vec![
                Field::new(1, Value::U8(7)),
                Field::new(2, Value::Bool(false)),
            ]),
        ),
        (
            "list_of_struct",
            "A list holding a struct and a Null",
            list_of(vec![
                struct_of(vec![
                    Field::new(1, Value::U8(7)),
                    Field::new(2, Value::Bool(false)),
                ]),
                Value::Null,
            ]),
        ),
        ("list_empty", "Empty list: byte length 0", list_of(vec![])),
    ];
    for (name, description, value) in good {
        add(name, description, Kind::Value(value));
    }
    add(
        "nesting_depth_4",
        "Four nested lists around a Null: the deepest nesting accepted",
        Kind::Value(nested_lists(4)),
    );
    add(
        "struct_in_list_in_struct",
        "Struct holding a list holding a struct (three levels) with a vendor field id",
        Kind::Value(struct_of(vec![Field::new(
            0x8000,
            list_of(vec![struct_of(vec![Field::new(0, Value::I8(-1))])]),
        )])),
    );
    add(
        "u16_overlong",
        "U16 0 written as the overlong varint 80 00: accepted, re-encoded as 00",
        Kind::ValueNonCanonical {
            bytes: vec![0x03, 0x80, 0x00],
            value: Value::U16(0),
        },
    );
    let bad: [(&'static str, &'static str, Vec<u8>); 13] = [
        (
            "nesting_depth_5",
            "Five nested lists: one level too deep",
            vec![
                0x10, 0x09, 0x10, 0x07, 0x10, 0x05, 0x10, 0x03, 0x10, 0x01, 0x00,
            ],
        ),
        (
            "nesting_depth_5_empty",
            "Five nested lists, the innermost empty: still too deep",
            vec![0x10, 0x08, 0x10, 0x06, 0x10, 0x04, 0x10, 0x02, 0x10, 0x00],
        ),
        (
            "bad_utf8",
            "Str holding the byte FF: not UTF-8",
            vec![0x0C, 0x01, 0xFF],
        ),
        (
            "bad_utf8_in_list",
            "A list holding a Str that is not UTF-8: checked when the list is decoded",
            vec![0x10, 0x03, 0x0C, 0x01, 0xFF],
        ),
        ("bad_bool", "Bool byte 2", vec![0x01, 0x02]),
        ("unknown_variant", "Value tag 18: not a variant", vec![0x12]),
        (
            "list_partial_element",
            "List of byte length 2 whose U16 varint does not end inside it",
            vec![0x10, 0x02, 0x03, 0x80],
        ),
        (
            "list_longer_than_input",
            "List of byte length 5 with 1 byte left",
            vec![0x10, 0x05, 0x00],
        ),
        (
            "struct_field_cut",
            "Struct whose only field has an id and a U16 tag but no value",
            vec![0x11, 0x02, 0x01, 0x03],
        ),
        (
            "u16_varint_overflow",
            "U16 varint whose third byte exceeds 0x03",
            vec![0x03, 0xFF, 0xFF, 0x04],
        ),
        (
            "u16_varint_too_long",
            "U16 varint of four bytes",
            vec![0x03, 0x80, 0x80, 0x80, 0x00],
        ),
        (
            "u32_varint_overflow",
            "U32 varint whose fifth byte exceeds 0x0F",
            vec![0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0x10],
        ),
        (
            "f32_truncated",
            "F32 with three bytes",
            vec![0x0A, 0x00, 0x00, 0xC0],
        ),
    ];
    for (name, description, bytes) in bad {
        add(name, description, Kind::BadValue(bytes));
    }
}
