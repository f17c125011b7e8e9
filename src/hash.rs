//! The maps and sets the model, the checks and the plan look names up in, all with one hasher.
//!
//! Their keys are short names (services, volumes, networks, YAML keys), hashed tens of thousands
//! of times in a large project; SipHash, the standard library's default, spends more on them
//! than the lookups themselves. foldhash cuts a large conversion's instructions by 2 % against
//! it (docs/decisions.md, "Speed"; the other candidates were not at hand to measure) and keeps a
//! per-process random seed, as the standard one does.
//! Output never follows a hash order: what is written out iterates an `IndexMap` (insertion
//! order) or a `BTreeMap`, and the hash maps here are only looked up.

/// The hasher of every map and set below.
pub type BuildHasher = foldhash::fast::RandomState;

/// A map in insertion order.
pub type IndexMap<K, V> = indexmap::IndexMap<K, V, BuildHasher>;

/// A set in insertion order.
pub type IndexSet<T> = indexmap::IndexSet<T, BuildHasher>;

/// A map that is only looked up, never iterated into output.
pub type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasher>;

/// A set that is only looked up, never iterated into output.
pub type HashSet<T> = std::collections::HashSet<T, BuildHasher>;
