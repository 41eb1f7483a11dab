-- Pandoc filter shared by every layout. It turns the small vocabulary that layout templates use
-- into each output format:
--
--   ::: {.vg-NAME key="value" style="Word-Stil"}   a part of the layout
--       typst: a call of the function vg-NAME(key: "value")[...] defined in the layout's .typ
--       docx:  paragraphs in the Word style given by style= (a Kommune restyles it in Word)
--   ::: {.vg-props style="Eigenschaften"}           wraps a definition list of label/value pairs
--       typst: vg-props(([label], [value]), ...)    docx: a two-column table without header
--   ::: {.vg-table widths="20,50,30" style="Beratungsfolge"}   wraps a pipe table
--       sets relative column widths (both formats) and the Word table style
--   ::: {.vg-text ebene="2"}                        wraps Markdown typed by an author:
--       its headings move below the layout's own headings (to level 2, 3 … without gaps)
--
-- Quotes come out German („…“, ‚…‘) in every format; pandoc itself would write English ones into
-- DOCX.
--
-- Schwärzung: [Text]{.geschwaerzt} is the only attribute an author's text may use. In a public
-- document (metadata vg-oeffentlich=ja) it becomes a fixed black bar with the word „geschwärzt“,
-- whatever the span holds (the public projection has already replaced the text); in an internal
-- one the text on grey. Every other span, class or attribute an author writes is dropped: the text
-- stays, the attribute does nothing. Spans with a vg- class belong to the templates.

local is_typst = FORMAT:match("typst") ~= nil
local is_docx = FORMAT:match("docx") ~= nil

local function typst_string(s)
  return '"' .. s:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

local function raw(s)
  return pandoc.RawBlock("typst", s)
end

local function args_of(attr)
  local parts = {}
  local keys = {}
  for k, _ in pairs(attr.attributes) do
    if k ~= "style" and k ~= "widths" then
      table.insert(keys, k)
    end
  end
  table.sort(keys)
  for _, k in ipairs(keys) do
    table.insert(parts, k .. ": " .. typst_string(attr.attributes[k]))
  end
  return table.concat(parts, ", ")
end

local function vg_class(attr)
  for _, c in ipairs(attr.classes) do
    if c:sub(1, 3) == "vg-" then
      return c
    end
  end
  return nil
end

local function set_widths(tbl, widths)
  local ws = {}
  local total = 0
  for w in widths:gmatch("[%d.]+") do
    table.insert(ws, tonumber(w))
    total = total + tonumber(w)
  end
  for i, spec in ipairs(tbl.colspecs) do
    if ws[i] then
      tbl.colspecs[i] = { spec[1], ws[i] / total }
    end
  end
  return tbl
end

local function props_docx(div, dl)
  local rows = {}
  for _, item in ipairs(dl.content) do
    local term, defs = item[1], item[2]
    local value = {}
    for _, def in ipairs(defs) do
      for _, b in ipairs(def) do
        table.insert(value, b)
      end
    end
    table.insert(rows, { { pandoc.Plain(term) }, value })
  end
  local simple = pandoc.SimpleTable({}, { pandoc.AlignLeft, pandoc.AlignLeft }, { 0.28, 0.72 }, {}, rows)
  local tbl = pandoc.utils.from_simple_table(simple)
  if div.attributes.style then
    tbl.attr.attributes["custom-style"] = div.attributes.style
  end
  return tbl
end

local function props_typst(div, dl)
  local out = { raw("#" .. vg_class(div.attr) .. "(" .. args_of(div.attr) .. (args_of(div.attr) ~= "" and ", " or "")) }
  for _, item in ipairs(dl.content) do
    local term, defs = item[1], item[2]
    table.insert(out, raw("(" .. typst_string(pandoc.utils.stringify(term)) .. ", ["))
    for _, def in ipairs(defs) do
      for _, b in ipairs(def) do
        table.insert(out, b)
      end
    end
    table.insert(out, raw("]),"))
  end
  table.insert(out, raw(")"))
  return out
end

-- An author's headings go below the layout's own (level 1): the levels used in the text are
-- renumbered 2, 3, 4 … in order, so that no level is skipped (PDF/UA demands that).
local function shift_headings(blocks, first)
  local used = {}
  pandoc.walk_block(pandoc.Div(blocks), {
    Header = function(h)
      used[h.level] = true
    end,
  })
  local levels = {}
  for level, _ in pairs(used) do
    table.insert(levels, level)
  end
  table.sort(levels)
  local map = {}
  for i, level in ipairs(levels) do
    map[level] = math.min(first + i - 1, 6)
  end
  return pandoc.walk_block(pandoc.Div(blocks), {
    Header = function(h)
      h.level = map[h.level]
      return h
    end,
  }).content
end

function Div(div)
  local cls = vg_class(div.attr)
  if cls == nil then
    return nil
  end
  if cls == "vg-text" then
    local content = shift_headings(div.content, tonumber(div.attributes.ebene or "2"))
    if is_docx and div.attributes.style then
      return pandoc.Div(content, pandoc.Attr("", {}, { ["custom-style"] = div.attributes.style }))
    end
    return content
  end
  if cls == "vg-props" then
    local dl = div.content[1]
    if dl and dl.t == "DefinitionList" then
      if is_typst then
        return props_typst(div, dl)
      else
        return props_docx(div, dl)
      end
    end
  end
  if cls == "vg-table" then
    local blocks = {}
    for _, b in ipairs(div.content) do
      if b.t == "Table" then
        if div.attributes.widths then
          b = set_widths(b, div.attributes.widths)
        end
        if div.attributes.style then
          b.attr.attributes["custom-style"] = div.attributes.style
        end
      end
      table.insert(blocks, b)
    end
    if is_typst then
      local a = args_of(div.attr)
      table.insert(blocks, 1, raw("#vg-table(" .. a .. ")["))
      table.insert(blocks, raw("]"))
    end
    return blocks
  end
  if cls == "vg-beschluss" then  -- an author's text too: its headings go below the layout's own
    div.content = shift_headings(div.content, 2)
  end
  if is_typst then
    local content = div.content
    table.insert(content, 1, raw("#" .. cls .. "(" .. args_of(div.attr) .. ")["))
    table.insert(content, raw("]"))
    return content
  end
  if is_docx and div.attributes.style then
    return pandoc.Div(div.content, pandoc.Attr("", {}, { ["custom-style"] = div.attributes.style }))
  end
  return div.content
end

-- Tables: cells align left unless the template says otherwise (pandoc's typst writer would
-- centre them inside its figure).
-- In Word, a table without widths gets equal columns (a "Nr." column as wide as "Betreff"): an
-- author's table gets widths after the length of its longest cell per column instead (typst sizes
-- such columns by their content anyway). A layout's vg-table sets its own widths afterwards.
local function has_widths(tbl)
  for _, spec in ipairs(tbl.colspecs) do
    if type(spec[2]) == "number" and spec[2] > 0 then
      return true
    end
  end
  return false
end

local function content_widths(tbl)
  local longest = {}
  local function measure(rows)
    for _, row in ipairs(rows) do
      for i, cell in ipairs(row.cells) do
        local n = utf8.len(pandoc.utils.stringify(cell.contents)) or 0
        longest[i] = math.max(longest[i] or 0, math.min(math.max(n, 4), 40))
      end
    end
  end
  measure(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    measure(body.body)
  end
  local total = 0
  for i = 1, #tbl.colspecs do
    total = total + (longest[i] or 4)
  end
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = { spec[1], (longest[i] or 4) / total }
  end
end

-- pandoc's typst writer does not escape a number with a full stop at the start of a table cell
-- („33. öffentliche Sitzung …“): typst would read it as a numbered list. Escape it by hand.
local function escape_enum_start(cell)
  local first = cell.contents[1]
  if first and (first.t == "Plain" or first.t == "Para") then
    local word = first.content[1]
    if word and word.t == "Str" and word.text:match("^%d+%.$") then
      first.content[1] = pandoc.RawInline("typst", word.text:sub(1, -2) .. "\\.")
    end
  end
end

local function escape_cells(tbl)
  for _, row in ipairs(tbl.head.rows) do
    for _, cell in ipairs(row.cells) do escape_enum_start(cell) end
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      for _, cell in ipairs(row.cells) do escape_enum_start(cell) end
    end
  end
end

-- A table without header row („|   |   |“ over the first line): DOCX shows its rows plainly, but
-- typst would set the first row bold as a header (the layouts style row 0). Typst gets it inside
-- vg-kopflos, so both formats show the same rows the same way; an empty header row is dropped.
local function headless(tbl)
  for _, row in ipairs(tbl.head.rows) do
    for _, cell in ipairs(row.cells) do
      if pandoc.utils.stringify(cell.contents):match("%S") then
        return false
      end
    end
  end
  return true
end

function Table(tbl)
  if is_typst then
    escape_cells(tbl)
  end
  for i, spec in ipairs(tbl.colspecs) do
    if spec[1] == pandoc.AlignDefault then
      tbl.colspecs[i] = { pandoc.AlignLeft, spec[2] }
    end
  end
  if is_docx and not has_widths(tbl) then
    content_widths(tbl)
  end
  if headless(tbl) then
    tbl.head.rows = {}
    if is_typst then
      return { raw("#vg-kopflos["), tbl, raw("]") }
    end
  end
  return tbl
end

function Quoted(q)
  local open, close = "„", "“"
  if q.quotetype == "SingleQuote" then
    open, close = "‚", "‘"
  end
  local out = { pandoc.Str(open) }
  for _, i in ipairs(q.content) do
    table.insert(out, i)
  end
  table.insert(out, pandoc.Str(close))
  return out
end

-- pandoc's typst writer writes ’ as a straight ' (for typst's smart quotes, which the layouts
-- switch off: quotes are set before pandoc). Keep the character the text holds.
local APOSTROPH = "\u{2019}"

-- typst turns a hyphen before a digit into a minus sign („-12-“ → „−12-“, „(-3)“ → „(−3)“); the
-- DOCX keeps the hyphen. Escaped („\-“) typst keeps it too: the character the author typed.
local function typst_str(s)
  if not is_typst or (not s.text:find(APOSTROPH, 1, true) and not s.text:find("%-%d")) then
    return nil
  end
  local out = {}
  local pos, from = 1, 1
  local function flush(upto)
    if upto >= from then
      table.insert(out, pandoc.Str(s.text:sub(from, upto)))
    end
  end
  while pos <= #s.text do
    if s.text:sub(pos, pos + #APOSTROPH - 1) == APOSTROPH then
      flush(pos - 1)
      table.insert(out, pandoc.RawInline("typst", APOSTROPH))
      pos = pos + #APOSTROPH
      from = pos
    elseif s.text:sub(pos, pos) == "-" and s.text:sub(pos + 1, pos + 1):match("%d") then
      flush(pos - 1)
      table.insert(out, pandoc.RawInline("typst", "\\-"))
      pos = pos + 1
      from = pos
    else
      pos = pos + 1
    end
  end
  flush(#s.text)
  return out
end

local oeffentlich = false

local function meta(m)
  oeffentlich = m["vg-oeffentlich"] ~= nil and pandoc.utils.stringify(m["vg-oeffentlich"]) == "ja"
end

local function xml_text(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

local function docx_run(text, fill, color)
  return pandoc.RawInline("openxml", '<w:r><w:rPr><w:shd w:val="clear" w:color="auto" w:fill="' .. fill .. '"/>'
    .. (color and ('<w:color w:val="' .. color .. '"/>') or "")
    .. '</w:rPr><w:t xml:space="preserve">' .. xml_text(text) .. "</w:t></w:r>")
end

local function geschwaerzt(span)
  if oeffentlich then
    if is_typst then
      return pandoc.RawInline("typst", "#vg-geschwaerzt();")
    elseif is_docx then
      return docx_run(" geschwärzt ", "000000", "FFFFFF")
    end
    return pandoc.Str("[geschwärzt]")
  end
  if is_typst then
    local out = { pandoc.RawInline("typst", "#vg-markiert[") }
    for _, i in ipairs(span.content) do
      table.insert(out, i)
    end
    table.insert(out, pandoc.RawInline("typst", "];"))
    return out
  elseif is_docx then
    return docx_run(pandoc.utils.stringify(span.content), "D0D0D0", nil)
  end
  return span.content
end

function Span(span)
  for _, c in ipairs(span.classes) do
    if c == "geschwaerzt" then
      return geschwaerzt(span)
    elseif c == "vg-umbruch" then
      return pandoc.LineBreak()  -- a line break inside a table cell (markdown.py: zelle)
    end
  end
  if vg_class(span.attr) ~= nil and span.attributes.style and is_docx then
    return pandoc.Span(span.content, pandoc.Attr("", {}, { ["custom-style"] = span.attributes.style }))
  end
  return span.content
end

local function inert(el)
  el.attr = pandoc.Attr(el.identifier or "", {}, {})
  return el
end

local function content_only(el)
  return el.content
end

-- Pictures in an author's text are not fetched: pandoc or typst would otherwise read any file
-- the path names. Anlagen are the place for images.
function Image(img)
  local alt = pandoc.utils.stringify(img.caption)
  return pandoc.Emph({ pandoc.Str("[Bild: " .. (alt ~= "" and alt or img.src) .. "]") })
end

-- A heading without text ("#" alone) is no heading: PDF/UA forbids empty ones.
function Header(h)
  if pandoc.utils.stringify(h.content):match("^%s*$") then
    return {}
  end
  return inert(h)
end

-- An identifier an author gives ("# Titel {#ziel}") names one place: a second one of the same name
-- is dropped (pandoc keeps both and warns), and a link to a place ("[siehe](#ziel)") that does not
-- exist becomes its text (typst would stop: no such label).
local function anchors(doc)
  local seen = {}
  local function once(el)
    if el.identifier and el.identifier ~= "" then
      if seen[el.identifier] then
        el.identifier = ""
      else
        seen[el.identifier] = true
      end
      return el
    end
  end
  -- every element that has an identifier, in document order; naming them, not Block and Inline,
  -- spares pandoc handing each word to Lua (that was a fifth of pandoc's time per document)
  local unique = { CodeBlock = once, Div = once, Figure = once, Header = once, Table = once,
                   Code = once, Image = once, Link = once, Span = once, traverse = "topdown" }
  doc = doc:walk(unique)
  return doc:walk({
    Link = function(link)
      local target = link.target:match("^#(.*)$")
      if target ~= nil and not seen[target] then
        return link.content
      end
    end,
  })
end

-- The first filter is the same for every format: a caller that writes several formats from one
-- document may apply it once, before the others (worker.lua); "gemeinsam" says how many are so.
-- Str only for typst: a filter function for Str has pandoc hand every word to Lua.
return {
  { Pandoc = anchors },
  { Meta = meta },
  { Image = Image, Span = Span, Link = inert, Header = Header, Code = inert, CodeBlock = inert,
    Underline = content_only, SmallCaps = content_only },
  { Quoted = Quoted, Table = Table, Str = is_typst and typst_str or nil },
  { Div = Div },
  gemeinsam = 1,
}
