//! The input side: reading a Compose project the way `docker compose` does.
//!
//! [`load`] finds the files, reads them into spanned YAML trees ([`yaml`]), interpolates
//! variables ([`interpolate`], [`dotenv`]), resolves `include` and `extends`, merges the files
//! ([`merge`]), reads the typed [`model`], removes duplicate entries ([`normalize`]) and applies
//! [`profiles`].

pub mod dotenv;
pub mod env;
pub mod interpolate;
mod load;
pub mod merge;
pub mod model;
pub mod normalize;
pub mod profiles;
pub mod project;
pub mod yaml;

pub use load::{EnvFileKey, EnvFiles, Loaded, load};
pub use project::{FileArg, LoadOptions};
