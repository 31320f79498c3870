// The mobile reference client (examples/mobile-app-client.mjs) against the real binary: an
// app's whole flow over HTTP, from POST /sessions with terminalType APP to the deep link back
// and the order read with its token. Not a browser test: it runs here because the harness
// starts the server.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { REPO, startServer } from "./harness.mjs";

const CLIENT = join(REPO, "examples/mobile-app-client.mjs");
let server;

before(async () => {
  server = await startServer("mobile-app", { APP_REDIRECT_URL: "myshop://checkout/{orderId}" });
});

after(async () => {
  if (server) await server.stop();
});

function runClient(...extra) {
  const result = spawnSync(process.execPath, [CLIENT, "--base", server.baseUrl, ...extra], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

for (const [card, os, integration, expect] of [
  ["4000000000003220", "ANDROID", "element", "AUTHORIZED"],
  ["4111111111111111", "IOS", "element", "AUTHORIZED"],
  ["4000000000000002", "ANDROID", "element", "PAYMENT_FAILED"],
  ["4000000000003220", "IOS", "sdk", "AUTHORIZED"],
]) {
  test(`an ${os} app pays with ${card} (${integration}) and reads ${expect} from the server`, () => {
    const { status, output } = runClient("--card", card, "--os", os, "--integration", integration, "--expect", expect);
    assert.equal(status, 0, output);
    assert.match(output, /3\. The app is opened through its redirect URL/);
    assert.match(output, /"deepLink": "myshop:\/\/checkout\//);
    assert.match(output, new RegExp(`"status": "${expect}"`));
  });
}

test("the client fails loudly when the order does not end as expected", () => {
  const { status, output } = runClient("--card", "4000000000000002", "--expect", "AUTHORIZED");
  assert.notEqual(status, 0);
  assert.match(output, /FAILED: the order is PAYMENT_FAILED, expected AUTHORIZED/);
});
