// A buyer in the browser: the checkout page, the simulator's card form and 3-D Secure page (the
// stand-in Web SDK), and the result page, against the real binary in simulator mode.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually, inBrowser, json, startServer } from "./harness.mjs";

const GOOD_CARD = "4111 1111 1111 1111";
const DECLINED_CARD = "4000 0000 0000 0002";
const THREE_DS_CARD = "4000 0000 0000 3220";

let server;

before(async () => {
  // The AMSCashierPayment integration (integrations.test.mjs covers the Element and hosted page).
  server = await startServer("checkout", { CHECKOUT_INTEGRATION: "sdk" });
});

after(async () => {
  if (server) await server.stop();
});

/** Adds the given SKUs to the cart, one click each. */
async function addToCart(page, ...skus) {
  for (const sku of skus) {
    await page.locator(`[data-testid=add-to-cart][data-sku="${sku}"]`).click();
  }
}

/** The simulator's card form inside the SDK's frame. */
function cardForm(page) {
  return page.frameLocator("[data-testid=sim-frame]");
}

async function payWithCard(page, number) {
  await page.locator("[data-testid=pay]").click();
  const form = cardForm(page);
  await form.locator("[name=cardNumber]").fill(number);
  await form.locator("[name=expiry]").fill("12/34");
  await form.locator("[name=cvv]").fill("123");
  await form.locator("[name=holderName]").fill("Ada Lovelace");
  await form.locator("[data-testid=sim-submit]").click();
}

/** Waits until the result page shows `status`; the page may reload itself on the way. */
async function expectResult(page, status) {
  await page.waitForURL(/\/checkout\/result\?/);
  await page.locator(`[data-testid=payment-status][data-status="${status}"]`).waitFor();
  const url = new URL(page.url());
  assert.ok(url.searchParams.get("orderId"), "the result URL names the order");
  return url.searchParams.get("orderId");
}

/** createPaymentSession calls the simulator has received so far. */
async function countSessionRequests() {
  const requests = await json("GET", `${server.simUrl}/__sim/requests`);
  const list = Array.isArray(requests.body) ? requests.body : requests.body.requests || [];
  return list.filter((r) => /createPaymentSession$/.test(r.path)).length;
}

async function buyTwoProducts(page, name, screenshot) {
  await page.goto(`${server.baseUrl}/`);
  await addToCart(page, "TSHIRT-BLK-M", "MUG-WHT");
  await page.locator('[data-testid=cart-line][data-sku="MUG-WHT"] [data-testid=increase]').click();
  const lines = page.locator("[data-testid=cart-line]");
  assert.equal(await lines.count(), 2, "two products in the cart");
  assert.equal(await page.locator('[data-testid=cart-line][data-sku="MUG-WHT"] [data-testid=quantity]').textContent(), "2");
  // 21.00 + 2 × 12.50 SGD
  assert.match(await page.locator("[data-testid=pay]").textContent(), /46\.00/);
  if (screenshot) await screenshot(`${name}-cart`);
  await payWithCard(page, GOOD_CARD);
  const orderId = await expectResult(page, "AUTHORIZED");
  assert.match(await page.locator("[data-testid=payment-status]").textContent(), /Payment successful/);
  return { orderId, name };
}

test("a buyer pays for two products with a good card and sees the payment succeed", async () => {
  await inBrowser("01-checkout-success", {}, async ({ page, screenshot }) => {
    await buyTwoProducts(page, "01-checkout-success", screenshot);
  });
});

test("a declined card shows why in the checkout, and a second try with a good card succeeds", async () => {
  await inBrowser("02-declined-then-success", {}, async ({ page, screenshot }) => {
    await page.goto(`${server.baseUrl}/`);
    await addToCart(page, "CAP-NVY");
    await payWithCard(page, DECLINED_CARD);
    const error = page.locator("[data-testid=checkout-error]");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /did not go through/i);
    assert.equal(await page.locator("[data-testid=sim-frame]").count(), 0, "the card form is closed");
    await screenshot("02-declined-message");
    assert.equal(await page.locator("[data-testid=pay]").isEnabled(), true, "the buyer can try again");
    await payWithCard(page, GOOD_CARD);
    await expectResult(page, "AUTHORIZED");
  });
});

test("a 3-D Secure card shows the challenge and succeeds once the buyer passes it", async () => {
  await inBrowser("03-3ds-success", {}, async ({ page, screenshot }) => {
    await page.goto(`${server.baseUrl}/`);
    await addToCart(page, "TSHIRT-BLK-M");
    await payWithCard(page, THREE_DS_CARD);
    const pass = cardForm(page).locator("[data-testid=sim-3ds-pass]");
    await pass.waitFor();
    await screenshot("03-3ds-challenge");
    await pass.click();
    await expectResult(page, "AUTHORIZED");
  });
});

test("a mistyped card is caught by the form; after cancelling, the buyer pays with the same session", async () => {
  await inBrowser("08-verification-cancel-retry", {}, async ({ page }) => {
    await page.goto(`${server.baseUrl}/`);
    await addToCart(page, "MUG-WHT");
    await page.locator("[data-testid=pay]").click();
    const form = cardForm(page);
    await form.locator("[name=cardNumber]").fill("4111 1111 1111 1112"); // fails the Luhn check
    await form.locator("[name=expiry]").fill("12/34");
    await form.locator("[name=cvv]").fill("123");
    await form.locator("[data-testid=sim-submit]").click();
    const error = page.locator("[data-testid=checkout-error]");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /check your card details/i);

    await form.locator("[data-testid=sim-cancel]").click();
    await page.locator("[data-testid=sim-frame]").waitFor({ state: "detached" });
    assert.match(await error.textContent(), /cancelled/i);

    const sessions = await countSessionRequests();
    await payWithCard(page, GOOD_CARD);
    await expectResult(page, "AUTHORIZED");
    assert.equal(await countSessionRequests(), sessions, "the cancelled session was reused, not a new one created");
  });
});

test("on a phone-sized screen the same purchase works", async () => {
  const phone = {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent:
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36",
  };
  await inBrowser("05-checkout-phone", phone, async ({ page, screenshot }) => {
    await buyTwoProducts(page, "05-checkout-phone", screenshot);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the result page fits the screen (scrollWidth ${width})`);
  });
});

test("a JPY product is priced without decimals", async () => {
  await inBrowser("06-jpy-price", {}, async ({ page }) => {
    await page.goto(`${server.baseUrl}/`);
    await addToCart(page, "TEA-SENCHA");
    const pay = await page.locator("[data-testid=pay]").textContent();
    assert.match(pay, /1,800/);
    assert.doesNotMatch(pay, /1,800\.\d/);
    // A cart is one currency: an SGD product is refused with a notice, not added.
    await addToCart(page, "MUG-WHT");
    assert.equal(await page.locator("[data-testid=cart-line]").count(), 1);
  });
});

test("pages carry the security headers and a CSP that names only the SDK's origin", async () => {
  const checkout = await fetch(`${server.baseUrl}/`);
  const csp = checkout.headers.get("content-security-policy");
  assert.match(csp, new RegExp(`script-src 'self' ${server.simUrl.replace(/\./g, "\\.")};`));
  assert.match(csp, new RegExp(`frame-src ${server.simUrl.replace(/\./g, "\\.")};`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  for (const path of ["/", "/admin", "/checkout/result?orderId=x&token=y"]) {
    const response = await fetch(`${server.baseUrl}${path}`);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff", path);
    assert.ok(response.headers.get("referrer-policy"), `${path}: Referrer-Policy`);
    assert.match(response.headers.get("content-security-policy") || "", /frame-ancestors 'none'/, path);
    assert.doesNotMatch(response.headers.get("content-security-policy") || "", /unsafe-inline/, path);
  }
  const asset = await json("GET", `${server.baseUrl}/static/admin.js`);
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get("x-content-type-options"), "nosniff");
});

test("a saved card pays without the card form", async () => {
  await inBrowser("12-saved-card", {}, async ({ page }) => {
    await page.goto(`${server.baseUrl}/`);
    // Save a card for this browser's buyer (cookie) the way AMSVaulting would, completing the
    // vaulting session through the simulator's control API.
    const vaulting = await page.evaluate(async () => {
      const response = await fetch("/vaulting/sessions", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
      });
      return { status: response.status, body: await response.json() };
    });
    assert.equal(vaulting.status, 201, JSON.stringify(vaulting.body));
    const bound = await json("POST", `${server.simUrl}/__sim/vaulting/${encodeURIComponent(vaulting.body.vaultingRequestId)}/bind`, {
      cardNumber: "5555555555554444",
    });
    assert.ok(bound.status < 300, `bind: ${bound.status} ${JSON.stringify(bound.body)}`);
    const cardId = await eventually("the saved card", async () => {
      const cards = await page.evaluate(async () => (await fetch("/api/cards")).json());
      return cards.cards && cards.cards[0] && cards.cards[0].cardId;
    });

    await page.reload();
    await addToCart(page, "CAP-NVY");
    const saved = page.locator(`[data-testid=saved-card][data-card-id="${cardId}"]`);
    assert.match(await saved.textContent(), /4444/);
    await saved.click();
    await expectResult(page, "AUTHORIZED");
  });
});
