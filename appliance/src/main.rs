//! The `till` binary: the whole register appliance.

fn main() -> std::process::ExitCode {
    till::cli::main()
}
