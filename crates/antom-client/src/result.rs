//! Antom's `result` object, present in every response and notification.

use serde::{Deserialize, Serialize};

/// `resultStatus`: `S` success, `F` definitive failure, `U` unknown or still in progress.
/// A value Antom might add later is kept, not rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResultStatus {
    Success,
    Failed,
    Unknown,
    Other(String),
}

impl ResultStatus {
    pub fn as_str(&self) -> &str {
        match self {
            ResultStatus::Success => "S",
            ResultStatus::Failed => "F",
            ResultStatus::Unknown => "U",
            ResultStatus::Other(s) => s,
        }
    }
}

impl From<String> for ResultStatus {
    fn from(s: String) -> Self {
        match s.as_str() {
            "S" => ResultStatus::Success,
            "F" => ResultStatus::Failed,
            "U" => ResultStatus::Unknown,
            _ => ResultStatus::Other(s),
        }
    }
}

impl From<ResultStatus> for String {
    fn from(s: ResultStatus) -> Self {
        s.as_str().to_owned()
    }
}

impl Serialize for ResultStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ResultStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(ResultStatus::from)
    }
}

/// `{resultCode, resultStatus, resultMessage}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultInfo {
    pub result_code: String,
    pub result_status: ResultStatus,
    #[serde(default)]
    pub result_message: String,
}

impl ResultInfo {
    pub fn new(code: impl Into<String>, status: ResultStatus, message: impl Into<String>) -> Self {
        ResultInfo {
            result_code: code.into(),
            result_status: status,
            result_message: message.into(),
        }
    }

    pub fn success() -> Self {
        ResultInfo::new("SUCCESS", ResultStatus::Success, "success")
    }

    pub fn failed(code: impl Into<String>, message: impl Into<String>) -> Self {
        ResultInfo::new(code, ResultStatus::Failed, message)
    }

    pub fn unknown(code: impl Into<String>, message: impl Into<String>) -> Self {
        ResultInfo::new(code, ResultStatus::Unknown, message)
    }

    pub fn is_success(&self) -> bool {
        self.result_status == ResultStatus::Success
    }
}
