//! QEMU's `lm3s6965evb`: a Cortex-M3 (LM3S6965, 256 KiB flash, 64 KiB
//! SRAM). UART0 is driven through its PL011-style registers, SysTick counts
//! time, semihosting reports failures and stops QEMU.
//!
//! Run it with `-M lm3s6965evb -semihosting-config enable=on,target=native`
//! and the UART on `-serial`.

use core::sync::atomic::{AtomicU32, Ordering};

use applink::time::Instant;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::{SCB, SYST};
use cortex_m_rt::{ExceptionFrame, entry, exception};
use cortex_m_semihosting::{debug, hio};

/// The ready line (`crate::READY`), naming the board.
pub const READY: &[u8] = b"applink ready lm3s6965evb\n\0";

/// The core clock period QEMU gives this board out of reset: its 200 MHz
/// PLL divided by the RCC register's reset SYSDIV (16), 12.5 MHz.
const CORE_PERIOD_NS: u64 = 80;
/// SysTick counts the whole 24-bit range; its interrupt counts the wraps
/// (every 1.34 s). A millisecond interrupt would lose ticks: QEMU folds
/// timer periods that pass while the emulated CPU is busy.
const RELOAD: u32 = 0x00FF_FFFF;

/// System control: run-mode clock gating register 1 (bit 0: UART0).
const RCGC1: usize = 0x400F_E104;
/// UART0's registers.
const UART0: usize = 0x4000_C000;
mod uart {
    pub const DR: usize = 0x000;
    pub const FR: usize = 0x018;
    pub const IBRD: usize = 0x024;
    pub const FBRD: usize = 0x028;
    pub const LCRH: usize = 0x02C;
    pub const CTL: usize = 0x030;
    /// FR: busy transmitting.
    pub const FR_BUSY: u32 = 1 << 3;
    /// FR: receive FIFO empty.
    pub const FR_RXFE: u32 = 1 << 4;
    /// FR: transmit FIFO full.
    pub const FR_TXFF: u32 = 1 << 5;
    /// LCRH: FIFOs on, 8 data bits.
    pub const LCRH_FEN_8N1: u32 = (1 << 4) | (3 << 5);
    /// CTL: UART, transmitter and receiver on.
    pub const CTL_ON: u32 = 1 | (1 << 8) | (1 << 9);
}

/// Reads a memory-mapped register.
#[allow(unsafe_code)]
fn read_reg(addr: usize) -> u32 {
    // SAFETY: `addr` is one of the peripheral registers named above, valid
    // for a 32-bit volatile read on this part.
    unsafe { core::ptr::read_volatile(addr as *const u32) }
}

/// Writes a memory-mapped register.
#[allow(unsafe_code)]
fn write_reg(addr: usize, value: u32) {
    // SAFETY: as for `read_reg`; these registers have no memory semantics
    // Rust could observe.
    unsafe { core::ptr::write_volatile(addr as *mut u32, value) }
}

/// SysTick wraps since boot, counted by its interrupt.
static WRAPS: AtomicU32 = AtomicU32::new(0);

#[exception]
fn SysTick() {
    WRAPS.fetch_add(1, Ordering::Relaxed);
}

#[allow(unsafe_code)] // cortex-m-rt declares the HardFault handler `unsafe`
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    say(&[b"hard fault at pc 0x"], Some(frame.pc()), 16);
    exit(crate::EXIT_FAULT)
}

/// Prints `applink firmware: ` with `parts` and `number` (in `radix`)
/// through semihosting. Without `core::fmt`, which would cost several KB
/// of flash for three messages.
fn say(parts: &[&[u8]], number: Option<u32>, radix: u32) {
    let Ok(mut out) = hio::hstderr() else {
        return;
    };
    let _ = out.write_all(b"applink firmware: ");
    for part in parts {
        let _ = out.write_all(part);
    }
    if let Some(mut n) = number {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b"0123456789abcdef"[(n % radix) as usize];
            n /= radix;
            if n == 0 {
                break;
            }
        }
        let _ = out.write_all(&digits[i..]);
    }
    let _ = out.write_all(b"\n");
}

#[entry]
fn main() -> ! {
    crate::run()
}

/// Sets up UART0 (115200 8N1 with FIFOs) and SysTick.
pub fn init() {
    write_reg(RCGC1, read_reg(RCGC1) | 1);
    write_reg(UART0 + uart::CTL, 0);
    // 115200 baud at 12.5 MHz: 12.5e6 / (16 * 115200) = 6.78 -> 6 + 50/64.
    write_reg(UART0 + uart::IBRD, 6);
    write_reg(UART0 + uart::FBRD, 50);
    write_reg(UART0 + uart::LCRH, uart::LCRH_FEN_8N1);
    write_reg(UART0 + uart::CTL, uart::CTL_ON);

    let Some(mut core) = cortex_m::Peripherals::take() else {
        exit(crate::EXIT_BOOT)
    };
    core.SYST.set_clock_source(SystClkSource::Core);
    core.SYST.set_reload(RELOAD);
    core.SYST.clear_current();
    core.SYST.enable_interrupt();
    core.SYST.enable_counter();
}

/// Nanoseconds since boot, to a core clock cycle.
pub fn now_ns() -> u64 {
    loop {
        let wraps = WRAPS.load(Ordering::Relaxed);
        let current = SYST::get_current();
        // A wrap whose interrupt has not run yet belongs to the count.
        let pending = SCB::is_pendst_pending();
        if WRAPS.load(Ordering::Relaxed) != wraps {
            continue;
        }
        let wraps = u64::from(wraps) + u64::from(pending && current > RELOAD / 2);
        let cycles = wraps * (u64::from(RELOAD) + 1) + u64::from(RELOAD - current.min(RELOAD));
        return cycles * CORE_PERIOD_NS;
    }
}

/// The protocol clock.
pub fn now() -> Instant {
    Instant::from_millis(now_ns() / 1_000_000)
}

/// Takes what the receive FIFO holds, up to `buf.len()` bytes.
pub fn read(buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() && read_reg(UART0 + uart::FR) & uart::FR_RXFE == 0 {
        buf[n] = read_reg(UART0 + uart::DR) as u8;
        n += 1;
    }
    n
}

/// Sends `bytes`, waiting for room in the transmit FIFO.
pub fn write(bytes: &[u8]) {
    for &b in bytes {
        while read_reg(UART0 + uart::FR) & uart::FR_TXFF != 0 {}
        write_reg(UART0 + uart::DR, u32::from(b));
    }
}

/// Waits until every byte written has left the UART.
pub fn flush() {
    while read_reg(UART0 + uart::FR) & uart::FR_BUSY != 0 {}
}

/// Stops QEMU: semihosting "application exit" for 0, a run-time error
/// (QEMU exits 1) with the code printed for anything else.
pub fn exit(code: u8) -> ! {
    if code == 0 {
        debug::exit(debug::EXIT_SUCCESS);
    } else {
        say(&[b"exit "], Some(u32::from(code)), 10);
        debug::exit(debug::EXIT_FAILURE);
    }
    // Only reached without a debugger or semihosting.
    loop {
        cortex_m::asm::wfi();
    }
}

/// Prints where a panic happened through semihosting (not its message:
/// formatting it would link `core::fmt` and every `Debug` it reaches).
pub fn report(info: &core::panic::PanicInfo<'_>) {
    match info.location() {
        Some(at) => say(
            &[b"panic at ", at.file().as_bytes(), b":"],
            Some(at.line()),
            10,
        ),
        None => say(&[b"panic"], None, 10),
    }
}

#[allow(unsafe_code)] // declaring linker symbols; only their addresses are taken
unsafe extern "C" {
    /// cortex-m-rt: the initial stack pointer (the top of RAM).
    static _stack_start: u32;
    /// cortex-m-rt: the lowest address the stack may use (the end of
    /// `.bss` and `.uninit`).
    static _stack_end: u32;
}

/// The stack's top (it grows down from here).
pub fn stack_top() -> usize {
    (&raw const _stack_start) as usize
}

/// The stack's lowest address.
pub fn stack_limit() -> usize {
    (&raw const _stack_end) as usize
}
