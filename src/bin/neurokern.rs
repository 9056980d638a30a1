//! `cargo harness`: see `neurokern --help`.

use neurokern::harness::{run, ArgError, Options, HELP};
use std::process::ExitCode;

fn main() -> ExitCode {
    match Options::parse(std::env::args().skip(1)) {
        Ok(o) => match run(&o) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("neurokern: {e}");
                ExitCode::FAILURE
            }
        },
        Err(ArgError::Help) => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Err(ArgError::Invalid(msg)) => {
            eprintln!("neurokern: {msg}\nRun `cargo harness --help` for usage.");
            ExitCode::from(2)
        }
    }
}
