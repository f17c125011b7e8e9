//! The input side: reading a Compose project the way `docker compose` does.

pub mod dotenv;
pub mod interpolate;
pub mod model;
pub mod yaml;
