//! A stateful, signing Antom sandbox simulator: the product runs fully offline and every test
//! is hermetic, against something that behaves like Antom on the wire.
//!
//! # Running it
//!
//! Embedded (the server's simulator mode, tests):
//!
//! ```no_run
//! # async fn demo(merchant_public: antom_client::PublicKey, antom_private: antom_client::PrivateKey) -> Result<(), antom_sim::SimError> {
//! let config = antom_sim::SimConfig {
//!     bind_addr: "127.0.0.1:0".parse().unwrap(),
//!     ..antom_sim::SimConfig::new("SANDBOX_MERCHANT", merchant_public, antom_private)
//! };
//! let simulator = antom_sim::start(config).await?;
//! // Point antom_client::ClientConfig::gateway_url at simulator.base_url().
//! simulator.stop().await;
//! # Ok(()) }
//! ```
//!
//! Alone: `cargo run -p antom-sim` (binary `antom-sim`), configured by environment:
//!
//! | variable | default | meaning |
//! | --- | --- | --- |
//! | `SIMULATOR_BIND_ADDR` | `127.0.0.1:8090` | listen address (port 0: any free port) |
//! | `SIMULATOR_CLIENT_ID` | required | the merchant's client id (`SANDBOX_…` clients use `/ams/sandbox/api`) |
//! | `SIMULATOR_MERCHANT_PUBLIC_KEY` | required | verifies request signatures (SPKI, base64 or PEM) |
//! | `SIMULATOR_ANTOM_PRIVATE_KEY` | required | signs responses and notifications (PKCS#8/PKCS#1) |
//! | `SIMULATOR_TIME_SCALE` | `1.0` | multiplies every simulated delay; must be > 0 |
//! | `SIMULATOR_PUBLIC_BASE_URL` | `http://{bind addr}` | how browsers reach it (extension) |
//!
//! # What it simulates
//!
//! * The merchant API under `/ams/api/v1/…` and `/ams/sandbox/api/v1/…`: createPaymentSession,
//!   pay (vaulted card token), inquiryPayment, capture, cancel, refund, inquiryRefund,
//!   createVaultingSession, vaultPaymentMethod, inquireVaulting — with Antom's authentication
//!   errors (unsigned `CLIENT_INVALID` for a missing or unknown client id, `INVALID_SIGNATURE`,
//!   `KEY_NOT_FOUND`), field checks (`PARAM_ILLEGAL`), idempotency (replay,
//!   `REPEAT_REQ_INCONSISTENT`, `*_IN_PROCESS`), result codes and signed answers. See the `api`
//!   module.
//! * Time: authorization valid 7 days, cancel window 7 days, a started payment left unfinished
//!   (3-D Secure never answered) closed 14 min after it started (PAYMENT_RESULT F,
//!   `ORDER_IS_CLOSED`), session data valid until the requested `paymentSessionExpiryTime`
//!   (absolute) or 1 h — all scaled except a requested time, and movable with
//!   `POST /__sim/clock/advance`.
//! * Notifications (PAYMENT_RESULT, PAYMENT_PENDING, CAPTURE_RESULT, REFUND_RESULT, vaulting),
//!   signed as Antom signs them, retried on Antom's schedule until acknowledged.
//! * The browser side: `GET /sdk/ams-checkout.js` (`AMSElement`, `AMSCashierPayment`,
//!   `AMSVaulting`, with the surface of Antom's `@alipay/ams-checkout` 1.47.2), the hosted card
//!   form (the SDK's frame, and the hosted checkout page at the `normalUrl` of a
//!   `CHECKOUT_PAYMENT` session) and the 3-D Secure page, with the contract's `data-testid`
//!   hooks; the pages also work as plain form posts, without scripts (see `browser`). Session
//!   data has the layout the real SDK parses and says which integration it is for (see
//!   `hosted`).
//!
//! Test cards (any future expiry, any CVV): 4111111111111111 and 5555555555554444 authorize;
//! 4000000000000002 declines (`DO_NOT_HONOR`); 4000000000009995 declines
//! (`USER_BALANCE_NOT_ENOUGH`); 4000000000003220 asks for 3-D Secure (failing it:
//! `USER_PAYMENT_VERIFICATION_FAILED`); 4000000000000259 stays processing 30 s (scaled), then
//! authorizes; 4000000000000341 authorizes but every capture fails. Other Luhn-valid numbers
//! authorize.
//!
//! # Antom's rules it enforces beyond the basics
//!
//! * A createPaymentSession is not a payment until the buyer tries to pay: inquiryPayment (and
//!   capture, refund) say it does not exist (`ORDER_NOT_EXIST`, `AUTH_NOT_FOUND`), before and
//!   after the session expires, and no notification is ever sent for it. A started payment
//!   left unfinished is closed after about 14 minutes with PAYMENT_RESULT F `ORDER_IS_CLOSED`
//!   [D:SEED0/1/2 FAQ "an unpaid order is first closed (≈14 min) and then notified as failed"].
//!   The session closes at the requested `paymentSessionExpiryTime` (absolute, at most an hour
//!   away) or after an hour (scaled); after that nobody can start paying it, but a payment
//!   already in process (the processing card, an open challenge) settles on its own schedule.
//! * `productScene` `CHECKOUT_PAYMENT` asks for Antom's hosted checkout page: only then does
//!   createPaymentSession answer `normalUrl` [V:JAVA AlipayPaymentSessionResponse.normalUrl
//!   doc]; `ELEMENT_PAYMENT` and no scene get none; other values are PARAM_ILLEGAL. The scene
//!   goes into `paymentSessionData` (`paymentSessionConfig.productScene`), and each SDK
//!   component takes only its own: `AMSElement` an `ELEMENT_PAYMENT` session,
//!   `AMSCashierPayment` one without a scene.
//! * `savedPaymentMethods` of createPaymentSession: each `{paymentMethodType: CARD,
//!   paymentMethodId: <cardToken this simulator vaulted>}`, else PARAM_ILLEGAL naming the entry
//!   (our reading); the Payment Element lists them before a new card.
//! * `paymentRedirectUrl` (and vaulting `redirectUrl`) may open an app: a custom scheme
//!   (`myshop://…`) or an app link. Anything with a scheme and no whitespace, at most 2048
//!   characters; script and data schemes and anything without a scheme are PARAM_ILLEGAL.
//!   Notification URLs stay http(s).
//! * Card calls from the merchant's server carry the buyer's environment: pay with a card
//!   token and vaultPaymentMethod need `env.clientIp` (PARAM_ILLEGAL naming it)
//!   [D:DOC marketplace/authorization_payment lists clientIp, browserInfo and terminalType among
//!   what a card pay must send; I: "required for CARD" is how our integration notes read the
//!   Java SDK, whose stored `model/ams/Env.java` carries no such note]; createPaymentSession
//!   takes `env.clientIp`/`userAgent`/`browserInfo` but does not need them. `env.osType` is
//!   required when `terminalType` is `APP`. A `clientIp` must be an IP address.
//! * 3-D Secure of pay comes as `normalUrl`, as `redirectActionForm` (`method` POST,
//!   `parameters` a JSON string of form fields), and for an app also as `applinkUrl`;
//!   vaultPaymentMethod and inquireVaulting answer `normalUrl` (+ `applinkUrl` for an app). The
//!   3-D Secure page takes a GET and the form POST.
//! * A merchant with several settlement currencies (`POST /__sim/merchant`) must name one in
//!   `settlementStrategy.settlementCurrency` of every payment request (see `merchant`).
//! * vaultPaymentMethod: a `U` other than VERIFICATION_IN_PROCESS, or VERIFICATION_IN_PROCESS
//!   without any URL, must be answered with a *new* vaultingRequestId; resending the same one
//!   gets nowhere (see `api::vault_payment_method`).
//!
//! # Choices where Antom's documentation is silent
//!
//! * `pay` with a `paymentMethodId` this simulator never issued: F `INVALID_CARD`, no payment
//!   is created (inquiry says `ORDER_NOT_EXIST`); the answer is final for that paymentRequestId.
//! * A card refused as *input* on the hosted form or the control API (bad checksum, past expiry,
//!   bad CVV) leaves the session open for another try and is no payment attempt; a *decline*
//!   ends the payment (FAIL, PAYMENT_RESULT F).
//! * Replaying createPaymentSession for a session that expired unpaid gives the same answer
//!   (with its past expiry time); only a closed or cancelled order is refused
//!   (`ORDER_IS_CLOSED`, `ORDER_IS_CANCELED`).
//! * Vaulting is a zero-amount verification: the insufficient-funds card vaults and declines
//!   only when paying; the do-not-honor card fails verification (F `VERIFICATION_FAIL`,
//!   inquireVaulting `vaultingResultCode` `DO_NOT_HONOR`). A vaulting session that expires
//!   unbound fails (`ORDER_IS_CLOSED`) with notifyVaulting F ("sent … on timeout" [D:SEED3 step 3]).
//! * Cancel: allowed while the buyer has not finished (also before any attempt: it blocks the
//!   session) and while a payment settles; refused (`ORDER_STATUS_INVALID`) for failed
//!   payments and once a capture succeeded or is in process; no notification. A failed capture
//!   does not block it.
//! * Refunds need a successful capture; REFUND_RESULT is sent after every final refund, to
//!   `refundNotifyUrl` only (there is no Dashboard URL). A capture with `isLastCapture` closes
//!   the rest of the authorization.
//! * Final failures of keyed requests (e.g. CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT) are stored under
//!   their key like successes; PARAM_ILLEGAL and injected `unknown`/`fail` faults are not (the
//!   fixed or resent request is processed), except `unknown` on vaultPaymentMethod, which spends
//!   the vaultingRequestId.
//! * inquiryPayment's `transactions` always carry `transactionResult`, consistent with
//!   `transactionStatus`; the `answers.transactionStatusAlwaysSuccess` fault gives the guide's
//!   other shape.
//! * notifyVaulting has no `vaultingStatus` (documented for inquireVaulting only).
//! * Notifications are signed over the notify URL's path without its query.
//!
//! # Control API (`/__sim/`, JSON, unsigned)
//!
//! `POST /__sim/sessions/{paymentRequestId}/pay`, `POST /__sim/vaulting/{vaultingRequestId}/bind`,
//! `GET /__sim/requests`, `GET /__sim/notifications`, `POST /__sim/notifications/flush`,
//! `GET|POST|DELETE /__sim/faults` (endpoint faults incl. `fail` with a `resultCode` and
//! `processing` with `noRedirect`; notification faults narrowed by `notifyType`; `answers`),
//! `GET|POST /__sim/merchant` (`settlementCurrencies`), `POST /__sim/reset`, `GET /__sim/clock`,
//! `POST /__sim/clock/advance`. Details in the `control`, `faults` and `merchant` modules' docs.

mod api;
mod browser;
mod buyer;
mod cards;
mod clock;
mod config;
mod control;
mod export;
mod faults;
mod hosted;
mod ids;
mod lifecycle;
mod merchant;
mod notices;
mod notifier;
mod server;
mod sim;
mod state;
mod sync;
mod validation;
mod views;

pub use config::{ConfigError, SimConfig, DEFAULT_BIND_ADDR};
pub use server::{start, SimError, Simulator};
