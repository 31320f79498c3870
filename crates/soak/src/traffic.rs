//! The seeded traffic: buyers paying with every test card (some abandoning, some failing
//! 3-D Secure, some paying with a vaulted card), buyers saving and removing cards and
//! reloading result pages, and operators capturing (full and partial), cancelling and
//! refunding (partial, several), with double clicks and with both replicas at once. The buyer
//! side goes through the simulator's stand-in for the hosted card form (`/__sim/.../pay`,
//! `/__sim/vaulting/.../bind`), as the tests and the bench do, over real HTTP.

use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::cluster::Cluster;
use crate::http::{Answer, Auth, Http};
use crate::journal::{mask_card, Journal};
use crate::stats::Stats;

/// The contract's test cards and how the buyer answers 3-D Secure.
const CARDS: [(&str, &str); 9] = [
    ("4111111111111111", "pass"),
    ("5555555555554444", "pass"),
    ("4000000000000002", "pass"),
    ("4000000000009995", "pass"),
    ("4000000000003220", "pass"),
    ("4000000000003220", "fail"),
    ("4000000000003220", "open"),
    ("4000000000000259", "pass"),
    ("4000000000000341", "pass"),
];
const SKUS: [&str; 3] = ["TSHIRT-BLK-M", "MUG-WHT", "TSHIRT-BLK-M"];
/// Cards a buyer may save.
const VAULT_CARDS: [&str; 3] = ["4111111111111111", "5555555555554444", "4000000000003220"];

#[derive(Debug, Clone)]
struct Buyer {
    cookie: String,
    cards: Vec<String>,
}

#[derive(Debug, Clone)]
struct Placed {
    order_id: String,
    cookie: String,
}

/// What the workers share.
#[derive(Debug)]
pub struct Traffic {
    pub cluster: Arc<Cluster>,
    pub http: Http,
    pub journal: Arc<Journal>,
    pub stats: Arc<Stats>,
    buyers: Mutex<Vec<Buyer>>,
    orders: Mutex<Vec<Placed>>,
}

impl Traffic {
    pub fn new(cluster: Arc<Cluster>, http: Http, journal: Arc<Journal>, stats: Arc<Stats>) -> Traffic {
        Traffic {
            cluster,
            http,
            journal,
            stats,
            buyers: Mutex::new(Vec::new()),
            orders: Mutex::new(Vec::new()),
        }
    }

    fn replica(&self, rng: &mut StdRng) -> &str {
        let i = rng.gen_range(0..self.cluster.replicas.len());
        &self.cluster.replicas[i].url
    }

    fn record(&self, kind: &str, ok: bool, detail: Value) {
        self.stats.op(kind, ok);
        let mut line = json!({"op": kind, "ok": ok});
        if let (Some(l), Value::Object(d)) = (line.as_object_mut(), detail) {
            l.extend(d);
        }
        self.journal.write("op", line);
    }

    /// One worker: actions drawn from its own seeded generator until stopped.
    pub async fn worker(self: Arc<Self>, seed: u64, index: u64, mut stop: watch::Receiver<bool>) {
        let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(31).wrapping_add(index));
        while !*stop.borrow() {
            match rng.gen_range(0..100) {
                0..=39 => self.checkout(&mut rng).await,
                40..=47 => self.saved_card_checkout(&mut rng).await,
                48..=53 => self.vault_card(&mut rng).await,
                54..=55 => self.remove_card(&mut rng).await,
                56..=62 => self.reload_result(&mut rng).await,
                _ => self.operate(&mut rng).await,
            }
            let pause = std::time::Duration::from_millis(rng.gen_range(50..400));
            if !crate::chaos::sleep_or_stop(pause, &mut stop).await {
                break;
            }
        }
    }

    fn cart(rng: &mut StdRng) -> Value {
        let lines = rng.gen_range(1..=2);
        let items: Vec<Value> = (0..lines)
            .map(|i| json!({"sku": SKUS[(i + rng.gen_range(0..2)) % 2], "quantity": rng.gen_range(1..=3)}))
            .collect();
        let integration = ["element", "sdk", "hosted"]
            .choose(rng)
            .copied()
            .unwrap_or("element");
        json!({"items": items, "integration": integration})
    }

    async fn create_session(&self, rng: &mut StdRng, cookie: Option<&str>, body: &Value) -> Option<Answer> {
        let url = format!("{}/sessions", self.replica(rng));
        let auth = Auth { cookie, bearer: None };
        self.http
            .send("POST /sessions", Method::POST, &url, auth, Some(body))
            .await
    }

    /// A new buyer pays (or abandons) with a random test card.
    async fn checkout(&self, rng: &mut StdRng) {
        let body = Self::cart(rng);
        let Some(answer) = self
            .create_session(rng, None, &body)
            .await
            .filter(|a| a.status == 201)
        else {
            self.record("checkout: session", false, json!({}));
            return;
        };
        let (Some(order_id), Some(request_id), Some(cookie)) = (
            answer.body["orderId"].as_str(),
            answer.body["paymentRequestId"].as_str(),
            answer.set_cookie.clone(),
        ) else {
            self.record("checkout: session", false, json!({"body": answer.body}));
            return;
        };
        self.orders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Placed {
                order_id: order_id.to_owned(),
                cookie: cookie.clone(),
            });
        self.buyers.lock().unwrap_or_else(|e| e.into_inner()).push(Buyer {
            cookie,
            cards: Vec::new(),
        });
        if rng.gen_bool(0.12) {
            self.record("checkout: abandoned", true, json!({"orderId": order_id}));
            return;
        }
        let (card, three_ds) = *CARDS.choose(rng).unwrap_or(&CARDS[0]);
        let url = format!("{}/__sim/sessions/{request_id}/pay", self.cluster.sim_url);
        let pay = json!({"cardNumber": card, "threeDsOutcome": three_ds, "expiry": "12/30"});
        let answer = self
            .http
            .send(
                "sim: pay session",
                Method::POST,
                &url,
                Auth::default(),
                Some(&pay),
            )
            .await;
        let ok = answer.as_ref().is_some_and(Answer::ok);
        self.record(
            "checkout: pay",
            ok,
            json!({"orderId": order_id, "card": mask_card(card), "threeDs": three_ds,
                   "result": answer.map(|a| a.body["resultCode"].clone())}),
        );
    }

    fn some_buyer(&self, rng: &mut StdRng, with_card: bool) -> Option<Buyer> {
        let buyers = self.buyers.lock().unwrap_or_else(|e| e.into_inner());
        let candidates: Vec<&Buyer> = buyers
            .iter()
            .filter(|b| !with_card || !b.cards.is_empty())
            .collect();
        candidates.choose(rng).map(|b| (*b).clone())
    }

    /// A buyer with a saved card pays with it (3-D Secure answered when asked).
    async fn saved_card_checkout(&self, rng: &mut StdRng) {
        let Some(buyer) = self.some_buyer(rng, true) else {
            return self.vault_card(rng).await;
        };
        let card_id = buyer.cards.choose(rng).cloned().unwrap_or_default();
        let mut body = Self::cart(rng);
        body["savedCardId"] = json!(card_id);
        let answer = self.create_session(rng, Some(&buyer.cookie), &body).await;
        let status = answer.as_ref().map(|a| a.status);
        let Some(answer) = answer.filter(|a| a.status == 201) else {
            self.record("saved card: pay", false, json!({"status": status}));
            return;
        };
        let order_id = answer.body["orderId"].as_str().unwrap_or_default().to_owned();
        self.orders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Placed {
                order_id: order_id.clone(),
                cookie: buyer.cookie.clone(),
            });
        let mut three_ds = None;
        if answer.body["redirectUrl"].is_string() {
            let outcome = ["pass", "pass", "fail", "open"]
                .choose(rng)
                .copied()
                .unwrap_or("pass");
            let request_id = answer.body["paymentRequestId"].as_str().unwrap_or_default();
            let url = format!("{}/__sim/sessions/{request_id}/pay", self.cluster.sim_url);
            let _ = self
                .http
                .send(
                    "sim: pay session",
                    Method::POST,
                    &url,
                    Auth::default(),
                    Some(&json!({"threeDsOutcome": outcome})),
                )
                .await;
            three_ds = Some(outcome);
        }
        self.record(
            "saved card: pay",
            true,
            json!({"orderId": order_id, "status": answer.body["status"], "threeDs": three_ds}),
        );
    }

    /// A buyer saves a card through the vaulting session and the simulator's card form.
    async fn vault_card(&self, rng: &mut StdRng) {
        let Some(buyer) = self.some_buyer(rng, false) else {
            return;
        };
        let auth = Auth {
            cookie: Some(&buyer.cookie),
            bearer: None,
        };
        let url = format!("{}/vaulting/sessions", self.replica(rng));
        let answer = self
            .http
            .send(
                "POST /vaulting/sessions",
                Method::POST,
                &url,
                auth,
                Some(&json!({})),
            )
            .await;
        let Some(request_id) = answer
            .as_ref()
            .filter(|a| a.status == 201)
            .and_then(|a| a.body["vaultingRequestId"].as_str())
        else {
            self.record("vault card", false, json!({"status": answer.map(|a| a.status)}));
            return;
        };
        let card = VAULT_CARDS.choose(rng).copied().unwrap_or(VAULT_CARDS[0]);
        let url = format!("{}/__sim/vaulting/{request_id}/bind", self.cluster.sim_url);
        let bind = json!({"cardNumber": card, "threeDsOutcome": "pass", "expiry": "12/30"});
        let bound = self
            .http
            .send(
                "sim: bind vaulting",
                Method::POST,
                &url,
                Auth::default(),
                Some(&bind),
            )
            .await;
        // The card shows up once the server has the result (notification or inquiry).
        let mut cards = Vec::new();
        for _ in 0..5 {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            cards = self.list_cards(rng, &buyer.cookie).await;
            if !cards.is_empty() {
                break;
            }
        }
        let mut buyers = self.buyers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = buyers.iter_mut().find(|b| b.cookie == buyer.cookie) {
            b.cards = cards.clone();
        }
        self.record(
            "vault card",
            bound.is_some_and(|a| a.ok()),
            json!({"card": mask_card(card), "cardsNow": cards.len()}),
        );
    }

    async fn list_cards(&self, rng: &mut StdRng, cookie: &str) -> Vec<String> {
        let url = format!("{}/api/cards", self.replica(rng));
        let auth = Auth {
            cookie: Some(cookie),
            bearer: None,
        };
        let answer = self
            .http
            .send("GET /api/cards", Method::GET, &url, auth, None)
            .await;
        answer
            .and_then(|a| a.body["cards"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|c| c["cardId"].as_str().map(str::to_owned))
            .collect()
    }

    async fn remove_card(&self, rng: &mut StdRng) {
        let Some(buyer) = self.some_buyer(rng, true) else {
            return;
        };
        let Some(card_id) = buyer.cards.choose(rng).cloned() else {
            return;
        };
        let url = format!("{}/api/cards/{card_id}", self.replica(rng));
        let auth = Auth {
            cookie: Some(&buyer.cookie),
            bearer: None,
        };
        let answer = self
            .http
            .send("DELETE /api/cards/{cardId}", Method::DELETE, &url, auth, None)
            .await;
        let ok = answer.is_some_and(|a| a.status == 204 || a.status == 404);
        if ok {
            let mut buyers = self.buyers.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(b) = buyers.iter_mut().find(|b| b.cookie == buyer.cookie) {
                b.cards.retain(|c| *c != card_id);
            }
        }
        self.record("remove card", ok, json!({}));
    }

    fn some_order(&self, rng: &mut StdRng) -> Option<Placed> {
        let orders = self.orders.lock().unwrap_or_else(|e| e.into_inner());
        // Recent orders are the interesting ones.
        let from = orders.len().saturating_sub(60);
        orders[from..].choose(rng).cloned()
    }

    async fn reload_result(&self, rng: &mut StdRng) {
        let Some(placed) = self.some_order(rng) else {
            return;
        };
        let url = format!(
            "{}/checkout/result?orderId={}",
            self.replica(rng),
            placed.order_id
        );
        let auth = Auth {
            cookie: Some(&placed.cookie),
            bearer: None,
        };
        let answer = self
            .http
            .send("GET /checkout/result", Method::GET, &url, auth, None)
            .await;
        self.record(
            "result page reload",
            answer.is_some_and(|a| a.status == 200),
            json!({"orderId": placed.order_id}),
        );
    }

    /// An operator looks at a recent order and does what its state allows, sometimes twice at
    /// once (double click) or on both replicas at once.
    async fn operate(&self, rng: &mut StdRng) {
        let Some(placed) = self.some_order(rng) else {
            return;
        };
        let token = self.cluster.token.clone();
        let auth = Auth {
            cookie: None,
            bearer: Some(&token),
        };
        let base = self.replica(rng).to_owned();
        let url = format!("{base}/admin/api/orders/{}", placed.order_id);
        let Some(order) = self
            .http
            .send("GET /admin/api/orders/{orderId}", Method::GET, &url, auth, None)
            .await
            .filter(|a| a.status == 200)
        else {
            return;
        };
        let status = order.body["status"].as_str().unwrap_or_default().to_owned();
        let currency = order.body["amount"]["currency"].clone();
        let minor = |v: &Value| {
            v["value"]
                .as_str()
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0)
        };
        let (action, route, body) = match status.as_str() {
            "AUTHORIZED" | "CAPTURE_FAILED" => {
                let capturable = minor(&order.body["capturableAmount"]);
                match rng.gen_range(0..10) {
                    0..=1 => ("cancel", "POST /admin/api/orders/{orderId}/cancel", json!({})),
                    2..=4 if capturable > 1 => (
                        "capture partial",
                        "POST /admin/api/orders/{orderId}/capture",
                        json!({"amount": {"currency": currency, "value": rng.gen_range(1..capturable).to_string()}}),
                    ),
                    _ => (
                        "capture full",
                        "POST /admin/api/orders/{orderId}/capture",
                        json!({}),
                    ),
                }
            }
            "CAPTURED" | "PARTIALLY_REFUNDED" => {
                let refundable = minor(&order.body["refundableAmount"]);
                if refundable < 1 {
                    return;
                }
                let amount = if rng.gen_bool(0.3) {
                    refundable
                } else {
                    rng.gen_range(1..=refundable)
                };
                (
                    "refund",
                    "POST /admin/api/orders/{orderId}/refund",
                    json!({"amount": {"currency": currency, "value": amount.to_string()}, "reason": "soak"}),
                )
            }
            _ => return,
        };
        let path = route
            .trim_start_matches("POST ")
            .replace("{orderId}", &placed.order_id);
        let how = match rng.gen_range(0..10) {
            0..=1 => "double click",
            2..=3 if self.cluster.replicas.len() > 1 => "both replicas",
            _ => "once",
        };
        let targets: Vec<String> = match how {
            "double click" => vec![base.clone(), base.clone()],
            "both replicas" => self.cluster.replicas.iter().map(|r| r.url.clone()).collect(),
            _ => vec![base.clone()],
        };
        let sends = targets.iter().map(|t| {
            let url = format!("{t}{path}");
            let body = body.clone();
            let http = self.http.clone();
            let token = token.clone();
            async move {
                let auth = Auth {
                    cookie: None,
                    bearer: Some(&token),
                };
                http.send(route, Method::POST, &url, auth, Some(&body)).await
            }
        });
        let answers = futures_join(sends).await;
        let statuses: Vec<Option<u16>> = answers.iter().map(|a| a.as_ref().map(|a| a.status)).collect();
        let ok = answers.iter().flatten().any(|a| a.status == 202);
        self.record(
            &format!("ops: {action}"),
            ok,
            json!({"orderId": placed.order_id, "how": how, "body": body, "statuses": statuses}),
        );
    }
}

/// Runs the futures concurrently and collects their outputs in order.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        if let Ok(v) = handle.await {
            out.push(v);
        }
    }
    out
}
