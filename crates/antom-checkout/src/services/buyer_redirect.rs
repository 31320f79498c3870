//! Where to send a buyer whom Antom asks to authenticate (3-D Secure) after a server-to-server
//! call (`pay` with a saved card, `vaultPaymentMethod`).
//!
//! Antom answers with any of: `redirectActionForm` (`method` GET or POST, `redirectUrl`, and for
//! POST the form `parameters`), `normalUrl` (a page for browsers), `schemeUrl` / `applinkUrl`
//! (for apps). A browser is sent to a POST form through our own page
//! (`/checkout/redirect?f=…`), which submits the form: the checkout page's CSP only lets forms
//! go to our origin, and the redirect page's CSP names exactly the form's target. The form is
//! carried in the query, sealed (AES-GCM under a subkey of `DATA_ENCRYPTION_KEY`) so nobody
//! can turn our origin into an open redirector, and it expires after [`VALIDITY`].

use antom_client::model::{ActionFormMethod, RedirectActionForm};
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::card_crypto;
use crate::config::DataKey;

/// How long a sealed redirect form stays usable.
pub const VALIDITY: chrono::Duration = chrono::Duration::minutes(15);
const LABEL: &str = "buyer-redirect-v1";
/// At most this many form fields, each value at most this long.
const MAX_FIELDS: usize = 32;
const MAX_VALUE: usize = 8192;

/// A form the buyer's browser must POST.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostForm {
    pub url: String,
    pub fields: Vec<(String, String)>,
    /// Unix seconds after which the form is refused.
    pub expires: i64,
}

/// Where Antom wants the buyer, as Antom's answer says.
#[derive(Debug, Default, Clone, Copy)]
pub struct AntomRedirect<'a> {
    pub form: Option<&'a RedirectActionForm>,
    pub normal_url: Option<&'a str>,
    pub scheme_url: Option<&'a str>,
    pub applink_url: Option<&'a str>,
}

fn web_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// The URL to send the buyer to: for an app its scheme or app link, for a browser a GET page,
/// or our redirect page carrying a POST form (`redirect_page` builds that URL from the sealed
/// form). `None` when Antom gave nothing usable.
pub fn target(
    antom: AntomRedirect<'_>,
    app: bool,
    data_key: &DataKey,
    now: chrono::DateTime<chrono::Utc>,
    redirect_page: impl Fn(&str) -> String,
) -> Option<String> {
    if app {
        if let Some(url) = antom.applink_url.or(antom.scheme_url) {
            return Some(url.to_owned());
        }
    }
    if let Some(form) = antom.form {
        let url = form.redirect_url.as_deref().filter(|u| web_url(u));
        match (form.method.as_ref(), url) {
            (Some(ActionFormMethod::Post), Some(url)) => {
                let fields = parameters(form.parameters.as_deref());
                let sealed = seal(
                    data_key,
                    &PostForm {
                        url: url.to_owned(),
                        fields,
                        expires: (now + VALIDITY).timestamp(),
                    },
                );
                return Some(redirect_page(&sealed));
            }
            (_, Some(url)) if antom.normal_url.is_none() => return Some(url.to_owned()),
            _ => {}
        }
    }
    antom
        .normal_url
        .filter(|u| web_url(u))
        .map(str::to_owned)
        .or_else(|| antom.applink_url.map(str::to_owned))
}

/// Antom's `parameters`: a JSON object of strings (kept as its text by the client model);
/// anything else yields no fields.
fn parameters(raw: Option<&str>) -> Vec<(String, String)> {
    let Some(Ok(serde_json::Value::Object(map))) = raw.map(serde_json::from_str::<serde_json::Value>) else {
        return Vec::new();
    };
    map.into_iter()
        .take(MAX_FIELDS)
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, v.chars().take(MAX_VALUE).collect())
        })
        .collect()
}

fn seal(data_key: &DataKey, form: &PostForm) -> String {
    let json = serde_json::to_vec(form).expect("a form serialises");
    let sealed = card_crypto::seal(data_key, LABEL, b"buyer-redirect", &json);
    // base64 → URL-safe, for the query string.
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .expect("seal returns base64");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The form sealed in `f`, if it opens and has not expired.
pub fn open(data_key: &DataKey, f: &str, now: chrono::DateTime<chrono::Utc>) -> Option<PostForm> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(f).ok()?;
    let standard = base64::engine::general_purpose::STANDARD.encode(bytes);
    let json = card_crypto::open(data_key, LABEL, b"buyer-redirect", &standard).ok()?;
    let form: PostForm = serde_json::from_slice(&json).ok()?;
    (form.expires > now.timestamp() && web_url(&form.url)).then_some(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_bytes([9; 32])
    }

    #[test]
    fn a_post_form_goes_through_our_page_sealed_and_expiring() {
        let form = RedirectActionForm {
            method: Some(ActionFormMethod::Post),
            redirect_url: Some("https://acs.example/3ds".into()),
            parameters: Some(r#"{"creq":"abc","threeDSSessionData":"x"}"#.into()),
            action_form_type: None,
        };
        let now = chrono::Utc::now();
        let url = target(
            AntomRedirect {
                form: Some(&form),
                normal_url: Some("https://acs.example/page"),
                ..Default::default()
            },
            false,
            &key(),
            now,
            |f| format!("/checkout/redirect?f={f}"),
        )
        .unwrap();
        let sealed = url.strip_prefix("/checkout/redirect?f=").unwrap();
        let opened = open(&key(), sealed, now).unwrap();
        assert_eq!(opened.url, "https://acs.example/3ds");
        assert_eq!(opened.fields.len(), 2);
        assert!(open(&key(), sealed, now + VALIDITY).is_none(), "expired");
        assert!(
            open(&DataKey::from_bytes([1; 32]), sealed, now).is_none(),
            "another key"
        );
        assert!(open(&key(), "AAAA", now).is_none());
    }

    #[test]
    fn apps_get_their_links_and_browsers_a_page() {
        let now = chrono::Utc::now();
        let antom = AntomRedirect {
            normal_url: Some("https://acs.example/page"),
            scheme_url: Some("myshop://3ds"),
            applink_url: Some("https://app.example/3ds"),
            form: None,
        };
        let page = |f: &str| f.to_owned();
        assert_eq!(
            target(antom, true, &key(), now, page).as_deref(),
            Some("https://app.example/3ds")
        );
        assert_eq!(
            target(antom, false, &key(), now, page).as_deref(),
            Some("https://acs.example/page")
        );
        assert_eq!(target(AntomRedirect::default(), false, &key(), now, page), None);
    }
}
