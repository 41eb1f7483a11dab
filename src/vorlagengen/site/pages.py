"""The HTML pages of the site, from Jinja templates with autoescaping.

The packaged templates live in ``publish/templates/``; a file of the same name in the project's
``templates/site/`` replaces one (a Kommune restyles the site without code). Links between pages
are relative, so the site works under any address and from a local folder.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from vorlagengen.documents.context import groesse
from vorlagengen.site.config import Website
from vorlagengen.site.markdown import Renderer, page_html
from vorlagengen.site.output import SiteOutput
from vorlagengen.site.view import Drucksache, Site, Sitzung, slugify

PACKAGED = Path(__file__).parent / "templates"
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]


def environment(project_templates: Path | None, cache: Path | None = None) -> jinja2.Environment:
    """Templates of the project's ``templates/site/`` before the packaged ones; ``cache`` a folder
    (outside the public tree) for their compiled form between runs."""
    paths = [str(p) for p in (project_templates, PACKAGED) if p is not None and p.is_dir()]
    bytecode = None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(cache))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(paths), autoescape=True, bytecode_cache=bytecode,
                             undefined=jinja2.StrictUndefined, trim_blocks=False, keep_trailing_newline=True)
    env.filters["datum"] = lambda d: d.strftime("%d.%m.%Y") if d else "Termin offen"
    env.filters["groesse"] = groesse
    env.filters["pf"] = lambda s: " ".join(str(s).replace(",", " ").split())
    return env



_BLOCK_END = re.compile(r"(</(?:p|li|dt|dd|td|th|tr|caption|h[1-6]|div|section|header|footer|table|ul|ol|dl"
                        r"|blockquote|figcaption|pre)>)(?=<)")
_INDEXED = re.compile(r"<article data-pagefind-body>.*?</article>", re.S)


def separate_blocks(html: str) -> str:
    """A line break after each block element of the part Pagefind indexes. Pagefind joins the text of
    neighbouring elements without a space ("<dt>Art</dt><dd>Antrag</dd>" became the word "ArtAntrag"),
    so such words could never be found; between block elements a browser shows no line break."""
    return _INDEXED.sub(lambda m: _BLOCK_END.sub("\\1\n", m.group(0)), html)


GREMIUM_PAGE_LIMIT = 150  # Sitzungen and Drucksachen on one Gremium page; more: one page per year

class Pages:
    """Renders every page of a site into a :class:`SiteOutput`."""

    def __init__(self, site: Site, website: Website, env: jinja2.Environment, markdown: Renderer,
                 out: SiteOutput, today: dt.date, modified: Callable[[object], dt.datetime],
                 wappen: str | None) -> None:
        self.site, self.website, self.env, self.md, self.out = site, website, env, markdown, out
        self.today, self.modified, self.wappen = today, modified, wappen
        self.previous: dict[str, str] = {}  # page → key of its inputs, from the last run
        self.keys: dict[str, str] = {}
        self.fingerprint = repr((repr(website), wappen, _templates_fingerprint(env), _code()))
        self._shared: dict[int, str] = {}  # digests of objects many pages name (Gremien, Körperschaften)
        self._meta: dict[int, str] = {}

    def page(self, rel: str, template: str, title: str, section: str = "", **context: Any) -> None:
        up = "../" * rel.count("/")  # links are relative: the site works under any address

        def link(target: str) -> str:
            return up + target

        html = self.env.get_template(template).render(
            rel=link, page_title=title, section=section, website=self.website, wappen=self.wappen,
            gremien=self.site.gremien, alle=self.site.drucksachen, mit_personen=bool(self.site.mitgliedschaften),
            **context)
        self.out.put(rel, separate_blocks(html))

    def all(self, search_bundles: list[str]) -> None:
        self.start()
        for d in self.site.drucksachen.values():
            self.drucksache(d)
        for s in self.site.sitzungen.values():
            self.sitzung(s)
            self.tops(s)
        self.gremien()
        self.personen()
        self.kalender()
        self.listen()
        self.page("suche.html", "suche.html.j2", "Suche", "suche", teile=search_bundles)
        self.page("feeds/index.html", "feeds.html.j2", "Feeds und Kalender", gremien_liste=self._gremien_used())
        self.barrierefreiheit()
        for rel, title, text in (("impressum.html", "Impressum", self.website.impressum),
                                 ("datenschutz.html", "Datenschutzerklärung", self.website.datenschutz)):
            if text:
                self.page(rel, "text.html.j2", title, titel=title, html=Markup(page_html(text)))

    # --- single pages ---------------------------------------------------------------------------

    def start(self) -> None:
        sitzungen = list(self.site.sitzungen.values())
        coming = [s for s in sitzungen if s.datum >= self.today][:10]
        past = [s for s in sitzungen if s.datum < self.today][-5:][::-1]
        newest = sorted(self.site.drucksachen.values(), key=lambda d: (d.datum, d.key), reverse=True)[:15]
        names = [b.name for b in self.site.koerperschaften.values()]
        bodies_text = ("der " + names[0]) if len(names) == 1 else "der beteiligten Körperschaften"
        self.page("index.html", "start.html.j2", "Startseite", next_sitzungen=coming, last_sitzungen=past,
                  newest=newest, bodies_text=bodies_text, beschluesse=self.site.beschluesse)

    def unchanged(self, rel: str, *inputs: object) -> bool:
        """Whether a page's inputs are those of the last run (then its file stays as it is)."""
        key = hashlib.sha256(repr((self.fingerprint, inputs)).encode("utf-8")).hexdigest()[:24]
        return self._check(rel, key)

    def shared(self, obj: object) -> str:
        """A digest of ``repr(obj)``, once per build, for an object that the keys of many pages contain.
        A Drucksache's is made of :meth:`meta` and its texts."""
        text = self._shared.get(id(obj))
        if text is None:
            shown = (self.meta(obj), obj.texts) if isinstance(obj, Drucksache) else obj
            text = self._shared[id(obj)] = _digest(repr(shown))
        return text

    def meta(self, d: Drucksache) -> str:
        """A digest of a Drucksache without its texts: what lists, feeds and the OParl export show of it."""
        text = self._meta.get(id(d))
        if text is None:
            text = self._meta[id(d)] = _digest(repr(replace(d, texts=[])))
        return text

    def _check(self, rel: str, key: str) -> bool:
        self.keys[rel] = key
        if self.previous.get(rel) == key and (self.out.root / rel).is_file():
            self.out.keep(rel)
            return True
        return False

    def drucksache(self, d: Drucksache) -> None:
        bezuege = [(b, self.site.drucksachen.get(b.key) if b.key else None) for b in d.bezuege]
        shown = [(b.nummer, t.url, t.nummer, t.betreff) if t else b.nummer for b, t in bezuege]
        gremien = [self.shared(self.site.gremien.get(g)) for g in d.gremien]
        sizes = [f.size for f in d.files + d.anlagen]
        if self.unchanged(d.url, self.shared(d), sizes, shown, gremien,
                          self.shared(self.site.koerperschaften[d.koerperschaft]), self._changed(d)):
            return
        texts = [{"titel": t.titel, "html": Markup(self.md(t.markdown))} for t in d.texts]
        self.page(d.url, "drucksache.html.j2", f"{d.nummer}: {d.betreff}", "drucksachen", d=d, texts=texts,
                  bezuege=bezuege, body=self.site.koerperschaften[d.koerperschaft], geaendert=self._changed(d))

    def sitzung(self, s: Sitzung) -> None:
        leitung = self.site.personen.get(s.leitung) if s.leitung else None
        shown = [self.shared(self.site.drucksachen[t.drucksache]) for t in s.all_tops()
                 if t.drucksache in self.site.drucksachen]
        if self.unchanged(s.url, self.shared(s), self.shared(self.site.gremien[s.gremium]), leitung, shown,
                          [f.size for f in s.files], self._changed(s)):
            return
        self.page(s.url, "sitzung.html.j2", s.titel, "kalender", s=s, gremium=self.site.gremien[s.gremium],
                  leitung=leitung, geaendert=self._changed(s))

    def tops(self, s: Sitzung) -> None:
        """A page per public TOP: its Beschluss, votes, Wahlen and result."""
        for t in s.all_tops():
            keys = [t.drucksache, *t.dazu]
            shown = [self.shared(self.site.drucksachen[k]) for k in keys if k in self.site.drucksachen]
            if self.unchanged(t.url, self.shared(s), t.nummer, shown, self._changed(s)):
                continue
            p = t.protokoll
            self.page(t.url, "top.html.j2", f"TOP {t.nummer}: {t.titel}", "kalender", s=s, t=t, p=p,
                      beschluss=Markup(self.md(p.beschluss)) if p and p.beschluss else "",
                      aenderung=Markup(self.md(p.aenderung)) if p and p.aenderung else "", geaendert=self._changed(s))

    def _changed(self, item: object) -> str:
        """The page's own date of change (from git): a change elsewhere does not rewrite it."""
        return _berlin_day(self.modified(item))

    def gremien(self) -> None:
        used = {g.id for g in self._gremien_used()}
        shown = self._gremien_shown()
        groups = [(b, [g for g in shown if g.koerperschaft == b.id and g.typ != "Fraktion"],
                   [g for g in shown if g.koerperschaft == b.id and g.typ == "Fraktion"])
                  for b in self.site.koerperschaften.values()]
        self.page("gremien/index.html", "gremien.html.j2", "Gremien und Fraktionen", "gremien",
                  groups=[x for x in groups if x[1] or x[2]])
        for g in shown:
            sitzungen = self.site.sitzungen_of(g.id)
            leitung = sorted({s.leitung for s in sitzungen if s.leitung and s.leitung in self.site.personen})
            items = _newest_first(self.site.drucksachen_of(g.id))
            eigene = _newest_first(d for d in self.site.drucksachen.values() if d.initiator_id == g.id)
            # a long history is split into one page per year (the Gremium's page shows the newest)
            years: list[int | None] = [*sorted({s.datum.year for s in sitzungen} | {d.datum.year for d in items},
                                               reverse=True)]
            if len(sitzungen) + len(items) <= GREMIUM_PAGE_LIMIT or len(years) < 2:
                years = [None]
            mitglieder = [(m, self.site.personen[m.person]) for m in g.mitglieder]
            for year in years:
                rel = g.url if year is None or year == years[0] else g.url.removesuffix(".html") + f"-{year}.html"
                in_year = [s for s in sitzungen if year is None or s.datum.year == year]
                items_year = [d for d in items if year is None or d.datum.year == year]
                if self.unchanged(rel, year, years, self.shared(g), self.shared(self.site.gremien), in_year,
                                  [self.shared(d) for d in items_year], [self.site.personen[p] for p in leitung],
                                  mitglieder, [m.aktiv(self.today) for m, _ in mitglieder],
                                  [self.shared(d) for d in eigene], g.id in used,
                                  self.shared(self.site.koerperschaften[g.koerperschaft])):
                    continue
                self.page(rel, "gremium.html.j2", g.name + (f" – {year}" if year and rel != g.url else ""),
                          "gremien", g=g, body=self.site.koerperschaften[g.koerperschaft],
                          sitzungen=in_year[::-1], items=items_year, jahr=year, jahre=[y for y in years if y],
                          vorsitz=[self.site.personen[p] for p in leitung], genutzt=g.id in used,
                          mitglieder=_members_order(mitglieder, self.today), eigene=eigene, heute=self.today)

    def _gremien_shown(self) -> list[Any]:
        """The Gremien with a page: those with Sitzungen or Drucksachen, those with members, every Fraktion."""
        used = {g.id for g in self._gremien_used()}
        return sorted((g for g in self.site.gremien.values() if g.id in used or g.mitglieder or g.typ == "Fraktion"),
                      key=lambda g: (g.koerperschaft, g.name))

    def personen(self) -> None:
        """A page per member of a Gremium or a Fraktion (her public roles only) and the list of them."""
        site = self.site
        rows = []
        for pid, roles in site.mitgliedschaften.items():
            person = site.personen[pid]
            fraktionen = _fraktionen(roles, site.gremien, self.today)
            rows.append((person, fraktionen))
            inputs = [(g.id, g.name, g.typ, m) for g, m in roles]
            if self.unchanged(person.url, person, inputs, fraktionen, [m.aktiv(self.today) for _, m in roles]):
                continue
            self.page(person.url, "person.html.j2", person.name, "personen", p=person, fraktionen=fraktionen,
                      rollen=[(g, m) for g, m in roles if g.typ != "Fraktion"],
                      in_fraktion=[(g, m) for g, m in roles if g.typ == "Fraktion"], heute=self.today)
        rows.sort(key=lambda x: (x[0].nachname.lower(), x[0].vorname.lower(), x[0].id))
        if rows:
            self.page("personen/index.html", "personen.html.j2", "Personen", "personen", rows=rows)

    def _gremien_used(self) -> list[Any]:
        used = {s.gremium for s in self.site.sitzungen.values()}
        used |= {g for d in self.site.drucksachen.values() for g in d.gremien}
        return sorted((self.site.gremien[g] for g in used if g in self.site.gremien),
                      key=lambda g: (g.koerperschaft, g.name))

    # --- calendars and lists --------------------------------------------------------------------

    def kalender(self) -> None:
        by_month: dict[tuple[int, int], list[Sitzung]] = defaultdict(list)
        for s in self.site.sitzungen.values():
            by_month[(s.datum.year, s.datum.month)].append(s)
        months = [_Month(y, m, len(v)) for (y, m), v in sorted(by_month.items())]
        years = [(y, [m for m in months if m.year == y]) for y in sorted({m.year for m in months}, reverse=True)]
        with_sitzungen = [g for g in self._gremien_used() if self.site.sitzungen_of(g.id)]
        self.page("kalender/index.html", "kalender.html.j2", "Sitzungskalender", "kalender", years=years,
                  gremien_mit_sitzungen=with_sitzungen)
        for i, m in enumerate(months):
            if self.unchanged(f"kalender/{m.key}.html", [self.shared(x) for x in by_month[(m.year, m.month)]],
                              months[i - 1 if i else i], months[i + 1 if i + 1 < len(months) else i]):
                continue
            self.page(f"kalender/{m.key}.html", "monat.html.j2", f"Sitzungen im {m.name} {m.year}", "kalender",
                      month_name=m.name, year=m.year, sitzungen=by_month[(m.year, m.month)],
                      prev=months[i - 1] if i else None, next=months[i + 1] if i + 1 < len(months) else None)

    def listen(self) -> None:
        ds = list(self.site.drucksachen.values())
        jahre = _groups(ds, lambda d: [str(d.datum.year)])
        arten = _groups(ds, lambda d: [d.art_label])
        gremien = Counter(g for d in ds for g in d.gremien if g in self.site.gremien)
        self.page("drucksachen/index.html", "listen.html.j2", "Drucksachen", "drucksachen",
                  jahre=[(k, k, len(v)) for k, v in sorted(jahre.items(), reverse=True)],
                  arten=[(slugify(k), k, len(v)) for k, v in sorted(arten.items())],
                  gremien_liste=sorted(((g, self.site.gremien[g].name, n) for g, n in gremien.items()),
                                       key=lambda x: x[1]))
        for year, items in jahre.items():
            self.liste(f"drucksachen/jahr/{year}.html", f"Drucksachen {year}", items)
        for art, items in arten.items():
            self.liste(f"drucksachen/art/{slugify(art)}.html", f"Drucksachen: {art}", items)

    def liste(self, rel: str, title: str, items: list[Drucksache]) -> None:
        items = _newest_first(items)
        if not self.unchanged(rel, title, [self.shared(d) for d in items]):
            self.page(rel, "liste.html.j2", title, "drucksachen", items=items)

    def barrierefreiheit(self) -> None:
        body = self.site.koerperschaften.get(self.website.koerperschaft or "")
        if body is None and len(self.site.koerperschaften) == 1:
            body = next(iter(self.site.koerperschaften.values()))
        betreiber = body.name if body else self.website.titel
        anschrift = self.website.kontakt_anschrift or (body.briefkopf if body else [])
        self.page("barrierefreiheit.html", "barrierefreiheit.html.j2", "Erklärung zur Barrierefreiheit",
                  betreiber=betreiber, anschrift=anschrift)


def _members_order(members: list[tuple[Any, Any]], today: dt.date) -> list[tuple[Any, Any]]:
    """Current members first (Vorsitz before the others, then by name), former ones after them."""
    rank = {"Vorsitz": 0, "stellvertretender Vorsitz": 1}
    return sorted(members, key=lambda x: (not x[0].aktiv(today), rank.get(x[0].rolle, 2), x[1].nachname.lower(),
                                          x[1].vorname.lower(), x[0].von or dt.date.min))


def _fraktionen(roles: list[tuple[Any, Any]], gremien: dict[str, Any], today: dt.date) -> list[Any]:
    """A person's Fraktion now: her membership in a Fraktion, else the Fraktion her other memberships name;
    without a current one the latest she had."""
    def of(ms: list[tuple[Any, Any]]) -> list[Any]:
        own = [g.id for g, m in ms if g.typ == "Fraktion"]
        named = [m.fraktion for _, m in ms if m.fraktion in gremien]
        return [gremien[k] for k in dict.fromkeys(own or named)]

    current = of([(g, m) for g, m in roles if m.aktiv(today)])
    if current:
        return current
    latest = sorted(roles, key=lambda x: x[1].bis or dt.date.max)[::-1]
    return of(latest)[:1]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@functools.lru_cache(maxsize=4096)  # a few hundred distinct dates for thousands of pages
def _berlin_day(when: dt.datetime) -> str:
    return when.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y")


@functools.cache
def _code() -> str:
    """The site's own code: a new version of vorlagengen that draws pages otherwise makes them again."""
    h = hashlib.blake2b(digest_size=16)
    for module in sorted(Path(__file__).parent.glob("*.py")):
        h.update(module.read_bytes())
    return h.hexdigest()


def _templates_fingerprint(env: jinja2.Environment) -> str:
    h = hashlib.sha256()
    for folder in getattr(env.loader, "searchpath", []):
        for path in sorted(Path(folder).glob("*")):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@dataclass
class _Month:
    year: int
    month: int
    count: int

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def name(self) -> str:
        return MONATE[self.month - 1]


def _groups(items: Iterable[Drucksache], keys: Callable[[Drucksache], list[str]]) -> dict[str, list[Drucksache]]:
    out: dict[str, list[Drucksache]] = defaultdict(list)
    for d in items:
        for k in keys(d):
            out[k].append(d)
    return dict(out)


def _newest_first(items: Iterable[Drucksache]) -> list[Drucksache]:
    return sorted(items, key=lambda d: (d.datum, d.key), reverse=True)
