// LeakBot's dashboard in Telegram: plain JavaScript, charts drawn as SVG here, every number
// from the bot's API (bot/webapp.py), which checks the launch data Telegram signed.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 340; // SVG user units; the charts scale to the card's width
  const tg = window.Telegram && window.Telegram.WebApp;
  const launch = new URLSearchParams(window.location.hash.slice(1));
  // Telegram's script gives initData; without it, the launch parameters are in the fragment.
  const initData = (tg && tg.initData) || launch.get("tgWebAppData") || "";
  // The month to open with: /dashboard's button asks for the month it showed (?month=YYYY-MM).
  const asked = new URLSearchParams(window.location.search).get("month");
  const state = {
    month: /^\d{4}-\d{2}$/.test(asked || "") ? asked : null,
    category: null,
    payment_mode: null,
    time_block: null,
    page: 1,
  };
  const FILTER_WORDS = { category: "", payment_mode: "", time_block: "" };
  let data = null;
  const SHORT_LIST = 8; // bars shown before "Show all"
  const expanded = {};

  const $ = (id) => document.getElementById(id);

  function parseJSON(text) {
    try {
      return text ? JSON.parse(text) : null;
    } catch (_error) {
      return null;
    }
  }

  function applyTheme(params) {
    if (!params) return;
    const root = document.documentElement.style;
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === "string" && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
        root.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
      }
    }
    const bg = params.bg_color;
    if (typeof bg === "string" && /^#[0-9a-fA-F]{6}$/.test(bg)) {
      const n = parseInt(bg.slice(1), 16);
      const light = 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
      document.documentElement.style.colorScheme = light < 128 ? "dark" : "light";
    }
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text; // never innerHTML: names are people's own
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // An SVG group that acts as a button: a tap, or Enter / Space with the keyboard.
  function tappable(node, action) {
    node.setAttribute("tabindex", "0");
    node.setAttribute("role", "button");
    node.addEventListener("click", action);
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        action();
      }
    });
    return node;
  }

  function fit(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  async function api(path, options) {
    const response = await fetch(path, {
      ...(options || {}),
      headers: { Authorization: "tma " + initData, "Content-Type": "application/json" },
    });
    if (response.status === 401) {
      throw new Error("Open the dashboard from LeakBot's chat: this page's launch data is missing or more than a day old.");
    }
    if (response.status === 403) throw new Error("This LeakBot is private.");
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || "Sorry, that failed on the bot's side.");
    return body;
  }

  function say(text) {
    const box = $("message");
    box.textContent = text || "";
    box.hidden = !text;
  }

  async function load() {
    const query = new URLSearchParams();
    for (const key of ["month", "category", "payment_mode", "time_block"]) {
      if (state[key]) query.set(key, state[key]);
    }
    query.set("page", String(state.page));
    $("board").setAttribute("aria-busy", "true");
    try {
      data = await api("api/board?" + query.toString());
      state.month = data.month;
      say("");
      render();
    } catch (error) {
      say(error.message);
    } finally {
      $("board").setAttribute("aria-busy", "false");
      document.body.dataset.ready = data ? "yes" : "no";
    }
  }

  function setFilter(changes) {
    Object.assign(state, changes);
    state.page = 1;
    load();
  }

  function toggle(key, value) {
    setFilter({ [key]: state[key] === value ? null : value });
  }

  // --- month picker ---------------------------------------------------------------------
  function renderMonths() {
    const select = $("month");
    select.replaceChildren(...data.months.map((m) => el("option", { value: m.value }, m.label)));
    select.value = data.month;
    const index = data.months.findIndex((m) => m.value === data.month);
    $("next").disabled = index <= 0; // newest first
    $("prev").disabled = index < 0 || index >= data.months.length - 1;
  }

  function stepMonth(by) {
    const index = data.months.findIndex((m) => m.value === data.month);
    const next = data.months[index - by];
    if (next) {
      state.month = next.value;
      state.page = 1;
      load();
    }
  }

  // --- chips --------------------------------------------------------------------------
  function renderChips() {
    const box = $("chips");
    const chips = [];
    for (const key of Object.keys(FILTER_WORDS)) {
      if (!state[key]) continue;
      const chip = el("button", { type: "button", class: "chip", "data-filter": key }, state[key] + "  ✕");
      chip.setAttribute("aria-label", "Clear the filter " + state[key]);
      chip.addEventListener("click", () => setFilter({ [key]: null }));
      chips.push(chip);
    }
    if (chips.length > 1) {
      const all = el("button", { type: "button", class: "chip clear" }, "Clear all");
      all.addEventListener("click", () => setFilter({ category: null, payment_mode: null, time_block: null }));
      chips.push(all);
    }
    box.replaceChildren(...chips);
    box.hidden = chips.length === 0;
  }

  // --- tiles --------------------------------------------------------------------------
  const GOOD_WHEN_UP = { income: true, savings: true, expenses: false, leaks: false };

  function renderTiles() {
    const tiles = data.tiles.map((t) => {
      const box = el("div", { class: "tile " + t.key + (t.value.minor === 0 ? " nothing" : ""), "data-key": t.key });
      box.append(el("div", { class: "name" }, t.name));
      box.append(el("div", { class: "value", "data-minor": t.value.minor ?? "" }, t.value.text));
      const note = el("div", { class: "note" }, t.key === "leaks" ? t.share + " · " + t.note : t.note);
      const pct = t.change && t.change.pct;
      if (pct && Math.round(pct) !== 0 && t.key in GOOD_WHEN_UP) {
        const up = pct > 0;
        note.classList.add((up ? "up-" : "down-") + (up === GOOD_WHEN_UP[t.key] ? "good" : "bad"));
      }
      box.append(note);
      return box;
    });
    $("tiles").replaceChildren(...tiles);
  }

  // --- bars by category -----------------------------------------------------------------
  function renderBars(id, rows, kind, emptyText) {
    const box = $(id);
    if (!rows.length) {
      box.replaceChildren(el("p", { class: "empty" }, emptyText));
      return;
    }
    const shown = expanded[id] ? rows : rows.slice(0, SHORT_LIST);
    const rowH = 28;
    const labelW = 112;
    const valueW = 74;
    const barW = WIDTH - labelW - valueW - 8;
    const max = Math.max(...shown.map((r) => r.amount.minor), 1);
    const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${shown.length * rowH}` });
    shown.forEach((r, i) => {
      const y = i * rowH;
      const picked = state.category === r.category;
      const dim = state.category && !picked;
      const g = svg("g", {
        class: (picked ? "picked " : "") + (dim ? "dim" : ""),
        "data-category": r.category,
        "aria-label": r.category + " " + r.amount.text,
      });
      g.append(svg("text", { x: 0, y: y + 18 }, fit(r.category, 15)));
      const w = Math.max(2, (r.amount.minor / max) * barW);
      g.append(svg("rect", { class: "bar " + kind, x: labelW, y: y + 6, width: w, height: 16, rx: 3 }));
      g.append(svg("text", { x: WIDTH, y: y + 18, "text-anchor": "end" }, r.amount.short));
      const hit = svg("rect", { class: "hit", x: 0, y, width: WIDTH, height: rowH });
      g.append(hit);
      tappable(g, () => toggle("category", r.category));
      chart.append(g);
    });
    box.replaceChildren(chart);
    if (rows.length > SHORT_LIST) {
      const more = el("button", { type: "button", class: "more" }, expanded[id] ? "Show fewer" : `Show all ${rows.length}`);
      more.addEventListener("click", () => {
        expanded[id] = !expanded[id];
        renderBars(id, rows, kind, emptyText);
      });
      box.append(more);
    }
  }

  // --- payment mode x time block --------------------------------------------------------
  function renderGrid() {
    const box = $("grid");
    const grid = data.grid;
    if (!grid.cells.length) {
      box.replaceChildren(el("p", { class: "empty" }, "No spending with these filters."));
      return;
    }
    const headW = 86;
    const headH = 20;
    const colW = (WIDTH - headW) / grid.time_blocks.length;
    const rowH = 34;
    const height = headH + grid.payment_modes.length * rowH;
    const byKey = new Map(grid.cells.map((c) => [c.payment_mode + "|" + c.time_block, c]));
    const max = Math.max(...grid.cells.map((c) => c.spent.minor), 1);
    const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}` });
    grid.time_blocks.forEach((block, j) => {
      const head = svg("g", { "data-time-block": block, class: state.time_block === block ? "picked" : "" });
      head.append(svg("text", { x: headW + j * colW + colW / 2, y: 13, "text-anchor": "middle", class: "muted" }, block));
      head.append(svg("rect", { class: "hit", x: headW + j * colW, y: 0, width: colW, height: headH }));
      tappable(head, () => toggle("time_block", block));
      chart.append(head);
    });
    grid.payment_modes.forEach((mode, i) => {
      const y = headH + i * rowH;
      const head = svg("g", { "data-payment-mode": mode, class: state.payment_mode === mode ? "picked" : "" });
      head.append(svg("text", { x: 0, y: y + rowH / 2 + 4 }, fit(mode, 12)));
      head.append(svg("rect", { class: "hit", x: 0, y, width: headW, height: rowH }));
      tappable(head, () => toggle("payment_mode", mode));
      chart.append(head);
      grid.time_blocks.forEach((block, j) => {
        const c = byKey.get(mode + "|" + block);
        const x = headW + j * colW;
        const picked = state.payment_mode === mode && state.time_block === block;
        const outside =
          (state.payment_mode && state.payment_mode !== mode) || (state.time_block && state.time_block !== block);
        const g = svg("g", {
          "data-cell": mode + "|" + block,
          class: outside ? "dim" : "",
          "aria-label": `${mode}, ${block}: ${c ? c.spent.text : "nothing"}`,
        });
        const share = c ? Math.max(0, c.spent.minor) / max : 0;
        g.append(svg("rect", { class: "cell", x: x + 1, y: y + 1, width: colW - 2, height: rowH - 2, rx: 4, opacity: (0.08 + 0.6 * share).toFixed(2) }));
        g.append(svg("rect", { class: "cell-frame" + (picked ? " picked" : ""), x: x + 1, y: y + 1, width: colW - 2, height: rowH - 2, rx: 4 }));
        g.append(svg("text", { x: x + colW / 2, y: y + rowH / 2 + 4, "text-anchor": "middle" }, c ? c.spent.short : "–"));
        g.append(svg("rect", { class: "hit", x, y, width: colW, height: rowH }));
        tappable(g, () => {
          setFilter(picked ? { payment_mode: null, time_block: null } : { payment_mode: mode, time_block: block });
        });
        chart.append(g);
      });
    });
    box.replaceChildren(chart);
  }

  // --- the 12-month trend ---------------------------------------------------------------
  function renderTrend() {
    const box = $("trend");
    const months = data.trend;
    const height = 160;
    const axis = 30;
    const top = 14;
    const plotH = height - axis - top;
    const slot = WIDTH / months.length;
    const barW = Math.min(11, slot / 2 - 2);
    const max = Math.max(...months.map((m) => Math.max(m.income.minor, m.expenses.minor)), 1);
    const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}` });
    const h = (minor) => (Math.max(0, minor) / max) * plotH;
    months.forEach((m, i) => {
      const x = i * slot;
      const g = svg("g", { "data-month": m.month, "aria-label": `${m.label} ${m.year}: income ${m.income.text}, expenses ${m.expenses.text}, leaks ${m.leaks.text}` });
      if (m.month === data.month) {
        g.append(svg("rect", { class: "shown-month", x: x + 1, y: 0, width: slot - 2, height: height - axis + 2, rx: 4 }));
      }
      const base = top + plotH;
      const mid = x + slot / 2;
      g.append(svg("rect", { class: "income", x: mid - barW - 1, y: base - h(m.income.minor), width: barW, height: h(m.income.minor), rx: 2 }));
      g.append(svg("rect", { class: "expenses", x: mid + 1, y: base - h(m.expenses.minor), width: barW, height: h(m.expenses.minor), rx: 2 }));
      g.append(svg("rect", { class: "leaks", x: mid + 1, y: base - h(m.leaks.minor), width: barW, height: h(m.leaks.minor), rx: 2 }));
      g.append(svg("text", { x: mid, y: base + 13, "text-anchor": "middle", class: "muted", "font-size": 10 }, m.label));
      if (i === 0 || m.label === "Jan") {
        g.append(svg("text", { x: mid, y: base + 25, "text-anchor": "middle", class: "muted", "font-size": 10 }, String(m.year)));
      }
      g.append(svg("rect", { class: "hit", x, y: 0, width: slot, height }));
      tappable(g, () => {
        if (m.month !== data.month) {
          state.month = m.month;
          state.page = 1;
          load();
        }
      });
      chart.append(g);
    });
    const peak = months.reduce((a, m) => (Math.max(m.income.minor, m.expenses.minor) > Math.max(a.income.minor, a.expenses.minor) ? m : a), months[0]);
    const peakValue = peak.income.minor >= peak.expenses.minor ? peak.income.short : peak.expenses.short;
    chart.append(svg("text", { x: 0, y: 10, class: "muted", "font-size": 10 }, "top " + peakValue));
    box.replaceChildren(chart);
  }

  // --- the entries behind the filter ----------------------------------------------------
  async function setVerdict(entry, isLeak) {
    const value = entry.user_verdict === isLeak ? null : isLeak; // tapping your own call again clears it
    try {
      await api(`api/entries/${entry.id}/verdict`, { method: "POST", body: JSON.stringify({ is_leak: value }) });
      await load();
    } catch (error) {
      say(error.message);
    }
  }

  async function pickCategory(entry) {
    try {
      const menu = await api(`api/entries/${entry.id}/categories`);
      $("sheet-title").textContent = `Move ${entry.amount.text} (${entry.category}) to`;
      const options = menu.categories.map((name) => {
        const b = el("button", { type: "button", class: name === entry.category ? "on" : "" }, name);
        b.addEventListener("click", async () => {
          closeSheet();
          try {
            await api(`api/entries/${entry.id}/category`, { method: "POST", body: JSON.stringify({ category: name }) });
            await load();
          } catch (error) {
            say(error.message);
          }
        });
        return b;
      });
      $("sheet-options").replaceChildren(...options);
      $("sheet").hidden = false;
    } catch (error) {
      say(error.message);
    }
  }

  function closeSheet() {
    $("sheet").hidden = true;
  }

  function renderEntries() {
    const list = data.entries;
    $("entries-title").textContent = `Entries (${list.total})`;
    const items = list.items.map((e) => {
      const li = el("li", { "data-id": e.id, "data-type": e.type });
      const head = el("div", { class: "head" });
      const category = el("button", { type: "button", class: "category" }, e.category);
      category.addEventListener("click", () => pickCategory(e));
      head.append(category);
      const sign = e.type === "refund" ? "−" : e.type === "income" ? "+" : "";
      head.append(el("span", { class: "amount " + e.type }, sign + e.amount.text));
      li.append(head);
      const kind = e.type === "expense" ? "" : e.type + " · ";
      const meta = [e.when, e.payment_mode, e.time_block].join(" · ") + (e.note ? " · " + e.note : "");
      li.append(el("div", { class: "meta" }, kind + meta));
      if (e.type === "expense") {
        const row = el("div", { class: "verdict" });
        const leak = el("button", { type: "button", class: "leak" + (e.is_leak ? " on" : ""), "aria-pressed": String(e.is_leak) }, "Leak");
        const ok = el("button", { type: "button", class: "not-leak" + (e.is_leak ? "" : " on"), "aria-pressed": String(!e.is_leak) }, "Not a leak");
        leak.addEventListener("click", () => setVerdict(e, true));
        ok.addEventListener("click", () => setVerdict(e, false));
        row.append(leak, ok);
        if (e.decided) row.append(el("span", { class: "who" }, e.decided));
        li.append(row);
      }
      return li;
    });
    if (!items.length) items.push(el("li", { class: "empty" }, "No entries with these filters."));
    $("entries").replaceChildren(...items);
    $("page").textContent = `Page ${list.page + 1} of ${list.pages}`;
    $("newer").disabled = list.page <= 0;
    $("older").disabled = list.page + 1 >= list.pages;
  }

  function render() {
    renderMonths();
    renderChips();
    renderTiles();
    renderBars("expenses-chart", data.expenses_by_category, "", "No spending with these filters.");
    renderBars("leaks-chart", data.leaks_by_category, "leak", "No leaks with these filters.");
    renderGrid();
    renderTrend();
    renderEntries();
  }

  // Talking to Telegram without its script (Telegram's documented event bridge): tell it the
  // page is ready and may fill the screen, and follow its theme when the app's changes.
  function postEvent(type, payload) {
    const body = JSON.stringify(payload || {});
    try {
      if (window.TelegramWebviewProxy) {
        window.TelegramWebviewProxy.postEvent(type, body); // Android and iOS
      } else if (window.external && "notify" in window.external) {
        window.external.notify(JSON.stringify({ eventType: type, eventData: payload || {} }));
      } else if (window.parent !== window) {
        window.parent.postMessage(JSON.stringify({ eventType: type, eventData: payload || {} }), "*"); // web
      }
    } catch (_error) {
      // not inside Telegram: nothing to tell
    }
  }

  function received(type, payload) {
    if (type === "theme_changed" && payload && payload.theme_params) applyTheme(payload.theme_params);
  }

  applyTheme((tg && tg.themeParams) || parseJSON(launch.get("tgWebAppThemeParams")));
  if (tg) {
    tg.ready();
    tg.expand();
    tg.onEvent("themeChanged", () => applyTheme(tg.themeParams));
  } else {
    window.Telegram = window.Telegram || {};
    window.Telegram.WebView = window.Telegram.WebView || { receiveEvent: received };
    window.addEventListener("message", (event) => {
      if (event.source !== window.parent) return;
      const message = typeof event.data === "string" ? parseJSON(event.data) : null;
      if (message && message.eventType) received(message.eventType, message.eventData);
    });
    postEvent("web_app_ready");
    postEvent("web_app_expand");
  }
  $("month").addEventListener("change", (event) => {
    state.month = event.target.value;
    state.page = 1;
    load();
  });
  $("prev").addEventListener("click", () => stepMonth(-1));
  $("next").addEventListener("click", () => stepMonth(1));
  $("newer").addEventListener("click", () => {
    state.page -= 1;
    load();
  });
  $("older").addEventListener("click", () => {
    state.page += 1;
    load();
  });
  $("sheet-cancel").addEventListener("click", closeSheet);
  $("sheet").addEventListener("click", (event) => {
    if (event.target === $("sheet")) closeSheet();
  });
  if (!initData) {
    say("Open the dashboard from LeakBot's chat: the Open dashboard button or the menu button.");
    document.body.dataset.ready = "no";
  } else {
    load();
  }
})();
