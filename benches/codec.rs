//! Codec benchmarks: frame encode, decode and round trip of the three
//! standard messages against bare postcard, prost, minicbor, serde_json and a
//! memcpy floor; CRC-32C and COBS throughput; segmentation and reassembly.
//!
//! Group names are `<message>-<op>` and function names the format, which
//! `scripts/bench.sh` turns into one table.

mod common;

#[path = "common/config.rs"]
mod config;

use core::hint::black_box;

use applink::message::Message;
use applink::time::{Duration, Instant};
use applink::wire::segment::Segmenter;
use applink::wire::stream::{self, Feed};
use applink::wire::{Deframer, Reassembler, crc32c};
use common::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prost::Message as _;

const BUF: usize = 1024;

/// Benchmarks one message's content in every format. A macro rather than a
/// generic function, because the mirror types borrow from the bytes they
/// decode, which a `for<'de> Deserialize<'de>` bound cannot express.
macro_rules! bench_message {
    ($c:expr, $name:expr, $applink:expr, $mirror:expr, $M:ty, $proto:expr, $P:ty) => {
        bench_message!($c, $name, $applink, $mirror, $M, $M, $proto, $P)
    };
    // `$J`: the type JSON decodes into (JSON cannot lend byte strings).
    ($c:expr, $name:expr, $applink:expr, $mirror:expr, $M:ty, $J:ty, $proto:expr, $P:ty) => {{
        let c: &mut Criterion = $c;
        let applink_message = $applink;
        let mirror = $mirror;
        let proto = $proto;

        let mut frame = [0u8; BUF];
        let frame_len = applink_frame(&applink_message, &mut frame);
        let frame = &frame[..frame_len];
        let mut payload = [0u8; BUF];
        let payload_len = applink_payload(&applink_message, &mut payload);
        let payload = &payload[..payload_len];
        let mut tmp = [0u8; BUF];
        let n = postcard_bytes(&mirror, &mut tmp);
        let pc = tmp[..n].to_vec();
        let n = prost_bytes(&proto, &mut tmp);
        let pb = tmp[..n].to_vec();
        let n = cbor_bytes(&mirror, &mut tmp);
        let cb = tmp[..n].to_vec();
        let n = json_bytes(&mirror, &mut tmp);
        let js = tmp[..n].to_vec();

        let mut g = c.benchmark_group(format!("{}-encode", $name));
        let mut out = [0u8; BUF];
        g.bench_function("applink", |b| {
            b.iter(|| applink_frame(black_box(&applink_message), &mut out))
        });
        g.bench_function("applink-payload", |b| {
            b.iter(|| applink_payload(black_box(&applink_message), &mut out))
        });
        g.bench_function("postcard", |b| {
            b.iter(|| postcard_bytes(black_box(&mirror), &mut out))
        });
        g.bench_function("prost", |b| {
            b.iter(|| prost_bytes(black_box(&proto), &mut out))
        });
        g.bench_function("minicbor", |b| {
            b.iter(|| cbor_bytes(black_box(&mirror), &mut out))
        });
        g.bench_function("serde_json", |b| {
            b.iter(|| json_bytes(black_box(&mirror), &mut out))
        });
        g.bench_function("memcpy", |b| {
            b.iter(|| out[..frame_len].copy_from_slice(black_box(frame)))
        });
        g.finish();

        // Decoding reads every value back out, so lazy and eager decoders pay
        // for the same work.
        let mut g = c.benchmark_group(format!("{}-decode", $name));
        g.bench_function("applink", |b| {
            b.iter(|| {
                let (h, m) = applink::from_bytes(black_box(frame)).unwrap();
                walk(&m);
                h
            })
        });
        g.bench_function("applink-payload", |b| {
            b.iter(|| walk(&Message::from_bytes(black_box(payload)).unwrap()))
        });
        g.bench_function("postcard", |b| {
            b.iter(|| black_box(postcard::from_bytes::<$M>(black_box(&pc)).unwrap()))
        });
        g.bench_function("prost", |b| {
            b.iter(|| black_box(<$P>::decode(black_box(&pb[..])).unwrap()))
        });
        g.bench_function("minicbor", |b| {
            b.iter(|| black_box(minicbor::decode::<$M>(black_box(&cb)).unwrap()))
        });
        g.bench_function("serde_json", |b| {
            b.iter(|| black_box(serde_json::from_slice::<$J>(black_box(&js)).unwrap()))
        });
        g.bench_function("memcpy", |b| {
            b.iter(|| out[..frame_len].copy_from_slice(black_box(frame)))
        });
        g.finish();

        let mut g = c.benchmark_group(format!("{}-roundtrip", $name));
        g.bench_function("applink", |b| {
            b.iter(|| {
                let n = applink_frame(black_box(&applink_message), &mut out);
                let (h, m) = applink::from_bytes(&out[..n]).unwrap();
                walk(&m);
                h
            })
        });
        g.bench_function("applink-payload", |b| {
            b.iter(|| {
                let n = applink_payload(black_box(&applink_message), &mut out);
                walk(&Message::from_bytes(&out[..n]).unwrap())
            })
        });
        g.bench_function("postcard", |b| {
            b.iter(|| {
                let n = postcard_bytes(black_box(&mirror), &mut out);
                black_box(&postcard::from_bytes::<$M>(&out[..n]).unwrap());
            })
        });
        g.bench_function("prost", |b| {
            b.iter(|| {
                let n = prost_bytes(black_box(&proto), &mut out);
                black_box(&<$P>::decode(&out[..n]).unwrap());
            })
        });
        g.bench_function("minicbor", |b| {
            b.iter(|| {
                let n = cbor_bytes(black_box(&mirror), &mut out);
                black_box(&minicbor::decode::<$M>(&out[..n]).unwrap());
            })
        });
        g.bench_function("serde_json", |b| {
            b.iter(|| {
                let n = json_bytes(black_box(&mirror), &mut out);
                black_box(&serde_json::from_slice::<$J>(&out[..n]).unwrap());
            })
        });
        let mut back = [0u8; BUF];
        g.bench_function("memcpy", |b| {
            b.iter(|| {
                out[..frame_len].copy_from_slice(black_box(frame));
                back[..frame_len].copy_from_slice(black_box(&out[..frame_len]));
            })
        });
        g.finish();
    }};
}

fn messages(c: &mut Criterion) {
    bench_message!(
        c,
        "report",
        report(),
        m_report(),
        MReport<'_>,
        pb_report(),
        PbReport
    );
    bench_message!(
        c,
        "invoke",
        invoke(),
        m_invoke(),
        MInvoke<'_>,
        pb_invoke(),
        PbInvoke
    );
    let data = descriptor_bytes();
    bench_message!(
        c,
        "descriptor",
        descriptor(&data),
        m_descriptor(&data),
        MDescriptor<'_>,
        MDescriptorJson,
        pb_descriptor(&data),
        PbDescriptor
    );
}

fn integrity_and_framing(c: &mut Criterion) {
    let data: Vec<u8> = (0..1024u32).map(|i| (i * 37 % 251) as u8).collect();
    let mut g = c.benchmark_group("crc32c");
    for len in [64, 1024] {
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_function(format!("{len}B"), |b| {
            b.iter(|| crc32c(black_box(&data[..len])))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("cobs");
    let mut wire = vec![0u8; stream::encoded_max_len(data.len())];
    let n = stream::encode(&data, &mut wire).unwrap();
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("encode-1KiB", |b| {
        b.iter(|| stream::encode(black_box(&data), &mut wire).unwrap())
    });
    // A valid frame of about 1 KiB, so the deframer's frame check passes.
    let big = vec![0xA5u8; 1000];
    let mut frame = vec![0u8; 1100];
    let flen = applink::wire::encode_plain(&HEADER, &big, &mut frame).unwrap();
    let mut framed = vec![0u8; stream::encoded_max_len(flen)];
    let fn_ = stream::encode(&frame[..flen], &mut framed).unwrap();
    let mut deframer = Deframer::<2048>::new();
    g.bench_function("deframe-1KiB", |b| {
        b.iter(|| match deframer.feed(black_box(&framed[..fn_])) {
            Feed::Frame { frame, .. } => frame.body.len(),
            other => panic!("{other:?}"),
        })
    });
    let _ = n;
    g.finish();

    let mut g = c.benchmark_group("segment");
    let mut report_frame = [0u8; BUF];
    let rlen = applink_frame(&report(), &mut report_frame);
    let dbytes = descriptor_bytes();
    let mut desc_frame = [0u8; BUF];
    let dlen = applink_frame(&descriptor(&dbytes), &mut desc_frame);
    for (name, bytes) in [
        ("report", &report_frame[..rlen]),
        ("descriptor", &desc_frame[..dlen]),
    ] {
        for mtu in [20usize, 244] {
            let mut r = Reassembler::<1, 512>::new(Duration::from_secs(5));
            let mut seg = [0u8; 256];
            g.throughput(Throughput::Bytes(bytes.len() as u64));
            g.bench_function(format!("{name}-mtu{mtu}"), |b| {
                b.iter(|| {
                    let mut s = Segmenter::new(black_box(bytes), 1, mtu).unwrap();
                    let mut done = 0;
                    while let Some(n) = s.next_segment(&mut seg) {
                        if let Some(m) = r.push(&seg[..n.unwrap()], Instant::ZERO).unwrap() {
                            done = m.len();
                        }
                    }
                    done
                })
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = config::config();
    targets = messages, integrity_and_framing
}
criterion_main!(benches);
