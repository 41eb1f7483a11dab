"""OParl import: bring a council's history from its Ratsinformationssystem into the project.

Stages, one direction: ``source`` (an endpoint over HTTP via ``fetch`` into the raw ``cache``, or a
dump folder / tar.gz) → ``quirks`` (tolerate what real servers send) → ``mapping`` (objects →
records, in dependency order) → ``write`` (only what changed) → ``report``. ``ids`` holds the
object-id and URL helpers, shared with anything else that speaks OParl.
"""
