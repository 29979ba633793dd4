"""Fill the city calendar from the `holidays` package; days entered or changed by editors are kept."""

from django.db import transaction

from guides.calendar import CalendarEntry, Source, entries_for_year


@transaction.atomic
def prefill(years: list[int], model=None) -> dict[str, int]:
    """Create or update package days for `years`; drop package days it no longer lists (e.g. an estimate
    replaced by the official notice). `model` lets a data migration pass its historical model."""
    if model is None:
        from cms.hours.models import CalendarDay as model
    counts = {"created": 0, "updated": 0, "removed": 0, "kept": 0}
    # An early migration's historical model may lack later fields (name_en): fill only what it has.
    fields = {f.name for f in model._meta.get_fields()}
    for year in years:
        entries: dict = {e.date: e for e in entries_for_year(year)}
        existing = {d.date: d for d in model.objects.filter(date__year=year)}
        for day, row in existing.items():
            if row.source == Source.EDITOR:
                counts["kept"] += 1
                entries.pop(day, None)
            elif day not in entries:
                row.delete()
                counts["removed"] += 1
        for day, entry in entries.items():
            row = existing.get(day)
            values = {key: value for key, value in _values(entry).items() if key in fields}
            if row is None:
                model.objects.create(date=day, **values)
                counts["created"] += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                row.save()
                counts["updated"] += 1
    return counts


def _values(entry: CalendarEntry) -> dict:
    return {
        "kind": entry.kind.value,
        "name": entry.name,
        "name_en": entry.name_en,
        "works_as": entry.works_as,
        "source": entry.source.value,
    }
