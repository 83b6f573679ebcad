// Web chat page: no build step, no dependencies. Text from the server is always inserted as text, never HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const chat = $("chat");
const form = $("ask-form");
const question = $("question");
const askButton = $("ask-button");
const apiKey = $("api-key");
const asFacilitator = $("as-facilitator");

function randomId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const userId = localStorage.getItem("assistant.user_id") || randomId();
localStorage.setItem("assistant.user_id", userId);
let conversationId = null;
apiKey.value = sessionStorage.getItem("assistant.api_key") || "";
apiKey.addEventListener("change", () => sessionStorage.setItem("assistant.api_key", apiKey.value.trim()));

function headers(json = true) {
  const h = { "X-Assistant-Channel": "web" };
  if (json) h["Content-Type"] = "application/json";
  const key = apiKey.value.trim();
  if (key) h["X-API-Key"] = key;
  return h;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child);
  return node;
}

function scrollDown() { window.scrollTo({ top: document.body.scrollHeight }); }

function errorMessage(body, status) {
  if (body && body.error && body.error.message) return body.error.message;
  return `Maaf, terjadi gangguan (kode ${status}). Silakan coba lagi.`;
}

// --- citations -------------------------------------------------------------------------------

const WEB_ADDRESS = /^https?:\/\//i;

// "Dasar hukum: Perpres 72/2021 tentang ...": each regulation named, a link only to its official text or page.
function regulationsLine(regulations) {
  const line = el("span", { class: "regulations" }, "Dasar hukum: ");
  regulations.forEach((r, i) => {
    if (i) line.append("; ");
    const name = WEB_ADDRESS.test(r.url || "")
      ? el("a", { href: r.url, target: "_blank", rel: "noopener noreferrer" }, r.name)
      : el("strong", {}, r.name);
    line.append(name, r.title ? ` tentang ${r.title}` : "");
  });
  return line;
}

async function openPassage(citation) {
  const dialog = $("passage");
  $("passage-title").textContent = `[${citation.n}] ${citation.title}`;
  $("passage-section").textContent = citation.section + (citation.source_year ? ` (${citation.source_year})` : "");
  $("passage-text").textContent = "Memuat kutipan...";
  // A source is a link only when it is a web address; many guidelines cite a publication by name.
  const source = $("passage-source");
  const url = WEB_ADDRESS.test(citation.source_url || "") ? citation.source_url : null;
  source.hidden = !citation.source_url;
  if (url) {
    source.href = url;
    source.textContent = "Buka sumber resmi";
  } else {
    source.removeAttribute("href");
    source.textContent = citation.source_url ? `Sumber: ${citation.source_url}` : "";
  }
  const regulations = $("passage-regulations");
  const named = citation.regulations || [];
  regulations.hidden = !named.length;
  regulations.replaceChildren(...(named.length ? [regulationsLine(named)] : []));
  if (!dialog.open) dialog.showModal();
  try {
    const res = await fetch("/v1/chunks/" + encodeURIComponent(citation.chunk_id), { headers: headers(false) });
    const body = await res.json();
    $("passage-text").textContent = res.ok ? body.text : errorMessage(body, res.status);
  } catch (err) {
    $("passage-text").textContent = "Kutipan tidak dapat dimuat. Periksa koneksi Anda.";
  }
}

function renderAnswer(target, text, citations) {
  target.replaceChildren();
  const byN = new Map(citations.map((c) => [String(c.n), c]));
  for (const part of text.split(/(\[\d+\])/)) {
    const m = part.match(/^\[(\d+)\]$/);
    const c = m && byN.get(m[1]);
    if (c) {
      target.append(el("button", { type: "button", class: "cite", title: c.title, "data-chunk": c.chunk_id,
                                   onclick: () => openPassage(c) }, `[${c.n}]`));
    } else {
      target.append(document.createTextNode(part));
    }
  }
}

// --- feedback --------------------------------------------------------------------------------

function feedbackButtons(answerId) {
  const status = el("span", { class: "muted" });
  const send = async (rating, button) => {
    for (const b of bar.querySelectorAll("button[data-rating]")) b.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-pressed", "true");
    try {
      const res = await fetch("/v1/feedback", { method: "POST", headers: headers(),
        body: JSON.stringify({ answer_id: answerId, rating }) });
      status.textContent = res.ok ? "Terima kasih atas masukan Anda." : errorMessage(await res.json(), res.status);
    } catch (err) {
      status.textContent = "Masukan belum terkirim. Periksa koneksi Anda.";
    }
  };
  const up = el("button", { type: "button", "data-rating": "up", "aria-label": "Jawaban membantu",
                            "aria-pressed": "false" }, "👍 Membantu");
  const down = el("button", { type: "button", "data-rating": "down", "aria-label": "Jawaban kurang membantu",
                              "aria-pressed": "false" }, "👎 Kurang");
  up.addEventListener("click", () => send("up", up));
  down.addEventListener("click", () => send("down", down));
  const bar = el("div", { class: "actions feedback" }, up, down, status);
  return bar;
}

function renderReply(box, reply) {
  const p = box.querySelector("p.answer");
  renderAnswer(p, reply.answer, reply.citations);
  if (reply.citations.length) {
    const list = el("ol", { class: "sources" });
    for (const c of reply.citations) {
      const item = el("li", {}, el("button", { type: "button", onclick: () => openPassage(c) },
                                      `${c.title} — ${c.section}`));
      if ((c.regulations || []).length) item.append(el("br"), regulationsLine(c.regulations));
      list.append(item);
    }
    box.append(list);
  }
  const actions = el("div", { class: "actions" });
  for (const s of reply.suggestions || []) {
    actions.append(el("button", { type: "button", class: "suggestion", onclick: () => ask(s) }, s));
  }
  if (actions.childElementCount) box.append(actions);
  if (reply.answer_id) box.append(feedbackButtons(reply.answer_id));
  box.dataset.answerId = reply.answer_id;
  box.classList.add("done");
}

// --- asking (server-sent events over fetch) --------------------------------------------------

async function readEvents(res, onEvent) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      onEvent(event, data ? JSON.parse(data) : {});
    }
  }
}

async function ask(text) {
  text = text.trim();
  if (!text) return;
  chat.append(el("div", { class: "msg user" }, el("p", {}, text)));
  const answer = el("p", { class: "answer" }, "Sedang mencari jawaban...");
  const box = el("div", { class: "msg bot pending" }, answer);
  chat.append(box);
  scrollDown();
  askButton.disabled = true;
  const payload = { message: text, user_id: userId, conversation_id: conversationId, stream: true };
  if (asFacilitator.checked) payload.audience = "facilitator";
  try {
    const res = await fetch("/v1/chat", { method: "POST", headers: headers(), body: JSON.stringify(payload) });
    if (!res.ok) {
      box.classList.add("error");
      answer.textContent = errorMessage(await res.json().catch(() => null), res.status);
      return;
    }
    let streamed = "";
    await readEvents(res, (event, data) => {
      if (event === "delta") {
        streamed += data.text;
        answer.textContent = streamed;
      } else if (event === "replace") {
        streamed = data.text;  // the checked answer replaces the model's draft
        answer.textContent = streamed;
      } else if (event === "done") {
        conversationId = data.conversation_id;
        renderReply(box, data);
      } else if (event === "error") {
        box.classList.add("error");
        answer.textContent = errorMessage(data, data.error && data.error.status);
      }
    });
  } catch (err) {
    box.classList.add("error");
    answer.textContent = "Koneksi terputus. Silakan coba lagi.";
  } finally {
    box.classList.remove("pending");
    askButton.disabled = false;
    scrollDown();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = question.value;
  question.value = "";
  ask(text);
});
question.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});

// --- status check for facilitators ------------------------------------------------------------

function rupiah(amount) {
  return "Rp" + Number(amount).toLocaleString("id-ID");
}

function maskNik(nik) {
  return nik.length === 16 ? `${nik.slice(0, 4)}********${nik.slice(-4)}` : "";
}

function describeStatus(result, nik) {
  const wrap = el("div");
  wrap.append(el("h3", {}, `NIK ${maskNik(nik)} · KK ${result.kk}`));
  const desil = result.desil === null ? "belum tercatat" : result.desil;
  wrap.append(el("p", { class: "muted" }, `Wilayah ${result.region_code}, desil ${desil}, dinilai per ${result.as_of}`));
  for (const a of result.assumptions || []) wrap.append(el("p", { class: "assumption" }, `Andaian (tidak disimpan): ${a}`));
  const list = el("ul", { class: "decisions" });
  const sources = [];
  for (const d of result.programs || []) {
    const item = el("li", {}, el("strong", {}, `${d.program_name}: ${d.status_text}`));
    if (d.annual_amount) {
      const floor = d.amount_is_minimum ? "paling sedikit " : "";
      item.append(` · ${floor}${rupiah(d.annual_amount)} per tahun`);
    }
    const notes = [...d.reasons];
    for (const x of d.disputes || []) notes.push(x.text);
    if (d.amount_raising_fields && d.amount_raising_fields.length) {
      notes.push("Besaran dapat bertambah bila tercatat: " + d.amount_raising_fields.map((m) => m.label).join(", "));
    }
    if (d.missing_fields && d.missing_fields.length) {
      notes.push("Data belum lengkap: " + d.missing_fields.map((m) => m.text).join("; "));
    }
    if (notes.length) item.append(el("ul", {}, ...notes.map((r) => el("li", {}, r))));
    for (const s of d.sources || []) if (!sources.includes(s)) sources.push(s);
    list.append(item);
  }
  wrap.append(list);
  if (sources.length) wrap.append(el("p", { class: "muted" }, "Dokumen rujukan: " + sources.join(", ")));
  return wrap;
}

$("status-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("status-result");
  const nik = $("nik").value.trim();
  out.textContent = "Memeriksa...";
  if (!apiKey.value.trim()) {
    out.textContent = "Isi dulu kunci API pendamping.";
    return;
  }
  try {
    const res = await fetch("/v1/eligibility/" + encodeURIComponent(nik), { headers: headers(false) });
    const body = await res.json();
    out.replaceChildren(res.ok ? describeStatus(body, nik) : document.createTextNode(errorMessage(body, res.status)));
  } catch (err) {
    out.textContent = "Cek status gagal. Periksa koneksi Anda.";
  }
});

// --- status check for a family: NIK + family-card number, through the same conversation flow --------

$("citizen-status-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("citizen-status-result");
  const nik = $("citizen-nik").value.replace(/\D/g, "");
  const kk = $("citizen-kk").value.replace(/\D/g, "");
  if (nik.length !== 16 || kk.length !== 16) {
    out.textContent = "NIK dan nomor KK masing-masing harus 16 angka.";
    return;
  }
  // The numbers leave the page once and are not kept in the form.
  $("citizen-nik").value = "";
  $("citizen-kk").value = "";
  out.textContent = "Memeriksa...";
  try {
    const res = await fetch("/v1/chat", { method: "POST", headers: headers(),
      body: JSON.stringify({ message: `cek status NIK ${nik} KK ${kk}`, user_id: userId }) });
    const body = await res.json();
    if (!res.ok) {
      out.textContent = errorMessage(body, res.status);
      return;
    }
    const p = el("p", { class: "answer" });
    renderAnswer(p, body.answer, body.citations || []);
    out.replaceChildren(p);
  } catch (err) {
    out.textContent = "Cek status gagal. Periksa koneksi Anda.";
  }
});

// --- worklists for facilitators ---------------------------------------------------------------

function worklistQuery(extra = {}) {
  const params = new URLSearchParams({ region: $("worklist-region").value.trim() });
  const asOf = $("worklist-as-of").value;
  if (asOf) params.set("as_of", asOf);
  params.set("within_months", $("worklist-months").value || "3");
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params;
}

function worklistTable(body) {
  const table = el("table", { class: "worklist" });
  const head = el("tr", {}, ...["#", "Keluarga", "Yang perlu dilakukan", "Prioritas", "Dokumen"].map((h) => el("th", {}, h)));
  table.append(el("thead", {}, head));
  const rows = el("tbody");
  for (const r of body.rows) {
    const who = el("td", {}, `KK ${r.kk}`, el("br"), `${r.head} (${r.head_nik})`, el("br"),
      el("span", { class: "muted" }, `wilayah ${r.region_code} · desil ${r.desil === null ? "-" : r.desil}`));
    const todo = el("td", {}, r.summary);
    if (r.disputed.length) todo.append(el("p", { class: "warn" }, r.disputed.join(" ")));
    const tr = el("tr", { "data-text": `${r.kk} ${r.head} ${r.region_code} ${r.summary} ${r.priority}`.toLowerCase() },
      el("td", {}, String(r.rank)), who, todo, el("td", {}, r.priority), el("td", {}, r.sources.join(", ")));
    rows.append(tr);
  }
  table.append(rows);
  return table;
}

async function downloadWorklistCsv(kind) {
  const res = await fetch(`/v1/worklists/${kind}?` + worklistQuery({ format: "csv" }), { headers: headers(false) });
  if (!res.ok) return;
  const url = URL.createObjectURL(await res.blob());
  const link = el("a", { href: url, download: `daftar-kerja-${kind}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

$("worklist-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("worklist-result");
  if (!apiKey.value.trim()) {
    out.textContent = "Isi dulu kunci API pendamping.";
    return;
  }
  const kind = $("worklist-kind").value;
  out.textContent = "Menyusun daftar kerja...";
  try {
    const res = await fetch(`/v1/worklists/${kind}?` + worklistQuery({ page_size: "500" }), { headers: headers(false) });
    const body = await res.json();
    if (!res.ok) {
      out.textContent = errorMessage(body, res.status);
      return;
    }
    const filter = el("input", { id: "worklist-filter", type: "search", placeholder: "Saring baris (nama samaran, KK, wilayah, kata)..." });
    const csv = el("button", { id: "worklist-csv", type: "button" }, "Unduh CSV");
    csv.addEventListener("click", () => downloadWorklistCsv(kind));
    const table = worklistTable(body);
    const count = el("p", { class: "muted", id: "worklist-count" },
      `${body.total} keluarga dari ${body.households_read} yang dibaca, per ${body.as_of}. ${body.priority_rule}.` +
      (body.total > body.rows.length ? ` Ditampilkan ${body.rows.length} teratas; unduh CSV untuk semuanya.` : ""));
    filter.addEventListener("input", () => {
      const q = filter.value.trim().toLowerCase();
      for (const tr of table.querySelectorAll("tbody tr")) tr.hidden = q !== "" && !tr.dataset.text.includes(q);
    });
    out.replaceChildren(el("h3", {}, body.title), count, el("div", { class: "actions" }, filter, csv), table);
  } catch (err) {
    out.textContent = "Daftar kerja gagal dimuat. Periksa koneksi Anda.";
  }
});
