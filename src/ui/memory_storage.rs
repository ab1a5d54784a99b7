//! An in-memory `eframe::Storage`: the app's settings held in a map, for tests of what the
//! app keeps between runs (hand a clone to the next run to start it where the last ended).

use std::collections::HashMap;

/// The app's settings store, held in a map.
#[derive(Debug, Default, Clone)]
pub struct MemoryStorage(pub HashMap<String, String>);

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
