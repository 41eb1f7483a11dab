"""Checks beyond types, one module per subject: a record (``record``), the reference data
(``refdata``), records against each other (``across``), Sitzungen (``sitzung``).

Checks only read what loading produced; they never load, link or render anything.
"""

from vorlagengen.checks.across import check_across, fragen_of
from vorlagengen.checks.common import is_placeholder, lift_typed_placeholders, scheme_of
from vorlagengen.checks.record import anlage_problem, check_record, past_without_result, record_warnings
from vorlagengen.checks.refdata import check_refdata
from vorlagengen.checks.sitzung import (
    check_beratungsfolge_against_sitzungen,
    check_public_part,
    check_schwaerzen_in_sitzung,
    check_sitzung,
)

__all__ = ["anlage_problem", "check_across", "check_beratungsfolge_against_sitzungen", "check_public_part",
           "check_record", "check_refdata", "check_schwaerzen_in_sitzung", "check_sitzung", "fragen_of",
           "is_placeholder", "lift_typed_placeholders", "past_without_result", "record_warnings", "scheme_of"]
