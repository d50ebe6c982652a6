//! The `till` binary: the whole register appliance. As process 1 (the initramfs's `/init`) it
//! boots the box and supervises the register; otherwise it is the command line.

fn main() -> std::process::ExitCode {
    if std::process::id() == 1 {
        till::init::run()
    }
    till::cli::main()
}
