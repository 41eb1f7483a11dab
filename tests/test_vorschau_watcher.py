"""The preview's watching of the project's files never ends by itself: a failing system watcher is
told and started again (then by polling), a folder made later is watched, a folder made together with
its file is noticed, a change made while the preview is busy with the last one is not lost, and a bug while setting one change does not stop the following ones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import watchfiles

from vorlagengen.vorschau import watcher

WAIT_S = 30  # generous on a loaded machine; this is no timing test


async def _next_with(gen: AsyncIterator[set[Path]], wanted: Path) -> set[Path]:
    """Groups from ``gen`` until one holds ``wanted`` (or a folder above it); all of them together."""
    seen: set[Path] = set()
    async with asyncio.timeout(WAIT_S):
        while not any(wanted == p or wanted.is_relative_to(p) for p in seen):
            seen |= await anext(gen)
    return seen


def _project(tmp_path: Path) -> Path:
    (tmp_path / "vorlagen").mkdir()
    return tmp_path


def test_a_failing_watcher_is_told_and_started_again_then_polls(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    calls: list[dict[str, Any]] = []

    async def fake_awatch(*paths: Path, **options: Any) -> AsyncIterator[set[tuple[int, str]]]:
        calls.append(options)
        if len(calls) <= 2:
            raise RuntimeError("error in underlying watcher: No space left on device (os error 28)")
        yield {(1, str(root / "vorlagen" / "neu.yaml"))}

    monkeypatch.setattr(watchfiles, "awatch", fake_awatch)
    monkeypatch.setattr(watcher, "RETRY_S", 0.01)
    told: list[str] = []

    async def run() -> set[Path]:
        stop = asyncio.Event()
        gen = watcher.changes(root, stop, told.append)
        group = await anext(gen)
        stop.set()
        return group

    # told once the watcher runs again, with its first group: the folder, since changes may be missed
    assert asyncio.run(run()) == {root / "vorlagen", root / "vorlagen" / "neu.yaml"}
    assert [c["force_polling"] for c in calls] == [False, False, True]
    assert len(told) == 2 and "die Beobachtung der Dateien ist ausgefallen (error in underlying watcher" in told[0]
    assert "regelmäßiges Nachsehen" in told[1] and "regelmäßiges Nachsehen" not in told[0]


def test_a_folder_made_later_is_watched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.setattr(watcher, "CHECK_MS", 100)

    async def run() -> None:
        stop = asyncio.Event()
        gen = watcher.changes(root, stop)
        first = asyncio.ensure_future(anext(gen))
        await asyncio.sleep(0.3)  # the watcher runs
        (root / "templates").mkdir()
        assert root / "templates" in await first  # its appearance counts as a change, told once watched
        layout = root / "templates" / "layout.typ"
        layout.write_text("#let x = 1\n", encoding="utf-8")
        assert layout in await _next_with(gen, layout)
        stop.set()

    asyncio.run(run())


def test_a_folder_made_with_its_file_is_noticed(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "templates").mkdir()

    async def run() -> set[Path]:
        stop = asyncio.Event()
        gen = watcher.changes(root, stop)
        first = asyncio.ensure_future(_next_with(gen, root / "templates" / "hamburg"))
        await asyncio.sleep(0.3)
        folder = root / "templates" / "hamburg"
        folder.mkdir()
        (folder / "layout.typ").write_text("#let x = 1\n", encoding="utf-8")
        seen = await first
        stop.set()
        return seen

    assert root / "templates" / "hamburg" in asyncio.run(run())


def test_a_bug_while_setting_a_change_does_not_stop_the_watching(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from vorlagengen.vorschau.server import Preview

    async def two_groups(root: Path, stop: asyncio.Event) -> AsyncIterator[set[Path]]:
        yield {root / "a.yaml"}
        yield {root / "b.yaml"}

    monkeypatch.setattr(watcher, "changes", two_groups)
    handled: list[set[Path]] = []

    class FakePreview:
        session = type("S", (), {"root": tmp_path})()
        stop = asyncio.Event()

        async def changed(self, paths: set[Path]) -> None:
            handled.append(paths)
            if len(handled) == 1:
                raise KeyError("kaputt")

    asyncio.run(Preview.watch(FakePreview()))  # type: ignore[arg-type]
    assert handled == [{tmp_path / "a.yaml"}, {tmp_path / "b.yaml"}]
    assert "KeyError: 'kaputt'" in capsys.readouterr().err
