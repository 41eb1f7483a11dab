"""The records' types: Drucksache, Niederschrift, loaded records and the project."""
