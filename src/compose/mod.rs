//! The input side: reading a Compose project the way `docker compose` does.
//!
//! [`load`] finds the files, reads them into spanned YAML trees ([`yaml`]), interpolates
//! variables ([`interpolate`], [`dotenv`]), resolves `include` and `extends`, merges the files
//! ([`merge`]), reads the typed [`model`], removes duplicate entries ([`normalize`]) and applies
//! [`profiles`].
//!
//! # Design: Docker Compose decides what loads
//!
//! A converter is trusted only if it reads a project exactly as `docker compose up` would.
//! What `docker compose config` accepts, the loader accepts (with a warning where Compose is
//! lenient about something suspicious: an unknown volume option, a decimal file mode, a string
//! command cut at `&&`); what it rejects, the loader or the check stage rejects with a located
//! error that gives Compose's reason. What Compose accepts but Kubernetes cannot run is not a
//! loading problem: the plan reports it. `tests/config_parity.rs` holds the loader to the
//! reference over the shared corpus and `tests/fixtures/parity/`.

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
