"""The test database: migrated, with the demo loaded, once per pytest run; every test database is a copy.

pytest-django's database, the servers the race, rate-limit, browser, kiosk and fault tests start: each gets a
copy of one template instead of migrating and loading the demo itself (minutes each on a busy machine).

- SQLite (no DATABASE_URL): the template is a file; a copy is made with SQLite's backup API (which folds in
  the WAL), into pytest-django's in-memory database or into a file a server opens.
- PostgreSQL (DATABASE_URL=postgres://…/NAME): the template is the database `test_NAME_template`; a copy is
  `CREATE DATABASE … TEMPLATE`, named `test_NAME_<what>`, so every name a run makes starts with Django's
  `test_NAME`.

The search index built while loading the demo is kept beside the template and copied with it. A PostgreSQL
template stays on the cluster after the run (like Django's --keepdb); the next run replaces it.
"""

import fcntl
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import dj_database_url

from tests.support.servers import manage

# One process: migrate, load the demo (which indexes the guides as it imports them), keep the index.
BUILD = """
import io, shutil
from django.conf import settings
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_demo", stdout=io.StringIO())
shutil.copytree(settings.SEARCH_INDEX_DIR, {index!r}, dirs_exist_ok=True)
"""


def _postgres(url: str) -> bool:
    return dj_database_url.parse(url or "sqlite://")["ENGINE"].endswith("postgresql")


def _admin(url: str):
    """An autocommit connection to the cluster's `postgres` database (CREATE/DROP DATABASE)."""
    import psycopg

    config = dj_database_url.parse(url)
    return psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or None,
        autocommit=True,
    )


def _renamed(url: str, name: str) -> str:
    base, _, rest = url.rpartition("/")
    query = rest.partition("?")[1:]
    return f"{base}/{name}{''.join(query)}"


def build(database_url: str, index: Path) -> None:
    """Migrate the (empty) database at `database_url`, load the demo and copy the search index to `index`."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SEARCH_INDEX_DIR")}
    env |= {"DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATABASE_URL": database_url, "PERIODIC_JOBS": "0"}
    env["DATA_DIR"] = str(index.parent / "data")
    manage(env, "shell", "-c", BUILD.format(index=str(index)))


def drop(database_url: str) -> None:
    """Drop a PostgreSQL copy (its server may still hold connections)."""
    from psycopg import sql

    with _admin(database_url) as admin:
        name = dj_database_url.parse(database_url)["NAME"]
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass(frozen=True)
class Template:
    url: str  # the template database's URL
    index: Path  # the search index built with it

    @property
    def postgres(self) -> bool:
        return _postgres(self.url)

    def copy(self, name: str, folder: Path) -> str:
        """A new database holding the template's content, as a URL: `folder/name.sqlite3`, or on PostgreSQL
        the database `test_NAME_name`."""
        if not self.postgres:
            target = folder / f"{name}.sqlite3"
            copy_sqlite(self.url, sqlite3.connect(target)).close()
            return f"sqlite:///{target}"
        return self.clone(dj_database_url.parse(self.url)["NAME"].removesuffix("_template") + f"_{name}")

    def clone(self, database: str) -> str:
        """PostgreSQL: the database `database` made from the template (replacing one an interrupted run
        left); its URL."""
        from psycopg import sql

        template = dj_database_url.parse(self.url)["NAME"]
        with _admin(self.url) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(database), sql.Identifier(template))
            )
        return _renamed(self.url, database)

    def copy_index(self, target: Path) -> None:
        shutil.copytree(self.index, target, dirs_exist_ok=True)


def copy_sqlite(template_url: str, target: sqlite3.Connection) -> sqlite3.Connection:
    source = sqlite3.connect(dj_database_url.parse(template_url)["NAME"])
    try:
        source.backup(target)
    finally:
        source.close()
    return target


def run_template(root: Path) -> Template:
    """The run's template, built by the first process that asks (an xdist worker, or the only process)
    while the others wait on a lock in `root`, the folder the run's processes share."""
    database_url = os.environ.get("DATABASE_URL", "")
    folder = root / "database-template"
    folder.mkdir(exist_ok=True)
    if _postgres(database_url):
        url = _renamed(database_url, f"test_{dj_database_url.parse(database_url)['NAME']}_template")
    else:
        url = f"sqlite:///{folder / 'demo.sqlite3'}"
    template = Template(url, folder / "search-index")
    with (root / "database-template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = folder / "built"
        if not built.exists():
            if template.postgres:
                from psycopg import sql

                name = dj_database_url.parse(url)["NAME"]
                with _admin(url) as admin:
                    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
                    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            build(url, template.index)
            built.touch()
    return template
