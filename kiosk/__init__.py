"""The OneTrip kiosk: a Kivy touchscreen app that searches, books, applies and checks in, and keeps
working offline (DESIGN.md §2). `python -m kiosk --help`.

Kivy reads these at import: no command-line parsing of our arguments, no per-user config file or log
files (a kiosk has no user), logging through Python's logging.
"""

import os

for _name, _value in {
    "KIVY_NO_ARGS": "1",
    "KIVY_NO_CONFIG": "1",
    "KIVY_NO_FILELOG": "1",
    "KIVY_LOG_MODE": "PYTHON",
}.items():
    os.environ.setdefault(_name, _value)
