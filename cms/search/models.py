"""Synonyms editors keep: what citizens type → the official name guides use."""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel


class Synonym(models.Model):
    """One colloquial word or phrase and one official name it stands for (身份证 → 居民身份证)."""

    term = models.CharField("群众说法 what citizens type", max_length=50)
    official = models.CharField("规范名称 official name", max_length=100)
    note = models.CharField("备注 note", max_length=200, blank=True)

    panels = [FieldPanel("term"), FieldPanel("official"), FieldPanel("note")]

    class Meta:
        ordering = ["term", "official"]
        constraints = [models.UniqueConstraint(fields=["term", "official"], name="search_synonym_unique")]
        verbose_name = "同义词 synonym"
        verbose_name_plural = "同义词 synonyms"

    def clean(self):
        self.term, self.official = self.term.strip(), self.official.strip()
        if self.term == self.official:
            raise ValidationError(
                {"official": "规范名称不能与群众说法相同 / the official name must differ from the term"}
            )

    def __str__(self) -> str:
        return f"{self.term} → {self.official}"


class SearchLog(models.Model):
    """One query citizens searched for in one week, masked (no ID number, phone or name; no address or
    session), and how it went: how often, how often nothing was found, how often a result was opened."""

    week = models.DateField("周 week (its Monday)")
    query = models.CharField("搜索词 query", max_length=100)
    searches = models.PositiveIntegerField("搜索次数 searches", default=0)
    empty = models.PositiveIntegerField("无结果次数 found nothing", default=0)
    opened = models.PositiveIntegerField("打开结果次数 results opened", default=0)
    results = models.PositiveIntegerField("最近一次结果数 results last time", default=0)

    class Meta:
        ordering = ["-week", "-searches"]
        constraints = [models.UniqueConstraint(fields=["week", "query"], name="search_log_week_query")]
        verbose_name = "搜索记录 search log"
        verbose_name_plural = "搜索记录 search log"

    def __str__(self) -> str:
        return f"{self.week} {self.query}"
