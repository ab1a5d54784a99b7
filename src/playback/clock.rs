//! [`PlayClock`]: where the playhead is while the preview plays at normal speed.
//!
//! The sound leads: while the output device takes the mix steadily, the picture shows what
//! is being heard. A device's position is only as good as its callbacks, though. Some
//! stall (an idle PulseAudio null sink renders two seconds at a time, and asks for more
//! only when that runs out), some never start (no device) and some take a while to open.
//! So the clock watches the device: when its position stops advancing while the wall clock
//! goes on, the picture follows the wall clock instead and never freezes; when the device
//! moves again but behind the picture, the clock asks for the sound to jump to where the
//! picture will be by the time it is heard, and follows the device again once both agree.
//!
//! Pure arithmetic on the caller's clock (seconds) and the device's reports: no threads,
//! no devices, so every case is tested here.

use crate::timeline::Time;

/// The longest the picture waits at the play point for the device's first sound.
pub const STARTUP_GRACE: f64 = 0.35;

/// How long the device's position may stand still, while playing, before it is stalled.
pub const STALL: f64 = 0.25;

/// Sound and picture this close (seconds) count as together: below what people notice.
pub const IN_STEP: f64 = 0.06;

/// After asking the sound to jump, how long to wait before judging it again.
pub const SETTLE: f64 = 0.4;

/// Jumps of the sound per play; a device that keeps falling behind is then left alone and
/// the picture keeps to the wall clock.
pub const MAX_RESYNCS: u32 = 4;

/// What the output device last reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Heard {
    /// Timeline time of the first mixed sample the device took in its latest callback.
    pub at: Time,
    /// How much mix followed it without a gap in that callback.
    pub span: Time,
    /// When (the caller's clock, seconds) `at` reaches the speaker.
    pub when: f64,
    /// How far ahead of the speaker the device takes sound (seconds).
    pub latency: f64,
    /// Timeline seconds per second heard: above 1 when shuttling faster.
    pub rate: f64,
}

impl Heard {
    /// What the speaker plays at `now`: the reported sample moved on by the time since it
    /// was due, but never past the mix the device has actually been given.
    pub fn position(&self, now: f64) -> Time {
        let moved = Time::from_secs_f64((now - self.when) * self.rate);
        (self.at + moved).min(self.at + self.span)
    }
}

/// The state of the sound, as the clock sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sound {
    /// The device is opening; nothing has been taken yet.
    Opening,
    /// The device's latest report.
    Heard(Heard),
    /// No sound will come: no device, nothing to hear, or it failed.
    Absent,
}

/// What drives the picture at the moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// Holding the play point while the device opens.
    Starting,
    /// The sound being heard.
    Device,
    /// The wall clock: `anchor` timeline time at clock time `since`.
    Wall {
        /// Clock time (seconds) of the anchor.
        since: f64,
        /// Timeline time then.
        anchor: Time,
    },
}

/// One step of the clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tick {
    /// Where the playhead is.
    pub position: Time,
    /// Start the sound again from this timeline time (its queued sound dropped), because it
    /// has fallen behind the picture.
    pub resync: Option<Time>,
}

/// The playback clock; see the module documentation.
#[derive(Debug, Clone)]
pub struct PlayClock {
    from: Time,
    /// Timeline seconds per second.
    rate: f64,
    started: f64,
    source: Source,
    shown: Time,
    /// The device's position at the last tick, and when it last moved forward.
    device: Option<(Time, f64)>,
    /// No judging of the device before this clock time (after a jump of the sound).
    settle_until: f64,
    resyncs: u32,
}

impl PlayClock {
    /// A clock for playback from `from`, starting at clock time `now`.
    pub fn new(from: Time, now: f64) -> PlayClock {
        PlayClock::with_rate(from, now, 1.0)
    }

    /// A clock for playback at `rate` timeline seconds per second (forward).
    pub fn with_rate(from: Time, now: f64, rate: f64) -> PlayClock {
        PlayClock {
            from,
            rate,
            started: now,
            source: Source::Starting,
            shown: from,
            device: None,
            settle_until: now,
            resyncs: 0,
        }
    }

    /// What drives the picture now.
    pub fn source(&self) -> Source {
        self.source
    }

    /// How often the sound was asked to jump in this play.
    pub fn resyncs(&self) -> u32 {
        self.resyncs
    }

    /// The playhead at clock time `now`, given what the device reports. Never goes back.
    pub fn tick(&mut self, now: f64, sound: Sound) -> Tick {
        let heard = match sound {
            Sound::Heard(h) => Some(h),
            Sound::Opening | Sound::Absent => None,
        };
        let device_at = heard.map(|h| h.position(now));
        if let Some(p) = device_at {
            let moved = self.device.is_none_or(|(last, _)| p > last);
            let since = match self.device {
                Some((_, since)) if !moved => since,
                _ => now,
            };
            self.device = Some((p, since));
        }
        let stalled = self.device.is_none_or(|(_, since)| now - since > STALL);

        let mut resync = None;
        let position = match self.source {
            Source::Starting => match (sound, device_at) {
                (Sound::Absent, _) => self.follow_wall(now, self.from, now),
                (_, Some(p)) => {
                    self.source = Source::Device;
                    p
                }
                _ if now - self.started > STARTUP_GRACE => self.follow_wall(now, self.from, now),
                _ => self.from,
            },
            Source::Device => match device_at {
                Some(p) if !stalled => p,
                // The sound stopped moving: carry on from where it stood, as if it had not.
                _ => match self.device {
                    Some((p, since)) if sound != Sound::Absent => self.follow_wall(since, p, now),
                    _ => self.follow_wall(now, self.shown, now),
                },
            },
            Source::Wall { since, anchor } => {
                let wall = anchor + Time::from_secs_f64((now - since) * self.rate);
                match (heard, device_at) {
                    (Some(h), Some(p)) if !stalled && now >= self.settle_until => {
                        // How far behind the picture the sound is heard, in seconds heard.
                        let behind = (wall - p).as_secs_f64() / self.rate;
                        if behind <= IN_STEP {
                            self.source = Source::Device;
                            p
                        } else {
                            if self.resyncs < MAX_RESYNCS {
                                // Far enough ahead that the new sound, queued after what
                                // the device already holds, is heard when the picture
                                // gets there.
                                let lead = h.latency + h.span.as_secs_f64() / self.rate + 0.03;
                                resync = Some(wall + Time::from_secs_f64(lead * self.rate));
                                self.resyncs += 1;
                                self.settle_until = now + SETTLE;
                            }
                            wall
                        }
                    }
                    _ => wall,
                }
            }
        };
        self.shown = position.max(self.shown);
        Tick {
            position: self.shown,
            resync,
        }
    }

    /// Switches to the wall clock, with `anchor` at clock time `since`; returns where that
    /// puts the playhead at `now`.
    fn follow_wall(&mut self, since: f64, anchor: Time, now: f64) -> Time {
        self.source = Source::Wall { since, anchor };
        anchor + Time::from_secs_f64((now - since) * self.rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Callback period of the simulated device (2048 frames at 48 kHz).
    const PERIOD: f64 = 2048.0 / 48_000.0;
    const LATENCY: f64 = 0.085;

    fn secs(s: f64) -> Time {
        Time::from_secs_f64(s)
    }

    /// What a device with no latency at rate 1 reports: `span` of mix from `at`, called
    /// back at clock time `when`.
    fn heard_at_once(at: Time, span: Time, when: f64) -> Sound {
        Sound::Heard(Heard {
            at,
            span,
            when,
            latency: 0.0,
            rate: 1.0,
        })
    }

    /// A device that began taking mix from `from` at clock time `t0` and calls back every
    /// period; what it reports at clock time `now` (its latest callback).
    fn steady(from: Time, t0: f64, now: f64) -> Sound {
        let k = ((now - t0) / PERIOD).floor().max(0.0);
        let called = t0 + k * PERIOD;
        Sound::Heard(Heard {
            at: from + secs(k * PERIOD),
            span: secs(PERIOD),
            when: called + LATENCY,
            latency: LATENCY,
            rate: 1.0,
        })
    }

    fn close(a: Time, b: Time, within: f64) -> bool {
        (a - b).as_secs_f64().abs() <= within
    }

    #[test]
    fn a_steady_device_drives_the_picture_with_what_is_heard() {
        let from = secs(3.0);
        let mut clock = PlayClock::new(from, 10.0);
        let mut now = 10.0;
        while now < 12.0 {
            let tick = clock.tick(now, steady(from, 10.02, now));
            assert_eq!(tick.resync, None);
            now += 0.016;
        }
        assert_eq!(clock.source(), Source::Device);
        // The speaker plays the mix from 3 s, 20 ms plus the latency after play.
        let heard = from + secs(now - 0.016 - 10.02 - LATENCY);
        assert!(close(clock.shown, heard, 0.002), "{:?}", clock.shown);
    }

    #[test]
    fn without_a_device_the_picture_plays_on_the_wall_clock_at_once() {
        let mut clock = PlayClock::new(secs(1.0), 5.0);
        assert_eq!(clock.tick(5.0, Sound::Absent).position, secs(1.0));
        let tick = clock.tick(6.5, Sound::Absent);
        assert!(close(tick.position, secs(2.5), 1e-6));
        assert!(matches!(clock.source(), Source::Wall { .. }));
    }

    #[test]
    fn the_picture_waits_briefly_for_a_device_that_is_opening_then_goes_on_without_it() {
        let mut clock = PlayClock::new(secs(1.0), 0.0);
        assert_eq!(clock.tick(0.2, Sound::Opening).position, secs(1.0));
        let late = STARTUP_GRACE + 0.01;
        assert_eq!(clock.tick(late, Sound::Opening).position, secs(1.0));
        let tick = clock.tick(late + 1.0, Sound::Opening);
        assert!(close(tick.position, secs(2.0), 1e-6));
    }

    #[test]
    fn a_stalled_device_hands_the_picture_to_the_wall_clock_so_it_never_freezes() {
        // An idle null sink: one callback at 50 ms, then nothing for two seconds.
        let first = heard_at_once(Time::ZERO, secs(2.0 * PERIOD), 0.05);
        let mut clock = PlayClock::new(Time::ZERO, 0.0);
        let mut now = 0.0;
        let mut last = Time::ZERO;
        let mut longest_hold: f64 = 0.0;
        let mut held_since = 0.0;
        while now < 1.9 {
            let sound = if now < 0.05 { Sound::Opening } else { first };
            let p = clock.tick(now, sound).position;
            if p > last {
                held_since = now;
                last = p;
            }
            longest_hold = longest_hold.max(now - held_since);
            now += 0.016;
        }
        assert!(matches!(clock.source(), Source::Wall { .. }));
        assert!(longest_hold <= STALL + 0.05, "held for {longest_hold:.3} s");
        // It carried on from where the sound stood, as if the sound had gone on.
        assert!(close(last, secs(now - 0.016 - 0.05), 0.02), "{last:?}");
    }

    #[test]
    fn a_device_that_comes_back_behind_is_told_to_jump_and_then_leads_again() {
        let mut clock = PlayClock::new(Time::ZERO, 0.0);
        let first = heard_at_once(Time::ZERO, secs(2.0 * PERIOD), 0.05);
        let mut now = 0.05;
        while now < 2.0 {
            clock.tick(now, first);
            now += 0.016;
        }
        // At 2 s the device wakes and goes on steadily from where it stopped.
        let mut content = (secs(2.0 * PERIOD), 2.0);
        let mut jumps = Vec::new();
        while now < 4.0 {
            let sound = steady(content.0, content.1, now);
            let tick = clock.tick(now, sound);
            if let Some(target) = tick.resync {
                jumps.push((now, tick.position, target));
                // The device takes the new mix from its next callback on.
                content = (target, now + PERIOD);
            }
            now += 0.016;
        }
        assert_eq!(jumps.len(), 1, "one jump brings them together: {jumps:?}");
        let (_, shown, target) = jumps[0];
        assert!(target > shown, "the sound jumps ahead of the picture");
        assert_eq!(clock.source(), Source::Device);
        let heard = match steady(content.0, content.1, now) {
            Sound::Heard(h) => h.position(now),
            _ => unreachable!(),
        };
        let wall = secs(now - 0.05);
        assert!(close(heard, wall, IN_STEP), "{heard:?} vs {wall:?}");
    }

    #[test]
    fn the_playhead_never_goes_back() {
        let mut clock = PlayClock::new(secs(2.0), 0.0);
        let ahead = heard_at_once(secs(2.5), secs(0.1), 0.0);
        let behind = heard_at_once(secs(2.0), secs(0.1), 0.0);
        let a = clock.tick(0.01, ahead).position;
        let b = clock.tick(0.02, behind).position;
        assert!(b >= a);
    }

    #[test]
    fn a_device_that_keeps_falling_behind_is_left_alone_after_a_few_jumps() {
        let mut clock = PlayClock::new(Time::ZERO, 0.0);
        let mut now = 0.0;
        let mut jumps = 0;
        while now < 20.0 {
            // Always a second behind, however often it is told to jump.
            let sound = steady(Time::ZERO, 1.0, now);
            if now >= 1.0 && clock.tick(now, sound).resync.is_some() {
                jumps += 1;
            } else if now < 1.0 {
                clock.tick(now, Sound::Opening);
            }
            now += 0.016;
        }
        assert_eq!(jumps, MAX_RESYNCS);
        assert!(matches!(clock.source(), Source::Wall { .. }));
        assert!(close(clock.shown, secs(now - 0.016 - STARTUP_GRACE), 0.05));
    }

    #[test]
    fn shuttling_at_twice_the_speed_the_picture_follows_the_sound_at_that_speed() {
        let mut clock = PlayClock::with_rate(secs(1.0), 0.0, 2.0);
        // The device takes 2048 frames a period, each standing for two of the timeline.
        let report = |now: f64| {
            let k = (now / PERIOD).floor();
            Sound::Heard(Heard {
                at: secs(1.0 + 2.0 * k * PERIOD),
                span: secs(2.0 * PERIOD),
                when: k * PERIOD + LATENCY,
                latency: LATENCY,
                rate: 2.0,
            })
        };
        let mut now = 0.0;
        while now < 1.5 {
            assert_eq!(clock.tick(now, report(now)).resync, None);
            now += 0.016;
        }
        assert_eq!(clock.source(), Source::Device);
        let expected = secs(1.0 + 2.0 * (now - 0.016 - LATENCY));
        assert!(close(clock.shown, expected, 0.004), "{:?}", clock.shown);
    }

    #[test]
    fn without_a_device_shuttling_goes_on_at_its_speed() {
        let mut clock = PlayClock::with_rate(Time::ZERO, 0.0, 4.0);
        let tick = clock.tick(0.5, Sound::Absent);
        assert_eq!(tick.position, Time::ZERO);
        assert!(close(
            clock.tick(1.0, Sound::Absent).position,
            secs(2.0),
            1e-6
        ));
    }
}
