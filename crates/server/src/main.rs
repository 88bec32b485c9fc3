use std::process::ExitCode;

use clap::Parser;
use portal_server::cli::{Cli, error_line};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(error) = portal_server::telemetry::init(cli.command.is_serve()) {
        eprintln!("{}", error_line(&error));
        return ExitCode::FAILURE;
    }
    match cli.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", error_line(&error));
            ExitCode::FAILURE
        }
    }
}
