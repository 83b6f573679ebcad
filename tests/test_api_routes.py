"""Each route of the HTTP API against the real app (TestClient) on fake services."""

from __future__ import annotations

import pytest

from assistant.adapters.http_registry import HttpRegistry
from assistant.adapters.state import InMemoryStateStore
from tests.support.servers import free_port
from tests.test_api_support import (
    CHUNKS,
    INPRES_DTSEN,
    NIK_IN_REGION,
    NIK_OUT_OF_REGION,
    NIK_UNKNOWN,
    QUESTION,
    make_harness,
)


@pytest.fixture()
def h(tmp_path):
    return make_harness(tmp_path)


def test_chat_returns_the_contract_fields(h):
    r = h.client.post("/v1/chat", json={"message": QUESTION})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"answer", "refused", "citations", "conversation_id", "answer_id", "suggestions", "intent",
                         "degraded"}
    assert body["refused"] is False
    assert "[1]" in body["answer"]
    assert body["citations"][0] == {
        "n": 1, "doc_id": "pkh-besaran", "title": "PKH: besaran bantuan", "section": "PKH > Besaran bantuan",
        "source_url": "https://kemensos.go.id/pkh", "source_year": 2024, "chunk_id": "pkh-besaran#1",
        "regulations": [],
    }
    assert body["suggestions"] == ["Kalau untuk anak SMA?", "Cek status kepesertaan saya"]
    assert body["answer_id"] and body["conversation_id"]
    assert r.headers["x-request-id"]


def test_chat_passes_role_channel_and_namespaced_user_to_the_conversation(h):
    h.client.post("/v1/chat", json={"message": QUESTION, "user_id": "u1"}, headers={"X-Assistant-Channel": "web"})
    call = h.services.conversation.calls[-1]
    assert call["user_id"] == "anon:u1"
    assert call["role"] == "citizen" and call["audience"] == "citizen" and call["channel"] == "web"
    assert call["text"] == QUESTION


def test_citations_name_the_regulations_beside_the_source(h):
    second = h.client.post("/v1/chat", json={"message": QUESTION}).json()["citations"][1]
    assert second["source_url"] == "https://kemensos.go.id/pkh"
    assert second["regulations"] == [{
        "type": "Inpres", "number": "4", "year": 2025, "title": "Data Tunggal Sosial dan Ekonomi Nasional",
        "article": "", "url": INPRES_DTSEN.url, "name": "Inpres 4/2025",
    }]
    passage = h.client.get("/v1/chunks/" + CHUNKS[1].chunk_id.replace("#", "%23")).json()
    assert [r["name"] for r in passage["regulations"]] == ["Inpres 4/2025"]
    assert h.client.get("/v1/chunks/" + CHUNKS[0].chunk_id.replace("#", "%23")).json()["regulations"] == []


def test_conversation_id_is_returned_and_accepted(h):
    first = h.client.post("/v1/chat", json={"message": QUESTION}).json()
    cid = first["conversation_id"]
    h.client.post("/v1/chat", json={"message": "kalau untuk anak SMA?", "conversation_id": cid})
    calls = h.services.conversation.calls
    assert calls[0]["conversation_id"] == cid and calls[1]["conversation_id"] == cid
    assert calls[0]["user_id"] == calls[1]["user_id"] == f"anon:{cid}"


def test_unscripted_question_is_refused_not_an_error(h):
    r = h.client.post("/v1/chat", json={"message": "Siapa juara piala dunia?"})
    assert r.status_code == 200
    assert r.json()["refused"] is True and r.json()["citations"] == []


def test_cited_passage_opens_from_the_knowledge_base(h):
    r = h.client.get("/v1/chunks/pkh-besaran%231")
    assert r.status_code == 200
    assert r.json()["text"] == CHUNKS[0].text and r.json()["section"] == "PKH > Besaran bantuan"
    missing = h.client.get("/v1/chunks/tidak-ada%231")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_search_returns_passages_and_passes_filters(h):
    r = h.client.post("/v1/search", json={"query": "anak sekolah dasar PKH", "k": 1, "program": "pkh"})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert len(hits) == 1 and hits[0]["chunk_id"] == "pkh-besaran#1" and hits[0]["text"]
    assert h.services.knowledge.search_calls[-1] == ("anak sekolah dasar PKH", 1, {"program": "pkh"})


def test_feedback_is_recorded_and_unknown_answers_are_404(h):
    answer_id = h.client.post("/v1/chat", json={"message": QUESTION}).json()["answer_id"]
    r = h.client.post("/v1/feedback", json={"answer_id": answer_id, "rating": "down", "comment": "kurang jelas"})
    assert r.status_code == 200 and r.json() == {"recorded": True}
    assert h.services.conversation.feedback_given == [(answer_id, "down", "kurang jelas")]
    missing = h.client.post("/v1/feedback", json={"answer_id": "zzz", "rating": "up"})
    assert missing.status_code == 404
    bad = h.client.post("/v1/feedback", json={"answer_id": answer_id, "rating": "meh"})
    assert bad.status_code == 422


def test_eligibility_for_a_facilitator_in_region(h):
    r = h.client.get(f"/v1/eligibility/{NIK_IN_REGION}", headers=h.facilitator, params={"as_of": "2026-01-01"})
    assert r.status_code == 200
    body = r.json()
    assert body["kk"] == "3204********0001"
    pkh = body["programs"][0]
    assert (pkh["program"], pkh["status"], pkh["status_text"]) == ("PKH", "eligible", "memenuhi syarat")
    assert body["programs"][1]["missing_fields"][1] == {
        "path": "members[1].birth_date", "label": "tanggal lahir S*** A*****",
        "text": "tanggal lahir S*** A***** belum tercatat"}
    assert h.services.household_lookup.calls[-1] == ("facilitator", {
        "actor": "fasil-bandung", "regions": ["3204", "3205"], "nik": NIK_IN_REGION, "as_of": "2026-01-01",
    })


def test_eligibility_out_of_region_unknown_and_malformed(h):
    out = h.client.get(f"/v1/eligibility/{NIK_OUT_OF_REGION}", headers=h.facilitator)
    assert out.status_code == 403 and out.json()["error"]["code"] == "access_denied"
    unknown = h.client.get(f"/v1/eligibility/{NIK_UNKNOWN}", headers=h.facilitator)
    assert unknown.status_code == 404
    short = h.client.get("/v1/eligibility/12345", headers=h.facilitator)
    assert short.status_code == 422
    bad_date = h.client.get(f"/v1/eligibility/{NIK_IN_REGION}", headers=h.facilitator, params={"as_of": "besok"})
    assert bad_date.status_code == 422


def test_eligibility_is_for_facilitators_only(h):
    assert h.client.get(f"/v1/eligibility/{NIK_IN_REGION}").status_code == 401
    admin = h.client.get(f"/v1/eligibility/{NIK_IN_REGION}", headers=h.admin)
    assert admin.status_code == 403
    assert h.services.household_lookup.calls == []


def test_admin_ingest_and_documents(h):
    r = h.client.post("/v1/ingest", headers=h.admin)
    assert r.status_code == 200
    assert r.json()["report"] | {"seconds": 0} == {
        "documents": 2, "chunks": 2, "embedded": 0, "reused": 2, "changed_documents": [], "removed_documents": [],
        "unchanged": True, "generation": "fake", "seconds": 0,
    }
    assert h.services.knowledge.ingested == [h.services.settings.index.knowledge_dir]
    docs = h.client.get("/v1/documents", headers=h.admin)
    assert docs.status_code == 200 and [d["doc_id"] for d in docs.json()["documents"]] == ["pkh-besaran", "pkh-syarat"]
    assert [[r["type"] for r in d["regulations"]] for d in docs.json()["documents"]] == [[], ["Inpres"]]


@pytest.mark.parametrize(("method", "path"), [("post", "/v1/ingest"), ("get", "/v1/documents")])
def test_admin_routes_refuse_others(h, method, path):
    assert getattr(h.client, method)(path).status_code == 401
    assert getattr(h.client, method)(path, headers=h.facilitator).status_code == 403
    assert h.services.knowledge.ingested == []


def test_healthz_and_readyz(h):
    assert h.client.get("/healthz").json() == {"status": "ok"}
    ready = h.client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"ready": True, "checks": {"index": True, "registry": True}}
    h.services.registry = HttpRegistry(f"http://127.0.0.1:{free_port()}", timeout=1)  # nothing listens there
    not_ready = h.client.get("/readyz")
    assert not_ready.status_code == 503
    assert not_ready.json() == {"ready": False, "checks": {"index": True, "registry": False}}


def test_metrics_use_route_templates_never_raw_paths(h):
    h.client.post("/v1/chat", json={"message": QUESTION})
    h.client.get(f"/v1/eligibility/{NIK_IN_REGION}", headers=h.facilitator)
    text = h.client.get("/metrics").text
    assert 'assistant_http_requests_total{method="POST",route="/v1/chat",status="200"} 1.0' in text
    assert 'route="/v1/eligibility/{nik}"' in text
    assert NIK_IN_REGION not in text
    assert 'assistant_chat_replies_total{intent="program_question",refused="false"} 1.0' in text


def test_two_apps_in_one_process_keep_separate_metrics(tmp_path):
    a = make_harness(tmp_path / "a")
    b = make_harness(tmp_path / "b", state=InMemoryStateStore())
    a.client.post("/v1/chat", json={"message": QUESTION})
    assert 'route="/v1/chat"' in a.client.get("/metrics").text
    assert 'route="/v1/chat"' not in b.client.get("/metrics").text


def test_openapi_has_examples_and_error_models(h):
    spec = h.client.get("/openapi.json").json()
    chat = spec["paths"]["/v1/chat"]["post"]
    assert {"401", "413", "422", "429"} <= set(chat["responses"])
    assert spec["components"]["schemas"]["ChatRequest"]["examples"][0]["message"]
    assert spec["components"]["schemas"]["ChatRequest"]["additionalProperties"] is False
    assert h.client.get("/docs").status_code == 200


def test_docs_page_works_offline(h):
    import re

    page = h.client.get("/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    urls = re.findall(r"""(?:src|href|url)\s*[:=]\s*["']([^"']+)["']""", page.text)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert not re.search(r"https?://", page.text)  # no CDN, no validator badge
    for url in urls:
        asset = h.client.get(url)
        assert asset.status_code == 200, url
    assert len(h.client.get("/docs-assets/swagger-ui-bundle.js").content) > 100_000


def test_web_page_and_assets_are_served(h):
    page = h.client.get("/")
    assert page.status_code == 200 and "Asisten Keluarga" in page.text and 'lang="id"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert h.client.get("/static/app.js").status_code == 200
    assert h.client.get("/static/style.css").status_code == 200


def test_eligibility_response_is_documented_with_an_example_the_engine_really_produces(h):
    from assistant.api.eligibility_schemas import EXAMPLE, EligibilityResponse
    from assistant.eligibility.engine import assess
    from assistant.eligibility.parameters import Parameters
    from tests.support.registry_fixtures import AS_OF, couple, household

    spec = h.client.get("/openapi.json").json()
    op = spec["paths"]["/v1/eligibility/{nik}"]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema["examples"][0]["programs"][0]["status"] == "eligible"
    real = assess(household(*couple(28, pregnant=True), desil=3), AS_OF, Parameters.load()).to_dict()
    EligibilityResponse.model_validate(real)  # the engine's shape is the documented shape
    assert set(real) == set(EXAMPLE) and set(real["programs"][0]) == set(EXAMPLE["programs"][0])


def test_eligibility_what_if_is_passed_through_and_shown(h):
    r = h.client.get(f"/v1/eligibility/{NIK_IN_REGION}", headers=h.facilitator,
                     params=[("assume", "members[2].disability=berat"), ("assume", "desil=2")])
    assert r.status_code == 200
    assert r.json()["assumptions"] == ["members[2].disability=berat", "desil=2"]
