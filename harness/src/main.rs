//! `cargo harness`: see `neurokern --help`.

use clap::Parser;
use neurokern_harness::{run, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap prints help and --version to stdout (exit 0) and usage errors to
    // stderr (exit 2)
    let cli = Cli::parse();
    // with `--json -` the JSON owns standard output; the report goes to stderr
    let result = if cli.options.json_to_stdout() {
        run(cli.command, &cli.options, &mut std::io::stderr())
    } else {
        run(cli.command, &cli.options, &mut std::io::stdout())
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("neurokern: {e}");
            ExitCode::FAILURE
        }
    }
}
