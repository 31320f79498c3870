//! Live mode's Web SDK: from Antom's CDN (the default), or the npm package's file served from
//! this server with Subresource Integrity (`ANTOM_SDK_SOURCE=self`), checked at start. Runs the
//! server in live mode against a standalone simulator.

use std::path::PathBuf;

use antom_checkout::config::{AntomSettings, SdkSource, DEFAULT_SDK_SCRIPT_URL};
use antom_checkout::sdk_file::{integrity_of, SdkFileError};
use antom_checkout::startup::StartupError;
use serde_json::{json, Value};

use crate::helpers::{antom_key, merchant_key, Db, TestApp, CLIENT_ID};

/// A standalone simulator for a live-mode server to talk to.
async fn simulator() -> antom_sim::Simulator {
    antom_sim::start(antom_sim::SimConfig {
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        client_id: CLIENT_ID.into(),
        merchant_public_key: merchant_key().public_key(),
        antom_private_key: antom_key(),
        time_scale: 0.01,
        public_base_url: None,
    })
    .await
    .unwrap()
}

async fn live_app(db: Db, gateway: &str, sdk: SdkSource) -> Result<TestApp, StartupError> {
    let gateway = gateway.to_owned();
    TestApp::builder(db)
        .with_settings(move |s| {
            s.antom = AntomSettings::Live {
                gateway_url: gateway,
                client_id: CLIENT_ID.into(),
                merchant_key: merchant_key(),
                antom_public_key: antom_key().public_key(),
                key_version: 1,
                sdk,
            };
        })
        .start()
        .await
}

fn sdk_file(contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("antom-sdk-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ams-checkout.min.js");
    std::fs::write(&file, contents).unwrap();
    file
}

async fn sdk_of(app: &TestApp) -> Value {
    let created = app
        .post_json(
            "/sessions",
            &json!({"items": [{"sku": "MUG-WHT", "quantity": 1}]}),
        )
        .await;
    assert_eq!(created.status(), 201);
    created.json::<Value>().await.unwrap()["sdk"].clone()
}

async fn a_self_hosted_sdk_is_served_with_its_integrity(db: Db) {
    let sim = simulator().await;
    let script = "window.AMSElement = function AMSElement() {};";
    let file = sdk_file(script);
    let integrity = integrity_of(script.as_bytes(), "sha384-");
    let app = live_app(
        db,
        sim.base_url(),
        SdkSource::SelfHosted {
            file: file.clone(),
            integrity: integrity.clone(),
        },
    )
    .await
    .unwrap();
    let sdk = sdk_of(&app).await;
    assert_eq!(sdk["environment"], "sandbox");
    assert_eq!(sdk["integrity"], integrity);
    let url = sdk["scriptUrl"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/vendor/ams-checkout/", app.base)),
        "{url}"
    );

    let served = app.http.get(url).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert!(served.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(served.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(served.text().await.unwrap(), script);
    let other = app
        .http
        .get(format!("{}/vendor/ams-checkout/0000000000000000.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);

    // The pages may run scripts from here and reach Antom's own hosts, nothing else.
    let page = app.http.get(format!("{}/", app.base)).send().await.unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains(&format!("script-src 'self' {}", app.base)), "{csp}");
    assert!(csp.contains("frame-src https://checkout.antom.com"), "{csp}");
    assert!(!csp.contains(sim.base_url()), "{csp}");
    app.stop().await;
    sim.stop().await;
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
}

async fn a_changed_sdk_file_stops_the_server(db: Db) {
    let sim = simulator().await;
    let file = sdk_file("window.AMSElement = function AMSElement() { exfiltrate(); };");
    let expected = integrity_of(b"window.AMSElement = function AMSElement() {};", "sha384-");
    let refused = live_app(
        db,
        sim.base_url(),
        SdkSource::SelfHosted {
            file: file.clone(),
            integrity: expected.clone(),
        },
    )
    .await;
    match refused {
        Err(StartupError::SdkFile(SdkFileError::Mismatch { expected: named, .. })) => {
            assert_eq!(named, expected)
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(app) => {
            app.stop().await;
            panic!("a changed SDK file was served");
        }
    }
    let missing = live_app(
        db,
        sim.base_url(),
        SdkSource::SelfHosted {
            file: file.with_file_name("missing.js"),
            integrity: expected,
        },
    )
    .await;
    assert!(matches!(
        missing,
        Err(StartupError::SdkFile(SdkFileError::Read { .. }))
    ));
    sim.stop().await;
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
}

async fn the_cdn_is_the_default_with_an_optional_integrity(db: Db) {
    let sim = simulator().await;
    let app = live_app(
        db,
        sim.base_url(),
        SdkSource::Cdn {
            url: DEFAULT_SDK_SCRIPT_URL.into(),
            integrity: None,
        },
    )
    .await
    .unwrap();
    let sdk = sdk_of(&app).await;
    assert_eq!(sdk["scriptUrl"], DEFAULT_SDK_SCRIPT_URL);
    assert!(sdk.get("integrity").is_none(), "{sdk}");
    let vendor = app
        .http
        .get(format!("{}/vendor/ams-checkout/0000000000000000.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(vendor.status(), 404, "nothing is self-hosted");
    app.stop().await;
    sim.stop().await;
}

crate::on_both_databases!(
    a_self_hosted_sdk_is_served_with_its_integrity,
    a_changed_sdk_file_stops_the_server,
    the_cdn_is_the_default_with_an_optional_integrity,
);
