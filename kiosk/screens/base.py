"""What every screen shares: its view-model, and the input field the keyboard or number pad types into."""

from kivy.app import App
from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen
from kivy.uix.scrollview import ScrollView


class KioskScreen(Screen):
    vm = ObjectProperty(None, allownone=True)
    active_field = ObjectProperty(None, allownone=True)
    pad = StringProperty("")  # "keyboard", "numpad" or "": which input shows under the form

    @property
    def app(self):
        return App.get_running_app()

    def activate(self, field) -> None:
        """Make `field` the one the keyboard or number pad (the shell's) types into, and show that pad."""
        if self.active_field is not None:
            self.active_field.active = False
        self.active_field = field
        if field is not None:
            field.active = True
        self.pad = field.pad if field is not None else ""
        if self.manager is not None and self.manager.current_screen is self:
            self.app.connect_pads(field)
        if field is not None and "scroll" in self.ids:
            # Two frames on: the pad that came up has taken its room and the form its new height.
            Clock.schedule_once(lambda dt: Clock.schedule_once(lambda dt: self._reveal(field)))

    def _reveal(self, field) -> None:
        """Scroll the active field into view, above the pad that types into it."""
        scroll = self.ids.scroll.__self__  # ids are weak proxies: compare the widget itself
        if self.active_field is not field or not scroll.children:
            return
        parent = field.parent
        while parent is not None and parent is not scroll and parent is not self:
            parent = parent.parent
        if parent is scroll and scroll.children[0].height > scroll.height:
            scroll.scroll_to(field, padding=dp(24), animate=False)

    def set_holder(self, holder: str) -> None:
        """A person or a company: the identifier field changes its pad, so it starts empty and active."""
        self.vm.holder = holder
        self.vm.id_number = ""
        self.activate(self.ids.id_number)

    def on_leave(self, *args) -> None:
        self.activate(None)

    def pad_enter(self) -> None:
        """Enter on the keyboard or number pad: by default, on to the next empty field."""
        self.app.next_field(self)

    def reset(self) -> None:
        """The journey ended: no field active, every list scrolled back to its top."""
        self.activate(None)
        for widget in self.walk(restrict=True):
            if isinstance(widget, ScrollView):
                widget.scroll_y = 1
