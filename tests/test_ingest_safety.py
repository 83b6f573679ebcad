"""Ingest while serving and twice at once: old generations stay readable, one ingest per data directory,
a SIGKILL mid-ingest leaves the previous index queryable, and `ingest FILE` keeps the other documents."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.adapters.chroma_index import ChromaVectorIndex
from assistant.adapters.ingest_lock import ingest_lock
from assistant.cli import cli
from assistant.errors import IngestBusyError
from assistant.rag.ingest import ingest
from assistant.rag.pipeline import RagKnowledgeBase
from assistant.services import Services
from assistant.settings import AnswerSettings, RetrievalSettings
from tests.conftest import KNOWLEDGE, make_settings

pytestmark = pytest.mark.slow

SMALL_DOCS = ["pkh/pkh-komponen-besaran.md", "pkh/pkh-kriteria-penerima.md", "pkh/pkh-penyaluran-tahap.md"]
EXTRA_DOC = "dtsen/dtsen-pengertian.md"


def _copy(root: Path, rels) -> Path:
    for rel in rels:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(KNOWLEDGE / rel, root / rel)
    return root


@pytest.fixture
def corpus(tmp_path) -> Path:
    return _copy(tmp_path / "knowledge", SMALL_DOCS)


def _services(tmp_path, models_dir, embedder, corpus):
    return Services(make_settings(tmp_path / "data", models_dir, index={"knowledge_dir": corpus}), embedder=embedder)


def _doc_ids(services) -> set[str]:
    return {d.doc_id for d in services.documents()}


def test_ingest_one_file_adds_or_updates_it_and_keeps_the_rest(tmp_path, models_dir, embedder, corpus):
    assert (KNOWLEDGE / EXTRA_DOC).is_file()
    services = _services(tmp_path, models_dir, embedder, corpus)
    services.ingest()
    before = _doc_ids(services)
    assert len(before) == 3
    extra = _copy(tmp_path / "more", [EXTRA_DOC]) / EXTRA_DOC
    added = services.ingest(extra)
    assert _doc_ids(services) == before | {"dtsen-pengertian"}
    assert added.embedded and added.reused and not added.removed_documents
    answer = services.knowledge.ask("Berapa bantuan PKH untuk ibu hamil per tahun?")
    assert not answer.refused and "3.000.000" in answer.text  # the other documents still answer
    extra.write_text(extra.read_text(encoding="utf-8") + "\n\nCatatan tambahan untuk pembaruan.\n", encoding="utf-8")
    updated = services.ingest(extra)
    assert updated.changed_documents == ["dtsen-pengertian"] and _doc_ids(services) == before | {"dtsen-pengertian"}
    assert services.ingest(extra).unchanged
    services.ingest(extra, replace=True)  # the explicit flag: exactly this document
    assert _doc_ids(services) == {"dtsen-pengertian"}


def test_cli_ingest_file_keeps_the_rest_and_replace_is_explicit(tmp_path, models_dir, corpus):
    data = tmp_path / "data"
    make_settings(data, models_dir)
    env = {"ASSISTANT_DATA_DIR": str(data)}
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(corpus)], env=env).exit_code == 0
    extra = _copy(tmp_path / "more", [EXTRA_DOC]) / EXTRA_DOC
    result = runner.invoke(cli, ["ingest", str(extra)], env=env)
    assert result.exit_code == 0, result.output
    assert "4 dokumen" in result.output


def test_a_second_ingest_stops_with_a_clear_message(tmp_path, models_dir, embedder, corpus):
    services = _services(tmp_path, models_dir, embedder, corpus)
    with ingest_lock(services.settings.data_dir):
        with pytest.raises(IngestBusyError, match=f"PID {os.getpid()}"):
            services.ingest()
        result = CliRunner().invoke(cli, ["ingest", str(corpus)], env={"ASSISTANT_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code == IngestBusyError.exit_code
    assert "sedang diperbarui oleh proses lain" in result.output and "Traceback" not in result.output
    assert services.index.active() is None  # nothing was built aside
    assert not [c for c in services.index._client.list_collections() if "gen-" in getattr(c, "name", str(c))]
    services.ingest()  # released: the next ingest runs
    assert len(_doc_ids(services)) == 3


def test_two_concurrent_ingests_never_clash(tmp_path, models_dir, embedder, corpus):
    services = _services(tmp_path, models_dir, embedder, corpus)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(services.ingest) for _ in range(2)]
        outcomes = []
        for f in futures:
            try:
                outcomes.append(f.result())
            except IngestBusyError:
                outcomes.append("busy")
    assert outcomes.count("busy") <= 1 and any(o != "busy" for o in outcomes)
    names = [getattr(c, "name", str(c)) for c in services.index._client.list_collections()]
    assert len([n for n in names if "-gen-" in n]) == 1  # no stray copy


def test_a_reader_of_the_replaced_generation_keeps_working(tmp_path, embedder, corpus):
    index = ChromaVectorIndex(prefix="t", path=tmp_path / "chroma")
    ingest(corpus, embedder=embedder, index=index)
    old = RagKnowledgeBase(embedder, index, RetrievalSettings(), AnswerSettings()).retriever()
    for path in corpus.rglob("*.md"):
        path.write_text(path.read_text(encoding="utf-8") + "\n\nPerubahan.\n", encoding="utf-8")
    ingest(corpus, embedder=embedder, index=index)
    assert index.active().name != old.snapshot.name
    hits = old.search("besaran bantuan PKH ibu hamil", k=3)  # a server that has not noticed the switch yet
    assert hits and hits[0].dense_rank is not None


def test_ingest_under_load_serves_every_request(tmp_path, models_dir, embedder, corpus):
    services = _services(tmp_path, models_dir, embedder, corpus)
    services.ingest()
    kb = services.knowledge
    kb.retriever()
    stop = time.monotonic() + 1e9
    errors: list[BaseException] = []
    answered = 0

    def ask_until_stopped(i: int) -> None:
        nonlocal answered
        while time.monotonic() < stop:
            try:
                kb.search(f"bantuan PKH ibu hamil {i} {answered}", k=3)
                answered += 1
            except BaseException as exc:  # noqa: BLE001 - every failure is the finding
                errors.append(exc)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        workers = [pool.submit(ask_until_stopped, i) for i in range(4)]
        for round_ in range(3):  # each round changes every document, so each makes a new generation
            for path in corpus.rglob("*.md"):
                path.write_text(path.read_text(encoding="utf-8") + f"\n\nRevisi {round_}.\n", encoding="utf-8")
            services.ingest()
            kb.reload()
        stop = time.monotonic()
        for w in workers:
            w.result()
    assert answered > 0 and errors == []


def test_sigkill_mid_ingest_leaves_the_previous_index_queryable(tmp_path, models_dir, embedder):
    data = tmp_path / "data"
    make_settings(data, models_dir)
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "assistant.cli", "ingest"]
    small = _copy(tmp_path / "small", SMALL_DOCS)
    assert subprocess.run([*cmd, str(small)], env=env, capture_output=True, timeout=300).returncode == 0
    # A full rebuild of the whole knowledge base: long enough to be killed while embedding.
    proc = subprocess.Popen([*cmd, str(KNOWLEDGE), "--rebuild", "--replace"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(8)
    assert proc.poll() is None, "the ingest finished before it could be killed; use a bigger corpus"
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    services = Services(make_settings(data, models_dir), embedder=embedder)
    assert len(_doc_ids(services)) == 3
    answer = services.knowledge.ask("Berapa bantuan PKH untuk ibu hamil per tahun?")
    assert not answer.refused and "3.000.000" in answer.text
    report = services.ingest(small)  # the lock died with the process; the stray build is cleaned up
    assert report.unchanged
