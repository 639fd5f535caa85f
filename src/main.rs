//! The `idlgen` command line: a thin layer over the library.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use idlgen::generate_rust as generate;
use idlgen::{Diagnostic, DumpOptions, Error, RustOptions, dump_json as dump};

/// Rust bindings, DISPID tables and model dumps from Microsoft IDL.
///
/// Exit codes: 0 success; 1 `rust --check` found a file that differs from what would be
/// generated; 2 usage or input error. Errors go to stderr, with file:line:col and a caret.
#[derive(Parser, Debug)]
#[command(name = "idlgen", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate Rust bindings: IIDs, vtables, wrappers, `_Impl` traits, DISPID tables.
    ///
    /// With one IDL input the bindings go to stdout or to `-o FILE`. With a directory input,
    /// every `*.idl` file in it gets its own `NAME.rs` in the directory `-o DIR`.
    Rust {
        #[command(flatten)]
        input: InputArgs,
        /// Write to FILE (one input) or into DIR (a directory input) instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE|DIR")]
        output: Option<PathBuf>,
        /// Emit only this interface (repeatable; default: every interface).
        #[arg(long = "interface", value_name = "NAME")]
        interfaces: Vec<String>,
        /// Also emit the declarations of imported files (not of the embedded base set).
        #[arg(long)]
        with_imports: bool,
        /// Instead of bindings, `IDispatch` for windows-rs objects: one macro per dual
        /// interface, `IFoo_dispatch!(MyType_Impl, windows::...)`, implementing the `windows`
        /// crate's `IDispatch_Impl` for an `#[implement(IFoo)]` type from the DISPID table.
        #[arg(long)]
        windows_dispatch: bool,
        /// The path generated code names the runtime crate by: a renamed dependency (`rt`), or a
        /// module re-exporting it (`crate::rt`).
        #[arg(long, value_name = "PATH", default_value = "idlgen_runtime")]
        runtime_path: String,
        /// Write nothing: exit 1, with a short summary, if a file on disk differs from what
        /// would be generated (for CI, after a Windows SDK update). Needs `-o`.
        #[arg(long, requires = "output")]
        check: bool,
    },
    /// Print every member's DISPID: interface, member, DISPID (hex), invoke kind, vtable slot.
    Dispids {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Print the resolved model as JSON (format: docs/dump-json.md in idlgen's source).
    ///
    /// One document: `format` ("idlgen-dump"), `version` (1), `inputs`, `libraries`, and `types`,
    /// one object per interface, dispinterface, coclass, enum, struct, union, typedef, const or
    /// module, with its members, vtable slots and DISPIDs. Every key is always present (null
    /// where it does not apply), lists keep declaration order, and the output is the same byte
    /// for byte for the same inputs. docs/dump-json.md (in the repository and the crate
    /// package) describes every key.
    Dump {
        #[command(flatten)]
        input: InputArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Also list the types of imported files, each with its own source.
        #[arg(long)]
        with_imports: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Json,
}

#[derive(Args, Debug)]
struct InputArgs {
    /// IDL files to read, or one type library (.tlb, or a .dll/.ocx/.exe with a TYPELIB
    /// resource); `rust` also takes one directory of IDL files.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// Add DIR to the import and #include search path (repeatable; searched in order, after
    /// the importing file's own directory and before idlgen's embedded base set of
    /// wtypesbase.idl, wtypes.idl, unknwn.idl, objidl.idl and oaidl.idl).
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    include: Vec<PathBuf>,
    /// Define a preprocessor macro, as NAME (value 1) or NAME=VALUE (repeatable).
    #[arg(short = 'D', long = "define", value_name = "NAME[=VALUE]")]
    define: Vec<String>,
    /// Undefine a predefined macro such as _WIN64 (repeatable).
    #[arg(short = 'U', long = "undefine", value_name = "NAME")]
    undefine: Vec<String>,
    /// Add DIR to the search path for imported type libraries (`importlib("stdole2.tlb")`,
    /// or a type library input's imports); the same list as -I (repeatable).
    #[arg(long = "tlb-path", value_name = "DIR")]
    tlb_path: Vec<PathBuf>,
    /// Put a Windows SDK on the search path: DIR is its Include/<version> folder (e.g.
    /// "C:\Program Files (x86)\Windows Kits\10\Include\10.0.16299.0"), whose um/, shared/
    /// and winrt/ are searched, in that order, after every -I and --tlb-path directory and
    /// before the embedded base set. A DIR with none of um/, shared/, winrt/ is a usage error
    /// (exit 2).
    #[arg(long = "sdk", value_name = "DIR", value_parser = sdk_parser())]
    sdk: Option<idlgen::Sdk>,
    /// For a .dll/.ocx/.exe input: read its TYPELIB resource N (default: the lowest id).
    #[arg(long = "resource", value_name = "N")]
    resource: Option<u32>,
}

/// `--sdk DIR`, checked as it is parsed, so that a wrong folder is a usage error.
fn sdk_parser() -> impl clap::builder::TypedValueParser<Value = idlgen::Sdk> {
    use clap::builder::TypedValueParser;
    clap::builder::PathBufValueParser::new().try_map(|dir| {
        idlgen::Sdk::open(dir).map_err(|e| {
            (e.diagnostics.into_iter())
                .flat_map(|d| {
                    std::iter::once(d.message)
                        .chain(d.notes.into_iter().map(|n| format!("\n  = {n}")))
                })
                .collect::<String>()
        })
    })
}

impl InputArgs {
    /// The options: the search path (the -I directories, then --tlb-path's, then the SDK's),
    /// the macros, the resource id.
    fn options(&self) -> idlgen::Options {
        let mut opts = idlgen::Options::new();
        for dir in &self.include {
            opts = opts.include_dir(dir);
        }
        for dir in &self.tlb_path {
            opts = opts.tlb_path(dir);
        }
        if let Some(sdk) = &self.sdk {
            opts = opts.sdk(sdk.root());
        }
        for d in &self.define {
            opts = match d.split_once('=') {
                Some((n, v)) => opts.define(n, v),
                None => opts.define(d, "1"),
            };
        }
        for name in &self.undefine {
            opts = opts.undefine(name);
        }
        if let Some(id) = self.resource {
            opts = opts.resource_id(id);
        }
        opts
    }

    fn load(&self, inputs: &[PathBuf]) -> idlgen::Result<idlgen::model::Model> {
        idlgen::load(inputs, &self.options()).map(|l| l.model)
    }

    /// [`InputArgs::load`] for the one model of a run, which lives until the process exits:
    /// never freed, rather than freed block by block just before the exit frees it all at once.
    fn load_for_run(&self) -> idlgen::Result<&'static mut idlgen::model::Model> {
        self.load(&self.inputs)
            .map(|model| Box::leak(Box::new(model)))
    }
}

fn bare(message: String) -> Error {
    Diagnostic::bare(message).into()
}

/// The outcome of a successful run: 0, or 1 for a `--check` mismatch.
type Outcome = idlgen::Result<u8>;

fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Rust {
            input,
            output,
            interfaces,
            with_imports,
            windows_dispatch,
            runtime_path,
            check,
        } => {
            let opts = RustOptions {
                interfaces,
                windows_dispatch,
                runtime: runtime_path,
                ..Default::default()
            };
            let single = match input.inputs.as_slice() {
                [one] if one.is_dir() => None,
                _ => Some(()),
            };
            match single {
                Some(()) => {
                    let model = input.load_for_run()?;
                    if with_imports {
                        model.include_imported_user_files();
                    }
                    // Written as it is laid out: the file's text is not held whole (but to
                    // compare it with the file on disk).
                    match (&output, check) {
                        (Some(path), true) => {
                            let code = generate(model, &opts)?;
                            Ok(u8::from(!check_file(path, &code)?))
                        }
                        (Some(path), false) => {
                            idlgen::write_if_changed_with(path, |w| {
                                idlgen::generate_rust_to(model, &opts, w)
                            })?;
                            Ok(0)
                        }
                        (None, _) => {
                            write_stdout(|w| idlgen::generate_rust_to(model, &opts, w)).map(|()| 0)
                        }
                    }
                }
                None => rust_dir(&input, output.as_deref(), &opts, with_imports, check),
            }
        }
        Command::Dispids { input } => {
            let model = input.load_for_run()?;
            let table = idlgen::dispid_table(model);
            write_stdout(|w| write_all(w, &table)).map(|()| 0)
        }
        Command::Dump {
            input,
            format: Format::Json,
            with_imports,
        } => {
            let model = input.load_for_run()?;
            let text = dump(
                model,
                &DumpOptions {
                    with_imports,
                    inputs: input
                        .inputs
                        .iter()
                        .map(|p| p.to_string_lossy().into_owned())
                        .collect(),
                },
            );
            write_stdout(|w| write_all(w, &text)).map(|()| 0)
        }
    }
}

/// `idlgen rust DIR -o OUT`: one `NAME.rs` per `NAME.idl`, with a progress bar on a terminal.
fn rust_dir(
    input: &InputArgs,
    output: Option<&Path>,
    opts: &RustOptions,
    with_imports: bool,
    check: bool,
) -> Outcome {
    let dir = &input.inputs[0];
    let out_dir = output.ok_or_else(|| {
        bare(format!(
            "{} is a directory: give `-o DIR` for the generated files",
            dir.display()
        ))
    })?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| bare(format!("cannot read directory {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("idl")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(bare(format!("no .idl files in {}", dir.display())));
    }
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    // All at once where they load and resolve (each file parsed once, shared imports resolved
    // once, on every core), each model generated and written (or checked) on the thread that
    // made it, and dropped: only the files in the works are held. A file that does not load
    // with the others, alone in its turn, which reports its error as before. With imports the
    // bindings name every file the model lists: one at a time.
    let target = |file: &Path| {
        let stem = file
            .file_stem()
            .map_or_else(|| "bindings".into(), |s| s.to_string_lossy().to_lowercase());
        out_dir.join(format!("{stem}.rs"))
    };
    // Generates and writes (or checks) one file: in check mode, the difference if any.
    let emit = |file: &Path, model: &idlgen::model::Model| -> idlgen::Result<Option<String>> {
        let target = target(file);
        if check {
            idlgen::compare_file(&target, &generate(model, opts)?)
        } else {
            idlgen::write_if_changed_with(&target, |w| idlgen::generate_rust_to(model, opts, w))?;
            Ok(None)
        }
    };
    let done: std::sync::Mutex<Vec<Option<idlgen::Result<Option<String>>>>> =
        std::sync::Mutex::new((0..files.len()).map(|_| None).collect());
    if !with_imports {
        idlgen::load_each(&files, &input.options(), |k, model| {
            // A file that fails here is loaded alone below, in order.
            let (Ok(model), Some(file)) = (model, files.get(k)) else {
                return;
            };
            let result = emit(file, &model);
            drop(model);
            if let Ok(mut done) = done.lock() {
                done[k] = Some(result);
            }
            bar.inc(1);
        });
    }
    let mut done = done.into_inner().unwrap_or_default();
    let mut mismatches = 0u8;
    for (k, file) in files.iter().enumerate() {
        bar.set_message(file.display().to_string());
        let difference = match done.get_mut(k).and_then(Option::take) {
            Some(result) => result?,
            None => {
                let mut model = input.load(std::slice::from_ref(file))?;
                if with_imports {
                    model.include_imported_user_files();
                }
                let difference = emit(file, &model)?;
                bar.inc(1);
                difference
            }
        };
        if let Some(summary) = difference {
            eprintln!("{summary}");
            mismatches = 1;
        }
    }
    bar.finish_and_clear();
    Ok(mismatches)
}

/// Compares a file on disk with what would be generated; prints a short summary when they
/// differ. Returns whether they are equal.
fn check_file(path: &Path, code: &str) -> idlgen::Result<bool> {
    let difference = idlgen::compare_file(path, code)?;
    if let Some(summary) = &difference {
        eprintln!("{summary}");
    }
    Ok(difference.is_none())
}

/// Writes to stdout what `fill` writes; a closed pipe (`idlgen ... | head`) ends the output
/// quietly.
fn write_stdout(
    fill: impl FnOnce(&mut dyn std::io::Write) -> idlgen::Result<()>,
) -> idlgen::Result<()> {
    let mut out = Stdout {
        out: std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock()),
        error: None,
        closed: false,
    };
    let filled = fill(&mut out);
    use std::io::Write;
    let flushed = out.out.flush();
    if let Some(e) = out.error.or(flushed.err()).filter(|_| !out.closed)
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(bare(format!("cannot write to standard output: {e}")));
    }
    filled
}

fn write_all(w: &mut dyn std::io::Write, text: &str) -> idlgen::Result<()> {
    // The writer keeps its errors (see `Stdout`).
    let _ = w.write_all(text.as_bytes());
    Ok(())
}

/// Standard output that takes everything without failing (the caller then hears of the first
/// error, or of a closed pipe, from it).
struct Stdout<W> {
    out: W,
    error: Option<std::io::Error>,
    /// The reader went away: the rest is dropped.
    closed: bool,
}

impl<W: std::io::Write> std::io::Write for Stdout<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.closed || self.error.is_some() {
            return Ok(data.len());
        }
        match self.out.write_all(data) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => self.closed = true,
            Err(e) => self.error = Some(e),
            Ok(()) => {}
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    let cli = Cli::parse();
    // One model then exit (all but `rust DIR`), or many models then exit (`rust DIR`): the
    // heap is set up for each.
    let directory = matches!(&cli.command, Command::Rust { input, .. } if input.inputs.iter().any(|p| p.is_dir()));
    if directory {
        idlgen::tune_heap_for_batch();
    } else {
        idlgen::tune_heap_for_one_run();
    }
    // All the work on one thread with the stack the front end needs, rather than a thread for
    // each stage: the stages then share one heap (see `idlgen::on_big_stack`).
    // The process exits from that thread once the work is done (`finish`): nothing is left
    // to free or to tear down, thread-local caches included.
    let outcome =
        match idlgen::on_big_stack(move || -> std::convert::Infallible { finish(run(cli)) }) {
            Ok(Ok(never)) => match never {},
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(e) => Err(bare(format!("cannot start a thread: {e}"))),
        };
    finish(outcome)
}

/// Reports the outcome and exits the process (its exit code: 0, 1 for a `--check` mismatch, 2
/// for an error).
fn finish(outcome: Outcome) -> ! {
    let code = match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            2
        }
    };
    // `exit` flushes stdout first.
    std::process::exit(i32::from(code))
}
