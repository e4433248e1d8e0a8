//! Where the examples write what they make (trained nets, generated source, charts).

use std::error::Error;
use std::path::PathBuf;

/// The folder `sub` of the examples' output folder: `$CONSTNET_OUT` when set, otherwise
/// `target` beside this repository's `Cargo.toml` (also with `CARGO_TARGET_DIR` set
/// elsewhere). Created if missing; an error names the folder.
pub fn dir(sub: &str) -> Result<PathBuf, Box<dyn Error>> {
    let base = std::env::var_os("CONSTNET_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // The repository's root, one up from the examples' own manifest.
            let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            examples.parent().unwrap_or(examples).join("target")
        });
    create(if sub.is_empty() { base } else { base.join(sub) })
}

/// Creates `dir` and its parents if missing; an error names the folder.
pub fn create(dir: PathBuf) -> Result<PathBuf, Box<dyn Error>> {
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))?;
    Ok(dir)
}
