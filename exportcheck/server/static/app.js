// exportcheck's page: statement → claims (editable) → verdicts → HTML report; name search; control lookup.
// Plain DOM, no libraries, nothing loaded from elsewhere. Every value from the server is set with
// textContent, never as HTML.
"use strict";

const KINDS = {
  "no-licence-required": "no licence was required",
  "party-not-listed": "the parties are on no list",
  "item-not-controlled": "the item is not on a control list",
  "sanctions-compliant": "no party is sanctioned",
  "customer-judgement": "the supplier could not judge the customer",
};
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("exportcheck-token") || "";
let lastClaims = null;
let claimCounter = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token) headers["Authorization"] = "Bearer " + token;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    $("token-box").hidden = false;
    throw new Error("this server needs an access token");
  }
  if (!response.ok) {
    let detail = response.status + " " + response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || detail;
    } catch (e) { /* not a problem document */ }
    throw new Error(detail);
  }
  return response;
}

async function busy(button, work) {
  button.disabled = true;
  showError("");
  try { await work(); } catch (e) { showError(e.message); } finally { button.disabled = false; }
}

// --- tabs ------------------------------------------------------------------------------------
for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    for (const other of document.querySelectorAll(".tab")) other.classList.toggle("active", other === tab);
    for (const panel of document.querySelectorAll(".panel")) panel.hidden = panel.id !== "panel-" + tab.dataset.tab;
  });
}
$("token-save").addEventListener("click", () => {
  token = $("token").value.trim();
  sessionStorage.setItem("exportcheck-token", token);
  $("token-box").hidden = true;
  loadStatus();
});

// --- claims ------------------------------------------------------------------------------------
function field(labelText, input) {
  return [el("label", { text: labelText, for: input.id }), input];
}

function claimCard(found) {
  claimCounter += 1;
  const n = claimCounter;
  const card = el("div", { class: "claim", "data-n": String(n) });
  const kind = el("select", { id: `kind-${n}`, class: "c-kind" });
  for (const [value, meaning] of Object.entries(KINDS)) {
    const option = el("option", { value, text: `${value} — ${meaning}` });
    if (value === found.kind) option.selected = true;
    kind.append(option);
  }
  const text = el("textarea", { id: `text-${n}`, class: "c-text quote", rows: "3" });
  text.value = found.text || "";
  const date = el("input", { id: `date-${n}`, class: "c-date", placeholder: "2024, 2024-02-05 or 2024-01-01/2024-12-31" });
  const destination = el("input", { id: `dest-${n}`, class: "c-dest", size: "3", maxlength: "2", placeholder: "CN" });
  const parties = el("textarea", { id: `parties-${n}`, class: "c-parties", rows: "2",
    placeholder: "One party per line; name variants separated by ' / '" });
  const partyCountry = el("input", { id: `pcountry-${n}`, class: "c-pcountry", size: "3", maxlength: "2", placeholder: "CN" });
  const item = el("input", { id: `item-${n}`, class: "c-item", size: "50", placeholder: "e.g. calibration part of a lithography system" });
  const codes = el("input", { id: `codes-${n}`, class: "c-codes", size: "30", placeholder: "eu:3B001.f, us:EAR99" });
  const remove = el("button", { type: "button", class: "c-remove", text: "Remove this claim" });
  remove.addEventListener("click", () => card.remove());
  card.dataset.saidBy = found.said_by || "";
  card.dataset.lang = found.lang || "";
  const grid = el("div", { class: "grid" },
    ...field("Kind", kind), ...field("Statement", text), ...field("Export date", date),
    ...field("Destination", destination), ...field("Parties", parties), ...field("Parties' country", partyCountry),
    ...field("Item", item), ...field("Control codes", codes));
  card.append(el("div", { class: "hint", text: found.said_by ? `said by ${found.said_by}` : "added by hand" }), grid, remove);
  return card;
}

function parseDate(text) {
  const value = text.trim();
  if (!value) return undefined;
  const parts = value.split("/").map((p) => p.trim());
  return parts.length === 2 ? { from: parts[0], to: parts[1] } : value;
}

function claimsFile() {
  const claims = [];
  for (const card of document.querySelectorAll("#claims .claim")) {
    const q = (cls) => card.querySelector(cls).value.trim();
    const kind = q(".c-kind");
    const claim = { id: `claim-${card.dataset.n}-${kind}`, kind, text: q(".c-text") };
    if (card.dataset.saidBy) claim.said_by = card.dataset.saidBy;
    if (card.dataset.lang) claim.lang = card.dataset.lang;
    const date = parseDate(q(".c-date"));
    if (date) claim.date = date;
    if (q(".c-dest")) claim.destination = q(".c-dest").toUpperCase();
    const country = (q(".c-pcountry") || q(".c-dest")).toUpperCase();
    const parties = q(".c-parties").split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
      const names = line.split(" / ").map((n) => n.trim()).filter(Boolean);
      const party = { name: names[0] };
      if (names.length > 1) party.aliases = names.slice(1);
      if (country) party.country = country;
      return party;
    });
    if (parties.length) claim.parties = parties;
    const item = {};
    if (q(".c-item")) item.description = q(".c-item");
    const codes = q(".c-codes").split(",").map((c) => c.trim()).filter(Boolean);
    if (codes.length) item.control_codes = codes;
    if (Object.keys(item).length) claim.item = item;
    claims.push(claim);
  }
  const file = { title: "Claims from a pasted statement", source: "statement pasted into the exportcheck page", claims };
  if ($("exporter").value.trim()) {
    file.exporter = { name: $("exporter").value.trim() };
    if ($("exporter-country").value.trim()) file.exporter.country = $("exporter-country").value.trim().toUpperCase();
  }
  return file;
}

$("extract").addEventListener("click", () => busy($("extract"), async () => {
  const text = $("statement").value;
  if (!text.trim()) throw new Error("paste a statement first");
  const body = { text };
  if ($("lang").value) body.lang = $("lang").value;
  const found = await (await api("/extract", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) })).json();
  $("claims").replaceChildren();
  if (found.exporter) $("exporter").value = found.exporter;
  for (const claim of found.claims) $("claims").append(claimCard(claim));
  $("claims-box").hidden = false;
  $("verdicts-box").hidden = true;
  const note = found.claims.length ? `${found.claims.length} checkable claim(s) found (${found.language === "nl" ? "Dutch" : "English"}).`
    : "No checkable claim found; add one by hand.";
  $("claims").prepend(el("p", { class: "hint", id: "claims-note", text: note }));
}));

for (const id of ["add-claim", "add-claim-first"]) {
  $(id).addEventListener("click", () => {
    $("claims").append(claimCard({ kind: "party-not-listed", text: "" }));
    $("claims-box").hidden = false;
  });
}

function renderVerdicts(report) {
  const counts = { contradicted: 0, consistent: 0, undetermined: 0 };
  const box = $("verdicts");
  box.replaceChildren();
  for (const result of report.results) {
    counts[result.status] += 1;
    const card = el("div", { class: `verdict ${result.status}`, "data-claim": result.claim_id },
      el("div", {}, el("span", { class: `status ${result.status}`, text: result.status }), " ",
        el("strong", { text: result.claim_id }), el("span", { class: "hint", text: ` (${result.assessment})` })),
      el("p", { class: "summary", text: result.summary }));
    if (result.text) card.append(el("p", { class: "quote hint", text: `“${result.text}”` }));
    const steps = el("details", {}, el("summary", { text: `${result.steps.length} step(s) and their evidence` }));
    for (const step of result.steps) {
      const block = el("div", { class: "step" },
        el("div", { class: "title", text: `${step.number}. ${step.title} — ${step.status}` }),
        el("div", { text: step.finding }));
      if (step.settle) block.append(el("div", { class: "hint", text: `What would settle it: ${step.settle}` }));
      for (const ev of step.evidence) {
        const when = ev.data_date ? `, data date ${ev.data_date}` : "";
        const name = ev.name || ev.control_code || ev.entity_id;
        block.append(el("div", { class: "evidence",
          text: `${name} — ${ev.list || ev.source} [${ev.snapshot || ev.source}${when}]${ev.timing ? " · " + ev.timing : ""}` }));
      }
      steps.append(block);
    }
    card.append(steps);
    box.append(card);
  }
  $("counts").textContent = `${counts.contradicted} contradicted, ${counts.consistent} consistent, ${counts.undetermined} undetermined`;
  $("verdicts-box").hidden = false;
}

$("verify").addEventListener("click", () => busy($("verify"), async () => {
  const file = claimsFile();
  if (!file.claims.length) throw new Error("no claim to verify: add one");
  $("verify").textContent = "Verifying… (the first check after a start can take half a minute)";
  try {
    const report = await (await api("/verify", { method: "POST", headers: { "Content-Type": "application/json",
      Accept: "application/json" }, body: JSON.stringify(file) })).json();
    lastClaims = file;
    renderVerdicts(report);
  } finally {
    $("verify").textContent = "Verify the claims";
  }
}));

$("download").addEventListener("click", () => busy($("download"), async () => {
  if (!lastClaims) throw new Error("verify the claims first");
  const response = await api("/verify?format=html", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(lastClaims) });
  const blob = await response.blob();
  let link = $("download-link");
  if (!link) {
    link = el("a", { id: "download-link", download: "exportcheck-report.html", text: "exportcheck-report.html" });
    $("download").after(" ", link);
  }
  link.href = URL.createObjectURL(new Blob([blob], { type: "text/html" }));
  link.click();
}));

// --- name search ------------------------------------------------------------------------------
$("name-form").addEventListener("submit", (event) => {
  event.preventDefault();
  busy($("name-go"), async () => {
    const params = new URLSearchParams({ q: $("name-q").value, limit: "10" });
    if ($("name-country").value.trim()) params.set("country", $("name-country").value.trim());
    if ($("name-asof").value.trim()) params.set("as_of", $("name-asof").value.trim());
    const answer = await (await api("/screen?" + params)).json();
    const out = $("name-results");
    out.replaceChildren();
    if (!answer.matches.length) out.append(el("p", { id: "no-match", text: `No listed party near “${answer.query}”.` }));
    else {
      const table = el("table", { id: "name-table" }, el("tr", {}, ...["score", "match", "listed name", "list", "listed", "why"].map((h) => el("th", { text: h }))));
      for (const m of answer.matches) {
        table.append(el("tr", {}, el("td", { text: m.score.toFixed(2) }),
          el("td", { class: m.is_match ? "yes" : "", text: m.is_match ? "YES" : "no" }), el("td", { text: m.name }),
          el("td", { text: `${m.list} [${m.source}]` }), el("td", { text: m.listing_date || "" }), el("td", { text: m.explanation })));
      }
      out.append(table);
    }
    for (const r of answer.related_to_query) out.append(el("p", { class: "hint", text: `Related: ${r.relation}: ${r.name} (${r.list})` }));
    const dates = Object.entries(answer.snapshots).map(([s, v]) => `${s} ${v.data_date}`).join(", ");
    out.append(el("p", { class: "hint", text: `Searched: ${dates}. ${answer.disclaimer}` }));
  });
});

// --- control lookup ---------------------------------------------------------------------------
$("control-form").addEventListener("submit", (event) => {
  event.preventDefault();
  busy($("control-go"), async () => {
    const regime = $("control-regime").value;
    const code = $("control-code").value.trim();
    const params = new URLSearchParams();
    if ($("control-asof").value.trim()) params.set("as_of", $("control-asof").value.trim());
    const answer = await (await api(`/controls/${encodeURIComponent(regime)}/${encodeURIComponent(code)}?${params}`)).json();
    const out = $("control-result");
    out.replaceChildren(el("h3", { id: "control-head", text: `${answer.regime.toUpperCase()} ${answer.code}: ${answer.status}` }));
    if (answer.applicable_version) out.append(el("p", { class: "hint", text: `Version: ${answer.applicable_version}` }));
    for (const a of answer.ancestors || []) out.append(el("p", { class: "hint", text: `${a.code}: ${a.text}` }));
    if (answer.entry) {
      out.append(el("p", { id: "control-text", text: answer.entry.text }));
      for (const note of answer.entry.notes || []) out.append(el("p", { class: "hint", text: `${note.kind}: ${note.text}` }));
    }
    if ((answer.children || []).length) {
      const list = el("ul");
      for (const c of answer.children) list.append(el("li", { text: `${c.code}: ${c.text}` }));
      out.append(list);
    }
    for (const m of [...(answer.messages || []), ...(answer.warnings || [])]) out.append(el("p", { class: "hint", text: m }));
  });
});

// --- status -----------------------------------------------------------------------------------
async function loadStatus() {
  try {
    const ready = await (await fetch("/readyz")).json();
    if (ready.snapshots) {
      $("loaded").textContent = "Lists loaded: " + Object.entries(ready.snapshots).map(([s, v]) => `${s} (${v.data_date || "undated"})`).join(", ");
    } else {
      $("loaded").textContent = ready.detail || "loading the lists…";
    }
  } catch (e) { $("loaded").textContent = ""; }
}
loadStatus();
