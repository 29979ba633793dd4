"""Seed the synonyms for what citizens say about the moments of their lives (过期, 丢了, 急用, 搬家,
生孩子…); editors change them in the admin afterwards."""

from django.db import migrations

from guides.search.synonyms import LIFE_EVENT_SYNONYMS


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, official in LIFE_EVENT_SYNONYMS:
        Synonym.objects.get_or_create(term=term, official=official)


def unseed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, official in LIFE_EVENT_SYNONYMS:
        Synonym.objects.filter(term=term, official=official).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_seed_synonyms")]

    operations = [migrations.RunPython(seed, unseed)]
