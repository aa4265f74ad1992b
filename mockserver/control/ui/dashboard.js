// chroma-mockserver dashboard: plain JavaScript, no build step.
// It talks to this server like any other client: the admin API (/__mock/...) and the Chroma API.
"use strict";
(() => {
  const TOKEN_KEY = "chroma-mockserver-token";
  const OWN = "via=mock-ui"; // tags the dashboard's own Chroma calls, so the journal can hide them
  const POLL_MS = 1000;
  const $ = (id) => document.getElementById(id);
  const enc = encodeURIComponent;

  const state = {
    view: "data",
    collection: null, // {tenant, database, id, name, ...} as list_collections returns it
    page: 0,
    rows: [],
    filter: { where: null, where_document: null },
    journal: [], // oldest first, without bodies
    journalSeen: 0, // highest seq held
    journalMax: 1000,
    journalOpen: new Set(),
    operations: [],
    faultsShown: null, // the fault list last rendered, as JSON
    healthKey: null, // "collections/records" last seen
  };

  // --- HTTP ------------------------------------------------------------------------------------
  class HttpError extends Error {
    constructor(status, body) {
      super(body && body.message ? `${status} ${body.error || ""}: ${body.message}` : `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  let tokenPrompt = null; // one prompt for every request waiting on it

  // method, same-origin URL, JSON body (or {raw: text}); writes always send content-type: application/json.
  async function call(method, url, body, options = {}) {
    for (;;) {
      const headers = {};
      const token = sessionStorage.getItem(TOKEN_KEY);
      if (token) headers["Authorization"] = `Bearer ${token}`;
      const init = { method, headers, credentials: "same-origin", cache: "no-store" };
      if (method !== "GET" && method !== "HEAD") {
        headers["Content-Type"] = "application/json";
        init.body = body && typeof body.raw === "string" ? body.raw : JSON.stringify(body === undefined ? {} : body);
      }
      const response = await fetch(url, init);
      const text = await response.text();
      if (response.status === 401 || (response.status === 403 && options.prompt !== false)) {
        const reason = parse(text);
        if (await askToken(reason && reason.message ? reason.message : `HTTP ${response.status}`)) continue;
        throw new HttpError(response.status, reason);
      }
      if (!response.ok) throw new HttpError(response.status, parse(text));
      return options.text ? text : parse(text);
    }
  }

  function parse(text) {
    if (!text) return null;
    try { return JSON.parse(text); } catch { return { message: text }; }
  }

  // A Chroma API call, tagged as the dashboard's own.
  function chroma(method, path, body, options) {
    return call(method, path + (path.includes("?") ? "&" : "?") + OWN, body, options);
  }

  function askToken(reason) {
    if (tokenPrompt) return tokenPrompt;
    const dialog = $("token-dialog");
    $("token-reason").textContent = reason;
    $("token-input").value = sessionStorage.getItem(TOKEN_KEY) || "";
    tokenPrompt = new Promise((resolve) => {
      dialog.addEventListener("close", function done() {
        dialog.removeEventListener("close", done);
        tokenPrompt = null;
        const value = $("token-input").value.trim();
        if (dialog.returnValue === "ok" && value) {
          sessionStorage.setItem(TOKEN_KEY, value);
          resolve(true);
        } else {
          if (dialog.returnValue === "forget") sessionStorage.removeItem(TOKEN_KEY);
          resolve(false);
        }
      });
    });
    dialog.returnValue = "";
    dialog.showModal();
    $("token-input").focus();
    return tokenPrompt;
  }

  // --- small DOM helpers -------------------------------------------------------------------------
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  const json = (value) => JSON.stringify(value, null, 2);
  const short = (value) => (value === null || value === undefined ? "" : JSON.stringify(value));
  const fmt = (n) => Number(n).toLocaleString("en-US");

  let flashTimer = null;
  function flash(message, error = false) {
    const box = $("flash");
    box.textContent = message;
    box.className = error ? "error" : "";
    box.hidden = false;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => { box.hidden = true; }, error ? 8000 : 3000);
  }

  // Runs an action, flashing its error rather than losing it.
  function guarded(action) {
    return async (event) => {
      if (event && event.preventDefault) event.preventDefault();
      try { await action(event); } catch (error) { flash(error.message, true); }
    };
  }

  function parseJsonField(id, what) {
    const text = $(id).value.trim();
    if (!text) return null;
    try { return JSON.parse(text); } catch (error) { throw new Error(`${what} is not JSON: ${error.message}`); }
  }

  // --- views -----------------------------------------------------------------------------------
  function showView() {
    const view = (location.hash || "#data").slice(1);
    state.view = ["data", "journal", "faults"].includes(view) ? view : "data";
    for (const name of ["data", "journal", "faults"]) {
      $(`view-${name}`).hidden = name !== state.view;
      $(`tab-${name}`).classList.toggle("active", name === state.view);
    }
    if (state.view === "faults") loadFaults().catch((e) => flash(e.message, true));
  }

  // The header's counters; true when the numbers of collections or records changed since the last look.
  async function refreshHealth() {
    const health = await call("GET", "/__mock/health");
    const key = `${health.collections}/${health.records}`;
    const changed = state.healthKey !== null && key !== state.healthKey;
    state.healthKey = key;
    $("health").textContent = `${fmt(health.collections)} collections · ${fmt(health.records)} records · ${health.operations} operations`;
    $("faults-badge").textContent = health.faults ? String(health.faults) : "";
    return changed;
  }

  // --- data: tenants, databases, collections -----------------------------------------------------
  const base = (c) => `/api/v2/tenants/${enc(c.tenant)}/databases/${enc(c.database)}/collections/${enc(c.id)}`;

  async function loadTree() {
    const { tenants } = await call("GET", "/__mock/tenants");
    const tree = el("div");
    let found = null;
    for (const tenant of tenants) {
      tree.append(el("div", { class: "tenant" }, tenant.name));
      for (const db of tenant.databases) {
        tree.append(el("div", { class: "database" }, db.name, " ", el("span", { class: "muted" }, `(${db.collections})`)));
        if (!db.collections) continue;
        let collections;
        try {
          collections = await chroma("GET", `/api/v2/tenants/${enc(tenant.name)}/databases/${enc(db.name)}/collections?limit=1000`, undefined, { prompt: false });
        } catch (error) {
          if (error.status !== 403) throw error;
          tree.append(el("div", { class: "muted small", style: "padding-left:32px" }, "no access with this token"));
          continue;
        }
        collections.sort((a, b) => a.name.localeCompare(b.name));
        const counts = await Promise.all(collections.map((c) => chroma("GET", base({ ...c, tenant: tenant.name, database: db.name }) + "/count").catch(() => "?")));
        collections.forEach((c, i) => {
          const full = { ...c, tenant: tenant.name, database: db.name, count: counts[i] };
          const link = el("a", { class: "collection", href: "#data", "data-id": c.id, title: c.id },
            el("span", {}, c.name), el("span", { class: "count" }, typeof counts[i] === "number" ? fmt(counts[i]) : "?"));
          link.addEventListener("click", guarded(() => selectCollection(full)));
          if (state.collection && state.collection.id === c.id) found = full;
          tree.append(link);
        });
      }
    }
    $("tree").replaceChildren(el("div", { class: "buttons", style: "padding:0 12px 6px;margin:0" },
      el("b", {}, "Collections"), el("button", { class: "link", type: "button", title: "Reload", onclick: guarded(reloadData) }, "↻ reload")), tree);
    if (state.collection && !found) unselect();
    else if (found) await selectCollection(found, false);
    markActive();
  }

  function markActive() {
    for (const link of document.querySelectorAll("#tree a.collection")) {
      link.classList.toggle("active", !!state.collection && link.dataset.id === state.collection.id);
    }
  }

  function unselect() {
    state.collection = null;
    $("collection").hidden = true;
    $("no-collection").hidden = false;
  }

  async function selectCollection(c, fresh = true) {
    if (fresh && (!state.collection || state.collection.id !== c.id)) {
      state.page = 0;
      $("neighbours").hidden = true;
      $("query-vector").value = "";
    }
    state.collection = c;
    markActive();
    $("no-collection").hidden = true;
    $("collection").hidden = false;
    $("col-name").textContent = c.name;
    $("col-where").textContent = `${c.tenant} / ${c.database}`;
    const facts = [["id", c.id], ["records", typeof c.count === "number" ? fmt(c.count) : "?"], ["dimension", c.dimension ?? "not set yet"]];
    const space = c.configuration_json && c.configuration_json.hnsw && c.configuration_json.hnsw.space;
    if (space) facts.push(["space", space]);
    $("col-facts").replaceChildren(...facts.map(([k, v]) => el("span", {}, `${k} `, el("b", { class: k === "id" ? "mono" : "" }, String(v)))));
    $("col-metadata").textContent = json(c.metadata);
    $("col-configuration").textContent = json(c.configuration_json);
    $("col-schema").textContent = json(c.schema);
    await loadRecords();
  }

  async function reloadData() {
    await Promise.all([loadTree(), refreshHealth()]);
  }

  // --- data: records, paged on the server ----------------------------------------------------------
  const pageSize = () => Number($("page-size").value);
  const filtered = () => state.filter.where !== null || state.filter.where_document !== null;

  async function loadRecords() {
    const c = state.collection;
    const size = pageSize();
    const offset = state.page * size;
    const body = { limit: size + 1, offset, include: ["documents", "metadatas", "embeddings"] };
    if (state.filter.where !== null) body.where = state.filter.where;
    if (state.filter.where_document !== null) body.where_document = state.filter.where_document;
    const [got, count] = await Promise.all([chroma("POST", base(c) + "/get", body), chroma("GET", base(c) + "/count")]);
    c.count = count;
    const more = got.ids.length > size;
    const n = Math.min(got.ids.length, size);
    state.rows = [];
    for (let i = 0; i < n; i++) {
      state.rows.push({
        id: got.ids[i],
        document: got.documents ? got.documents[i] : null,
        metadata: got.metadatas ? got.metadatas[i] : null,
        embedding: got.embeddings ? got.embeddings[i] : null,
      });
    }
    const tbody = $("records").tBodies[0];
    tbody.replaceChildren(...state.rows.map(recordRow));
    if (!n) tbody.append(el("tr", {}, el("td", { class: "empty", colspan: "5" }, filtered() ? "No record matches the filter." : "No records on this page.")));
    const range = n ? `${fmt(offset + 1)}–${fmt(offset + n)}` : "none";
    $("page-info").textContent = filtered()
      ? `records ${range} matching the filter (of ${fmt(count)} in the collection)`
      : `records ${range} of ${fmt(count)}`;
    $("prev-page").disabled = $("first-page").disabled = state.page === 0;
    $("next-page").disabled = !more;
    $("last-page").disabled = !more || filtered(); // with a filter the number of matches is unknown
  }

  function recordRow(row) {
    const embedding = row.embedding
      ? `[${row.embedding.slice(0, 4).map((x) => Number(x).toFixed(3)).join(", ")}${row.embedding.length > 4 ? ", …" : ""}] (${row.embedding.length})`
      : "";
    const neighbours = el("button", { type: "button", class: "link", title: "Query the nearest neighbours of this record" }, "Neighbours");
    neighbours.addEventListener("click", guarded(async () => {
      if (!row.embedding) throw new Error("this record has no embedding");
      $("query-vector").value = JSON.stringify(row.embedding);
      await runQuery();
      $("query-form").scrollIntoView({ behavior: "smooth", block: "start" });
    }));
    return el("tr", {},
      el("td", { class: "id" }, row.id),
      el("td", { class: "doc" }, row.document ?? ""),
      el("td", { class: "meta" }, short(row.metadata)),
      el("td", { class: "emb" }, embedding),
      el("td", {}, neighbours));
  }

  async function applyFilter() {
    const where = parseJsonField("where", "where");
    const whereDocument = parseJsonField("where-document", "where_document");
    state.filter = { where, where_document: whereDocument };
    state.page = 0;
    await loadRecords();
  }

  async function runQuery() {
    const vector = parseJsonField("query-vector", "the query vector");
    if (!Array.isArray(vector) || !vector.length || !vector.every((x) => typeof x === "number")) {
      throw new Error("the query vector must be a JSON array of numbers");
    }
    const body = { query_embeddings: [vector], n_results: Number($("n-results").value) || 5, include: ["documents", "metadatas", "distances"] };
    if (state.filter.where !== null) body.where = state.filter.where;
    if (state.filter.where_document !== null) body.where_document = state.filter.where_document;
    const result = await chroma("POST", base(state.collection) + "/query", body);
    const ids = result.ids[0];
    const rows = ids.map((id, i) => el("tr", {},
      el("td", { class: "num" }, String(i + 1)),
      el("td", { class: "id" }, id),
      el("td", { class: "num mono" }, result.distances ? Number(result.distances[0][i]).toFixed(5) : ""),
      el("td", { class: "doc" }, result.documents ? result.documents[0][i] ?? "" : ""),
      el("td", { class: "meta" }, result.metadatas ? short(result.metadatas[0][i]) : "")));
    const tbody = $("neighbours").tBodies[0];
    tbody.replaceChildren(...rows);
    if (!rows.length) tbody.append(el("tr", {}, el("td", { class: "empty", colspan: "5" }, "No neighbours.")));
    $("neighbours").hidden = false;
  }

  // --- journal: polled with a cursor, newest first ----------------------------------------------------
  function journalMatches(entry) {
    const op = $("j-operation").value;
    const status = $("j-status").value;
    const path = $("j-path").value.trim();
    if (!$("j-own").checked && isOwn(entry)) return false;
    if (op === "(none)" ? entry.operation_id !== null : op && entry.operation_id !== op) return false;
    if (status && (status.endsWith("xx") ? String(entry.status)[0] !== status[0] : String(entry.status) !== status)) return false;
    return !path || entry.path.includes(path);
  }

  const isOwn = (entry) => !!entry.query && entry.query.split("&").includes(OWN);

  function journalRow(entry, fresh) {
    const time = new Date(entry.time * 1000).toLocaleTimeString("en-GB", { hour12: false }) + `.${String(Math.floor((entry.time % 1) * 1000)).padStart(3, "0")}`;
    const row = el("tr", { class: `entry${fresh ? " fresh" : ""}`, "data-seq": String(entry.seq) },
      el("td", { class: "num muted" }, String(entry.seq)),
      el("td", { class: "mono" }, time),
      el("td", { class: "method" }, entry.method),
      el("td", { class: "path" }, entry.path + (entry.query ? `?${entry.query}` : "")),
      el("td", {}, entry.operation_id ?? el("span", { class: "muted" }, "none")),
      el("td", { class: `status s${String(entry.status)[0]}` }, String(entry.status)),
      el("td", { class: "num" }, entry.duration_ms.toFixed(1)),
      el("td", {}, entry.fault ? el("span", { class: "tag" }, entry.fault) : (entry.exception ? el("span", { class: "tag" }, "mock bug") : "")));
    row.addEventListener("click", guarded(() => toggleEntry(row, entry.seq)));
    return row;
  }

  async function toggleEntry(row, seq) {
    const next = row.nextElementSibling;
    if (next && next.classList.contains("detail")) {
      next.remove();
      row.classList.remove("open");
      state.journalOpen.delete(seq);
      return;
    }
    row.classList.add("open");
    state.journalOpen.add(seq);
    const cell = el("td", { colspan: "8" }, el("span", { class: "muted" }, "Loading…"));
    row.after(el("tr", { class: "detail", "data-seq": String(seq) }, cell));
    let entry;
    try {
      entry = await call("GET", `/__mock/journal/${seq}`);
    } catch (error) {
      cell.replaceChildren(el("span", { class: "muted" }, error.status === 404 ? "This entry is no longer in the journal." : error.message));
      return;
    }
    const bodies = el("div", { class: "bodies" },
      el("div", {}, el("h3", {}, "Request body"), el("pre", { class: "request-body" }, entry.request_body === null ? "(none)" : json(entry.request_body))),
      el("div", {}, el("h3", {}, `Response body (${entry.status})`), el("pre", { class: "response-body" }, entry.response_body === null ? "(none)" : json(entry.response_body))));
    cell.replaceChildren(bodies);
    if (entry.exception) cell.append(el("h3", {}, "Traceback (a mock bug)"), el("pre", {}, entry.exception));
  }

  function renderJournal() {
    const tbody = $("journal").tBodies[0];
    const rows = [];
    for (let i = state.journal.length - 1; i >= 0; i--) {
      if (journalMatches(state.journal[i])) rows.push(journalRow(state.journal[i], false));
    }
    state.journalOpen.clear();
    tbody.replaceChildren(...rows);
    if (!rows.length) tbody.append(el("tr", { class: "none" }, el("td", { class: "empty", colspan: "8" }, state.journal.length ? "No entry matches the filter." : "No request recorded yet.")));
    journalInfo();
  }

  function journalInfo() {
    const shown = $("journal").querySelectorAll("tbody tr.entry").length;
    $("j-info").textContent = state.journalMax
      ? `${fmt(shown)} shown of ${fmt(state.journal.length)} held (keeps the last ${fmt(state.journalMax)})`
      : "The journal is off (--journal-size 0).";
    const others = state.journal.filter((e) => !isOwn(e)).length; // what the apps sent
    $("journal-badge").textContent = others ? String(others) : "";
  }

  function addOperationOption(id) {
    if (id === null || state.operations.includes(id)) return;
    state.operations.push(id);
    $("j-operation").append(el("option", { value: id }, id));
  }

  async function pollJournal() {
    const since = state.journalSeen ? `&since=${state.journalSeen}` : "";
    const result = await call("GET", `/__mock/journal?bodies=false${since}`);
    state.journalMax = result.maxlen;
    const fresh = result.entries.filter((e) => e.seq > state.journalSeen);
    for (const entry of fresh) addOperationOption(entry.operation_id);
    state.journal.push(...fresh);
    if (fresh.length) state.journalSeen = fresh[fresh.length - 1].seq;
    // The server holds its newest `total` entries: anything older here was dropped or cleared there.
    const stale = state.journal.length - result.total;
    const tbody = $("journal").tBodies[0];
    if (stale > 0) {
      const gone = new Set(state.journal.splice(0, stale).map((e) => String(e.seq)));
      for (const row of [...tbody.rows]) if (gone.has(row.dataset.seq)) row.remove();
    }
    const shown = fresh.filter(journalMatches);
    if (shown.length) {
      const placeholder = tbody.querySelector("tr.none");
      if (placeholder) placeholder.remove();
      tbody.prepend(...shown.reverse().map((e) => journalRow(e, true)));
    }
    if (stale > 0 && !tbody.rows.length) renderJournal();
    else journalInfo();
  }

  let polling = false;
  async function journalLoop() {
    if (!polling && $("j-live").checked) {
      polling = true;
      try { await pollJournal(); } catch (error) { if (error.status !== 401 && error.status !== 403) flash(`journal: ${error.message}`, true); }
      polling = false;
    }
    setTimeout(journalLoop, POLL_MS);
  }

  async function clearJournal() {
    await call("DELETE", "/__mock/journal", {});
    state.journal = [];
    renderJournal();
  }

  // --- faults -------------------------------------------------------------------------------------
  const nothing = (value) => (value === null || value === undefined ? el("span", { class: "muted" }, "any") : value);

  async function loadFaults() {
    const { faults } = await call("GET", "/__mock/faults");
    const key = JSON.stringify(faults);
    if (key === state.faultsShown) return; // unchanged: keep the rows (and whatever the user points at)
    state.faultsShown = key;
    const rows = faults.map((f) => {
      const remove = el("button", { type: "button", class: "link danger", title: `Remove rule ${f.id}` }, "Remove");
      remove.addEventListener("click", guarded(async () => { await call("DELETE", `/__mock/faults/${enc(f.id)}`, {}); await loadFaults(); }));
      return el("tr", { "data-id": f.id },
        el("td", { class: "id" }, f.id),
        el("td", {}, nothing(f.operation_id)),
        el("td", {}, nothing(f.method)),
        el("td", { class: "mono" }, nothing(f.path)),
        el("td", { class: f.status ? `status s${String(f.status)[0]}` : "muted" }, f.status ? `${f.status}${f.error ? ` ${f.error}` : ""} “${f.message}”` : "delay only"),
        el("td", { class: "num" }, f.delay_ms ? `${f.delay_ms} ms` : "0"),
        el("td", { class: "num" }, f.remaining === null || f.remaining === undefined ? "∞" : String(f.remaining)),
        el("td", { class: "num" }, String(f.probability)),
        el("td", { class: "num hits" }, String(f.hits)),
        el("td", {}, remove));
    });
    const tbody = $("faults").tBodies[0];
    tbody.replaceChildren(...rows);
    if (!rows.length) tbody.append(el("tr", {}, el("td", { class: "empty", colspan: "10" }, "No fault rule: every request runs normally.")));
    $("faults-badge").textContent = faults.length ? String(faults.length) : "";
  }

  async function addFault() {
    const value = (id) => $(id).value.trim();
    const number = (id) => (value(id) === "" ? null : Number(value(id)));
    const rule = {
      operation_id: value("f-operation") || null,
      method: value("f-method") || null,
      path: value("f-path") || null,
      status: number("f-status"),
      delay_ms: number("f-delay") ?? 0,
      times: number("f-times"),
      probability: number("f-probability") ?? 1,
      message: value("f-message") || "injected fault",
    };
    const created = await call("POST", "/__mock/faults", rule);
    flash(`Added fault rule ${created.id}`);
    await loadFaults();
  }

  async function faultsLoop() {
    if (state.view === "faults") { try { await loadFaults(); } catch { /* shown on the next action */ } }
    setTimeout(faultsLoop, 1500);
  }

  // --- reset, export, import ----------------------------------------------------------------------
  async function reset() {
    if (!confirm("Reset the mock? Its state goes back to empty (or to its seed), and the journal and fault rules are cleared.")) return;
    await call("POST", "/__mock/reset", {});
    state.journal = [];
    renderJournal();
    await Promise.all([reloadData(), loadFaults()]);
    flash("The mock was reset.");
  }

  async function exportState() {
    const text = await call("GET", "/__mock/export", undefined, { text: true });
    const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
    const link = el("a", { href: url, download: `chroma-mock-export-${stamp}.json` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  async function importState(event) {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    const created = await call("POST", "/__mock/import", { raw: await file.text() });
    flash(`Imported ${file.name}: ${fmt(created.collections)} collections, ${fmt(created.records)} records.`);
    await reloadData();
  }

  // --- start --------------------------------------------------------------------------------------
  async function loadOperations() {
    const spec = await chroma("GET", "/openapi.json");
    const ids = [];
    for (const item of Object.values(spec.paths)) {
      for (const operation of Object.values(item)) if (operation && operation.operationId) ids.push(operation.operationId);
    }
    ids.sort();
    for (const id of ids) $("f-operation").append(el("option", { value: id }, id));
    $("j-operation").append(el("option", { value: "(none)" }, "(no operation)"));
    for (const id of ids) addOperationOption(id);
  }

  function wire() {
    window.addEventListener("hashchange", showView);
    $("filter-form").addEventListener("submit", guarded(applyFilter));
    $("clear-filter").addEventListener("click", guarded(async () => { $("where").value = ""; $("where-document").value = ""; await applyFilter(); }));
    $("prev-page").addEventListener("click", guarded(async () => { state.page = Math.max(0, state.page - 1); await loadRecords(); }));
    $("next-page").addEventListener("click", guarded(async () => { state.page += 1; await loadRecords(); }));
    $("first-page").addEventListener("click", guarded(async () => { state.page = 0; await loadRecords(); }));
    $("last-page").addEventListener("click", guarded(async () => {
      state.page = Math.max(0, Math.ceil(state.collection.count / pageSize()) - 1);
      await loadRecords();
    }));
    $("page-size").addEventListener("change", guarded(async () => { state.page = 0; await loadRecords(); }));
    $("query-form").addEventListener("submit", guarded(runQuery));
    for (const id of ["j-operation", "j-status", "j-own"]) $(id).addEventListener("change", renderJournal);
    $("j-path").addEventListener("input", renderJournal);
    $("j-clear").addEventListener("click", guarded(clearJournal));
    $("fault-form").addEventListener("submit", guarded(addFault));
    $("f-clear").addEventListener("click", guarded(async () => { await call("DELETE", "/__mock/faults", {}); await loadFaults(); }));
    $("reset").addEventListener("click", guarded(reset));
    $("export").addEventListener("click", guarded(exportState));
    $("import-file").addEventListener("change", guarded(importState));
    $("token-button").addEventListener("click", guarded(async () => { if (await askToken("Token for this server (for --auth).")) await reloadData(); }));
    $("token-forget").addEventListener("click", () => { $("token-input").value = ""; });
  }

  async function start() {
    wire();
    showView();
    renderJournal();
    try {
      await Promise.all([reloadData(), loadOperations()]);
    } catch (error) {
      flash(error.message, true);
    }
    journalLoop();
    faultsLoop();
    // The data view follows what other clients write: reloaded when the counts change.
    setInterval(async () => {
      try { if ((await refreshHealth()) && state.view === "data") await loadTree(); } catch { /* shown on the next action */ }
    }, 2000);
    document.body.dataset.ready = "true"; // for tests: the first load is done
  }

  start();
})();
