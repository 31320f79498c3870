// The result page (server-rendered by routes/result_page.rs). This script only:
//  - spells amounts in the buyer's locale (the server wrote "42.00 SGD");
//  - empties the checkout cart once the order is paid;
//  - while the payment is processing, polls GET /checkout/result/status (the buyer cookie, or
//    the order token when the URL has one, identifies the order) and reloads the page when the
//    status moves (the server renders the words). Every few polls it reloads anyway: the server
//    asks Antom while a payment is still processing.
"use strict";
(function () {
  const CART_KEY = "antom-checkout.cart";
  const main = document.querySelector("main[data-outcome]");
  const heading = document.querySelector("[data-testid=payment-status]");
  if (!main || !heading) return;

  if (window.AntomMoney) {
    document.querySelectorAll(".money[data-currency][data-value]").forEach((node) => {
      try {
        node.textContent = window.AntomMoney.format({ currency: node.dataset.currency, value: node.dataset.value }, navigator.language);
      } catch (_) {
        // keep the server's spelling
      }
    });
  }

  const outcome = main.dataset.outcome;
  if (outcome === "paid") {
    try {
      sessionStorage.removeItem(CART_KEY);
    } catch (_) {
      // storage unavailable: nothing to clear
    }
  }
  if (outcome !== "pending") return;

  const params = new URLSearchParams(window.location.search);
  const orderId = params.get("orderId");
  const token = params.get("token");
  const shown = heading.dataset.status;
  const pollStatus = document.getElementById("poll-status");
  if (!orderId) return;

  const RELOAD_EVERY = 8; // polls between reloads that make the server ask Antom
  let polls = 0;
  let delay = 1500;

  function say(text) {
    if (pollStatus) pollStatus.textContent = text;
  }

  async function poll() {
    polls += 1;
    if (polls % RELOAD_EVERY === 0) {
      window.location.reload();
      return;
    }
    try {
      const headers = { Accept: "application/json" };
      if (token) headers.Authorization = `Bearer ${token}`;
      const response = await fetch(`/checkout/result/status?orderId=${encodeURIComponent(orderId)}`, {
        headers,
        cache: "no-store",
        credentials: "same-origin",
      });
      if (response.status === 404) {
        say("This order could not be found any more. Please reload the page.");
        return;
      }
      if (response.ok) {
        const order = await response.json();
        if (order.status && order.status !== shown) {
          window.location.reload();
          return;
        }
        say("Still confirming with the payment provider…");
      } else {
        say("Checking again shortly…");
      }
    } catch (_) {
      say("Connection problem; checking again shortly…");
    }
    delay = Math.min(delay * 1.3, 8000);
    window.setTimeout(poll, delay);
  }

  window.setTimeout(poll, delay);
})();
