"""pydantic's validation errors as located German problems (file, line, column, field path)."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from vorlagengen.errors import Problem
from vorlagengen.load.yamlio import locate
from vorlagengen.messages import closest, field_path, translate


def model_problems(exc: ValidationError, path: Path, display: str, model: type[BaseModel],
                   prefix: tuple[Any, ...] = ()) -> list[Problem]:
    """Turn pydantic's errors into located German problems."""
    problems = []
    for err in without_misspelt_missing(exc, model):
        loc = tuple(prefix) + tuple(err["loc"])
        line, col = locate(path, loc)
        allowed = _allowed_keys(model, err["loc"][len(prefix) :] if prefix else err["loc"])
        message = translate(err, allowed)
        if model.__name__ == "Vorlage" and tuple(err["loc"]) == ("art",) and err["type"] == "literal_error":
            message += (". Nennt die Körperschaft eine Art anders (z. B. „Vorlage zur Beschlussfassung“), "
                        "bleibt hier die Art und das Wort steht in data/koerperschaften.yaml unter art_bezeichnung")
        problems.append(Problem(display, line, col, field_path(loc, err["type"] == "invalid_key"), message))
    return problems


def without_misspelt_missing(exc: ValidationError, model: type[BaseModel]) -> list[Any]:
    """pydantic's errors, except "x missing" where an unknown key next to it is a misspelt x.

    A misspelt required key gives two errors, "unknown key betref" and "betreff missing"; only the
    first is kept, as it names the place and the fix ("meinten Sie „betreff“?").
    """
    errors = exc.errors(include_url=False)
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            meant = closest(str(err["loc"][-1]), _allowed_keys(model, err["loc"]))
            if meant is not None:
                misspelt.add((*err["loc"][:-1], meant))
    return [err for err in errors if not (err["type"] == "missing" and tuple(err["loc"]) in misspelt)]


def _allowed_keys(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """Field names of the (sub)model that holds the last element of ``loc``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or part == "[key]":
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            # a dict of models (reference data): the part is an id, stay on the same model
            continue
        current = _inner_model(fields[part].annotation)
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
