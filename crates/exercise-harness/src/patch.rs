//! The patches exercises/solutions/ keeps instead of whole files, applied: each starter as
//! shipped (NN-lesson/NAME.starter.patch) and each wrong solution (NN-lesson/mutants/
//! NAME.patch), both unified diffs (`diff -u`) of a reference solution in the same lesson
//! folder. Used by exercises/build.rs (the starters and wrong solutions the course's own tests
//! compile) and by the runner's `reset` and `verify-starters`, which need no compiler.
//!
//! Every hunk applies exactly (at the line it names, its context and removed lines as they
//! stand, no fuzz); one that does not is an error naming the patch and the line.

use std::fs;
use std::path::{Path, PathBuf};

/// A patch applied: the lines before its diff (a wrong solution's header comment), the
/// reference solution it patches, and the text it makes of it.
#[derive(Debug, Clone)]
pub struct Applied {
    pub header: String,
    pub reference: PathBuf,
    pub text: String,
}

/// What the patch at `patch` makes of the reference solution in `lesson` (the folder
/// exercises/solutions/NN-lesson) that its `--- NAME.rs` line names.
pub fn apply_file(lesson: &Path, patch: &Path) -> Result<Applied, String> {
    let text = fs::read_to_string(patch).map_err(|e| format!("{}: {e}", patch.display()))?;
    let fail = |what: String| format!("{}: {what}", patch.display());
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with("--- "))
        .ok_or_else(|| fail("no `--- ` line: not a unified diff".into()))?;
    let header: String = lines[..start].concat();
    // `--- echo_once.rs`: the reference solution, in the lesson's folder.
    let old_name = lines[start]["--- ".len()..]
        .split('\t')
        .next()
        .unwrap_or_default()
        .trim();
    let reference = lesson.join(old_name);
    let original = fs::read_to_string(&reference).map_err(|e| {
        fail(format!(
            "its reference solution {}: {e}",
            reference.display()
        ))
    })?;
    if !lines
        .get(start + 1)
        .is_some_and(|line| line.starts_with("+++ "))
    {
        return Err(fail("no `+++ ` line after the `--- ` line".into()));
    }
    let patched =
        apply(&original, &lines[start + 2..]).map_err(|e| fail(format!("{e} (in {old_name})")))?;
    Ok(Applied {
        header,
        reference,
        text: patched,
    })
}

/// The starter of the exercise whose file is `exercises/NN-lesson/NAME.rs` (from the workspace
/// root `root`), as shipped: its patch to the reference solution applied.
pub fn shipped_starter(root: &Path, file: &str) -> Result<String, String> {
    let file = Path::new(file);
    let (Some(lesson), Some(module)) = (
        file.parent().and_then(Path::file_name),
        file.file_stem().and_then(|s| s.to_str()),
    ) else {
        return Err(format!(
            "{}: not exercises/NN-lesson/NAME.rs",
            file.display()
        ));
    };
    let lesson = root.join("exercises/solutions").join(lesson);
    let patch = lesson.join(format!("{module}.starter.patch"));
    apply_file(&lesson, &patch).map(|applied| applied.text)
}

/// `original` with every hunk applied exactly where it says.
pub fn apply(original: &str, hunks: &[&str]) -> Result<String, String> {
    let old: Vec<&str> = original.split_inclusive('\n').collect();
    let mut result = String::new();
    // The next line of `old` not yet copied (0-based).
    let mut next = 0;
    let mut i = 0;
    let mut number = 0;
    while i < hunks.len() {
        let head = hunks[i];
        number += 1;
        let (old_start, old_count, new_count) = parse_head(head)
            .ok_or_else(|| format!("hunk {number}: not a hunk header: {:?}", head.trim_end()))?;
        i += 1;
        let mut removed: Vec<String> = Vec::new();
        let mut added: Vec<String> = Vec::new();
        while removed.len() < old_count || added.len() < new_count {
            let line = hunks
                .get(i)
                .ok_or_else(|| format!("hunk {number} ({}) ends early", head.trim_end()))?;
            i += 1;
            let (kind, rest) = line.split_at(line.len().min(1));
            // A context line that is only a line end (some tools drop the space).
            let (kind, rest) = if *line == "\n" {
                (" ", "\n")
            } else {
                (kind, rest)
            };
            match kind {
                " " => {
                    removed.push(rest.to_owned());
                    added.push(rest.to_owned());
                }
                "-" => removed.push(rest.to_owned()),
                "+" => added.push(rest.to_owned()),
                _ => {
                    return Err(format!(
                        "hunk {number} ({}): unexpected line {:?}",
                        head.trim_end(),
                        line.trim_end()
                    ));
                }
            }
            // `\ No newline at end of file`: the line before it has no line end.
            if hunks.get(i).is_some_and(|next| next.starts_with('\\')) {
                i += 1;
                for (side, touched) in [(&mut removed, kind != "+"), (&mut added, kind != "-")] {
                    if let (true, Some(last)) = (touched, side.last_mut()) {
                        last.pop();
                    }
                }
            }
        }
        if removed.len() != old_count || added.len() != new_count {
            return Err(format!(
                "hunk {number} ({}): its counts do not match its lines",
                head.trim_end()
            ));
        }
        // `-0,0` (an empty old side) inserts after line 0; otherwise the hunk starts at line `old_start`.
        let at = if old_count == 0 {
            old_start
        } else {
            old_start.saturating_sub(1)
        };
        if at < next || at + old_count > old.len() {
            return Err(format!(
                "hunk {number} ({}) does not apply: the file has {} lines",
                head.trim_end(),
                old.len()
            ));
        }
        for (k, expected) in removed.iter().enumerate() {
            if old[at + k] != expected.as_str() {
                return Err(format!(
                    "hunk {number} ({}) does not apply: line {} is {:?}, the patch expects {:?}",
                    head.trim_end(),
                    at + k + 1,
                    old[at + k].trim_end(),
                    expected.trim_end()
                ));
            }
        }
        result.extend(old[next..at].iter().copied());
        for line in &added {
            result.push_str(line);
        }
        next = at + old_count;
    }
    if number == 0 {
        return Err("no hunks".into());
    }
    result.extend(old[next..].iter().copied());
    Ok(result)
}

/// `@@ -17,7 +20,7 @@` → (17, 7, 7); a missing count is 1.
fn parse_head(head: &str) -> Option<(usize, usize, usize)> {
    let rest = head.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let range = |r: &str| -> Option<(usize, usize)> {
        match r.split_once(',') {
            Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let (old_start, old_count) = range(old)?;
    let (_, new_count) = range(new)?;
    Some((old_start, old_count, new_count))
}
