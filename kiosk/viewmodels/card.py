"""The "Read ID card" button for any form with an ID number: one touch, and the card on the reader fills it
(and the name, where the form has one). The number read is kept as `card_number`: while the field still holds
it, the calls say so (`X-Id-Number-Source: card`), which proves the person."""

from kiosk.services.idcard import CardError
from kiosk.viewmodels.booking import CARD_UNREADABLE, NO_CARD


class CardReading:
    """For a ViewModel with `id_number` and `card_number` string properties; `took_card(card)` fills the rest."""

    def read_card(self) -> None:
        reader = self.services.card_reader
        if reader is not None:
            self.run(reader.read, self._took, self._card_failed)

    def _took(self, card) -> None:
        if card is None:
            self.error_args, self.error = {}, NO_CARD
            return
        self.id_number = self.card_number = card.id_number
        self.took_card(card)

    def took_card(self, card) -> None:
        """The card's number is in the form: fill what else the form takes from it."""

    def _card_failed(self, exc: Exception) -> bool:
        if isinstance(exc, CardError):
            self.error_args, self.error = {}, CARD_UNREADABLE
            return True
        return False

    def from_card(self, identifier: str) -> bool:
        """`identifier` (as sent) is the number read from the card, not one typed or changed since."""
        return bool(self.card_number) and identifier == self.card_number
