//! Locking the simulator's shared data. Every lock is held for a short synchronous step, and a
//! panic in one request must not take the whole simulator down with a poisoned mutex, so all
//! locks go through [`lock`] instead of `Mutex::lock().unwrap()`.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks a mutex; a panic while it was held leaves plain data behind, which is still usable.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
