"""The spoken call made by the server (cms/hall/speech.py) with the real espeak-ng: a WAV for a call the display
has shown, nothing for any other, and a clear 503 when the engine is missing."""

import io
import wave

import pytest

from cms.hall.speech import words
from tests.cms.test_hall import hall_day, make_counter, make_kiosk, take  # noqa: F401
from tests.support.api import assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hall_day")]  # an hour into a working day


@pytest.fixture(autouse=True)
def speech_dir(settings, tmp_path):
    settings.HALL_SPEECH_DIR = tmp_path / "hall-speech"
    return settings.HALL_SPEECH_DIR


def called(client, window=3) -> tuple[str, str]:
    """A walk-in's ticket called at `window`: the ticket and its token's window."""
    _, token = make_counter(window)
    number = take(client, {"Authorization": f"Bearer {make_kiosk()}"}).json()["ticket"]
    answer = client.post("/api/v1/counters/me/call-next", headers={"Authorization": f"Bearer {token}"})
    assert answer.json()["ticket"] == number
    return number, token


def test_a_called_ticket_has_its_call_as_a_wav_in_mandarin_then_english(client, speech_dir):
    number, _ = called(client)
    state = client.get("/hall/city/state.json").json()
    url = state["calls"][0]["audio"]
    assert url == f"/hall/city/calls/{number}-3.wav"
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "audio/wav"
    data = b"".join(answer.streaming_content)
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    with wave.open(io.BytesIO(data)) as clip:
        seconds = clip.getnframes() / clip.getframerate()
        assert clip.getnchannels() == 1 and clip.getsampwidth() == 2
    assert 3.0 < seconds < 15.0, seconds  # two sentences, not a click
    assert len(list(speech_dir.glob("*.wav"))) == 1  # cached: asking again makes nothing new
    assert b"".join(client.get(url).streaming_content) == data
    assert words(number, 3)["zh"] == f"请 {' '.join(number)} 号到 3 号窗口"


def test_no_clip_for_a_call_that_did_not_happen(client, speech_dir):
    number, _ = called(client)
    assert_error(client.get(f"/hall/city/calls/{number}-4.wav"), 404, "not_found")  # another window
    assert_error(client.get("/hall/city/calls/F999-3.wav"), 404, "not_found")  # no such ticket
    assert_error(client.get(f"/hall/zhapu/calls/{number}-3.wav"), 404, "not_found")  # another centre's hall
    assert client.get("/hall/city/calls/F012-3.mp3").status_code == 404  # not an address of ours
    waiting = take(client, {"Authorization": f"Bearer {make_kiosk('city-2')}"}).json()["ticket"]
    assert_error(client.get(f"/hall/city/calls/{waiting}-3.wav"), 404, "not_found")  # not called yet
    assert not speech_dir.exists()  # nothing was spoken for them


def test_a_missing_engine_is_a_clear_503(client, settings, speech_dir):
    settings.HALL_SPEECH_COMMAND = "espeak-ng-not-installed"
    number, _ = called(client)
    assert_error(client.get(f"/hall/city/calls/{number}-3.wav"), 503, "speech_unavailable")
