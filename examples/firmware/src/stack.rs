//! The stack high-water mark: paint the unused stack with a pattern, later
//! find the deepest word that is no longer the pattern.
//!
//! The stack runs from the board's `stack_top()` down towards
//! `stack_limit()` (the end of `.bss`, where the linker script puts the
//! heap, which this firmware does not have). [`paint`] fills everything
//! between the limit and a little below the current stack pointer;
//! [`peak`] scans up from the limit to the first word that changed and
//! returns how many bytes below the top the stack has reached since. Both
//! read and write memory through raw pointers, which is what the `unsafe`
//! in this file is for; neither ever touches memory above the stack
//! pointer of its caller.

use crate::board;

/// The pattern (cortex-m-rt's `paint-stack` uses the same).
const PAINT: u32 = 0xCCCC_CCCC;

/// Bytes left unpainted below the caller's frame, for this function's own
/// frame and those it calls.
const MARGIN: usize = 256;

/// An address inside the caller's frame: the current stack depth, give or
/// take a frame.
#[inline(never)]
fn here() -> usize {
    let marker = 0u32;
    core::hint::black_box(&marker) as *const u32 as usize
}

/// Paints the unused stack, forgetting any earlier depth.
#[allow(unsafe_code)]
pub fn paint() {
    let from = board::stack_limit();
    let to = here().saturating_sub(MARGIN) & !3;
    let mut p = from;
    while p < to {
        // SAFETY: `from..to` lies between the end of `.bss` and the stack
        // below this function's frame: memory no live object occupies.
        unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

/// The deepest the stack has reached since the last [`paint`], in bytes
/// below its top.
#[allow(unsafe_code)]
pub fn peak() -> usize {
    let top = board::stack_top();
    let mut p = board::stack_limit();
    let end = here();
    while p < end {
        // SAFETY: an aligned word between the end of `.bss` and the current
        // stack pointer, inside RAM; reading it cannot disturb anything.
        if unsafe { core::ptr::read_volatile(p as *const u32) } != PAINT {
            break;
        }
        p += 4;
    }
    top - p
}
