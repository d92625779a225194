"""Where refresh gets files when it does not go to the publishers: a local folder or a mirror server.

A mirror is laid out like ``shared/data/raw``: one folder per source (or per the folder names a
source declares in ``mirror_dirs``), holding files named with the date they hold. A mirror server is
any static file server over such a folder that answers a folder URL with a listing of links (Python's
``http.server``, nginx ``autoindex``), so the same folder can be served to air-gapped machines.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, unquote, urljoin, urlsplit

from exportcheck.errors import ConfigError
from exportcheck.http import download, get_text, is_html_name, make_client
from exportcheck.settings import Settings

_HREF = re.compile(r"""href\s*=\s*["']([^"'?#]+)["']""", re.IGNORECASE)


class Mirror(Protocol):
    """A place holding source folders of files."""

    location: str

    def list(self, folder: str, source_id: str) -> list[str]:
        """File names in one source folder (empty when the folder does not exist)."""
        ...

    def get(self, folder: str, name: str, workdir: Path, source_id: str) -> Path:
        """A local path to the file, downloading it into ``workdir`` where needed."""
        ...

    def url(self, folder: str, name: str) -> str:
        """Where the file came from, for the snapshot's manifest."""
        ...

    def close(self) -> None:
        """Release connections (nothing to do for a folder)."""
        ...


class LocalMirror:
    """A folder on disk laid out like ``shared/data/raw``."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise ConfigError(f"mirror folder {root} does not exist")
        self.root = root
        self.location = str(root)

    def list(self, folder: str, source_id: str) -> list[str]:
        path = self.root / folder
        if not path.is_dir():
            return []
        return sorted(p.name for p in path.iterdir() if p.is_file() and not p.name.startswith("."))

    def get(self, folder: str, name: str, workdir: Path, source_id: str) -> Path:
        return self.root / folder / name

    def url(self, folder: str, name: str) -> str:
        return (self.root / folder / name).resolve().as_uri()

    def close(self) -> None:
        pass


class HttpMirror:
    """A mirror server: folder listings as HTML links, files fetched with the one HTTP client."""

    def __init__(self, base_url: str, settings: Settings) -> None:
        self.base = base_url.rstrip("/") + "/"
        self.location = self.base
        self.settings = settings
        self._client = make_client(settings)

    def list(self, folder: str, source_id: str) -> list[str]:
        url = urljoin(self.base, quote(folder) + "/")
        listing = get_text(url, settings=self.settings, source_id=source_id, client=self._client)
        if listing is None:  # 404: the mirror holds nothing for this source
            return []
        names = {unquote(h.rstrip("/").rsplit("/", 1)[-1]) for h in _HREF.findall(listing) if not h.endswith("/")}
        return sorted(n for n in names if n and not n.startswith("."))

    def get(self, folder: str, name: str, workdir: Path, source_id: str) -> Path:
        dest = workdir / name
        download(self.url(folder, name), dest, settings=self.settings, source_id=source_id, client=self._client,
                 expect_html=is_html_name(name))
        return dest

    def url(self, folder: str, name: str) -> str:
        return urljoin(self.base, f"{quote(folder)}/{quote(name)}")

    def close(self) -> None:
        self._client.close()


def open_mirror(location: str, settings: Settings) -> Mirror:
    """A mirror for a folder path or an ``http(s)://`` URL."""
    if location.startswith(("http://", "https://")):
        if not urlsplit(location).hostname:
            raise ConfigError(f"mirror URL {location!r} has no host")
        return HttpMirror(location, settings)
    return LocalMirror(Path(location).expanduser())
