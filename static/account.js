// The buyer's saved cards at /account/cards (contract §2b routes): lists them (GET /api/cards),
// removes one (DELETE /api/cards/{id}), and adds one through Antom's card-vaulting component:
// POST /vaulting/sessions -> load the SDK script named in the answer -> AMSVaulting
// createComponent() shows Antom's card form -> the SDK reports through onEventCallback with the
// card-vaulting guide's codes (SDK_ASSET_BINDING_*), every event being {code, result}. The card
// is stored by the server when Antom's vaulting notification (or an inquiry) arrives, so a
// success is followed by polling the list until the card shows.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const els = { list: $("card-list"), status: $("cards-status"), error: $("cards-error"), add: $("add-card") };
  const state = { cards: [], component: null, busy: false };

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, value);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function say(text) {
    els.status.textContent = text || "";
  }

  function showError(text) {
    els.error.textContent = text || "";
    els.error.hidden = !text;
    if (text) els.error.focus();
  }

  function describe(card) {
    const last = card.lastFour || String(card.maskedCardNo || "").slice(-4);
    const expiry = card.expiryMonth && card.expiryYear ? `, expires ${card.expiryMonth}/${String(card.expiryYear).slice(-2)}` : "";
    return `${card.brand || "Card"} •••• ${last}${expiry}`;
  }

  function render() {
    els.list.textContent = "";
    for (const card of state.cards) {
      const row = el("li", { "data-testid": "saved-card-row", "data-card-id": card.cardId, class: "card-row" });
      row.appendChild(el("span", {}, describe(card)));
      const remove = el("button", { type: "button", class: "link", "data-testid": "remove-card", "aria-label": `Remove ${describe(card)}` }, "Remove");
      remove.addEventListener("click", () => removeCard(card));
      row.appendChild(remove);
      els.list.appendChild(row);
    }
    say(state.cards.length === 0 ? "No saved cards yet." : `${state.cards.length} saved card${state.cards.length === 1 ? "" : "s"}.`);
  }

  async function loadCards() {
    const response = await fetch("/api/cards", { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error("Your saved cards could not be loaded. Please reload the page.");
    const body = await response.json();
    state.cards = Array.isArray(body.cards) ? body.cards.filter((c) => c && typeof c.cardId === "string") : [];
    render();
    return state.cards;
  }

  async function removeCard(card) {
    showError("");
    const response = await fetch(`/api/cards/${encodeURIComponent(card.cardId)}`, { method: "DELETE", credentials: "same-origin" });
    if (response.status !== 204 && response.status !== 404) {
      showError("The card could not be removed. Please try again.");
      return;
    }
    await loadCards().catch((e) => showError(e.message));
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      if (document.querySelector(`script[data-sdk="${CSS.escape(src)}"]`)) return resolve();
      const script = el("script", { src, "data-sdk": src });
      script.onload = () => resolve();
      script.onerror = () => reject(new Error("The secure card form could not be loaded. Please try again."));
      document.head.appendChild(script);
    });
  }

  function closeComponent() {
    if (state.component && typeof state.component.unmount === "function") {
      try {
        state.component.unmount();
      } catch (_) {
        // already gone
      }
    }
    state.component = null;
  }

  function finish(message, isError) {
    closeComponent();
    state.busy = false;
    els.add.disabled = false;
    if (isError) showError(message);
    else say(message);
  }

  /** After the SDK says the card is bound, the server stores it when Antom tells it. */
  async function waitForNewCard(known) {
    say("Saving your card…");
    for (let i = 0; i < 40; i += 1) {
      const cards = await loadCards().catch(() => state.cards);
      if (cards.some((c) => !known.has(c.cardId))) {
        finish("Your card was saved.", false);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    finish("Your card is being verified; it will appear here shortly.", false);
  }

  function onEvent(known, event) {
    const code = event && event.code;
    const result = (event && event.result) || {};
    const detail = result.paymentResultMessage ? ` ${result.paymentResultMessage}` : "";
    switch (code) {
      case "SDK_START_OF_LOADING":
        say("Loading the secure card form…");
        break;
      case "SDK_END_OF_LOADING":
        say("Enter your card details in the secure form.");
        break;
      case "SDK_FORM_VERIFICATION_FAILED":
        showError(`Please check your card details.${detail}`);
        break;
      case "SDK_ASSET_BINDING_SUCCESSFUL":
      case "SDK_ASSET_BINDING_PROCESSING":
        closeComponent();
        waitForNewCard(known);
        break;
      case "SDK_ASSET_BINDING_FAIL":
        finish(`The card could not be saved.${detail} Please try another card.`, true);
        break;
      case "SDK_ASSET_BINDING_CANCEL":
        finish("No card was added.", false);
        break;
      case "SDK_ASSET_BINDING_ERROR":
        finish(`The card form could not be completed.${detail} Please try again.`, true);
        break;
      default:
        break;
    }
  }

  async function addCard() {
    if (state.busy) return;
    state.busy = true;
    els.add.disabled = true;
    showError("");
    say("Starting…");
    try {
      const response = await fetch("/vaulting/sessions", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" }, body: "{}",
      });
      const body = await response.json().catch(() => ({}));
      if (response.status !== 201) {
        const code = body.error && body.error.code;
        throw new Error(code === "RATE_LIMITED" ? "Too many attempts; please wait a moment." : "The card form could not be started. Please try again.");
      }
      await loadScript(body.sdk.scriptUrl);
      if (typeof window.AMSVaulting !== "function") throw new Error("The secure card form could not be loaded. Please try again.");
      const known = new Set(state.cards.map((c) => c.cardId));
      state.component = new window.AMSVaulting({
        environment: body.sdk.environment,
        locale: "en_US",
        onEventCallback: (event) => onEvent(known, event),
      });
      await state.component.createComponent({
        sessionData: body.vaultingSessionData,
        appearance: { showLoading: true },
        notRedirectAfterComplete: true,
      });
    } catch (e) {
      finish(e.message, true);
    }
  }

  els.add.addEventListener("click", addCard);
  loadCards().catch((e) => {
    say("");
    showError(e.message);
  });
})();
