"""Read aloud: the header's button reads the screen's safe parts through the real espeak-ng (into a WAV
file here: the test machine has no sound card), and never a citizen's name, ID number, phone or code."""

import threading
import wave

from test_kiosk_journey import GUIDE, book

from kiosk.services.speech import EspeakSpeaker
from tests.support.bookings import id_number

PHONE = "13900001234"


def spoken_audio(k, wav) -> float:
    """Press Read aloud, wait until it has finished; seconds of audio written."""
    k.tap(k.app.root.ids.read_aloud)
    assert k.app.speaking
    k.until(lambda: not k.app.speaking, "the end of the reading")
    with wave.open(str(wav)) as audio:
        return audio.getnframes() / audio.getframerate()


def test_espeak_speaks_mandarin_and_english_and_stops(tmp_path):
    for lang, text in (("zh_Hans", "请带身份证"), ("en", "Please bring your ID card")):
        wav = tmp_path / f"{lang}.wav"
        finished = threading.Event()
        EspeakSpeaker(wav=wav).say(text, lang, finished.set)
        assert finished.wait(20)
        with wave.open(str(wav)) as audio:
            assert audio.getnframes() / audio.getframerate() > 0.5
    speaker = EspeakSpeaker()  # to the sound card, which this machine lacks or not: stopped at once either way
    finished = threading.Event()
    speaker.say("一二三四五六七八九十" * 20, "zh_Hans", finished.set)
    speaker.stop()
    assert finished.wait(5)


def test_guide_screen_reads_heading_and_materials(make_kiosk, tmp_path):
    wav = tmp_path / "guide.wav"
    k = make_kiosk(speech_wav=wav)
    k.app.open_guide(GUIDE)
    k.frames()
    assert k.app.root.ids.read_aloud.text == "朗读"
    assert spoken_audio(k, wav) > 1.0
    guide = k.app.vms["guide"].guide
    assert k.app.spoken.startswith(guide["name"])
    for material in guide["materials"]:
        assert material["name"] in k.app.spoken


def test_confirmation_never_speaks_personal_data(make_kiosk, tmp_path):
    wav = tmp_path / "done.wav"
    k = make_kiosk(speech_wav=wav)
    person = id_number(7311)  # a person of its own: the kiosk tests share one CMS
    code = book(k, person, PHONE)
    k.tap_id("language", k.app.root)  # English this time
    assert spoken_audio(k, wav) > 1.0
    spoken = k.app.spoken
    assert "You are booked" in spoken
    for secret in (code, person, person[-4:], PHONE, PHONE[-4:], "李"):
        assert secret not in spoken, f"{secret!r} spoken: {spoken}"


def test_speech_can_be_switched_off(make_kiosk):
    k = make_kiosk(speech=False)
    button = k.app.root.ids.read_aloud
    assert not button.enabled and button.width == 0
