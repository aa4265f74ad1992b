// chroma-mockserver dashboard, part 1 of 3: constants, state, HTTP and DOM helpers (shared as window.mockUI).
// Plain JavaScript, no build step. It talks to this server like any other client: the admin API
// (/__mock/...) and the Chroma API. The other parts: dashboard-data.js (collections, records,
// nearest neighbours) and dashboard.js (journal, faults, reset/export/import, start).
"use strict";
window.mockUI = (() => {
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

  return { TOKEN_KEY, OWN, POLL_MS, $, enc, state, HttpError, call, chroma, askToken, el, json, short, fmt, flash, guarded, parseJsonField };
})();
