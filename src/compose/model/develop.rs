//! `develop`: the `docker compose watch` rules of a service (sync, rebuild or restart when
//! files change). Read so that such files load; they have no Kubernetes meaning.

use std::path::PathBuf;

use crate::compose::model::hooks::ServiceHook;
use crate::compose::model::syntax::StringOrList;
use crate::source::Spanned;

crate::string_enum! {
    /// What `docker compose watch` does when a watched file changes.
    pub enum WatchAction in "a watch action" {
        Rebuild = "rebuild",
        Sync = "sync",
        Restart = "restart",
        SyncRestart = "sync+restart",
        SyncExec = "sync+exec",
    }
}

crate::compose_struct! {
    /// The `develop` section of a service.
    pub struct Development in "the `develop` section" {
        "watch" => watch: Vec<Spanned<Watch>>,
    }
}

crate::compose_struct! {
    /// One watch rule.
    pub struct Watch in "a watch rule" {
        /// The watched host path, made absolute.
        "path" => path: Option<Spanned<PathBuf>>,
        "action" => action: Option<Spanned<WatchAction>>,
        "target" => target: Option<Spanned<String>>,
        "ignore" => ignore: StringOrList,
        "include" => include: StringOrList,
        "exec" => exec: Option<ServiceHook>,
    }
    required ["path", "action"]
}
