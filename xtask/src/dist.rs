//! Builds the browser client into `dist/`: compile to wasm32, split off the code
//! only some people need (functions marked `#[lazy]`, e.g. the lead's cockpit) into
//! chunks fetched on first use (wasm-split), generate the JS glue (wasm-bindgen, as
//! a library pinned to the client's version), shrink (wasm-opt), copy the static
//! assets, and gzip what the server can send compressed.
//!
//! A build's bundle lives in `pkg/<hash of the wasm>/`, so browsers may cache it for
//! ever and an update is never half old, half new.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use flate2::Compression;
use flate2::write::GzEncoder;
use wasm_bindgen_cli_support::Bindgen;

use crate::prerequisites;
use crate::run::{self, CommandExt};

pub(crate) const WASM_TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";
/// The name of the bundle's files inside its directory.
const BUNDLE: &str = "atelier";

/// What rustc's wasm32 target emits, no more: `--all-features` would let wasm-opt
/// use proposals browsers do not ship yet (Chromium 148 refuses compact imports).
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

pub(crate) fn build(root: &Path) -> Result<()> {
    prerequisites::wasm_target()?;
    run::step("building the browser client (wasm32)");
    run::cargo(root)
        .args(["build", "--package", "atelier-client", "--bin", "atelier-client"])
        .args(["--target", WASM_TARGET, "--profile", PROFILE])
        .status_ok()?;
    let compiled = root
        .join("target")
        .join(WASM_TARGET)
        .join(PROFILE)
        .join("atelier-client.wasm");
    let hash = short_hash(&fs::read(&compiled).context("the compiled client")?);

    let dist = root.join("dist");
    let pkg = dist.join("pkg");
    let dir = pkg.join(&hash);
    let wasm = dir.join(format!("{BUNDLE}_bg.wasm"));
    if wasm.is_file() {
        run::step("the bundle of this build is already in dist/");
    } else {
        // Only this build's bundle stays: stale ones would never be asked for again.
        if pkg.exists() {
            fs::remove_dir_all(&pkg).context("clearing dist/pkg")?;
        }
        fs::create_dir_all(&dir)?;
        bundle(root, &compiled, &dir)?;
    }
    copy_assets(&root.join("assets"), &dist, &format!("{hash}/{BUNDLE}"))?;
    compress_tree(&dist)?;

    let size = |file: &Path| -> Result<(f64, f64)> {
        let kib = |bytes: u64| bytes as f64 / 1024.0;
        Ok((
            kib(fs::metadata(file)?.len()),
            kib(fs::metadata(gz_path(file))?.len()),
        ))
    };
    let (raw, gzipped) = size(&wasm)?;
    run::step(&format!(
        "client ready in dist/: wasm {raw:.1} KiB raw, {gzipped:.1} KiB gzipped"
    ));
    for chunk in walk(&dir)? {
        if chunk != wasm && chunk.extension().is_some_and(|e| e == "wasm") {
            let (raw, gzipped) = size(&chunk)?;
            let name = chunk.file_name().unwrap_or_default().to_string_lossy();
            run::step(&format!(
                "  loaded on demand: {name}: {raw:.1} KiB raw, {gzipped:.1} KiB gzipped"
            ));
        }
    }
    Ok(())
}

/// The split (wasm-split), the JavaScript glue (wasm-bindgen), then the shrinking
/// (wasm-opt) of every module, into `dir`.
fn bundle(root: &Path, compiled: &Path, dir: &Path) -> Result<()> {
    run::step("splitting off the code loaded on demand (wasm-split)");
    let input = fs::read(compiled)?;
    let main = dir.join("main.wasm");
    let glue = format!("./{BUNDLE}.js");
    wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = dir;
        options.main_out_path = &main;
        options.main_module = &glue;
        options
    })
    .map_err(|e| anyhow::anyhow!("wasm-split: {e:#}"))?;

    run::step("generating the JavaScript glue (wasm-bindgen)");
    Bindgen::new()
        .input_path(&main)
        .web(true)?
        .typescript(false)
        .keep_lld_exports(true)
        .out_name(BUNDLE)
        .generate(dir)
        .context("wasm-bindgen")?;
    fs::remove_file(&main)?;
    let Some(wasm_opt) = prerequisites::wasm_opt(root)? else {
        return Ok(());
    };
    run::step("shrinking the bundle (wasm-opt -Oz)");
    for module in walk(dir)?
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "wasm"))
    {
        let optimised = dir.join("optimised.wasm");
        Command::new(&wasm_opt)
            .arg(&module)
            .arg("-Oz")
            .args(WASM_FEATURES)
            .args(["--strip-debug", "--strip-producers", "-o"])
            .arg(&optimised)
            .status_ok()?;
        fs::rename(&optimised, &module)?;
    }
    Ok(())
}

/// Copies `assets/web/` (the page) to `dist/` and `assets/static/` (styles, icons) to
/// `dist/assets/`, pointing the page at this build's bundle. Other asset folders
/// (templates, sample maps) are the server's, not the browser's.
fn copy_assets(assets: &Path, dist: &Path, bundle: &str) -> Result<()> {
    let folders = [
        (assets.join("web"), dist.to_owned()),
        (assets.join("static"), dist.join("assets")),
    ];
    for (from, to) in folders {
        for entry in walk(&from)? {
            copy_asset(&entry, &to.join(entry.strip_prefix(&from)?), bundle)?;
        }
    }
    Ok(())
}

fn copy_asset(entry: &Path, target: &Path, bundle: &str) -> Result<()> {
    fs::create_dir_all(target.parent().context("a parent")?)?;
    if entry.extension().is_some_and(|e| e == "html" || e == "js") {
        let text = fs::read_to_string(entry)?.replace("%BUNDLE%", bundle);
        fs::write(target, text)?;
    } else {
        fs::copy(entry, target)?;
    }
    Ok(())
}

/// Writes `file.gz` and `file.br` next to every text file and the wasm: the server
/// sends the smallest one the browser accepts, without compressing anything itself.
fn compress_tree(dir: &Path) -> Result<()> {
    for file in walk(dir)? {
        let compressible = file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "wasm" | "js" | "css" | "html" | "svg" | "json"));
        if compressible {
            let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
            encoder.write_all(&fs::read(&file)?)?;
            fs::write(gz_path(&file), encoder.finish()?)?;
            let plain = fs::read(&file)?;
            let mut brotli = Vec::new();
            // Quality 11 (the best), window 2^22: a few seconds for the whole client.
            brotli::BrotliCompress(&mut plain.as_slice(), &mut brotli, &brotli_params())?;
            fs::write(suffixed(&file, ".br"), brotli)?;
        }
    }
    Ok(())
}

fn gz_path(file: &Path) -> PathBuf {
    suffixed(file, ".gz")
}

fn suffixed(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn brotli_params() -> brotli::enc::BrotliEncoderParams {
    brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    }
}

fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(walk(&path)?);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

/// FNV-1a, 64 bits, as 10 hex digits: enough to tell builds apart.
fn short_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:010x}", hash >> 24)
}
