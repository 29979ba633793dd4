"""`python -m guides check [PATH…]` validates guide files; `format` rewrites them in canonical form.

Texts without English are printed as warnings after the guides are found valid; they do not fail
the check (a guide may be published in Chinese first)."""

import argparse
import sys
from pathlib import Path

from guides.files import CATALOGUE_DIR, check_files, demo_centre_windows, dump_guide, guide_paths
from guides.validate import untranslated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guides")
    parser.add_argument("command", choices=["check", "format"])
    parser.add_argument("paths", nargs="*", type=Path, default=[CATALOGUE_DIR])
    args = parser.parse_args(argv)
    paths = guide_paths(args.paths)
    guides, problems = check_files(paths, demo_centre_windows())
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} 个问题 / problems in {len(paths)} files", file=sys.stderr)
        return 1
    warnings = [w for path, guide in zip(paths, guides, strict=True) for w in untranslated(guide, str(path))]
    for warning in warnings:
        print(warning, file=sys.stderr)
    if args.command == "format":
        for path, guide in zip(paths, guides, strict=True):
            path.write_text(dump_guide(guide), encoding="utf-8")
    translated = len(guides) - len({w.code for w in warnings})
    print(f"{len(guides)} guides OK, {translated} fully translated into English")
    return 0


if __name__ == "__main__":
    sys.exit(main())
