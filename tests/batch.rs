//! Batched requests (`spec/INTERACTION.md`, section 10): a scene across three
//! lamps in one message, run in order, one result per item; what happens
//! after a failing item; per-item checks; the reply bound; and, between two
//! nodes on a lossy link, a batch that runs exactly once.

use core::cell::Cell;

mod common;
mod node_support;

use applink::catalog::{door_lock, level_control, on_off};
use applink::interaction::clients::{DoorLock, LevelControl, OnOff};
use applink::interaction::stock::{self, LevelState};
use applink::interaction::{EndpointEntry, EventCounter, Instance, RamSequenceStore};
use applink::message::*;
use applink::node::owned::ItemOutcome;
use applink::node::{Reply, SECURED_OVERHEAD};
use applink::time::Duration;
use common::*;
use node_support::{Faults, LAMP, World, lamp_devices};

/// A modest radio link's frame.
const FRAME: usize = 128;

/// The lamps' state: endpoint `k + 1` is lamp `k`.
struct Lamps {
    on: [Cell<bool>; 3],
    level: [LevelState; 3],
}

/// Three lamps (on/off + level on endpoints 1..=3; lamp 3 starts on) and a
/// door lock on endpoint 4.
fn with_lamps(test: impl FnOnce(&mut Appliance<'_>, &Lamps)) {
    let lamps = Lamps {
        on: [Cell::new(false), Cell::new(false), Cell::new(true)],
        level: [
            LevelState::new(Some(10)),
            LevelState::new(Some(10)),
            LevelState::new(Some(10)),
        ],
    };
    let [o1, o2, o3] = &lamps.on;
    let [v1, v2, v3] = &lamps.level;
    let (mut on1, mut on2, mut on3) = (
        stock::OnOff::new(o1),
        stock::OnOff::new(o2),
        stock::OnOff::new(o3),
    );
    let (mut l1, mut l2, mut l3) = (
        stock::Level::new(v1),
        stock::Level::new(v2),
        stock::Level::new(v3),
    );
    let mut lock = Store::new(Kind::Plain, &[(0, Value::Enum(1)), (1, Value::U16(0))]);
    let mut a = [
        Instance::new(&on_off::CAPABILITY, &mut on1),
        Instance::new(&level_control::CAPABILITY, &mut l1),
    ];
    let mut b = [
        Instance::new(&on_off::CAPABILITY, &mut on2),
        Instance::new(&level_control::CAPABILITY, &mut l2),
    ];
    let mut c = [
        Instance::new(&on_off::CAPABILITY, &mut on3),
        Instance::new(&level_control::CAPABILITY, &mut l3),
    ];
    let mut d = [Instance::new(&door_lock::CAPABILITY, &mut lock)];
    let mut endpoints = [
        EndpointEntry::new(1, &[], &mut a),
        EndpointEntry::new(2, &[], &mut b),
        EndpointEntry::new(3, &[], &mut c),
        EndpointEntry::new(4, &[], &mut d),
    ];
    let counter = EventCounter::new(RamSequenceStore::default(), 16);
    let mut appliance = Appliance::new(info(), &mut endpoints, counter, 7).expect("valid");
    test(&mut appliance, &lamps);
}

impl Lamps {
    fn on(&self) -> [bool; 3] {
        [self.on[0].get(), self.on[1].get(), self.on[2].get()]
    }
}

fn batch<'a>(items: &'a [BatchItem<'a>], stop_on_failure: bool) -> Message<'a> {
    Message::Batch(Batch {
        stop_on_failure,
        items: Seq::from_slice(items),
    })
}

/// The single reply's results.
fn results(replies: &[Vec<u8>]) -> Vec<BatchResult<'_>> {
    assert_eq!(replies.len(), 1, "one reply");
    match Message::from_bytes(&replies[0]).unwrap() {
        Message::BatchReply(r) => r.results.iter().collect(),
        other => panic!("not a BatchReply: {other:?}"),
    }
}

#[test]
fn a_scene_across_three_lamps_is_one_message_and_one_reply() {
    with_lamps(|d, lamps| {
        let on1 = OnOff::new(EndpointId(1)).on();
        let dim2 = LevelControl::new(EndpointId(2))
            .move_to_level(200, Some(1.5))
            .unwrap();
        let off3 = OnOff::new(EndpointId(3)).off();
        let items = [on1.item(), dim2.item(), off3.item()];
        let request = batch(&items, false);
        let mut wire = [0u8; FRAME];
        let size = request.to_slice(&mut wire).unwrap().len();
        println!(
            "a batch of three invokes: {size} bytes of payload, {} in a secured frame",
            size + SECURED_OVERHEAD
        );
        assert!(size + SECURED_OVERHEAD <= FRAME);
        assert_eq!(lamps.on(), [false, false, true]);
        let replies = call(d, &request, USER, 0, FRAME - SECURED_OVERHEAD);
        let got = results(&replies);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|r| !r.is_failure()), "{got:?}");
        assert!(matches!(got[0], BatchResult::Invoked(r) if r.status == Status::SUCCESS));
        // Each item changed its own lamp.
        assert_eq!(lamps.on(), [true, false, false]);
        assert_eq!(lamps.level[1].level(), Some(200));
        assert_eq!(lamps.level[0].level(), Some(10));
    });
}

#[test]
fn items_after_a_failing_one_run_unless_the_batch_stops_on_failure() {
    for stop in [false, true] {
        with_lamps(|d, lamps| {
            let on1 = OnOff::new(EndpointId(1)).on();
            let nowhere = OnOff::new(EndpointId(9)).on();
            let on2 = OnOff::new(EndpointId(2)).on();
            let items = [on1.item(), nowhere.item(), on2.item()];
            let replies = call(d, &batch(&items, stop), USER, 0, 256);
            let got = results(&replies);
            assert_eq!(got[1], BatchResult::Failed(Status::UNSUPPORTED_ENDPOINT));
            if stop {
                assert_eq!(got[2], BatchResult::NotRun);
                assert_eq!(lamps.on(), [true, false, true], "item 3 did not run");
            } else {
                assert!(!got[2].is_failure());
                assert_eq!(lamps.on(), [true, true, true]);
            }
            // Item 1 ran either way: a batch is not a transaction.
            assert!(!got[0].is_failure());
        });
    }
}

#[test]
fn each_item_keeps_its_own_checks() {
    with_lamps(|d, lamps| {
        let unlock_untimed = Invoke {
            endpoint: EndpointId(4),
            capability: door_lock::ID,
            command: door_lock::unlock::ID,
            timed_ms: None,
            args: Seq::empty(),
        };
        let relock = WriteRequestFor::auto_relock(30);
        let toggle = OnOff::new(EndpointId(1)).toggle();
        let items = [
            BatchItem::Invoke(unlock_untimed),
            BatchItem::Write(relock.write()),
            toggle.item(),
        ];
        let replies = call(d, &batch(&items, false), USER, 0, 256);
        let got_user = results(&replies)
            .into_iter()
            .map(|r| format!("{r:?}"))
            .collect::<Vec<_>>();
        // Unlocking needs a timed invoke; the relock time needs an admin.
        assert_eq!(
            got_user[0],
            format!("{:?}", BatchResult::Failed(Status::NEEDS_TIMED_INVOKE))
        );
        assert_eq!(
            got_user[1],
            format!("{:?}", BatchResult::Failed(Status::ACCESS_DENIED))
        );
        assert_eq!(lamps.on(), [true, false, true]);
        let replies = call(d, &batch(&items, false), ADMIN, 0, 256);
        let got_admin = results(&replies);
        assert!(matches!(got_admin[1], BatchResult::Written(_)));
        let timed = DoorLock::new(EndpointId(4)).unlock(500).unwrap();
        let replies = call(d, &batch(&[timed.item()], false), USER, 0, 256);
        let got = results(&replies);
        assert!(!got[0].is_failure(), "{got:?}");
        // Not paired: nothing runs, one status for the whole batch.
        let replies = call(d, &batch(&items, false), STRANGER, 0, 256);
        assert_eq!(status_of(&replies), Some(Status::NEEDS_PAIRING));
        assert_eq!(lamps.on(), [false, false, true]);
    });
}

/// The relock-time write of the door lock on endpoint 4 (admin only).
struct WriteRequestFor([AttributeValue<'static>; 1]);

impl WriteRequestFor {
    fn auto_relock(seconds: u16) -> Self {
        WriteRequestFor([AttributeValue::new(
            door_lock::AUTO_RELOCK.0,
            Value::U16(seconds),
        )])
    }

    fn write(&self) -> Write<'_> {
        Write {
            endpoint: EndpointId(4),
            capability: door_lock::ID,
            data_version: None,
            values: Seq::from_slice(&self.0),
        }
    }
}

#[test]
fn an_item_runs_only_while_the_reply_has_room_for_its_result() {
    with_lamps(|d, lamps| {
        let items: Vec<_> = (1..=3u16)
            .map(|e| OnOff::new(EndpointId(e)).toggle())
            .collect();
        let items: Vec<_> = items.iter().map(|i| i.item()).collect();
        // Room for the reply's head (6) and three 4-byte entries: the first
        // toggle's largest result (5 bytes: variant, status, empty fields)
        // does not fit beside the 8 bytes kept for the two after it, so it
        // does not run; its 2-byte refusal leaves room for the others.
        let tight = 1 + 5 + 3 * 4;
        let replies = call(d, &batch(&items, false), USER, 0, tight);
        let got = results(&replies);
        assert_eq!(got[0], BatchResult::Failed(Status::RESOURCE_EXHAUSTED));
        assert!(!got[1].is_failure() && !got[2].is_failure(), "{got:?}");
        assert_eq!(lamps.on(), [false, true, false]);
        // One byte more and all three run.
        let replies = call(d, &batch(&items, false), USER, 0, tight + 1);
        assert!(results(&replies).iter().all(|r| !r.is_failure()));
        assert_eq!(lamps.on(), [true, false, true]);
        // ... and far too small a frame: nothing runs.
        let replies = call(d, &batch(&items, false), USER, 0, 12);
        assert_eq!(status_of(&replies), Some(Status::RESOURCE_EXHAUSTED));
        assert_eq!(lamps.on(), [true, false, true]);
        // Too many items: refused whole.
        let many = vec![items[0]; MAX_BATCH_ITEMS + 1];
        let replies = call(d, &batch(&many, false), USER, 0, 1024);
        assert_eq!(status_of(&replies), Some(Status::RESOURCE_EXHAUSTED));
        assert_eq!(lamps.on(), [true, false, true]);
    });
}

/// Between two nodes on links that lose, duplicate, reorder, corrupt and
/// delay frames, every batch runs exactly once and is answered once: the
/// reply cache covers the batch as one request.
#[test]
fn on_lossy_links_every_batch_runs_once_and_is_answered() {
    for (name, faults) in Faults::each_at_20_percent() {
        let devices = lamp_devices();
        let mut w = World::new(devices, 40, faults);
        w.pair();
        let toggle = OnOff::new(LAMP).toggle();
        let dim = LevelControl::new(LAMP).move_to_level(42, None).unwrap();
        let items = [toggle.item(), dim.item(), toggle.item()];
        let mut ids = Vec::new();
        for _ in 0..10 {
            ids.push(w.phone.request(&batch(&items, false), w.now).unwrap());
            w.run_for(Duration::from_millis(100));
        }
        w.run_for(Duration::from_secs(30));
        for id in ids {
            match w.result(id) {
                Some(Ok(Reply::Batched(outcomes))) => {
                    assert_eq!(outcomes.len(), 3, "{name}");
                    assert!(outcomes.iter().all(ItemOutcome::is_success), "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(
            devices.toggles(),
            20,
            "{name}: each toggle ran exactly once"
        );
        assert_eq!(devices.level.level(), Some(42), "{name}");
    }
}

/// `spec/vectors/interaction.json`'s batch exchanges decode both ways:
/// every request is a `Batch`, every reply a `BatchReply` with one result
/// per item (or a `StatusReport` when nothing ran) that fits the exchange's
/// reply buffer, and both re-encode to the committed bytes. (The file's
/// general checks, `tests/interaction_vectors.rs`, rerun the exchanges.)
#[test]
fn the_batch_exchange_vectors_decode_both_ways() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec/vectors/interaction.json"
    ))
    .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let default_room = doc["devices"]["reply_buffer"].as_u64().unwrap();
    let steps: Vec<&serde_json::Value> = doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == "exchange" && v["decoded"]["device"] == "three_lamps")
        .collect();
    assert_eq!(steps.len(), 6);
    let reencode = |m: &Message<'_>| {
        let mut buf = [0u8; 128];
        m.to_slice(&mut buf).unwrap().to_vec()
    };
    for step in steps {
        let name = &step["name"];
        let request = hex::decode(step["hex"].as_str().unwrap()).unwrap();
        let Ok(m @ Message::Batch(batch)) = Message::from_bytes(&request) else {
            panic!("{name}: not a Batch");
        };
        assert_eq!(reencode(&m), request);
        let replies = step["decoded"]["replies"].as_array().unwrap();
        assert_eq!(replies.len(), 1, "{name}");
        let reply = hex::decode(replies[0]["hex"].as_str().unwrap()).unwrap();
        let decoded = Message::from_bytes(&reply).unwrap();
        assert_eq!(reencode(&decoded), reply);
        let room = step["decoded"]["reply_buffer"]
            .as_u64()
            .unwrap_or(default_room) as usize;
        assert!(reply.len() <= room, "{name}: the reply fits its buffer");
        match decoded {
            Message::BatchReply(r) => assert_eq!(r.results.len(), batch.items.len(), "{name}"),
            Message::Status(s) => assert_eq!(s.status, Status::NEEDS_PAIRING, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}
