"""Which policies are outdated (their years lie in the past) or superseded by a newer
version of the same policy (same insurer and care types, later years or version)."""

from __future__ import annotations

from datetime import date

from inkoopwijzer.types import DocumentMeta

__all__ = ["is_outdated", "mark_superseded", "reference_year", "validity_notice"]


def reference_year(today: str | None) -> int:
    return date.fromisoformat(today).year if today else date.today().year


def is_outdated(meta: DocumentMeta, year: int) -> bool:
    return bool(meta.superseded_by) or (bool(meta.years) and max(meta.years) < year)


def _version_key(m: DocumentMeta) -> tuple[int, str, tuple[int, ...]]:
    version = tuple(int(p) for p in (m.version or "0").split(".") if p.isdigit())
    return (max(m.years) if m.years else 0, m.published or "", version)


def mark_superseded(metas: list[DocumentMeta]) -> list[DocumentMeta]:
    """Set `superseded_by` on every document a newer one of the same policy replaces."""
    out = [m.model_copy(update={"superseded_by": None}) for m in metas]
    for m in out:
        if not m.insurer or not m.care_types:
            continue
        newer = [
            o
            for o in out
            if o is not m
            and o.insurer == m.insurer
            and set(o.care_types) == set(m.care_types)
            and (not m.years or not o.years or set(m.years) & set(o.years) or min(o.years) > max(m.years))
            and _version_key(o) > _version_key(m)
        ]
        if newer:
            m.superseded_by = max(newer, key=_version_key).document
    return out


def validity_notice(meta: DocumentMeta, year: int, lang: str = "nl") -> str | None:
    """A user-facing notice for an outdated or superseded policy, or None."""
    if not meta.years:
        years = ""
    elif len(meta.years) == 1:
        years = str(meta.years[0])
    else:
        years = f"{min(meta.years)}–{max(meta.years)}"
    if meta.superseded_by:
        if lang == "en":
            return f"'{meta.title}' has been superseded by a newer version ({meta.superseded_by})."
        return f"Let op: '{meta.title}' is vervangen door een nieuwere versie ({meta.superseded_by})."
    if meta.years and max(meta.years) < year:
        if lang == "en":
            return f"Note: '{meta.title}' ({meta.insurer}) covers {years} and is outdated; check the current policy."
        return f"Let op: '{meta.title}' ({meta.insurer}) geldt voor {years} en is verouderd; controleer het actuele beleid."
    return None
