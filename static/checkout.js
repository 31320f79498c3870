// The checkout page: catalog, cart, and payment with Antom in one of three integrations
// (README "Integrations"; docs/antom-element.md has the facts and their sources):
//
// * element (default): Pay -> POST /sessions -> the Payment Element (AMSElement) is mounted in
//   [data-testid=payment-element] -> the buyer enters the card there and presses our Pay button
//   again, which calls submitPayment(); 3-D Secure runs inside the Element. Saved cards are
//   offered inside the Element (the session carries them), so this page does not list them.
// * sdk: Pay -> POST /sessions -> AMSCashierPayment.createComponent() shows Antom's card form in
//   an overlay; the outcome comes through onEventCallback. (Antom now calls this deprecated.)
// * hosted: Pay -> POST /sessions -> the browser goes to Antom's Checkout Page (normalUrl); no
//   script of Antom's runs here.
//
// The integration is the server's default (CHECKOUT_INTEGRATION, in data-integration), or
// ?integration=element|sdk|hosted in this page's URL. We pass notRedirectAfterComplete so a
// declined card stays on this page with a message and a second try; on success, processing or
// an SDK error (which says nothing about the money) we go to /checkout/result ourselves (the
// page Antom redirects to as paymentRedirectUrl, so the buyer ends there whichever of the two
// navigates). The result page never trusts the URL: it shows the server's status.
// The JSON shapes come from the OpenAPI document: tests/suites/api-contract.sh generates
// TypeScript types from docs/openapi.json and type-checks this file against them (tsc
// --checkJs), so a renamed field in the contract fails there, not in a buyer's browser.
/** @typedef {import("../tests/api-contract/generated/api").components["schemas"]} Schemas */
"use strict";
(function () {
  const Money = window.AntomMoney;
  const CART_KEY = "antom-checkout.cart";
  const MAX_QUANTITY = 99;
  // A cancelled session is reused for the same cart unless it expires within this margin (or a
  // quarter of its lifetime, for short-lived sessions).
  const SESSION_MARGIN_MS = 2 * 60 * 1000;

  const $ = (id) => document.getElementById(id);
  const els = {
    main: $("main"),
    catalog: $("catalog"),
    catalogStatus: $("catalog-status"),
    cart: $("cart"),
    cartTitle: $("cart-title"),
    cartNotice: $("cart-notice"),
    cartTotal: $("cart-total"),
    cartLink: $("cart-link"),
    error: $("checkout-error"),
    payStatus: $("pay-status"),
    pay: /** @type {HTMLButtonElement} */ ($("pay")),
    savedCards: $("saved-cards"),
    savedCardList: $("saved-card-list"),
    element: $("payment-element"),
    hosted: $("hosted-checkout"),
  };

  const INTEGRATIONS = ["element", "sdk", "hosted"];
  /** The integration this page uses: ?integration=… or the server's default. */
  const integration = (() => {
    const asked = new URLSearchParams(window.location.search).get("integration");
    if (INTEGRATIONS.includes(asked)) return asked;
    const configured = els.main.dataset.integration;
    return INTEGRATIONS.includes(configured) ? configured : "element";
  })();

  const state = {
    products: new Map(), // sku -> {sku, name, description, unitAmount}
    cart: new Map(), // sku -> quantity, in the order the buyer added them
    busy: false,
    payment: null, // {session, createdAt, cartKey, component, element, reusable}
    scripts: new Map(), // SDK script URL -> Promise
    savedCards: [],
  };

  // ---------- small helpers ----------

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const price = (amount) => Money.format(amount, navigator.language);

  /** Antom wants locales like en_US; navigator.language may be "en", "en-US" or "zh-Hant-TW". */
  function antomLocale() {
    try {
      const locale = new Intl.Locale(navigator.language || "en-US").maximize();
      if (locale.language && locale.region) return `${locale.language}_${locale.region}`;
    } catch (_) {
      // an odd navigator.language: fall through
    }
    return "en_US";
  }

  /** WAP on phone-sized screens (with the OS when the browser tells it), WEB otherwise. */
  function terminal() {
    if (!window.matchMedia("(max-width: 640px)").matches) return { terminalType: "WEB" };
    const ua = navigator.userAgent || "";
    const osType = /iPhone|iPad|iPod/.test(ua) ? "IOS" : /Android/.test(ua) ? "ANDROID" : null;
    return osType ? { terminalType: "WAP", osType } : { terminalType: "WAP" };
  }

  function showError(message, { focus = true } = {}) {
    els.error.textContent = message || "";
    els.error.hidden = !message;
    if (message && focus) els.error.focus();
  }

  function status(message) {
    els.payStatus.textContent = message || "";
  }

  function notice(message) {
    els.cartNotice.textContent = message || "";
    els.cartNotice.hidden = !message;
  }

  async function readError(response) {
    try {
      const body = await response.json();
      if (body && body.error) return body.error;
    } catch (_) {
      // not JSON: use the status below
    }
    return { code: `HTTP_${response.status}`, message: response.statusText || "unexpected answer" };
  }

  /** A sentence for the buyer about a failed POST /sessions. */
  function sessionErrorMessage(response, error) {
    switch (error.code) {
      case "EMPTY_CART":
        return "Your cart is empty. Add a product first.";
      case "UNKNOWN_SKU":
        return "A product in your cart is no longer for sale. Please remove it and try again.";
      case "INVALID_QUANTITY":
        return "Quantities must be between 1 and 99.";
      case "MIXED_CURRENCY":
        return "One payment can only be in one currency. Please keep products of one currency in the cart.";
      case "ANTOM_REJECTED":
        return "The payment provider could not start this payment. Please try again in a moment.";
      case "ANTOM_UNAVAILABLE":
        return "The payment provider did not answer in time. Your card was not charged; please try again.";
      default:
        if (response.status >= 500) return "Something went wrong on our side. Your card was not charged; please try again.";
        return `The payment could not be started: ${error.message}`;
    }
  }

  // The result page finds the order through the buyer cookie: the order token stays out of
  // URLs (history, logs, and the paymentRedirectUrl Antom keeps).
  function resultUrl(orderId) {
    return `/checkout/result?orderId=${encodeURIComponent(orderId)}`;
  }

  // ---------- cart ----------

  function saveCart() {
    try {
      sessionStorage.setItem(CART_KEY, JSON.stringify(Array.from(state.cart)));
    } catch (_) {
      // private mode or storage full: the cart simply is not kept across pages
    }
  }

  function restoreCart() {
    let saved = [];
    try {
      saved = JSON.parse(sessionStorage.getItem(CART_KEY) || "[]");
    } catch (_) {
      saved = [];
    }
    if (!Array.isArray(saved)) return;
    for (const entry of saved) {
      if (!Array.isArray(entry)) continue;
      const [sku, quantity] = entry;
      if (state.products.has(sku) && Number.isInteger(quantity) && quantity >= 1) {
        state.cart.set(sku, Math.min(quantity, MAX_QUANTITY));
      }
    }
    // A restored cart mixing currencies (the catalog changed) keeps only the first currency.
    const currency = cartCurrency();
    for (const sku of Array.from(state.cart.keys())) {
      if (state.products.get(sku).unitAmount.currency !== currency) state.cart.delete(sku);
    }
  }

  function cartCurrency() {
    for (const sku of state.cart.keys()) return state.products.get(sku).unitAmount.currency;
    return null;
  }

  function cartItems() {
    return Array.from(state.cart, ([sku, quantity]) => ({ sku, quantity }));
  }

  function cartKey(items) {
    return JSON.stringify(items);
  }

  function cartTotal() {
    const currency = cartCurrency();
    if (!currency) return null;
    let value = "0";
    state.cart.forEach((quantity, sku) => {
      value = Money.add(value, Money.times(state.products.get(sku).unitAmount.value, quantity));
    });
    return { currency, value };
  }

  function addToCart(sku) {
    const product = state.products.get(sku);
    const currency = cartCurrency();
    if (currency && product.unitAmount.currency !== currency) {
      notice(
        `${product.name} is priced in ${product.unitAmount.currency} and your cart is in ${currency}. ` +
          "One payment can only be in one currency: pay for your cart first, or empty it."
      );
      return;
    }
    const quantity = state.cart.get(sku) || 0;
    if (quantity >= MAX_QUANTITY) {
      notice(`You can buy at most ${MAX_QUANTITY} of ${product.name}.`);
      return;
    }
    state.cart.set(sku, quantity + 1);
    notice(`Added ${product.name} to your cart (${quantity + 1}).`);
    cartChanged();
  }

  function setQuantity(sku, quantity, focusKey) {
    if (quantity <= 0) {
      state.cart.delete(sku);
      notice(`Removed ${state.products.get(sku).name} from your cart.`);
    } else {
      state.cart.set(sku, Math.min(quantity, MAX_QUANTITY));
      notice("");
    }
    cartChanged(focusKey);
  }

  function cartChanged(focusKey) {
    // A mounted Element belongs to the old cart's session.
    if (state.payment && state.payment.element && state.payment.cartKey !== cartKey(cartItems())) {
      closeElement(state.payment);
      state.payment.reusable = false;
    }
    saveCart();
    renderCart(focusKey);
  }

  function renderCart(focusKey) {
    els.cart.textContent = "";
    if (state.cart.size === 0) {
      els.cart.appendChild(el("p", { class: "muted" }, "Your cart is empty."));
      els.cartTotal.hidden = true;
      updatePayButton();
      if (focusKey) els.cartTitle.focus();
      return;
    }
    const list = el("ul", { class: "cart-lines plain" });
    state.cart.forEach((quantity, sku) => {
      const product = state.products.get(sku);
      const line = el("li", { class: "cart-line", "data-testid": "cart-line", "data-sku": sku });
      line.appendChild(el("span", { class: "cart-name" }, product.name));
      const controls = el("span", { class: "qty", role: "group", "aria-label": `Quantity of ${product.name}` });
      const minus = el("button", {
        type: "button", class: "icon", "data-testid": "decrease", "data-sku": sku, "data-focus": `decrease:${sku}`,
        "aria-label": `One less ${product.name}`, disabled: quantity <= 1,
      }, "−");
      minus.addEventListener("click", () => setQuantity(sku, quantity - 1, `decrease:${sku}`));
      const plus = el("button", {
        type: "button", class: "icon", "data-testid": "increase", "data-sku": sku, "data-focus": `increase:${sku}`,
        "aria-label": `One more ${product.name}`, disabled: quantity >= MAX_QUANTITY,
      }, "+");
      plus.addEventListener("click", () => setQuantity(sku, quantity + 1, `increase:${sku}`));
      controls.append(minus, el("span", { class: "qty-value", "data-testid": "quantity", "aria-live": "polite" }, String(quantity)), plus);
      line.appendChild(controls);
      const lineTotal = { currency: product.unitAmount.currency, value: Money.times(product.unitAmount.value, quantity) };
      line.appendChild(el("span", { class: "cart-amount" }, price(lineTotal)));
      const remove = el("button", {
        type: "button", class: "link", "data-testid": "remove", "data-sku": sku, "aria-label": `Remove ${product.name} from the cart`,
      }, "Remove");
      remove.addEventListener("click", () => setQuantity(sku, 0, "removed"));
      line.appendChild(remove);
      list.appendChild(line);
    });
    els.cart.appendChild(list);
    els.cartTotal.textContent = `Total: ${price(cartTotal())}`;
    els.cartTotal.hidden = false;
    updatePayButton();
    if (focusKey) {
      const target = els.cart.querySelector(`[data-focus="${CSS.escape(focusKey)}"]:not(:disabled)`);
      /** @type {HTMLElement} */ (target || els.cartTitle).focus();
    }
  }

  function updatePayButton() {
    const total = cartTotal();
    let count = 0;
    state.cart.forEach((quantity) => {
      count += quantity;
    });
    els.cartLink.textContent = total ? `Cart (${count}) · ${price(total)}` : "Cart (0)";
    els.pay.disabled = state.busy || !total;
    const label = elementReady() ? "Pay now" : "Pay";
    els.pay.textContent = total ? `${label} ${price(total)}` : label;
    els.savedCardList.querySelectorAll("button").forEach((b) => {
      b.disabled = state.busy || !total;
    });
  }

  function setBusy(busy) {
    state.busy = busy;
    els.pay.setAttribute("aria-busy", busy ? "true" : "false");
    updatePayButton();
  }

  // ---------- catalog ----------

  function renderCatalog() {
    els.catalog.textContent = "";
    state.products.forEach((product) => {
      const item = el("li", { class: "card product" });
      const titleId = `product-${product.sku}`;
      item.appendChild(el("h2", { id: titleId, class: "product-name" }, product.name));
      item.appendChild(el("p", { class: "muted" }, product.description));
      item.appendChild(el("p", { class: "price" }, price(product.unitAmount)));
      const add = el("button", {
        type: "button", class: "primary", "data-testid": "add-to-cart", "data-sku": product.sku,
        "aria-describedby": titleId,
      }, "Add to cart");
      add.addEventListener("click", () => addToCart(product.sku));
      item.appendChild(add);
      els.catalog.appendChild(item);
    });
  }

  async function loadCatalog() {
    try {
      const response = await fetch("/api/products", { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      /** @type {Schemas["ProductList"]} */
      const body = await response.json();
      for (const product of body.products || []) state.products.set(product.sku, product);
      els.catalogStatus.hidden = true;
      renderCatalog();
      restoreCart();
      renderCart();
    } catch (_) {
      els.catalogStatus.textContent = "The products could not be loaded. Please reload the page.";
      els.catalogStatus.classList.add("error-text");
    }
  }

  // ---------- the Antom Web SDK ----------

  /** Loads the SDK once; with its Subresource Integrity when the server names one. */
  function loadScript(url, integrity) {
    if (!state.scripts.has(url)) {
      const loading = new Promise((resolve, reject) => {
        const script = el("script", integrity ? { src: url, integrity, crossorigin: "anonymous" } : { src: url });
        script.addEventListener("load", resolve);
        script.addEventListener("error", () => {
          script.remove();
          reject(new Error("The secure payment form could not be loaded. Please check your connection and try again."));
        });
        document.head.appendChild(script);
      });
      state.scripts.set(url, loading);
      loading.catch(() => state.scripts.delete(url));
    }
    return state.scripts.get(url);
  }

  /** Leaves the page usable again after the SDK's overlay has gone. */
  function overlayOpen(open) {
    els.main.inert = open;
  }

  function closeComponent() {
    const payment = state.payment;
    if (payment && payment.component) {
      try {
        payment.component.unmount();
      } catch (_) {
        // already gone
      }
      payment.component = null;
    }
    overlayOpen(false);
  }

  /** The payment session to use for `items`: the last one if the buyer only cancelled it. */
  function reusableSession(items) {
    const payment = state.payment;
    if (!payment || !payment.reusable || payment.cartKey !== cartKey(items)) return null;
    const expires = Date.parse(payment.session.paymentSessionExpiryTime);
    if (!Number.isFinite(expires)) return null;
    const margin = Math.min(SESSION_MARGIN_MS, (expires - payment.createdAt) / 4);
    if (expires - Date.now() < margin) return null;
    return payment.session;
  }

  /**
   * @param {Schemas["SessionRequest"]} body
   * @returns {Promise<Schemas["SessionCreated"] | Schemas["SavedCardPayment"]>} a SavedCardPayment
   *   when the body names `savedCardId`, else a SessionCreated

   */
  async function postSession(body) {
    let response;
    try {
      response = await fetch("/sessions", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
    } catch (_) {
      throw new Error("The shop could not be reached. Check your connection and try again.");
    }
    if (response.status !== 201) {
      throw new Error(sessionErrorMessage(response, await readError(response)));
    }
    return response.json();
  }

  function sessionRequest(items, extra) {
    return Object.assign({ items, locale: antomLocale() }, terminal(), extra || {});
  }

  async function pay() {
    const items = cartItems();
    if (state.busy || items.length === 0) return;
    if (elementReady()) {
      await submitElement(state.payment);
      return;
    }
    setBusy(true);
    showError("");
    status("Starting the payment…");
    try {
      closeComponent();
      const reused = reusableSession(items);
      const session = /** @type {Schemas["SessionCreated"]} */ (
        reused || (await postSession(sessionRequest(items, { integration })))
      );
      const createdAt = reused ? state.payment.createdAt : Date.now();
      const payment = { session, createdAt, cartKey: cartKey(items), component: null, element: null, reusable: false };
      state.payment = payment;
      if (session.integration === "hosted") {
        goToHostedPage(payment);
        return;
      }
      await loadScript(session.sdk.scriptUrl, session.sdk.integrity);
      if (session.integration === "element") {
        await mountElement(payment);
        return;
      }
      if (typeof window.AMSCashierPayment !== "function") {
        throw new Error("The secure payment form could not be loaded. Please try again.");
      }
      payment.component = new window.AMSCashierPayment({
        environment: session.sdk.environment,
        locale: antomLocale(),
        onEventCallback: (event) => onSdkEvent(payment, event || {}),
      });
      overlayOpen(true);
      await payment.component.createComponent({
        sessionData: session.paymentSessionData,
        appearance: { showLoading: true },
        notRedirectAfterComplete: true,
      });
    } catch (e) {
      closeComponent();
      closeElement(state.payment);
      finish(e.message || "The payment could not be started. Please try again.");
    }
  }

  // ---------- hosted Checkout Page ----------

  /** Antom's Checkout Page takes over: the link stays in case the navigation is blocked. */
  function goToHostedPage(payment) {
    const url = safeRedirect(payment.session.normalUrl || "");
    if (!url) throw new Error("The payment page could not be opened. Please try again.");
    els.hosted.textContent = "";
    els.hosted.appendChild(el("a", { href: url, "data-testid": "hosted-checkout-link" }, "Continue to the secure payment page"));
    els.hosted.hidden = false;
    status("Taking you to the secure payment page…");
    window.location.assign(url);
  }

  // ---------- Payment Element ----------

  function elementReady() {
    return Boolean(state.payment && state.payment.element && state.payment.element.ready);
  }

  function closeElement(payment) {
    const element = payment && payment.element;
    if (!element) return;
    try {
      element.instance.destroy();
    } catch (_) {
      // already gone
    }
    payment.element = null;
    els.element.hidden = true;
    els.element.textContent = "";
    updatePayButton();
  }

  /** The Element's own error codes as sentences (the rest say nothing about the money). */
  function elementErrorMessage(error) {
    switch (error && error.code) {
      case "FORM_INVALID":
        return "Please check your card details.";
      case "INQUIRY_PAYMENT_SESSION_FAILED":
        return "This payment can no longer be completed. Press Pay to start again.";
      case "INITIALIZE_WEB_TIMEOUT":
        return "The secure payment form took too long to load. Please try again.";
      default:
        return "The secure payment form could not be shown. Please try again.";
    }
  }

  async function mountElement(payment) {
    if (typeof window.AMSElement !== "function") {
      throw new Error("The secure payment form could not be loaded. Please try again.");
    }
    const session = payment.session;
    const instance = new window.AMSElement({
      sessionData: session.paymentSessionData,
      environment: session.sdk.environment,
      locale: antomLocale(),
      onEventCallback: (event) => onElementEvent(payment, event || {}),
    });
    payment.element = { instance, ready: false };
    els.element.hidden = false;
    status("Loading the secure card form…");
    const mounted = await instance.mount(
      {
        type: "payment",
        appearance: { theme: "default" },
        // We show declines here and go to the result page ourselves.
        notRedirectAfterComplete: true,
        merchantAppointParam: { storedCard: { needCVV: true } },
      },
      "#payment-element"
    );
    if (payment !== state.payment) return;
    if (mounted && mounted.error) {
      closeElement(payment);
      finish(elementErrorMessage(mounted.error));
      return;
    }
    payment.element.ready = true;
    setBusy(false);
    status("Enter your card details, then press Pay now.");
  }

  /** Our Pay button under a mounted Element: submitPayment() does the rest (3-D Secure too). */
  async function submitElement(payment) {
    setBusy(true);
    showError("");
    status("Paying…");
    let result;
    try {
      result = (await payment.element.instance.submitPayment()) || {};
    } catch (_) {
      result = { status: "FAIL", error: { code: "UNKNOWN" } };
    }
    if (payment !== state.payment) return;
    elementOutcome(payment, result.status, result.error || null);
  }

  /** submitPayment()'s answer, or an outcome event of a payment completed inside the Element. */
  function elementOutcome(payment, outcome, error) {
    switch (outcome) {
      case "SUCCESS":
      case "PROCESSING":
        status(outcome === "SUCCESS" ? "Payment successful. Loading your receipt…" : "Confirming your payment…");
        window.location.assign(resultUrl(payment.session.orderId));
        return;
      case "CANCELLED":
        setBusy(false);
        status("");
        showError("Payment cancelled. Your card was not charged. Press Pay now when you are ready.");
        return;
      default: {
        const code = error && error.code;
        if (code === "FORM_INVALID" || code === "UI_STATE_ERROR") {
          // The form shows what to fix; the session is still good.
          setBusy(false);
          status("");
          showError(elementErrorMessage(error), { focus: false });
          return;
        }
        // A declined card: this session is spent (needChangeSessionForRetry), Pay starts anew.
        closeElement(payment);
        payment.reusable = false;
        const detail = sentence(error && error.message);
        finish(`Your payment did not go through.${detail} Your card was not charged. Please check the details or use another card, then press Pay to try again.`);
      }
    }
  }

  // The Element's events are {code, message}; outcomes of a payment completed inside the
  // Element arrive only here (with submitPayment() they arrive in its answer as well).
  function onElementEvent(payment, event) {
    if (payment !== state.payment || !payment.element) return;
    switch (event.code) {
      case "SDK_PAYMENT_SUCCESSFUL":
        elementOutcome(payment, "SUCCESS", null);
        break;
      case "SDK_PAYMENT_PROCESSING":
        elementOutcome(payment, "PROCESSING", null);
        break;
      case "SDK_PAYMENT_FAIL":
        if (!state.busy) elementOutcome(payment, "FAIL", { code: "PAYMENT_FAIL", message: event.message });
        break;
      case "SDK_PAYMENT_ERROR":
        // Says nothing about the money: the result page asks the server.
        status("Checking the payment with the payment provider…");
        window.location.assign(resultUrl(payment.session.orderId));
        break;
      default:
        // Loading and component events: mount()'s answer covers them.
        break;
    }
  }

  /** Keyboard users continue in the SDK's form (the page behind it is inert meanwhile). */
  function focusForm() {
    if (document.activeElement && document.activeElement !== document.body && !els.main.contains(document.activeElement)) return;
    const frames = Array.from(document.querySelectorAll("iframe")).filter((frame) => !els.main.contains(frame));
    if (frames.length) frames[frames.length - 1].focus();
  }

  /** The component is gone: the buyer can change the cart and press Pay again. */
  function finish(message) {
    setBusy(false);
    status("");
    showError(message);
  }

  function endPayment(payment, reusable, message) {
    payment.reusable = reusable;
    closeComponent();
    finish(message);
  }

  /** The SDK's message as a sentence of its own ("" when there is none). */
  function sentence(message) {
    const text = String(message || "").trim();
    if (!text) return "";
    const capital = text.charAt(0).toUpperCase() + text.slice(1);
    return /[.!?]$/.test(capital) ? ` ${capital}` : ` ${capital}.`;
  }

  // Every SDK event is {code, result: {paymentResultCode, paymentResultMessage}}, as Antom's
  // guides read it (older stand-ins sent a top-level message).
  function onSdkEvent(payment, event) {
    if (payment !== state.payment) return; // an old component's late event
    const code = event.code;
    const result = event.result || {};
    const detail = sentence(result.paymentResultMessage || event.message);
    switch (code) {
      case "SDK_START_OF_LOADING":
        status("Loading the secure card form…");
        break;
      case "SDK_END_OF_LOADING":
        status("Enter your card details in the secure form.");
        focusForm();
        break;
      case "SDK_PAYMENT_SUCCESSFUL":
      case "SDK_PAYMENT_PROCESSING":
        status(code === "SDK_PAYMENT_SUCCESSFUL" ? "Payment successful. Loading your receipt…" : "Confirming your payment…");
        window.location.assign(resultUrl(payment.session.orderId));
        break;
      case "SDK_FORM_VERIFICATION_FAILED":
        // The form stays open so the buyer can correct the details there.
        showError(`Please check your card details.${detail}`, { focus: false });
        break;
      case "SDK_PAYMENT_FAIL":
        endPayment(payment, false, `Your payment did not go through.${detail} Your card was not charged. Please check the details or use another card, then press Pay to try again.`);
        break;
      case "SDK_PAYMENT_CANCEL":
        endPayment(payment, true, "Payment cancelled. Your card was not charged. Press Pay when you are ready.");
        break;
      case "SDK_PAYMENT_ERROR":
        // Antom's guide: an error says nothing about the money; confirm with the server. The
        // result page shows the server's status (and asks Antom while it is unsettled).
        status("Checking the payment with the payment provider…");
        payment.reusable = false;
        closeComponent();
        window.location.assign(resultUrl(payment.session.orderId));
        break;
      default:
        // Loading and analytics events we do not act on.
        break;
    }
  }

  // ---------- saved cards (contract §2b) ----------

  function describeCard(card) {
    const brand = card.brand || "Card";
    const last = card.lastFour || String(card.maskedCardNo || "").slice(-4);
    const expiry = card.expiryMonth && card.expiryYear ? `, expires ${card.expiryMonth}/${String(card.expiryYear).slice(-2)}` : "";
    return `${brand} •••• ${last}${expiry}`;
  }

  function renderSavedCards() {
    // The Payment Element offers the buyer's saved cards itself (POST /sessions sends them).
    if (integration === "element") {
      els.savedCards.hidden = true;
      return;
    }
    els.savedCardList.textContent = "";
    for (const card of state.savedCards) {
      const item = el("li");
      const button = el("button", {
        type: "button", class: "secondary wide", "data-testid": "saved-card", "data-card-id": card.cardId,
      }, `Pay with ${describeCard(card)}`);
      button.addEventListener("click", () => payWithSavedCard(card));
      item.appendChild(button);
      els.savedCardList.appendChild(item);
    }
    els.savedCards.hidden = state.savedCards.length === 0;
    updatePayButton();
  }

  /** Saved cards are optional: any answer but 200 with cards leaves the section hidden. */
  async function loadSavedCards() {
    try {
      const response = await fetch("/api/cards", { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.status !== 200) return;
      /** @type {Schemas["CardList"]} */
      const body = await response.json();
      state.savedCards = Array.isArray(body.cards) ? body.cards.filter((c) => c && typeof c.cardId === "string") : [];
      renderSavedCards();
    } catch (_) {
      // no saved cards to offer
    }
  }

  function safeRedirect(url) {
    try {
      const target = new URL(url, window.location.href);
      return target.protocol === "https:" || target.protocol === "http:" ? target.href : null;
    } catch (_) {
      return null;
    }
  }

  async function payWithSavedCard(card) {
    const items = cartItems();
    if (state.busy || items.length === 0) return;
    setBusy(true);
    showError("");
    status(`Paying with ${describeCard(card)}…`);
    closeComponent();
    try {
      const answer = /** @type {Schemas["SavedCardPayment"]} */ (
        await postSession(sessionRequest(items, { savedCardId: card.cardId }))
      );
      const redirect = answer.redirectUrl ? safeRedirect(answer.redirectUrl) : null;
      switch (answer.status) {
        case "PAYMENT_FAILED":
          finish(`Your saved card ${describeCard(card)} was declined. Your card was not charged. Please use another card.`);
          return;
        case "PENDING_PAYMENT":
          status("Your bank asks you to confirm the payment…");
          window.location.assign(redirect || resultUrl(answer.orderId));
          return;
        default:
          status("Payment successful. Loading your receipt…");
          window.location.assign(resultUrl(answer.orderId));
      }
    } catch (e) {
      finish(e.message);
    }
  }

  // ---------- start ----------

  els.pay.addEventListener("click", pay);
  els.cartLink.addEventListener("click", (event) => {
    event.preventDefault();
    els.cartTitle.scrollIntoView({ block: "start" });
    els.cartTitle.focus();
  });
  // Back from the result page (or Antom's pages) through the back/forward cache: no overlay,
  // nothing in flight.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    closeComponent();
    closeElement(state.payment);
    els.hosted.hidden = true;
    if (state.payment) state.payment.reusable = false;
    finish("");
  });
  loadCatalog().then(loadSavedCards);
})();
