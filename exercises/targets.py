#!/usr/bin/env python3
"""Writes each exercise's target again from the list of checks, for contributors.

For every ("name", module::CASES) line of checks/mod.rs's CHECKS (module: lessonN, a lesson's
checks/NN-lesson.rs, or the exercise's own checks/FILE.rs) it writes targets/FILE.rs
(FILE = the name with _ for -; the exercise's file is NN-lesson/FILE.rs) and
the exercise's [[bin]] lines between "# BEGIN targets" and "# END targets" in Cargo.toml.
Run it from anywhere after adding an exercise to CHECKS:

    python3 exercises/targets.py

then `cargo test -p exercise-runner --test honest` checks what it wrote.
"""

import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main() -> int:
    checks = (HERE / "checks" / "mod.rs").read_text(encoding="utf-8")
    # `#[path = "01-udp-echo.rs"] pub mod lesson1;`
    lessons = {
        module: path
        for path, module in re.findall(r'#\[path = "([^"]+)"\]\s*pub mod (lesson\d+);', checks)
    }
    bins = []
    for name, module_of_cases, cases in re.findall(r'\("([a-z0-9-]+)",\s*([a-z0-9_]+)::([A-Z0-9_]+)\)', checks):
        module = name.replace("-", "_")
        # The checks file: a lesson's (#[path] above), or the exercise's own, FILE.rs.
        checks_file = lessons.get(module_of_cases, f"{module_of_cases}.rs")
        folders = sorted(p.parent.name for p in HERE.glob(f"[0-9][0-9]-*/{module}.rs"))
        if len(folders) != 1:
            print(f"{name}: not one NN-lesson/{module}.rs but {folders}", file=sys.stderr)
            return 1
        folder = folders[0]
        number = int(folder[:2])
        lesson = module_of_cases
        target = (
            f"//! The target `cargo exercises check {name}` builds and runs: your file with its\n"
            f"//! cases, the rest of lesson {number} as solved. Nothing to edit here.\n"
            "\n"
            f'#[path = "../{folder}/{module}.rs"]\n'
            f"pub mod {module};\n"
            "\n"
            f'exercises::target! {{ "{name}", "{checks_file}", {lesson}::{cases} }}\n'
        )
        (HERE / "targets" / f"{module}.rs").write_text(target, encoding="utf-8")
        bins.append(f'[[bin]]\nname = "{name}"\npath = "targets/{module}.rs"\ntest = false\n')
    manifest_path = HERE / "Cargo.toml"
    manifest = manifest_path.read_text(encoding="utf-8")
    begin, end = "# BEGIN targets\n", "# END targets\n"
    head, rest = manifest.split(begin, 1)
    _, tail = rest.split(end, 1)
    manifest_path.write_text(head + begin + "\n".join(bins) + end + tail, encoding="utf-8")
    print(f"{len(bins)} targets written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
