//! Pure checkout rules: money, ids, cart pricing and the order state machine.
//!
//! No I/O, no clock, no randomness: every function that depends on time takes `now`, and every
//! decision about money is made here so the server, the webhooks and the reconciliation worker
//! decide the same way.
//!
//! # How the server uses it
//!
//! 1. Parse input at the boundary: [`Money::from_minor_units`], [`OrderId::parse`], [`price_cart`].
//! 2. Create [`Order::new`] and store it (JSON snapshot; loading re-checks the invariants).
//! 3. For an ops command, under the order lock: `prepare_capture` / `prepare_cancel` /
//!    `prepare_refund`, then apply the matching `*Requested` [`Event`] with a new request id,
//!    commit, and call Antom.
//! 4. Turn every Antom answer, notification or inquiry result into an [`Event`] and
//!    [`Order::apply`] it under the lock. `Ok` → store the snapshot and the timeline entry.
//!    `Err(NotApplied)` → the order is unchanged; record the refusal in the timeline, and if
//!    [`NotApplied::needs_review`] call [`Order::flag_for_review`].
//! 5. The worker applies `SessionExpired` / `AuthorizationExpired` when
//!    [`Order::is_session_overdue`] (the deadline plus Antom's close window passed, and Antom
//!    does not know the payment) / [`Order::is_authorization_overdue`] say so.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use domain::*;
//!
//! let sgd = Currency::parse("SGD")?;
//! let catalog = |sku: &Sku| {
//!     (sku.as_str() == "TSHIRT").then(|| CatalogEntry {
//!         sku: sku.clone(),
//!         name: "T-shirt".into(),
//!         unit_price: Money::new(2100, sgd).unwrap(),
//!     })
//! };
//! let cart = price_cart(&[CartLine { sku: "TSHIRT".into(), quantity: 2 }], catalog)?;
//! let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
//! let mut order = Order::new(OrderId::parse("o-1")?, cart, PaymentRequestId::parse("p-1")?, now);
//!
//! // notifyPayment (or inquiryPayment) said SUCCESS:
//! order.apply(&Event::PaymentSucceeded {
//!     payment_id: Some("2026...".into()),
//!     amount: Money::from_minor_units("SGD", "4200")?,
//!     paid_at: now,
//!     auth_expires_at: Some(now + chrono::Duration::days(7)),
//!     card: None,
//! })?;
//! assert_eq!(order.status(), OrderStatus::Authorized);
//!
//! // Ops: "capture everything".
//! let amount = order.prepare_capture(None, now)?;
//! let request_id = CaptureRequestId::parse("cap-1")?;
//! order.apply(&Event::CaptureRequested { request_id: request_id.clone(), amount, at: now })?;
//! assert_eq!(order.status(), OrderStatus::CapturePending);
//!
//! // The same notification twice is a duplicate and changes nothing.
//! let result = Event::CaptureSucceeded { request_id, capture_id: None, amount, at: now };
//! order.apply(&result)?;
//! assert_eq!(order.apply(&result), Err(NotApplied::Duplicate));
//! assert_eq!(order.status(), OrderStatus::Captured);
//! assert_eq!(order.prepare_cancel(now).unwrap_err().code(), "INVALID_STATE");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # States
//!
//! Each record has Antom's three statuses; SUCCESS and FAIL are terminal
//! ([`RecordStatus::is_terminal`]) and never change again. The order status is derived from the
//! records by [`Order::status`], never stored.
//!
//! ```text
//! payment  PROCESSING ──PaymentSucceeded (or implied by a CaptureSucceeded)──▶ SUCCESS
//!          PROCESSING ──PaymentFailed──────────────────────────────────────▶ FAIL
//! capture  CaptureRequested ─▶ PROCESSING ──CaptureSucceeded──▶ SUCCESS
//!                                         └─CaptureFailed─────▶ FAIL
//!          (a result for an unknown request id creates the record directly in SUCCESS/FAIL)
//! refund   RefundRequested  ─▶ PROCESSING ──RefundSucceeded / RefundFailed──▶ SUCCESS / FAIL
//! cancel   CancelRequested  ─▶ PROCESSING ──CancelSucceeded / CancelFailed──▶ SUCCESS / FAIL
//!          (one current attempt; a new request may replace a FAILED one)
//! flags    session_expired        set by SessionExpired (payment not SUCCESS),
//!                                 cleared when the payment succeeds
//!          authorization_expired  set by AuthorizationExpired (unused authorisation),
//!                                 cleared when a capture succeeds
//!
//! derived order status, first match wins:
//!   payment PROCESSING  cancel SUCCESS ─────────────────────▶ CANCELED
//!                       session expired ────────────────────▶ EXPIRED
//!                       otherwise ──────────────────────────▶ PENDING_PAYMENT
//!   payment FAIL        session expired ────────────────────▶ EXPIRED
//!                       otherwise ──────────────────────────▶ PAYMENT_FAILED
//!   payment SUCCESS     cancel SUCCESS ─────────────────────▶ CANCELED
//!                       refunded = captured > 0 ────────────▶ REFUNDED
//!                       refunded > 0 ───────────────────────▶ PARTIALLY_REFUNDED
//!                       a capture PROCESSING ───────────────▶ CAPTURE_PENDING
//!                       captured > 0 ───────────────────────▶ CAPTURED
//!                       authorization expired ──────────────▶ EXPIRED
//!                       captures exist, all FAIL ───────────▶ CAPTURE_FAILED
//!                       otherwise ──────────────────────────▶ AUTHORIZED
//!
//! the usual paths:
//!   PENDING_PAYMENT ─┬▶ AUTHORIZED ─┬▶ CAPTURE_PENDING ─┬▶ CAPTURED ─▶ PARTIALLY_REFUNDED ─▶ REFUNDED
//!                    │              │                   └▶ CAPTURE_FAILED ─▶ capture again, or EXPIRED
//!                    │              ├▶ CANCELED
//!                    │              └▶ EXPIRED (authorisation lapsed unused)
//!                    ├▶ PAYMENT_FAILED
//!                    └▶ EXPIRED (session ran out)
//! ```
//!
//! # Guarantees
//!
//! * [`Order::apply`] changes the order only on `Ok`, and only if [`Order::check_invariants`]
//!   still holds: captured ≤ authorized, refunded ≤ captured, never canceled and captured.
//! * Facts can arrive in any order and any number of times: duplicates are refused as
//!   [`NotApplied::Duplicate`] without losing information, results that overtake our own
//!   request events create their records, and terminal statuses never regress. The property
//!   tests in `tests/properties.rs` check both.

mod apply;
mod cart;
mod command;
mod currency;
mod event;
mod ids;
mod invariants;
mod money;
mod order;
mod quantity;
mod reconcile;
mod records;
mod status;
mod vaulting;

#[cfg(test)]
mod testkit;

pub use apply::{Change, NotApplied, Transition};
pub use cart::{price_cart, CartError, CartLine, CatalogEntry, LineItem, PricedCart, MAX_CART_LINES};
pub use command::{CommandError, CANCEL_WINDOW_DAYS};
pub use currency::{Currency, UnknownCurrency};
pub use event::Event;
pub use ids::{
    CancelRequestId, CaptureRequestId, CardId, IdError, OrderId, PaymentRequestId, RefundRequestId, Sku,
    VaultingRequestId,
};
pub use invariants::InvariantViolation;
pub use money::{Money, MoneyError};
pub use order::{Order, SessionTimes};
pub use quantity::{Quantity, QuantityError};
pub use reconcile::{backoff, OpenAtAntom, FIRST_BACKOFF, MAX_BACKOFF};
pub use records::{
    Cancel, Capture, CaptureMode, CardSummary, Failure, Payment, RecordKind, Refund, ReviewNote,
};
pub use status::{OrderStatus, RecordStatus, UnknownOrderStatus};
pub use vaulting::{VaultingAttempt, VaultingTransition};
