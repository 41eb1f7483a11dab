"""vorlagengen: Drucksachen als YAML-Datensätze, gesetzt als DOCX und PDF."""

__version__ = "0.1.0"
