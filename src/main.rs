use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = minsheng::cli::parse();
    minsheng::telemetry::init();
    match minsheng::cli::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One clear line for the operator; the chain says where it came from.
            eprintln!("minsheng: {error:#}");
            ExitCode::FAILURE
        }
    }
}
