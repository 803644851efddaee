#!/usr/bin/env python3
"""Writes each exercise's target again from the list of checks, for contributors.

For every ("name", lessonN::CASES) line of checks/mod.rs's CHECKS it writes
targets/FILE.rs (FILE = the name with _ for -; the exercise's file is NN-lesson/FILE.rs) and
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
    for name, lesson, cases in re.findall(r'\("([a-z0-9-]+)",\s*(lesson\d+)::([A-Z0-9_]+)\)', checks):
        module = name.replace("-", "_")
        checks_file = lessons[lesson]
        folder = checks_file.removesuffix(".rs")
        if not (HERE / folder / f"{module}.rs").is_file():
            print(f"{name}: there is no {folder}/{module}.rs", file=sys.stderr)
            return 1
        number = int(lesson.removeprefix("lesson"))
        target = (
            f"//! The target `cargo exercises check {name}` builds and runs: your file with its\n"
            f"//! cases, the rest of lesson {number} as solved. Nothing to edit here.\n"
            "\n"
            f'#[path = "../{folder}/{module}.rs"]\n'
            f"mod {module};\n"
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
