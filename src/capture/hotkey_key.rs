//! The key combination of a global hotkey, the same on every platform: modifiers and an X
//! keysym (X11 grabs it as it is; Windows and macOS translate it to their key codes).

use std::time::Duration;

/// Presses closer together than this are one press (auto-repeat while held).
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(300);

/// A key combination: modifiers and an X keysym (e.g. `0x72` for `r`, `0xffc6` for F9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hotkey {
    /// Control held.
    pub ctrl: bool,
    /// Alt held (Option on a Mac keyboard).
    pub alt: bool,
    /// Shift held.
    pub shift: bool,
    /// The key's X keysym.
    pub keysym: u32,
}

impl Hotkey {
    /// Ctrl+Alt+R: start or stop recording.
    pub const RECORD: Hotkey = Hotkey {
        ctrl: true,
        alt: true,
        shift: false,
        keysym: 0x72,
    };

    /// Ctrl+Alt+M: mark the last seconds of the recording.
    pub const MARK: Hotkey = Hotkey {
        ctrl: true,
        alt: true,
        shift: false,
        keysym: 0x6d,
    };

    /// Ctrl+Alt+S: save the replay buffer.
    pub const SAVE_REPLAY: Hotkey = Hotkey {
        ctrl: true,
        alt: true,
        shift: false,
        keysym: 0x73,
    };
}

// Only Windows and macOS translate keysyms; X11 grabs them as they are.
/// What a keysym is on any keyboard layout: a letter, a digit or a function key.
#[cfg(any(windows, target_os = "macos", test))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyName {
    /// `A` to `Z`, as 0 to 25.
    Letter(u8),
    /// `0` to `9`.
    Digit(u8),
    /// `F1` to `F12`, as 1 to 12.
    Function(u8),
}

/// The key `keysym` stands for, when it is one a hotkey can use everywhere.
#[cfg(any(windows, target_os = "macos", test))]
pub(crate) fn key_name(keysym: u32) -> Option<KeyName> {
    let small = |v: u32| u8::try_from(v).ok();
    match keysym {
        0x61..=0x7a => small(keysym - 0x61).map(KeyName::Letter),
        0x41..=0x5a => small(keysym - 0x41).map(KeyName::Letter),
        0x30..=0x39 => small(keysym - 0x30).map(KeyName::Digit),
        0xffbe..=0xffc9 => small(keysym - 0xffbe + 1).map(KeyName::Function),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_digits_and_function_keys_are_named_and_others_are_not() {
        assert_eq!(key_name(0x72), Some(KeyName::Letter(17))); // r
        assert_eq!(key_name(0x52), Some(KeyName::Letter(17))); // R
        assert_eq!(key_name(0x39), Some(KeyName::Digit(9)));
        assert_eq!(key_name(0xffc6), Some(KeyName::Function(9))); // F9
        assert_eq!(key_name(0xff0d), None); // Return
    }
}
