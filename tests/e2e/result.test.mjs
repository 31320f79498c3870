// The result page while a payment is still processing: it says so, then updates itself (result.js
// polls the order and reloads) once Antom settles. Its own server runs the simulator slower, so
// the processing card (4000 0000 0000 0259, 30 s × time scale) stays processing for a few seconds.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { inBrowser, startServer } from "./harness.mjs";

let server;

before(async () => {
  server = await startServer("result", { SIMULATOR_TIME_SCALE: "0.15", CHECKOUT_INTEGRATION: "sdk" });
});

after(async () => {
  if (server) await server.stop();
});

test("a processing payment shows 'confirming' and the page updates itself to successful", async () => {
  await inBrowser("09-result-processing", {}, async ({ page, screenshot }) => {
    await page.goto(`${server.baseUrl}/`);
    await page.locator('[data-testid=add-to-cart][data-sku="TSHIRT-BLK-M"]').click();
    await page.locator("[data-testid=pay]").click();
    const form = page.frameLocator("[data-testid=sim-frame]");
    await form.locator("[name=cardNumber]").fill("4000 0000 0000 0259");
    await form.locator("[name=expiry]").fill("12/34");
    await form.locator("[name=cvv]").fill("123");
    await form.locator("[data-testid=sim-submit]").click();

    await page.waitForURL(/\/checkout\/result\?/);
    await page.locator("[data-testid=payment-status][data-status=PENDING_PAYMENT]").waitFor();
    assert.match(await page.locator("[data-testid=payment-status]").textContent(), /confirming/i);
    await screenshot("09-result-processing-pending");

    await page.locator("[data-testid=payment-status][data-status=AUTHORIZED]").waitFor({ timeout: 30_000 });
    assert.match(await page.locator("[data-testid=payment-status]").textContent(), /Payment successful/);
  });
});

test("a failed 3-D Secure challenge ends on the checkout with a message, and the cart is kept", async () => {
  await inBrowser("10-3ds-failed", {}, async ({ page }) => {
    await page.goto(`${server.baseUrl}/`);
    await page.locator('[data-testid=add-to-cart][data-sku="MUG-WHT"]').click();
    await page.locator("[data-testid=pay]").click();
    const form = page.frameLocator("[data-testid=sim-frame]");
    await form.locator("[name=cardNumber]").fill("4000 0000 0000 3220");
    await form.locator("[name=expiry]").fill("12/34");
    await form.locator("[name=cvv]").fill("123");
    await form.locator("[data-testid=sim-submit]").click();
    await form.locator("[data-testid=sim-3ds-fail]").click();
    const error = page.locator("[data-testid=checkout-error]");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /did not go through/i);

    // The cart survives a reload (sessionStorage) for the next try.
    await page.reload();
    await page.locator('[data-testid=cart-line][data-sku="MUG-WHT"]').waitFor();
  });
});
