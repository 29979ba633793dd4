"""The catalogue format: one YAML file per guide, and one file of centres.

`dump_guide` writes the canonical form (field order of `guides.schema`, defaults left out), so
`dump_guide(load_guide_file(p)) == p.read_text()` for every catalogue file.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from guides.centres import load_centres
from guides.enums import WindowCategory
from guides.schema import Guide
from guides.validate import InvalidGuide, Problem, check_catalogue, check_guide

CATALOGUE_DIR = Path(__file__).parent / "catalogue"
CENTRES_FILE = Path(__file__).parent / "demo" / "centres.yaml"


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")), []
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), "?", "", f"YAML 无法解析：{exc}", f"YAML does not parse: {exc}")]


def load_guide_file(path: Path) -> Guide:
    """One guide from its file; raises `InvalidGuide` with every problem."""
    guides, problems = check_files([path])
    if problems:
        raise InvalidGuide(problems)
    return guides[0]


def check_files(
    paths: Iterable[Path], centre_windows: Mapping[str, set[WindowCategory]] | None = None
) -> tuple[list[Guide], list[Problem]]:
    """Parse and validate guide files together (so duplicate codes across them are caught)."""
    parsed, problems = [], []
    for path in paths:
        data, yaml_problems = read_yaml(path)
        problems += yaml_problems
        if yaml_problems:
            continue
        guide, guide_problems = check_guide(data, str(path))
        problems += guide_problems
        if guide is not None:
            parsed.append((str(path), guide))
    problems += check_catalogue(parsed, centre_windows)
    return [g for _, g in parsed], problems


def guide_paths(paths: Iterable[Path]) -> list[Path]:
    """Expand directories to the `*.yaml` files in them, sorted; keep files as given."""
    out = []
    for p in map(Path, paths):
        out += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    return out


def demo_centre_windows() -> dict[str, set[WindowCategory]]:
    """Centre code → window categories of the demo centres, for `check_files`."""
    return {c.code: set(c.windows) for c in load_centres(CENTRES_FILE)}


def load_catalogue(directory: Path = CATALOGUE_DIR) -> list[Guide]:
    guides, problems = check_files(guide_paths([directory]), demo_centre_windows())
    if problems:
        raise InvalidGuide(problems)
    return guides


def guide_to_data(guide: Guide) -> dict:
    """Plain YAML-ready data in the canonical field order, without defaults."""
    return _plain(guide.model_dump(exclude_defaults=True))


def dump_guide(guide: Guide) -> str:
    return dump_yaml(guide_to_data(guide))


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value
    return value


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, which is how people write YAML by hand."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)
