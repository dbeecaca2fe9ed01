"""An upload waiting for confirmation, kept in the shared cache (the database cache all app servers use).

Never a temporary file on one server: the confirmation may reach another server behind the load balancer. Each
pending upload belongs to one importer (`kind`: the 実施計画 workbooks, the consultation counts) and one user, and
expires after IMPORT_PENDING_SECONDS (default one hour); an index of pending keys with their expiry lets every new
upload delete the expired ones, so abandoned files do not stay in the cache table until the cache happens to cull
them. The admin's import (django-import-export) keeps its files the same way (`PendingCacheStorage`).
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from import_export.tmp_storages import CacheStorage

PREFIX = "imports:pending:"
INDEX = "imports:pending-index"
# secrets.token_urlsafe(18) gives 24 characters of A–Z a–z 0–9 - _; anything else is not a token (and a long or
# odd one would make a cache key the database cache warns about).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def lifetime() -> int:
    return settings.IMPORT_PENDING_SECONDS


@dataclass
class Pending:
    token: str
    kind: str
    user_id: int
    file_name: str
    data: bytes
    sheet: str
    preview: dict
    created: float

    @property
    def expires(self) -> float:
        return self.created + lifetime()


def _key(kind: str, token: str) -> str:
    return f"{PREFIX}{kind}:{token}"


def save(*, kind: str, user, file_name: str, data: bytes, preview: dict, sheet: str = "") -> str:
    """Keep an upload for its user until confirmed, cancelled or expired; returns its token."""
    purge_expired()
    token = secrets.token_urlsafe(18)
    pending = Pending(token, kind, user.pk, file_name, data, sheet or "", preview, time.time())
    cache.set(_key(kind, token), asdict(pending), lifetime())
    _remember(_key(kind, token))
    return token


def load(kind: str, token: str, user) -> Pending | None:
    """The user's own pending upload of this kind; None when it expired, was confirmed, or is someone else's."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    stored = cache.get(_key(kind, token))
    if not stored or stored.get("user_id") != user.pk:
        return None
    return Pending(**stored)


def update_preview(pending: Pending, preview: dict) -> None:
    pending.preview = preview
    cache.set(_key(pending.kind, pending.token), asdict(pending), lifetime())


def discard(pending: Pending) -> None:
    cache.delete(_key(pending.kind, pending.token))
    _forget(_key(pending.kind, pending.token))


def purge_expired(now: float | None = None) -> int:
    """Delete every pending upload past its lifetime; returns how many."""
    now = time.time() if now is None else now
    index: dict[str, float] = cache.get(INDEX) or {}
    expired = [key for key, expires in index.items() if expires <= now]
    if not expired:
        return 0
    cache.delete_many(expired)
    for key in expired:
        index.pop(key, None)
    cache.set(INDEX, index, None)
    return len(expired)


def _remember(key: str) -> None:
    index: dict[str, float] = cache.get(INDEX) or {}
    index[key] = time.time() + lifetime()
    cache.set(INDEX, index, None)


def _forget(key: str) -> None:
    index: dict[str, float] = cache.get(INDEX) or {}
    if index.pop(key, None) is not None:
        cache.set(INDEX, index, None)


class PendingCacheStorage(CacheStorage):
    """django-import-export's temporary storage for the admin's import: the shared cache, expiring and indexed."""

    CACHE_PREFIX = PREFIX + "admin:"

    @property
    def CACHE_LIFETIME(self) -> int:
        return lifetime()

    def save(self, data):
        purge_expired()
        super().save(data)
        _remember(self.CACHE_PREFIX + self.name)

    def remove(self):
        super().remove()
        _forget(self.CACHE_PREFIX + self.name)
