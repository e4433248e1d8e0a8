//! The layout rule of CONTRIBUTING.md, checked on the source: folders are floors, every
//! dependency points down, and no two modules depend on each other.
//!
//! Each `crate::`, `$crate::` and `super::` path in a file's code (comments left out) is
//! resolved to the file that defines what it names, following `pub use` re-exports. Re-exports
//! and `mod` declarations are how a folder shows its contents, not uses, so they make no edge.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The floors, bottom up: a file may use files on its own floor or below.
const FLOORS: &[(&str, usize)] = &[
    ("scalar.rs", 0),
    ("kernels", 0),
    ("tensor.rs", 1),
    ("quantization.rs", 1),
    ("module", 2),
    ("layers", 3),
    ("loss", 4),
    ("optim", 4),
    ("data", 4),
    ("persist", 5),
    ("train", 5),
    ("lib.rs", 6),
];

/// A source file, by its module path (`["kernels", "packed"]`; `[]` is `lib.rs`).
struct File {
    path: PathBuf,
    module: Vec<String>,
    /// The code with comments removed.
    code: String,
}

fn files() -> Vec<File> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix("src").unwrap();
                let mut module: Vec<String> = relative
                    .iter()
                    .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string())
                    .collect();
                if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                    module.pop();
                }
                let text = fs::read_to_string(&path).unwrap();
                out.push(File {
                    code: without_comments(&text),
                    path,
                    module,
                });
            }
        }
    }
    out
}

/// `text` without `//` comments (doc comments hold links like `crate::Linear` that are not
/// uses), and without a trailing `#[cfg(test)] mod tests`, which may reach anywhere.
fn without_comments(text: &str) -> String {
    let code: Vec<&str> = text
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect();
    let code = code.join("\n");
    match code.find("#[cfg(test)]\nmod tests") {
        Some(at) => code[..at].to_string(),
        None => code,
    }
}

/// Every path that starts with `crate::`, `$crate::`, `super::` or `self::`, with `{a, b::c}`
/// groups expanded; the second value says whether it was in a `pub use` (a re-export).
fn paths(code: &str) -> Vec<(Vec<String>, bool)> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &code[at..];
        let start = ["$crate::", "crate::", "super::", "self::"]
            .iter()
            .find(|p| rest.starts_with(*p));
        let boundary = at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        if let (Some(_), true) = (start, boundary) {
            let line_start = code[..at].rfind('\n').map_or(0, |n| n + 1);
            let statement = code[line_start..at].trim_start();
            let reexport =
                statement.starts_with("pub use") || statement.starts_with("pub(crate) use");
            let (expanded, len) = expand(rest);
            for path in expanded {
                out.push((path, reexport));
            }
            at += len.max(1);
        } else {
            at += 1;
        }
    }
    out
}

/// Parses `a::b::{c, d::e}` at the start of `text` into its paths, and returns how many bytes
/// it took.
fn expand(text: &str) -> (Vec<Vec<String>>, usize) {
    let mut segments = Vec::new();
    let mut at = 0;
    let bytes = text.as_bytes();
    loop {
        let start = at;
        while at < bytes.len()
            && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_' || bytes[at] == b'$')
        {
            at += 1;
        }
        if at > start {
            segments.push(text[start..at].to_string());
        }
        if text[at..].starts_with("::{") {
            at += 3;
            let mut out = Vec::new();
            loop {
                while at < bytes.len()
                    && (bytes[at] == b' ' || bytes[at] == b'\n' || bytes[at] == b',')
                {
                    at += 1;
                }
                if at >= bytes.len() || bytes[at] == b'}' {
                    at += 1;
                    break;
                }
                let (inner, len) = expand(&text[at..]);
                for path in inner {
                    let mut full = segments.clone();
                    full.extend(path);
                    out.push(full);
                }
                at += len.max(1);
            }
            return (out, at);
        }
        if text[at..].starts_with("::") {
            at += 2;
        } else {
            return (vec![segments], at);
        }
    }
}

/// The folder or file of the crate a module belongs to, and its floor.
fn floor(module: &[String]) -> (String, usize) {
    let top = match module.first() {
        None => "lib.rs".to_string(),
        Some(first) if module.len() == 1 && !Path::new("src").join(first).is_dir() => {
            format!("{first}.rs")
        }
        Some(first) => first.clone(),
    };
    let floor = FLOORS
        .iter()
        .find(|(name, _)| *name == top)
        .unwrap_or_else(|| panic!("`{top}` is on no floor: add it to FLOORS and CONTRIBUTING.md"))
        .1;
    (top, floor)
}

struct Graph {
    files: Vec<File>,
    by_module: BTreeMap<Vec<String>, usize>,
    /// Where each `macro_rules!` is defined (`#[macro_export]` puts them at the crate root).
    macros: BTreeMap<String, usize>,
}

/// The `pub use` and `pub(crate) use` statements of `code`, each expanded into its paths.
fn reexports(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for start in ["pub use ", "pub(crate) use "] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let begin = from + at + start.len();
            let end = code[begin..].find(';').map_or(code.len(), |e| begin + e);
            let statement: String = code[begin..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join("");
            out.extend(expand(&statement).0);
            from = end;
        }
    }
    out
}

impl Graph {
    /// The file that defines what `path` (absolute, without `crate`) names, following
    /// re-exports; `None` for what is not the crate's (another crate's items).
    fn resolve(&self, path: &[String], depth: usize) -> Option<usize> {
        if depth > 16 {
            return None;
        }
        // The longest prefix that is a file.
        let (file, used) = (0..=path.len())
            .rev()
            .find_map(|n| self.by_module.get(&path[..n]).map(|&f| (f, n)))?;
        let Some(mut name) = path.get(used) else {
            return Some(file);
        };
        let code = &self.files[file].code;
        // An inline module of re-exports (`pub mod network { pub use ...; }`): the name after it.
        if code.contains(&format!("pub mod {name} {{"))
            && let Some(next) = path.get(used + 1)
        {
            name = next;
        }
        for reexport in reexports(code) {
            if reexport.last() != Some(name) {
                continue;
            }
            let module = &self.files[file].module;
            let target = match reexport.first().map(String::as_str) {
                Some("crate" | "$crate" | "super" | "self") => absolute(module, &reexport)?,
                Some(first)
                    if self
                        .by_module
                        .contains_key(&[module.clone(), vec![first.into()]].concat()) =>
                {
                    [module.clone(), reexport.clone()].concat()
                }
                // Another crate's item, re-exported (`pub use rand;`).
                _ => return None,
            };
            return self.resolve(&target, depth + 1);
        }
        if file == self.by_module[&Vec::new()]
            && let Some(&defined) = self.macros.get(name)
        {
            return Some(defined);
        }
        Some(file)
    }
}

/// `path` as seen from `module`, without its `crate`/`super`/`self` start.
fn absolute(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = module.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate" | "$crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

fn graph() -> (Graph, BTreeSet<(usize, usize)>) {
    let files = files();
    let by_module = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.module.clone(), i))
        .collect();
    let mut macros = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        for part in file.code.split("macro_rules! ").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            macros.insert(name, i);
        }
    }
    let graph = Graph {
        files,
        by_module,
        macros,
    };
    let mut edges = BTreeSet::new();
    for (from, file) in graph.files.iter().enumerate() {
        for (path, reexport) in paths(&file.code) {
            if reexport {
                continue;
            }
            if let Some(absolute) = absolute(&file.module, &path)
                && let Some(to) = graph.resolve(&absolute, 0)
                && to != from
            {
                edges.insert((from, to));
            }
        }
    }
    (graph, edges)
}

fn name(graph: &Graph, file: usize) -> String {
    graph.files[file].path.display().to_string()
}

#[test]
fn kernels_import_only_scalar_and_each_other() {
    let (graph, edges) = graph();
    let mut wrong = Vec::new();
    for &(from, to) in &edges {
        let (from_top, _) = floor(&graph.files[from].module);
        let (to_top, _) = floor(&graph.files[to].module);
        if from_top == "kernels" && !matches!(to_top.as_str(), "kernels" | "scalar.rs") {
            wrong.push(format!("{} -> {}", name(&graph, from), name(&graph, to)));
        }
    }
    assert!(
        wrong.is_empty(),
        "kernels import from above their floor:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_dependency_points_down() {
    let (graph, edges) = graph();
    let mut wrong = Vec::new();
    for &(from, to) in &edges {
        let (from_top, from_floor) = floor(&graph.files[from].module);
        let (to_top, to_floor) = floor(&graph.files[to].module);
        if to_floor > from_floor {
            wrong.push(format!(
                "{} ({from_top}, floor {from_floor}) -> {} ({to_top}, floor {to_floor})",
                name(&graph, from),
                name(&graph, to)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies pointing up:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_modules_depend_on_each_other() {
    let (graph, edges) = graph();
    // Depth-first search for a cycle, reporting the first found.
    let n = graph.files.len();
    let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
    let mut stack = Vec::new();
    fn visit(
        node: usize,
        edges: &BTreeSet<(usize, usize)>,
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[node] = 1;
        stack.push(node);
        for &(_, to) in edges.range((node, 0)..(node + 1, 0)) {
            if state[to] == 1 {
                let at = stack.iter().position(|&s| s == to).unwrap();
                let mut cycle = stack[at..].to_vec();
                cycle.push(to);
                return Some(cycle);
            }
            if state[to] == 0
                && let Some(cycle) = visit(to, edges, state, stack)
            {
                return Some(cycle);
            }
        }
        stack.pop();
        state[node] = 2;
        None
    }
    for start in 0..n {
        if state[start] == 0
            && let Some(cycle) = visit(start, &edges, &mut state, &mut stack)
        {
            let names: Vec<String> = cycle.iter().map(|&f| name(&graph, f)).collect();
            panic!("a dependency loop: {}", names.join(" -> "));
        }
    }
}

/// The checker itself: it sees the edges it must, so the tests above can fail.
#[test]
fn the_checker_resolves_uses_through_reexports() {
    let (graph, edges) = graph();
    let file = |p: &str| {
        graph
            .files
            .iter()
            .position(|f| f.path == Path::new(p))
            .unwrap_or_else(|| panic!("no {p}"))
    };
    // `use crate::{Layers, Module, Scalar, layer, tensor}` in linear.rs reaches the files that
    // define them, through lib.rs and module/mod.rs.
    let linear = file("src/layers/linear.rs");
    for target in [
        "src/module/layers.rs",
        "src/module/api.rs",
        "src/scalar.rs",
        "src/tensor.rs",
    ] {
        assert!(
            edges.contains(&(linear, file(target))),
            "linear.rs -> {target}"
        );
    }
    // `use super::{Optimizer, ...}` in an optimizer reaches optim/mod.rs, and mod.rs's
    // `pub use adam::Adam` makes no edge back.
    let adam = file("src/optim/adam.rs");
    let optim = file("src/optim/mod.rs");
    assert!(edges.contains(&(adam, optim)));
    assert!(!edges.contains(&(optim, adam)));
    // Comments are not uses.
    assert!(
        paths(&without_comments(
            "/// [`L`](crate::layers::Linear)\n// crate::x\n"
        ))
        .is_empty()
    );
    assert_eq!(
        paths("use crate::{a::{B, C}, d};"),
        [
            (vec!["crate".into(), "a".into(), "B".into()], false),
            (vec!["crate".into(), "a".into(), "C".into()], false),
            (vec!["crate".into(), "d".into()], false),
        ]
    );
}
