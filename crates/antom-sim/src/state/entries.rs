//! Captures or refunds in creation order, found by request id, by id and by payment without a
//! scan: capture, refund, cancel and inquiryPayment look them up on every call.

use std::collections::HashMap;
use std::ops::Index;

/// What an entry is found by.
pub trait Entry {
    /// `captureRequestId` / `refundRequestId`.
    fn request_id(&self) -> &str;
    /// `captureId` / `refundId`.
    fn id(&self) -> &str;
    fn payment_id(&self) -> &str;
}

#[derive(Debug)]
pub struct Entries<T> {
    items: Vec<T>,
    /// The first entry with each key (keys are unique in practice).
    by_request_id: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
    /// Each payment's entries in creation order.
    by_payment: HashMap<String, Vec<usize>>,
}

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries {
            items: Vec::new(),
            by_request_id: HashMap::new(),
            by_id: HashMap::new(),
            by_payment: HashMap::new(),
        }
    }
}

impl<T: Entry> Entries<T> {
    /// Appends an entry; returns its index.
    pub fn push(&mut self, item: T) -> usize {
        let index = self.items.len();
        self.by_request_id
            .entry(item.request_id().to_owned())
            .or_insert(index);
        self.by_id.entry(item.id().to_owned()).or_insert(index);
        self.by_payment
            .entry(item.payment_id().to_owned())
            .or_default()
            .push(index);
        self.items.push(item);
        index
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.items.get(index)
    }

    /// For `State`, which keeps the timers in step (the keys above must not change).
    pub(super) fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.items.get_mut(index)
    }

    pub fn by_request_id(&self, request_id: &str) -> Option<&T> {
        self.by_request_id.get(request_id).map(|&i| &self.items[i])
    }

    pub fn by_id(&self, id: &str) -> Option<&T> {
        self.by_id.get(id).map(|&i| &self.items[i])
    }

    /// A payment's entries, oldest first.
    pub fn of_payment<'a>(&'a self, payment_id: &str) -> impl Iterator<Item = &'a T> + 'a {
        self.by_payment
            .get(payment_id)
            .into_iter()
            .flatten()
            .map(|&i| &self.items[i])
    }

    /// Every entry with its index.
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        self.items.iter().enumerate()
    }
}

impl<T> Index<usize> for Entries<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        &self.items[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item(&'static str, &'static str, &'static str);

    impl Entry for Item {
        fn request_id(&self) -> &str {
            self.0
        }
        fn id(&self) -> &str {
            self.1
        }
        fn payment_id(&self) -> &str {
            self.2
        }
    }

    #[test]
    fn finds_by_each_key_in_creation_order() {
        let mut entries = Entries::default();
        assert_eq!(entries.push(Item("r1", "i1", "p1")), 0);
        entries.push(Item("r2", "i2", "p2"));
        entries.push(Item("r3", "i3", "p1"));
        entries.push(Item("r1", "i4", "p2"));
        assert_eq!(entries.by_request_id("r1").map(|e| e.1), Some("i1"));
        assert_eq!(entries.by_id("i3").map(|e| e.0), Some("r3"));
        assert!(entries.by_id("r3").is_none());
        let p1: Vec<&str> = entries.of_payment("p1").map(|e| e.0).collect();
        assert_eq!(p1, ["r1", "r3"]);
        assert_eq!(entries.of_payment("p3").count(), 0);
        assert_eq!(entries.get(1).map(|e| e.0), Some("r2"));
    }
}
