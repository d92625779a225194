"""Reading list files' bytes safely: capped decompression of gzip and zip inputs, decoding with a warning.

Why: a list file comes from the internet or a mirror of it. The download cap
(``EXPORTCHECK_MAX_DOWNLOAD_BYTES``) bounds what is fetched, but a few kilobytes of gzip or zip can
decompress to gigabytes (a "zip bomb"); every decompression is therefore capped at the same size and
fails its source with a :class:`ParseError` instead of exhausting memory. A file that is not in the
encoding its format promises and is read with a fallback must say so in ``Parsed.warnings``: characters
may be wrong, and a user comparing names must know.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

from exportcheck.errors import ParseError

_CHUNK = 1 << 20


def size_cap() -> int:
    """The most bytes one input may decompress to: the download cap setting (one setting, one meaning)."""
    from exportcheck.settings import get_settings

    return get_settings().max_download_bytes


def _too_big(source_id: str, name: str, limit: int) -> ParseError:
    return ParseError(source_id, f"{name}: decompresses to more than {limit} bytes "
                                 "(EXPORTCHECK_MAX_DOWNLOAD_BYTES); refused (zip bomb?)")


class CappedReader(io.RawIOBase):
    """A read-only stream that fails its source once more than ``limit`` bytes were read from ``inner``."""

    def __init__(self, inner: IO[bytes], limit: int, source_id: str, name: str) -> None:
        super().__init__()
        self._inner, self._limit, self._source_id, self._name = inner, limit, source_id, name
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self._count += len(data)
        if self._count > self._limit:
            raise _too_big(self._source_id, self._name, self._limit)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _read_capped(handle: IO[bytes] | gzip.GzipFile, limit: int, source_id: str, name: str) -> bytes:
    parts: list[bytes] = []
    total = 0
    while chunk := handle.read(_CHUNK):
        total += len(chunk)
        if total > limit:
            raise _too_big(source_id, name, limit)
        parts.append(chunk)
    return b"".join(parts)


def gunzip(path: Path, source_id: str, limit: int | None = None) -> bytes:
    """The decompressed bytes of a gzip file, at most ``limit`` (default: the download cap)."""
    cap = size_cap() if limit is None else limit
    try:
        with gzip.open(path, "rb") as handle:
            return _read_capped(handle, cap, source_id, path.name)
    except (OSError, EOFError, zlib.error) as exc:
        raise ParseError(source_id, f"{path.name}: not a complete gzip file ({exc})") from exc


def read_input(path: Path, source_id: str) -> bytes:
    """A file's bytes, gunzipped (capped) when its name ends in ``.gz``."""
    return gunzip(path, source_id) if path.suffix.lower() == ".gz" else path.read_bytes()


def zip_member(path: Path, source_id: str, suffix: str) -> tuple[str, Callable[[], IO[bytes]]]:
    """The one member of a zip whose name ends in ``suffix``, and an opener for a capped stream of it.

    The size the archive declares is checked first (cheap), then the stream itself is capped, since a
    crafted archive can declare a small size and inflate to far more.
    """
    cap = size_cap()
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if i.filename.lower().endswith(suffix)]
            if len(members) != 1:
                names = [i.filename for i in members] or "none"
                raise ParseError(source_id, f"{path.name}: expected one {suffix} file in the zip, found {names}")
            info = members[0]
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ParseError(source_id, f"{path.name}: not a complete zip file ({exc})") from exc
    label = f"{path.name}:{info.filename}"
    if info.file_size > cap:
        raise _too_big(source_id, label, cap)

    def open_member() -> IO[bytes]:
        try:
            archive = zipfile.ZipFile(path)
            inner = archive.open(info)
        except (zipfile.BadZipFile, EOFError) as exc:
            raise ParseError(source_id, f"{path.name}: not a complete zip file ({exc})") from exc
        return io.BufferedReader(CappedReader(inner, cap, source_id, label))

    return label, open_member


def decode(raw: bytes, name: str, warnings: list[str], fallback: str = "cp1252") -> str:
    """UTF-8 text (a BOM dropped); else ``fallback`` with a warning, since characters may then be wrong."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        warnings.append(f"{name}: not valid UTF-8 (byte {exc.start}), read as {fallback}; check names for "
                        "wrong characters")
        return raw.decode(fallback, errors="replace")
