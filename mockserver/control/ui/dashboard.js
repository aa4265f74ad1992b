// chroma-mockserver dashboard, part 3 of 3: the live request journal, fault rules, reset / export /
// import, and the start (it runs after dashboard-core.js and dashboard-data.js).
"use strict";
(() => {
  const { OWN, POLL_MS, $, enc, state, call, chroma, askToken, el, json, fmt, flash, guarded } = window.mockUI;
  const { refreshHealth, loadTree, reloadData, loadRecords, applyFilter, runQuery, pageSize } = window.mockUI;

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
