//! An in-memory `eframe::Storage` for unit tests of what the app keeps between runs.

use std::collections::HashMap;

/// The app's settings store, held in a map.
#[derive(Default)]
pub(crate) struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}
