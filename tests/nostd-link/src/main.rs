//! A firmware-shaped binary that must link with no std and no allocator:
//! it encodes frames, streams them through COBS, deframes, decodes, and
//! segments and reassembles them, as an appliance would.

#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

use applink::message::{
    AttributeValue, CapabilityId, EndpointId, Message, Record, Report, Seq, Value,
};
use applink::time::{Duration, Instant};
use applink::wire::stream::{self, Deframer, Feed};
use applink::wire::{Header, Reassembler, Segmenter};
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let mut deframer = Deframer::<256>::new();
    let mut reassembler = Reassembler::<2, 256>::new(Duration::from_secs(5));
    let mut counter = 0u32;
    loop {
        counter = counter.wrapping_add(1);
        let values = [
            AttributeValue::new(0, Value::Bool(counter % 2 == 0)),
            AttributeValue::new(1, Value::U8(black_box(200))),
            AttributeValue::new(2, Value::U16(black_box(1000))),
            AttributeValue::new(3, Value::F32(black_box(21.5))),
            AttributeValue::new(4, Value::Str(black_box("lamp"))),
        ];
        let records = [Record {
            endpoint: EndpointId(1),
            capability: CapabilityId(6),
            data_version: counter,
            values: Seq::from_slice(&values),
        }];
        let message = Message::Report(Report {
            subscription: 1,
            records: Seq::from_slice(&records),
        });

        let mut frame = [0u8; 128];
        let Ok(n) = applink::to_slice(&Header::plaintext(counter as u16), &message, &mut frame)
        else {
            continue;
        };

        // Through the UART framing and back.
        let mut line = [0u8; 160];
        let Ok(m) = stream::encode(&frame[..n], &mut line) else {
            continue;
        };
        if let Feed::Frame { frame, .. } = deframer.feed(black_box(&line[..m])) {
            if let Ok(Message::Report(report)) = Message::from_bytes(frame.body) {
                black_box(report.records.iter().count());
            }
        }

        // Through BLE segmentation at the minimum ATT MTU and back.
        let Ok(mut segmenter) = Segmenter::new(&frame[..n], counter as u8, 20) else {
            continue;
        };
        let mut segment = [0u8; 20];
        while let Some(Ok(len)) = segmenter.next_segment(&mut segment) {
            if let Ok(Some(whole)) =
                reassembler.push(&segment[..len], Instant::from_millis(counter.into()))
            {
                black_box(applink::from_bytes(whole).is_ok());
            }
        }
    }
}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {
        black_box(());
    }
}
