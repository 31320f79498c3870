// A buyer's saved cards page (/account/cards) and the checkout's answer to an SDK error,
// against the real binary in simulator mode.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually, inBrowser, startServer } from "./harness.mjs";

let server;
let shortSessions;

before(async () => {
  server = await startServer("account", { CHECKOUT_INTEGRATION: "sdk" });
  // Sessions that expire after 3 s: the SDK's form then refuses to pay (SDK_PAYMENT_ERROR).
  shortSessions = await startServer("sdk-error", { PAYMENT_SESSION_EXPIRY_SECS: "3", CHECKOUT_INTEGRATION: "sdk" });
});

after(async () => {
  if (server) await server.stop();
  if (shortSessions) await shortSessions.stop();
});

async function fillCard(frame, number) {
  await frame.locator("[name=cardNumber]").fill(number);
  await frame.locator("[name=expiry]").fill("12/34");
  await frame.locator("[name=cvv]").fill("123");
  await frame.locator("[name=holderName]").fill("Ada Lovelace");
  await frame.locator("[data-testid=sim-submit]").click();
}

test("a buyer adds a card on the saved cards page, pays with it, then removes it", async () => {
  await inBrowser("13-account-cards", {}, async ({ page, screenshot }) => {
    await page.goto(`${server.baseUrl}/account/cards`);
    await page.locator("#cards-status", { hasText: "No saved cards yet." }).waitFor();

    // Add 5555 5555 5555 4444 through Antom's vaulting component (the simulator's form).
    await page.locator("[data-testid=add-card]").click();
    await fillCard(page.frameLocator("[data-testid=sim-frame]"), "5555 5555 5555 4444");
    const row = page.locator("[data-testid=saved-card-row]");
    await row.first().waitFor({ timeout: 30_000 });
    assert.equal(await row.count(), 1);
    assert.match(await row.first().textContent(), /4444/);
    const cardId = await row.first().getAttribute("data-card-id");
    await screenshot("13-account-cards-saved");

    // Pay with it from the checkout page.
    await page.goto(`${server.baseUrl}/`);
    await page.locator('[data-testid=add-to-cart][data-sku="CAP-NVY"]').click();
    await page.locator(`[data-testid=saved-card][data-card-id="${cardId}"]`).click();
    await page.waitForURL(/\/checkout\/result\?/);
    await page.locator('[data-testid=payment-status][data-status="AUTHORIZED"]').waitFor();

    // Remove it.
    await page.goto(`${server.baseUrl}/account/cards`);
    await row.first().waitFor();
    await page.locator("[data-testid=remove-card]").click();
    await eventually("the card to be gone", async () => (await row.count()) === 0);
    await page.locator("#cards-status", { hasText: "No saved cards yet." }).waitFor();
  });
});

test("an SDK error sends the buyer to the result page to confirm with the server", async () => {
  await inBrowser("14-sdk-payment-error", {}, async ({ page, screenshot, allow }) => {
    // The simulator's form refusing the expired session (Chromium logs the 409 it answers).
    allow(/status of 409 .*\/checkout\/api\/sessions\/[^/]+\/submit/);
    // Record every event the SDK gives the checkout page.
    const events = [];
    await page.exposeFunction("recordSdkEvent", (code) => events.push(code));
    await page.addInitScript(() => {
      let real;
      Object.defineProperty(window, "AMSCashierPayment", {
        configurable: true,
        get() {
          return real;
        },
        set(Sdk) {
          real = class extends Sdk {
            constructor(options) {
              const callback = options.onEventCallback;
              super({
                ...options,
                onEventCallback: (event) => {
                  window.recordSdkEvent(event && event.code);
                  return callback && callback(event);
                },
              });
            }
          };
        },
      });
    });
    await page.goto(`${shortSessions.baseUrl}/`);
    await page.locator('[data-testid=add-to-cart][data-sku="CAP-NVY"]').click();
    await page.locator("[data-testid=pay]").click();
    const frame = page.frameLocator("[data-testid=sim-frame]");
    await frame.locator("[name=cardNumber]").waitFor();
    // The buyer waits too long: the session expires before the card is submitted.
    await new Promise((r) => setTimeout(r, 4_000));
    await fillCard(frame, "4111 1111 1111 1111");
    await page.waitForURL(/\/checkout\/result\?/);
    const status = page.locator("[data-testid=payment-status]");
    await status.waitFor();
    assert.ok(events.includes("SDK_PAYMENT_ERROR"), `events: ${events.join(", ")}`);
    // The page says what the server knows, not "your card was not charged".
    assert.equal(await status.getAttribute("data-status"), "PENDING_PAYMENT");
    assert.doesNotMatch(await page.content(), /not charged/);
    await screenshot("14-sdk-payment-error");
  });
});
