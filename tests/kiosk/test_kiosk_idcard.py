"""The ID card reader adapters on recorded reader output: the serial one talks through a real pseudo-terminal
pair (pyserial opens the slave, as it would /dev/ttyUSB0; the recording answers on the master), the keyboard one
is fed the recorded keystrokes."""

import datetime as dt
import os
import select
import threading
from pathlib import Path

import pytest

from kiosk.services.idcard import CardError, KeyboardReader, SamReader, frame, open_reader

RECORDED = Path(__file__).parent / "recorded"
ZHANG = "330482199001011232"
LI = "33040219560315242X"


def sections(path: Path) -> dict[str, list[str]]:
    """[name] → its lines, a line starting with spaces joined to the one before; comments dropped."""
    found: dict[str, list[str]] = {}
    lines: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("["):
            lines = found[line.strip("[]")] = []
        elif line.startswith(" "):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return found


def conversation(name: str) -> list[tuple[bytes, bytes]]:
    lines = sections(RECORDED / "sam_reader.hex")[name]
    return [
        (bytes.fromhex(ask[1:]), bytes.fromhex(answer[1:])) for ask, answer in zip(lines[::2], lines[1::2], strict=True)
    ]


class RecordedReader:
    """The reader's side of the pty: waits for each request the recording has, then gives its answer."""

    def __init__(self, master: int, exchanges: list[tuple[bytes, bytes]]):
        self.master, self.exchanges = master, exchanges
        self.heard: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        for request, answer in self.exchanges:
            got = b""
            while len(got) < len(request):
                ready, _, _ = select.select([self.master], [], [], 60)  # the kiosk may take a while to get there
                if not ready:
                    return
                got += os.read(self.master, len(request) - len(got))
            self.heard.append(got)
            if answer:
                os.write(self.master, answer)


@pytest.fixture
def replay():
    """replay(name) → a SamReader on the slave end of a pty whose master plays the recorded scenario."""
    opened = []

    def start(name: str):
        master, slave = os.openpty()
        exchanges = conversation(name)
        reader = SamReader(os.ttyname(slave), timeout=0.5)
        recorded = RecordedReader(master, exchanges)
        opened.append((reader, master, slave, recorded))
        return reader, recorded, exchanges

    yield start
    for reader, master, slave, recorded in opened:
        reader.close()
        recorded.thread.join(5)
        os.close(master)
        os.close(slave)


def test_frames_are_the_protocols():
    assert frame(b"\x20\x01").hex(" ") == "aa aa aa 96 69 00 03 20 01 22"
    assert frame(b"\x20\x02").hex(" ") == "aa aa aa 96 69 00 03 20 02 21"
    assert frame(b"\x30\x01").hex(" ") == "aa aa aa 96 69 00 03 30 01 32"


def test_a_card_is_read_in_full(replay):
    reader, recorded, exchanges = replay("card")
    card = reader.read()
    recorded.thread.join(5)
    assert recorded.heard == [request for request, _ in exchanges]  # find, select, read, in that order
    assert card.name == "张三丰"
    assert card.id_number == ZHANG
    assert card.sex == "male"
    assert card.nation == "01"
    assert card.birth_date == dt.date(1990, 1, 1)
    assert card.address == "浙江省平湖市当湖街道新华中路100号"
    assert card.authority == "平湖市公安局"
    assert (card.valid_from, card.valid_until, card.for_life) == (dt.date(2015, 6, 1), dt.date(2035, 6, 1), False)


def test_a_card_for_life(replay):
    reader, _, _ = replay("card-for-life")
    card = reader.read()
    assert (card.name, card.id_number, card.sex) == ("李秀英", LI, "female")
    assert card.for_life and card.valid_until is None
    assert card.authority == "嘉兴市公安局南湖分局"


@pytest.mark.parametrize("scenario", ["no-card", "removed-before-select"])
def test_no_card_is_none(replay, scenario):
    reader, recorded, exchanges = replay(scenario)
    assert reader.read() is None
    recorded.thread.join(5)
    assert len(recorded.heard) == len(exchanges)  # it stopped asking once the reader said there was no card


@pytest.mark.parametrize(
    ("scenario", "says"),
    [
        ("bad-checksum", "fails its checksum"),
        ("reader-fault", "read card: status 0x41"),
        ("no-answer", "did not answer"),
    ],
)
def test_a_card_that_cannot_be_read_is_an_error(replay, scenario, says):
    reader, _, _ = replay(scenario)
    with pytest.raises(CardError, match=says):
        reader.read()


def keystrokes(name: str) -> list[tuple[float, str]]:
    rows = [line.split(" ", 1) for line in sections(RECORDED / "keyboard_reader.txt")[name]]
    return [(float(at), "\r" if key == "ENTER" else key) for at, key in rows]


def typed(reader: KeyboardReader, name: str) -> list[bool]:
    return [reader.key(key, at) for at, key in keystrokes(name)]


def test_a_keyboard_reader_types_the_number():
    reader = KeyboardReader()
    taken = typed(reader, "card")
    assert taken == [False] * 18 + [True]  # only its Enter is the reader's: the form's Enter is not pressed
    card = reader.read(at=10.5)
    assert (card.id_number, card.sex, card.birth_date, card.name) == (ZHANG, "male", dt.date(1990, 1, 1), "")
    assert reader.read(at=10.6) is None  # taken once


def test_a_hand_typing_a_number_is_no_card():
    reader = KeyboardReader()
    assert not any(typed(reader, "hand"))
    assert reader.read(at=40.0) is None


def test_a_misread_number_is_no_card():
    reader = KeyboardReader()
    assert not any(typed(reader, "misread"))
    assert reader.read(at=30.5) is None


def test_a_card_left_unread_goes_stale():
    reader = KeyboardReader(keep=30.0)
    typed(reader, "card")
    assert reader.read(at=10.2 + 31) is None


def test_the_setting_names_the_reader(tmp_path):
    assert open_reader("") is None
    assert isinstance(open_reader("keyboard"), KeyboardReader)
    with pytest.raises(OSError):
        open_reader(str(tmp_path / "no-such-port"))
