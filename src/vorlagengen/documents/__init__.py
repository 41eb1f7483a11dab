"""Rendering: record → template context → Pandoc Markdown (Jinja) → DOCX (pandoc) and PDF (typst)."""
