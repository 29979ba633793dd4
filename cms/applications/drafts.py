"""An application being filled in on the website: what was typed and the files already checked, kept for the
browser session until it is submitted, so a form sent back with one bad field loses nothing.

The typed values (an ID number among them) are sealed with the personal-data key before they go into the
session: the session table holds no ID number in clear. Files, once checked (`uploads.check_each`: images
re-encoded), are kept under APPLICATION_FILES_DIR/drafts/<the session's own random directory>/, outside
MEDIA_ROOT, under random names; no URL reaches them. They are removed when the application is submitted;
a draft left behind (the browser closed, the session ended) is removed by `purge_application_drafts`
(the periodic jobs) once it has not been touched for APPLICATION_DRAFT_HOURS.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.conf import settings

from cms.applications import uploads
from cms.personal.keys import fernet
from guides import clock

SESSION_KEY = "onetrip_apply_drafts"  # {guide code: sealed draft}
DIR_KEY = "onetrip_apply_draft_dir"  # the session's own directory under drafts/
DRAFTS = 5  # guides a session may have a draft for at once; the oldest goes first
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def drafts_dir() -> Path:
    return uploads.files_dir() / "drafts"


@dataclass(frozen=True)
class KeptFile:
    """A checked file kept for a draft: where it lies (relative to drafts/), its safe name and what it is."""

    path: str
    name: str
    size: int
    content_type: str
    sha256: str

    def load(self) -> uploads.CheckedFile | None:
        """The file as checked, or None if it is gone (purged, or a twin request submitted it already)."""
        try:
            data = _path(self.path).read_bytes()
        except (OSError, ValueError):
            return None
        return uploads.CheckedFile(data, self.content_type, self.name, self.sha256)


@dataclass
class Draft:
    """What the applicant has given so far for one guide: typed values and kept files by field."""

    code: str
    values: dict[str, str] = field(default_factory=dict)
    files: dict[str, KeptFile] = field(default_factory=dict)
    touched: float = 0.0

    def loaded_files(self) -> dict[str, uploads.CheckedFile]:
        loaded = {f: kept.load() for f, kept in self.files.items()}
        return {f: checked for f, checked in loaded.items() if checked is not None}


def _path(relative: str) -> Path:
    root = drafts_dir().resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise ValueError("a draft file lies outside the drafts directory")
    return path


def _seal(draft: Draft) -> str:
    body = {"values": draft.values, "files": {f: asdict(k) for f, k in draft.files.items()}, "touched": draft.touched}
    return fernet().encrypt(json.dumps(body).encode()).decode()


def load(request, code: str) -> Draft:
    """The session's draft for the guide, or a new empty one."""
    sealed = request.session.get(SESSION_KEY, {}).get(code)
    if not sealed:
        return Draft(code)
    try:
        body = json.loads(fernet().decrypt(sealed.encode()))
    except (InvalidToken, ValueError):
        return Draft(code)
    files = {f: KeptFile(**k) for f, k in body.get("files", {}).items()}
    return Draft(code, dict(body.get("values", {})), files, float(body.get("touched", 0)))


def save(request, draft: Draft) -> None:
    """Keep the draft in the session; a session keeps drafts for a few guides, the oldest dropped first."""
    draft.touched = clock.now().timestamp()
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept.pop(draft.code, None)
    kept[draft.code] = _seal(draft)
    while len(kept) > DRAFTS:
        oldest = next(iter(kept))
        _remove_files(load(request, oldest))
        kept.pop(oldest)
    request.session[SESSION_KEY] = kept
    if draft.files:
        os.utime(_session_dir(request))  # still in use: not purged


def _session_dir(request) -> Path:
    token = request.session.get(DIR_KEY, "")
    if not _TOKEN.match(token):
        token = secrets.token_hex(16)
        request.session[DIR_KEY] = token
    path = drafts_dir() / token
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def keep(request, draft: Draft, name: str, checked: uploads.CheckedFile) -> None:
    """Write a checked file for the draft's field `name`, replacing the one kept before."""
    directory = _session_dir(request)
    path = directory / f"{secrets.token_hex(16)}.{uploads.EXTENSIONS[checked.content_type]}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(checked.data)
    forget_file(draft, name)
    relative = str(path.relative_to(drafts_dir()))
    draft.files[name] = KeptFile(relative, checked.name, checked.size, checked.content_type, checked.sha256)


def forget_file(draft: Draft, name: str) -> None:
    kept = draft.files.pop(name, None)
    if kept is not None:
        with contextlib.suppress(ValueError):  # a path outside drafts/ is never touched
            _path(kept.path).unlink(missing_ok=True)


def _remove_files(draft: Draft) -> None:
    for name in list(draft.files):
        forget_file(draft, name)


def clear(request, code: str) -> None:
    """The application is submitted (or abandoned): its draft and files go."""
    _remove_files(load(request, code))
    kept = dict(request.session.get(SESSION_KEY, {}))
    if kept.pop(code, None) is not None:
        request.session[SESSION_KEY] = kept


def purge(hours: float | None = None) -> int:
    """Remove the directories of drafts not touched for `hours` (APPLICATION_DRAFT_HOURS): their sessions have
    ended or been left. The number removed."""
    hours = settings.APPLICATION_DRAFT_HOURS if hours is None else hours
    cutoff = clock.now().timestamp() - hours * 3600
    root = drafts_dir()
    if not root.is_dir():
        return 0
    removed = 0
    for entry in os.scandir(root):
        if not entry.is_dir(follow_symlinks=False):
            continue
        newest = max([entry.stat().st_mtime, *(f.stat().st_mtime for f in os.scandir(entry.path))])
        if newest < cutoff:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += 1
    return removed
