"""Find knowledge files and load them into Documents (Markdown, plain text, HTML, PDF).

Markdown carries YAML front-matter with the required keys; other formats may have a sidecar
``<file>.meta.yaml`` with the same keys, else get defaults derived from the path. Every problem
raises IngestError with an Indonesian message naming the file by its path relative to the root.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import IngestError
from assistant.models import Document, Regulation

SUPPORTED_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm", ".pdf"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
REQUIRED_KEYS = ("id", "title", "program", "audience", "source_url", "source_year", "valid_from")
AUDIENCES = frozenset({"citizen", "facilitator", "both"})
CONFIDENCES = frozenset({"unconfirmed", "conflict"})
SIDECAR_SUFFIX = ".meta.yaml"
REGULATION_KEYS = ("type", "number", "year", "title", "article", "url")
# An official text or page: Indonesian government sites (peraturan.bpk.go.id, jdih.kemensos.go.id, ...).
_OFFICIAL_URL = re.compile(r"^https?://([a-z0-9-]+\.)+go\.id(?:[/?#]\S*)?$", re.IGNORECASE)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)


# --------------------------------------------------------------------------- discovery


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def discover(path: Path) -> list[Path]:
    """List the knowledge files to ingest.

    Args:
        path: A single file, or a folder searched recursively.

    Returns:
        For a folder, every .md/.markdown/.txt/.html/.htm/.pdf below it, sorted by relative path,
        skipping README.md at any level and hidden files or folders. For a file, just that file.

    Raises:
        IngestError: The path does not exist.
    """
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise IngestError(f"Lokasi '{path}' tidak ditemukan. Periksa kembali path folder atau berkas pengetahuan.")
    found = [
        p
        for p in path.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and p.name.lower() != "readme.md"
        and not _is_hidden(p, path)
    ]
    return sorted(found, key=lambda p: p.relative_to(path).as_posix())


# --------------------------------------------------------------------------- metadata


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _fail(rel: str, problem: str) -> IngestError:
    return IngestError(f"Gagal memuat '{rel}': {problem}")


def _parse_yaml(raw: str, rel: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" di baris {mark.line + 1}" if mark is not None else ""
        raise _fail(rel, f"{where} YAML rusak{at}; periksa tanda titik dua, kutip dan indentasi.") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _fail(rel, f"{where} harus berupa pasangan kunci: nilai (mapping YAML).")
    return data


def _text_field(meta: dict[str, Any], key: str, rel: str) -> str:
    value = meta[key]
    if not isinstance(value, str) or not value.strip():
        raise _fail(rel, f"kunci '{key}' harus berupa teks yang tidak kosong.")
    return value.strip()


def _validated(meta: dict[str, Any], rel: str) -> dict[str, Any]:
    """Check types and allowed values of whatever metadata keys are present."""
    out: dict[str, Any] = {}
    for key in ("id", "title", "program"):
        if key in meta:
            out[key] = _text_field(meta, key, rel)
    if "program" in out:
        out["program"] = out["program"].lower()
    if "audience" in meta:
        audience = meta["audience"]
        if audience not in AUDIENCES:
            raise _fail(rel, f"kunci 'audience' harus salah satu dari citizen, facilitator, both (tertulis: {audience!r}).")
        out["audience"] = audience
    if "source_url" in meta:
        # Free text on purpose: the corpus cites bare domains and several sources in one field.
        out["source_url"] = _text_field(meta, "source_url", rel)
    if "source_year" in meta:
        year = meta["source_year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
            raise _fail(rel, f"kunci 'source_year' harus tahun berupa angka, misalnya 2024 (tertulis: {year!r}).")
        out["source_year"] = year
    if "valid_from" in meta:
        out["valid_from"] = _date_field(meta["valid_from"], rel)
    if meta.get("confidence") is not None:
        confidence = str(meta["confidence"]).strip().lower()
        if confidence not in CONFIDENCES:
            raise _fail(rel, f"kunci 'confidence' harus unconfirmed atau conflict (tertulis: {meta['confidence']!r}).")
        out["confidence"] = confidence
        if not isinstance(meta.get("caveat"), str) or not meta["caveat"].strip():
            raise _fail(rel, "kunci 'caveat' wajib diisi (teks) bila 'confidence' diisi; jelaskan mengapa informasinya belum pasti.")
    if meta.get("caveat") is not None:
        out["caveat"] = _text_field(meta, "caveat", rel)
    if meta.get("regulations") is not None:
        out["regulations"] = _regulations(meta["regulations"], rel)
    return out


def _regulations(value: Any, rel: str) -> tuple[Regulation, ...]:
    """The ``regulations:`` list: one mapping per regulation, each checked like the other keys."""
    if not isinstance(value, list):
        raise _fail(rel, "kunci 'regulations' harus berupa daftar (list YAML), satu butir per peraturan.")
    return tuple(_regulation(item, f"'regulations' butir ke-{i}", rel) for i, item in enumerate(value, start=1))


def _regulation(item: Any, where: str, rel: str) -> Regulation:
    if not isinstance(item, dict):
        raise _fail(rel, f"{where} harus berupa pasangan kunci: nilai (type, number, year, title, ...).")
    unknown = sorted(set(map(str, item)) - set(REGULATION_KEYS))
    if unknown:
        raise _fail(rel, f"{where} memuat kunci yang tidak dikenal: {', '.join(unknown)} "
                         f"(yang boleh: {', '.join(REGULATION_KEYS)}).")
    texts: dict[str, str] = {}
    for key in ("type", "title", "number", "article", "url"):
        raw = item.get(key)
        if raw is None:
            if key == "type":
                raise _fail(rel, f"{where}: kunci 'type' wajib diisi (misalnya UU, Perpres, Permensos).")
            continue
        if isinstance(raw, bool) or not isinstance(raw, str | int) or not str(raw).strip():
            raise _fail(rel, f"{where}: kunci '{key}' harus berupa teks yang tidak kosong (tertulis: {raw!r}).")
        texts[key] = str(raw).strip()
    year = item.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100):
        raise _fail(rel, f"{where}: kunci 'year' harus tahun berupa angka, misalnya 2021 (tertulis: {year!r}).")
    if "url" in texts and not _OFFICIAL_URL.match(texts["url"]):
        raise _fail(rel, f"{where}: kunci 'url' hanya untuk alamat resmi pemerintah (https://....go.id/...); "
                         f"sumber berita ditulis di 'source_url' (tertulis: {texts['url']!r}).")
    return Regulation(
        type=texts["type"], title=texts.get("title", ""), number=texts.get("number", ""), year=year,
        article=texts.get("article", ""), url=texts.get("url", ""),
    )


def _date_field(value: Any, rel: str) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise _fail(rel, f"kunci 'valid_from' harus tanggal dengan format YYYY-MM-DD (tertulis: {value!r}).")


def _defaults(path: Path, rel_path: Path, title: str | None) -> dict[str, Any]:
    parts = rel_path.parts
    return {
        "id": _slug(rel_path.as_posix()),
        "title": title or path.stem.replace("_", " ").replace("-", " ").strip().capitalize(),
        "program": parts[0].lower() if len(parts) > 1 else "",
        "audience": "both",
        "source_url": "",
        "source_year": None,
        "valid_from": None,
    }


# --------------------------------------------------------------------------- formats


def _decode(raw: bytes, rel: str) -> str:
    if b"\x00" in raw[:8192]:
        raise _fail(rel, "berkas ini biner, bukan teks. Simpan sebagai teks UTF-8 atau PDF.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(rel, f"berkas bukan teks UTF-8 yang sah (byte ke-{exc.start}). Simpan ulang dengan encoding UTF-8.") from exc


def _first_markdown_heading(text: str) -> str | None:
    m = re.search(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    return m.group(1).strip() if m else None


def _html_to_markdown(html: str) -> tuple[str, str | None]:
    """Visible HTML text as markdown-ish text (headings kept), plus the <title> or first <h1>."""
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "noscript", "template", "iframe", "svg", "footer", "aside", "form"]):
        tag.decompose()
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else None
    h1 = soup.find("h1")
    title = title or (h1.get_text(" ", strip=True) if h1 else None)
    if title_tag:
        title_tag.decompose()

    blocks: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        text = re.sub(r"\s+", " ", "".join(inline)).strip()
        if text:
            blocks.append(text)
        inline.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                inline.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if re.fullmatch(r"h[1-6]", name):
                    flush()
                    blocks.append("#" * int(name[1]) + " " + child.get_text(" ", strip=True))
                elif name == "li":
                    flush()
                    inline.append("- ")
                    walk(child)
                    flush()
                elif name == "tr":
                    flush()
                    cells = [c.get_text(" ", strip=True) for c in child.find_all(["td", "th"])]
                    blocks.append("| " + " | ".join(cells) + " |")
                elif name == "br":
                    flush()
                elif name in {"p", "div", "section", "article", "main", "header", "ul", "ol", "table",
                              "blockquote", "pre", "dl", "dt", "dd", "body", "figure", "figcaption"}:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)

    walk(soup.body or soup)
    flush()
    # Keep list items and table rows of one list together; separate other blocks by a blank line.
    out: list[str] = []
    for previous, block in zip([""] + blocks, blocks, strict=False):
        tight = block.startswith(("- ", "| ")) and previous.startswith(("- ", "| "))
        out.append(("\n" if tight else "\n\n") + block if out else block)
    return "".join(out), title


def _pdf_text(raw: bytes, rel: str) -> tuple[str, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _fail(rel, "PDF terenkripsi (dilindungi kata sandi). Simpan salinan tanpa kata sandi.")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        raise _fail(rel, f"PDF rusak atau tidak dapat dibaca ({type(exc).__name__}).") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)  # words hyphenated across a line break
    return text, (title.strip() if isinstance(title, str) and title.strip() else None)


# --------------------------------------------------------------------------- entry point


def _relative(path: Path, root: Path) -> Path:
    base = root.parent if root.is_file() else root
    try:
        return path.resolve().relative_to(base.resolve())
    except ValueError:
        return Path(path.name)


def load_document(path: Path, root: Path) -> Document:
    """Load one knowledge file.

    Args:
        path: The file (one of the supported formats).
        root: The ingest root; ids, program defaults and messages use the path relative to it.

    Returns:
        The Document: body text without front-matter, metadata, and ``content_hash``, the sha256
        of the raw file bytes (with the sidecar's bytes appended when a sidecar exists, so a
        metadata-only edit re-indexes the document).

    Raises:
        IngestError: Unreadable, binary or non-UTF-8 file, broken YAML, missing or wrong-typed
            required key, empty body, encrypted or unreadable PDF, unsupported format.
    """
    rel_path = _relative(path, root)
    rel = rel_path.as_posix()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _fail(rel, "format tidak didukung; gunakan .md, .txt, .html atau .pdf.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(rel, f"berkas tidak dapat dibaca ({exc.strerror or type(exc).__name__}).") from exc
    digest = hashlib.sha256(raw)

    if suffix in MARKDOWN_SUFFIXES:
        text = _decode(raw, rel)
        m = _FRONT_MATTER.match(text)
        if not m:
            raise _fail(rel, "front-matter YAML tidak ada; awali berkas dengan baris '---', kunci metadata, lalu '---'.")
        meta = _parse_yaml(m.group(1), rel, "front-matter")
        missing = [k for k in REQUIRED_KEYS if meta.get(k) is None]
        if missing:
            raise _fail(rel, f"kunci wajib front-matter belum diisi: {', '.join(missing)}.")
        fields = _validated(meta, rel)
        body = text[m.end() :]
    else:
        sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
        side_meta: dict[str, Any] = {}
        if sidecar.is_file():
            side_raw = sidecar.read_bytes()
            digest.update(b"\x1e" + side_raw)
            side_meta = _validated(_parse_yaml(_decode(side_raw, rel + SIDECAR_SUFFIX), rel + SIDECAR_SUFFIX, "metadata"), rel + SIDECAR_SUFFIX)
        if suffix == ".pdf":
            body, found_title = _pdf_text(raw, rel)
        elif suffix in {".html", ".htm"}:
            body, found_title = _html_to_markdown(_decode(raw, rel))
        else:
            body = _decode(raw, rel)
            found_title = _first_markdown_heading(body)
        fields = _defaults(path, rel_path, found_title) | side_meta

    body = body.replace("\r\n", "\n").strip()
    if not body and suffix == ".pdf":
        raise _fail(rel, "PDF tidak berisi teks yang bisa diambil (mungkin hasil pindaian gambar).")
    if not body:
        raise _fail(rel, "isi dokumen kosong; tidak ada teks yang bisa diindeks.")
    return Document(
        doc_id=fields["id"],
        title=fields["title"],
        text=body,
        path=rel,
        program=fields["program"],
        audience=fields["audience"],
        source_url=fields["source_url"],
        source_year=fields["source_year"],
        valid_from=fields["valid_from"],
        confidence=fields.get("confidence"),
        caveat=fields.get("caveat"),
        content_hash=digest.hexdigest(),
        regulations=fields.get("regulations", ()),
    )
