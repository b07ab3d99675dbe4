//! A one-line spinner with the time left, on stderr only when it is a terminal.

use std::io::{IsTerminal as _, Write as _};
use std::time::Duration;

/// Shows that `login` is waiting, and how long it will still wait.
pub struct Spinner {
    enabled: bool,
    frame: usize,
    shown: bool,
}

impl Spinner {
    /// A spinner that draws only when stderr is a terminal.
    pub fn new() -> Spinner {
        Spinner {
            enabled: std::io::stderr().is_terminal(),
            frame: 0,
            shown: false,
        }
    }

    /// Draws the next frame with `left` to go.
    pub fn tick(&mut self, left: Duration) {
        if !self.enabled {
            return;
        }
        const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
        let secs = left.as_secs();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{} Waiting for the browser ({}:{:02} left; or paste the URL it landed on, then Enter; Ctrl-C to cancel)",
            FRAMES[self.frame % FRAMES.len()],
            secs / 60,
            secs % 60
        );
        let _ = err.flush();
        self.frame += 1;
        self.shown = true;
    }

    /// Erases the spinner line, if one is shown.
    pub fn clear(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.shown = false;
        }
    }
}
