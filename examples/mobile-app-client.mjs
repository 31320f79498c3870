#!/usr/bin/env node
// A reference for mobile developers: what an Android or iOS app does with this backend, as
// plain HTTP, runnable against the simulator (no Android or Xcode toolchain needed).
//
//   node examples/mobile-app-client.mjs [--base http://127.0.0.1:8080] [--card 4000000000003220]
//                                       [--os ANDROID|IOS] [--integration element|sdk]
//
// The app's part, step by step (each step prints the JSON that crosses the wire):
//   1. POST /sessions with terminalType APP and osType: the server prices the cart, stores the
//      order and asks Antom for a payment session. The answer carries paymentSessionData for
//      Antom's mobile SDK (Android: AMSPaymentElement.createComponent(activity, sessionData);
//      iOS: AMSPaymentElement.shared.createComponent(sessionData)), the orderId, and the
//      orderToken the app keeps to read the order later.
//   2. Antom's mobile SDK takes the card and runs 3-D Secure. Here the simulator's card form API
//      stands in for the SDK's screens (with a real app, nothing of this step is the app's code).
//   3. Antom sends the buyer back through paymentRedirectUrl = APP_REDIRECT_URL with {orderId}
//      replaced (an app link or custom scheme, e.g. myshop://checkout/{orderId}): the app's deep
//      link handler receives it and takes the orderId from it. The URL never carries the token.
//   4. The app asks the server, never the SDK, how the payment ended: GET /api/orders/{orderId}
//      with Authorization: Bearer {orderToken}, until the status is final. The SDK's own result
//      is only for the screen flow (Antom's guides say the same).
//
// The server must run with APP_REDIRECT_URL set, e.g.
//   APP_REDIRECT_URL='myshop://checkout/{orderId}' cargo run --release
// Exit status 0 when the order ends AUTHORIZED (or PAYMENT_FAILED with --expect PAYMENT_FAILED).

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const BASE = (args.base || "http://127.0.0.1:8080").replace(/\/+$/, "");
const CARD = (args.card || "4000000000003220").replace(/\s+/g, "");
const OS = args.os || "ANDROID";
const INTEGRATION = args.integration || "element";
const EXPECT = args.expect || "AUTHORIZED";
const FINAL = new Set(["AUTHORIZED", "PAYMENT_FAILED", "CAPTURED", "CANCELED", "EXPIRED"]);

function show(step, value) {
  console.log(`\n## ${step}`);
  console.log(JSON.stringify(value, null, 2));
}

async function call(method, url, body, headers = {}) {
  const response = await fetch(url, {
    method,
    headers: { Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
    redirect: "manual",
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (_) {
    json = text;
  }
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${text}`);
  return json;
}

/** The simulator's session data: `<id>&&<hostSign>&&<…>&&<base64 JSON>`, as Antom lays it out. */
function simulatorSession(paymentSessionData) {
  const last = paymentSessionData.split("&&").pop();
  return JSON.parse(Buffer.from(last, "base64").toString("utf8"));
}

/** Step 2: what Antom's mobile SDK does, played through the simulator's card form API. */
async function mobileSdkPays(paymentSessionData) {
  const session = simulatorSession(paymentSessionData);
  const api = `${session.simBaseUrl}/checkout/api/sessions/${encodeURIComponent(session.sessionId)}`;
  let view = await call("POST", `${api}/submit`, {
    cardNumber: CARD,
    expiry: "12/34",
    cvv: "123",
    holderName: "Ada Lovelace",
  });
  show("2. Antom's SDK submitted the card (simulator stand-in)", { state: view.state, resultCode: view.resultCode });
  if (view.state === "CHALLENGE") {
    view = await call("POST", `${api}/challenge`, { outcome: "pass" });
    show("2b. 3-D Secure passed in the SDK", { state: view.state, resultCode: view.resultCode });
  }
  return view;
}

async function main() {
  const created = await call("POST", `${BASE}/sessions`, {
    items: [{ sku: "TSHIRT-BLK-M", quantity: 1 }],
    terminalType: "APP",
    osType: OS,
    integration: INTEGRATION,
  });
  show("1. POST /sessions", {
    orderId: created.orderId,
    integration: created.integration,
    paymentRequestId: created.paymentRequestId,
    paymentSessionData: `${created.paymentSessionData.slice(0, 32)}…`,
    amount: created.amount,
    orderToken: "(kept by the app, never shown)",
  });

  const view = await mobileSdkPays(created.paymentSessionData);
  const deepLink = view.redirectUrl;
  if (!deepLink || /^https?:/i.test(deepLink)) {
    throw new Error(`expected an app redirect URL (start the server with APP_REDIRECT_URL), got ${deepLink}`);
  }
  // Step 3: the deep link handler: myshop://checkout/{orderId}.
  const orderId = decodeURIComponent(new URL(deepLink).pathname.split("/").filter(Boolean).pop());
  show("3. The app is opened through its redirect URL", { deepLink, orderId });
  if (orderId !== created.orderId) throw new Error(`the deep link names order ${orderId}, not ${created.orderId}`);
  if (deepLink.includes(created.orderToken)) throw new Error("the deep link carries the order token");

  // Step 4: the server says how it ended.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const order = await call("GET", `${BASE}/api/orders/${encodeURIComponent(orderId)}`, undefined, {
      Authorization: `Bearer ${created.orderToken}`,
    });
    if (FINAL.has(order.status) || Date.now() > deadline) {
      show("4. GET /api/orders/{orderId}", { status: order.status, payment: order.payment });
      if (order.status !== EXPECT) throw new Error(`the order is ${order.status}, expected ${EXPECT}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().catch((error) => {
  console.error(`\nFAILED: ${error.message}`);
  process.exit(1);
});
