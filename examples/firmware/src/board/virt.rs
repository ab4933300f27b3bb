//! QEMU's RISC-V `virt` machine (`-bios none`, one hart): the NS16550 UART
//! at `0x1000_0000`, the CLINT's `mtime` (10 MHz) for time, the SiFive test
//! device at `0x10_0000` to stop QEMU.

use applink::time::Instant;

/// The ready line (`crate::READY`), naming the board.
pub const READY: &[u8] = b"applink ready riscv-virt\n\0";

/// The NS16550's registers (one byte each, no shift on `virt`).
const UART: usize = 0x1000_0000;
mod uart {
    pub const RBR_THR: usize = 0;
    pub const DLL: usize = 0;
    pub const IER_DLM: usize = 1;
    pub const FCR: usize = 2;
    pub const LCR: usize = 3;
    pub const MCR: usize = 4;
    pub const LSR: usize = 5;
    /// FCR: FIFOs on and cleared, receive trigger at 14 bytes. Without
    /// FIFOs QEMU hands over one byte at a time and the link crawls.
    pub const FCR_FIFO_14: u8 = 0xC7;
    /// LCR: divisor latch access.
    pub const LCR_DLAB: u8 = 0x80;
    /// LCR: 8 data bits, no parity, 1 stop bit.
    pub const LCR_8N1: u8 = 0x03;
    /// MCR: DTR and RTS.
    pub const MCR_DTR_RTS: u8 = 0x03;
    /// LSR: a received byte is ready.
    pub const LSR_DR: u8 = 0x01;
    /// LSR: the transmit holding register is empty.
    pub const LSR_THRE: u8 = 0x20;
    /// LSR: the transmitter is idle.
    pub const LSR_TEMT: u8 = 0x40;
}

/// The SiFive test device: `0x5555` stops QEMU with status 0,
/// `code << 16 | 0x3333` with status `code`.
const TEST_DEVICE: usize = 0x10_0000;

/// `mtime` ticks per second on `virt`.
const MTIME_HZ: u64 = 10_000_000;

/// Reads a UART register.
#[allow(unsafe_code)]
fn read_reg(offset: usize) -> u8 {
    // SAFETY: a register of the NS16550 at `UART`, valid for a volatile
    // byte read.
    unsafe { core::ptr::read_volatile((UART + offset) as *const u8) }
}

/// Writes a UART register.
#[allow(unsafe_code)]
fn write_reg(offset: usize, value: u8) {
    // SAFETY: as for `read_reg`.
    unsafe { core::ptr::write_volatile((UART + offset) as *mut u8, value) }
}

#[riscv_rt::entry]
fn main() -> ! {
    crate::run()
}

/// Every exception without a handler of its own: a fault.
#[allow(unsafe_code)] // riscv-rt finds the handler by this symbol name
#[unsafe(export_name = "ExceptionHandler")]
fn exception_handler(_frame: &riscv_rt::TrapFrame) -> ! {
    exit(crate::EXIT_FAULT)
}

/// Sets up the UART: 8N1, FIFOs with a 14-byte trigger, no interrupts.
pub fn init() {
    write_reg(uart::IER_DLM, 0);
    write_reg(uart::LCR, uart::LCR_DLAB);
    write_reg(uart::DLL, 1);
    write_reg(uart::IER_DLM, 0);
    write_reg(uart::LCR, uart::LCR_8N1);
    write_reg(uart::FCR, uart::FCR_FIFO_14);
    write_reg(uart::MCR, uart::MCR_DTR_RTS);
}

/// Nanoseconds since boot, from `mtime` (read through the `time` CSR).
pub fn now_ns() -> u64 {
    riscv::register::time::read64() * (1_000_000_000 / MTIME_HZ)
}

/// The protocol clock.
pub fn now() -> Instant {
    Instant::from_millis(now_ns() / 1_000_000)
}

/// Takes what the receive FIFO holds, up to `buf.len()` bytes.
pub fn read(buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() && read_reg(uart::LSR) & uart::LSR_DR != 0 {
        buf[n] = read_reg(uart::RBR_THR);
        n += 1;
    }
    n
}

/// Sends `bytes`, waiting for the transmitter to take each.
pub fn write(bytes: &[u8]) {
    for &b in bytes {
        while read_reg(uart::LSR) & uart::LSR_THRE == 0 {}
        write_reg(uart::RBR_THR, b);
    }
}

/// Waits until every byte written has left the UART.
pub fn flush() {
    while read_reg(uart::LSR) & uart::LSR_TEMT == 0 {}
}

/// Stops QEMU with status `code` through the SiFive test device.
#[allow(unsafe_code)]
pub fn exit(code: u8) -> ! {
    let value = match code {
        0 => 0x5555,
        c => (u32::from(c) << 16) | 0x3333,
    };
    // SAFETY: the test device's one register; writing it ends the machine.
    unsafe { core::ptr::write_volatile(TEST_DEVICE as *mut u32, value) };
    loop {
        riscv::asm::wfi();
    }
}

/// This board has no console besides the UART, which carries frames: a
/// panic shows only as exit status 1.
pub fn report(_info: &core::panic::PanicInfo<'_>) {}

#[allow(unsafe_code)] // declaring linker symbols; only their addresses are taken
unsafe extern "C" {
    /// riscv-rt: the initial stack pointer (the top of RAM).
    static _stack_start: u32;
    /// riscv-rt: the low end of the stack region (after `.bss`, `.uninit`
    /// and the empty heap).
    static __estack: u32;
}

/// The stack's top (it grows down from here).
pub fn stack_top() -> usize {
    (&raw const _stack_start) as usize
}

/// The stack's lowest address.
pub fn stack_limit() -> usize {
    (&raw const __estack) as usize
}
