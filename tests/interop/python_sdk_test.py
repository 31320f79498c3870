#!/usr/bin/env python3
"""Interoperability test: Antom's official Python SDK (PyPI `global-alipay-sdk-python`) against
our simulator (`crates/antom-sim`).

The SDK is used as a merchant would use it: `DefaultAlipayClient.execute(request)` builds the
JSON body, rewrites the path for a `SANDBOX_` client id, signs the request and verifies the
response signature with Antom's public key. Only its transport is replaced: the SDK always
opens HTTPS to port 443 of the gateway host (`net/default_http_rpc.py`), so `do_post` — the
module function that performs the HTTP call, imported by name into `default_alipay_client` —
is swapped for one that sends the same method, path, headers and body bytes to the simulator
over plain HTTP and hands the simulator's real response headers and body back to the SDK.
Signing and verification are the SDK's own, untouched.

Environment:
  ANTOM_SIM_URL        base URL of a running simulator (default http://127.0.0.1:8090)
  ANTOM_SIM_CLIENT_ID  the client id the simulator was started with (default SANDBOX_PY_SDK_INTEROP)
  ANTOM_TEST_KEYS      the TEST key pair file (default crates/antom-client/tests/fixtures/test-keys.json)

Prints one line per check and `N passed, M failed` last; exits non-zero if anything failed.
"""

import base64
import http.client
import json
import os
import sys
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SIM_URL = os.environ.get("ANTOM_SIM_URL", "http://127.0.0.1:8090").rstrip("/")
CLIENT_ID = os.environ.get("ANTOM_SIM_CLIENT_ID", "SANDBOX_PY_SDK_INTEROP")
KEYS_FILE = os.environ.get(
    "ANTOM_TEST_KEYS",
    os.path.join(REPO_ROOT, "crates", "antom-client", "tests", "fixtures", "test-keys.json"),
)
# What the SDK is told: a real Antom gateway. The patched transport asserts every call is for
# this host and sends it to the simulator instead; nothing leaves the machine.
GATEWAY_HOST = "open-sea-global.alipay.com"
GATEWAY_URL = "https://" + GATEWAY_HOST
SDK_DIST = "global-alipay-sdk-python"

PASSED = []
FAILED = []


def check(name, fn):
    """Runs one check; prints PASS/FAIL with the reason. Returns fn's value or None."""
    try:
        value = fn()
    except Exception as e:  # noqa: BLE001 - every failure is reported, none aborts the run
        FAILED.append(name)
        print("FAIL  %s: %s: %s" % (name, type(e).__name__, e), flush=True)
        if os.environ.get("INTEROP_DEBUG"):
            traceback.print_exc()
        return None
    PASSED.append(name)
    print("PASS  %s" % name, flush=True)
    return value


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def finish():
    print("%d passed, %d failed" % (len(PASSED), len(FAILED)), flush=True)
    sys.exit(1 if FAILED else 0)


# --------------------------------------------------------------------------------------------
# The SDK
# --------------------------------------------------------------------------------------------
try:
    from importlib.metadata import version as dist_version

    SDK_VERSION = dist_version(SDK_DIST)
    import com.alipay.ams.api.default_alipay_client as sdk_client_module
    import com.alipay.ams.api.net.default_http_rpc as sdk_http_module
    from com.alipay.ams.api.default_alipay_client import DefaultAlipayClient
    from com.alipay.ams.api.exception.exception import AlipayApiException
    from com.alipay.ams.api.model.amount import Amount
    from com.alipay.ams.api.model.buyer import Buyer
    from com.alipay.ams.api.model.capture_mode import CaptureMode
    from com.alipay.ams.api.model.order import Order
    from com.alipay.ams.api.model.payment_factor import PaymentFactor
    from com.alipay.ams.api.model.payment_method import PaymentMethod
    from com.alipay.ams.api.model.product_code_type import ProductCodeType
    from com.alipay.ams.api.model.result_status_type import ResultStatusType
    from com.alipay.ams.api.request.pay.alipay_capture_request import AlipayCaptureRequest
    from com.alipay.ams.api.request.pay.alipay_create_session_request import AlipayCreateSessionRequest
    from com.alipay.ams.api.request.pay.alipay_pay_query_request import AlipayPayQueryRequest
    from com.alipay.ams.api.request.pay.alipay_refund_request import AlipayRefundRequest
    from com.alipay.ams.api.response.pay.alipay_capture_response import AlipayCaptureResponse
    from com.alipay.ams.api.response.pay.alipay_create_session_response import AlipayCreateSessionResponse
    from com.alipay.ams.api.response.pay.alipay_pay_query_response import AlipayPayQueryResponse
    from com.alipay.ams.api.response.pay.alipay_refund_response import AlipayRefundResponse
    from com.alipay.ams.api.tools import signature_tool
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa as rsa_keys
except Exception as e:  # noqa: BLE001
    FAILED.append("import the SDK")
    print("FAIL  import the SDK (%s): %s: %s" % (SDK_DIST, type(e).__name__, e), flush=True)
    finish()

print("SDK: %s %s; simulator: %s; client id: %s" % (SDK_DIST, SDK_VERSION, SIM_URL, CLIENT_ID), flush=True)


# --------------------------------------------------------------------------------------------
# Keys. The SDK wraps the merchant key in `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1 label) and
# loads it with `cryptography`, which needs a PKCS#1 body under that label (protocol doc §1.6);
# the fixture's canonical form is PKCS#8, so it is converted. Antom's public key is SPKI base64,
# which the SDK wraps in `-----BEGIN PUBLIC KEY-----` itself.
# --------------------------------------------------------------------------------------------
def pem_body(pem):
    return "".join(line.strip() for line in pem.strip().splitlines() if not line.startswith("-----"))


def pkcs1_body(private_key):
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,  # PKCS#1 RSAPrivateKey
        serialization.NoEncryption(),
    ).decode("ascii")
    return pem_body(pem)


with open(KEYS_FILE, encoding="utf-8") as f:
    KEYS = json.load(f)
_merchant_key = serialization.load_der_private_key(
    base64.b64decode(KEYS["merchant"]["private_key_pkcs8_base64"]), password=None
)
MERCHANT_PRIVATE_KEY = pkcs1_body(_merchant_key)  # what the SDK is configured with
ANTOM_PUBLIC_KEY = KEYS["antom"]["public_key_spki_base64"]  # verifies the simulator's answers


# --------------------------------------------------------------------------------------------
# The transport seam. default_alipay_client.py does `from ...net.default_http_rpc import *` and
# calls `do_post(url, headers, req_body)` -> (response.getheaders(), raw body bytes), raising
# AlipayApiException on a non-200 status. The original opens
# `HTTPSConnection(host, port=443)` and sends the absolute URL; the replacement sends the same
# method, path, headers and body bytes to the simulator over HTTP.
# --------------------------------------------------------------------------------------------
_sim = urllib.parse.urlsplit(SIM_URL)
SIM_HOST, SIM_PORT = _sim.hostname, _sim.port or 80
EXCHANGES = []  # every call the SDK made: what was sent, what came back
HOOKS = {"request": None, "response": None}  # optional byte mutators for the negative checks
ORIGINAL_DO_POST = sdk_http_module.do_post


def loopback_do_post(url, headers=None, req_body=None, charset="UTF-8"):
    target = urllib.parse.urlsplit(url)
    if target.scheme != "https" or target.hostname != GATEWAY_HOST:
        raise AlipayApiException("interop transport: unexpected URL %r" % url)
    path = target.path + ("?" + target.query if target.query else "")
    body = req_body.encode(charset)  # the bytes the SDK signed (and would have sent)
    if HOOKS["request"]:
        body = HOOKS["request"](body)
    connection = http.client.HTTPConnection(SIM_HOST, SIM_PORT, timeout=15)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        rsp_headers = response.getheaders()  # header names exactly as on the wire
        rsp_body = response.read()
    finally:
        connection.close()
    if HOOKS["response"]:
        rsp_body = HOOKS["response"](rsp_body)
    EXCHANGES.append(
        {
            "path": path,
            "request_headers": dict(headers or {}),
            "request_body": body,
            "status": status,
            "response_headers": rsp_headers,
            "response_body": rsp_body,
        }
    )
    if status != 200:  # as the SDK's own do_post
        raise AlipayApiException("invalid http status %d, detail body: %r" % (status, rsp_body[:500]))
    return rsp_headers, rsp_body


def https_is_off_limits(*_args, **_kwargs):
    raise AssertionError("the SDK tried to open its own HTTPS connection; the transport patch missed a call")


sdk_client_module.do_post = loopback_do_post  # the name execute() actually calls
sdk_http_module.do_post = loopback_do_post
# Belt and braces: the SDK's own connection factory must never run (no traffic to a real host).
setattr(sdk_http_module, "__get_http_connection", https_is_off_limits)


def new_client(private_key=MERCHANT_PRIVATE_KEY):
    return DefaultAlipayClient(GATEWAY_URL, CLIENT_ID, private_key, ANTOM_PUBLIC_KEY)


def execute(client, request):
    """client.execute(request); returns (raw verified body, the exchange on the wire)."""
    before = len(EXCHANGES)
    body = client.execute(request)
    expect(len(EXCHANGES) == before + 1, "expected exactly one HTTP call, saw %d" % (len(EXCHANGES) - before))
    return body, EXCHANGES[-1]


def header(pairs, name):
    """A response header by exact (lowercase) name, as the SDK looks it up."""
    values = [v for k, v in pairs if k == name]
    return values[0] if values else None


def has_header_any_case(pairs, name):
    return any(k.lower() == name for k, _ in pairs)


def assert_signed_and_verifies(exchange):
    """What the SDK's client verified, checked again with the SDK's own signature tool: the
    lowercase headers are present and `verify` passes over the raw body (and fails over a
    changed one, so the check is not vacuous)."""
    pairs = exchange["response_headers"]
    signature_header = header(pairs, "signature")
    response_time = header(pairs, "response-time")
    client_id = header(pairs, "client-id")
    expect(signature_header, "no lowercase `signature` response header: %r" % pairs)
    expect(response_time, "no lowercase `response-time` response header")
    expect(client_id == CLIENT_ID, "response client-id %r, expected %r" % (client_id, CLIENT_ID))
    expect(
        signature_header.startswith("algorithm=RSA256,keyVersion=1,signature="),
        "unexpected signature header format: %r" % signature_header,
    )
    signature = signature_header.split("signature=")[1]
    expect(signature, "empty signature value (the SDK would skip verification)")
    body = exchange["response_body"].decode("UTF-8")
    ok = signature_tool.verify("POST", exchange["path"], client_id, response_time, body, signature, ANTOM_PUBLIC_KEY)
    expect(ok, "signature_tool.verify returned %r" % ok)
    try:
        forged = signature_tool.verify(
            "POST", exchange["path"], client_id, response_time, body + " ", signature, ANTOM_PUBLIC_KEY
        )
    except Exception:  # rsa.verify raises VerificationError on a mismatch
        forged = False
    expect(not forged, "signature_tool.verify accepted a changed body")


def expect_result(response, status, code):
    result = response.result
    expect(result is not None, "no result in the response")
    expect(
        result.result_status.name == status and result.result_code == code,
        "result %s/%s (%s), expected %s/%s"
        % (result.result_status.name, result.result_code, result.result_message, status, code),
    )


def sim_control(method, path, payload=None):
    """The simulator's unsigned control API, over plain HTTP with urllib."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(SIM_URL + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            text = response.read().decode("utf-8")
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        raise AssertionError("%s %s -> HTTP %d: %s" % (method, path, e.code, e.read()[:500])) from None


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------
RUN = uuid.uuid4().hex[:12]
CURRENCY, TOTAL, CAPTURED, REFUNDED = "USD", "4200", "4200", "1500"


def session_request(payment_request_id):
    request = AlipayCreateSessionRequest()
    request.product_code = ProductCodeType.CASHIER_PAYMENT
    request.product_scene = "CHECKOUT_PAYMENT"
    request.payment_request_id = payment_request_id
    request.payment_amount = Amount(CURRENCY, TOTAL)
    method = PaymentMethod()
    method.payment_method_type = "CARD"
    request.payment_method = method
    factor = PaymentFactor()
    factor.is_authorization = True
    factor.capture_mode = CaptureMode.MANUAL
    request.payment_factor = factor
    order = Order()
    order.reference_order_id = "order-" + payment_request_id
    order.order_description = "Python SDK interop test order"
    order.order_amount = Amount(CURRENCY, TOTAL)
    buyer = Buyer()
    buyer.reference_buyer_id = "buyer-" + RUN
    buyer.buyer_email = "buyer@example.com"
    order.buyer = buyer
    request.order = order
    request.payment_redirect_url = "https://merchant.example.com/checkout/result"
    return request


def inquiry_request(payment_request_id=None, payment_id=None):
    request = AlipayPayQueryRequest()
    request.payment_request_id = payment_request_id
    request.payment_id = payment_id
    return request


state = {}
client = new_client()


def need(key):
    """A value an earlier check produced; a clear failure when that check failed."""
    if key not in state:
        raise AssertionError("no %s: an earlier check failed" % key)
    return state[key]


# 0. The SDK's key handling and the transport seam --------------------------------------------
def key_format():
    expect(
        MERCHANT_PRIVATE_KEY == pem_body(KEYS["merchant"]["private_key_pkcs1_pem"]),
        "the PKCS#1 body derived from the PKCS#8 fixture differs from the fixture's PKCS#1 PEM",
    )
    signature_tool.sign("POST", "/x", CLIENT_ID, "2024-01-01T00:00:00+00:00", "{}", MERCHANT_PRIVATE_KEY)


check("SDK %s loads the merchant TEST key as a PKCS#1 body (converted from PKCS#8)" % SDK_VERSION, key_format)


# 1. The happy path ---------------------------------------------------------------------------
def create_session():
    payment_request_id = "py-sdk-" + RUN
    body, exchange = execute(client, session_request(payment_request_id))
    expect(
        exchange["path"] == "/ams/sandbox/api/v1/payments/createPaymentSession",
        "the SDK sent %r (expected the sandbox rewrite)" % exchange["path"],
    )
    sent = exchange["request_body"].decode("utf-8")
    expect("\n" in sent and '"isAuthorization": true' in sent and '"captureMode": "MANUAL"' in sent,
           "request body is not the SDK's indent=3 JSON with the authorization factor: %s" % sent)
    response = AlipayCreateSessionResponse(body)
    expect_result(response, "S", "SUCCESS")
    expect(response.payment_session_id, "no paymentSessionId")
    expect(response.payment_session_data, "no paymentSessionData")
    raw = json.loads(body)
    expect(raw.get("paymentSessionExpiryTime"), "no paymentSessionExpiryTime")
    expect(raw.get("normalUrl"), "no normalUrl for productScene CHECKOUT_PAYMENT")
    assert_signed_and_verifies(exchange)
    state["payment_request_id"] = payment_request_id


check("createPaymentSession via SDK (sandbox path, isAuthorization=true, MANUAL): S/SUCCESS, "
      "response signature verified by the SDK", create_session)


def inquiry_before_pay():
    """A session nobody has tried to pay is not a payment yet: Antom answers ORDER_NOT_EXIST
    (a signed F, which the SDK verifies and hands back)."""
    body, exchange = execute(client, inquiry_request(payment_request_id=need("payment_request_id")))
    expect(exchange["path"] == "/ams/sandbox/api/v1/payments/inquiryPayment", "path %r" % exchange["path"])
    response = AlipayPayQueryResponse(body)
    expect_result(response, "F", "ORDER_NOT_EXIST")
    assert_signed_and_verifies(exchange)


check("inquiryPayment via SDK before the buyer pays: F/ORDER_NOT_EXIST (a session is no payment yet), verified",
      inquiry_before_pay)


def buyer_pays():
    status, answer = sim_control(
        "POST",
        "/__sim/sessions/%s/pay" % urllib.parse.quote(need("payment_request_id"), safe=""),
        {"cardNumber": "4111111111111111"},
    )
    expect(status == 200, "HTTP %d" % status)
    expect(answer.get("paymentStatus") == "SUCCESS", "control answer %r" % answer)
    expect(answer.get("paymentId"), "no paymentId in the control answer %r" % answer)
    state["payment_id"] = answer["paymentId"]


check("buyer pays the session with 4111111111111111 (control API over urllib): authorized", buyer_pays)


def inquiry_by_request_id_after_pay():
    body, exchange = execute(client, inquiry_request(payment_request_id=need("payment_request_id")))
    response = AlipayPayQueryResponse(body)
    expect_result(response, "S", "SUCCESS")
    expect(response.payment_id == need("payment_id"), "paymentId %r vs the buyer's %r"
           % (response.payment_id, need("payment_id")))
    assert_signed_and_verifies(exchange)


check("inquiryPayment via SDK by paymentRequestId after payment: the buyer's paymentId, verified",
      inquiry_by_request_id_after_pay)


def inquiry_after_pay():
    body, exchange = execute(client, inquiry_request(payment_id=need("payment_id")))
    response = AlipayPayQueryResponse(body)
    expect_result(response, "S", "SUCCESS")
    expect(response.payment_status is not None and response.payment_status.name == "SUCCESS",
           "paymentStatus %r, expected SUCCESS" % response.payment_status)
    expect(response.payment_amount.currency == CURRENCY and response.payment_amount.value == TOTAL,
           "paymentAmount %s %s" % (response.payment_amount.currency, response.payment_amount.value))
    assert_signed_and_verifies(exchange)


check("inquiryPayment via SDK after payment: paymentStatus SUCCESS, amount %s %s, verified" % (CURRENCY, TOTAL),
      inquiry_after_pay)


def capture():
    request = AlipayCaptureRequest()
    request.capture_request_id = "py-sdk-capture-" + RUN
    request.payment_id = need("payment_id")
    request.capture_amount = Amount(CURRENCY, CAPTURED)
    request.is_last_capture = True
    body, exchange = execute(client, request)
    expect(exchange["path"] == "/ams/sandbox/api/v1/payments/capture", "path %r" % exchange["path"])
    response = AlipayCaptureResponse(body)
    expect_result(response, "S", "SUCCESS")
    expect(response.capture_id, "no captureId")
    expect(response.payment_id == need("payment_id"), "paymentId mismatch")
    expect(response.capture_amount.value == CAPTURED, "captureAmount %r" % response.capture_amount.value)
    assert_signed_and_verifies(exchange)


check("capture via SDK (%s %s, isLastCapture): S/SUCCESS, verified" % (CURRENCY, CAPTURED), capture)


def refund():
    request = AlipayRefundRequest()
    request.refund_request_id = "py-sdk-refund-" + RUN
    request.payment_id = need("payment_id")
    request.refund_amount = Amount(CURRENCY, REFUNDED)
    request.refund_reason = "interop test"
    body, exchange = execute(client, request)
    expect(exchange["path"] == "/ams/sandbox/api/v1/payments/refund", "path %r" % exchange["path"])
    response = AlipayRefundResponse(body)
    expect_result(response, "S", "SUCCESS")
    expect(response.refund_id, "no refundId")
    expect(response.payment_id == need("payment_id"), "paymentId mismatch")
    expect(response.refund_amount.value == REFUNDED, "refundAmount %r" % response.refund_amount.value)
    assert_signed_and_verifies(exchange)


check("refund via SDK (partial, %s %s): S/SUCCESS, verified" % (CURRENCY, REFUNDED), refund)


# 2. Wrong keys ------------------------------------------------------------------------------
def wrong_key():
    stranger = rsa_keys.generate_private_key(public_exponent=65537, key_size=2048)
    impostor = new_client(private_key=pkcs1_body(stranger))
    payment_request_id = "py-sdk-impostor-" + RUN
    before = len(EXCHANGES)
    try:
        impostor.execute(session_request(payment_request_id))
    except AlipayApiException as e:
        # The SDK insists on a signed answer, so an unsigned refusal surfaces as this error.
        expect("signature not exist" in str(e), "SDK raised an unexpected error: %s" % e)
    else:
        raise AssertionError("the SDK accepted an answer to a request signed with the wrong key")
    expect(len(EXCHANGES) == before + 1, "expected one HTTP call")
    exchange = EXCHANGES[-1]
    expect(exchange["status"] == 200, "HTTP %d, Antom answers signature errors with 200" % exchange["status"])
    result = json.loads(exchange["response_body"])["result"]
    expect(result.get("resultStatus") == "F" and result.get("resultCode") == "INVALID_SIGNATURE",
           "result %r, expected F/INVALID_SIGNATURE" % result)
    expect(not has_header_any_case(exchange["response_headers"], "signature"),
           "the refusal carries a signature header: %r" % exchange["response_headers"])
    # Nothing was created: the genuine merchant cannot find the impostor's payment.
    body, _ = execute(client, inquiry_request(payment_request_id=payment_request_id))
    response = AlipayPayQueryResponse(body)
    expect_result(response, "F", "ORDER_NOT_EXIST")


check("request signed with a freshly generated RSA key: F/INVALID_SIGNATURE, unsigned, "
      "SDK refuses the unsigned answer, nothing created", wrong_key)


def tampered_request_body():
    """Signed with the right key, but the body changes after signing: the simulator must check
    the signature over the bytes it received."""
    HOOKS["request"] = lambda body: body.replace(b'"' + TOTAL.encode() + b'"', b'"1"', 1)
    try:
        try:
            client.execute(session_request("py-sdk-tampered-" + RUN))
        except AlipayApiException as e:
            expect("signature not exist" in str(e), "SDK raised an unexpected error: %s" % e)
        else:
            raise AssertionError("a request whose body changed after signing was answered with a signed answer")
    finally:
        HOOKS["request"] = None
    exchange = EXCHANGES[-1]
    expect(b'"1"' in exchange["request_body"], "the request body was not changed; the check is vacuous")
    result = json.loads(exchange["response_body"])["result"]
    expect(result.get("resultStatus") == "F" and result.get("resultCode") == "INVALID_SIGNATURE",
           "result %r, expected F/INVALID_SIGNATURE" % result)
    expect(not has_header_any_case(exchange["response_headers"], "signature"), "the refusal is signed")


check("request body changed after the SDK signed it: F/INVALID_SIGNATURE, unsigned", tampered_request_body)


def unknown_client_id():
    """A client id the simulator does not know: Antom's CLIENT_INVALID, unsigned like every
    authentication error, whatever key signed it."""
    stranger = DefaultAlipayClient(GATEWAY_URL, "SANDBOX_NOT_OUR_CLIENT", MERCHANT_PRIVATE_KEY, ANTOM_PUBLIC_KEY)
    try:
        stranger.execute(inquiry_request(payment_request_id="py-sdk-stranger-" + RUN))
    except AlipayApiException as e:
        expect("signature not exist" in str(e), "SDK raised an unexpected error: %s" % e)
    else:
        raise AssertionError("an answer to an unknown client id was signed")
    exchange = EXCHANGES[-1]
    result = json.loads(exchange["response_body"])["result"]
    expect(result.get("resultStatus") == "F" and result.get("resultCode") == "CLIENT_INVALID",
           "result %r, expected F/CLIENT_INVALID" % result)
    expect(not has_header_any_case(exchange["response_headers"], "signature"), "the refusal is signed")


check("request with a client id the simulator does not know: F/CLIENT_INVALID, unsigned", unknown_client_id)


# 3. The SDK's own verification is live --------------------------------------------------------
def forged_response_rejected():
    """The same call, with one byte of the simulator's signed answer changed before the SDK sees
    it: the SDK's client must refuse it — so the passes above really were verified."""
    HOOKS["response"] = lambda body: body.replace(b"SUCCESS", b"SUCCESs", 1)
    try:
        try:
            client.execute(inquiry_request(payment_id=need("payment_id")))
        except AlipayApiException as e:
            expect("verify failed" in str(e), "SDK raised an unexpected error: %s" % e)
        else:
            raise AssertionError("the SDK accepted a response whose body no longer matches its signature")
    finally:
        HOOKS["response"] = None
    expect(b"SUCCESs" in EXCHANGES[-1]["response_body"], "the response was not changed; the check is vacuous")


check("SDK client rejects a simulator answer altered after signing (its verification is live)",
      forged_response_rejected)


def transport_stayed_local():
    expect(EXCHANGES, "no calls were made")
    for exchange in EXCHANGES:
        expect(exchange["path"].startswith("/ams/sandbox/api/v1/"), "unexpected path %r" % exchange["path"])
        headers = exchange["request_headers"]
        for name in ("Signature", "Request-Time", "client-id", "Content-type"):
            expect(name in headers, "the SDK did not send %s" % name)
    expect(ORIGINAL_DO_POST is not loopback_do_post, "the original transport was not replaced")
    # The simulator saw what the SDK sent: its request log agrees on paths and signature checks.
    status, log = sim_control("GET", "/__sim/requests")
    ours = [r for r in log["requests"] if RUN in (r.get("requestId") or "")]
    expect(any(r["signatureValid"] and r["path"] == "/ams/sandbox/api/v1/payments/createPaymentSession"
               for r in ours), "the simulator's log lacks the SDK's signed createPaymentSession: %r" % ours)
    expect(any(not r["signatureValid"] and r["resultCode"] == "INVALID_SIGNATURE" for r in ours),
           "the simulator's log lacks the refused requests: %r" % ours)


check("every call went to the simulator over the patched transport; its request log agrees",
      transport_stayed_local)

finish()
