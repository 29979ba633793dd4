"""Seed the synonyms every installation starts with; editors change them in the admin afterwards."""

from django.db import migrations

from guides.search.synonyms import DEFAULT_SYNONYMS


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, official in DEFAULT_SYNONYMS:
        Synonym.objects.get_or_create(term=term, official=official)


def unseed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, official in DEFAULT_SYNONYMS:
        Synonym.objects.filter(term=term, official=official).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
