"""An upload waiting for confirmation, kept in the shared cache (the database cache all app servers use).

Never a temporary file on one server: the confirmation may reach another server behind the load balancer. Each
pending upload expires after IMPORT_PENDING_SECONDS (default one hour); an index of pending keys with their expiry
lets every new upload delete the expired ones, so abandoned files do not stay in the cache table until the cache
happens to cull them. The admin's import (django-import-export) keeps its files the same way
(`PendingCacheStorage`).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from import_export.tmp_storages import CacheStorage

PREFIX = "imports:pending:"
INDEX = "imports:pending-index"


def lifetime() -> int:
    return settings.IMPORT_PENDING_SECONDS


@dataclass
class Pending:
    token: str
    user_id: int
    file_name: str
    data: bytes
    sheet: str
    preview: dict
    created: float


def save(*, user, file_name: str, data: bytes, sheet: str, preview: dict) -> str:
    purge_expired()
    token = secrets.token_urlsafe(18)
    pending = Pending(token, user.pk, file_name, data, sheet or "", preview, time.time())
    cache.set(PREFIX + token, pending.__dict__, lifetime())
    _remember(PREFIX + token)
    return token


def load(token: str, user) -> Pending | None:
    """The user's own pending upload; None when it expired, was confirmed, or belongs to someone else."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    stored = cache.get(PREFIX + token)
    if not stored or stored.get("user_id") != user.pk:
        return None
    return Pending(**stored)


def update_preview(pending: Pending, preview: dict) -> None:
    pending.preview = preview
    cache.set(PREFIX + pending.token, pending.__dict__, lifetime())


def discard(token: str) -> None:
    cache.delete(PREFIX + token)
    _forget(PREFIX + token)


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
