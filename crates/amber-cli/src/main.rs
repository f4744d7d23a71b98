//! The `amber` binary; see `amber --help`.

fn main() -> std::process::ExitCode {
    // A bug must still end in one line, not a panic message and a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("error: internal error in amber{location}; please report it");
    }));
    amber_cli::main_with_args(std::env::args_os())
}
