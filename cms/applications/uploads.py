"""Checking and storing uploaded materials: PDF, JPEG or PNG by their first bytes, never by name.

Every refusal has its own code and message in both languages. Images are decoded and written again
(which drops EXIF metadata, GPS position included, and anything hidden after the image data) only after
every file's header passed the per-file and per-request pixel caps, so a small file that would decode to
gigabytes (a pixel flood), or many that would together, cost no decoding at all.
Files live under APPLICATION_FILES_DIR, outside MEDIA_ROOT, under random names: no URL reaches them
except the views that check who is asking.
"""

import hashlib
import io
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http.multipartparser import MultiPartParser
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from guides import clock
from guides.refusal import Refusal, Text

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
_PILLOW = {JPEG: "JPEG", PNG: "PNG"}  # the one decoder Pillow may use for a file of this type
_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_MARKUP = re.compile(rb"<\s*(svg|script|html|!doctype|\?xml)|javascript:", re.IGNORECASE)
# Markup anywhere in a PDF makes it a polyglot a browser may render as a page; PDFs' own XML (XMP) has none of it.
_PDF_MARKUP = re.compile(rb"<\s*(script|html|body|iframe|svg)\b|<!doctype\s+html|javascript:", re.IGNORECASE)
# Keys and action types that run something in a reader, send something out, or carry another file.
_PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA", "/Launch"}
_PDF_ACTIVE_ACTIONS = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR", "/RichMediaExecute",
    "/Rendition", "/Movie", "/Sound",
}  # fmt: skip
_PDF_MAX_OBJECTS = 200_000
# Django's multipart parser strips paths from file names; this mark keeps the fact that one had a path.
UNSAFE_MARK = "\u2400path\u2400"


class UploadError(Refusal):
    """One refused file (or batch): a 400 with a code and the message, on the form field it concerns."""

    def __init__(self, code: str, zh: str, en: str, field: str = "files"):
        super().__init__(400, code, zh, en, {field: Text(zh, en)})
        self.field = field


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g}"


def too_many_files(limit: int) -> UploadError:
    return UploadError(
        "too_many_files",
        f"上传的文件过多：每份材料一个文件，一次最多 {limit} 个",
        f"too many files: one per material, at most {limit} at a time",
    )


def check_request_size(content_length: int) -> None:
    """Refuse a request larger than all files together may be, before reading any of it."""
    total = settings.APPLICATION_UPLOAD_TOTAL_BYTES
    if content_length > total + 1024 * 1024:  # the form fields and multipart framing fit in the margin
        raise UploadError(
            "files_too_large", f"文件合计超过 {_mb(total)} MB", f"the files together exceed {_mb(total)} MB"
        )


class CheckingMultiPartParser(MultiPartParser):
    """Django's parser, remembering which file names came with a path (`../x.pdf`) so they can be refused."""

    def sanitize_file_name(self, file_name):
        safe = super().sanitize_file_name(file_name)
        if safe and re.search(r"[/\\]|^\.\.?$", file_name):
            return UNSAFE_MARK + safe
        return safe


def parse_multipart(request):
    """(POST, FILES) of a multipart request not yet parsed, through CheckingMultiPartParser."""
    from django.core.exceptions import TooManyFilesSent

    check_request_size(int(request.META.get("CONTENT_LENGTH") or 0))
    try:
        parser = CheckingMultiPartParser(request.META, request, request.upload_handlers, request.encoding)
        return parser.parse()
    except TooManyFilesSent:
        raise too_many_files(settings.APPLICATION_UPLOAD_MAX_FILES) from None


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, ready to store: its bytes (re-encoded if an image) and safe name."""

    data: bytes
    content_type: str
    name: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def safe_name(name: str, content_type: str) -> str:
    """A display name without paths or control characters, with the extension its content deserves."""
    name = unicodedata.normalize("NFKC", name).replace(UNSAFE_MARK, "")
    stem = re.sub(r"[^\w\-. （）()]", "_", Path(name).stem).strip(" ._") or "file"
    return f"{stem[:80]}.{EXTENSIONS[content_type]}"


def sniff(data: bytes) -> str | None:
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def _flood(limit: int, field: str) -> UploadError:
    return UploadError(
        "pixel_flood",
        f"图片像素过多（超过 {limit // 1_000_000} 百万像素），请缩小后上传",
        f"the image has too many pixels (over {limit // 1_000_000} megapixels); please scale it down",
        field,
    )


def _damaged_image(field: str) -> UploadError:
    return UploadError("damaged_image", "图片已损坏，无法打开", "the image is damaged and cannot be opened", field)


def _pixels(data: bytes, content_type: str, field: str) -> int:
    """The image's pixel count from its header alone (nothing decoded yet), within the per-file cap."""
    try:
        with Image.open(io.BytesIO(data), formats=[_PILLOW[content_type]]) as image:
            width, height = image.size
    except Image.DecompressionBombError:  # Pillow's own cap, far above ours
        raise _flood(settings.APPLICATION_IMAGE_MAX_PIXELS, field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _damaged_image(field) from None
    limit = settings.APPLICATION_IMAGE_MAX_PIXELS
    if width * height > limit:
        raise _flood(limit, field)
    return width * height


def _reencoded(data: bytes, content_type: str, field: str) -> bytes:
    """Decode and write the image again; its size was checked from the header first (`_pixels`)."""
    try:
        image = Image.open(io.BytesIO(data), formats=[_PILLOW[content_type]])
        image.load()
        image = ImageOps.exif_transpose(image)  # keep the photo upright once its EXIF is dropped
        out = io.BytesIO()
        if content_type == JPEG:
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(out, "JPEG", quality=90, optimize=True)
        else:
            image.save(out, "PNG", compress_level=6)  # optimize=True costs twice the time for a few %
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _damaged_image(field) from None
    return out.getvalue()


def _pdf_refusal(field: str) -> UploadError:
    return UploadError(
        "script_not_allowed",
        "不接受含脚本、自动操作、附件或网页代码的 PDF",
        "PDFs with scripts, automatic actions, embedded files or web markup are not accepted",
        field,
    )


def _active(value, automatic: bool = False, depth: int = 0) -> bool:
    """Whether a PDF value (its nested dictionaries and arrays) holds active content. An action run by
    itself (/OpenAction, /AA, and what they lead to) may only go to a page, never open a URI or else."""
    if depth > 32:  # a reference cycle, or nesting no real document has
        return True
    if isinstance(value, DictionaryObject):
        if _PDF_ACTIVE_KEYS & set(value):
            return True
        action = value.get("/S")
        if action in _PDF_ACTIVE_ACTIONS or (automatic and action is not None and action != "/GoTo"):
            return True
        for key, item in value.items():
            runs_itself = automatic or key in ("/OpenAction", "/AA")
            if isinstance(item, IndirectObject) and runs_itself and key not in ("/Parent", "/P"):
                item = item.get_object()
            if _active(item, runs_itself, depth + 1):
                return True
    elif isinstance(value, ArrayObject):
        return any(_active(item, automatic, depth + 1) for item in value)
    return False


def _check_pdf(data: bytes, field: str) -> None:
    """Parse the PDF (names decoded, object streams unpacked) and refuse it if any object is active.
    Staff open these files in desktop readers; a signed PDF must stay as it is, so it is refused, not rewritten."""
    if _PDF_MARKUP.search(data):
        raise _pdf_refusal(field)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        numbers = {(n, g) for g, entries in reader.xref.items() for n in entries}
        numbers |= {(n, 0) for n in reader.xref_objStm}
        if len(numbers) > _PDF_MAX_OBJECTS:
            raise ValueError("too many objects")
        objects = [reader.trailer, *(reader.get_object(IndirectObject(n, g, reader)) for n, g in sorted(numbers))]
    except Exception:  # pypdf raises many kinds on a damaged file; each means the same
        raise UploadError(
            "damaged_pdf", "PDF 文件已损坏，无法打开", "the PDF is damaged and cannot be opened", field
        ) from None
    if any(_active(o) for o in objects):
        raise _pdf_refusal(field)


@dataclass(frozen=True)
class _Screened:
    """A file past the cheap checks (name, size, type, markup, image header), not yet decoded or parsed."""

    data: bytes
    content_type: str
    name: str
    field: str
    pixels: int


def _screen(upload, field: str) -> _Screened:
    name = upload.name or ""
    if name.startswith(UNSAFE_MARK):
        raise UploadError(
            "unsafe_name", "文件名不能包含路径（如 ../）", "a file name may not contain a path such as ../", field
        )
    cap = settings.APPLICATION_UPLOAD_MAX_BYTES
    if upload.size > cap:
        raise UploadError("file_too_large", f"文件超过 {_mb(cap)} MB", f"the file is larger than {_mb(cap)} MB", field)
    if upload.size == 0:
        raise UploadError("empty_file", "文件为空", "the file is empty", field)
    upload.seek(0)
    data = upload.read()
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.lower().endswith((".svg", ".svgz")) or _MARKUP.search(head):
        raise UploadError(
            "script_not_allowed",
            "不接受 SVG 图形、网页或含脚本的文件",
            "SVG images, web pages and files with scripts are not accepted",
            field,
        )
    content_type = sniff(data)
    if content_type is None:
        raise UploadError(
            "wrong_file_type",
            "文件内容不是 PDF、JPEG 或 PNG（按文件内容识别，与扩展名无关）",
            "the file is not a PDF, JPEG or PNG (judged by its content, not its name)",
            field,
        )
    pixels = 0 if content_type == PDF else _pixels(data, content_type, field)
    return _Screened(data, content_type, name, field, pixels)


def _finish(screened: _Screened) -> CheckedFile:
    """The costly part: parse a PDF, or decode and re-encode an image."""
    data, content_type = screened.data, screened.content_type
    if content_type == PDF:
        _check_pdf(data, screened.field)
    else:
        data = _reencoded(data, content_type, screened.field)
    name = safe_name(screened.name, content_type)
    return CheckedFile(data, content_type, name, hashlib.sha256(data).hexdigest())


def _within_request_caps(files: dict[str, list], fields: set[str]) -> None:
    """The request's count and byte caps, on the whole batch."""
    count = sum(len(f) for f in files.values())
    if count > min(settings.APPLICATION_UPLOAD_MAX_FILES, max(len(fields), 1)):
        raise too_many_files(min(settings.APPLICATION_UPLOAD_MAX_FILES, max(len(fields), 1)))
    total = settings.APPLICATION_UPLOAD_TOTAL_BYTES
    if sum(f.size for group in files.values() for f in group) > total:
        raise UploadError(
            "files_too_large", f"文件合计超过 {_mb(total)} MB", f"the files together exceed {_mb(total)} MB"
        )


def _within_pixel_budget(screened: list[_Screened]) -> None:
    """The request's pixel budget, from the images' headers (nothing decoded yet)."""
    budget = settings.APPLICATION_IMAGE_TOTAL_PIXELS
    if sum(s.pixels for s in screened) > budget:
        largest = max(screened, key=lambda s: s.pixels)
        raise UploadError(
            "pixel_budget",
            f"图片合计像素过多（超过 {budget // 1_000_000} 百万像素），请缩小后上传",
            f"the images together have too many pixels (over {budget // 1_000_000} megapixels); please scale them down",
            largest.field,
        )


def _screen_all(files: dict[str, list], fields: set[str]) -> tuple[list[_Screened], dict[str, UploadError]]:
    """The cheap checks on every file: (those that passed, each refused one's refusal by field)."""
    screened, errors = [], {}
    for field, group in files.items():
        if field not in fields:
            errors[field] = UploadError("unknown_material", "没有这项需上传的材料", "no such material to upload", field)
        elif len(group) > 1:
            errors[field] = UploadError(
                "one_file_per_material", "每份材料只能上传一个文件", "one file per material", field
            )
        else:
            try:
                screened.append(_screen(group[0], field))
            except UploadError as error:
                errors[field] = error
    return screened, errors


def check_batch(files: dict[str, list], fields: set[str]) -> dict[str, CheckedFile]:
    """Check a request's files: each for a known field, one per field, within the count, byte and pixel caps.

    The cheap checks run on every file, so the answer names every problem found there at once (first
    problem's code on top); only a batch that passes them all, within the request's pixel budget, is
    decoded and parsed, one file at a time, stopping at the first refused one. So a flood of large images
    costs a few header reads, never the decoding of any of them.
    """
    _within_request_caps(files, fields)
    screened, errors = _screen_all(files, fields)
    if errors:
        raise UploadErrors(list(errors.values()))
    _within_pixel_budget(screened)
    return {s.field: _finish(s) for s in screened}


def check_each(files: dict[str, list], fields: set[str]) -> tuple[dict[str, CheckedFile], dict[str, UploadError]]:
    """Like `check_batch`, but a refused file does not refuse the others: (the files that passed, the refusal of
    each refused one), so a form with one bad file keeps the good ones. The request's own caps (count, bytes,
    the pixel budget) still refuse the whole batch, raised; nothing is decoded before every header was read."""
    _within_request_caps(files, fields)
    screened, errors = _screen_all(files, fields)
    _within_pixel_budget(screened)
    checked = {}
    for s in screened:
        try:
            checked[s.field] = _finish(s)
        except UploadError as error:
            errors[s.field] = error
    return checked, errors


class UploadErrors(UploadError):
    """Several refused files: the first one's code and message, and every field's own message."""

    def __init__(self, errors: list[UploadError]):
        first = errors[0]
        super().__init__(first.code, first.text.zh, first.text.en, first.field)
        self.errors = errors
        self.fields = {e.field: e.text for e in errors}


def files_dir() -> Path:
    return Path(settings.APPLICATION_FILES_DIR)


def store(checked: CheckedFile) -> str:
    """Write the file under a random name; return its path relative to APPLICATION_FILES_DIR."""
    now = clock.now()
    relative = f"{now:%Y}/{now:%m}/{secrets.token_hex(16)}.{EXTENSIONS[checked.content_type]}"
    path = files_dir() / relative
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(checked.data)
    return relative


def stored_path(relative: str) -> Path:
    root = files_dir().resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise ValueError("a stored file lies outside APPLICATION_FILES_DIR")
    return path


def discard(relatives: list[str]) -> None:
    """Remove files written for a submission that did not commit."""
    for relative in relatives:
        stored_path(relative).unlink(missing_ok=True)
