//! `journal.jsonl` in the run directory: the seed, every fault, crash and database cut, and
//! every action with its answer, one JSON object a line, so a failing run can be read back
//! and replayed with `--seed`. Card numbers are masked to first 6 / last 4; CVVs are never
//! written (the soak does not even send one).

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use serde_json::{json, Value};

#[derive(Debug)]
pub struct Journal {
    file: Mutex<std::io::BufWriter<std::fs::File>>,
    started: Instant,
}

impl Journal {
    pub fn create(path: &Path) -> std::io::Result<Journal> {
        Ok(Journal {
            file: Mutex::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
            started: Instant::now(),
        })
    }

    /// One line: `{"t": seconds since start, "kind": kind, ...fields}`.
    pub fn write(&self, kind: &str, fields: Value) {
        let mut line =
            json!({"t": (self.started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0, "kind": kind});
        if let (Some(line), Value::Object(fields)) = (line.as_object_mut(), fields) {
            line.extend(fields);
        }
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(file, "{line}");
    }

    pub fn flush(&self) {
        let _ = self.file.lock().unwrap_or_else(|e| e.into_inner()).flush();
    }
}

/// `411111…1111`: what may be written about a card number.
pub fn mask_card(number: &str) -> String {
    if number.len() < 10 {
        return "…".into();
    }
    format!("{}…{}", &number[..6], &number[number.len() - 4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_keep_only_first_six_and_last_four() {
        assert_eq!(mask_card("4000000000003220"), "400000…3220");
        assert_eq!(mask_card("123"), "…");
    }

    #[test]
    fn lines_are_json_objects_with_time_and_kind() {
        let dir = std::env::temp_dir().join(format!("soak-journal-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("journal.jsonl");
        let journal = Journal::create(&path).unwrap();
        journal.write("fault", json!({"body": {"notifications": {"drop": true}}}));
        journal.flush();
        let text = std::fs::read_to_string(&path).unwrap();
        let line: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(line["kind"], "fault");
        assert_eq!(line["body"]["notifications"]["drop"], true);
        assert!(line["t"].is_number());
        let _ = std::fs::remove_dir_all(dir);
    }
}
