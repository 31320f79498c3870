// The API reference at /docs/api renders the served OpenAPI document in Chromium with nothing
// from anywhere but our origin (swagger-ui is vendored and served by the server), under the
// pages' CSP: no console errors, no request leaving the origin. Screenshot: api-docs.png.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { inBrowser, startServer } from "./harness.mjs";

let server;

before(async () => {
  server = await startServer("api-docs");
});

after(async () => {
  if (server) await server.stop();
});

test("/docs/api renders every operation offline, from our origin only", async () => {
  const origin = new URL(server.baseUrl).origin;
  const requested = [];
  await inBrowser("api-docs", {}, async ({ context, page }) => {
    context.on("request", (request) => requested.push(request.url()));
    const response = await page.goto(`${server.baseUrl}/docs/api`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()["content-security-policy"], /script-src 'self';/);
    await page.locator("body[data-api-docs=ready]").waitFor();
    await page.locator(".opblock-summary-path[data-path='/sessions']").first().waitFor();
    const paths = await page.locator(".opblock-summary-path").evaluateAll((els) => els.map((e) => e.getAttribute("data-path")));
    for (const path of ["/sessions", "/api/orders/{order_id}", "/admin/api/orders/{order_id}/capture", "/webhooks/antom/payments", "/healthz", "/metrics"]) {
      assert.ok(paths.includes(path), `${path} is not rendered (rendered: ${paths.join(", ")})`);
    }
    // Open POST /sessions: its schemas render from the document's components.
    await page.locator(".opblock-summary-path[data-path='/sessions']").first().click();
    await page.getByText("SessionRequest").first().waitFor();
  });
  assert.ok(requested.length >= 3, `requests: ${requested.join("\n")}`);
  const foreign = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith("data:"));
  assert.deepEqual(foreign, [], "requests that left the origin");
  assert.ok(requested.some((url) => url.endsWith("/openapi.json")), "the document was fetched from our origin");
});
