// An operator in the browser: signs in to /admin, finds an authorized order, captures it,
// refunds part of it, and sees both in the order's timeline.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually, inBrowser, json, startServer } from "./harness.mjs";

let server;

before(async () => {
  server = await startServer("admin");
});

after(async () => {
  if (server) await server.stop();
});

/** An order paid with a good card, completed through the simulator's control API (no browser). */
async function authorizedOrder(items) {
  const created = await json("POST", `${server.baseUrl}/sessions`, { items });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { orderId, orderToken, paymentRequestId } = created.body;
  const paid = await json("POST", `${server.simUrl}/__sim/sessions/${encodeURIComponent(paymentRequestId)}/pay`, {
    cardNumber: "4111111111111111",
  });
  assert.ok(paid.status < 300, `simulator pay: ${paid.status} ${JSON.stringify(paid.body)}`);
  await eventually("the order to be authorized", async () => {
    const order = await json("GET", `${server.baseUrl}/api/orders/${orderId}`, undefined, { Authorization: `Bearer ${orderToken}` });
    return order.body && order.body.status === "AUTHORIZED";
  });
  return orderId;
}

async function waitForStatus(page, status) {
  await page.locator(`[data-testid=order-status][data-status="${status}"]`).waitFor({ timeout: 30_000 });
}

test("an operator captures an order and refunds part of it, and sees both in the timeline", async () => {
  const orderId = await authorizedOrder([
    { sku: "TSHIRT-BLK-M", quantity: 1 },
    { sku: "MUG-WHT", quantity: 2 },
  ]); // 46.00 SGD
  const token = server.createToken("e2e", "operator");

  await inBrowser("04-admin-capture-refund", {}, async ({ page, screenshot, allow }) => {
    await page.goto(`${server.baseUrl}/admin`);

    // A wrong token is refused with a message (Chromium logs the 401 it provokes).
    allow(/status of 401 .*\/admin\/api\/orders\?limit=1\)$/);
    await page.locator("[data-testid=admin-token]").fill("not-a-token");
    await page.locator("[data-testid=admin-login]").click();
    await page.locator("#signin-error").waitFor({ state: "visible" });

    await page.locator("[data-testid=admin-token]").fill(token);
    await page.locator("[data-testid=admin-login]").click();

    const row = page.locator(`[data-testid=order-row][data-order-id="${orderId}"]`);
    await row.click();
    await waitForStatus(page, "AUTHORIZED");
    assert.equal(await page.locator("[data-testid=refund]").isDisabled(), true, "nothing to refund before a capture");
    assert.equal(await page.locator("[data-testid=cancel]").isEnabled(), true);

    // Capture everything (empty amount), through the confirmation step.
    await page.locator("[data-testid=capture]").click();
    await page.locator("[data-testid=confirm]").click();
    await waitForStatus(page, "CAPTURED");
    assert.equal(await page.locator("[data-testid=capture]").isDisabled(), true);
    assert.equal(await page.locator("[data-testid=cancel]").isDisabled(), true, "no cancel after a capture");

    // Refund 10.00 of the 46.00 SGD.
    await page.locator("[data-testid=amount]").fill("10.00");
    await page.locator("[data-testid=reason]").fill("Mug arrived chipped");
    await page.locator("[data-testid=refund]").click();
    await page.locator("[data-testid=confirm]").click();
    await waitForStatus(page, "PARTIALLY_REFUNDED");

    const timeline = page.locator("[data-testid=timeline]");
    await timeline.locator("[data-testid=timeline-entry][data-type=CAPTURE_SUCCEEDED]").waitFor();
    await timeline.locator("[data-testid=timeline-entry][data-type=REFUND_SUCCEEDED]").waitFor();
    await timeline.locator("[data-testid=timeline-entry][data-type=CAPTURE_REQUESTED]").waitFor();
    await timeline.locator("[data-testid=timeline-entry][data-type=REFUND_REQUESTED]").waitFor();
    await timeline.locator("[data-testid=timeline-entry][data-type=NOTIFICATION_RECEIVED]").first().waitFor();
    const text = await timeline.textContent();
    assert.match(text, /admin:e2e/, "the operator's token name is in the timeline");

    // The list row follows the order.
    await page.locator(`[data-testid=order-row][data-order-id="${orderId}"] [data-status=PARTIALLY_REFUNDED]`).waitFor();
    await screenshot("04-admin-timeline");
  });

  // What the console sent: 10.00 SGD is 1000 minor units.
  const detail = await json("GET", `${server.baseUrl}/admin/api/orders/${orderId}`, undefined, { Authorization: `Bearer ${token}` });
  assert.equal(detail.status, 200);
  assert.deepEqual(detail.body.capturedAmount, { currency: "SGD", value: "4600" });
  assert.deepEqual(detail.body.refundedAmount, { currency: "SGD", value: "1000" });
  assert.equal(detail.body.refunds[0].reason, "Mug arrived chipped");
});

test("the console filters by status and pages with nextCursor", async () => {
  const token = server.createToken("e2e-pager", "operator");
  // Four more orders, pending payment; with the one above there are five.
  for (let i = 0; i < 4; i += 1) {
    const created = await json("POST", `${server.baseUrl}/sessions`, { items: [{ sku: "CAP-NVY", quantity: 1 }] });
    assert.equal(created.status, 201);
  }
  await inBrowser("07-admin-filter-paging", {}, async ({ page }) => {
    await page.goto(`${server.baseUrl}/admin?limit=2`);
    await page.locator("[data-testid=admin-token]").fill(token);
    await page.locator("[data-testid=admin-login]").click();
    const rows = page.locator("[data-testid=order-row]");
    const more = page.locator("[data-testid=more]");
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    await more.click();
    await eventually("four rows", async () => (await rows.count()) === 4);
    await more.click();
    await eventually("five rows", async () => (await rows.count()) === 5);
    await more.waitFor({ state: "hidden" });

    await page.locator("[data-testid=status-filter]").selectOption("PARTIALLY_REFUNDED");
    await eventually("one row after filtering", async () => (await rows.count()) === 1);

    // The token survives a reload (sessionStorage): no second sign-in.
    await page.reload();
    await rows.first().waitFor();
    assert.equal(await page.locator("[data-testid=admin-token]").isVisible(), false);
  });
});

test("a viewer can look but an action is refused with a message", async () => {
  const token = server.createToken("e2e-viewer", "viewer");
  const orderId = await authorizedOrder([{ sku: "CAP-NVY", quantity: 1 }]);
  await inBrowser("11-admin-viewer-refused", {}, async ({ page, allow }) => {
    allow(/status of 403 .*\/admin\/api\/orders\/[^/]+\/capture\)$/);
    await page.goto(`${server.baseUrl}/admin`);
    await page.locator("[data-testid=admin-token]").fill(token);
    await page.locator("[data-testid=admin-login]").click();
    await page.locator(`[data-testid=order-row][data-order-id="${orderId}"]`).click();
    await waitForStatus(page, "AUTHORIZED");
    await page.locator("[data-testid=capture]").click();
    await page.locator("[data-testid=confirm]").click();
    const error = page.locator("[data-testid=action-error]");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /viewer/);
    await waitForStatus(page, "AUTHORIZED");
  });
});

test("ops see forged webhook deliveries and notifications about unknown payments", async () => {
  const token = server.createToken("e2e-deliveries", "viewer");
  // A forged delivery (no valid signature) carrying a card number, and a second one.
  for (const pad of ["x", "y"]) {
    const forged = await fetch(`${server.baseUrl}/webhooks/antom/payments`, {
      method: "POST",
      headers: { "content-type": "application/json", "client-id": "SANDBOX_NOBODY", "request-time": "2026-12-04T10:00:00Z", signature: "algorithm=RSA256,keyVersion=1,signature=Zm9yZ2Vk" },
      body: JSON.stringify({ notifyType: "PAYMENT_RESULT", cardNo: "4111111111111111", pad }),
    });
    assert.equal(forged.status, 401);
  }
  await inBrowser("12-admin-deliveries", {}, async ({ page, screenshot }) => {
    await page.goto(`${server.baseUrl}/admin`);
    await page.locator("[data-testid=admin-token]").fill(token);
    await page.locator("[data-testid=admin-login]").click();
    await page.locator("[data-testid=delivery-kind]").selectOption("rejected");
    const rows = page.locator("[data-testid=delivery-row][data-kind=rejected]");
    await eventually("two rejected deliveries", async () => (await rows.count()) === 2);
    const text = await rows.first().textContent();
    assert.match(text, /\/webhooks\/antom\/payments/);
    assert.doesNotMatch(text, /4111111111111111/, "card numbers are masked");
    await screenshot("12-admin-deliveries");
  });
});
