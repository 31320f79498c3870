//! What must hold for every order, in one place.
//!
//! [`Order::apply`] runs [`Order::check_invariants`] on a scratch copy after every change and
//! keeps the change only if it passes; loading a snapshot runs it too. A few rules are about the
//! moment a request is recorded rather than about the resulting state (a new capture must fit in
//! what is still capturable); `apply` checks those itself and reports them with the same type.

use crate::money::Money;
use crate::order::Order;
use crate::records::RecordKind;
use crate::status::RecordStatus;

/// A broken rule. Each variant says which one and with what figures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvariantViolation {
    #[error("captured {captured} exceeds authorized {authorized}")]
    CapturedExceedsAuthorized { captured: Money, authorized: Money },
    #[error("refunded {refunded} exceeds captured {captured}")]
    RefundedExceedsCaptured { refunded: Money, captured: Money },
    #[error("the payment is canceled but {captured} is captured")]
    CanceledWithCaptures { captured: Money },
    #[error("a new capture of {requested} exceeds the capturable {capturable}")]
    CaptureExceedsCapturable { requested: Money, capturable: Money },
    #[error("a new refund of {requested} exceeds the refundable {refundable}")]
    RefundExceedsRefundable { requested: Money, refundable: Money },
    #[error("{record} {request_id} has no positive amount in the order currency")]
    BadRecordAmount { record: RecordKind, request_id: String },
    #[error("{record} request id {request_id} appears twice")]
    DuplicateRequestId { record: RecordKind, request_id: String },
    #[error("Antom's {record} id changed from {known:?} to {reported:?}")]
    ExternalIdChanged {
        record: RecordKind,
        known: String,
        reported: String,
    },
    #[error("the line items do not add up to the total {total}")]
    ItemsDoNotAddUp { total: Money },
    #[error("the payment amount {payment} differs from the order total {total}")]
    PaymentAmountDiffers { payment: Money, total: Money },
    #[error("the session is marked expired but the payment succeeded")]
    SessionExpiredAfterPayment,
    #[error("the authorization is marked expired but it is not an unused authorization")]
    AuthorizationExpiryInconsistent,
}

impl Order {
    /// Every rule an order obeys after any accepted fact:
    /// captured ≤ authorized (so nothing is captured unless the payment succeeded),
    /// refunded ≤ captured, never canceled and captured at once, amounts positive and in the
    /// order currency, request ids unique, items summing to the total, and expiry flags
    /// consistent with the records.
    pub fn check_invariants(&self) -> Result<(), InvariantViolation> {
        self.check_items()?;
        self.check_records()?;
        self.check_money_flow()?;
        self.check_expiry_flags()
    }

    fn check_items(&self) -> Result<(), InvariantViolation> {
        let total = self.total;
        let mut sum = Money::zero(total.currency());
        for item in &self.items {
            sum = sum
                .checked_add(item.line_total())
                .map_err(|_| InvariantViolation::ItemsDoNotAddUp { total })?;
        }
        if self.items.is_empty() || total.is_zero() || sum != total {
            return Err(InvariantViolation::ItemsDoNotAddUp { total });
        }
        if self.payment.amount != total {
            return Err(InvariantViolation::PaymentAmountDiffers {
                payment: self.payment.amount,
                total,
            });
        }
        Ok(())
    }

    fn check_records(&self) -> Result<(), InvariantViolation> {
        let captures = self
            .captures
            .iter()
            .map(|c| (c.request_id.as_str(), c.status, c.amount));
        self.check_record_list(RecordKind::Capture, captures)?;
        let refunds = self
            .refunds
            .iter()
            .map(|r| (r.request_id.as_str(), r.status, r.amount));
        self.check_record_list(RecordKind::Refund, refunds)
    }

    /// Ids unique; an amount, when present, positive and in the order currency; PROCESSING and
    /// SUCCESS records always with an amount (only a failure learnt from its result lacks one).
    fn check_record_list<'a>(
        &self,
        record: RecordKind,
        records: impl Iterator<Item = (&'a str, RecordStatus, Option<Money>)>,
    ) -> Result<(), InvariantViolation> {
        let mut seen: Vec<&str> = Vec::new();
        for (request_id, status, amount) in records {
            if seen.contains(&request_id) {
                return Err(InvariantViolation::DuplicateRequestId {
                    record,
                    request_id: request_id.to_owned(),
                });
            }
            seen.push(request_id);
            let amount_ok = match (status, amount) {
                (_, Some(amount)) => amount.currency() == self.currency() && !amount.is_zero(),
                (RecordStatus::Fail, None) => true,
                (RecordStatus::Processing | RecordStatus::Success, None) => false,
            };
            if !amount_ok {
                return Err(InvariantViolation::BadRecordAmount {
                    record,
                    request_id: request_id.to_owned(),
                });
            }
        }
        Ok(())
    }

    fn check_money_flow(&self) -> Result<(), InvariantViolation> {
        let authorized = self.authorized_amount();
        let captured = self.captured_amount();
        let refunded = self.refunded_amount();
        if captured.minor() > authorized.minor() {
            return Err(InvariantViolation::CapturedExceedsAuthorized { captured, authorized });
        }
        if refunded.minor() > captured.minor() {
            return Err(InvariantViolation::RefundedExceedsCaptured { refunded, captured });
        }
        if self.cancel_status() == Some(RecordStatus::Success) && !captured.is_zero() {
            return Err(InvariantViolation::CanceledWithCaptures { captured });
        }
        Ok(())
    }

    fn check_expiry_flags(&self) -> Result<(), InvariantViolation> {
        if self.session_expired && self.payment.status == RecordStatus::Success {
            return Err(InvariantViolation::SessionExpiredAfterPayment);
        }
        let unused_authorization =
            self.payment.status == RecordStatus::Success && self.captured_amount().is_zero();
        if self.authorization_expired && !unused_authorization {
            return Err(InvariantViolation::AuthorizationExpiryInconsistent);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::order::Order;
    use crate::testkit::*;

    fn snapshot() -> Value {
        let order = order_after(&[
            paid(),
            capture_succeeded("c1", 6_000),
            capture_failed("c2"),
            refund_succeeded("r1", 1_000),
        ]);
        serde_json::to_value(order).unwrap()
    }

    /// Loads a tampered snapshot and returns the error text.
    fn load_error(tamper: impl FnOnce(&mut Value)) -> String {
        let mut value = snapshot();
        tamper(&mut value);
        serde_json::from_value::<Order>(value).unwrap_err().to_string()
    }

    /// Edits a stored snapshot in place.
    type Tamper = fn(&mut Value);

    fn amount(value: &str) -> Value {
        json!({"currency": "SGD", "value": value})
    }

    #[test]
    fn an_untouched_snapshot_loads() {
        assert!(serde_json::from_value::<Order>(snapshot()).is_ok());
    }

    #[test]
    fn every_invariant_is_checked_on_load() {
        let cases: Vec<(Tamper, &str)> = vec![
            (|v| v["total"] = amount("9999"), "line items do not add up"),
            (|v| v["items"] = json!([]), "line items do not add up"),
            (|v| v["payment"]["amount"] = amount("20000"), "payment amount"),
            (
                |v| v["captures"][0]["amount"] = amount("20000"),
                "captured 200.00 SGD exceeds authorized 100.00 SGD",
            ),
            (
                |v| v["refunds"][0]["amount"] = amount("7000"),
                "refunded 70.00 SGD exceeds captured 60.00 SGD",
            ),
            (
                |v| v["payment"]["status"] = json!("FAIL"),
                "exceeds authorized 0.00 SGD",
            ),
            (
                |v| v["cancel"] = json!({"requestId": "x1", "status": "SUCCESS", "failure": null}),
                "canceled but 60.00 SGD is captured",
            ),
            (
                |v| v["captures"][1]["requestId"] = json!("c1"),
                "capture request id c1 appears twice",
            ),
            (
                |v| v["captures"][0]["amount"] = json!(null),
                "capture c1 has no positive amount",
            ),
            (
                |v| v["captures"][0]["amount"] = json!({"currency": "USD", "value": "6000"}),
                "capture c1 has no positive amount",
            ),
            (
                |v| v["refunds"][0]["amount"] = amount("0"),
                "refund r1 has no positive amount",
            ),
            (|v| v["sessionExpired"] = json!(true), "session is marked expired"),
            (
                |v| v["authorizationExpired"] = json!(true),
                "authorization is marked expired",
            ),
        ];
        for (tamper, expected) in cases {
            let error = load_error(tamper);
            assert!(error.contains(expected), "{error:?} should mention {expected:?}");
        }
    }

    #[test]
    fn malformed_fields_are_refused_by_their_types() {
        let error = load_error(|v| v["id"] = json!("has space"));
        assert!(error.contains("order id"), "{error}");
        let error = load_error(|v| v["captures"][0]["status"] = json!("DONE"));
        assert!(error.contains("unknown variant"), "{error}");
    }
}
