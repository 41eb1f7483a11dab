"""Settings of the website: ``data/website.yaml`` (optional) — title, address, colours, Wappen,
contact for the Erklärung zur Barrierefreiheit. Loaded by the command line, handed to the site as a
plain value; the site itself reads no YAML."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vorlagengen.errors import UserError, ValidationFailed
from vorlagengen.load.modelerrors import model_problems
from vorlagengen.load.yamlio import YamlProblem, load_mapping
from vorlagengen.model.records import display_path

CONFIG_FILE = Path("data") / "website.yaml"
DEFAULT_BASE = "http://127.0.0.1:8000/"
_HEX = r"^#[0-9a-fA-F]{6}$"


class Website(BaseModel):
    """Einstellungen der Bürgerinfo-Website (data/website.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    titel: str = Field("Bürgerinformation", min_length=1, description="Name der Website")
    basis_url: str = Field(DEFAULT_BASE, pattern=r"^https?://", description="Adresse, unter der die Website liegt")
    koerperschaft: str | None = Field(None, description="Kennung der Körperschaft, die die Website betreibt")
    farbe: str = Field("#00507a", pattern=_HEX, description="Hauptfarbe (Kopfzeile, Links), z. B. „#00507a“")
    wappen: str | None = Field(None, description="Wappen als SVG oder PNG, Pfad relativ zum Projekt")
    wappen_text: str = Field("Wappen", min_length=1, description="Alternativtext des Wappens")
    kontakt_email: str | None = Field(None, description="E-Mail für Rückmeldungen zur Barrierefreiheit")
    kontakt_anschrift: list[str] = Field(default_factory=list, description="Anschrift, Zeile für Zeile")
    barrierefreiheit_stand: str | None = Field(None, description="Datum der Erklärung zur Barrierefreiheit")
    impressum: str | None = Field(None, description="Impressum (Markdown): Anbieter, Anschrift, Vertretung, Kontakt; "
                                  "ergibt impressum.html, verlinkt auf jeder Seite")
    datenschutz: str | None = Field(None, description="Datenschutzerklärung (Markdown); ergibt datenschutz.html, "
                                    "verlinkt auf jeder Seite")
    lizenz: str | None = Field(None, description="Lizenz der veröffentlichten Daten (URL), z. B. CC BY 4.0")
    seitengroesse: int = Field(100, ge=10, le=10000, description="Objekte je Seite einer OParl-Liste")

    @property
    def base(self) -> str:
        return self.basis_url if self.basis_url.endswith("/") else self.basis_url + "/"


def load_website(root: Path) -> Website:
    """``data/website.yaml`` of the project, or the defaults; errors located like every other file."""
    path = root / CONFIG_FILE
    if not os.path.lexists(path):  # a FIFO, a folder or a dangling link is refused when read
        return Website.model_validate({})
    display = display_path(path)
    try:
        raw = load_mapping(path, display)
        return Website.model_validate(raw)
    except YamlProblem as exc:
        raise ValidationFailed([exc.problem]) from None
    except ValidationError as exc:
        raise ValidationFailed(model_problems(exc, path, display, Website)) from None


def with_base(site: Website, base: str | None) -> Website:
    if not base:
        return site
    if not re.match(r"^https?://", base):
        raise UserError(f"Basis-URL „{base}“ muss mit http:// oder https:// beginnen")
    return site.model_copy(update={"basis_url": base})
