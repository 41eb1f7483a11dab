-- A long-lived pandoc: ``pandoc lua worker.lua FILTER`` reads requests on stdin and answers on
-- stdout, so a build starts pandoc once per worker instead of twice per Drucksache.
--
-- Request:  one line of JSON {"size": n, "reader": "markdown-…", "formats": ["typst", "docx"],
--           "epoch": "1234567890", "reference_doc": "/path/or/empty", "oeffentlich": "ja"|"nein"},
--           then n bytes of Markdown.
-- Answer:   per format as soon as it is written, in the order of "formats": one line of JSON
--           {"format": "typst", "size": n, "warnings": [..]} (the warnings of its writer), then n
--           bytes; so the caller can set the typst output while pandoc writes the next format.
--           Last, one line {"ok": true, "warnings": [..]} (the reader's warnings), or
--           {"ok": false, "error": "…"} when reading or a writer failed (formats sent before stand).
--
-- The Markdown is parsed once and run through the filters of vorlage.lua that are the same for
-- every format; each format then gets its own copy of that AST, run through the others with FORMAT
-- set as pandoc's command line would set it (walk makes copies).
--
-- ``pandoc lua worker.lua FILTER PANDOC warm``: first a small document in both formats, thrown
-- away, before the first request (a pandoc started ahead loads its reader, filter and writers
-- while the caller still prepares its first document). Like any document before, it leaves
-- nothing that changes the next one's output.

local filter_path = arg[1]

-- The command line reads its abbreviations ("Mr.", "z. B." …: a no-break space follows them)
-- from this data file; pandoc.read would otherwise use a shorter built-in list.
local abbreviations = {}
for line in pandoc.pipe(arg[2], { "--print-default-data-file", "abbreviations" }, ""):gmatch("[^\n]+") do
  abbreviations[line] = true
end

local function warnings_since(first)
  local out = {}
  for i = first, #PANDOC_STATE.log do
    local m = pandoc.json.decode(pandoc.json.encode(PANDOC_STATE.log[i]))
    if m.verbosity == "WARNING" or m.verbosity == "ERROR" then
      table.insert(out, m.pretty)
    end
  end
  return out
end

-- The filter is loaded once per format (it reads FORMAT when loaded) and applied as pandoc's
-- command line applies a filter file: each table of its list in turn, over the whole document.
local filters = {}
local function filters_for(fmt)
  if filters[fmt] == nil then
    local env = setmetatable({ FORMAT = fmt }, { __index = _G })
    filters[fmt] = assert(loadfile(filter_path, "t", env))()
  end
  return filters[fmt]
end

-- The filters that are the same for every format ("gemeinsam" of the filter's list), applied once
-- to the document every format is written from.
local function shared(doc, fmt)
  local list = filters_for(fmt)
  for i = 1, list.gemeinsam or 0 do
    doc = doc:walk(list[i])
  end
  return doc
end

local function convert(doc, fmt, req)
  local filtered = doc
  local list = filters_for(fmt)
  for i = (list.gemeinsam or 0) + 1, #list do
    filtered = filtered:walk(list[i])
  end
  local opts = { wrap_text = "none" }
  if fmt == "docx" and req.reference_doc ~= "" then
    opts.reference_doc = req.reference_doc
  end
  local out = pandoc.write(filtered, fmt, opts)
  if fmt ~= "docx" and out:sub(-1) ~= "\n" then
    out = out .. "\n" -- as the command line ends text output
  end
  return out
end

local function send(header, body)
  io.stdout:write(pandoc.json.encode(header), "\n")
  if body ~= nil then
    io.stdout:write(body)
  end
  io.stdout:flush()
end

local function answer(req, markdown, deliver)
  local first = #PANDOC_STATE.log + 1
  local read_warnings
  pandoc.system.with_environment({ SOURCE_DATE_EPOCH = req.epoch }, function()
    local doc = pandoc.read(markdown, req.reader, { abbreviations = abbreviations })
    doc.meta["vg-oeffentlich"] = pandoc.MetaString(req.oeffentlich or "nein") -- as -M would set it
    if #req.formats > 0 then
      doc = shared(doc, req.formats[1])
    end
    read_warnings = warnings_since(first)
    for _, fmt in ipairs(req.formats) do
      local before = #PANDOC_STATE.log + 1
      local out = convert(doc, fmt, req)
      deliver({ format = fmt, size = #out, warnings = warnings_since(before) }, out)
    end
  end)
  return read_warnings
end

if arg[3] == "warm" then
  pcall(answer, { reader = "markdown", formats = { "typst", "docx" }, epoch = "0", reference_doc = "" },
    "# Titel\n\nText mit *Betonung*, z. B. [Verweis](https://example.org).\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n"
    .. "- Punkt[^1]\n\n[^1]: Fußnote\n", function() end) -- a failure here is met again by a request
end

while true do
  local line = io.stdin:read("l")
  if line == nil then
    break
  end
  local req = pandoc.json.decode(line)
  local markdown = req.size > 0 and io.stdin:read(req.size) or ""
  local ok, result = pcall(answer, req, markdown, send)
  if ok then
    send({ ok = true, warnings = result })
  else
    send({ ok = false, error = tostring(result) })
  end
end
