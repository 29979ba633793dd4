"""Documents from the scanner's drop folder (settings `scanner_dir`): the scanner writes a file there,
the kiosk takes it into its own staging folder, so the next citizen never sees it.

A file is taken once its size has stopped changing (the scanner has finished writing), if it is a
PDF, JPEG or PNG by its first bytes (not its name) and not larger than MAX_BYTES. Each page gets a small
thumbnail beside it in staging, so the citizen sees what was scanned (an image: itself; a PDF: the image
the scanner put on each page, up to THUMBNAIL_PAGES); a page that cannot be read gets none.
"""

import logging
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
THUMBNAIL_SIZE = (240, 240)  # pixels, the longer side
THUMBNAIL_PAGES = 6
SIGNATURES = (
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
)


@dataclass(frozen=True)
class Scan:
    path: Path
    name: str
    content_type: str
    size: int
    thumbnails: tuple[Path, ...] = ()  # one small PNG per page, in staging


class ScanRefused(Exception):
    """The file in the drop folder cannot be used: `reason` is "too_large" or "not_a_document"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, suffix, content_type in SIGNATURES:
        if head.startswith(signature):
            return suffix, content_type
    return None


class Scanner:
    def __init__(self, drop_dir: Path, staging_dir: Path):
        self.drop_dir, self.staging_dir = drop_dir, staging_dir
        self.drop_dir.mkdir(parents=True, exist_ok=True)
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        self._sizes: dict[Path, int] = {}

    def begin(self) -> None:
        """A new scan: whatever lies in the drop folder is someone else's, left behind; remove it."""
        self._sizes = {}
        for path in self.drop_dir.iterdir():
            if path.is_file():
                path.unlink(missing_ok=True)

    def poll(self) -> Scan | None:
        """The first finished file in the drop folder, taken into staging; None while there is none.
        Raises ScanRefused (and removes the file) if it is not a usable document."""
        files = sorted((p for p in self.drop_dir.iterdir() if p.is_file()), key=lambda p: p.stat().st_mtime)
        sizes = {p: p.stat().st_size for p in files}
        previous, self._sizes = self._sizes, sizes
        for path in files:
            if previous.get(path) != sizes[path] or sizes[path] == 0:
                continue  # still being written (or only just seen)
            return self._take(path, sizes[path])
        return None

    def _take(self, path: Path, size: int) -> Scan:
        if size > MAX_BYTES:
            path.unlink(missing_ok=True)
            raise ScanRefused("too_large")
        with path.open("rb") as f:
            kind = sniff(f.read(16))
        if kind is None:
            path.unlink(missing_ok=True)
            raise ScanRefused("not_a_document")
        suffix, content_type = kind
        target = self.staging_dir / f"{uuid.uuid4().hex}{suffix}"
        shutil.move(path, target)
        name = time.strftime("scan-%Y%m%d-%H%M%S") + suffix
        return Scan(target, name, content_type, size, self._thumbnails(target, content_type))

    def _thumbnails(self, path: Path, content_type: str) -> tuple[Path, ...]:
        from PIL import Image, UnidentifiedImageError
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            if content_type == "application/pdf":
                pages = PdfReader(path).pages[:THUMBNAIL_PAGES]
                images = [max(page.images, key=lambda i: len(i.data)).image for page in pages if page.images]
            else:
                images = [Image.open(path)]
            made = []
            for image in images:
                image.draft("RGB", THUMBNAIL_SIZE)  # a JPEG decodes at a fraction of its size: fast
                image = image.convert("RGB")
                image.thumbnail(THUMBNAIL_SIZE)
                target = path.with_name(f"{path.stem}-{len(made) + 1}.thumb.png")
                image.save(target)
                made.append(target)
            return tuple(made)
        except (OSError, ValueError, KeyError, UnidentifiedImageError, Image.DecompressionBombError, PyPdfError) as exc:
            log.info("no thumbnail for a scan: %s", exc)  # the scan itself stands; the server checks it
            return ()

    def discard(self, scan: Scan) -> None:
        scan.path.unlink(missing_ok=True)
        for thumbnail in scan.thumbnails:
            thumbnail.unlink(missing_ok=True)

    def wipe(self) -> None:
        """Remove every staged scan (the session ended) and anything left in the drop folder."""
        for folder in (self.staging_dir, self.drop_dir):
            for path in folder.iterdir():
                if path.is_file():
                    path.unlink(missing_ok=True)
        self._sizes = {}
