use crate::helpers::{spawn_app, Db};

async fn health_readiness_and_metrics(db: Db) {
    let app = spawn_app(db).await;
    let get = |path: &str| app.http.get(format!("{}{path}", app.base)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    assert_eq!(get("/readyz").await.unwrap().status(), 200);
    let products = get("/api/products").await.unwrap();
    assert_eq!(products.status(), 200);
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains("http_requests_total{route=\"/api/products\",method=\"GET\",status=\"2xx\"} 1"),
        "{metrics}"
    );
    let missing = get("/no/such/route").await.unwrap();
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "NOT_FOUND");
    // The bench's floor route exists only with BENCH_FLOOR_ROUTE=on.
    let floor = app
        .http
        .post(format!("{}/__bench/floor", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(floor.status(), 404);
    app.stop().await;
}

crate::on_both_databases!(health_readiness_and_metrics);
