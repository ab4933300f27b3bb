//! The 64-entry sliding replay window.

/// Tracks which of the last 64 counters below the highest one have been
/// received. [`ReplayWindow::check`] never changes it; only
/// [`ReplayWindow::accept`], called after the tag verified, does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ReplayWindow {
    /// Highest counter accepted, if any.
    top: Option<u32>,
    /// Bit `i` set: counter `top - i` was accepted.
    bits: u64,
}

impl ReplayWindow {
    /// Width of the window.
    pub const SIZE: u32 = 64;

    /// An empty window.
    pub const fn new() -> Self {
        ReplayWindow { top: None, bits: 0 }
    }

    /// Whether `counter` would be accepted: new, and not more than 63 below
    /// the highest accepted counter.
    pub fn check(&self, counter: u32) -> bool {
        match self.top {
            None => true,
            Some(top) if counter > top => true,
            Some(top) => {
                let age = top - counter;
                age < Self::SIZE && self.bits & (1 << age) == 0
            }
        }
    }

    /// Records `counter` as received. Call only after [`check`](Self::check)
    /// passed and the frame authenticated.
    pub fn accept(&mut self, counter: u32) {
        match self.top {
            None => {
                self.top = Some(counter);
                self.bits = 1;
            }
            Some(top) if counter > top => {
                let shift = counter - top;
                self.bits = if shift >= Self::SIZE {
                    0
                } else {
                    self.bits << shift
                } | 1;
                self.top = Some(counter);
            }
            Some(top) => {
                let age = top - counter;
                if age < Self::SIZE {
                    self.bits |= 1 << age;
                }
            }
        }
    }

    /// The highest counter accepted.
    pub const fn highest(&self) -> Option<u32> {
        self.top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_semantics() {
        let mut w = ReplayWindow::new();
        assert!(w.check(5));
        w.accept(5);
        assert!(!w.check(5));
        assert!(w.check(4));
        w.accept(4);
        assert!(!w.check(4));
        w.accept(100);
        assert!(!w.check(36), "64 below the top is outside the window");
        assert!(w.check(37));
        w.accept(37);
        assert!(!w.check(37));
        w.accept(u32::MAX);
        assert!(!w.check(u32::MAX));
        assert!(!w.check(100));
        assert_eq!(w.highest(), Some(u32::MAX));
    }
}
