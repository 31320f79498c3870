//! The handlers on one `State` with a clock that moves only when told: timers fire in deadline
//! order and only for records still waiting for them, and the timer index stays in step with
//! the records whatever path created or changed them (checked after every transaction).

use antom_client::codes;
use antom_client::model::{
    Amount, CancelRequest, CaptureMode, CaptureRequest, CardDetail, CreatePaymentSessionRequest,
    CreateVaultingSessionRequest, Notification, NotifyType, Order, PayRequest, PaymentFactor, PaymentMethod,
    PaymentMethodDetail, RefundRequest, VaultPaymentMethodRequest,
};
use antom_client::AntomResponse;
use chrono::{DateTime, TimeDelta, Utc};

use super::operation::{Operation, Shape};
use crate::buyer::{self, CardEntry};
use crate::clock::SimClock;
use crate::lifecycle::{self, Outgoing, ThreeDs, Tx};
use crate::state::{Stage, State, TxStatus, VaultStage};

const AUTHORIZES: &str = "4111111111111111";
const PROCESSING: &str = "4000000000000259";
const CHALLENGE: &str = "4000000000003220";
const CAPTURE_FAILS: &str = "4000000000000341";

/// A state, a fixed simulated now, and every notification sent.
struct Harness {
    st: State,
    clock: SimClock,
    now: DateTime<Utc>,
    sent: Vec<Outgoing>,
}

impl Harness {
    fn new() -> Self {
        Harness {
            st: State::default(),
            clock: SimClock::new(1.0),
            now: Utc::now(),
            sent: Vec::new(),
        }
    }

    /// One transaction as `Sim::with_state` runs it: due timers first, then `f`.
    fn tx<R>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> R) -> R {
        let mut tx = Tx {
            st: &mut self.st,
            now: self.now,
            clock: &self.clock,
            base_url: "http://sim",
            client_id: "SIM_CLIENT",
            outbox: Vec::new(),
        };
        lifecycle::sweep(&mut tx);
        let result = f(&mut tx);
        let outbox = tx.outbox;
        self.sent.extend(outbox);
        self.st.assert_timers_in_step();
        result
    }

    fn advance(&mut self, seconds: i64) {
        self.now += TimeDelta::seconds(seconds);
    }

    fn run<R: Operation>(&mut self, request: R, processing: bool) -> R::Response {
        let shape = Shape {
            processing,
            ..Shape::default()
        };
        self.tx(|tx| request.handle(tx, shape))
    }

    fn session(&mut self, id: &str, capture_mode: CaptureMode) {
        let amount = Amount::new("SGD", "1000");
        let request = CreatePaymentSessionRequest {
            payment_request_id: id.into(),
            payment_amount: amount.clone(),
            order: Order {
                reference_order_id: format!("order_{id}"),
                order_description: "2 T-shirts".into(),
                order_amount: Some(amount),
                ..Order::default()
            },
            payment_method: Some(PaymentMethod::card()),
            payment_redirect_url: "https://shop.example/result".into(),
            payment_notify_url: Some("http://shop.example/webhooks/antom".into()),
            payment_factor: Some(PaymentFactor::card_authorization(capture_mode)),
            ..CreatePaymentSessionRequest::default()
        };
        assert!(self.run(request, false).result().is_success());
    }

    fn payment_id(&self, request_id: &str) -> String {
        self.st.payment_by_request_id(request_id).unwrap().id.clone()
    }

    fn stage(&self, request_id: &str) -> Stage {
        self.st.payment_by_request_id(request_id).unwrap().stage.clone()
    }

    /// The buyer pays the session, passing any 3-D Secure challenge.
    fn pay(&mut self, request_id: &str, card: &str, three_ds: ThreeDs) {
        let payment_id = self.payment_id(request_id);
        let entry = CardEntry {
            number: card,
            expiry: None,
            cvv: None,
        };
        let refused = self.tx(|tx| buyer::pay(tx, &payment_id, entry, three_ds));
        assert_eq!(refused, Ok(None));
    }

    fn vault(&mut self, request_id: &str, card: &str, processing: bool) -> VaultStage {
        let request = VaultPaymentMethodRequest {
            vaulting_request_id: request_id.into(),
            vaulting_notification_url: "http://shop.example/webhooks/vaulting".into(),
            redirect_url: "https://shop.example/cards".into(),
            payment_method_detail: PaymentMethodDetail::card(CardDetail {
                card_no: Some(card.into()),
                cvv: Some("123".into()),
                expiry_month: Some("08".into()),
                expiry_year: Some("39".into()),
                ..CardDetail::default()
            }),
            ..VaultPaymentMethodRequest::default()
        };
        self.run(request, processing);
        self.st.vaultings()[request_id].stage.clone()
    }

    /// The PAYMENT_RESULTs sent since the last call: (paymentRequestId, resultCode).
    fn payment_results(&mut self) -> Vec<(String, String)> {
        self.sent
            .drain(..)
            .filter_map(|o| match o.body {
                Notification::Payment(p) if p.notify_type == NotifyType::PaymentResult => {
                    Some((p.payment_request_id, p.result.result_code))
                }
                _ => None,
            })
            .collect()
    }
}

fn results(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(id, code)| ((*id).to_owned(), (*code).to_owned()))
        .collect()
}

fn closed() -> Stage {
    Stage::Failed {
        code: codes::ORDER_IS_CLOSED.into(),
        message: "The order was closed because it was not paid in time.".into(),
    }
}

#[test]
fn due_timers_fire_oldest_first_for_records_still_waiting() {
    let mut h = Harness::new();
    let t0 = h.now;
    // s{i} is created at t0 + i s.
    for i in 0..10 {
        h.session(&format!("s{i}"), CaptureMode::Manual);
        h.advance(1);
    }
    // t0 + 10 s: authorized, settling (30 s later, at t0 + 40 s), cancelled.
    h.pay("s2", AUTHORIZES, ThreeDs::Pass);
    h.pay("s5", PROCESSING, ThreeDs::Pass);
    h.run(CancelRequest::by_payment_request_id("s7"), false);
    // Challenges opened at t0 + 10, 11, 12, 13 s: each closes 14 min after it was opened.
    for id in ["s0", "s1", "s3", "s4"] {
        h.pay(id, CHALLENGE, ThreeDs::Interactive);
        h.advance(1);
    }
    assert_eq!(h.payment_results(), results(&[("s2", "SUCCESS")]));
    // s6, s8 and s9 were never tried: no payment, no timer.
    assert_eq!(h.st.timer_count(), 5);

    // t0 + 851 s: s5's settlement, then the closes of s0 and s1, in one sweep.
    h.now = t0 + TimeDelta::seconds(851);
    h.tx(|_| ());
    let closed_code = codes::ORDER_IS_CLOSED;
    assert_eq!(
        h.payment_results(),
        results(&[("s5", "SUCCESS"), ("s0", closed_code), ("s1", closed_code)])
    );
    for id in ["s0", "s1"] {
        assert_eq!(h.stage(id), closed(), "{id}");
    }
    assert_eq!(h.stage("s2"), Stage::Authorized);
    assert_eq!(h.stage("s5"), Stage::Authorized);
    assert!(matches!(h.stage("s7"), Stage::Cancelled { .. }));
    assert_eq!(h.stage("s3"), Stage::AwaitingChallenge);
    assert_eq!(h.st.timer_count(), 2);

    h.advance(2 * 3600);
    h.tx(|_| ());
    assert_eq!(
        h.payment_results(),
        results(&[("s3", closed_code), ("s4", closed_code)])
    );
    // Sessions nobody tried to pay just expire: they never became payments.
    for id in ["s6", "s8", "s9"] {
        assert_eq!(h.stage(id), Stage::AwaitingCard, "{id}");
    }
    assert_eq!(h.st.timer_count(), 0);
    assert_eq!(h.st.next_deadline(), None);
}

#[test]
fn a_timer_whose_record_moved_on_does_nothing() {
    let mut h = Harness::new();
    // Settling, then cancelled before the result lands.
    h.session("settling", CaptureMode::Manual);
    h.pay("settling", PROCESSING, ThreeDs::Pass);
    h.run(CancelRequest::by_payment_request_id("settling"), false);
    // Challenged: still closes at the same time; then answered before it does.
    h.session("challenged", CaptureMode::Manual);
    h.pay("challenged", CHALLENGE, ThreeDs::Interactive);
    assert_eq!(h.stage("challenged"), Stage::AwaitingChallenge);
    assert_eq!(h.st.timer_count(), 1);
    let payment_id = h.payment_id("challenged");
    h.tx(|tx| buyer::answer_payment_challenge(tx, &payment_id, true))
        .unwrap();
    // A vaulting session bound before it expires.
    let session = CreateVaultingSessionRequest {
        vaulting_request_id: "bound".into(),
        vaulting_notification_url: "http://shop.example/webhooks/vaulting".into(),
        ..CreateVaultingSessionRequest::default()
    };
    h.run(session, false);
    let entry = CardEntry {
        number: AUTHORIZES,
        expiry: None,
        cvv: None,
    };
    assert_eq!(
        h.tx(|tx| buyer::bind(tx, "bound", entry, ThreeDs::Pass)),
        Ok(None)
    );
    assert_eq!(h.st.timer_count(), 0);
    h.sent.clear();

    h.advance(2 * 3600);
    h.tx(|_| ());
    assert!(h.sent.is_empty(), "{:?}", h.sent);
    assert!(matches!(h.stage("settling"), Stage::Cancelled { .. }));
    assert_eq!(h.stage("challenged"), Stage::Authorized);
    assert!(matches!(
        h.st.vaultings()["bound"].stage,
        VaultStage::Vaulted { .. }
    ));
}

#[test]
fn every_timed_stage_is_scheduled_and_fires() {
    let mut h = Harness::new();
    // Vaulting: settling (the processing fault), and a challenge left open until it expires.
    assert!(matches!(
        h.vault("v_settling", AUTHORIZES, true),
        VaultStage::Settling { .. }
    ));
    assert!(matches!(
        h.vault("v_open", CHALLENGE, false),
        VaultStage::AwaitingChallenge { .. }
    ));
    // Captures: one failing later (card …0341), one processing (the fault); a processing refund.
    h.session("cap_fails", CaptureMode::Manual);
    h.pay("cap_fails", CAPTURE_FAILS, ThreeDs::Pass);
    h.session("cap_ok", CaptureMode::Manual);
    h.pay("cap_ok", AUTHORIZES, ThreeDs::Pass);
    let (fails, ok) = (h.payment_id("cap_fails"), h.payment_id("cap_ok"));
    let amount = || Amount::new("SGD", "1000");
    h.run(CaptureRequest::new("c1", &fails, amount()), false);
    h.run(CaptureRequest::new("c2", &ok, amount()), true);
    // Pay with a token: processing (the fault) settles later.
    let VaultStage::Vaulted { token } = h.vault("v_card", AUTHORIZES, false) else {
        panic!("the card is vaulted")
    };
    let pay = PayRequest {
        payment_request_id: "paid_later".into(),
        payment_amount: amount(),
        order: Order {
            reference_order_id: "order_paid_later".into(),
            order_description: "Hoodie".into(),
            ..Order::default()
        },
        payment_method: PaymentMethod::vaulted_card(token),
        payment_redirect_url: "https://shop.example/result".into(),
        payment_notify_url: Some("http://shop.example/webhooks/antom".into()),
        payment_factor: Some(PaymentFactor::card_authorization(CaptureMode::Manual)),
        ..PayRequest::default()
    };
    h.run(pay, true);
    assert!(matches!(h.stage("paid_later"), Stage::Settling { .. }));
    // v_settling, v_open, c1, c2, paid_later.
    assert_eq!(h.st.timer_count(), 5);

    h.advance(5);
    h.tx(|_| ());
    let captures = h.st.captures();
    assert!(captures[0].status.is_failed());
    assert!(captures[1].status.is_success());
    assert!(matches!(
        h.st.vaultings()["v_settling"].stage,
        VaultStage::Vaulted { .. }
    ));
    assert_eq!(h.stage("paid_later"), Stage::Authorized);
    assert_eq!(h.st.timer_count(), 1);

    h.run(RefundRequest::new("r1", &ok, amount()), true);
    assert!(matches!(h.st.refunds()[0].status, TxStatus::Processing { .. }));
    h.advance(5);
    h.tx(|_| ());
    assert!(h.st.refunds()[0].status.is_success());

    h.advance(3600);
    h.tx(|_| ());
    assert!(matches!(
        &h.st.vaultings()["v_open"].stage,
        VaultStage::Failed { code, .. } if code == codes::ORDER_IS_CLOSED
    ));
    assert_eq!(h.st.timer_count(), 0);
}

#[test]
fn the_index_holds_only_records_still_waiting() {
    let mut h = Harness::new();
    let count = 1_000;
    for i in 0..count {
        h.session(&format!("n{i}"), CaptureMode::Automatic);
        h.pay(&format!("n{i}"), CHALLENGE, ThreeDs::Interactive);
        h.now += TimeDelta::milliseconds(1);
    }
    assert_eq!(h.st.timer_count(), count);
    for i in (0..count).step_by(2) {
        let payment_id = h.payment_id(&format!("n{i}"));
        h.tx(|tx| buyer::answer_payment_challenge(tx, &payment_id, true))
            .unwrap();
    }
    // Paid challenges left the index at once: nothing stale is kept, nothing is due.
    assert_eq!(h.st.timer_count(), count / 2);
    assert!(h.st.due_timers(h.now).is_empty());
    h.payment_results();

    h.advance(15 * 60);
    h.tx(|_| ());
    let expected: Vec<String> = (1..count).step_by(2).map(|i| format!("n{i}")).collect();
    let closed: Vec<String> = h.payment_results().into_iter().map(|(id, _)| id).collect();
    assert_eq!(closed, expected);
    assert_eq!(h.st.timer_count(), 0);
}
