"""German for click's own words (usage, option headings, its error messages).

click marks its strings with ``gettext``; instead of shipping a compiled catalogue we give its
modules a lookup table. Strings not in the table stay as click wrote them.
"""

from __future__ import annotations

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

GERMAN = {
    "Usage:": "Aufruf:",
    "Options": "Optionen",
    "Commands": "Befehle",
    "Positional arguments": "Argumente",
    "Show this message and exit.": "Diese Hilfe anzeigen und beenden.",
    "Show the version and exit.": "Version anzeigen und beenden.",
    "Error: {message}": "Fehler: {message}",
    "Try '{command} {option}' for help.": "Hilfe mit „{command} {option}“.",
    "No such option {name!r}.": "Unbekannte Option „{name}“.",
    "No such command {name!r}.": "Unbekannter Befehl „{name}“.",
    "Missing command.": "Befehl fehlt.",
    "Missing argument": "Argument fehlt",
    "Missing option": "Option fehlt",
    "Missing parameter": "Angabe fehlt",
    "Missing parameter: {param_name}": "Angabe fehlt: {param_name}",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Got unexpected extra argument ({args})": "Unerwartetes weiteres Argument ({args})",
    "Got unexpected extra arguments ({args})": "Unerwartete weitere Argumente ({args})",
    "Option {name!r} requires an argument.": "Option „{name}“ braucht einen Wert.",
    "Option {name!r} requires {nargs} values.": "Option „{name}“ braucht {nargs} Werte.",
    "Option {name!r} does not take a value.": "Option „{name}“ nimmt keinen Wert.",
    "Argument {name!r} takes {nargs} values.": "Argument „{name}“ nimmt {nargs} Werte.",
    "Did you mean {possibility}?": "Meinten Sie {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Meinten Sie einen von: {possibilities}?)",
    "(Possible options: {possibilities})": "(Mögliche Optionen: {possibilities})",
    "{value!r} is not one of {choices}.": "„{value}“ ist keiner von {choices}.",
    "{value!r} is not {choice}.": "„{value}“ ist nicht {choice}.",
    "{value!r} is not a valid {number_type}.": "„{value}“ ist keine gültige Zahl.",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
    "{value!r} does not match the format {format}.": "„{value}“ passt nicht zum Format {format}.",
    "{value!r} does not match the formats {formats}.": "„{value}“ passt zu keinem der Formate {formats}.",
    "{name} {filename!r} does not exist.": "{name} „{filename}“ existiert nicht.",
    "{name} {filename!r} is a directory.": "{name} „{filename}“ ist ein Ordner.",
    "{name} {filename!r} is a file.": "{name} „{filename}“ ist eine Datei.",
    "{name} {filename!r} is not readable.": "{name} „{filename}“ ist nicht lesbar.",
    "{name} {filename!r} is not writable.": "{name} „{filename}“ ist nicht beschreibbar.",
    "Could not open file {filename!r}: {message}": "Datei „{filename}“ nicht zu öffnen: {message}",
    "file": "Datei",
    "directory": "Ordner",
    "path": "Pfad",
    "Aborted!": "Abgebrochen!",
    "default: {default}": "Vorgabe: {default}",
    "required": "Pflicht",
    "unknown error": "unbekannter Fehler",
}


def _german(message: str) -> str:
    return GERMAN.get(message, message)


def install() -> None:
    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = _german  # type: ignore[attr-defined]
    for module in (click.core, click.exceptions, click.types):
        if hasattr(module, "ngettext"):
            module.ngettext = _german_plural  # type: ignore[attr-defined]


def _german_plural(singular: str, plural: str, n: int) -> str:
    return _german(singular if n == 1 else plural)
