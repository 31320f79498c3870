// Every integration a merchant can choose, in Chromium against the real binary in simulator
// mode: the Payment Element (the default), the AMSCashierPayment SDK, and Antom's hosted
// Checkout Page. For each: a good card is authorized, a declined card is refused (the order is
// PAYMENT_FAILED on the server), and a 3-D Secure card passes the challenge; every run ends on
// the result page showing the server's status. The hooks are the contract's (§7) in all three,
// plus [data-testid=payment-element] and [data-testid=hosted-checkout].
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { inBrowser, json, startServer } from "./harness.mjs";

const GOOD_CARD = "4111 1111 1111 1111";
const DECLINED_CARD = "4000 0000 0000 0002";
const THREE_DS_CARD = "4000 0000 0000 3220";

let server;

before(async () => {
  // No CHECKOUT_INTEGRATION: the default (element) is what a fresh install shows.
  server = await startServer("integrations");
});

after(async () => {
  if (server) await server.stop();
});

async function addToCart(page, ...skus) {
  for (const sku of skus) await page.locator(`[data-testid=add-to-cart][data-sku="${sku}"]`).click();
}

async function fillCard(form, number) {
  await form.locator("[name=cardNumber]").fill(number);
  await form.locator("[name=expiry]").fill("12/34");
  await form.locator("[name=cvv]").fill("123");
  await form.locator("[name=holderName]").fill("Ada Lovelace");
}

/** Opens the checkout with `integration` (nothing in the URL for the server's default). */
async function openCheckout(page, integration) {
  const query = integration ? `?integration=${integration}` : "";
  await page.goto(`${server.baseUrl}/${query}`);
  await addToCart(page, "TSHIRT-BLK-M");
}

/** Presses Pay and returns POST /sessions' answer. */
async function startPayment(page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/sessions") && r.request().method() === "POST"),
    page.locator("[data-testid=pay]").click(),
  ]);
  assert.equal(response.status(), 201);
  return response.json();
}

async function expectResult(page, status) {
  await page.waitForURL(/\/checkout\/result\?/);
  await page.locator(`[data-testid=payment-status][data-status="${status}"]`).waitFor();
}

/** The order's status as the server keeps it, on the result page (the buyer cookie opens it). */
async function resultPageShows(page, orderId, status) {
  await page.goto(`${server.baseUrl}/checkout/result?orderId=${encodeURIComponent(orderId)}`);
  await page.locator(`[data-testid=payment-status][data-status="${status}"]`).waitFor();
}

// ---------- Payment Element ----------

/** The Element's frame inside our container. */
function elementForm(page) {
  return page.frameLocator("[data-testid=payment-element] [data-testid=sim-frame]");
}

/** Pay -> the Element mounts -> card -> our Pay button (submitPayment). */
async function payWithElement(page, number) {
  const session = await startPayment(page);
  assert.equal(session.integration, "element");
  assert.ok(session.paymentSessionData && !session.normalUrl);
  const form = elementForm(page);
  await fillCard(form, number);
  const pay = page.locator("[data-testid=pay]");
  await pay.waitFor();
  assert.match(await pay.textContent(), /Pay now/);
  await pay.click();
  return session;
}

test("element: a good card is authorized through submitPayment()", async () => {
  await inBrowser("int-element-good", {}, async ({ page, screenshot }) => {
    await openCheckout(page);
    await payWithElement(page, GOOD_CARD);
    await expectResult(page, "AUTHORIZED");
    await screenshot("int-element-good-result");
  });
});

test("element: a declined card is refused on the checkout, and the order failed on the server", async () => {
  await inBrowser("int-element-declined", {}, async ({ page }) => {
    await openCheckout(page, "element");
    const session = await payWithElement(page, DECLINED_CARD);
    const error = page.locator("[data-testid=checkout-error]");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /did not go through/i);
    // The spent session's Element is gone; Pay starts a new one.
    await page.locator("[data-testid=payment-element] [data-testid=sim-frame]").waitFor({ state: "detached" });
    assert.match(await page.locator("[data-testid=pay]").textContent(), /^Pay /);
    await resultPageShows(page, session.orderId, "PAYMENT_FAILED");
  });
});

test("element: a 3-D Secure card passes the challenge inside the Element", async () => {
  await inBrowser("int-element-3ds", {}, async ({ page, screenshot }) => {
    await openCheckout(page, "element");
    await payWithElement(page, THREE_DS_CARD);
    const pass = elementForm(page).locator("[data-testid=sim-3ds-pass]");
    await pass.waitFor();
    await screenshot("int-element-3ds-challenge");
    await pass.click();
    await expectResult(page, "AUTHORIZED");
  });
});

test("element: the Element's own Pay button completes the payment too (events, no promise)", async () => {
  await inBrowser("int-element-own-button", {}, async ({ page }) => {
    await openCheckout(page, "element");
    await startPayment(page);
    const form = elementForm(page);
    await fillCard(form, GOOD_CARD);
    await form.locator("[data-testid=sim-submit]").click();
    await expectResult(page, "AUTHORIZED");
  });
});

test("element: a mistyped card is caught before anything is sent; corrected, it pays", async () => {
  await inBrowser("int-element-form-invalid", {}, async ({ page }) => {
    await openCheckout(page, "element");
    await payWithElement(page, "4111 1111 1111 1112"); // fails the Luhn check
    const error = page.locator("[data-testid=checkout-error]");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /check your card details/i);
    const form = elementForm(page);
    await form.locator("[name=cardNumber]").fill(GOOD_CARD);
    await page.locator("[data-testid=pay]").click();
    await expectResult(page, "AUTHORIZED");
  });
});

test("element: saved cards are offered inside the Element, not as page buttons", async () => {
  await inBrowser("int-element-saved-card", {}, async ({ page, screenshot }) => {
    await page.goto(`${server.baseUrl}/`);
    // Save a Mastercard for this buyer (their cookie), binding it at the simulator.
    const vaultingId = await page.evaluate(async () => {
      const response = await fetch("/vaulting/sessions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      });
      return (await response.json()).vaultingRequestId;
    });
    const bound = await json("POST", `${server.simUrl}/__sim/vaulting/${vaultingId}/bind`, {
      cardNumber: "5555555555554444",
      threeDsOutcome: "pass",
    });
    assert.equal(bound.status, 200);
    await page.waitForFunction(async () => {
      const response = await fetch("/api/cards");
      return (await response.json()).cards.length === 1;
    });
    await page.reload();
    await addToCart(page, "MUG-WHT");
    assert.equal(await page.locator("[data-testid=saved-card]").count(), 0, "no page buttons");
    await startPayment(page);
    const form = elementForm(page);
    const saved = form.locator('[data-testid=sim-saved-card][data-last4="4444"]');
    await saved.waitFor();
    assert.equal(await saved.isChecked(), true, "the saved card is offered first");
    await form.locator("[name=savedCvv]").fill("123");
    await screenshot("int-element-saved-card");
    await page.locator("[data-testid=pay]").click();
    await expectResult(page, "AUTHORIZED");
  });
});

test("element: on a phone-sized screen the Element is embedded in the page too", async () => {
  const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
  await inBrowser("int-element-phone", phone, async ({ page, screenshot }) => {
    await openCheckout(page, "element");
    await payWithElement(page, GOOD_CARD);
    await expectResult(page, "AUTHORIZED");
    await screenshot("int-element-phone-result");
  });
});

// ---------- AMSCashierPayment SDK ----------

function sdkForm(page) {
  return page.frameLocator("[data-testid=sim-component] [data-testid=sim-frame]");
}

async function payWithSdk(page, number) {
  const session = await startPayment(page);
  assert.equal(session.integration, "sdk");
  await fillCard(sdkForm(page), number);
  await sdkForm(page).locator("[data-testid=sim-submit]").click();
  return session;
}

test("sdk: a good card is authorized", async () => {
  await inBrowser("int-sdk-good", {}, async ({ page }) => {
    await openCheckout(page, "sdk");
    await payWithSdk(page, GOOD_CARD);
    await expectResult(page, "AUTHORIZED");
  });
});

test("sdk: a declined card is refused on the checkout, and the order failed on the server", async () => {
  await inBrowser("int-sdk-declined", {}, async ({ page }) => {
    await openCheckout(page, "sdk");
    const session = await payWithSdk(page, DECLINED_CARD);
    const error = page.locator("[data-testid=checkout-error]");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /did not go through/i);
    await resultPageShows(page, session.orderId, "PAYMENT_FAILED");
  });
});

test("sdk: a 3-D Secure card passes the challenge", async () => {
  await inBrowser("int-sdk-3ds", {}, async ({ page }) => {
    await openCheckout(page, "sdk");
    await payWithSdk(page, THREE_DS_CARD);
    await sdkForm(page).locator("[data-testid=sim-3ds-pass]").click();
    await expectResult(page, "AUTHORIZED");
  });
});

// ---------- hosted Checkout Page ----------

/**
 * Pay -> [data-testid=hosted-checkout] -> Antom's page at normalUrl -> card (-> 3-D Secure).
 * The first navigation to Antom's page goes nowhere (as with a flaky network), so the hook stays
 * on screen with its link; the buyer follows the link. The page leaves
 * as soon as POST /sessions answers, so the answer's body is not read here (the browser drops it
 * with the document): the link shows the normalUrl.
 */
async function payOnHostedPage(page, number, threeDs) {
  let blocked = 0;
  await page.route(`${server.simUrl}/checkout/form**`, async (route) => {
    // A 204 answer to a navigation leaves the browser on the page it was on.
    if (blocked++ === 0) return route.fulfill({ status: 204 });
    return route.continue();
  });
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/sessions") && r.request().method() === "POST"),
    page.locator("[data-testid=pay]").click(),
  ]);
  assert.equal(response.status(), 201);
  const hook = page.locator("[data-testid=hosted-checkout]");
  await hook.waitFor({ state: "visible" });
  const link = hook.locator("[data-testid=hosted-checkout-link]");
  const normalUrl = await link.getAttribute("href");
  assert.ok(normalUrl.startsWith(`${server.simUrl}/checkout/form?session=`), normalUrl);
  await link.click();
  await page.waitForURL((url) => url.href === normalUrl);
  await page.unroute(`${server.simUrl}/checkout/form**`);
  assert.equal(blocked, 2, "the automatic redirect, then the link");
  // Antom's page, not ours.
  assert.equal(await page.locator("[data-testid=payment-element]").count(), 0);
  await fillCard(page, number);
  await page.locator("[data-testid=sim-submit]").click();
  if (threeDs) {
    const pass = page.locator("[data-testid=sim-3ds-pass]");
    await pass.waitFor();
    await pass.click();
  }
  return { normalUrl };
}

test("hosted: a good card is authorized on Antom's page and the buyer comes back", async () => {
  await inBrowser("int-hosted-good", {}, async ({ page, screenshot }) => {
    await openCheckout(page, "hosted");
    await payOnHostedPage(page, GOOD_CARD, false);
    await expectResult(page, "AUTHORIZED");
    await screenshot("int-hosted-good-result");
  });
});

test("hosted: a declined card comes back to a failed order", async () => {
  await inBrowser("int-hosted-declined", {}, async ({ page }) => {
    await openCheckout(page, "hosted");
    await payOnHostedPage(page, DECLINED_CARD, false);
    await expectResult(page, "PAYMENT_FAILED");
    assert.match(page.url(), /[?&]orderId=[0-9a-f-]{36}/);
  });
});

test("hosted: a 3-D Secure card passes the challenge on Antom's page", async () => {
  await inBrowser("int-hosted-3ds", {}, async ({ page }) => {
    await openCheckout(page, "hosted");
    await payOnHostedPage(page, THREE_DS_CARD, true);
    await expectResult(page, "AUTHORIZED");
  });
});
