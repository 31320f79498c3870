// Checkout page: catalog, cart, and the Antom Web SDK. (The full page arrives with the pages issue.)
"use strict";
(function () {
  const cart = new Map();
  let products = [];
  const el = (tag, attrs, text) => { const e = document.createElement(tag); Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v)); if (text !== undefined) e.textContent = text; return e; };
  const format = (amount) => {
    const digits = new Intl.NumberFormat("en", { style: "currency", currency: amount.currency }).resolvedOptions().maximumFractionDigits;
    return new Intl.NumberFormat(navigator.language || "en", { style: "currency", currency: amount.currency }).format(Number(amount.value) / Math.pow(10, digits));
  };
  const errorBox = document.querySelector("[data-testid=checkout-error]");
  const payButton = document.querySelector("[data-testid=pay]");
  function showError(message) { errorBox.textContent = message; errorBox.hidden = !message; }
  function renderCart() {
    const box = document.getElementById("cart"); box.textContent = "";
    if (cart.size === 0) { box.appendChild(el("p", { class: "muted" }, "Your cart is empty.")); payButton.disabled = true; return; }
    const list = el("ul");
    cart.forEach((qty, sku) => { const p = products.find((x) => x.sku === sku); list.appendChild(el("li", {}, `${qty} × ${p.name} (${format(p.unitAmount)})`)); });
    box.appendChild(list); payButton.disabled = false;
  }
  async function loadScript(src) {
    if (document.querySelector(`script[src="${src}"]`)) return;
    await new Promise((resolve, reject) => { const s = el("script", { src }); s.onload = resolve; s.onerror = () => reject(new Error("could not load the payment SDK")); document.head.appendChild(s); });
  }
  async function pay() {
    showError(""); payButton.disabled = true;
    try {
      const items = Array.from(cart, ([sku, quantity]) => ({ sku, quantity }));
      const wap = window.matchMedia("(max-width: 600px)").matches;
      const res = await fetch("/sessions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ items, locale: (navigator.language || "en-US").replace("-", "_"), terminalType: wap ? "WAP" : "WEB" }) });
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ? body.error.message : "could not start the payment");
      await loadScript(body.sdk.scriptUrl);
      const checkout = new window.AMSCashierPayment({
        environment: body.sdk.environment, locale: (navigator.language || "en-US").replace("-", "_"),
        onEventCallback: ({ code, message }) => {
          if (code === "SDK_PAYMENT_SUCCESSFUL" || code === "SDK_PAYMENT_PROCESSING") return;
          if (["SDK_PAYMENT_FAIL", "SDK_PAYMENT_CANCEL", "SDK_PAYMENT_ERROR", "SDK_FORM_VERIFICATION_FAILED"].includes(code)) { showError(message || "The payment did not go through. Please try again."); payButton.disabled = false; }
        },
      });
      await checkout.createComponent({ sessionData: body.paymentSessionData, appearance: { showLoading: true } });
    } catch (e) { showError(e.message); payButton.disabled = false; }
  }
  payButton.addEventListener("click", pay);
  fetch("/api/products").then((r) => r.json()).then((body) => {
    products = body.products; const grid = document.getElementById("catalog");
    products.forEach((p) => {
      const card = el("div", { class: "card" }); card.appendChild(el("h3", {}, p.name)); card.appendChild(el("p", { class: "muted" }, p.description)); card.appendChild(el("p", {}, format(p.unitAmount)));
      const add = el("button", { type: "button", "data-testid": "add-to-cart", "data-sku": p.sku }, "Add to cart");
      add.addEventListener("click", () => { cart.set(p.sku, Math.min(99, (cart.get(p.sku) || 0) + 1)); renderCart(); });
      card.appendChild(add); grid.appendChild(card);
    });
    renderCart();
  }).catch(() => showError("Could not load the catalog."));
})();
