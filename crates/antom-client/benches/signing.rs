//! RSA-2048 PKCS#1 v1.5 SHA-256 sign and verify over a typical createPaymentSession body, in one
//! run: what antom-client ships (`PrivateKey` / `PublicKey`), `ring` and `aws-lc-rs` called
//! directly, and the `rsa` crate as the baseline. Every backend must produce the same
//! (deterministic) signature. Compare ratios within one run: absolute times move with the load.
//!
//! `cargo bench -p antom-client -- --measurement-time 3`

use antom_client::{Message, PrivateKey, PublicKey};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use sha2::Sha256;

const PRIVATE: &str = include_str!("../tests/fixtures/test-keys.json");

fn keys() -> (String, String) {
    let v: serde_json::Value = serde_json::from_str(PRIVATE).unwrap();
    (
        v["merchant"]["private_key_pkcs8_base64"]
            .as_str()
            .unwrap()
            .to_owned(),
        v["merchant"]["public_key_spki_base64"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

fn content() -> Vec<u8> {
    let body = br#"{"productCode":"CASHIER_PAYMENT","paymentRequestId":"0192d5c0-5f1e-7c4e-9a63-0f3b8e1d2a44","paymentAmount":{"currency":"SGD","value":"4200"},"order":{"referenceOrderId":"0192d5c0-5f1e-7c4e-9a63-0f3b8e1d2a43","orderDescription":"2 items","orderAmount":{"currency":"SGD","value":"4200"},"buyer":{"referenceBuyerId":"b_123"}},"paymentMethod":{"paymentMethodType":"CARD"},"paymentFactor":{"isAuthorization":true,"captureMode":"MANUAL"},"paymentRedirectUrl":"http://127.0.0.1:8080/checkout/result","paymentNotifyUrl":"http://127.0.0.1:8080/webhooks/antom/payments","env":{"terminalType":"WEB"}}"#;
    Message::post(
        "/ams/api/v1/payments/createPaymentSession",
        "SANDBOX_5YEZ",
        "1700000000000",
        body,
    )
    .content_to_sign()
}

fn bench(c: &mut Criterion) {
    let (private_b64, public_b64) = keys();
    let content = content();

    let shipped_key = PrivateKey::parse(&private_b64).unwrap();
    let shipped_public = PublicKey::parse(&public_b64).unwrap();
    let shipped_sig = shipped_key.sign(&content);

    let der = base64_decode(&private_b64);
    let spki = base64_decode(&public_b64);

    let ring_key = ring::signature::RsaKeyPair::from_pkcs8(&der).unwrap();
    let ring_rng = ring::rand::SystemRandom::new();
    let ring_sign = || {
        let mut sig = vec![0u8; ring_key.public().modulus_len()];
        ring_key
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &ring_rng,
                black_box(&content),
                &mut sig,
            )
            .unwrap();
        sig
    };
    let ring_public = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        ring_key.public().as_ref().to_vec(),
    );
    assert_eq!(ring_sign(), shipped_sig, "ring signs like antom-client");

    let aws_key = aws_lc_rs::signature::RsaKeyPair::from_pkcs8(&der).unwrap();
    let aws_rng = aws_lc_rs::rand::SystemRandom::new();
    let aws_sign = || {
        let mut sig = vec![0u8; aws_key.public_modulus_len()];
        aws_key
            .sign(
                &aws_lc_rs::signature::RSA_PKCS1_SHA256,
                &aws_rng,
                black_box(&content),
                &mut sig,
            )
            .unwrap();
        sig
    };
    let aws_public = aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
        aws_lc_rs::signature::KeyPair::public_key(&aws_key)
            .as_ref()
            .to_vec(),
    );
    assert_eq!(aws_sign(), shipped_sig, "aws-lc-rs signs like antom-client");

    let rsa_key = rsa::RsaPrivateKey::from_pkcs8_der(&der).unwrap();
    let rsa_signing = SigningKey::<Sha256>::new(rsa_key);
    let rsa_public = rsa::RsaPublicKey::from_public_key_der(&spki).unwrap();
    let rsa_verifying = VerifyingKey::<Sha256>::new(rsa_public);
    let rsa_sig: Signature = rsa_signing.sign(&content);
    assert_eq!(
        rsa_sig.to_vec(),
        shipped_sig,
        "the rsa crate signs like antom-client"
    );
    let sig = shipped_sig;

    let mut group = c.benchmark_group("rsa2048_pkcs1v15_sha256");
    group.bench_function("sign/antom-client (shipped)", |b| {
        b.iter(|| shipped_key.sign(black_box(&content)))
    });
    group.bench_function("sign/ring", |b| b.iter(ring_sign));
    group.bench_function("sign/aws-lc-rs", |b| b.iter(aws_sign));
    group.bench_function("sign/rsa-crate", |b| {
        b.iter(|| rsa_signing.sign(black_box(&content)))
    });
    group.bench_function("verify/antom-client (shipped)", |b| {
        b.iter(|| assert!(shipped_public.verify(black_box(&content), black_box(&sig))))
    });
    group.bench_function("verify/ring", |b| {
        b.iter(|| ring_public.verify(black_box(&content), black_box(&sig)).unwrap())
    });
    group.bench_function("verify/aws-lc-rs", |b| {
        b.iter(|| aws_public.verify(black_box(&content), black_box(&sig)).unwrap())
    });
    group.bench_function("verify/rsa-crate", |b| {
        b.iter(|| {
            rsa_verifying
                .verify(black_box(&content), black_box(&rsa_sig))
                .unwrap()
        })
    });
    group.finish();
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

criterion_group!(benches, bench);
criterion_main!(benches);
