/* Alpes Partners console: a small single-page app over the console's API (/api), plain
   JavaScript and SVG, nothing loaded from elsewhere. The user's bearer token lives in this
   tab's sessionStorage and goes with every call; the console forwards it to the services.
   Live updates arrive as server-sent events from /api/eventos (read with fetch, so that the
   token travels in a header and never in a URL). */
"use strict";

const TOKEN_KEY = "alpes.console.token";
const LANES = ["afiliaciones", "marca", "influencer", "tracking"];
const ESTADOS = ["creada", "confirmada", "iniciada", "finalizada", "cancelada"];
const KIND_NAMES = {
  inicio: "start", exito: "success", fallo: "failure", compensacion: "compensation",
  cancelacion: "cancellation", compensada: "compensated", ciclo: "lifecycle", aviso: "warning",
  info: "info",
};

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  config: null,
  me: null,
  live: null,          // AbortController of the live feed
  campaigns: new Map(),
  activity: [],
  route: null,
  listeners: new Set(), // what the current view wants from the live feed
};

/* --- DOM helpers (no innerHTML: every text is a text node) --- */

const SVG_NS = "http://www.w3.org/2000/svg";

function build(ns, tag, attrs, children) {
  const el = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.setAttribute("class", v);
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
const h = (tag, attrs, ...children) => build(null, tag, attrs, children);
const s = (tag, attrs, ...children) => build(SVG_NS, tag, attrs, children);
const $ = (sel, root = document) => root.querySelector(sel);

function toast(message, bad = false) {
  const el = $("#toast");
  el.textContent = message;
  el.classList.toggle("bad", bad);
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, bad ? 7000 : 3500);
}

const money = (n) => (n === null || n === undefined ? "–" :
  Number(n).toLocaleString("en-US", { maximumFractionDigits: 2 }));
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");
const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "–");
const shortId = (id) => (id ? String(id).slice(0, 8) : "");

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/* --- the API --- */

class ApiError extends Error {
  constructor(status, detail) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.status = status;
  }
}

function authHeaders() {
  return state.token ? { Authorization: `Bearer ${state.token}` } : {};
}

async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { ...authHeaders(), ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(`/api${path}`, init);
  let data = null;
  try { data = await r.json(); } catch { data = null; }
  if (r.status === 401) {
    signIn(data && data.detail ? `Not signed in: ${data.detail}` : "Not signed in");
    throw new ApiError(401, (data && data.detail) || "unauthorized");
  }
  if (!r.ok && r.status !== 207) throw new ApiError(r.status, (data && data.detail) || r.statusText);
  return data;
}

function describe(error) {
  if (error instanceof ApiError) return `${error.status}: ${error.message}`;
  return String(error && error.message ? error.message : error);
}

/* --- sign in --- */

function takeTokenFromUrl() {
  const hash = location.hash;
  if (!hash.startsWith("#token=")) return;
  const token = decodeURIComponent(hash.slice("#token=".length)).trim();
  if (token) {
    state.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
  }
  history.replaceState(null, "", `${location.pathname}${location.search}#/campanas`);
}

function signIn(message) {
  stopLive();
  const error = $("#signin-error");
  error.hidden = !message;
  error.textContent = message || "";
  $("#signin").hidden = false;
  $("#token").focus();
}

function signOut() {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  state.me = null;
  showWho();
  signIn(null);
}

async function start() {
  takeTokenFromUrl();
  $("#signin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const token = $("#token").value.trim().replace(/^Bearer\s+/i, "");
    if (!token) return;
    state.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    $("#token").value = "";
    $("#signin").hidden = true;
    boot();
  });
  $("#signout").addEventListener("click", signOut);
  window.addEventListener("hashchange", route);
  try {
    state.config = await api("/config");
  } catch (error) {
    $("#view").replaceChildren(h("p", { class: "error" }, `The console cannot start: ${describe(error)}`));
    return;
  }
  if (state.config.autenticacion && !state.token) {
    signIn(null);
    return;
  }
  boot();
}

async function boot() {
  try {
    state.me = await api("/yo");
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) toast(describe(error), true);
    return;
  }
  $("#signin").hidden = true;
  showWho();
  follow();
  pollHealth();
  route();
}

function showWho() {
  const who = $("[data-testid=who]");
  const me = state.me;
  who.textContent = !me ? "" : !me.autenticacion ? "authentication off"
    : me.rol === "marca" ? `brand ${me.id_marca}` : me.rol;
  $("#signout").hidden = !(me && me.autenticacion);
}

const isAdmin = () => state.me && state.me.rol === "admin";

/* --- live feed (server-sent events over fetch) --- */

function setLive(status, label) {
  const el = $("[data-testid=live]");
  el.dataset.state = status;
  $(".label", el).textContent = label || { live: "live", connecting: "connecting…", down: "afiliaciones unreachable", off: "offline" }[status];
}

function stopLive() {
  if (state.live) state.live.abort();
  state.live = null;
  setLive("off");
}

async function follow() {
  stopLive();
  const controller = new AbortController();
  state.live = controller;
  setLive("connecting");
  try {
    const r = await fetch("/api/eventos", { headers: authHeaders(), signal: controller.signal });
    if (r.status === 401) { signIn("Your token was refused"); return; }
    if (!r.ok || !r.body) throw new Error(`live feed: ${r.status}`);
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        dispatch(parseEvent(block));
      }
    }
  } catch (error) {
    if (controller.signal.aborted) return;
  }
  if (state.live !== controller) return;
  setLive("connecting", "reconnecting…");
  setTimeout(() => { if (state.live === controller) follow(); }, 2000);
}

function parseEvent(block) {
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  if (!data.length) return null;
  try { return { event, data: JSON.parse(data.join("\n")) }; } catch { return null; }
}

function dispatch(message) {
  if (!message) return;
  const { event, data } = message;
  if (event === "listo") setLive("live");
  else if (event === "desconectado") setLive("down");
  else if (event === "error") {
    setLive("off");
    if (data.status === 401) signIn(`Your token was refused: ${data.detail}`);
    state.live = null;
    return;
  } else if (event === "campana") {
    state.campaigns.set(data.id, data);
  } else if (event === "linea") {
    state.activity.unshift(data);
    state.activity.length = Math.min(state.activity.length, 50);
  }
  for (const listener of state.listeners) listener(event, data);
}

/* --- health dots --- */

async function pollHealth() {
  clearTimeout(pollHealth.timer);
  let body = null;
  try {
    const r = await fetch("/api/salud");
    body = await r.json();
  } catch { body = null; }
  const dots = $("[data-testid=health-dots]");
  dots.replaceChildren(...LANES.map((name) => {
    const svc = body && body.servicios.find((x) => x.servicio === name);
    const estado = svc ? svc.estado : "inalcanzable";
    return h("span", { class: `svc ${estado}`, title: `${name}: ${estado}` });
  }));
  pollHealth.timer = setTimeout(pollHealth, 10000);
}

/* --- routing --- */

function parseRoute() {
  const raw = location.hash.replace(/^#\/?/, "") || "campanas";
  const [path, query] = raw.split("?");
  return { parts: path.split("/").filter(Boolean), query: new URLSearchParams(query || "") };
}

function route() {
  if (location.hash.startsWith("#token=")) { takeTokenFromUrl(); }
  if (!state.me) return;
  const { parts, query } = parseRoute();
  state.listeners.clear();
  const section = parts[0] === "campana" ? "campanas" : parts[0];
  for (const a of document.querySelectorAll(".nav a")) a.classList.toggle("active", a.dataset.section === section);
  const view = $("#view");
  const pages = {
    campanas: () => campaignsPage(view, query),
    campana: () => campaignPage(view, parts[1]),
    marcas: () => brandsPage(view),
    influencers: () => influencersPage(view, query),
    "dead-letters": () => deadLettersPage(view),
    salud: () => healthPage(view),
  };
  (pages[parts[0]] || pages.campanas)();
}

/* --- campaigns --- */

function badge(estado, testid) {
  return h("span", { class: `badge ${estado}`, "data-testid": testid }, estado);
}

function campaignRow(c) {
  return h("tr", { "data-id": c.id },
    h("td", {}, h("a", { href: `#/campana/${c.id}` }, c.nombre), h("div", { class: "muted small mono" }, shortId(c.id))),
    h("td", {}, c.marca.nombre_marca, h("div", { class: "muted small mono" }, c.marca.id_marca)),
    h("td", {}, badge(c.estado, `estado-${c.id}`)),
    h("td", { class: "num" }, money(c.presupuesto)),
    h("td", { class: "num" }, c.influencers.length),
    h("td", { class: "small" }, when(c.fecha_creacion)),
  );
}

function kindDot(tipo) {
  return h("span", { class: `kind-dot ${tipo}`, title: KIND_NAMES[tipo] || tipo });
}

function activityItem(line) {
  return h("li", {},
    kindDot(line.tipo),
    h("div", {}, h("strong", {}, line.evento), " ", h("span", { class: "muted" }, `· ${line.origen}`),
      " ", h("a", { href: `#/campana/${line.id_campana}`, class: "mono small" }, shortId(line.id_campana))),
    h("div", { class: "when" }, clock(line.ocurrido_en), line.motivo ? ` — ${line.motivo}` : ""),
  );
}

async function statsCards() {
  const box = h("div", { class: "stats", "data-testid": "stats" });
  const fill = async () => {
    try {
      const e = await api("/sagas/estadisticas");
      box.replaceChildren(
        ...[["total", "sagas"], ["en_progreso", "in progress"], ["completadas", "completed"],
          ["compensando", "compensating"], ["compensadas", "compensated"], ["atascadas", "stuck"]]
          .map(([k, label]) => h("div", { class: "stat" }, h("div", { class: "n" }, e[k]), h("div", { class: "k" }, label))),
        h("div", { class: "stat" }, h("div", { class: "n" }, `${e.tasa_exito.toFixed(1)}%`), h("div", { class: "k" }, "success rate")),
      );
    } catch (error) { box.replaceChildren(h("p", { class: "error" }, describe(error))); }
  };
  await fill();
  return { box, fill };
}

async function campaignsPage(view, query) {
  const estado = query.get("estado") || "";
  const marca = isAdmin() ? query.get("marca") || "" : "";
  const rows = h("tbody", {});
  const more = h("button", { type: "button", hidden: true }, "Load more");
  const feed = h("ul", { class: "feed", "data-testid": "activity" });
  const { box: stats, fill: refreshStats } = await statsCards();
  let cursor = null;
  const shown = new Set();

  const estadoSel = h("select", { id: "f-estado", name: "estado" },
    h("option", { value: "" }, "any state"),
    ESTADOS.map((e) => h("option", { value: e, selected: e === estado }, e)));
  const marcaIn = h("input", { id: "f-marca", name: "marca", value: marca, placeholder: "brand id" });
  const filters = h("form", { class: "toolbar", onsubmit: (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (estadoSel.value) q.set("estado", estadoSel.value);
    if (marcaIn.value.trim()) q.set("marca", marcaIn.value.trim());
    location.hash = `#/campanas${q.toString() ? `?${q}` : ""}`;
  } },
    h("div", {}, h("label", { for: "f-estado" }, "State"), estadoSel),
    isAdmin() ? h("div", {}, h("label", { for: "f-marca" }, "Brand"), marcaIn) : null,
    h("button", { type: "submit" }, "Filter"),
  );

  const load = async (append) => {
    const q = new URLSearchParams({ limit: "50" });
    if (estado) q.set("estado", estado);
    if (marca) q.set("id_marca", marca);
    if (append && cursor) q.set("cursor", cursor);
    try {
      const page = await api(`/campanas?${q}`);
      if (!append) { rows.replaceChildren(); shown.clear(); }
      for (const c of page.campanas) {
        state.campaigns.set(c.id, c);
        shown.add(c.id);
        rows.append(campaignRow(c));
      }
      if (!rows.children.length) rows.append(h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No campaigns yet.")));
      cursor = page.siguiente;
      more.hidden = !cursor;
      count.textContent = `${page.total}${page.total_exacto ? "" : "+"} campaign${page.total === 1 ? "" : "s"}`;
    } catch (error) { toast(describe(error), true); }
  };
  more.addEventListener("click", () => load(true));
  const count = h("span", { class: "muted" });

  feed.append(...(state.activity.length ? state.activity.slice(0, 30).map(activityItem)
    : [h("li", { class: "empty" }, "Saga events appear here as they happen.")]));

  view.replaceChildren(
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, "Campaigns"), count),
      h("div", { class: "actions" }, h("button", { type: "button", class: "primary", "data-testid": "new-campaign", onclick: () => { location.hash = "#/campana/nueva"; } }, "New campaign"))),
    stats,
    h("div", { class: "grid two" },
      h("section", { class: "card" }, filters,
        h("div", { class: "table-wrap" }, h("table", { "data-testid": "campaigns" },
          h("thead", {}, h("tr", {}, ["Campaign", "Brand", "State", "Budget", "Influencers", "Created"].map((t, i) => h("th", { class: i === 3 || i === 4 ? "num" : null }, t)))),
          rows)),
        h("div", { class: "actions" }, more)),
      h("section", { class: "card" }, h("h2", {}, "Live activity"), feed)),
  );
  await load(false);

  let statsTimer = null;
  state.listeners.add((event, data) => {
    if (event === "linea") {
      const empty = $(".empty", feed);
      if (empty) empty.remove();
      feed.prepend(activityItem(data));
      while (feed.children.length > 30) feed.lastChild.remove();
      clearTimeout(statsTimer);
      statsTimer = setTimeout(refreshStats, 300);
    } else if (event === "campana") {
      if ((estado && data.estado !== estado) || (marca && data.marca.id_marca !== marca)) {
        if (shown.has(data.id)) { $(`tr[data-id="${data.id}"]`, rows)?.remove(); shown.delete(data.id); }
        return;
      }
      const row = campaignRow(data);
      row.classList.add("flash");
      const old = $(`tr[data-id="${data.id}"]`, rows);
      if (old) old.replaceWith(row);
      else { $(".empty", rows)?.closest("tr")?.remove(); rows.prepend(row); shown.add(data.id); }
    }
  });
}

/* --- a new campaign --- */

function isoDay(offsetDays) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  return d.toISOString().slice(0, 10);
}

function influencerFields(i) {
  const row = h("div", { class: "influencer-row", "data-testid": "influencer-row" },
    h("div", {}, h("label", {}, "Name"), h("input", { name: "i-nombre", required: true, value: i.nombre || "" })),
    h("div", {}, h("label", {}, "Platform"), h("input", { name: "i-plataforma", required: true, value: i.plataforma || "Instagram" })),
    h("div", {}, h("label", {}, "Followers"), h("input", { name: "i-seguidores", type: "number", min: 0, required: true, value: i.seguidores ?? 10000 })),
    h("div", {}, h("label", {}, "Category"), h("input", { name: "i-categoria", value: i.categoria || "" })),
    h("button", { type: "button", class: "small", title: "remove", onclick: () => row.remove() }, "✕"),
  );
  return row;
}

async function newCampaignPage(view) {
  const me = state.me;
  let marcas = [];
  if (isAdmin()) {
    try { marcas = (await api("/marcas?limit=200")).marcas; } catch { marcas = []; }
  }
  const ownBrand = me.rol === "marca" ? me.id_marca : null;
  const influencers = h("div", { "data-testid": "influencers" }, influencerFields({}));
  const brandSel = h("select", { id: "c-marca-sel", name: "marca_sel" },
    ownBrand ? h("option", { value: ownBrand }, ownBrand) : [
      h("option", { value: "" }, "A new brand (registered on the fly)"),
      marcas.map((m) => h("option", { value: m.id_marca }, `${m.nombre} — ${money(m.presupuesto_disponible)} available`)),
    ]);
  const brandName = h("input", { id: "c-marca-nombre", name: "nombre_marca", required: true, value: "" });
  brandSel.addEventListener("change", () => {
    const m = marcas.find((x) => x.id_marca === brandSel.value);
    if (m) brandName.value = m.nombre;
  });
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "create" }, "Create campaign");
  const form = h("form", { class: "card", "data-testid": "campaign-form", onsubmit: async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const body = {
      nombre: f.get("nombre").trim(),
      descripcion: f.get("descripcion").trim(),
      tipo: f.get("tipo"),
      fecha_inicio: `${f.get("fecha_inicio")}T00:00:00`,
      fecha_fin: `${f.get("fecha_fin")}T23:59:59`,
      presupuesto: Number(f.get("presupuesto")),
      marca: { id_marca: brandSel.value || uuid(), nombre_marca: brandName.value.trim() },
      influencers: [...influencers.querySelectorAll(".influencer-row")].map((row) => ({
        nombre: $("[name=i-nombre]", row).value.trim(),
        plataforma: $("[name=i-plataforma]", row).value.trim(),
        seguidores: Number($("[name=i-seguidores]", row).value),
        categoria: $("[name=i-categoria]", row).value.trim(),
      })),
    };
    submit.disabled = true;
    error.hidden = true;
    try {
      const c = await api("/campanas", { method: "POST", body, headers: { "Idempotency-Key": uuid() } });
      state.campaigns.set(c.id, c);
      toast(`Campaign “${c.nombre}” created: its saga runs`);
      location.hash = `#/campana/${c.id}`;
    } catch (err) {
      error.textContent = describe(err);
      error.hidden = false;
      submit.disabled = false;
    }
  } },
    h("h2", {}, "New campaign"),
    h("p", { class: "muted small" }, "Creating it starts its saga: marca reserves the budget, influencer assigns the influencers, tracking enables tracking; the page follows it live."),
    error,
    h("div", { class: "form-grid" },
      h("div", {}, h("label", { for: "c-nombre" }, "Name"), h("input", { id: "c-nombre", name: "nombre", required: true, maxlength: 200 })),
      h("div", {}, h("label", { for: "c-tipo" }, "Type"), h("select", { id: "c-tipo", name: "tipo" }, h("option", { value: "influencer" }, "influencer"), h("option", { value: "afiliado" }, "afiliado"))),
      h("div", { class: "wide" }, h("label", { for: "c-descripcion" }, "Description"), h("input", { id: "c-descripcion", name: "descripcion", maxlength: 1000 })),
      h("div", {}, h("label", { for: "c-inicio" }, "Starts"), h("input", { id: "c-inicio", name: "fecha_inicio", type: "date", required: true, value: isoDay(1) })),
      h("div", {}, h("label", { for: "c-fin" }, "Ends"), h("input", { id: "c-fin", name: "fecha_fin", type: "date", required: true, value: isoDay(31) })),
      h("div", {}, h("label", { for: "c-presupuesto" }, "Budget"), h("input", { id: "c-presupuesto", name: "presupuesto", type: "number", min: 0, step: "0.01", required: true, value: 15000 })),
    ),
    h("fieldset", {}, h("legend", {}, "Brand"),
      h("div", { class: "form-grid" },
        h("div", {}, h("label", { for: "c-marca-sel" }, "Brand"), brandSel),
        h("div", {}, h("label", { for: "c-marca-nombre" }, "Brand name"), brandName))),
    h("fieldset", {}, h("legend", {}, "Influencers"), influencers,
      h("div", { class: "actions" }, h("button", { type: "button", class: "small", onclick: () => influencers.append(influencerFields({})) }, "+ influencer"))),
    h("div", { class: "actions" }, submit, h("a", { href: "#/campanas" }, "Cancel")),
  );
  if (ownBrand) brandName.value = ownBrand;
  view.replaceChildren(h("div", { class: "page-head" }, h("h1", {}, "New campaign")), form);
  $("#c-nombre").focus();
}

/* --- one campaign: facts, actions, the saga picture, metrics --- */

async function campaignPage(view, id) {
  if (id === "nueva") return newCampaignPage(view);
  view.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  let campaign;
  try { campaign = await api(`/campanas/${encodeURIComponent(id)}`); } catch (error) {
    view.replaceChildren(h("p", { class: "error" }, describe(error)), h("a", { href: "#/campanas" }, "← campaigns"));
    return;
  }
  const head = h("section", { class: "card", "data-testid": "campaign" });
  const sagaBox = h("section", { class: "card" }, h("h2", {}, "Saga"), h("p", { class: "muted" }, "Loading…"));
  const metricsBox = h("section", { class: "card" }, h("h2", {}, "Tracking"), h("p", { class: "muted" }, "Loading…"));
  view.replaceChildren(h("p", {}, h("a", { href: "#/campanas" }, "← campaigns")), head, sagaBox, metricsBox);

  let saga = null;
  const drawHead = () => renderCampaignHead(head, campaign, saga, async (accion, body) => {
    try {
      campaign = await api(`/campanas/${campaign.id}/${accion}`, { method: "POST", body, headers: { "Idempotency-Key": uuid() } });
      toast(`Campaign ${campaign.estado}`);
      drawHead();
      refreshSaga();
    } catch (error) { toast(describe(error), true); }
  });
  const refreshSaga = async () => {
    try {
      saga = await api(`/campanas/${campaign.id}/saga`);
      renderSaga(sagaBox, saga);
      drawHead();
    } catch (error) { sagaBox.replaceChildren(h("h2", {}, "Saga"), h("p", { class: "error" }, describe(error))); }
  };
  const refreshMetrics = async () => renderMetrics(metricsBox, campaign.id);
  drawHead();
  await Promise.all([refreshSaga(), refreshMetrics()]);

  let timer = null;
  state.listeners.add((event, data) => {
    if (event === "campana" && data.id === campaign.id) {
      campaign = data;
      drawHead();
    } else if (event === "linea" && data.id_campana === campaign.id) {
      clearTimeout(timer);
      timer = setTimeout(() => { refreshSaga(); refreshMetrics(); }, 150);
    }
  });
}

function renderCampaignHead(box, c, saga, act) {
  const cancel = h("div", { class: "cancel-box" },
    h("div", {}, h("label", { for: "motivo" }, "Reason"), h("input", { id: "motivo", name: "motivo", value: "cancelada por el usuario", maxlength: 500 })),
    h("button", { type: "button", class: "danger", "data-testid": "cancel", onclick: () => act("cancelar", { motivo: $("#motivo").value.trim() || "cancelada por el usuario" }) }, "Cancel campaign"));
  const canCancel = ["creada", "confirmada", "iniciada"].includes(c.estado);
  box.replaceChildren(
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, c.nombre), h("div", { class: "muted small mono" }, c.id)),
      h("div", { class: "actions" },
        badge(c.estado, "estado"),
        saga ? h("span", { class: `badge ${saga.estado_saga}`, "data-testid": "estado-saga", title: "saga" }, `saga ${saga.estado_saga}`) : null)),
    c.descripcion ? h("p", {}, c.descripcion) : null,
    h("dl", { class: "facts" },
      [["Brand", [c.marca.nombre_marca, h("div", { class: "muted small mono" }, c.marca.id_marca)]], ["Type", c.tipo], ["Budget", money(c.presupuesto)],
        ["Runs", `${new Date(c.fecha_inicio).toLocaleDateString()} – ${new Date(c.fecha_fin).toLocaleDateString()}`],
        ["Created", when(c.fecha_creacion)], ["Influencers", c.influencers.map((i) => `${i.nombre} (${i.plataforma})`).join(", ") || "–"],
        ["Saga", h("span", { class: "mono", title: c.id_saga }, shortId(c.id_saga))]].map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
    h("div", { class: "actions" },
      c.estado === "confirmada" ? h("button", { type: "button", class: "primary", "data-testid": "start", onclick: () => act("iniciar") }, "Start campaign") : null,
      c.estado === "iniciada" ? h("button", { type: "button", class: "primary", "data-testid": "finish", onclick: () => act("finalizar") }, "Finish campaign") : null,
      canCancel ? cancel : null),
  );
}

function splitLabel(name) {
  const words = name.split(/(?=[A-Z])/);
  if (name.length <= 16 || words.length < 2) return [name];
  let best = 1;
  let bestDiff = Infinity;
  for (let i = 1; i < words.length; i++) {
    const diff = Math.abs(words.slice(0, i).join("").length - words.slice(i).join("").length);
    if (diff < bestDiff) { best = i; bestDiff = diff; }
  }
  return [words.slice(0, best).join(""), words.slice(best).join("")];
}

function elapsed(ms) {
  if (ms === null || ms === undefined) return "";
  if (ms < 1000) return `+${ms} ms`;
  if (ms < 60000) return `+${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  return `+${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

function marker(tipo) {
  // shape by kind: circle (success, start), diamond (compensation), square (cancellation),
  // circle with a cross (failure), ring (compensated)
  if (tipo === "compensacion") return [s("rect", { class: "mark", x: -9, y: -9, width: 18, height: 18, rx: 3, transform: "rotate(45)" })];
  if (tipo === "cancelacion") return [s("rect", { class: "mark", x: -9, y: -9, width: 18, height: 18, rx: 3 }), s("path", { class: "glyph", d: "M-4 -4 L4 4 M4 -4 L-4 4" })];
  if (tipo === "fallo") return [s("circle", { class: "mark", r: 11 }), s("path", { class: "glyph", d: "M-4 -4 L4 4 M4 -4 L-4 4" })];
  if (tipo === "compensada") return [s("circle", { class: "mark", r: 12 }), s("circle", { r: 6, fill: "none", stroke: "#fff", "stroke-width": 2 })];
  if (tipo === "exito") return [s("circle", { class: "mark", r: 11 }), s("path", { class: "glyph", d: "M-5 0 L-1.5 4 L5 -4" })];
  return [s("circle", { class: "mark", r: 10 })];
}

function sagaPicture(saga) {
  const lines = saga.linea_de_tiempo;
  const laneH = 78, left = 140, step = 104, top = 34, right = 60;
  const width = Math.max(760, left + Math.max(lines.length, 1) * step + right - step / 2);
  const height = top + LANES.length * laneH + 12;
  const laneY = (lane) => top + LANES.indexOf(lane) * laneH + laneH / 2;
  const x = (i) => left + step / 2 + i * step;

  const svg = s("svg", {
    class: "saga", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "data-testid": "saga-picture", "aria-label": `saga of ${saga.nombre}: ${saga.estado_saga}`,
  });
  LANES.forEach((lane, i) => {
    svg.append(
      s("rect", { class: `lane-bg${i % 2 ? " odd" : ""}`, x: 0, y: top + i * laneH, width, height: laneH }),
      s("text", { class: "lane-label", x: 16, y: top + i * laneH + laneH / 2 - 2 }, lane),
      s("text", { class: "lane-sub", x: 16, y: top + i * laneH + laneH / 2 + 14 },
        `${lines.filter((l) => l.carril === lane).length} event(s)`),
    );
  });
  svg.append(s("line", { class: "axis", x1: left, y1: top - 8, x2: width - 10, y2: top - 8 }));
  svg.append(s("text", { class: "lane-sub", x: 16, y: top - 12 }, "time →"));
  if (lines.length > 1) {
    svg.append(s("polyline", { class: "flow", points: lines.map((l, i) => `${x(i)},${laneY(l.carril)}`).join(" ") }));
  }
  lines.forEach((l, i) => {
    const label = splitLabel(l.evento);
    const y = laneY(l.carril);
    const g = s("g", {
      class: `ev ${l.tipo}`, transform: `translate(${x(i)},${y})`,
      "data-evento": l.evento, "data-tipo": l.tipo, "data-carril": l.carril,
    },
    s("title", {}, `${l.evento} (${KIND_NAMES[l.tipo] || l.tipo}) · ${l.origen} · ${when(l.ocurrido_en)}${l.motivo ? `\n${l.motivo}` : ""}`),
    marker(l.tipo),
    label.map((text, j) => s("text", { class: "ev-label", x: 0, y: -18 - (label.length - 1 - j) * 12, "text-anchor": "middle" }, text)),
    s("text", { class: "ev-time", x: 0, y: 26, "text-anchor": "middle" }, elapsed(l.desde_inicio_ms)));
    svg.append(g);
    const time = clock(l.ocurrido_en);
    if (i === 0 || time !== clock(lines[i - 1].ocurrido_en)) {
      svg.append(s("text", { class: "ev-time", x: x(i), y: top - 14, "text-anchor": "middle" }, time));
    }
  });
  return svg;
}

function renderSaga(box, saga) {
  const legend = h("div", { class: "legend" },
    [["inicio", "start", ""], ["exito", "success", ""], ["fallo", "failure", ""], ["compensacion", "compensation", "diamond"],
      ["cancelacion", "cancellation", "square"], ["ciclo", "lifecycle", ""]]
      .map(([k, label, shape]) => h("span", {}, h("i", { class: `${k} ${shape}` }), label)));
  const table = h("table", { class: "timeline", "data-testid": "timeline" },
    h("thead", {}, h("tr", {}, h("th", {}), h("th", {}, "Event"), h("th", {}, "Service"), h("th", {}, "From"), h("th", {}, "When"), h("th", {}, "Reason"))),
    h("tbody", {}, saga.linea_de_tiempo.map((l) => h("tr", { "data-tipo": l.tipo },
      h("td", { class: "kind" }, kindDot(l.tipo)), h("td", {}, l.evento), h("td", {}, l.carril), h("td", { class: "muted" }, l.origen),
      h("td", { class: "small" }, `${clock(l.ocurrido_en)} `, h("span", { class: "muted" }, elapsed(l.desde_inicio_ms))),
      h("td", { class: "small" }, l.motivo || "")))));
  const compensations = saga.linea_de_tiempo.filter((l) => l.tipo === "compensacion").map((l) => l.carril);
  box.replaceChildren(
    h("div", { class: "page-head" },
      h("h2", {}, "Saga"),
      h("span", { class: "muted small" }, `deadline ${clock(saga.plazo_saga)} · ${saga.linea_de_tiempo.length} events`,
        compensations.length ? ` · compensated by ${compensations.join(", ")}` : "")),
    saga.motivo_cancelacion ? h("p", { class: "reason", "data-testid": "saga-motivo" },
      h("strong", {}, `Cancelled by ${saga.origen_cancelacion || "?"}: `), saga.motivo_cancelacion) : null,
    h("div", { class: "saga-scroll" }, sagaPicture(saga)),
    legend,
    h("div", { class: "table-wrap" }, table),
  );
}

const COUNTERS = [["vistas", "views"], ["clics", "clicks"], ["conversiones", "conversions"], ["engagement", "engagement"], ["compartidos", "shares"], ["comentarios", "comments"]];

function barChart(rows, testid) {
  const width = 640, rowH = 30, labelW = 120, valueW = 70;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${width} ${rows.length * rowH + 6}`, role: "img", "data-testid": testid, "aria-label": "tracking metrics" });
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const barW = ((width - labelW - valueW) * r.value) / max;
    svg.append(
      s("text", { x: 0, y: y + 17 }, r.label),
      s("rect", { class: "track", x: labelW, y, width: width - labelW - valueW, height: rowH - 10, rx: 4 }),
      s("rect", { class: `bar ${r.cls || ""}`, x: labelW, y, width: Math.max(barW, r.value ? 2 : 0), height: rowH - 10, rx: 4 },
        s("title", {}, `${r.label}: ${r.value}`)),
      s("text", { class: "value", x: width - valueW + 8, y: y + 17 }, money(r.value)),
    );
  });
  return svg;
}

async function renderMetrics(box, id) {
  let m;
  try { m = await api(`/campanas/${id}/metricas`); } catch (error) {
    box.replaceChildren(h("h2", {}, "Tracking"), h("p", { class: "muted" },
      error.status === 404 ? "No tracking for this campaign (yet): tracking enables it when the saga reaches it." : describe(error)));
    return;
  }
  const rows = COUNTERS.map(([k, label]) => ({ label, value: m[k], cls: k === "conversiones" ? "conv" : "" }));
  box.replaceChildren(
    h("div", { class: "page-head" }, h("h2", {}, "Tracking"),
      h("span", { class: "muted small" }, `tracking ${m.estado} · ${m.total_eventos} events · conversion rate ${(m.tasa_conversion * 100).toFixed(1)}% · value ${money(m.valor_conversiones)}`)),
    barChart(rows, "metricas"),
    m.por_influencer.length ? h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, h("th", {}, "Influencer"), h("th", {}, "Code"), COUNTERS.map(([, l]) => h("th", { class: "num" }, l)))),
      h("tbody", {}, m.por_influencer.map((i) => h("tr", {},
        h("td", {}, `${i.nombre} (${i.plataforma})`), h("td", { class: "mono small" }, i.codigo),
        COUNTERS.map(([k]) => h("td", { class: "num" }, money(i[k])))))))) : null,
  );
}

/* --- brands and influencers --- */

function meter(parts, total, testid) {
  const width = 180, height = 12;
  const svg = s("svg", { class: "meter", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "data-testid": testid });
  svg.append(s("rect", { class: "track", x: 0, y: 0, width, height, rx: 6 }));
  let x = 0;
  for (const p of parts) {
    const w = total > 0 ? Math.min(width - x, (width * p.value) / total) : 0;
    if (w > 0) svg.append(s("rect", { class: p.cls, x, y: 0, width: w, height, rx: 6 }, s("title", {}, p.title)));
    x += w;
  }
  return svg;
}

async function brandsPage(view) {
  view.replaceChildren(h("h1", {}, "Brands"), h("p", { class: "muted" }, "Loading…"));
  let page;
  try { page = await api("/marcas?limit=200"); } catch (error) {
    view.replaceChildren(h("h1", {}, "Brands"), h("p", { class: "error" }, describe(error)));
    return;
  }
  view.replaceChildren(
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Brands"), h("span", { class: "muted" }, `${page.total} brands · budgets reserved by running sagas and campaigns`))),
    h("section", { class: "card" }, h("div", { class: "table-wrap" }, h("table", { "data-testid": "brands" },
      h("thead", {}, h("tr", {}, h("th", {}, "Brand"), h("th", {}, "Active"), h("th", { class: "num" }, "Total"), h("th", { class: "num" }, "Reserved"), h("th", { class: "num" }, "Available"), h("th", {}, "Budget"))),
      h("tbody", {}, page.marcas.length ? page.marcas.map((m) => h("tr", { "data-id": m.id_marca },
        h("td", {}, isAdmin() ? h("a", { href: `#/campanas?marca=${encodeURIComponent(m.id_marca)}` }, m.nombre) : m.nombre, h("div", { class: "muted small mono" }, m.id_marca)),
        h("td", {}, m.activa ? "yes" : h("span", { class: "badge cancelada" }, "inactive")),
        h("td", { class: "num" }, money(m.presupuesto_total)),
        h("td", { class: "num" }, money(m.presupuesto_reservado)),
        h("td", { class: "num" }, money(m.presupuesto_disponible)),
        h("td", {}, meter([
          { value: m.presupuesto_reservado, cls: "used", title: `reserved ${money(m.presupuesto_reservado)}` },
          { value: m.presupuesto_disponible, cls: "free", title: `available ${money(m.presupuesto_disponible)}` },
        ], m.presupuesto_total, `budget-${m.id_marca}`))))
        : h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No brands yet.")))))),
  );
}

async function influencersPage(view, query) {
  const nombre = query.get("nombre") || "";
  const input = h("input", { id: "f-nombre", name: "nombre", value: nombre, placeholder: "name contains…" });
  const body = h("tbody", {});
  view.replaceChildren(
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Influencers"), h("span", { class: "muted" }, `capacity: at most ${state.config.influencer_max_campanas} active campaigns each`))),
    h("section", { class: "card" },
      h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); location.hash = `#/influencers${input.value.trim() ? `?nombre=${encodeURIComponent(input.value.trim())}` : ""}`; } },
        h("div", {}, h("label", { for: "f-nombre" }, "Name"), input), h("button", { type: "submit" }, "Search")),
      h("div", { class: "table-wrap" }, h("table", { "data-testid": "influencers" },
        h("thead", {}, h("tr", {}, h("th", {}, "Influencer"), h("th", {}, "Platform"), h("th", { class: "num" }, "Followers"), h("th", {}, "Category"), h("th", {}, "Active"), h("th", {}, "Capacity"))),
        body))),
  );
  try {
    const page = await api(`/influencers?limit=200${nombre ? `&nombre=${encodeURIComponent(nombre)}` : ""}`);
    body.replaceChildren(...(page.influencers.length ? page.influencers.map((i) => {
      const full = i.campanas_activas >= i.capacidad;
      return h("tr", { "data-id": i.id_influencer },
        h("td", {}, i.nombre, h("div", { class: "muted small mono" }, i.id_influencer)),
        h("td", {}, i.plataforma), h("td", { class: "num" }, money(i.seguidores)), h("td", {}, i.categoria || "–"),
        h("td", {}, i.activo ? "yes" : h("span", { class: "badge cancelada" }, "inactive")),
        h("td", {}, h("div", { class: "actions" },
          meter([{ value: i.campanas_activas, cls: full ? "full" : "used", title: `${i.campanas_activas} active` }], i.capacidad, `capacity-${i.id_influencer}`),
          h("span", { class: "small" }, `${i.campanas_activas} / ${i.capacidad}`))));
    }) : [h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No influencers."))]));
  } catch (error) { body.replaceChildren(h("tr", {}, h("td", { colspan: 6, class: "error" }, describe(error)))); }
}

/* --- dead letters --- */

async function deadLettersPage(view) {
  const head = h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Dead letters"),
    h("span", { class: "muted" }, "messages a service could not handle, kept on the broker until replayed")));
  if (!isAdmin()) {
    view.replaceChildren(head, h("section", { class: "card" }, h("p", {}, "Dead letters are an operator's: sign in with an admin token.")));
    return;
  }
  const body = h("tbody", {});
  const replayAll = h("button", { type: "button", class: "primary", "data-testid": "replay-all", disabled: true }, "Replay all");
  const reload = h("button", { type: "button" }, "Refresh");
  const replay = async (ids) => {
    try {
      const r = await api("/dead-letters/replay", { method: "POST", body: ids ? { ids } : {} });
      const problems = r.demasiado_viejos.length + r.fallidos.length + r.no_encontrados.length;
      toast(`${r.reenviados.length} replayed${problems ? `, ${problems} not` : ""}`, problems > 0);
      load();
    } catch (error) { toast(describe(error), true); }
  };
  const load = async () => {
    body.replaceChildren(h("tr", {}, h("td", { colspan: 7, class: "empty" }, "Reading the dead-letter topics…")));
    replayAll.disabled = true;
    try {
      const { dead_letters: letters } = await api("/dead-letters");
      replayAll.disabled = !letters.length;
      body.replaceChildren(...(letters.length ? letters.map((d) => h("tr", { "data-id": d.id },
        h("td", {}, d.service), h("td", { class: "small mono" }, d.topic.split("/").pop()),
        h("td", {}, d.event_type), h("td", { class: "small mono" }, shortId(d.id)),
        h("td", { class: "small" }, d.reason), h("td", { class: "small" }, `${when(d.first_failure)} · ${d.attempts ?? "?"} attempts`),
        h("td", {}, h("button", { type: "button", class: "small", onclick: () => replay([d.id]) }, "Replay"))))
        : [h("tr", {}, h("td", { colspan: 7, class: "empty" }, "No dead letters: every message was handled."))]));
    } catch (error) { body.replaceChildren(h("tr", {}, h("td", { colspan: 7, class: "error" }, describe(error)))); }
  };
  replayAll.addEventListener("click", () => replay(null));
  reload.addEventListener("click", load);
  view.replaceChildren(head, h("section", { class: "card" },
    h("div", { class: "actions" }, replayAll, reload),
    h("div", { class: "table-wrap" }, h("table", { "data-testid": "dead-letters" },
      h("thead", {}, h("tr", {}, ["Service", "Topic", "Event", "Id", "Reason", "Failed", ""].map((t) => h("th", {}, t)))), body))));
  load();
}

/* --- health --- */

async function healthPage(view) {
  view.replaceChildren(h("h1", {}, "Health"), h("p", { class: "muted" }, "Asking every service…"));
  let body;
  try { body = await (await fetch("/api/salud")).json(); } catch (error) {
    view.replaceChildren(h("h1", {}, "Health"), h("p", { class: "error" }, describe(error)));
    return;
  }
  view.replaceChildren(
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Health"), h("span", { class: "muted" }, "each service's /ready: its database and the broker really answer"))),
    h("div", { class: "health-grid", "data-testid": "health" }, body.servicios.map((svc) => h("section", { class: "card health-card", "data-servicio": svc.servicio },
      h("h3", {}, svc.servicio, h("span", { class: `badge ${svc.estado}` }, svc.estado.replace("_", " "))),
      h("p", { class: "small muted mono" }, svc.url, svc.latencia_ms !== undefined ? ` · ${svc.latencia_ms} ms` : ""),
      h("pre", {}, typeof svc.detalle === "string" ? svc.detalle : JSON.stringify(svc.detalle, null, 2))))),
  );
}

start();
