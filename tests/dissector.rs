//! The Wireshark dissector (`tools/wireshark/applink.lua`).
//!
//! `lua_tables_are_up_to_date` runs with every `cargo test`: the dissector's
//! generated tables must be what the crate generates now. The other tests
//! need `tshark`, `tcpdump` and the luaossl Lua binding, so they are
//! ignored by default and run by `.ci/run`:
//! `cargo test --test dissector -- --ignored --test-threads=1`. They fail,
//! never skip, when a tool is missing.

#[path = "support/example_bin.rs"]
mod example_bin;
mod node_support;

#[path = "../tools/wireshark/tables.rs"]
mod tables;

use core::net::SocketAddr;
use core::time::Duration;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use applink::catalog::level_control;
use applink::interaction::clients::{self, OnOff};
use applink::message::{Subscribe, Value};
use applink::node::ApplianceConfig;
use applink::node::client::{Client, Notification};
use applink::node::keylog::{KeyLog, traffic_line};
use applink::node::store::MemoryPhoneStore;
use applink::session::Role;
use applink::transport::tcp::{TcpLink, TcpServer};
use applink::transport::udp::UdpLink;
use applink::transport::{Clock, Link, step};
use serde_json::Value as Json;

const LUA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/wireshark/applink.lua");
const CODE: &str = "3141-5926";
/// The port the dissector claims by default (the examples' port).
const PORT: u16 = 5540;
/// A port the tests decode as BLE-style segments.
const SEGMENT_PORT: u16 = 6000;

#[test]
fn lua_tables_are_up_to_date() {
    let committed = std::fs::read_to_string(LUA).expect("tools/wireshark/applink.lua");
    let expected = tables::splice(&committed, &tables::lua_tables()).expect("the generated block");
    assert!(
        committed == expected,
        "tools/wireshark/applink.lua is stale: run `cargo run --example gen_dissector` and commit the result"
    );
}

// ---------------------------------------------------------------------------
// Capture files and tshark
// ---------------------------------------------------------------------------

/// A pcap file of IPv4 datagrams on 127.0.0.1 (link type RAW).
struct Pcap(Vec<u8>);

impl Pcap {
    fn new() -> Pcap {
        let mut b = Vec::new();
        b.extend_from_slice(&0xA1B2_C3D4u32.to_le_bytes());
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&4u16.to_le_bytes());
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&65535u32.to_le_bytes());
        b.extend_from_slice(&101u32.to_le_bytes());
        Pcap(b)
    }

    fn udp(&mut self, from: u16, to: u16, payload: &[u8]) {
        let total = 20 + 8 + payload.len();
        let mut ip = vec![
            0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
        ];
        ip[2..4].copy_from_slice(&(total as u16).to_be_bytes());
        let sum = ip
            .chunks(2)
            .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
            .sum::<u32>();
        let sum = !((sum & 0xFFFF) + (sum >> 16)) as u16;
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        ip.extend_from_slice(&from.to_be_bytes());
        ip.extend_from_slice(&to.to_be_bytes());
        ip.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        ip.extend_from_slice(&[0, 0]);
        ip.extend_from_slice(payload);
        let n = (self.0.len() as u32).to_le_bytes();
        self.0.extend_from_slice(&1u32.to_le_bytes());
        self.0.extend_from_slice(&n);
        self.0.extend_from_slice(&(ip.len() as u32).to_le_bytes());
        self.0.extend_from_slice(&(ip.len() as u32).to_le_bytes());
        self.0.extend_from_slice(&ip);
    }

    fn write(&self, path: &Path) {
        std::fs::write(path, &self.0).unwrap();
    }
}

/// One packet as tshark shows it.
#[derive(Debug)]
struct Row {
    number: usize,
    names: Vec<String>,
    info: String,
    severities: Vec<String>,
    experts: String,
    key_lines: Vec<String>,
    decrypted: Vec<String>,
}

impl Row {
    /// Whether tshark flagged anything as an error or a warning.
    fn has_problem(&self) -> bool {
        // Wireshark's PI_ERROR and PI_WARN.
        self.severities
            .iter()
            .any(|s| s == "8388608" || s == "6291456")
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("applink-dissector-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs tshark with the plugin on `capture`; `args` adds options.
fn tshark(capture: &Path, args: &[&str]) -> Vec<Row> {
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(capture)
        .args(["-X", &format!("lua_script:{LUA}")])
        .args(args)
        .args(["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a"])
        .args(["-E", "aggregator=;"])
        .args([
            "-e",
            "frame.number",
            "-e",
            "applink.name",
            "-e",
            "_ws.col.Info",
        ])
        .args(["-e", "_ws.expert.severity", "-e", "_ws.expert.message"])
        .args([
            "-e",
            "applink.decrypted.line",
            "-e",
            "applink.decrypted.name",
        ])
        .env_remove("APPLINK_KEYLOGFILE")
        .output()
        .expect("tshark runs (Debian: apt-get install tshark)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "tshark failed: {stderr}");
    assert!(
        !stderr.contains("Lua"),
        "the plugin reported an error: {stderr}"
    );
    let list = |s: &str| -> Vec<String> {
        s.split(';')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let c: Vec<&str> = line.split('\t').collect();
            assert_eq!(c.len(), 7, "{line}");
            Row {
                number: c[0].parse().unwrap(),
                names: list(c[1]),
                info: c[2].to_string(),
                severities: list(c[3]),
                experts: c[4].to_string(),
                key_lines: list(c[5]),
                decrypted: list(c[6]),
            }
        })
        .collect()
}

fn vectors(file: &str) -> Json {
    let path = format!("{}/spec/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// Every `name=number` and `name=bool` of `value`'s structs (not inside
/// lists), as the dissector writes them in the Info column.
fn scalar_tokens(value: &Json, out: &mut Vec<String>) {
    if let Json::Object(map) = value {
        for (k, v) in map {
            match v {
                Json::Number(n) => out.push(format!("{k}={n}")),
                Json::Bool(b) => out.push(format!("{k}={b}")),
                Json::Object(_) => scalar_tokens(v, out),
                _ => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The spec's vectors
// ---------------------------------------------------------------------------

#[test]
#[ignore = "needs tshark and lua-luaossl; run by .ci/run"]
fn every_vector_frame_dissects_as_the_spec_says() {
    let mut cases = Vec::new();
    for file in ["messages.json", "frames.json"] {
        for v in vectors(file)["vectors"].as_array().unwrap() {
            // A zero-length datagram carries no frame for UDP to hand on.
            if v["hex"].as_str().unwrap().is_empty() {
                continue;
            }
            cases.push(v.clone());
        }
    }
    let mut pcap = Pcap::new();
    for v in &cases {
        pcap.udp(40000, PORT, &unhex(v["hex"].as_str().unwrap()));
    }
    let path = scratch("vectors.pcap");
    pcap.write(&path);
    let rows = tshark(&path, &[]);
    assert_eq!(rows.len(), cases.len());
    for (v, row) in cases.iter().zip(&rows) {
        let name = v["name"].as_str().unwrap();
        let message = &v["decoded"]["message"];
        if let Some(ty) = message["type"].as_str() {
            assert_eq!(row.names, [ty], "{name}: {row:?}");
            assert!(!row.has_problem(), "{name}: {row:?}");
            let tokens: Vec<&str> = row.info.split(' ').collect();
            let mut want = Vec::new();
            scalar_tokens(message, &mut want);
            for t in want {
                assert!(
                    tokens.contains(&t.as_str()),
                    "{name}: {t} not in {:?}",
                    row.info
                );
            }
        } else if v["kind"] == "secured_frame" {
            assert!(row.names.is_empty(), "{name}: {row:?}");
            assert!(row.info.starts_with("Secured ("), "{name}: {row:?}");
        } else {
            let error = &v["error"];
            let ty = error["type"].as_str().unwrap();
            let shown = match ty {
                "Malformed" => row.info.contains("[Malformed: "),
                "UnknownType" => row
                    .info
                    .contains(&format!("Unknown message type {}", error["message_type"])),
                // A secured frame is not an error for a dissector.
                "Secured" => row.info.starts_with("Secured ("),
                _ => row.info.contains(&format!("[{ty}")),
            };
            assert!(shown, "{name}: {ty} not shown: {row:?}");
            if ty != "Secured" {
                assert!(row.has_problem(), "{name}: no expert error: {row:?}");
            }
        }
    }
}

#[test]
#[ignore = "needs tshark and lua-luaossl; run by .ci/run"]
fn reliability_transcripts_decrypt_with_a_key_log() {
    let v = vectors("reliability.json");
    let device: [u8; 8] = unhex(v["parameters"]["device_id"].as_str().unwrap())
        .try_into()
        .unwrap();
    for t in v["transcripts"].as_array().unwrap() {
        let tname = t["name"].as_str().unwrap();
        let mut log = String::new();
        for s in t["sessions"].as_array().unwrap() {
            let key =
                |k: &str| -> [u8; 32] { unhex(s["keys"][k].as_str().unwrap()).try_into().unwrap() };
            let to_appliance = s["appliance_session"].as_u64().unwrap() as u16;
            let to_phone = s["phone_session"].as_u64().unwrap() as u16;
            log += &traffic_line(
                &device,
                to_appliance,
                Role::Phone,
                &key("phone_to_appliance"),
            );
            log += &traffic_line(
                &device,
                to_phone,
                Role::Appliance,
                &key("appliance_to_phone"),
            );
        }
        let keylog = scratch(&format!("{tname}.keys"));
        std::fs::write(&keylog, log).unwrap();
        let frames = t["frames"].as_array().unwrap();
        let mut pcap = Pcap::new();
        for f in frames {
            let (from, to) = match f["from"].as_str().unwrap() {
                "phone" => (40000, PORT),
                _ => (PORT, 40000),
            };
            pcap.udp(from, to, &unhex(f["hex"].as_str().unwrap()));
        }
        let path = scratch(&format!("{tname}.pcap"));
        pcap.write(&path);
        let pref = format!("applink.keylog_file:{}", keylog.display());
        let rows = tshark(&path, &["-o", &pref]);
        assert_eq!(rows.len(), frames.len(), "{tname}");
        let mut secured = 0;
        for (f, row) in frames.iter().zip(&rows) {
            let ty = f["message"].as_str().unwrap();
            assert_eq!(row.names, [ty], "{tname} frame {}: {row:?}", row.number);
            assert!(!row.has_problem(), "{tname}: {row:?}");
            if f["header"]["session"] != 0 {
                assert_eq!(row.key_lines.len(), 1, "{tname}: {row:?}");
                secured += 1;
            }
        }
        assert!(secured > 0, "{tname} has secured frames");
    }
}

#[test]
#[ignore = "needs tshark and lua-luaossl; run by .ci/run"]
fn segments_reassemble_into_frames() {
    let mut pcap = Pcap::new();
    let mut expected = Vec::new();
    for v in vectors("segments.json")["vectors"].as_array().unwrap() {
        if v["kind"] != "segmentation" {
            continue;
        }
        let frame = unhex(v["hex"].as_str().unwrap());
        let name = applink::from_bytes(&frame).map(|(_, m)| m.name().to_string());
        let segments = v["decoded"]["segments"].as_array().unwrap();
        for (i, s) in segments.iter().enumerate() {
            pcap.udp(40000, SEGMENT_PORT, &unhex(s.as_str().unwrap()));
            let last = i + 1 == segments.len();
            expected.push((v["name"].clone(), last.then(|| name.clone().unwrap())));
        }
    }
    let path = scratch("segments.pcap");
    pcap.write(&path);
    let decode = format!("udp.port=={SEGMENT_PORT},applink_seg");
    let rows = tshark(&path, &["-d", &decode]);
    assert_eq!(rows.len(), expected.len());
    for ((name, frame), row) in expected.iter().zip(&rows) {
        assert!(!row.has_problem(), "{name}: {row:?}");
        match frame {
            Some(ty) => assert_eq!(row.names, [ty.as_str()], "{name}: {row:?}"),
            None => assert!(row.info.contains("more follow"), "{name}: {row:?}"),
        }
    }
}

// ---------------------------------------------------------------------------
// A live capture of both nodes on 127.0.0.1
// ---------------------------------------------------------------------------

/// tcpdump on the loopback interface, writing `path`.
struct Capture(Child);

impl Capture {
    fn start(path: &Path, filter: &str) -> Capture {
        let mut child = Command::new("tcpdump")
            .args(["-i", "lo", "--immediate-mode", "-U", "-n", "-s", "0", "-w"])
            .arg(path)
            .arg(filter)
            .stderr(Stdio::piped())
            .spawn()
            .expect("tcpdump runs (Debian: apt-get install tcpdump)");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.contains("listening on") => return Capture(child),
                Ok(_) => {}
                Err(e) => panic!("tcpdump did not start capturing: {e}"),
            }
        }
    }

    fn stop(mut self) {
        // Give the last packets time to be written, then stop it cleanly.
        std::thread::sleep(Duration::from_millis(500));
        let status = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.0.wait().unwrap();
    }
}

/// Serves the lamp on `link` until told to stop (at most a minute).
fn serve<L: Link<Addr = SocketAddr>>(mut link: L, stop: mpsc::Receiver<()>) {
    let devices = node_support::lamp_devices();
    let mut lamp = node_support::lamp_at(devices, 9, ApplianceConfig::default(), Some(CODE));
    let clock = Clock::new();
    lamp.open_pairing_window(clock.now(), applink::time::Duration::from_secs(300))
        .expect("a new lamp opens its window");
    let end = Instant::now() + Duration::from_secs(60);
    while Instant::now() < end && stop.try_recv() == Err(mpsc::TryRecvError::Empty) {
        step(&mut lamp, &mut link, &clock, Duration::from_millis(20)).unwrap();
    }
}

/// Pairs, describes, invokes, reads, writes, subscribes, closes, resumes
/// and invokes again, with the phone's key log at `keylog`.
fn scenario<L: Link<Addr = SocketAddr>>(link: L, lamp: SocketAddr, keylog: &Path) {
    let mut phone = Client::new(link, MemoryPhoneStore::default()).unwrap();
    let log = KeyLog::append(keylog).unwrap();
    assert!(phone.phone_mut().set_key_log(Some(log)).is_none());
    let device = phone.pair(lamp, CODE).expect("paired");
    phone.describe().unwrap();
    let on = OnOff::new(node_support::LAMP);
    assert!(phone.invoke(&on.toggle()).unwrap().status.is_success());
    phone.read(&on.read_on()).unwrap();
    let write = clients::write(
        node_support::LAMP,
        &level_control::CAPABILITY,
        level_control::ON_LEVEL,
        Value::U8(99),
    )
    .unwrap();
    phone.write(&write).unwrap();
    let sub = phone
        .subscribe(&Subscribe::endpoint(node_support::LAMP, 2000))
        .unwrap();
    let report = phone.next_notification(Duration::from_secs(5)).unwrap();
    assert!(
        matches!(report, Some(Notification::Report { subscription, .. }) if subscription == sub),
        "{report:?}"
    );
    phone.close().unwrap();
    phone.resume(lamp, device).expect("resumed");
    assert!(phone.invoke(&on.toggle()).unwrap().status.is_success());
    let log = phone.phone_mut().set_key_log(None).unwrap();
    assert!(log.error().is_none(), "{:?}", log.error());
    assert_eq!(log.lines(), 4, "pairing and resumption, two lines each");
}

/// The message types every run of [`scenario`] sends in secured frames.
const SECURED: [&str; 13] = [
    "Describe",
    "Descriptor",
    "Invoke",
    "InvokeReply",
    "Read",
    "ReadReply",
    "Write",
    "WriteReply",
    "Subscribe",
    "SubscribeReply",
    "Report",
    "Ack",
    "Close",
];
/// ... and in plaintext frames (with the secured ones: every frame has a
/// name).
const PLAIN: [&str; 7] = [
    "Hello",
    "HelloReply",
    "PairRequest",
    "PairChallenge",
    "PairFinish",
    "ResumeRequest",
    "ResumeReply",
];

#[test]
#[ignore = "needs tcpdump, tshark and lua-luaossl, and root to capture; run by .ci/run"]
fn a_live_capture_over_udp_and_tcp_dissects_and_decrypts() {
    let udp_lamp = UdpLink::bind("127.0.0.1:0").unwrap();
    let udp_addr = udp_lamp.local_addr().unwrap();
    let tcp_lamp = TcpServer::bind("127.0.0.1:0", 4).unwrap();
    let tcp_addr = tcp_lamp.local_addr().unwrap();
    assert!(udp_addr.ip().is_loopback() && tcp_addr.ip().is_loopback());
    let path = scratch("live.pcap");
    let keylog = scratch("live.keys");
    let _ = std::fs::remove_file(&keylog);
    let filter = format!(
        "udp port {} or tcp port {}",
        udp_addr.port(),
        tcp_addr.port()
    );
    let capture = Capture::start(&path, &filter);
    let (stop_udp, udp_rx) = mpsc::channel();
    let (stop_tcp, tcp_rx) = mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(move || serve(udp_lamp, udp_rx));
        s.spawn(move || serve(tcp_lamp, tcp_rx));
        scenario(UdpLink::bind("127.0.0.1:0").unwrap(), udp_addr, &keylog);
        let tcp = TcpLink::connect(tcp_addr).unwrap();
        let peer = tcp.peer_addr();
        scenario(tcp, peer, &keylog);
        stop_udp.send(()).unwrap();
        stop_tcp.send(()).unwrap();
    });
    capture.stop();
    let mut log = std::fs::File::options().append(true).open(&keylog).unwrap();
    writeln!(log, "# end of the test's key log").unwrap();
    let pref = format!("applink.keylog_file:{}", keylog.display());
    let udp = format!("udp.port=={},applink", udp_addr.port());
    let tcp = format!("tcp.port=={},applink", tcp_addr.port());
    for (transport, decode) in [("udp", &udp), ("tcp", &tcp)] {
        let rows = tshark(&path, &["-o", &pref, "-d", decode, "-Y", transport]);
        let frames: Vec<&Row> = rows.iter().filter(|r| !r.names.is_empty()).collect();
        assert!(
            !frames.is_empty(),
            "{transport}: no applink frame in the capture"
        );
        let mut secured = BTreeSet::new();
        let mut plain = BTreeSet::new();
        for row in &rows {
            assert!(!row.has_problem(), "{transport}: {row:?}");
            assert!(
                !row.info.contains("Secured ("),
                "{transport}: a secured frame did not decrypt: {row:?} {}",
                row.experts
            );
            secured.extend(row.decrypted.iter().map(String::as_str));
            plain.extend(row.names.iter().map(String::as_str));
        }
        for ty in SECURED {
            assert!(
                secured.contains(ty),
                "{transport}: no secured {ty}: {secured:?}"
            );
        }
        for ty in PLAIN {
            assert!(
                plain.contains(ty),
                "{transport}: no plaintext {ty}: {plain:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The demo itself, captured on 127.0.0.1
// ---------------------------------------------------------------------------

/// The secured frames the demo's transcript (parts 2 and 3, the UDP
/// parts) says arrived, by message name, and the plaintext message names it
/// printed. A transcript line is `time  from → to  [secured] Name  size B
/// what happened`; a frame lost on purpose never reached a socket.
fn demo_transcript(stdout: &str) -> (Vec<String>, BTreeSet<String>) {
    let start = stdout.find("######## 2.").expect("the demo's part 2");
    let end = stdout.find("######## 4.").expect("the demo's part 4");
    let mut secured = Vec::new();
    let mut plain = BTreeSet::new();
    for line in stdout[start..end].lines() {
        let Some((_, rest)) = line.split_once(" s ") else {
            continue;
        };
        let Some((_, rest)) = rest.split_once('→') else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        // words: to, [secured], Name, size, "B", what happened...
        if words.len() < 4 || line.contains("lost on the air") {
            continue;
        }
        if words[1] == "secured" {
            // "Invoke, replayed": the name ends at the comma.
            secured.push(words[2].trim_end_matches(',').to_string());
        } else if words.get(3) == Some(&"B") {
            plain.insert(words[1].to_string());
        }
    }
    secured.sort();
    (secured, plain)
}

#[test]
#[ignore = "needs tcpdump, tshark and lua-luaossl, and root to capture; run by .ci/run"]
fn the_demo_captured_on_loopback_decrypts_to_the_messages_it_printed() {
    let path = scratch("demo.pcap");
    let keylog = scratch("demo.keys");
    let _ = std::fs::remove_file(&keylog);
    // The demo's sockets are on 127.0.0.1 with ports the OS picks; mDNS
    // (5353) is not applink.
    let capture = Capture::start(&path, "udp and host 127.0.0.1 and not port 5353");
    let out = Command::new(example_bin::example("demo"))
        .env("APPLINK_KEYLOGFILE", &keylog)
        .output()
        .expect("cargo test builds the demo example");
    capture.stop();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the demo failed: {stdout}");
    assert!(stdout.contains("writes its session keys to $APPLINK_KEYLOGFILE"));
    let (printed, printed_plain) = demo_transcript(&stdout);
    assert!(
        printed.len() > 20,
        "the demo printed {} secured frames",
        printed.len()
    );
    let pref = format!("applink.keylog_file:{}", keylog.display());
    // No port is configured: the heuristic dissector finds the frames.
    let rows = tshark(&path, &["-o", &pref, "-o", "applink.udp_port:0"]);
    let mut decrypted = Vec::new();
    let mut plain = BTreeSet::new();
    for row in rows.iter().filter(|r| !r.names.is_empty()) {
        assert!(!row.has_problem(), "{row:?}");
        assert!(
            !row.info.contains("Secured ("),
            "a secured frame did not decrypt: {row:?} {}",
            row.experts
        );
        if row.decrypted.is_empty() {
            plain.extend(row.names.iter().cloned());
        }
        decrypted.extend(row.decrypted.iter().cloned());
    }
    decrypted.sort();
    // A reply the phone dropped unread (a late one) is printed as `reply`:
    // the demo names a secured message only from what a node did with it.
    // Each such line must be one answer in the capture that the rest of
    // the transcript does not account for.
    let unnamed = printed.iter().filter(|n| *n == "reply").count();
    let mut rest = decrypted.clone();
    for name in printed.iter().filter(|n| *n != "reply") {
        let Some(k) = rest.iter().position(|d| d == name) else {
            panic!("the demo printed a secured {name} the capture lacks: {decrypted:?}");
        };
        rest.remove(k);
    }
    assert_eq!(
        rest.len(),
        unnamed,
        "the capture's secured frames beyond the transcript's named ones: {rest:?}"
    );
    const ANSWERS: [&str; 6] = [
        "Status",
        "InvokeReply",
        "ReadReply",
        "WriteReply",
        "SubscribeReply",
        "BatchReply",
    ];
    assert!(
        rest.iter().all(|name| ANSWERS.contains(&name.as_str())),
        "what the demo printed as `reply` decrypts to answers: {rest:?}"
    );
    for name in &printed_plain {
        assert!(
            plain.contains(name),
            "the demo printed a plaintext {name} the capture lacks: {plain:?}"
        );
    }
}
