//! What Antom's card calls want to know about the buyer's device: `env.clientIp`,
//! `env.userAgent` and `env.browserInfo` (accept header, language, user agent). Antom's risk
//! checks and 3-D Secure use them; the official Java SDK documents `clientIp` as required for
//! CARD. The routes fill this from the request (the client IP through `TRUSTED_PROXIES`); every
//! value is cut to a bounded length here, whatever the browser sent.

use antom_client::model::{Env, OsType, TerminalType};
use serde_json::json;

/// Longest user agent sent on (real ones are well under).
const MAX_USER_AGENT: usize = 512;
const MAX_ACCEPT: usize = 256;
/// A BCP 47 tag, as `navigator.language` gives it.
const MAX_LANGUAGE: usize = 35;

/// The buyer's device as the server saw the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuyerEnv {
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    /// The first language of `Accept-Language`.
    pub language: Option<String>,
    pub accept: Option<String>,
}

fn cut(value: Option<&str>, max: usize) -> Option<String> {
    value
        .map(|v| {
            v.chars()
                .filter(|c| !c.is_control())
                .take(max)
                .collect::<String>()
        })
        .filter(|v| !v.trim().is_empty())
}

impl BuyerEnv {
    /// From raw header values (any length).
    pub fn new(
        client_ip: Option<String>,
        user_agent: Option<&str>,
        accept_language: Option<&str>,
        accept: Option<&str>,
    ) -> BuyerEnv {
        let language = accept_language
            .and_then(|v| v.split(',').next())
            .map(|tag| tag.split(';').next().unwrap_or("").trim().to_owned());
        BuyerEnv {
            client_ip,
            user_agent: cut(user_agent, MAX_USER_AGENT),
            language: cut(language.as_deref(), MAX_LANGUAGE),
            accept: cut(accept, MAX_ACCEPT),
        }
    }

    /// Antom's `env` for a call made on this buyer's behalf.
    pub fn antom_env(&self, terminal_type: TerminalType, os_type: Option<OsType>) -> Env {
        let browser_info = (self.user_agent.is_some() || self.language.is_some() || self.accept.is_some())
            .then(|| {
                let mut info = serde_json::Map::new();
                if let Some(accept) = &self.accept {
                    info.insert("acceptHeader".into(), json!(accept));
                }
                if let Some(language) = &self.language {
                    info.insert("language".into(), json!(language));
                }
                if let Some(user_agent) = &self.user_agent {
                    info.insert("userAgent".into(), json!(user_agent));
                }
                serde_json::Value::Object(info)
            });
        Env {
            terminal_type: Some(terminal_type),
            os_type,
            client_ip: self.client_ip.clone(),
            user_agent: self.user_agent.clone(),
            browser_info,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_become_antoms_env_and_are_bounded() {
        let env = BuyerEnv::new(
            Some("203.0.113.7".into()),
            Some(&"Mozilla/5.0 ".repeat(100)),
            Some("de-CH,de;q=0.9,en;q=0.8"),
            Some("text/html"),
        );
        assert_eq!(env.language.as_deref(), Some("de-CH"));
        assert_eq!(env.user_agent.as_ref().unwrap().chars().count(), MAX_USER_AGENT);
        let antom = env.antom_env(TerminalType::Web, None);
        assert_eq!(antom.client_ip.as_deref(), Some("203.0.113.7"));
        let info = antom.browser_info.unwrap();
        assert_eq!(info["language"], "de-CH");
        assert_eq!(info["acceptHeader"], "text/html");
        assert!(BuyerEnv::default()
            .antom_env(TerminalType::Web, None)
            .browser_info
            .is_none());
    }
}
