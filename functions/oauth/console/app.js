// The Exlogare console: sign in (authorization code + PKCE at the team's identity provider),
// connect GitFlic, watch projects, set rooms, read reports. Plain DOM, no third-party code.
// Everything from outside (names, excerpts, messages) is set as text, never as markup.
"use strict";

const STRINGS = {
  en: {
    brand: "Exlogare", nav_connections: "Connections", nav_rooms: "Rooms", sign_out: "Sign out",
    other_language: "Русский",
    sign_in_title: "Why did the pipeline fail?",
    sign_in_text: "Sign in to connect GitFlic, choose the projects to watch and the rooms that hear about their failures.",
    sign_in: "Sign in", sign_in_unconfigured: "Sign-in is not configured for this deployment (see README, \"The console\").",
    session_expired: "Your session has ended: sign in again.",
    sign_in_failed: "Sign-in failed: ",
    connections: "GitFlic connections", no_connections: "No GitFlic connection yet.",
    connect_title: "Connect GitFlic", base_url: "GitFlic address (empty: gitflic.ru)",
    connect: "Connect", reconnect: "Reconnect", disconnect: "Disconnect", projects: "Projects",
    needs_reconnect: "needs reconnecting", active: "active",
    connected: "GitFlic is connected.", connect_failed: "GitFlic was not connected: ",
    confirm_disconnect: "Disconnect this GitFlic connection and delete its webhooks?",
    projects_title: "Projects", sync: "Sync projects", include_shared: "Include projects shared with me",
    search: "Search projects", watched: "watched", watch: "Watch", update: "Save", unwatch: "Unwatch",
    branch_pattern: "Branch pattern (empty: every branch)", discussions: "Discuss failures on merge requests",
    discussions_refused: "GitFlic refused a discussion (no write rights)",
    reports: "Reports", no_projects: "Sync to list the projects of this connection.",
    rooms_title: "Rooms", rooms_text: "Where reports go. Credentials are shown masked.",
    save: "Save", remove: "Remove", send_test: "Send a test message", test_sent: "Delivered.",
    saved: "Saved.", not_set: "not set",
    slack_webhook_url: "Slack incoming webhook URL", telegram_bot_token: "Telegram bot token",
    telegram_chat_id: "Telegram chat id", matrix_homeserver: "Matrix homeserver",
    matrix_access_token: "Matrix access token", matrix_room_id: "Matrix room id (!room:server)",
    reports_title: "Reports", no_reports: "No report yet: a failed pipeline of this project will show here.",
    pipeline: "Pipeline", open_pipeline: "Open in GitFlic", where: "Where", hint: "Hint",
    seen: (n) => `seen ${n} time${n === 1 ? "" : "s"} in 7 days`, new_failure: "new failure",
    failed: "Something went wrong: ", loading: "Loading…",
  },
  ru: {
    brand: "Exlogare", nav_connections: "Подключения", nav_rooms: "Комнаты", sign_out: "Выйти",
    other_language: "English",
    sign_in_title: "Почему упал конвейер?",
    sign_in_text: "Войдите, чтобы подключить GitFlic, выбрать проекты и комнаты, куда приходят отчёты об их сбоях.",
    sign_in: "Войти", sign_in_unconfigured: "Вход не настроен в этой установке (см. README, «The console»).",
    session_expired: "Сеанс закончился: войдите снова.",
    sign_in_failed: "Войти не удалось: ",
    connections: "Подключения GitFlic", no_connections: "GitFlic ещё не подключён.",
    connect_title: "Подключить GitFlic", base_url: "Адрес GitFlic (пусто: gitflic.ru)",
    connect: "Подключить", reconnect: "Подключить заново", disconnect: "Отключить", projects: "Проекты",
    needs_reconnect: "нужно подключить заново", active: "активно",
    connected: "GitFlic подключён.", connect_failed: "GitFlic не подключён: ",
    confirm_disconnect: "Отключить это подключение GitFlic и удалить его вебхуки?",
    projects_title: "Проекты", sync: "Обновить список", include_shared: "Включая проекты, к которым мне дали доступ",
    search: "Поиск проекта", watched: "отслеживается", watch: "Отслеживать", update: "Сохранить", unwatch: "Не отслеживать",
    branch_pattern: "Шаблон веток (пусто: все ветки)", discussions: "Обсуждать сбои в merge request",
    discussions_refused: "GitFlic не дал открыть обсуждение (нет прав на запись)",
    reports: "Отчёты", no_projects: "Обновите список, чтобы увидеть проекты этого подключения.",
    rooms_title: "Комнаты", rooms_text: "Куда приходят отчёты. Учётные данные показаны скрытыми.",
    save: "Сохранить", remove: "Удалить", send_test: "Отправить проверочное сообщение", test_sent: "Доставлено.",
    saved: "Сохранено.", not_set: "не задано",
    slack_webhook_url: "URL входящего вебхука Slack", telegram_bot_token: "Токен бота Telegram",
    telegram_chat_id: "Идентификатор чата Telegram", matrix_homeserver: "Сервер Matrix",
    matrix_access_token: "Токен доступа Matrix", matrix_room_id: "Идентификатор комнаты Matrix (!room:server)",
    reports_title: "Отчёты", no_reports: "Отчётов пока нет: здесь появится упавший конвейер этого проекта.",
    pipeline: "Конвейер", open_pipeline: "Открыть в GitFlic", where: "Где", hint: "Подсказка",
    seen: (n) => `встречался ${n} ${plural(n, "раз", "раза", "раз")} за 7 дней`, new_failure: "новый сбой",
    failed: "Что-то пошло не так: ", loading: "Загрузка…",
  },
};

function plural(n, one, few, many) {
  const d = n % 10, h = n % 100;
  if (d === 1 && h !== 11) return one;
  if (d >= 2 && d <= 4 && (h < 12 || h > 14)) return few;
  return many;
}

let lang = localStorage.getItem("exlogare.lang") ||
  ((navigator.language || "en").toLowerCase().startsWith("ru") ? "ru" : "en");

function t(key, ...args) {
  const value = (STRINGS[lang] || STRINGS.en)[key];
  return typeof value === "function" ? value(...args) : (value ?? key);
}

/** An element with attributes and children; strings become text nodes, never markup. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "on") for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else if (name === "href") node.setAttribute("href", safeHref(value));
    else if (name === "checked" || name === "disabled" || name === "hidden") node[name] = Boolean(value);
    else if (name === "value") node.value = value;
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** Only our own routes and web addresses are links. */
function safeHref(value) {
  const text = String(value);
  if (text.startsWith("#/")) return text;
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : "#/";
  } catch {
    return "#/";
  }
}

// --- the session: an ID token in this tab's storage --------------------------------------------

const SESSION = "exlogare.session";
const PKCE = "exlogare.pkce";
let config = null;

function session() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SESSION) || "null");
    if (stored && stored.id_token && stored.expires_at > Date.now() / 1000 + 10) return stored;
  } catch { /* a damaged entry is no session */ }
  return null;
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

function consoleAddress() {
  return location.origin + location.pathname;
}

async function signIn() {
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state }));
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const url = new URL(config.authorize_url);
  url.search = new URLSearchParams({
    response_type: "code", client_id: config.client_id, redirect_uri: consoleAddress(),
    scope: "openid email", state, code_challenge: challenge, code_challenge_method: "S256",
  }).toString();
  location.assign(url.href);
}

/** Back from the identity provider with `code` and `state`: the code for an ID token. */
async function completeSignIn(params) {
  const pending = JSON.parse(sessionStorage.getItem(PKCE) || "null");
  sessionStorage.removeItem(PKCE);
  if (!pending || pending.state !== params.get("state")) throw new Error("state mismatch");
  const response = await fetch(config.token_url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", client_id: config.client_id, code: params.get("code"),
      redirect_uri: consoleAddress(), code_verifier: pending.verifier,
    }),
  });
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok || !tokens.id_token) throw new Error(tokens.error || `HTTP ${response.status}`);
  const expiresIn = Number(tokens.expires_in) || 3600;
  sessionStorage.setItem(SESSION, JSON.stringify({
    id_token: tokens.id_token, expires_at: Math.floor(Date.now() / 1000) + expiresIn,
  }));
}

function signOut(expired) {
  sessionStorage.removeItem(SESSION);
  if (expired) {
    notify(t("session_expired"), true);
    render();
    return;
  }
  if (config && config.logout_url && config.client_id) {
    const url = new URL(config.logout_url);
    url.search = new URLSearchParams({ client_id: config.client_id, logout_uri: consoleAddress() }).toString();
    location.assign(url.href);
    return;
  }
  render();
}

// --- the API -------------------------------------------------------------------------------------

class ApiError extends Error {}

async function api(method, path, body) {
  const current = session();
  if (!current) {
    signOut(true);
    throw new ApiError(t("session_expired"));
  }
  const headers = { Authorization: `Bearer ${current.id_token}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${config.api}/${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401) {
    signOut(true);
    throw new ApiError(t("session_expired"));
  }
  if (!response.ok) throw new ApiError(answer.error || `HTTP ${response.status}`);
  return answer;
}

const enc = encodeURIComponent;

// --- views ---------------------------------------------------------------------------------------

const view = () => document.getElementById("view");

function notify(text, bad) {
  const box = document.getElementById("notice");
  box.textContent = text;
  box.className = bad ? "bad" : "";
  box.hidden = !text;
}

function show(...nodes) {
  view().replaceChildren(...nodes);
}

// Each render is a generation; a view whose requests are answered after another was asked for
// (a click while it loaded, a session that ended) must not draw over it.
let generation = 0;

function later(mine, ...nodes) {
  if (mine === generation) show(...nodes);
}

/** Runs `action` for a button, showing its error under `where`. */
function guarded(button, where, action) {
  return async (event) => {
    event.preventDefault();
    button.disabled = true;
    where.textContent = "";
    where.className = "";
    try {
      const done = await action();
      if (typeof done === "string") {
        where.textContent = done;
        where.className = "ok";
      }
    } catch (e) {
      where.textContent = e instanceof ApiError ? e.message : t("failed") + e.message;
      where.className = "error";
    } finally {
      button.disabled = false;
    }
  };
}

function signInView() {
  const configured = config && config.client_id && config.authorize_url && config.token_url;
  const button = el("button", { type: "button", id: "sign-in", text: t("sign_in"), disabled: !configured });
  button.addEventListener("click", () => signIn());
  show(el("section", { class: "card" },
    el("h1", { text: t("sign_in_title") }),
    el("p", { text: t("sign_in_text") }),
    configured ? button : el("p", { class: "error", text: t("sign_in_unconfigured") })));
}

async function connectionsView() {
  const mine = generation;
  const { connections } = await api("GET", "connections");
  const list = el("ul", { class: "plain", id: "connections" });
  for (const c of connections) {
    const message = el("div");
    const reconnect = el("button", { type: "button", class: "secondary", text: t("reconnect") });
    reconnect.addEventListener("click", guarded(reconnect, message, () => startConnect(c.base_url)));
    const disconnect = el("button", { type: "button", class: "danger", text: t("disconnect") });
    disconnect.addEventListener("click", guarded(disconnect, message, async () => {
      if (!confirm(t("confirm_disconnect"))) return;
      await api("DELETE", `connections/${enc(c.id)}`);
      await render();
    }));
    const bad = c.status === "needs_reconnect";
    list.append(el("li", { "data-connection": c.id },
      el("div", { class: "row" },
        el("span", { class: "grow title", text: `${c.username || ""} @ ${c.base_url}` }),
        el("span", { class: bad ? "badge bad" : "badge good", text: t(bad ? "needs_reconnect" : "active") })),
      el("div", { class: "row" },
        el("a", { href: `#/connections/${enc(c.id)}`, text: t("projects") }),
        bad ? reconnect : null, disconnect),
      message));
  }
  const input = el("input", { type: "url", id: "base-url", placeholder: "https://gitflic.ru" });
  const message = el("div");
  const connect = el("button", { type: "submit", id: "connect", text: t("connect") });
  const form = el("form", {}, el("label", { for: "base-url", text: t("base_url") }), input,
    el("div", { class: "row" }, connect), message);
  form.addEventListener("submit", guarded(connect, message, () => startConnect(input.value.trim())));
  later(mine,
    el("h1", { text: t("connections") }),
    el("section", { class: "card" },
      connections.length ? list : el("p", { class: "muted", text: t("no_connections") })),
    el("section", { class: "card" }, el("h2", { text: t("connect_title") }), form));
}

/** GitFlic's consent page, by way of a `fetch` that carries the bearer token. */
async function startConnect(baseUrl) {
  const query = baseUrl ? `?base_url=${enc(baseUrl)}` : "";
  const { authorize_url: url } = await api("GET", `oauth/start${query}`);
  location.assign(safeHref(url));
}

const synced = new Map();

async function projectsView(connection) {
  const mine = generation;
  const listing = el("ul", { class: "plain", id: "projects" });
  const search = el("input", { type: "search", id: "search", placeholder: t("search") });
  const shared = el("input", { type: "checkbox", id: "include-shared" });
  const message = el("div");
  const sync = el("button", { type: "button", id: "sync", text: t("sync") });
  const draw = () => {
    const projects = synced.get(connection) || [];
    const needle = search.value.trim().toLowerCase();
    const shown = projects.filter((p) =>
      `${p.owner}/${p.alias} ${p.title || ""}`.toLowerCase().includes(needle));
    listing.replaceChildren(...shown.map((p) => projectRow(connection, p, draw)));
    if (!projects.length) listing.replaceChildren(el("li", { class: "muted", text: t("no_projects") }));
  };
  sync.addEventListener("click", guarded(sync, message, async () => {
    const query = shared.checked ? "?include_shared=true" : "";
    const { projects } = await api("POST", `connections/${enc(connection)}/sync${query}`);
    synced.set(connection, projects);
    draw();
  }));
  search.addEventListener("input", draw);
  later(mine,
    el("h1", { text: t("projects_title") }),
    el("section", { class: "card" },
      el("div", { class: "row" }, sync,
        el("label", { for: "include-shared" }, shared, " ", t("include_shared"))),
      message,
      el("label", { for: "search", text: t("search") }), search),
    el("section", { class: "card" }, listing));
  draw();
}

/** A project's row; `redraw` draws the list again (the search kept) after a change. */
function projectRow(connection, project, redraw) {
  const path = `connections/${enc(connection)}/projects/${enc(project.owner)}/${enc(project.alias)}/watch`;
  const pattern = el("input", {
    type: "text", class: "pattern", placeholder: t("branch_pattern"), "aria-label": t("branch_pattern"),
    value: project.branch_pattern || "",
  });
  const discussions = project.merge_request_discussions;
  const discuss = el("input", { type: "checkbox", class: "discuss", checked: discussions ? discussions.enabled : true });
  const message = el("div");
  const watch = el("button", { type: "button", class: "watch", text: t(project.watched ? "update" : "watch") });
  watch.addEventListener("click", guarded(watch, message, async () => {
    const body = { merge_request_discussions: discuss.checked };
    if (pattern.value.trim()) body.branch_pattern = pattern.value.trim();
    const { watch: watched } = await api("PUT", path, body);
    project.watched = true;
    project.merge_request_discussions = watched.merge_request_discussions;
    project.branch_pattern = watched.branch_pattern;
    redraw();
    notify(t("saved"));
  }));
  const unwatch = el("button", { type: "button", class: "danger unwatch", text: t("unwatch") });
  unwatch.addEventListener("click", guarded(unwatch, message, async () => {
    await api("DELETE", path);
    project.watched = false;
    project.merge_request_discussions = undefined;
    project.branch_pattern = undefined;
    redraw();
  }));
  return el("li", { "data-project": `${project.owner}/${project.alias}` },
    el("div", { class: "row" },
      el("span", { class: "grow title", text: `${project.owner}/${project.alias}` }),
      project.watched ? el("span", { class: "badge good", text: t("watched") }) : null),
    project.title ? el("div", { class: "muted", text: project.title }) : null,
    pattern,
    el("label", {}, discuss, " ", t("discussions")),
    discussions && discussions.refused ? el("div", { class: "error", text: t("discussions_refused") }) : null,
    el("div", { class: "row" }, watch, project.watched ? unwatch : null,
      project.watched ? el("a", { href: `#/projects/${enc(project.id)}`, text: t("reports") }) : null),
    message);
}

const ROOMS = {
  slack: ["webhook_url"],
  telegram: ["bot_token", "chat_id"],
  matrix: ["homeserver", "access_token", "room_id"],
};

async function roomsView() {
  const mine = generation;
  const { channels } = await api("GET", "channels");
  const sections = Object.entries(ROOMS).map(([kind, fields]) => {
    const current = channels.find((c) => c.kind === kind && !c.project_id);
    const inputs = fields.map((field) => el("input", {
      type: field.includes("token") ? "password" : "text", id: `${kind}-${field}`, name: field,
      autocomplete: "off",
    }));
    const message = el("div", { class: "", id: `${kind}-message` });
    const save = el("button", { type: "submit", id: `${kind}-save`, text: t("save") });
    const test = el("button", { type: "button", class: "secondary", id: `${kind}-test`, text: t("send_test") });
    const remove = el("button", { type: "button", class: "danger", id: `${kind}-remove`, text: t("remove") });
    const form = el("form", { id: `${kind}-form` },
      ...fields.map((field, i) => [el("label", { for: `${kind}-${field}`, text: t(`${kind}_${field}`) }), inputs[i]]),
      el("div", { class: "row" }, save, current ? test : null, current ? remove : null), message);
    form.addEventListener("submit", guarded(save, message, async () => {
      const body = Object.fromEntries(fields.map((field, i) => [field, inputs[i].value.trim()]));
      await api("PUT", `channels/${kind}`, body);
      await roomsView();
      notify(t("saved"));
    }));
    test.addEventListener("click", guarded(test, message, async () => {
      await api("POST", `channels/${kind}/test`);
      return t("test_sent");
    }));
    remove.addEventListener("click", guarded(remove, message, async () => {
      await api("DELETE", `channels/${kind}`);
      await roomsView();
    }));
    const masked = current
      ? el("ul", { class: "muted masked" }, ...Object.entries(current.settings || {}).map(([k, v]) =>
        el("li", { text: `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}` })))
      : el("p", { class: "muted", text: t("not_set") });
    return el("section", { class: "card", "data-room": kind }, el("h2", { text: kind[0].toUpperCase() + kind.slice(1) }), masked, form);
  });
  later(mine, el("h1", { text: t("rooms_title") }), el("p", { class: "muted", text: t("rooms_text") }), ...sections);
}

async function reportsView(project) {
  const mine = generation;
  const { reports } = await api("GET", `projects/${enc(project)}/reports`);
  const list = reports.map((report) => {
    const primary = (report.jobs || []).find((j) => j.report) || (report.jobs || [])[0] || {};
    const analysis = primary.report || {};
    const excerpt = (analysis.excerpts || [])[0];
    const recurrence = report.recurrence;
    const location = (analysis.locations || [])[0];
    return el("article", { class: "card report" },
      el("div", { class: "row" },
        el("span", { class: "grow title", text: `${t("pipeline")} #${report.pipeline.local_id} · ${primary.name || ""}` }),
        el("span", { class: "badge bad", text: analysis.category || "" })),
      el("p", { class: "summary", text: analysis.summary || primary.note || "" }),
      excerpt ? el("pre", { text: excerpt.text }) : null,
      location ? el("p", {}, el("strong", { text: `${t("where")}: ` }), `${location.path}:${location.line}`) : null,
      analysis.hint ? el("p", {}, el("strong", { text: `${t("hint")}: ` }), analysis.hint) : null,
      recurrence ? el("p", { class: "muted", text: recurrence.seen_in_7_days > 1 ? t("seen", recurrence.seen_in_7_days) : t("new_failure") }) : null,
      el("a", { href: report.link, rel: "noopener noreferrer", target: "_blank", text: t("open_pipeline") }));
  });
  later(mine, el("h1", { text: t("reports_title") }),
    ...(list.length ? list : [el("p", { class: "muted", text: t("no_reports") })]));
}

// --- routing -------------------------------------------------------------------------------------

function translateChrome() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  document.getElementById("language").textContent = t("other_language");
}

async function render() {
  const mine = ++generation;
  translateChrome();
  if (!session() && sessionStorage.getItem(SESSION)) {
    // Its token expired since: say so, once.
    sessionStorage.removeItem(SESSION);
    notify(t("session_expired"), true);
  }
  const signedIn = Boolean(session());
  document.getElementById("nav").hidden = !signedIn;
  document.getElementById("sign-out").hidden = !signedIn;
  if (!signedIn) return signInView();
  const route = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  show(el("p", { class: "muted", text: t("loading") }));
  try {
    if (route[0] === "connections" && route[1]) await projectsView(route[1]);
    else if (route[0] === "rooms") await roomsView();
    else if (route[0] === "projects" && route[1]) await reportsView(route[1]);
    else await connectionsView();
  } catch (e) {
    if (session() && mine === generation) {
      show(el("p", { class: "error", text: e instanceof ApiError ? e.message : t("failed") + e.message }));
    }
  }
}

async function start() {
  config = await fetch("/console/config.json").then((r) => r.json()).catch(() => null);
  const params = new URLSearchParams(location.search);
  if (params.has("code") && params.has("state")) {
    try {
      await completeSignIn(params);
    } catch (e) {
      notify(t("sign_in_failed") + e.message, true);
    }
  } else if (params.get("gitflic") === "connected") {
    notify(t("connected"));
  } else if (params.get("gitflic") === "error") {
    notify(t("connect_failed") + (params.get("reason") || ""), true);
  } else if (params.has("error")) {
    notify(t("sign_in_failed") + (params.get("error_description") || params.get("error")), true);
  }
  if (location.search) history.replaceState(null, "", location.pathname + location.hash);
  document.getElementById("language").addEventListener("click", () => {
    lang = lang === "ru" ? "en" : "ru";
    localStorage.setItem("exlogare.lang", lang);
    render();
  });
  document.getElementById("sign-out").addEventListener("click", () => signOut(false));
  window.addEventListener("hashchange", () => {
    notify("");
    render();
  });
  await render();
}

start();
