"""Babel extractor for .kv files: the msgids of `tr._("…")` calls (kiosk/babel.cfg maps *.kv to it)."""

import ast
import re

CALL = re.compile(r"""\btr\._\(\s*(?P<literal>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)""")


def extract_kv(fileobj, keywords, comment_tags, options):
    """Yield (lineno, funcname, message, comments) for every translatable string literal."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    for lineno, line in enumerate(text.splitlines(), start=1):
        for match in CALL.finditer(line):
            yield lineno, "_", ast.literal_eval(match.group("literal")), []
