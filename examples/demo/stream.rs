//! Part 1 of `cargo run --example demo`: a phone and a lamp talk over a
//! byte stream.
//!
//! Builds the frames of a short conversation (hello, read, report), prints
//! each as hex with a decoded view, sends them through the COBS stream framing
//! with line noise in between, and decodes them back through the stream
//! deframer, as a UART receiver would.

use applink::message::{
    AttributeId, AttributeValue, CapabilityId, EndpointId, Features, Fixed, Hello, HelloAccept,
    HelloReply, Message, Purpose, Read, ReadReply, Record, Report, Seq, Subscribe, SubscribeReply,
    Value,
};
use applink::wire::stream::{self, Deframer, Feed};
use applink::wire::{Flags, Header};

const ON_OFF: CapabilityId = applink::catalog::on_off::ID;
const LEVEL: CapabilityId = applink::catalog::level_control::ID;
const LAMP: EndpointId = EndpointId(1);

/// Runs the byte-stream transcript.
pub fn run() {
    let lamp_state = [
        AttributeValue::new(0, Value::Bool(true)),
        AttributeValue::new(1, Value::Str("desk lamp")),
    ];
    let level_state = [AttributeValue::new(0, Value::U8(180))];
    let read_records = [
        Record {
            endpoint: LAMP,
            capability: ON_OFF,
            data_version: 7,
            values: Seq::from_slice(&lamp_state),
        },
        Record {
            endpoint: LAMP,
            capability: LEVEL,
            data_version: 2,
            values: Seq::from_slice(&level_state),
        },
    ];
    let switched_off = [AttributeValue::new(0, Value::Bool(false))];
    let report_records = [Record {
        endpoint: LAMP,
        capability: ON_OFF,
        data_version: 8,
        values: Seq::from_slice(&switched_off),
    }];
    let on_off_attr = [AttributeId(0)];
    let features = Features::SUBSCRIPTIONS | Features::EVENTS;

    // (who, header, message): a plaintext frame carries no counter and no
    // acknowledgement; the side that opens an exchange sets flag I.
    let phone = Flags::INITIATOR;
    let conversation: [(&str, Header, Message<'_>); 7] = [
        (
            "phone",
            Header::plaintext(1).with_flags(phone),
            Message::Hello(Hello {
                min_version: 1,
                max_version: 1,
                max_frame: 1024,
                features,
                purpose: Purpose::Query,
            }),
        ),
        (
            "lamp",
            Header::plaintext(1),
            Message::HelloReply(HelloReply::Accept(HelloAccept {
                version: 1,
                max_frame: 512,
                features,
                descriptor_hash: Fixed([0x5A; 16]),
                device_id: Fixed(*b"LAMP0042"),
            })),
        ),
        (
            "phone",
            Header::plaintext(2).with_flags(phone),
            Message::Read(Read {
                endpoint: LAMP,
                capability: None,
                attributes: Seq::empty(),
            }),
        ),
        (
            "lamp",
            Header::plaintext(2),
            Message::ReadReply(ReadReply {
                records: Seq::from_slice(&read_records),
                more: false,
            }),
        ),
        (
            "phone",
            Header::plaintext(3).with_flags(phone),
            Message::Subscribe(Subscribe {
                endpoint: LAMP,
                capability: Some(ON_OFF),
                attributes: Seq::from_slice(&on_off_attr),
                min_interval_ms: 500,
                max_interval_ms: 60_000,
                min_change: 0,
                events: false,
            }),
        ),
        (
            "lamp",
            Header::plaintext(3),
            Message::SubscribeReply(SubscribeReply {
                subscription: 1,
                max_interval_ms: 60_000,
            }),
        ),
        (
            "lamp",
            Header::plaintext(1).with_flags(Flags::INITIATOR),
            Message::Report(Report {
                subscription: 1,
                records: Seq::from_slice(&report_records),
            }),
        ),
    ];

    // Encode every frame, print it, and append it to one byte stream with
    // some line noise before each frame.
    let mut line = [0u8; 2048];
    let mut line_len = 0;
    println!("== frames ==");
    for (i, (who, header, message)) in conversation.iter().enumerate() {
        let mut frame = [0u8; 512];
        let n = applink::to_slice(header, message, &mut frame).expect("frame fits");
        assert_eq!(n, applink::encoded_len(header, message));
        let h = header.buffer_len();
        println!(
            "{who:>5} #{i} {:<14} {n:>3} bytes  {} | {} | {}",
            message.name(),
            hex(&frame[..h]),
            hex(&frame[h..n - 4]),
            hex(&frame[n - 4..n])
        );
        println!("       {message:?}");

        let noise: &[u8] = if i % 2 == 0 {
            &[0x00]
        } else {
            &[0x7E, 0x13, 0x00]
        };
        line[line_len..line_len + noise.len()].copy_from_slice(noise);
        line_len += noise.len();
        line_len += stream::encode(&frame[..n], &mut line[line_len..]).expect("line fits");
    }

    // Receive the stream in 7-byte pieces, as a UART driver hands them over.
    println!();
    println!("== stream: {line_len} bytes, received in 7-byte pieces ==");
    let mut deframer = Deframer::<600>::new();
    let mut received = 0;
    let mut rejected = 0;
    for piece in line[..line_len].chunks(7) {
        let mut input = piece;
        loop {
            match deframer.feed(input) {
                Feed::Consumed => break,
                Feed::Frame { frame, remaining } => {
                    // The deframer has checked the CRC; decode the payload.
                    let header = frame.header;
                    let message = Message::from_bytes(frame.body).expect("known message");
                    let (_, _, expected) = &conversation[received];
                    assert_eq!(&message, expected, "frame {received} decodes back");
                    println!(
                        "  frame {received}: exchange {} flags {:#04x} -> {}",
                        header.exchange,
                        header.flags.bits(),
                        message.name()
                    );
                    received += 1;
                    input = remaining;
                }
                Feed::Error { error, remaining } => {
                    println!("  noise rejected: {error}");
                    rejected += 1;
                    input = remaining;
                }
            }
        }
    }
    println!();
    println!(
        "{received} of {} frames decoded back; {rejected} noise chunks rejected",
        conversation.len()
    );
    assert_eq!(received, conversation.len());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
