from django.dispatch import Signal

# Sent after an application's status changed (inside the transaction): `application`, `change`.
status_changed = Signal()
