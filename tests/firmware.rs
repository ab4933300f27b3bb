//! The lamp firmware of `examples/firmware/` under QEMU, driven from the
//! host with the crate's own phone over the emulated UART.
//!
//! Each board test builds the firmware (release, opt-level z), boots it
//! under `qemu-system-arm -M lm3s6965evb` or `qemu-system-riscv32 -M virt`
//! with the UART on a TCP socket on 127.0.0.1, waits for the firmware's
//! ready line, and then, with [`Client`]s sharing that one connection:
//! has a phone holding a wrong code refused (`WrongSetupCode`), pairs with
//! the setup code, describes, toggles, sets the level, subscribes and
//! receives a report, closes, has a late phone refused (pairing closed the
//! window: `PairingWindowClosed`), resumes, reads the firmware's own
//! measurements (stack, time per handshake) and tells it to exit, which it
//! does with status 0.
//!
//! They need QEMU and the two Rust targets, so they are `#[ignore]`d in a
//! plain `cargo test`; `.ci/run` runs them with
//! `cargo test --test firmware -- --ignored`. Everything is bounded in
//! time: QEMU runs under `timeout` and is killed when a test fails.
//!
//! `APPLINK_QEMU_ICOUNT=1` adds `-icount shift=0` (one emulated nanosecond
//! per instruction), so the firmware's `pair_ns` and `resume_ns` count
//! instructions; `scripts/footprint.sh` uses it.

use core::cell::RefCell;
use core::net::SocketAddr;
use core::time::Duration;
use std::io::{self, Read};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::rc::Rc;
use std::time::Instant;

use applink::catalog::{level_control, on_off};
use applink::crypto::RustCrypto;
use applink::interaction::clients::{self, LevelControl, OnOff};
use applink::message::{EndpointId, Subscribe};
use applink::node::NodeError;
use applink::node::client::{Client, ClientError, Notification};
use applink::node::store::MemoryPhoneStore;
use applink::session::pairing::{ApplianceIdentity, identity_bytes};
use applink::transport::tcp::TcpLink;
use applink::transport::{Link, LinkStats};

#[allow(dead_code)]
mod factory {
    include!("../examples/firmware/src/factory.rs");
}

#[allow(dead_code)]
mod probe {
    include!("../examples/firmware/src/probe_capability.rs");
}

const LAMP: EndpointId = EndpointId(1);
/// How long one firmware run may take at most, boot to exit.
const RUN_LIMIT: Duration = Duration::from_secs(180);

/// The factory record in the firmware is the one its setup code gives.
#[test]
#[ignore = "Argon2id in a debug build; run with the firmware tests"]
fn factory_identity() {
    let p = RustCrypto::new(|out: &mut [u8]| out.fill(0));
    let identity = ApplianceIdentity::from_setup_code(
        &p,
        factory::DEVICE_ID,
        factory::SETUP_CODE,
        &factory::STATIC_SECRET,
    )
    .unwrap();
    let record = identity.record.to_bytes(&p).unwrap();
    let bytes = identity_bytes(factory::DEVICE_ID, &record, &factory::STATIC_SECRET);
    if std::env::var_os("APPLINK_PRINT_IDENTITY").is_some() || bytes != factory::IDENTITY {
        println!("pub const IDENTITY: [u8; {}] = [", bytes.len());
        for row in bytes.chunks(12) {
            let row: Vec<String> = row.iter().map(|b| format!("0x{b:02x},")).collect();
            println!("    {}", row.join(" "));
        }
        println!("];");
    }
    assert!(
        bytes == factory::IDENTITY,
        "examples/firmware/src/factory.rs: IDENTITY is not the setup code's (printed above)"
    );
}

#[test]
#[ignore = "needs qemu-system-arm and the thumbv7m-none-eabi target"]
fn lm3s6965evb() {
    run_board(&Board {
        name: "lm3s6965evb",
        target: "thumbv7m-none-eabi",
        qemu: "qemu-system-arm",
        machine: &["-M", "lm3s6965evb"],
        extra: &["-semihosting-config", "enable=on,target=native"],
    });
}

#[test]
#[ignore = "needs qemu-system-riscv32 and the riscv32imac-unknown-none-elf target"]
fn riscv_virt() {
    run_board(&Board {
        name: "riscv-virt",
        target: "riscv32imac-unknown-none-elf",
        qemu: "qemu-system-riscv32",
        machine: &["-M", "virt", "-bios", "none"],
        extra: &[],
    });
}

struct Board {
    name: &'static str,
    target: &'static str,
    qemu: &'static str,
    machine: &'static [&'static str],
    extra: &'static [&'static str],
}

fn firmware_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/firmware")
}

/// Builds the firmware for `target` and returns the ELF.
fn build(target: &str) -> PathBuf {
    let dir = firmware_dir();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--target", target])
        .current_dir(&dir)
        // The firmware's own .cargo/config.toml sets its flags.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .status()
        .expect("run cargo");
    assert!(
        status.success(),
        "building the firmware for {target} failed"
    );
    dir.join("target")
        .join(target)
        .join("release/applink-firmware")
}

/// QEMU, killed when dropped.
struct Qemu {
    child: Child,
    log: PathBuf,
}

impl Qemu {
    fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if let Some(status) = self.child.try_wait().expect("poll qemu") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Qemu {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- QEMU output ---\n{}", self.log());
        }
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    l.local_addr().expect("local addr").port()
}

fn boot(board: &Board, elf: &Path, port: u16) -> Qemu {
    let log = elf.with_file_name(format!("qemu-{}.log", board.name));
    let out = std::fs::File::create(&log).expect("create the QEMU log");
    let chardev = format!("socket,id=uart,host=127.0.0.1,port={port},server=on,wait=on,nodelay=on");
    let mut cmd = Command::new("timeout");
    cmd.args([
        "--kill-after=5",
        &RUN_LIMIT.as_secs().to_string(),
        board.qemu,
    ])
    .args(board.machine)
    .args(["-display", "none", "-monitor", "none"])
    .args(["-chardev", &chardev, "-serial", "chardev:uart"])
    .args(board.extra);
    if std::env::var_os("APPLINK_QEMU_ICOUNT").is_some() {
        cmd.args(["-icount", "shift=0"]);
    }
    let child = cmd
        .arg("-kernel")
        .arg(elf)
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("dup the log"))
        .stderr(out)
        .spawn()
        .expect("start QEMU (is it installed? see .ci/run)");
    Qemu { child, log }
}

/// Connects to QEMU's UART socket (QEMU starts the guest on connection).
fn connect(qemu: &mut Qemu, port: u16) -> TcpStream {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => return s,
            Err(e) if Instant::now() < end => {
                if let Some(status) = qemu.child.try_wait().expect("poll qemu") {
                    panic!(
                        "QEMU exited ({status}) before listening: {e}\n{}",
                        qemu.log()
                    );
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("QEMU's UART socket: {e}"),
        }
    }
}

/// Reads the firmware's ready line, up to and including its `0x00`.
fn await_ready(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < 64 {
        match stream.read(&mut byte) {
            Ok(1) if byte[0] == 0 => break,
            Ok(1) => line.push(byte[0]),
            Ok(_) => panic!("the UART closed before the ready line"),
            Err(e) => panic!("no ready line from the firmware: {e}"),
        }
    }
    String::from_utf8_lossy(&line).trim_end().to_string()
}

/// One UART connection shared by two phones (the UART has one peer; each
/// phone ignores frames of sessions it does not know).
#[derive(Clone)]
struct Shared(Rc<RefCell<TcpLink>>);

impl Link for Shared {
    type Addr = SocketAddr;

    fn send(&mut self, to: SocketAddr, frame: &[u8]) -> io::Result<()> {
        self.0.borrow_mut().send(to, frame)
    }

    fn recv(
        &mut self,
        buf: &mut [u8],
        timeout: Duration,
    ) -> io::Result<Option<(SocketAddr, usize)>> {
        self.0.borrow_mut().recv(buf, timeout)
    }

    fn stats(&self) -> LinkStats {
        self.0.borrow().stats()
    }
}

fn read_u64(
    phone: &mut Client<MemoryPhoneStore, Shared>,
    cap: applink::message::CapabilityId,
    attribute: applink::message::AttributeId,
) -> u64 {
    let records = phone.read(&clients::read(LAMP, cap, &[attribute])).unwrap();
    records[0]
        .get(attribute)
        .and_then(|v| v.as_u64())
        .unwrap_or_else(|| panic!("{attribute:?} in {records:?}"))
}

fn run_board(board: &Board) {
    let elf = build(board.target);
    let port = free_port();
    let mut qemu = boot(board, &elf, port);
    let mut stream = connect(&mut qemu, port);
    let started = Instant::now();
    let ready = await_ready(&mut stream);
    assert_eq!(ready, format!("applink ready {}", board.name));
    let link = TcpLink::from_stream(stream).unwrap();
    let lamp = link.peer_addr();
    let link = Shared(Rc::new(RefCell::new(link)));

    // A phone holding a wrong code is told so (and the window stays open).
    let mut stranger = Client::new(link.clone(), MemoryPhoneStore::default()).unwrap();
    let refused = stranger.pair(lamp, "2718-2818");
    assert!(
        matches!(refused, Err(ClientError::Node(NodeError::WrongSetupCode))),
        "{refused:?}"
    );
    drop(stranger);

    let mut phone = Client::new(link.clone(), MemoryPhoneStore::default()).unwrap();
    let device = phone.pair(lamp, factory::SETUP_CODE).expect("paired");
    assert_eq!(device, factory::DEVICE_ID);
    let descriptor = phone.describe().unwrap();
    let info = descriptor.device().info;
    assert_eq!((info.vendor.0, info.product), (0xFFF1, 0x0042));

    let on = OnOff::new(LAMP);
    assert!(phone.invoke(&on.toggle()).unwrap().status.is_success());
    let records = phone.read(&on.read_on()).unwrap();
    assert_eq!(
        records[0].get(on_off::ON).and_then(|v| v.as_bool()),
        Some(true)
    );
    let dim = LevelControl::new(LAMP);
    assert!(
        phone
            .invoke(&dim.move_to_level(30, None).unwrap())
            .unwrap()
            .status
            .is_success()
    );
    assert_eq!(
        read_u64(
            &mut phone,
            level_control::CAPABILITY.id,
            level_control::LEVEL
        ),
        30
    );

    let sub = phone.subscribe(&Subscribe::endpoint(LAMP, 2000)).unwrap();
    let report = phone.next_notification(Duration::from_secs(10)).unwrap();
    assert!(
        matches!(report, Some(Notification::Report { subscription, .. }) if subscription == sub),
        "{report:?}"
    );
    phone.close().unwrap();

    // Pairing closed the window: a phone that tries now is told so.
    let mut late = Client::new(link.clone(), MemoryPhoneStore::default()).unwrap();
    let refused = late.pair(lamp, factory::SETUP_CODE);
    assert!(
        matches!(
            refused,
            Err(ClientError::Node(NodeError::PairingWindowClosed))
        ),
        "{refused:?}"
    );
    drop(late);

    phone.resume(lamp, device).expect("resumed");
    assert!(phone.invoke(&on.toggle()).unwrap().status.is_success());
    let records = phone.read(&on.read_on()).unwrap();
    assert_eq!(
        records[0].get(on_off::ON).and_then(|v| v.as_bool()),
        Some(false)
    );

    let stack_peak = read_u64(&mut phone, probe::ID, probe::STACK_PEAK);
    let stack_boot = read_u64(&mut phone, probe::ID, probe::STACK_BOOT);
    let pair_ns = read_u64(&mut phone, probe::ID, probe::PAIR_NS);
    let resume_ns = read_u64(&mut phone, probe::ID, probe::RESUME_NS);
    assert!(stack_peak > 0 && stack_boot > 0 && pair_ns > 0 && resume_ns > 0);
    let uptime_ms = read_u64(&mut phone, probe::ID, probe::UPTIME_MS);
    let host_ms = started.elapsed().as_millis() as u64;
    let icount = std::env::var_os("APPLINK_QEMU_ICOUNT").is_some();
    if !icount {
        // QEMU's emulated clocks follow the host's: the firmware's clock
        // (booted just before `started`) must agree to within a second.
        assert!(
            uptime_ms.abs_diff(host_ms) < 1000,
            "firmware clock {uptime_ms} ms, host {host_ms} ms"
        );
    }
    println!(
        "FIRMWARE board={} stack_peak={stack_peak} stack_boot={stack_boot} pair_ns={pair_ns} \
         resume_ns={resume_ns} icount={icount} uptime_ms={uptime_ms} host_ms={host_ms}",
        board.name,
    );

    let exit = clients::invoke(LAMP, &probe::CAPABILITY, probe::EXIT, &[], None).unwrap();
    assert!(phone.invoke(&exit).unwrap().status.is_success());
    let status = qemu
        .wait(Duration::from_secs(20))
        .expect("the firmware exits when told to");
    assert!(status.success(), "firmware exit: {status}\n{}", qemu.log());
}
