//! The input side: reading a Compose project the way `docker compose` does.

pub mod dotenv;
pub mod env;
pub mod interpolate;
pub mod merge;
pub mod model;
pub mod project;
pub mod yaml;

pub use project::{FileArg, LoadOptions};
