"""How two descriptions of the same entity or link are combined.

The rules are the heart of incremental imports, so they live in one place:
lists are unioned in order (aliases, sources, records), first/last seen and
since widen, a name that differs becomes an alias, and a scalar is overwritten
only by the dataset that owns the record (a newer version of the same file);
values that another dataset stated are filled in, never replaced. A link's
status follows :func:`merged_status`: a denial is never lost or lifted, and a
status is never made stronger than a statement says.
"""

from __future__ import annotations

from typing import Any

from dualtrace.graph.names import plain_name

# Record ids and sources kept per entity or link. A vendor named in a million rows
# keeps the first 50 of each (the dataset's own Source always among them); the
# import log keeps the counts.
MAX_RECORDS = 50
LIST_PROPS = ("aliases", "roles", "sources", "records")


def _union(old: list[str], new: list[str], limit: int | None = None) -> list[str]:
    if not new or new == old:
        return old
    seen = set(old)
    result = list(old)
    for item in new:
        if item not in seen and (limit is None or len(result) < limit):
            seen.add(item)
            result.append(item)
    return result


def _min(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)


# (held, stated) -> the status taken when another dataset states it, and when the
# owner does; None keeps the status held and reports the conflict.
_STATUS_RULES: dict[tuple[str, str], tuple[str | None, str | None]] = {
    ("reported", "confirmed"): ("confirmed", "confirmed"),
    ("reported", "denied"): ("denied", "denied"),
    ("confirmed", "reported"): ("confirmed", "reported"),
    ("confirmed", "denied"): (None, "denied"),
    ("denied", "reported"): ("denied", None),
    ("denied", "confirmed"): (None, None),
}
_HELD = {
    "denied": "a party denied it",
    "confirmed": "an official record or the party's admission",
    "reported": "as reported",
}


def merged_status(held: str | None, stated: str, *, owned: bool) -> tuple[str, str | None]:
    """The status of a link that holds ``held`` when a statement says ``stated``, and
    why the statement's status was not taken (None when it was, or agrees).

    Why these rules: one link carries one status for all its sources, so a second
    statement agrees, strengthens, or conflicts. ``denied`` means reported and
    denied by a party, so a denial of a reported link makes it ``denied``, from any
    dataset (keeping ``reported`` would cite the denying source as support). A
    denial is never lifted by a later statement, not even by the dataset that
    made the link, which cannot tell whose denial it was. Only the owner
    (``owned``: the newest version of the dataset that made the link) may weaken
    ``confirmed`` to ``reported`` or turn it into a denial; other datasets only
    strengthen ``reported`` to ``confirmed``. A conflict keeps the status held
    and is reported, for a reviewer to decide."""
    if held is None or held == stated:
        return stated, None
    taken = _STATUS_RULES.get((held, stated), (held, stated))[1 if owned else 0]
    if taken is None:
        return held, f"the link stays {held!r} ({_HELD.get(held, 'as held')}); this statement says {stated!r}"
    return taken, None


def merge_props(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    owned: bool,
    has_aliases: bool = False,
    conflicts: list[str] | None = None,
) -> dict[str, Any]:
    """``old`` updated with ``new``; returns ``old`` itself when nothing changes.
    ``conflicts`` receives why a stated status was not taken (:func:`merged_status`)."""
    result: dict[str, Any] | None = None

    def put(key: str, value: Any) -> None:
        nonlocal result
        if result is None:
            result = dict(old)
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value

    for key, value in new.items():
        current = old.get(key)
        if value == current:
            continue
        if key in LIST_PROPS:
            current = (result or old).get(key)  # a differing name may already have added an alias
            merged = _union(current or [], value, MAX_RECORDS if key in ("records", "sources") else None)
            if merged != current:
                put(key, merged)
        elif key in ("first_seen", "since"):
            if key == "since" and owned:
                put(key, value)
            elif _min(current, value) != current:
                put(key, _min(current, value))
        elif key == "last_seen":
            if _max(current, value) != current:
                put(key, value)
        elif key == "status":
            status, conflict = merged_status(current, value, owned=owned)
            if status != current:
                put(key, status)
            if conflict and conflicts is not None:
                conflicts.append(conflict)
        elif key == "name" and current is not None:
            if owned and plain_name(str(current)) != plain_name(str(value)):
                put(key, value)
                if has_aliases:
                    put("aliases", _union((result or old).get("aliases") or [], [str(current)]))
            elif has_aliases and plain_name(str(current)) != plain_name(str(value)):
                put("aliases", _union((result or old).get("aliases") or [], [str(value)]))
        elif current is None or owned:
            put(key, value)
    if owned and "until" in old and "until" not in new and "first_seen" in new:
        put("until", None)  # the owner's newer file holds the link again and no longer says it ended
    if has_aliases and result is not None and result.get("aliases"):
        name = plain_name(str(result.get("name", "")))
        aliases = [a for a in result["aliases"] if plain_name(a) != name]
        put("aliases", aliases or None)
    return old if result is None else result
