"""Word reference documents: the styles, margins, header and footer pandoc puts on every DOCX.

A layout uses ``reference.docx`` from its folder (or ``_base``); a Kommune replaces it with its own,
edited in Word: the style names are the parts of the document (Betreff, Beschlussvorschlag,
Beratungsfolge …). ``python -m vorlagengen.documents.docx_reference ZIEL.docx`` writes the packaged
default, which is how the committed ``templates/_base/reference.docx`` was made.

For a draft the reference document gets an ENTWURF line in its header; that copy is made on the
fly and kept for the run.
"""

from __future__ import annotations

import atexit
import html
import io
import re
import shutil
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

from vorlagengen.documents.layouts import Layout
from vorlagengen.documents.writing import private_tempdir

FONT = "Arial"  # Liberation Sans on systems without Arial: the same metrics

PARAGRAPH_STYLES = {
    # name: (size pt, bold, alignment, space before, space after, based on)
    "Kopf": (9, False, "left", 0, 2, "Normal"),
    "Dokumenttitel": (15, True, "left", 6, 10, "Normal"),
    "Textkoerper": (11, False, "justify", 0, 6, "Body Text"),
    "Beschlussvorschlag": (11, False, "justify", 4, 6, "Normal"),
    "Unterschrift": (11, False, "left", 24, 0, "Normal"),
    "Finanztext": (10, False, "left", 0, 3, "Normal"),
    "Frage": (11, False, "left", 6, 3, "Normal"),
    "Hinweis": (9, False, "left", 0, 3, "Normal"),
    "Rechts": (11, False, "right", 0, 0, "Normal"),
    "Mitte": (11, False, "center", 0, 0, "Normal"),
    "Betreff": (13, True, "left", 12, 12, "Normal"),
    "Nummer": (11, False, "right", 0, 0, "Normal"),
    "Eigenschaft": (10, False, "left", 0, 0, "Normal"),
    "Zwischentitel": (11, True, "left", 8, 4, "Normal"),
}
CHARACTER_STYLES = {
    # name: (size pt, bold)
    "Vorlagenart": (16, True),
}
TABLE_STYLES = ("Eigenschaften", "Beratungsfolge", "Anlagen", "Finanzen", "Table")


def _borders_xml(kind: str) -> str:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    if kind == "Eigenschaften":
        edges = ""
    else:
        edges = "".join(
            f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
            for e in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
    return (f'<w:tblPr {ns}><w:tblBorders>{edges}</w:tblBorders>'
            '<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr>')


def make_reference(target: Path) -> None:
    """Write the default reference document (needs python-docx)."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    src = Path(__file__).with_name("pandoc-default-reference.docx")
    doc = docx.Document(str(src))
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.4)
    styles = doc.styles
    for style in styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER) and style.font is not None:
            style.font.name = FONT
            rpr = style.element.get_or_add_rPr()
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None:
                for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                    fonts.attrib.pop(qn(attr), None)
                for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                    fonts.set(qn(attr), FONT)
    styles["Normal"].font.size = Pt(11)
    for level in range(1, 4):
        h = styles[f"Heading {level}"]
        h.font.size = Pt({1: 12, 2: 11, 3: 11}[level])
        h.font.bold = True
        h.font.color.rgb = None
        h.paragraph_format.space_before = Pt(12)
        h.paragraph_format.space_after = Pt(4)
    align = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
             "center": WD_ALIGN_PARAGRAPH.CENTER, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
    for name, (size, bold, al, before, after, base) in PARAGRAPH_STYLES.items():
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = bold
        style.paragraph_format.alignment = align[al]
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
    for name, (size, bold) in CHARACTER_STYLES.items():
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = bold
    style = styles["Beschlussvorschlag"]
    ppr = style.element.get_or_add_pPr()
    ppr.append(parse_xml('<w:pBdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                         '<w:left w:val="single" w:sz="18" w:space="8" w:color="595959"/></w:pBdr>'))
    ppr.append(parse_xml('<w:ind xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                         'w:left="227"/>'))
    existing = [s.name for s in styles]
    for name in TABLE_STYLES:
        style = styles[name] if name in existing else styles.add_style(name, WD_STYLE_TYPE.TABLE)
        old = style.element.find(qn("w:tblPr"))
        if old is not None:
            style.element.remove(old)
        style.element.append(parse_xml(_borders_xml(name)))
        if name != "Eigenschaften":  # ruled tables: bold header row on light grey
            for old_pr in style.element.findall(qn("w:tblStylePr")):
                style.element.remove(old_pr)
            style.element.append(parse_xml(
                '<w:tblStylePr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                'w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tcPr><w:shd w:val="clear" w:color="auto" '
                'w:fill="E4E4E4"/></w:tcPr></w:tblStylePr>'))
    # footer: Seite X von Y as Word fields
    footer = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.style = styles["Hinweis"]

    def field(par: Any, instr: str) -> None:
        run = par.add_run()
        run._r.append(parse_xml('<w:fldChar xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                                'w:fldCharType="begin"/>'))
        run = par.add_run()
        it = parse_xml('<w:instrText xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                       f'xml:space="preserve"> {instr} </w:instrText>')
        run._r.append(it)
        run = par.add_run()
        run._r.append(parse_xml('<w:fldChar xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                                'w:fldCharType="separate"/>'))
        par.add_run("1")
        run = par.add_run()
        run._r.append(parse_xml('<w:fldChar xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                                'w:fldCharType="end"/>'))

    footer.add_run("Seite ")
    field(footer, "PAGE")
    footer.add_run(" von ")
    field(footer, "NUMPAGES")
    doc.core_properties.author = "vorlagengen"
    doc.core_properties.title = ""
    doc.core_properties.language = "de-DE"
    doc.save(str(target))


_lock = threading.Lock()
_cache: dict[tuple[str, bool], Path] = {}
_SEITE = (b'<w:t xml:space="preserve">Seite </w:t>', b'<w:t xml:space="preserve"> von </w:t>')


def reference_for(layout: Layout, entwurf: bool, stempel: str = "ENTWURF") -> Path:
    """The layout's Word reference document; for a draft a copy whose header says ``stempel``."""
    base = layout.find("reference.docx")
    if not entwurf or not stempel:
        return base
    key = (f"{base}:{layout.fingerprint}:{stempel}", entwurf)
    with _lock:
        if key not in _cache:
            _cache[key] = _with_stamp(base, stempel)
        return _cache[key]


def _with_stamp(base: Path, stempel: str) -> Path:
    """A copy of the reference document whose header says ENTWURF on every page."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = docx.Document(str(base))
    for section in doc.sections:
        header = section.header
        header.is_linked_to_previous = False
        par = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = par.add_run(stempel)
        run.font.size = Pt(28)
        run.font.bold = True
        run.font.color.rgb = RGBColor(0xC8, 0x1E, 0x1E)
    folder = private_tempdir("ref")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    target = folder / "reference-entwurf.docx"
    buffer = io.BytesIO()
    doc.save(buffer)
    target.write_bytes(_fixed_times(buffer.getvalue()))
    return target


def _fixed_times(docx_bytes: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01: python-docx stamps the local time, and
    pandoc copies parts of a reference document (with their times) into each DOCX it writes."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


if __name__ == "__main__":
    make_reference(Path(sys.argv[1]))


_FOOTER_PART = re.compile(r"word/footer\d*\.xml")


def _t(text: str) -> bytes:
    return ('<w:t xml:space="preserve">' + html.escape(text, quote=False) + "</w:t>").encode()


def with_footer_text(data: bytes, text: str, seite: tuple[str, str, str] = ("Seite ", " von ", "")) -> bytes:
    """The DOCX with ``text`` and a separator put before the first line of each footer, as the PDF's
    footer names the Körperschaft and the Drucksache, and the words of the reference document's
    „Seite X von Y“ replaced by ``seite`` (before, between and after the two numbers).
    Entries keep their order, times and compression, so the bytes stay reproducible."""
    run = ('<w:r><w:t xml:space="preserve">' + html.escape(text, quote=False) + " · </w:t></w:r>").encode()
    if not text:
        run = b""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if _FOOTER_PART.fullmatch(info.filename):
                body = _prepend_run(body, run)
                body = body.replace(_SEITE[0], _t(seite[0]), 1).replace(_SEITE[1], _t(seite[1]), 1)
                if seite[2]:
                    body = body.replace(b"</w:p>", b"<w:r>" + _t(seite[2]) + b"</w:r></w:p>", 1)
            dst.writestr(info, body)
    return out.getvalue()


def _prepend_run(xml: bytes, run: bytes) -> bytes:
    start = re.search(rb"<w:p[ >]", xml)
    if start is None:
        return xml
    at = xml.index(b">", start.start()) + 1
    if xml[at:].startswith(b"<w:pPr"):
        at = xml.index(b"</w:pPr>", at) + len(b"</w:pPr>")
    return xml[:at] + run + xml[at:]
