//! The OpenAPI document as a response checker: every answer the server gives during an API test
//! is looked up by (method, matched route, status, media type) in the served document and its
//! JSON validated against the schema there (`jsonschema`, JSON Schema 2020-12 as OpenAPI 3.1
//! uses it). Violations are collected; `TestApp::stop` fails the test on any.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use antom_checkout::response_audit::{Exchange, ResponseAudit};
use serde_json::{json, Value};

/// Validates responses against the document; remembers what it saw and what was wrong.
#[derive(Debug)]
pub struct SpecAudit {
    spec: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
    violations: Mutex<Vec<String>>,
    /// `METHOD /pattern` → statuses seen.
    seen: Mutex<HashMap<String, BTreeSet<u16>>>,
}

impl SpecAudit {
    pub fn new(spec: Value) -> SpecAudit {
        SpecAudit {
            spec,
            validators: Mutex::default(),
            violations: Mutex::default(),
            seen: Mutex::default(),
        }
    }

    /// The document the server serves, built from the code.
    pub fn of_server() -> SpecAudit {
        SpecAudit::new(serde_json::from_str(&antom_checkout::api_doc::openapi_json()).unwrap())
    }

    pub fn violations(&self) -> Vec<String> {
        self.violations.lock().unwrap().clone()
    }

    /// Operations (`METHOD /pattern`) answered at least once, with their statuses.
    pub fn seen(&self) -> HashMap<String, BTreeSet<u16>> {
        self.seen.lock().unwrap().clone()
    }

    /// Every `METHOD /pattern` of the document.
    pub fn operations(&self) -> Vec<String> {
        operations(&self.spec)
    }

    /// Checks one answer; `Err` says what does not match the document.
    pub fn check(
        &self,
        method: &str,
        pattern: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        let operation = &self.spec["paths"][pattern][method.to_ascii_lowercase()];
        if operation.is_null() {
            return Err("the operation is not in the OpenAPI document".into());
        }
        let Some(response) = operation["responses"].get(status.to_string()) else {
            return Err(format!("status {status} is not documented"));
        };
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return if body.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "status {status} documents no body, got {} bytes",
                    body.len()
                ))
            };
        };
        let media = content_type
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let Some(entry) = content.get(&media) else {
            let documented: Vec<&String> = content.keys().collect();
            return Err(format!(
                "content type {media:?} is not documented ({documented:?})"
            ));
        };
        if media != "application/json" {
            return Ok(());
        }
        let instance: Value =
            serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
        let key = format!("{method} {pattern} {status}");
        let validator = self.validator(&key, &entry["schema"])?;
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(5)
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("{} in {instance}", errors.join("; ")))
        }
    }

    fn validator(&self, key: &str, schema: &Value) -> Result<Arc<jsonschema::Validator>, String> {
        if let Some(v) = self.validators.lock().unwrap().get(key) {
            return Ok(v.clone());
        }
        // `#/components/schemas/…` references resolve against this root.
        let mut root = schema.clone();
        if !root.is_object() {
            root = json!({});
        }
        root["components"] = self.spec["components"].clone();
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&root)
            .map_err(|e| format!("the schema does not compile: {e}"))?;
        let validator = Arc::new(validator);
        self.validators
            .lock()
            .unwrap()
            .insert(key.to_owned(), validator.clone());
        Ok(validator)
    }
}

impl ResponseAudit for SpecAudit {
    fn audit(&self, exchange: &Exchange<'_>) {
        // Unmatched requests (the 404 of unknown routes) belong to no operation.
        let Some(pattern) = exchange.pattern else {
            return;
        };
        self.seen
            .lock()
            .unwrap()
            .entry(format!("{} {pattern}", exchange.method))
            .or_default()
            .insert(exchange.status);
        if let Err(problem) = self.check(
            exchange.method,
            pattern,
            exchange.status,
            exchange.content_type,
            exchange.body,
        ) {
            self.violations.lock().unwrap().push(format!(
                "{} {} ({pattern}) → {}: {problem}",
                exchange.method, exchange.path, exchange.status
            ));
        }
    }
}

/// Every `METHOD /pattern` of a document.
pub fn operations(spec: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.push(format!("{} {path}", method.to_ascii_uppercase()));
            }
        }
    }
    out.sort();
    out
}
