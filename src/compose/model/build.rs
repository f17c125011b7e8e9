//! `build`: how a service's image is built. Read completely so that `config` output and the
//! translation report can mention it; Kubernetes itself runs images, it does not build them.
//!
//! `build: ./dir` is the short form of `build: {context: ./dir}`. A local context (and each
//! local additional context) is made absolute; URLs and git references stay as written.
//! `dockerfile` is relative to the context and stays as written.

use crate::compose::model::de::{Cx, FromNode};
use crate::compose::model::limits::Ulimit;
use crate::compose::model::mounts::FileReference;
use crate::compose::model::networking::ExtraHosts;
use crate::compose::model::syntax::{ByteSize, Mapping, is_remote_context};
use crate::compose::yaml::{Node, Value};
use crate::source::Spanned;

use crate::hash::IndexMap;

crate::compose_struct! {
    @map_only
    /// Build settings of a service.
    pub struct Build in "`build`" {
        /// A local directory (absolute) or a remote context (URL, git reference).
        "context" => context: Option<Spanned<String>>,
        "dockerfile" => dockerfile: Option<Spanned<String>>,
        "dockerfile_inline" => dockerfile_inline: Option<Spanned<String>>,
        "entitlements" => entitlements: Vec<Spanned<String>>,
        "args" => args: Mapping,
        "ssh" => ssh: Mapping,
        "labels" => labels: Mapping,
        "cache_from" => cache_from: Vec<Spanned<String>>,
        "cache_to" => cache_to: Vec<Spanned<String>>,
        "no_cache" => no_cache: Option<Spanned<bool>>,
        "additional_contexts" => additional_contexts: Mapping,
        "network" => network: Option<Spanned<String>>,
        /// `true`, `false` or an attestation option string.
        "provenance" => provenance: Option<Spanned<String>>,
        /// `true`, `false` or an attestation option string.
        "sbom" => sbom: Option<Spanned<String>>,
        "pull" => pull: Option<Spanned<bool>>,
        "target" => target: Option<Spanned<String>>,
        "shm_size" => shm_size: Option<Spanned<ByteSize>>,
        "extra_hosts" => extra_hosts: ExtraHosts,
        "isolation" => isolation: Option<Spanned<String>>,
        "privileged" => privileged: Option<Spanned<bool>>,
        "secrets" => secrets: Vec<Spanned<FileReference>>,
        "tags" => tags: Vec<Spanned<String>>,
        "ulimits" => ulimits: IndexMap<Spanned<String>, Ulimit>,
        "platforms" => platforms: Vec<Spanned<String>>,
    }
}

impl FromNode for Build {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let mut build = match &node.value {
            Value::Map(map) => Self::read_map(node, map, cx),
            Value::Scalar(_) => Self {
                context: Some(Spanned::<String>::from_node(node, cx)?),
                span: Some(node.span),
                ..Self::default()
            },
            Value::Seq(_) => {
                cx.invalid_type(node, "a build context path or a mapping");
                return None;
            }
        };
        if let Some(context) = &mut build.context {
            resolve_context(cx, context);
        }
        for context in build.additional_contexts.values_mut().flatten() {
            // `service:name` and `target:stage` name other builds, not directories.
            if !context.contains(':') || context.starts_with(['.', '/', '~']) {
                resolve_context(cx, context);
            }
        }
        Some(build)
    }
}

fn resolve_context(cx: &Cx, context: &mut Spanned<String>) {
    if !is_remote_context(context) {
        context.value = cx
            .resolve_path(context.span, context)
            .to_string_lossy()
            .into_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::model::testing::{codes_of, read_ok};
    use crate::diag::Code;

    #[test]
    fn string_is_a_context_made_absolute() {
        let build = read_ok::<Build>("./app");
        assert_eq!(build.context.unwrap().as_str(), "/project/app");
        assert_eq!(build.dockerfile, None);
    }

    #[test]
    fn remote_contexts_stay_as_written() {
        for remote in [
            "https://github.com/docker/rootfs.git#main",
            "git@github.com:docker/rootfs.git",
            "github.com/docker/rootfs",
        ] {
            let build = read_ok::<Build>(&format!("'{remote}'"));
            assert_eq!(build.context.unwrap().as_str(), remote);
        }
    }

    #[test]
    fn mapping_keeps_the_dockerfile_relative_and_reads_everything() {
        let build = read_ok::<Build>(
            "context: .\ndockerfile: docker/Dockerfile.prod\nargs: [VERSION=1.2, DEBUG]\n\
             ssh: [default, key=/home/me/.ssh/id]\nlabels: {a: b}\ncache_from: [img:cache]\n\
             additional_contexts: {shared: ../shared, base: 'docker-image://alpine', svc: 'service:base'}\n\
             target: prod\nshm_size: 256m\nextra_hosts: ['h=1.2.3.4']\nsecrets: [token]\n\
             tags: [a:1]\nulimits: {nofile: 1024}\nplatforms: [linux/amd64]\nno_cache: true\n\
             pull: true\nprivileged: false\nnetwork: host\nprovenance: true\nsbom: 'generator=x'\n\
             entitlements: [network.host]\nisolation: default\ncache_to: [type=inline]\n",
        );
        assert_eq!(build.context.unwrap().as_str(), "/project");
        assert_eq!(build.dockerfile.unwrap().as_str(), "docker/Dockerfile.prod");
        assert_eq!(build.args["VERSION"].as_ref().unwrap().as_str(), "1.2");
        assert_eq!(build.args["DEBUG"], None);
        assert_eq!(build.ssh["default"], None);
        let contexts = &build.additional_contexts;
        assert_eq!(contexts["shared"].as_ref().unwrap().as_str(), "/shared");
        assert_eq!(
            contexts["base"].as_ref().unwrap().as_str(),
            "docker-image://alpine"
        );
        assert_eq!(contexts["svc"].as_ref().unwrap().as_str(), "service:base");
        assert_eq!(build.shm_size.unwrap().value, ByteSize(256 << 20));
        assert_eq!(build.provenance.unwrap().as_str(), "true");
    }

    #[test]
    fn unknown_build_keys_are_reported() {
        assert_eq!(
            codes_of::<Build>("{context: ., dockerfiles: x}"),
            [Code::UnknownKey]
        );
        assert_eq!(codes_of::<Build>("[a]"), [Code::InvalidType]);
    }
}
