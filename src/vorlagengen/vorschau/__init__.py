"""``vorlagengen vorschau``: a live preview of Drucksachen, Sitzungen and Niederschriften in the browser.

- ``targets``: which files are previewed (a file or a folder), and which file names are editors'
  temporary files that never count as a change;
- ``documents``: the glue to the build: each face (internal, public) made by the build's own recipe
  and the public projection, into PDF bytes held in memory;
- ``pages``: the pages of such a PDF as PNG images and text (PDFium);
- ``session``: the warm state: the loaded project, each target's last good rendering, its current
  errors, and what to render again after a change;
- ``watcher``: file changes (watchfiles), temporary files filtered out;
- ``server``: the local web server (Starlette, uvicorn) with the page, the images and the
  Server-Sent Events that tell an open page to reload.
"""
