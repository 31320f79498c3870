//! Every request the soak sends, timed per route: a thin layer over one reqwest client.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use crate::stats::Stats;

/// An answer: status, JSON body (`null` when not JSON) and the buyer cookie if one was set.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub set_cookie: Option<String>,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// How a request is sent: who is asking.
#[derive(Debug, Clone, Copy, Default)]
pub struct Auth<'a> {
    pub cookie: Option<&'a str>,
    pub bearer: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    stats: Arc<Stats>,
}

impl Http {
    pub fn new(stats: Arc<Stats>) -> Result<Http, reqwest::Error> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_idle_timeout(Duration::from_secs(2))
            // Above the simulator's injected timeouts as the server sees them (it gives up
            // sooner and answers), below anything that would stall the run.
            .timeout(Duration::from_secs(40))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Http { client, stats })
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends and times one request; `None` when there was no HTTP answer (counted too).
    pub async fn send(
        &self,
        route: &'static str,
        method: Method,
        url: &str,
        auth: Auth<'_>,
        body: Option<&Value>,
    ) -> Option<Answer> {
        let mut request = self.client.request(method, url);
        if let Some(cookie) = auth.cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(token) = auth.bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let started = Instant::now();
        let response = match request.send().await {
            Ok(r) => r,
            Err(_) => {
                self.stats.unanswered(route);
                return None;
            }
        };
        let status = response.status().as_u16();
        let set_cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("antom_buyer="))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        let text = match response.text().await {
            Ok(t) => t,
            Err(_) => {
                self.stats.unanswered(route);
                return None;
            }
        };
        self.stats.latency(route, started.elapsed());
        Some(Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            set_cookie,
        })
    }
}
