//! The ledger check: every order of the server against the simulator's ledger, every order's
//! timeline replayed through the domain state machine, every acknowledged notification against
//! the inbox. A discrepancy is a finding, named by kind and order.

use std::collections::{BTreeMap, HashMap, HashSet};

use domain::{Order, OrderStatus, RecordStatus};
use serde_json::Value;

use crate::ledger::ServerBooks;
use crate::replay::replay;

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    pub kind: &'static str,
    /// The order, or the simulator-side id when no order explains it.
    pub subject: String,
    pub detail: String,
}

/// What the check looked at and found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub orders: usize,
    pub by_status: BTreeMap<String, usize>,
    /// Orders left open, and why that is explainable.
    pub explained_open: BTreeMap<&'static str, usize>,
    pub sim_payments: usize,
    pub captures: usize,
    pub refunds: usize,
    pub notifications_acknowledged: usize,
    pub timeline_events_replayed: usize,
    pub discrepancies: Vec<Discrepancy>,
}

impl CheckReport {
    fn found(&mut self, kind: &'static str, subject: &str, detail: String) {
        self.discrepancies.push(Discrepancy {
            kind,
            subject: subject.to_owned(),
            detail,
        });
    }
}

fn minor(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn record_status(status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Processing => "PROCESSING",
        RecordStatus::Success => "SUCCESS",
        RecordStatus::Fail => "FAIL",
    }
}

/// Runs every check.
pub fn check(sim: &Value, books: &ServerBooks) -> CheckReport {
    let mut report = CheckReport::default();
    let empty = Vec::new();
    let payments = sim["payments"].as_array().unwrap_or(&empty);
    report.sim_payments = payments.len();
    let by_request: HashMap<&str, &Value> = payments
        .iter()
        .filter_map(|p| Some((p["paymentRequestId"].as_str()?, p)))
        .collect();

    let mut server_captures = HashSet::new();
    let mut server_refunds = HashSet::new();
    let mut server_payments = HashSet::new();
    for (order_id, snapshot) in &books.orders {
        report.orders += 1;
        let order: Order = match serde_json::from_value(snapshot.clone()) {
            Ok(o) => o,
            Err(e) => {
                report.found("snapshot unreadable", order_id, e.to_string());
                continue;
            }
        };
        *report
            .by_status
            .entry(order.status().as_str().to_owned())
            .or_default() += 1;
        let request_id = order.payment().request_id.as_str().to_owned();
        server_payments.insert(request_id.clone());
        server_captures.extend(order.captures().iter().map(|c| c.request_id.as_str().to_owned()));
        server_refunds.extend(order.refunds().iter().map(|r| r.request_id.as_str().to_owned()));
        let at_sim = by_request.get(request_id.as_str()).copied();
        compare_amounts(&mut report, order_id, &order, at_sim);
        compare_records(&mut report, order_id, &order, at_sim);
        explain_state(&mut report, order_id, &order, at_sim);
        let timeline = books.timelines.get(order_id).map_or(&[][..], Vec::as_slice);
        match replay(snapshot, timeline) {
            Ok(n) => report.timeline_events_replayed += n,
            Err(why) => report.found("timeline does not replay into the order", order_id, why),
        }
    }

    for p in payments {
        let request_id = p["paymentRequestId"].as_str().unwrap_or_default();
        if !server_payments.contains(request_id) && minor(&p["authorizedMinor"]) > 0 {
            report.found(
                "payment authorized at Antom unknown to the server",
                request_id,
                format!("{p}"),
            );
        }
        for c in p["captures"].as_array().unwrap_or(&empty) {
            report.captures += 1;
            let id = c["captureRequestId"].as_str().unwrap_or_default();
            if !server_captures.contains(id) {
                report.found("capture at Antom unknown to the server", id, format!("{c}"));
            }
        }
        for r in p["refunds"].as_array().unwrap_or(&empty) {
            report.refunds += 1;
            let id = r["refundRequestId"].as_str().unwrap_or_default();
            if !server_refunds.contains(id) {
                report.found("refund at Antom unknown to the server", id, format!("{r}"));
            }
        }
    }

    for b in sim["requestBodies"].as_array().unwrap_or(&empty) {
        if b["bodyHashes"].as_array().is_some_and(|h| h.len() > 1) {
            let subject = format!(
                "{} {}",
                b["endpoint"].as_str().unwrap_or(""),
                b["requestId"].as_str().unwrap_or("")
            );
            report.found(
                "request id sent with two different bodies",
                &subject,
                format!("{}", b["bodyHashes"]),
            );
        }
    }

    for n in sim["notifications"].as_array().unwrap_or(&empty) {
        if n["acknowledged"] != true {
            continue;
        }
        report.notifications_acknowledged += 1;
        let hash = n["bodySha256"].as_str().unwrap_or_default();
        if !books.inbox.contains(hash) {
            report.found(
                "notification acknowledged but not in the inbox",
                &format!("notification {}", n["id"]),
                format!("{} {hash}", n["notifyType"]),
            );
        }
    }
    report
}

fn compare_amounts(report: &mut CheckReport, order_id: &str, order: &Order, at_sim: Option<&Value>) {
    let authorized = if order.payment().status == RecordStatus::Success {
        order.payment().amount.minor()
    } else {
        0
    };
    let server = (
        authorized,
        order.captured_amount().minor(),
        order.refunded_amount().minor(),
    );
    let sim = at_sim.map_or((0, 0, 0), |p| {
        (
            minor(&p["authorizedMinor"]),
            minor(&p["capturedMinor"]),
            minor(&p["refundedMinor"]),
        )
    });
    if server != sim {
        report.found(
            "authorized/captured/refunded differ",
            order_id,
            format!("server {server:?}, Antom {sim:?} ({})", order.status().as_str()),
        );
    }
    let canceled_here = order.cancel().is_some_and(|c| c.status == RecordStatus::Success);
    let canceled_there = at_sim.is_some_and(|p| p["stage"] == "CANCELLED");
    if canceled_here != canceled_there {
        report.found(
            "cancel differs",
            order_id,
            format!("server canceled: {canceled_here}, Antom: {canceled_there}"),
        );
    }
}

/// Every capture and refund both sides know must have the same status and amount.
fn compare_records(report: &mut CheckReport, order_id: &str, order: &Order, at_sim: Option<&Value>) {
    let empty = Vec::new();
    let Some(p) = at_sim else { return };
    let sim_tx = |list: &str, key: &str| -> HashMap<String, (String, i64)> {
        p[list]
            .as_array()
            .unwrap_or(&empty)
            .iter()
            .map(|t| {
                (
                    t[key].as_str().unwrap_or_default().to_owned(),
                    (
                        t["status"].as_str().unwrap_or_default().to_owned(),
                        minor(&t["amountMinor"]),
                    ),
                )
            })
            .collect()
    };
    let captures = sim_tx("captures", "captureRequestId");
    for c in order.captures() {
        if let Some((status, amount)) = captures.get(c.request_id.as_str()) {
            let ours = (record_status(c.status), c.amount.map(|m| m.minor()));
            if ours.0 != status || ours.1.is_some_and(|m| m != *amount) {
                report.found(
                    "capture status or amount differs",
                    order_id,
                    format!(
                        "{}: server {ours:?}, Antom ({status}, {amount})",
                        c.request_id.as_str()
                    ),
                );
            }
        }
    }
    let refunds = sim_tx("refunds", "refundRequestId");
    for r in order.refunds() {
        if let Some((status, amount)) = refunds.get(r.request_id.as_str()) {
            let ours = (record_status(r.status), r.amount.map(|m| m.minor()));
            if ours.0 != status || ours.1.is_some_and(|m| m != *amount) {
                report.found(
                    "refund status or amount differs",
                    order_id,
                    format!(
                        "{}: server {ours:?}, Antom ({status}, {amount})",
                        r.request_id.as_str()
                    ),
                );
            }
        }
    }
}

/// Final, or open for a reason that explains it.
fn explain_state(report: &mut CheckReport, order_id: &str, order: &Order, at_sim: Option<&Value>) {
    let stage = at_sim.and_then(|p| p["stage"].as_str()).unwrap_or("NONE");
    let open_record = order
        .captures()
        .iter()
        .any(|c| c.status == RecordStatus::Processing)
        || order
            .refunds()
            .iter()
            .any(|r| r.status == RecordStatus::Processing)
        || order
            .cancel()
            .is_some_and(|c| c.status == RecordStatus::Processing);
    if open_record {
        report.found(
            "record still processing after settling",
            order_id,
            order.status().as_str().to_owned(),
        );
        return;
    }
    let why = match order.status() {
        OrderStatus::PaymentFailed
        | OrderStatus::Canceled
        | OrderStatus::Captured
        | OrderStatus::CaptureFailed
        | OrderStatus::PartiallyRefunded
        | OrderStatus::Refunded
        | OrderStatus::Expired => return,
        OrderStatus::Authorized if stage == "AUTHORIZED" => "authorization open",
        OrderStatus::PendingPayment if stage == "AWAITING_CARD" || stage == "NONE" => {
            "abandoned session, not yet expired"
        }
        OrderStatus::PendingPayment if stage == "AWAITING_CHALLENGE" => {
            "3-D Secure left open, Antom closes it later"
        }
        OrderStatus::Authorized | OrderStatus::PendingPayment | OrderStatus::CapturePending => {
            report.found(
                "open order not explained by Antom's state",
                order_id,
                format!("server {}, Antom {stage}", order.status().as_str()),
            );
            return;
        }
    };
    *report.explained_open.entry(why).or_default() += 1;
}
