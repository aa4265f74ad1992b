// chroma-mockserver dashboard, part 2 of 3: the header's counters, tenants, databases and collections,
// their records (paged on the server, filtered) and nearest-neighbour queries.
"use strict";
(() => {
  const { $, enc, state, call, chroma, el, json, short, fmt, guarded, parseJsonField } = window.mockUI;

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

  Object.assign(window.mockUI, { refreshHealth, loadTree, reloadData, loadRecords, applyFilter, runQuery, pageSize });
})();
