"""The German report of an import: per object type how many were imported, changed, unchanged,
removed and skipped (with the reason), and every problem with the id of its object."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# OParl type → German label (plural) in the report
LABELS = {
    "Body": "Körperschaften", "Organization": "Organisationen", "Person": "Personen",
    "Meeting": "Sitzungen", "AgendaItem": "Tagesordnungspunkte", "Ergebnis": "Ergebnisse an Tagesordnungspunkten",
    "Datei am TOP": "Dateien an Tagesordnungspunkten", "Membership": "Mitgliedschaften",
    "LegislativeTerm": "Wahlperioden", "Paper": "Drucksachen",
    "Consultation": "Beratungen", "File": "Dateien",
}
OUTCOMES = ("übernommen", "aus Sitzungen gebildet", "neu", "geändert", "unverändert", "von Hand geändert, behalten",
            "entfernt")


@dataclass
class Report:
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    skipped: dict[str, Counter[str]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (object id, German message)
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        counts = self.counts.get(kind)  # not setdefault: that makes a Counter on each of ~14,000 calls
        if counts is None:
            counts = self.counts[kind] = Counter()
        counts[outcome] += n

    def skip(self, kind: str, oid: str, reason: str, problem: bool = True) -> None:
        """An object not imported. A problem (missing data) is listed with its id; an expected
        skip (deleted at the source, outside --seit/--bis) is only counted."""
        self.skipped.setdefault(kind, Counter())[reason] += 1
        if problem:
            self.problems.append((oid, f"übersprungen: {reason}"))

    def problem(self, oid: str, message: str) -> None:
        self.problems.append((oid, message))

    def lines(self) -> list[str]:
        out = []
        for kind, label in LABELS.items():
            counts, skipped = self.counts.get(kind, Counter()), self.skipped.get(kind, Counter())
            if not counts and not skipped:
                continue
            parts = [f"{counts[o]} {o}" for o in OUTCOMES if counts[o]]
            total = sum(skipped.values())
            if total:
                why = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items(), key=lambda x: -x[1]))
                parts.append(f"{total} übersprungen ({why})")
            out.append(f"{label}: {', '.join(parts) or 'keine'}")
        out += self.notes
        if self.problems:
            out.append(f"{len(self.problems)} Hinweise:")
            out += [f"  {oid}: {message}" for oid, message in self.problems]
        return out
