//! Progress on standard error: a bar on a terminal; when standard error is
//! a pipe or a file (CI, `2>log`), a plain line when a section starts, every
//! few seconds while it runs, and when it ends, so a piped run is never
//! silent for minutes.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often a plain progress line is printed.
const PLAIN_EVERY: Duration = Duration::from_secs(10);

/// The progress of one section (`cost`, `vanish`, `train`).
pub struct Progress {
    bar: ProgressBar,
    title: &'static str,
    started: Instant,
    plain: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

impl Progress {
    /// Starts reporting the section `title`.
    pub fn start(title: &'static str) -> Progress {
        let started = Instant::now();
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {msg}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar.set_prefix(title);
            return Progress {
                bar,
                title,
                started,
                plain: None,
            };
        }
        // not a terminal: the bar only counts, a thread prints its state
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        eprintln!("neurokern: {title}: started");
        let (stop, stopped) = mpsc::channel();
        let watched = bar.clone();
        let thread = std::thread::spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(PLAIN_EVERY) {
                eprintln!(
                    "neurokern: {title}: {}/{} {} ({} s)",
                    watched.position(),
                    watched.length().unwrap_or(0),
                    watched.message(),
                    started.elapsed().as_secs()
                );
            }
        });
        Progress {
            bar,
            title,
            started,
            plain: Some((stop, thread)),
        }
    }

    /// The counter the measurement advances.
    pub fn bar(&self) -> &ProgressBar {
        &self.bar
    }

    /// Ends the section: clears the bar, or prints how long it took.
    pub fn finish(self) {
        self.bar.finish_and_clear();
        if let Some((stop, thread)) = self.plain {
            // the thread ends on the message or on a closed channel
            let _ = stop.send(());
            let _ = thread.join();
            eprintln!(
                "neurokern: {}: done in {:.1} s",
                self.title,
                self.started.elapsed().as_secs_f64()
            );
        }
    }
}
