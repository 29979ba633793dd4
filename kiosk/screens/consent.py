"""The personal-information notice and the "I agree" toggle, on the booking and application forms (its
view-model: kiosk/viewmodels/consent.py)."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ObjectProperty
from kivy.uix.boxlayout import BoxLayout


class ConsentBox(BoxLayout):
    vm = ObjectProperty(None, allownone=True, rebind=True)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
