// The ops console at /admin, over the admin JSON API (contract §4).
//
// The admin token is asked for once and kept in sessionStorage (this tab only) and sent as a
// bearer token; the page itself holds no secret. Actions (capture, cancel, refund) go through a
// confirmation step, and each confirmed action carries a fresh Idempotency-Key, reused only
// when that same confirmation is retried after a network error or a 5xx, so a retry can never
// capture or refund twice. Amounts are typed in major units and sent in minor units using the
// currency's exponent (money.js); nothing goes through floating point.
"use strict";
(function () {
  const Money = window.AntomMoney;
  const TOKEN_KEY = "antom-checkout.admin-token";
  // Orders per page: 20, or ?limit=N (1–100) in the console's URL.
  const PAGE_SIZE = (() => {
    const asked = Number(new URLSearchParams(window.location.search).get("limit"));
    return Number.isInteger(asked) && asked >= 1 && asked <= 100 ? asked : 20;
  })();
  const MAX_REASON = 256;

  const STATUS_WORDS = {
    PENDING_PAYMENT: "Pending payment", AUTHORIZED: "Authorized", PAYMENT_FAILED: "Payment failed",
    CANCELED: "Canceled", CAPTURE_PENDING: "Capture pending", CAPTURED: "Captured",
    CAPTURE_FAILED: "Capture failed", PARTIALLY_REFUNDED: "Partially refunded", REFUNDED: "Refunded",
    EXPIRED: "Expired",
  };
  const STATUS_TONES = {
    AUTHORIZED: "ok", CAPTURED: "ok", PARTIALLY_REFUNDED: "ok", REFUNDED: "ok",
    PAYMENT_FAILED: "bad", CAPTURE_FAILED: "bad", PENDING_PAYMENT: "wait", CAPTURE_PENDING: "wait",
  };
  const RECORD_TONES = { SUCCESS: "ok", FAIL: "bad", PROCESSING: "wait" };
  const EVENT_WORDS = {
    ORDER_CREATED: "Order created", SESSION_CREATED: "Payment session created", SESSION_UNKNOWN: "Payment session: no answer from Antom",
    SESSION_EXPIRED: "Payment session expired", PAYMENT_PENDING: "Payment pending", PAYMENT_SUCCEEDED: "Payment authorized",
    PAYMENT_FAILED: "Payment failed", CAPTURE_REQUESTED: "Capture requested", CAPTURE_SUCCEEDED: "Capture succeeded",
    CAPTURE_FAILED: "Capture failed", CAPTURE_STILL_UNKNOWN: "Capture result still unknown", CANCEL_REQUESTED: "Cancel requested",
    CANCEL_SUCCEEDED: "Authorization canceled", CANCEL_FAILED: "Cancel failed", REFUND_REQUESTED: "Refund requested",
    REFUND_SUCCEEDED: "Refund succeeded", REFUND_FAILED: "Refund failed", REFUND_STILL_UNKNOWN: "Refund result still unknown",
    AUTHORIZATION_EXPIRED: "Authorization expired", EVENT_NOT_APPLIED: "Event not applied", FLAGGED_FOR_REVIEW: "Flagged for review",
  };
  const ACTION_WORDS = { capture: "capture", cancel: "cancel the authorization", refund: "refund" };

  const $ = (id) => document.getElementById(id);
  const els = {
    signin: $("signin"), signinForm: $("signin-form"), token: $("admin-token"), signinError: $("signin-error"),
    signout: $("signout"), console: $("console"), filter: $("status-filter"), refresh: $("refresh"),
    listError: $("list-error"), rows: $("order-rows"), listStatus: $("list-status"), more: $("more"), detail: $("detail"),
    deliveryKind: $("delivery-kind"), deliveriesRefresh: $("deliveries-refresh"), deliveriesError: $("deliveries-error"),
    deliveryRows: $("delivery-rows"), deliveriesStatus: $("deliveries-status"),
  };

  const state = {
    token: null,
    cursor: null,
    listSeq: 0,
    selected: null, // order id shown in the detail panel
    order: null, // its last detail answer
    detailSeq: 0,
    pending: null, // {kind, body, key, orderId, text}: an action waiting for confirmation
    pollTimer: null,
    pollDelay: 1500,
    d: null, // the detail panel's elements
  };

  // ---------- helpers ----------

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
    }
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  const money = (amount) => (amount && amount.currency ? Money.format(amount, navigator.language) : "—");
  const time = (iso) => (iso ? new Date(iso).toLocaleString() : "—");
  const isAmount = (v) => v && typeof v === "object" && typeof v.currency === "string" && typeof v.value === "string";
  const positive = (amount) => isAmount(amount) && Money.compare(amount.value, "0") > 0;

  function badge(status, words, tones, testid) {
    return el("span", {
      class: `badge ${tones[status] || ""}`.trim(), "data-status": status, "data-testid": testid || null,
    }, words[status] || status || "—");
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function show(node, message) {
    node.textContent = message || "";
    node.hidden = !message;
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(method, path, body, idempotencyKey) {
    const headers = { Accept: "application/json", Authorization: `Bearer ${state.token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    let response;
    try {
      response = await fetch(path, {
        method, headers, cache: "no-store", credentials: "omit",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (_) {
      throw new ApiError(0, "NETWORK", "The server could not be reached. Check the connection and try again.");
    }
    let json = null;
    try {
      json = await response.json();
    } catch (_) {
      json = null;
    }
    if (!response.ok) {
      const error = (json && json.error) || {};
      throw new ApiError(response.status, error.code || `HTTP_${response.status}`, error.message || response.statusText || "unexpected answer");
    }
    return json;
  }

  /** A sentence for an operator about a failed API call. */
  function explain(e, kind) {
    switch (e.code) {
      case "UNAUTHENTICATED":
        return "Your token is no longer accepted. Please sign in again.";
      case "FORBIDDEN":
        return "This token can only view orders (viewer role); an operator token is needed for actions.";
      case "ORDER_NOT_FOUND":
        return "This order does not exist.";
      case "INVALID_STATE":
        return `This order cannot ${ACTION_WORDS[kind] || "do that"} in its current state: ${e.message}`;
      case "AMOUNT_EXCEEDS_AUTHORIZED":
        return `The amount is more than can still be captured: ${e.message}`;
      case "AMOUNT_EXCEEDS_CAPTURED":
        return `The amount is more than can still be refunded: ${e.message}`;
      case "CURRENCY_MISMATCH":
        return `The amount's currency is not the order's: ${e.message}`;
      case "ANTOM_REJECTED":
        return `Antom refused: ${e.message}`;
      case "ANTOM_UNAVAILABLE":
        return "Antom did not answer in time. The request is kept and will be reconciled; confirm again to retry safely, or watch the timeline.";
      case "IDEMPOTENCY_KEY_IN_USE":
        return "This action is still being processed. Wait a moment, then refresh.";
      case "RATE_LIMITED":
        return `Too many attempts from this address. ${e.message}`;
      case "NETWORK":
        return e.message;
      default:
        return `${e.message} (${e.code})`;
    }
  }

  // ---------- sign in / out ----------

  async function signIn(event) {
    event.preventDefault();
    const token = els.token.value.trim();
    if (!token) {
      show(els.signinError, "Enter your admin token.");
      els.token.focus();
      return;
    }
    const button = els.signinForm.querySelector("[data-testid=admin-login]");
    button.disabled = true;
    show(els.signinError, "");
    state.token = token;
    try {
      await api("GET", "/admin/api/orders?limit=1");
    } catch (e) {
      state.token = null;
      show(els.signinError, e.status === 401 ? "That token was not accepted. Check it and try again." : explain(e));
      els.signinError.focus();
      return;
    } finally {
      button.disabled = false;
    }
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch (_) {
      // storage unavailable: signed in for this page view only
    }
    els.token.value = "";
    enterConsole();
  }

  function signOut(message) {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch (_) {
      // nothing stored
    }
    state.token = null;
    stopPolling();
    state.selected = null;
    state.order = null;
    state.pending = null;
    els.console.hidden = true;
    els.signout.hidden = true;
    els.signin.hidden = false;
    els.rows.textContent = "";
    show(els.signinError, message || "");
    els.token.focus();
  }

  function enterConsole() {
    els.signin.hidden = true;
    els.console.hidden = false;
    els.signout.hidden = false;
    loadOrders(true);
    loadDeliveries();
    const wanted = new URLSearchParams(window.location.hash.slice(1)).get("order");
    if (wanted) openOrder(wanted);
  }

  /** Every failed call goes through here: a 401 ends the session. */
  function failed(e) {
    if (e.status === 401) {
      signOut("Your token is no longer accepted. Please sign in again.");
      return true;
    }
    return false;
  }

  // ---------- order list ----------

  function orderRow(order) {
    const tr = el("tr", {
      "data-testid": "order-row", "data-order-id": order.orderId,
      class: order.orderId === state.selected ? "selected" : null,
    });
    tr.appendChild(el("td", { class: "small" }, time(order.createdAt)));
    const idCell = el("td");
    idCell.appendChild(el("button", {
      type: "button", class: "link", "aria-label": `Open order ${order.orderId}`,
      "aria-current": order.orderId === state.selected ? "true" : null,
    }, `${order.orderId.slice(0, 8)}…${order.orderId.slice(-4)}`));
    if (order.reviewRequired) idCell.appendChild(el("span", { class: "badge bad", title: "Needs review" }, "review"));
    tr.appendChild(idCell);
    const statusCell = el("td");
    statusCell.appendChild(badge(order.status, STATUS_WORDS, STATUS_TONES));
    tr.appendChild(statusCell);
    tr.appendChild(el("td", { class: "num" }, money(order.amount)));
    const payment = order.payment || {};
    tr.appendChild(el("td", { class: "hide-narrow small" }, payment.cardBrand ? `${payment.cardBrand} •••• ${payment.cardLast4 || ""}` : "—"));
    tr.addEventListener("click", () => openOrder(order.orderId));
    return tr;
  }

  async function loadOrders(reset) {
    const seq = ++state.listSeq;
    if (reset) state.cursor = null;
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (els.filter.value) params.set("status", els.filter.value);
    if (!reset && state.cursor) params.set("cursor", state.cursor);
    show(els.listError, "");
    els.listStatus.textContent = "Loading orders…";
    els.more.disabled = true;
    try {
      const page = await api("GET", `/admin/api/orders?${params}`);
      if (seq !== state.listSeq) return;
      if (reset) els.rows.textContent = "";
      for (const order of page.orders || []) els.rows.appendChild(orderRow(order));
      state.cursor = page.nextCursor || null;
      els.more.hidden = !state.cursor;
      const count = els.rows.children.length;
      els.listStatus.textContent = count === 0 ? "No orders match." : `${count} order${count === 1 ? "" : "s"} shown, newest first.`;
    } catch (e) {
      if (seq !== state.listSeq || failed(e)) return;
      els.listStatus.textContent = "";
      show(els.listError, `The orders could not be loaded: ${explain(e)}`);
    } finally {
      els.more.disabled = false;
    }
  }

  // ---------- webhook deliveries ----------

  function deliveryRow(kind, d) {
    const tr = el("tr", { "data-testid": "delivery-row", "data-kind": kind });
    tr.appendChild(el("td", { class: "small" }, time(d.receivedAt || d.at)));
    tr.appendChild(el("td", { class: "small" }, d.route));
    if (kind === "rejected") {
      tr.appendChild(el("td", {}, d.reason));
      const details = `${d.bodyLength} bytes, SHA-256 ${String(d.bodySha256 || "").slice(0, 12)}…${d.clientIp ? `, from ${d.clientIp}` : ""}`;
      const cell = el("td", { class: "hide-narrow small" }, details);
      if (d.preview) cell.appendChild(el("pre", { class: "preview" }, d.preview));
      tr.appendChild(cell);
    } else {
      tr.appendChild(el("td", {}, `${d.outcome}${d.notifyType ? ` (${d.notifyType})` : ""}`));
      const cell = el("td", { class: "hide-narrow small" }, d.orderId ? `order ${d.orderId}` : (d.outcomeDetail || ""));
      cell.appendChild(el("pre", { class: "preview" }, d.body));
      tr.appendChild(cell);
    }
    return tr;
  }

  async function loadDeliveries() {
    const kind = els.deliveryKind.value === "rejected" ? "rejected" : "flagged";
    show(els.deliveriesError, "");
    els.deliveriesStatus.textContent = "Loading deliveries…";
    try {
      const page = await api("GET", `/admin/api/deliveries?kind=${kind}&limit=50`);
      els.deliveryRows.textContent = "";
      for (const d of page.deliveries || []) els.deliveryRows.appendChild(deliveryRow(kind, d));
      const count = els.deliveryRows.children.length;
      els.deliveriesStatus.textContent = count === 0 ? "Nothing here." : `${count} shown, newest first.`;
    } catch (e) {
      if (failed(e)) return;
      els.deliveriesStatus.textContent = "";
      show(els.deliveriesError, `The deliveries could not be loaded: ${explain(e)}`);
    }
  }

  function refreshRow(order) {
    const current = els.rows.querySelector(`[data-testid=order-row][data-order-id="${CSS.escape(order.orderId)}"]`);
    if (current) current.replaceWith(orderRow(order));
  }

  function markSelected() {
    els.rows.querySelectorAll("[data-testid=order-row]").forEach((tr) => {
      const selected = tr.dataset.orderId === state.selected;
      tr.classList.toggle("selected", selected);
      const button = tr.querySelector("button");
      if (button) {
        if (selected) button.setAttribute("aria-current", "true");
        else button.removeAttribute("aria-current");
      }
    });
  }

  // ---------- order detail ----------

  function buildDetail(orderId) {
    const detail = els.detail;
    detail.textContent = "";
    const d = {};
    const title = el("h2", { id: "detail-title" }, "Order ");
    title.appendChild(el("code", {}, orderId));
    detail.appendChild(title);
    d.statusLine = el("p");
    detail.appendChild(d.statusLine);
    d.facts = el("dl", { class: "facts" });
    detail.appendChild(d.facts);

    detail.appendChild(el("h3", {}, "Actions"));
    const form = el("div", { class: "action-form" });
    const amountLabel = el("label", { for: "action-amount" }, "Amount ");
    d.amountCurrency = el("span");
    amountLabel.appendChild(d.amountCurrency);
    d.amount = el("input", { id: "action-amount", name: "amount", "data-testid": "amount", inputmode: "decimal", autocomplete: "off", spellcheck: "false" });
    amountLabel.appendChild(d.amount);
    form.appendChild(amountLabel);
    const reasonLabel = el("label", { for: "action-reason" }, "Refund reason (optional)");
    d.reason = el("input", { id: "action-reason", name: "reason", "data-testid": "reason", maxlength: String(MAX_REASON), autocomplete: "off" });
    reasonLabel.appendChild(d.reason);
    form.appendChild(reasonLabel);
    detail.appendChild(form);
    d.amountHelp = el("p", { class: "muted small", id: "amount-help" });
    d.amount.setAttribute("aria-describedby", "amount-help");
    detail.appendChild(d.amountHelp);

    const buttons = el("div", { class: "action-buttons" });
    d.capture = el("button", { type: "button", class: "primary", "data-testid": "capture" }, "Capture…");
    d.cancel = el("button", { type: "button", class: "danger", "data-testid": "cancel" }, "Cancel authorization…");
    d.refund = el("button", { type: "button", class: "secondary", "data-testid": "refund" }, "Refund…");
    d.sync = el("button", { type: "button", "data-testid": "sync" }, "Ask Antom now");
    d.capture.addEventListener("click", () => prepare("capture"));
    d.cancel.addEventListener("click", () => prepare("cancel"));
    d.refund.addEventListener("click", () => prepare("refund"));
    d.sync.addEventListener("click", sync);
    buttons.append(d.capture, d.cancel, d.refund, d.sync);
    detail.appendChild(buttons);

    d.confirmBox = el("div", { class: "confirm-box", "data-testid": "confirm-box", hidden: true });
    d.confirmText = el("p", { id: "confirm-text" });
    d.confirmBox.appendChild(d.confirmText);
    const confirmButtons = el("div", { class: "action-buttons" });
    d.confirm = el("button", { type: "button", class: "primary", "data-testid": "confirm", "aria-describedby": "confirm-text" }, "Confirm");
    d.back = el("button", { type: "button", "data-testid": "confirm-back" }, "Back");
    d.confirm.addEventListener("click", confirmAction);
    d.back.addEventListener("click", () => closeConfirm(true));
    confirmButtons.append(d.confirm, d.back);
    d.confirmBox.appendChild(confirmButtons);
    detail.appendChild(d.confirmBox);

    d.actionError = el("div", { class: "alert", role: "alert", "data-testid": "action-error", hidden: true });
    d.actionMessage = el("div", { class: "alert ok", role: "status", "data-testid": "action-message", hidden: true });
    detail.append(d.actionError, d.actionMessage);

    for (const [key, heading] of [["items", "Items"], ["payment", "Payment"], ["captures", "Captures"], ["cancelRecord", "Cancel"], ["refunds", "Refunds"]]) {
      d[`${key}Heading`] = el("h3", {}, heading);
      d[key] = el("div", { class: "table-scroll" });
      detail.append(d[`${key}Heading`], d[key]);
    }
    detail.appendChild(el("h3", {}, "Timeline"));
    d.timeline = el("ol", { class: "timeline", "data-testid": "timeline" });
    detail.appendChild(d.timeline);
    state.d = d;
  }

  function table(headings, rows) {
    const t = el("table");
    const head = el("tr");
    headings.forEach((h) => head.appendChild(el("th", { scope: "col" }, h)));
    const thead = el("thead");
    thead.appendChild(head);
    const tbody = el("tbody");
    for (const cells of rows) {
      const tr = el("tr");
      for (const cell of cells) {
        const td = el("td");
        if (cell instanceof Node) td.appendChild(cell);
        else td.textContent = cell;
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    t.append(thead, tbody);
    return t;
  }

  function fact(dl, term, value) {
    dl.appendChild(el("dt", {}, term));
    const dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = value;
    dl.appendChild(dd);
  }

  const failureText = (f) => (f ? `${f.code}: ${f.message}` : "");

  function renderDetail(order) {
    const d = state.d;
    d.statusLine.textContent = "";
    d.statusLine.appendChild(badge(order.status, STATUS_WORDS, STATUS_TONES, "order-status"));
    if (order.reviewRequired) {
      d.statusLine.append(" ", el("span", { class: "badge bad", "data-testid": "review-required" }, "Needs review"));
    }

    d.facts.textContent = "";
    fact(d.facts, "Total", money(order.amount));
    fact(d.facts, "Captured", money(order.capturedAmount));
    fact(d.facts, "Refunded", money(order.refundedAmount));
    fact(d.facts, "Still capturable", money(order.capturableAmount));
    fact(d.facts, "Still refundable", money(order.refundableAmount));
    fact(d.facts, "Created", time(order.createdAt));
    fact(d.facts, "Updated", time(order.updatedAt));
    for (const note of order.review || []) fact(d.facts, "Review", `${time(note.at)}: ${note.reason}`);

    d.items.textContent = "";
    d.items.appendChild(table(["Product", "SKU", "Quantity", "Unit price", "Amount"], (order.items || []).map((item) => [
      item.name, item.sku, String(item.quantity), money(item.unitAmount),
      money({ currency: item.unitAmount.currency, value: Money.times(item.unitAmount.value, item.quantity) }),
    ])));

    const p = order.payment || {};
    d.payment.textContent = "";
    const pf = el("dl", { class: "facts" });
    fact(pf, "Status", badge(p.status, {}, RECORD_TONES));
    fact(pf, "Card", p.cardBrand ? `${p.cardBrand} •••• ${p.cardLast4 || "????"}` : "—");
    fact(pf, "Amount", money(p.amount));
    fact(pf, "Payment request", p.paymentRequestId || "—");
    fact(pf, "Antom payment id", p.paymentId || "—");
    fact(pf, "Paid at", time(p.paidAt));
    fact(pf, "Authorization expires", time(p.authExpiresAt));
    if (p.failure) fact(pf, "Failure", failureText(p.failure));
    d.payment.appendChild(pf);

    d.captures.textContent = "";
    const captures = order.captures || [];
    d.captures.appendChild(captures.length
      ? table(["Amount", "Status", "Requested", "Captured", "Failure", "Request"], captures.map((c) => [
        money(c.amount), badge(c.status, {}, RECORD_TONES), time(c.requestedAt), time(c.capturedAt), failureText(c.failure) || "—", c.captureRequestId,
      ]))
      : el("p", { class: "muted small" }, "No captures."));

    d.cancelRecord.textContent = "";
    d.cancelRecordHeading.hidden = !order.cancel;
    if (order.cancel) {
      d.cancelRecord.appendChild(table(["Request", "Status", "Failure"], [[
        order.cancel.cancelRequestId, badge(order.cancel.status, {}, RECORD_TONES), failureText(order.cancel.failure),
      ]]));
    }

    d.refunds.textContent = "";
    const refunds = order.refunds || [];
    d.refunds.appendChild(refunds.length
      ? table(["Amount", "Status", "Reason", "Requested", "Refunded", "Failure", "Request"], refunds.map((r) => [
        money(r.amount), badge(r.status, {}, RECORD_TONES), r.reason || "—", time(r.requestedAt), time(r.refundedAt), failureText(r.failure) || "—", r.refundRequestId,
      ]))
      : el("p", { class: "muted small" }, "No refunds."));

    renderTimeline(order);
    renderActions(order);
  }

  function canCancel(order) {
    const open = !order.cancel || order.cancel.status === "FAIL";
    return open && (order.status === "AUTHORIZED" || order.status === "CAPTURE_FAILED");
  }

  function canCapture(order) {
    return positive(order.capturableAmount) && (order.payment || {}).status === "SUCCESS" &&
      order.status !== "CANCELED" && order.status !== "EXPIRED";
  }

  function renderActions(order) {
    const d = state.d;
    const currency = order.amount.currency;
    const digits = Money.exponent(currency);
    d.amountCurrency.textContent = `(${currency}, e.g. ${digits ? `10.${"0".repeat(digits)}` : "500"})`;
    d.capture.disabled = !canCapture(order);
    d.cancel.disabled = !canCancel(order);
    d.refund.disabled = !positive(order.refundableAmount);
    const hints = [];
    if (!d.capture.disabled) hints.push(`Capture: leave the amount empty to capture all ${money(order.capturableAmount)} still capturable.`);
    if (!d.refund.disabled) hints.push(`Refund: up to ${money(order.refundableAmount)}.`);
    if (!hints.length) hints.push("No capture, cancel or refund is possible in this state.");
    d.amountHelp.textContent = hints.join(" ");
    d.amount.placeholder = !d.capture.disabled ? Money.toMajorString(order.capturableAmount)
      : !d.refund.disabled ? Money.toMajorString(order.refundableAmount) : "";
  }

  function summarize(details) {
    if (!details || typeof details !== "object") return details === undefined || details === null ? "" : String(details);
    const parts = [];
    for (const [key, value] of Object.entries(details)) {
      if (value === null || value === undefined) continue;
      if (isAmount(value)) parts.push(`${key}: ${money(value)}`);
      else if (typeof value === "object") continue;
      else parts.push(`${key}: ${value}`);
    }
    return parts.join(" · ");
  }

  function rawBlock(label, text) {
    const box = el("details");
    box.appendChild(el("summary", { class: "small" }, label));
    box.appendChild(el("pre", {}, text));
    return box;
  }

  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (_) {
      return String(text);
    }
  }

  /** Events and received notifications, oldest first. */
  function renderTimeline(order) {
    const entries = (order.timeline || []).map((t, i) => ({ at: t.at, i, event: t }));
    (order.notifications || []).forEach((n, i) => entries.push({ at: n.receivedAt, i: 100000 + i, notification: n }));
    entries.sort((a, b) => (Date.parse(a.at) - Date.parse(b.at)) || (a.i - b.i));
    const list = state.d.timeline;
    list.textContent = "";
    for (const entry of entries) {
      if (entry.event) {
        const t = entry.event;
        const li = el("li", { "data-testid": "timeline-entry", "data-type": t.type });
        li.appendChild(el("div", { class: "when" }, `${time(t.at)} · ${t.actor}`));
        const what = el("div", { class: "what" }, `${EVENT_WORDS[t.type] || t.type} `);
        what.appendChild(el("code", { class: "small" }, t.type));
        li.appendChild(what);
        const summary = summarize(t.details);
        if (summary) li.appendChild(el("div", { class: "small" }, summary));
        if (t.details && typeof t.details === "object" && Object.keys(t.details).length) {
          li.appendChild(rawBlock("Details", JSON.stringify(t.details, null, 2)));
        }
        list.appendChild(li);
      } else {
        const n = entry.notification;
        const li = el("li", {
          class: "notification", "data-testid": "timeline-entry", "data-type": "NOTIFICATION_RECEIVED",
          "data-notify-type": n.notifyType || "",
        });
        li.appendChild(el("div", { class: "when" }, `${time(n.receivedAt)} · antom:notification`));
        const what = el("div", { class: "what" }, `Notification received: ${n.notifyType || "unknown type"} `);
        what.appendChild(el("code", { class: "small" }, n.route || ""));
        li.appendChild(what);
        const facts = [`verdict: ${n.verdict}`];
        if (n.outcome) facts.push(`outcome: ${n.outcome}`);
        if (n.outcomeDetail) facts.push(n.outcomeDetail);
        if (n.rejectReason) facts.push(`rejected: ${n.rejectReason}`);
        if (n.deliveryCount > 1) facts.push(`delivered ${n.deliveryCount} times (last ${time(n.lastReceivedAt)})`);
        li.appendChild(el("div", { class: "small" }, facts.join(" · ")));
        if (n.body) li.appendChild(rawBlock("Body as received", pretty(n.body)));
        list.appendChild(li);
      }
    }
    if (!entries.length) list.appendChild(el("li", {}, "Nothing yet."));
  }

  function inFlight(order) {
    const processing = (r) => r && r.status === "PROCESSING";
    return order.status === "PENDING_PAYMENT" || order.status === "CAPTURE_PENDING" ||
      (order.captures || []).some(processing) || (order.refunds || []).some(processing) || processing(order.cancel);
  }

  function stopPolling() {
    if (state.pollTimer) window.clearTimeout(state.pollTimer);
    state.pollTimer = null;
  }

  function schedulePoll(order) {
    stopPolling();
    if (!inFlight(order)) {
      state.pollDelay = 1500;
      return;
    }
    const id = order.orderId;
    state.pollTimer = window.setTimeout(() => {
      if (state.selected === id) loadDetail(id);
    }, state.pollDelay);
    state.pollDelay = Math.min(state.pollDelay * 1.5, 15000);
  }

  function applyDetail(order) {
    state.order = order;
    renderDetail(order);
    refreshRow(order);
    schedulePoll(order);
  }

  async function loadDetail(orderId) {
    const seq = ++state.detailSeq;
    try {
      const order = await api("GET", `/admin/api/orders/${encodeURIComponent(orderId)}`);
      if (seq !== state.detailSeq || state.selected !== orderId) return;
      applyDetail(order);
    } catch (e) {
      if (seq !== state.detailSeq || failed(e)) return;
      stopPolling();
      show(state.d.actionError, `The order could not be loaded: ${explain(e)}`);
    }
  }

  function openOrder(orderId) {
    if (state.selected !== orderId) {
      stopPolling();
      state.selected = orderId;
      state.order = null;
      state.pending = null;
      state.pollDelay = 1500;
      buildDetail(orderId);
      markSelected();
      history.replaceState(null, "", `#order=${encodeURIComponent(orderId)}`);
    }
    els.detail.focus();
    loadDetail(orderId);
  }

  // ---------- actions ----------

  function actionError(message) {
    show(state.d.actionError, message);
    if (message) show(state.d.actionMessage, "");
  }

  function closeConfirm(focusBack) {
    const d = state.d;
    const kind = state.pending && state.pending.kind;
    state.pending = null;
    d.confirmBox.hidden = true;
    if (focusBack && kind && d[kind] && !d[kind].disabled) d[kind].focus();
  }

  /** Reads the amount field for an action; null (after showing why) when it is not usable. */
  function typedAmount(order, limit, required, what) {
    const d = state.d;
    const typed = d.amount.value.trim();
    if (!typed) {
      if (!required) return { value: null };
      actionError(`Enter the amount to ${what} (at most ${money(limit)}).`);
      d.amount.focus();
      return null;
    }
    const currency = order.amount.currency;
    const parsed = Money.parseMajor(typed, currency);
    if (parsed.error) {
      actionError(parsed.error);
      d.amount.setAttribute("aria-invalid", "true");
      d.amount.focus();
      return null;
    }
    if (Money.compare(parsed.value, limit.value) > 0) {
      actionError(`${money({ currency, value: parsed.value })} is more than the ${money(limit)} that can still be ${what === "capture" ? "captured" : "refunded"}.`);
      d.amount.setAttribute("aria-invalid", "true");
      d.amount.focus();
      return null;
    }
    d.amount.removeAttribute("aria-invalid");
    return { value: { currency, value: parsed.value } };
  }

  function prepare(kind) {
    const order = state.order;
    const d = state.d;
    if (!order) return;
    actionError("");
    show(d.actionMessage, "");
    let body;
    let text;
    if (kind === "capture") {
      const amount = typedAmount(order, order.capturableAmount, false, "capture");
      if (!amount) return;
      body = amount.value ? { amount: amount.value } : {};
      text = amount.value
        ? `Capture ${money(amount.value)} of the ${money(order.capturableAmount)} still capturable?`
        : `Capture ${money(order.capturableAmount)} (everything still capturable)?`;
    } else if (kind === "refund") {
      const amount = typedAmount(order, order.refundableAmount, true, "refund");
      if (!amount) return;
      const reason = d.reason.value.trim();
      if (reason.length > MAX_REASON) {
        actionError(`The reason can be at most ${MAX_REASON} characters.`);
        d.reason.focus();
        return;
      }
      body = reason ? { amount: amount.value, reason } : { amount: amount.value };
      text = `Refund ${money(amount.value)} to the buyer's card${reason ? ` (reason: ${reason})` : ""}? This cannot be undone.`;
    } else {
      body = {};
      text = `Cancel the authorization of ${money(order.amount)}? The buyer will not be charged and the order can no longer be captured.`;
    }
    state.pending = { kind, body, text, key: uuid(), orderId: order.orderId };
    d.confirmText.textContent = text;
    d.confirm.textContent = kind === "cancel" ? "Confirm cancel" : `Confirm ${kind}`;
    d.confirmBox.hidden = false;
    d.confirm.focus();
  }

  function describeResult(kind, answer) {
    const record = answer[kind] || {};
    const amount = record.amount ? ` of ${money(record.amount)}` : "";
    const noun = kind === "cancel" ? "Cancel" : kind === "capture" ? "Capture" : "Refund";
    switch (record.status) {
      case "SUCCESS":
        return { ok: true, text: `${noun}${amount} succeeded.` };
      case "FAIL":
        return { ok: false, text: `${noun}${amount} failed: ${failureText(record.failure) || "Antom refused it"}.` };
      default:
        return { ok: true, text: `${noun}${amount} sent to Antom; waiting for the result (this page updates by itself).` };
    }
  }

  async function confirmAction() {
    const pending = state.pending;
    const d = state.d;
    if (!pending || pending.orderId !== state.selected) return;
    d.confirm.disabled = true;
    d.back.disabled = true;
    try {
      const answer = await api("POST", `/admin/api/orders/${encodeURIComponent(pending.orderId)}/${pending.kind}`, pending.body, pending.key);
      if (state.selected !== pending.orderId) return;
      closeConfirm(false);
      d.amount.value = "";
      d.reason.value = "";
      const result = describeResult(pending.kind, answer || {});
      if (result.ok) {
        actionError("");
        show(d.actionMessage, result.text);
      } else {
        actionError(result.text);
      }
      state.pollDelay = 1000;
    } catch (e) {
      if (failed(e)) return;
      actionError(explain(e, pending.kind));
      // Retrying after a network error or a 5xx reuses this key: the server runs the action once.
      const retryable = e.status === 0 || e.status >= 500;
      if (!retryable) closeConfirm(false);
    } finally {
      d.confirm.disabled = false;
      d.back.disabled = false;
      if (state.selected === pending.orderId) loadDetail(pending.orderId);
    }
  }

  async function sync() {
    const order = state.order;
    const d = state.d;
    if (!order) return;
    d.sync.disabled = true;
    actionError("");
    try {
      const fresh = await api("POST", `/admin/api/orders/${encodeURIComponent(order.orderId)}/sync`, {}, uuid());
      if (state.selected !== order.orderId) return;
      applyDetail(fresh);
      show(d.actionMessage, `Asked Antom: the order is ${STATUS_WORDS[fresh.status] || fresh.status}.`);
    } catch (e) {
      if (!failed(e)) actionError(explain(e, "sync"));
    } finally {
      d.sync.disabled = false;
    }
  }

  // ---------- start ----------

  els.signinForm.addEventListener("submit", signIn);
  els.signout.addEventListener("click", () => signOut(""));
  els.filter.addEventListener("change", () => loadOrders(true));
  els.refresh.addEventListener("click", () => {
    loadOrders(true);
    if (state.selected) loadDetail(state.selected);
  });
  els.more.addEventListener("click", () => loadOrders(false));
  els.deliveryKind.addEventListener("change", loadDeliveries);
  els.deliveriesRefresh.addEventListener("click", loadDeliveries);

  let saved = null;
  try {
    saved = sessionStorage.getItem(TOKEN_KEY);
  } catch (_) {
    saved = null;
  }
  if (saved) {
    state.token = saved;
    enterConsole();
  } else {
    els.token.focus();
  }
})();
