//! The `idlgen` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Rust bindings, DISPID tables and IDispatch shims from Microsoft IDL.
///
/// Exit codes: 0 success, 2 usage or input error (the error is printed on stderr with its
/// file:line:col).
#[derive(Parser, Debug)]
#[command(name = "idlgen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate Rust bindings (IIDs, vtables, wrappers, `_Impl` traits, DISPID tables).
    Rust {
        #[command(flatten)]
        input: InputArgs,
        /// Write the bindings to FILE instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Emit only these interfaces (repeatable; default: all).
        #[arg(long = "interface", value_name = "NAME")]
        interfaces: Vec<String>,
    },
    /// Print every member's DISPID: interface, member, DISPID (hex), invoke kind, vtable slot.
    Dispids {
        #[command(flatten)]
        input: InputArgs,
    },
}

#[derive(Args, Debug)]
struct InputArgs {
    /// The IDL file to read.
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// Add DIR to the import and #include search path (repeatable; searched in order, before
    /// idlgen's embedded base set of wtypes.idl, unknwn.idl, objidl.idl and oaidl.idl).
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    include: Vec<PathBuf>,
    /// Define a preprocessor macro: NAME or NAME=VALUE (repeatable).
    #[arg(short = 'D', long = "define", value_name = "NAME[=VALUE]")]
    define: Vec<String>,
}

impl InputArgs {
    fn load(&self) -> idlgen::Result<idlgen::model::Model> {
        let opts = idlgen::idl::Options {
            include_dirs: self.include.clone(),
            defines: self
                .define
                .iter()
                .map(|d| match d.split_once('=') {
                    Some((n, v)) => (n.to_string(), v.to_string()),
                    None => (d.clone(), "1".to_string()),
                })
                .collect(),
            ..Default::default()
        };
        idlgen::load(std::slice::from_ref(&self.input), &opts).map(|l| l.model)
    }
}

fn run(cli: Cli) -> idlgen::Result<()> {
    match cli.command {
        Command::Rust {
            input,
            output,
            interfaces,
        } => {
            let model = input.load()?;
            let code = idlgen::codegen::rust::generate(
                &model,
                &idlgen::codegen::rust::RustOptions {
                    interfaces,
                    ..Default::default()
                },
            )?;
            match output {
                Some(path) => std::fs::write(&path, code).map_err(|e| {
                    idlgen::Diagnostic::bare(format!("cannot write {}: {e}", path.display()))
                })?,
                None => write_stdout(&code)?,
            }
        }
        Command::Dispids { input } => {
            let model = input.load()?;
            write_stdout(&idlgen::codegen::dispids::table(&model))?;
        }
    }
    Ok(())
}

/// Writes to stdout; a closed pipe (`idlgen ... | head`) ends the output quietly.
fn write_stdout(text: &str) -> idlgen::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(idlgen::Diagnostic::bare(format!("cannot write to standard output: {e}")).into())
        }
        _ => Ok(()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
