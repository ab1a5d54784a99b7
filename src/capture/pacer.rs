//! Constant frame rate from a source that delivers frames when it likes: each output frame
//! `k` is due at `k / fps` seconds; a captured frame fills the slot nearest its timestamp;
//! a slot nobody filled repeats the previous picture (a duplicate); a frame whose slot is
//! already past is not shown (a drop). Pure arithmetic on integer microseconds.

/// What to do with the output after a frame arrived or time passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PacerStep {
    /// Repeat the last picture this many times first.
    pub duplicates: i64,
    /// Then encode the new frame (false: it came too late and is dropped).
    pub emit: bool,
}

/// Assigns frames to the output's fixed time slots.
#[derive(Clone, Debug)]
pub struct Pacer {
    fps: i64,
    next_slot: i64,
    has_picture: bool,
    limit: Option<i64>,
}

impl Pacer {
    /// A pacer for `fps` frames a second, stopping after `limit` frames if given.
    pub fn new(fps: u32, limit: Option<i64>) -> Pacer {
        Pacer {
            fps: i64::from(fps.max(1)),
            next_slot: 0,
            has_picture: false,
            limit,
        }
    }

    /// The slot whose time is nearest `t_us`.
    fn slot_of(&self, t_us: i64) -> i64 {
        (t_us * self.fps + 500_000).div_euclid(1_000_000)
    }

    fn cap(&self, slots: i64) -> i64 {
        match self.limit {
            Some(l) => slots.min(l - self.next_slot).max(0),
            None => slots.max(0),
        }
    }

    /// A frame captured at `t_us` arrived.
    pub fn frame(&mut self, t_us: i64) -> PacerStep {
        let slot = self.slot_of(t_us);
        if slot < self.next_slot || self.done() {
            self.has_picture = true;
            return PacerStep::default();
        }
        let duplicates = if self.has_picture {
            self.cap(slot - self.next_slot)
        } else {
            0
        };
        self.next_slot += duplicates;
        let emit = !self.done();
        if emit {
            self.next_slot = if self.has_picture {
                slot + 1
            } else {
                self.next_slot + 1
            };
            self.has_picture = true;
        }
        PacerStep { duplicates, emit }
    }

    /// Time is `now_us` and no frame came: repeat the last picture for every slot whose
    /// time has fully passed (a frame for slot `k` is no longer expected after `(k+1)/fps`).
    pub fn tick(&mut self, now_us: i64) -> PacerStep {
        if !self.has_picture {
            return PacerStep::default();
        }
        // Slots k with (k + 1) / fps <= now.
        let passed = (now_us * self.fps).div_euclid(1_000_000);
        let duplicates = self.cap(passed - self.next_slot);
        self.next_slot += duplicates;
        PacerStep {
            duplicates,
            emit: false,
        }
    }

    /// Output frames so far.
    pub fn frames(&self) -> i64 {
        self.next_slot
    }

    /// The frame limit is reached.
    pub fn done(&self) -> bool {
        self.limit.is_some_and(|l| self.next_slot >= l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1000;

    #[test]
    fn frames_on_time_are_each_shown_once() {
        let mut p = Pacer::new(30, None);
        for k in 0..90 {
            let step = p.frame(k * 1_000_000 / 30 + 3 * MS);
            assert_eq!(
                step,
                PacerStep {
                    duplicates: 0,
                    emit: true
                },
                "frame {k}"
            );
        }
        assert_eq!(p.frames(), 90);
    }

    #[test]
    fn a_missing_frame_is_filled_by_repeating_the_last() {
        let mut p = Pacer::new(10, None);
        assert!(p.frame(0).emit);
        // Frame 1 never came; frame 2 arrives at 200 ms.
        assert_eq!(
            p.frame(200 * MS),
            PacerStep {
                duplicates: 1,
                emit: true
            }
        );
        assert_eq!(p.frames(), 3);
    }

    #[test]
    fn a_second_frame_for_the_same_slot_is_dropped() {
        let mut p = Pacer::new(10, None);
        assert!(p.frame(0).emit);
        assert!(p.frame(100 * MS).emit);
        assert!(!p.frame(120 * MS).emit);
        assert_eq!(p.frames(), 2);
    }

    #[test]
    fn a_stalled_source_still_gives_frames_as_time_passes() {
        let mut p = Pacer::new(10, None);
        assert!(p.frame(0).emit);
        assert_eq!(p.tick(150 * MS).duplicates, 0);
        assert_eq!(p.tick(200 * MS).duplicates, 1);
        assert_eq!(p.tick(1000 * MS).duplicates, 8);
        assert_eq!(p.frames(), 10);
        // The source comes back: its frame fills the current slot.
        assert_eq!(
            p.frame(1000 * MS),
            PacerStep {
                duplicates: 0,
                emit: true
            }
        );
    }

    #[test]
    fn the_limit_stops_output_at_exactly_that_many_frames() {
        let mut p = Pacer::new(10, Some(5));
        for k in 0..20 {
            p.frame(k * 100 * MS);
        }
        assert_eq!(p.frames(), 5);
        assert!(p.done());
        assert_eq!(p.tick(10_000 * MS).duplicates, 0);
    }
}
