"""Numbers: Drucksachen-Nummern (schema, formen) and TOP-Nummern (top)."""
