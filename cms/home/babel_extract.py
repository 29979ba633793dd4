"""A Babel extractor for Django templates (babel.cfg: `[django: **/templates/**.html]`).

Django's own `templatize` turns {% translate %} and {% blocktranslate %} into gettext calls, which
Babel's Python extractor then reads, so both tools agree on every msgid.
"""

import io

from babel.messages.extract import extract_python
from django.utils.translation.template import templatize


def extract_django(fileobj, keywords, comment_tags, options):
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    python = templatize(source).encode("utf-8")
    yield from extract_python(io.BytesIO(python), keywords, comment_tags, options)
