//! What a service mounts into its container: `volumes` (bind mounts, named and anonymous
//! volumes, tmpfs…), another container's volumes (`volumes_from`), `secrets` and `configs`
//! files, and `devices`.
//!
//! The short syntax `SRC:DST[:MODE]` is normalised to the long one with Compose's rules: a
//! source starting with `.`, `/` or `~` (or a Windows drive) is a bind mount whose host path
//! is made absolute and created if missing; any other source names a volume; a lone path is
//! an anonymous volume.

use crate::compose::model::de::{Cx, FromNode};
use crate::compose::model::syntax::{ByteSize, FileMode, Mapping, scalar_sub_span};
use crate::compose::yaml::{Node, Value};
use crate::source::Spanned;

crate::string_enum! {
    /// The kind of a service mount.
    pub enum VolumeType in "a mount type" {
        Bind = "bind",
        Volume = "volume",
        Tmpfs = "tmpfs",
        Npipe = "npipe",
        Cluster = "cluster",
        Image = "image",
    }
    default Volume
}

crate::string_enum! {
    /// Mount propagation of a bind mount.
    pub enum Propagation in "a mount propagation" {
        Shared = "shared",
        Slave = "slave",
        Private = "private",
        RShared = "rshared",
        RSlave = "rslave",
        RPrivate = "rprivate",
    }
}

crate::string_enum! {
    /// Whether sub-mounts of a bind mount are mounted too, and how.
    pub enum Recursive in "a recursive bind mode" {
        Enabled = "enabled",
        Disabled = "disabled",
        Writable = "writable",
        Readonly = "readonly",
    }
}

crate::string_enum! {
    /// `SELinux` relabelling of a bind mount.
    pub enum SeLinux in "an SELinux relabelling mode" {
        /// `z`: content shared between containers.
        Shared = "z",
        /// `Z`: content private to this container.
        Private = "Z",
    }
}

crate::compose_struct! {
    @map_only
    /// One entry of a service's `volumes`, in the long syntax. The options of each mount
    /// type are boxed: a mount has at most one of them, most have none.
    pub struct ServiceVolume in "a service volume" {
        /// `type`.
        "type" => kind: VolumeType,
        /// Host path (absolute) for a bind mount, volume name, or image; `None` for an
        /// anonymous volume or a tmpfs.
        "source" => source: Option<Spanned<String>>,
        /// Path in the container.
        "target" => target: String,
        "read_only" => read_only: bool,
        "consistency" => consistency: Option<Spanned<String>>,
        "bind" => bind: Option<Box<BindOptions>>,
        "volume" => volume: Option<Box<VolumeOptions>>,
        "tmpfs" => tmpfs: Option<Box<TmpfsOptions>>,
        "image" => image: Option<Box<ImageOptions>>,
    }
    required ["type", "target"]
}

crate::compose_struct! {
    /// Options of a bind mount.
    pub struct BindOptions in "bind mount options" {
        "propagation" => propagation: Option<Spanned<Propagation>>,
        /// Create the host path when it does not exist (always on for the short syntax).
        "create_host_path" => create_host_path: bool,
        "recursive" => recursive: Option<Spanned<Recursive>>,
        "selinux" => selinux: Option<Spanned<SeLinux>>,
    }
}

crate::compose_struct! {
    /// Options of a volume mount.
    pub struct VolumeOptions in "volume mount options" {
        "labels" => labels: Mapping,
        /// Do not copy the image's content at the mount point into a new volume.
        "nocopy" => nocopy: bool,
        "subpath" => subpath: Option<Spanned<String>>,
    }
}

crate::compose_struct! {
    /// Options of a tmpfs mount.
    pub struct TmpfsOptions in "tmpfs mount options" {
        "size" => size: Option<Spanned<ByteSize>>,
        "mode" => mode: Option<Spanned<TmpfsMode>>,
    }
}

/// A tmpfs mount's mode: a YAML number only (Docker Compose rejects a string here), written
/// back as a number so that both tools read `config` output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TmpfsMode(pub FileMode);

impl FromNode for TmpfsMode {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Some(text) = node.as_scalar().filter(|s| s.plain).map(|s| s.text.trim()) else {
            cx.invalid_type(node, "a number (such as `01777`)");
            return None;
        };
        // No decimal-mode warning: `config` writes this mode as a (decimal) number, and the
        // conversion cannot set it anyway.
        let mode = FileMode::parse(text).map(Self);
        if mode.is_none() {
            cx.invalid_value(
                node.span,
                format!("`{text}` is not a file mode"),
                "write the permission bits in octal with a leading zero, such as `01777`",
            );
        }
        mode
    }
}

impl serde::Serialize for TmpfsMode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.0.0)
    }
}

crate::compose_struct! {
    /// Options of an image mount.
    pub struct ImageOptions in "image mount options" {
        "subpath" => subpath: Option<Spanned<String>>,
    }
}

impl FromNode for ServiceVolume {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Map(map) => {
                let mut volume = Self::read_map(node, map, cx);
                if volume.kind == VolumeType::Bind {
                    if let Some(source) = &mut volume.source {
                        source.value = host_path(cx, source);
                    } else if volume.keys.get("type").is_some() {
                        crate::compose::model::de::missing_key(
                            cx,
                            "source",
                            node.span,
                            "a bind mount",
                        );
                    }
                }
                Some(volume)
            }
            Value::Scalar(scalar) if !node.is_null() => parse_short_volume(&scalar.text, node, cx),
            _ => {
                cx.invalid_type(
                    node,
                    "a volume (a `SOURCE:TARGET[:MODE]` string or a mapping)",
                );
                None
            }
        }
    }
}

/// Whether a short-syntax source is a host path rather than a volume name.
fn is_file_path(source: &str) -> bool {
    source.starts_with(['.', '/', '~']) || source.starts_with(r"\\") || is_windows_path(source)
}

/// `C:\…` or `C:/…`: kept as written, since it cannot be resolved on another system.
fn is_windows_path(source: &str) -> bool {
    let mut chars = source.chars();
    matches!((chars.next(), chars.next()), (Some(drive), Some(':')) if drive.is_ascii_alphabetic())
}

/// The absolute host path of a bind source.
fn host_path(cx: &Cx, source: &Spanned<String>) -> String {
    if is_windows_path(source) || source.starts_with(r"\\") {
        return source.value.clone();
    }
    cx.resolve_path(source.span, source)
        .to_string_lossy()
        .into_owned()
}

const VOLUME_HELP: &str =
    "write `SOURCE:TARGET[:MODE]`, for example `./data:/data:ro` or `db-data:/var/lib/db`";

/// Parses `[SOURCE:]TARGET[:MODE]`.
fn parse_short_volume(text: &str, node: &Node, cx: &mut Cx) -> Option<ServiceVolume> {
    if text.is_empty() {
        cx.invalid_value(node.span, "the volume is empty", VOLUME_HELP);
        return None;
    }
    // Split at colons, except the one after a Windows drive letter (`C:\data:/data`).
    let mut fields: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c != ':' {
            continue;
        }
        let field = text.get(start..i).unwrap_or_default();
        let rest = text.get(i + 1..).unwrap_or_default();
        let drive = field.len() == 1
            && field.chars().all(|c| c.is_ascii_alphabetic())
            && (rest.starts_with('\\') || (rest.starts_with('/') && rest.contains(':')));
        if drive {
            continue;
        }
        fields.push((start, field));
        start = i + 1;
    }
    fields.push((start, text.get(start..).unwrap_or_default()));

    if let Some(&(offset, _)) = fields.iter().find(|(_, f)| f.is_empty()) {
        let span = scalar_sub_span(cx, node, offset.saturating_sub(1), offset + 1);
        cx.invalid_value(
            span,
            format!("`{text}` has an empty part between colons"),
            VOLUME_HELP,
        );
        return None;
    }
    let sub = |cx: &Cx, (offset, field): (usize, &str)| {
        Spanned::new(
            field.to_string(),
            scalar_sub_span(cx, node, offset, offset + field.len()),
        )
    };
    let (source, target, mode) = match fields.as_slice() {
        [target] => (None, *target, None),
        [source, target] => (Some(*source), *target, None),
        [source, target, mode] => (Some(*source), *target, Some(*mode)),
        _ => {
            cx.invalid_value(
                node.span,
                format!("`{text}` has too many colons"),
                VOLUME_HELP,
            );
            return None;
        }
    };
    let mut volume = ServiceVolume {
        span: Some(node.span),
        target: target.1.to_string(),
        ..ServiceVolume::default()
    };
    match source {
        Some(source) if is_file_path(source.1) => {
            let source = sub(cx, source);
            volume.kind = VolumeType::Bind;
            volume.source = Some(Spanned::new(host_path(cx, &source), source.span));
            volume.bind = Some(Box::new(BindOptions {
                create_host_path: true,
                ..BindOptions::default()
            }));
        }
        Some(source) => {
            volume.kind = VolumeType::Volume;
            volume.source = Some(sub(cx, source));
        }
        None => volume.kind = VolumeType::Volume,
    }
    if let Some((offset, mode)) = mode {
        let mut option_offset = offset;
        for option in mode.split(',') {
            let span = scalar_sub_span(cx, node, option_offset, option_offset + option.len());
            option_offset += option.len() + 1;
            apply_mode(&mut volume, option, span, cx);
        }
    }
    Some(volume)
}

/// Applies one option of the short syntax's MODE (`ro`, `z`, `nocopy`, `rshared`, …).
fn apply_mode(volume: &mut ServiceVolume, option: &str, span: crate::source::Span, cx: &mut Cx) {
    match option {
        "ro" => volume.read_only = true,
        "rw" => volume.read_only = false,
        "nocopy" => {
            volume.volume.get_or_insert_default().nocopy = true;
        }
        "cached" | "delegated" | "consistent" | "default" => {
            volume.consistency = Some(Spanned::new(option.to_string(), span));
        }
        _ => {
            if let Some(selinux) = SeLinux::parse(option) {
                let bind = volume.bind.get_or_insert_default();
                bind.selinux = Some(Spanned::new(selinux, span));
            } else if let Some(propagation) = Propagation::parse(option) {
                let bind = volume.bind.get_or_insert_default();
                bind.propagation = Some(Spanned::new(propagation, span));
            } else {
                unknown_mode(option, span, cx);
            }
        }
    }
}

/// A MODE option Docker Compose does not know: it ignores it (so `:roz` mounts read-write),
/// and so does compose2kube, with a warning that says what was probably meant.
fn unknown_mode(option: &str, span: crate::source::Span, cx: &mut Cx) {
    let mut known = vec![
        "ro",
        "rw",
        "z",
        "Z",
        "nocopy",
        "cached",
        "delegated",
        "consistent",
    ];
    known.extend(Propagation::ALL);
    // `roz`: two options written without the comma between them.
    let joined = (1..option.len()).find_map(|at| {
        let (first, second) = (option.get(..at)?, option.get(at..)?);
        (known.contains(&first) && known.contains(&second)).then(|| format!("{first},{second}"))
    });
    let help = match joined {
        Some(both) => format!("did you mean `{both}`? Options are separated by commas"),
        None => crate::diag::suggest(option, known.iter().copied(), || {
            format!("use one of: {}", known.join(", "))
        }),
    };
    cx.report(
        crate::diag::Diagnostic::warning(
            crate::diag::Code::UnknownVolumeMode,
            format!("`{option}` is not a volume mode; Docker Compose ignores it, and so does compose2kube"),
        )
        .at(span)
        .label("ignored: the mount is read-write unless `ro` is given")
        .help(help),
    );
}

crate::compose_struct! {
    @map_only
    /// A secret or config a service uses (`secrets:` / `configs:` entries, `build.secrets`).
    pub struct FileReference in "a secret or config reference" {
        /// The name of the top-level secret or config.
        "source" => source: Option<Spanned<String>>,
        /// Where it appears in the container; Compose's default is `/run/secrets/<source>`
        /// for secrets and `/<source>` for configs.
        "target" => target: Option<Spanned<String>>,
        "uid" => uid: Option<Spanned<String>>,
        "gid" => gid: Option<Spanned<String>>,
        "mode" => mode: Option<Spanned<FileMode>>,
    }
    required ["source"]
}

/// Where secrets appear in a container unless their `target` is absolute.
pub const SECRETS_DIR: &str = "/run/secrets";

impl FileReference {
    /// Where the file appears in the container: an absolute `target`; a relative one under
    /// `dir`; without one, `<dir>/<source>`. `dir` is [`SECRETS_DIR`] for secrets and the
    /// root (`""`) for configs, as Compose places them.
    #[must_use]
    pub fn container_path(&self, dir: &str) -> String {
        match &self.target {
            Some(target) if target.starts_with('/') => target.value.clone(),
            Some(target) => format!("{dir}/{}", target.value),
            None => format!("{dir}/{}", self.source.as_ref().map_or("", |s| s.as_str())),
        }
    }
}

impl FromNode for FileReference {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Map(map) => Some(Self::read_map(node, map, cx)),
            Value::Scalar(_) => Some(Self {
                source: Some(Spanned::<String>::from_node(node, cx)?),
                span: Some(node.span),
                ..Self::default()
            }),
            Value::Seq(_) => {
                cx.invalid_type(node, "a name or a mapping with `source`");
                None
            }
        }
    }
}

crate::compose_struct! {
    @map_only
    /// A host device made available in the container (`devices:`).
    pub struct DeviceMapping in "a device" {
        /// Path of the device on the host.
        "source" => source: String,
        /// Path in the container; `None` means the same as `source`.
        "target" => target: Option<Spanned<String>>,
        /// cgroup permissions such as `rwm`; `None` means `rwm`.
        "permissions" => permissions: Option<Spanned<String>>,
    }
    required ["source"]
}

impl FromNode for DeviceMapping {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Map(map) => Some(Self::read_map(node, map, cx)),
            Value::Scalar(scalar) if !node.is_null() => parse_short_device(&scalar.text, node, cx),
            _ => {
                cx.invalid_type(
                    node,
                    "a device (`SOURCE[:TARGET[:PERMISSIONS]]` or a mapping)",
                );
                None
            }
        }
    }
}

/// Parses `SOURCE[:TARGET][:PERMISSIONS]` the way the Docker CLI does: a second part made of
/// `r`, `w` and `m` only is the permissions.
fn parse_short_device(text: &str, node: &Node, cx: &mut Cx) -> Option<DeviceMapping> {
    let parts: Vec<&str> = text.split(':').collect();
    let mut offset = 0;
    let spanned: Vec<Spanned<String>> = parts
        .iter()
        .map(|part| {
            let span = scalar_sub_span(cx, node, offset, offset + part.len());
            offset += part.len() + 1;
            Spanned::new((*part).to_string(), span)
        })
        .collect();
    let is_permissions =
        |p: &str| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| matches!(c, 'r' | 'w' | 'm'));
    let (source, target, permissions) = match spanned.as_slice() {
        [source] => (source, None, None),
        [source, second] if is_permissions(second) => (source, None, Some(second)),
        [source, target] => (source, Some(target), None),
        [source, target, permissions] => (source, Some(target), Some(permissions)),
        _ => {
            cx.invalid_value(
                node.span,
                format!("`{text}` has too many colons for a device"),
                "write `SOURCE[:TARGET[:PERMISSIONS]]`, or use the long syntax",
            );
            return None;
        }
    };
    if source.is_empty() {
        cx.invalid_value(
            source.span,
            "the device has no host path",
            "write the device path, such as `/dev/ttyUSB0`",
        );
        return None;
    }
    if let Some(permissions) = permissions
        && !is_permissions(permissions)
    {
        cx.invalid_value(
            permissions.span,
            format!("`{}` are not device permissions", permissions.value),
            "write a combination of `r`, `w` and `m`, such as `rwm`",
        );
        return None;
    }
    Some(DeviceMapping {
        source: source.value.clone(),
        target: target.cloned(),
        permissions: permissions.cloned(),
        span: Some(node.span),
        ..DeviceMapping::default()
    })
}

/// A `volumes_from` entry: `SERVICE[:MODE]` or `container:NAME[:MODE]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumesFrom {
    pub source: VolumesSource,
    /// The access mode as written (`ro`, `rw`): anything but `ro` mounts read-write.
    pub mode: Option<String>,
}

/// Whose volumes a `volumes_from` entry mounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VolumesSource {
    /// A service of the project.
    Service(String),
    /// `container:NAME`: a container outside the project's services.
    Container(String),
}

impl VolumesFrom {
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let (container, rest) = match text.strip_prefix("container:") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (name, mode) = match rest.split_once(':') {
            Some((name, mode)) => (name, Some(mode.to_owned())),
            None => (rest, None),
        };
        let source = if container {
            VolumesSource::Container(name.to_owned())
        } else {
            VolumesSource::Service(name.to_owned())
        };
        Self { source, mode }
    }

    /// The service whose volumes are mounted, unless they are a container's.
    #[must_use]
    pub fn service(&self) -> Option<&str> {
        match &self.source {
            VolumesSource::Service(name) => Some(name),
            VolumesSource::Container(_) => None,
        }
    }

    #[must_use]
    pub fn read_only(&self) -> bool {
        self.mode.as_deref() == Some("ro")
    }
}

impl std::fmt::Display for VolumesFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            VolumesSource::Service(name) => f.write_str(name)?,
            VolumesSource::Container(name) => write!(f, "container:{name}")?,
        }
        match &self.mode {
            Some(mode) => write!(f, ":{mode}"),
            None => Ok(()),
        }
    }
}

crate::read_from_text!(VolumesFrom);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::model::testing::{codes_of, read, read_ok};
    use crate::diag::Code;

    #[test]
    fn volumes_from_is_read_once_and_written_back_as_read() {
        for (text, service, read_only) in [
            ("db", Some("db"), false),
            ("db:ro", Some("db"), true),
            ("db:rw", Some("db"), false),
            ("container:data:ro", None, true),
        ] {
            let entry = VolumesFrom::parse(text);
            assert_eq!((entry.service(), entry.read_only()), (service, read_only));
            assert_eq!(entry.to_string(), text);
        }
    }

    #[test]
    fn relative_short_source_is_an_absolute_bind_that_creates_its_path() {
        let v = read_ok::<ServiceVolume>("./data:/data");
        assert_eq!(v.kind, VolumeType::Bind);
        assert_eq!(v.source.unwrap().as_str(), "/project/data");
        assert_eq!(v.target, "/data");
        assert!(v.bind.unwrap().create_host_path);
        assert!(!v.read_only);
    }

    #[test]
    fn absolute_short_source_with_ro_is_a_read_only_bind() {
        let v = read_ok::<ServiceVolume>("/var/run/docker.sock:/var/run/docker.sock:ro");
        assert_eq!(v.kind, VolumeType::Bind);
        assert_eq!(v.source.unwrap().as_str(), "/var/run/docker.sock");
        assert!(v.read_only);
    }

    #[test]
    fn home_short_source_is_a_bind_outside_the_project() {
        let v = read_ok::<ServiceVolume>("~/cache:/cache");
        assert_eq!(v.kind, VolumeType::Bind);
        assert!(!v.source.unwrap().starts_with('~'));
    }

    #[test]
    fn named_short_source_is_a_volume() {
        let v = read_ok::<ServiceVolume>("db-data:/var/lib/db:rw");
        assert_eq!(v.kind, VolumeType::Volume);
        assert_eq!(v.source.unwrap().as_str(), "db-data");
        assert_eq!(v.bind, None);
    }

    #[test]
    fn lone_path_is_an_anonymous_volume() {
        let v = read_ok::<ServiceVolume>("/data");
        assert_eq!(
            (v.kind, v.source, v.target.as_str()),
            (VolumeType::Volume, None, "/data")
        );
    }

    #[test]
    fn short_modes_combine_with_commas() {
        let v = read_ok::<ServiceVolume>("./a:/a:ro,Z,rshared,cached");
        assert!(v.read_only);
        let bind = v.bind.unwrap();
        assert_eq!(bind.selinux.map(|s| s.value), Some(SeLinux::Private));
        assert_eq!(
            bind.propagation.map(|p| p.value),
            Some(Propagation::RShared)
        );
        assert_eq!(v.consistency.unwrap().as_str(), "cached");
        let v = read_ok::<ServiceVolume>("cache:/cache:nocopy");
        assert!(v.volume.unwrap().nocopy);
    }

    #[test]
    fn an_unknown_short_mode_is_ignored_with_a_did_you_mean_warning() {
        let (volume, diags, sources) = read::<ServiceVolume>("./a:/a:ro,rox");
        let d = diags.iter().next().unwrap();
        assert_eq!(
            (d.code, d.severity),
            (Code::UnknownVolumeMode, crate::diag::Severity::Warning)
        );
        assert_eq!(sources.text(d.span.unwrap()), Some("rox"));
        assert_eq!(d.help.as_deref(), Some("did you mean `ro`?"));
        assert!(volume.unwrap().read_only);
        // `roz` (as in a widely used official file): Docker mounts it read-write.
        let (volume, diags, _) = read::<ServiceVolume>("./a:/a:roz");
        assert!(!volume.unwrap().read_only);
        let d = diags.iter().next().unwrap();
        assert_eq!(
            d.help.as_deref(),
            Some("did you mean `ro,z`? Options are separated by commas")
        );
    }

    #[test]
    fn short_source_span_points_at_the_source() {
        let (v, _, sources) = read::<ServiceVolume>("\"db-data:/data\"");
        assert_eq!(
            sources.text(v.unwrap().source.unwrap().span),
            Some("db-data")
        );
    }

    #[test]
    fn malformed_short_volumes_are_invalid_values() {
        assert_eq!(codes_of::<ServiceVolume>("a:b:c:d"), [Code::InvalidValue]);
        assert_eq!(codes_of::<ServiceVolume>("a::/b"), [Code::InvalidValue]);
        assert_eq!(codes_of::<ServiceVolume>("''"), [Code::InvalidValue]);
    }

    #[test]
    fn windows_drive_sources_are_binds_kept_as_written() {
        let v = read_ok::<ServiceVolume>(r"'C:\data:/data'");
        assert_eq!(v.kind, VolumeType::Bind);
        assert_eq!(v.source.unwrap().as_str(), r"C:\data");
        assert_eq!(v.target, "/data");
        // A one-letter volume name is still a volume.
        let v = read_ok::<ServiceVolume>("a:/data");
        assert_eq!(
            (v.kind, v.source.unwrap().as_str()),
            (VolumeType::Volume, "a")
        );
    }

    #[test]
    fn long_bind_source_is_resolved_without_creating_the_path() {
        let v = read_ok::<ServiceVolume>(
            "{type: bind, source: ./conf, target: /etc/conf, read_only: true, bind: {selinux: z}}",
        );
        assert_eq!(v.source.unwrap().as_str(), "/project/conf");
        assert!(v.read_only);
        let bind = v.bind.unwrap();
        assert!(!bind.create_host_path);
        assert_eq!(bind.selinux.map(|s| s.value), Some(SeLinux::Shared));
    }

    #[test]
    fn long_tmpfs_reads_size_and_octal_mode() {
        let v = read_ok::<ServiceVolume>(
            "{type: tmpfs, target: /tmp, tmpfs: {size: 64m, mode: 01777}}",
        );
        let tmpfs = v.tmpfs.unwrap();
        assert_eq!(tmpfs.size.unwrap().value, ByteSize(64 << 20));
        assert_eq!(tmpfs.mode.unwrap().value, TmpfsMode(FileMode(0o1777)));
    }

    #[test]
    fn long_volume_options_and_image_mounts() {
        let v = read_ok::<ServiceVolume>(
            "{type: volume, source: v, target: /v, volume: {nocopy: true, subpath: sub, labels: [a=b]}}",
        );
        let options = v.volume.unwrap();
        assert!(options.nocopy);
        assert_eq!(options.labels.len(), 1);
        let v = read_ok::<ServiceVolume>(
            "{type: image, source: alpine, target: /img, image: {subpath: etc}}",
        );
        assert_eq!(v.kind, VolumeType::Image);
    }

    #[test]
    fn long_syntax_problems_are_reported() {
        assert_eq!(
            codes_of::<ServiceVolume>("{type: bind, target: /x}"),
            [Code::MissingKey]
        );
        assert_eq!(
            codes_of::<ServiceVolume>("{type: bnd, source: a, target: /x}"),
            [Code::InvalidValue]
        );
        assert_eq!(
            codes_of::<ServiceVolume>("{source: a}"),
            [Code::MissingKey, Code::MissingKey]
        );
        assert_eq!(
            codes_of::<ServiceVolume>("{type: volume, target: /x, readonly: true}"),
            [Code::UnknownKey]
        );
    }

    #[test]
    fn file_reference_short_form_is_the_source() {
        let r = read_ok::<FileReference>("db_password");
        assert_eq!(r.source.unwrap().as_str(), "db_password");
        assert_eq!(r.target, None);
    }

    #[test]
    fn file_reference_long_form_reads_owner_and_octal_mode() {
        let r = read_ok::<FileReference>(
            "{source: s, target: /run/s, uid: '103', gid: 103, mode: 0440}",
        );
        assert_eq!(r.uid.unwrap().as_str(), "103");
        assert_eq!(r.gid.unwrap().as_str(), "103");
        assert_eq!(r.mode.unwrap().value, FileMode(0o440));
        assert_eq!(
            codes_of::<FileReference>("{target: /x}"),
            [Code::MissingKey]
        );
    }

    #[test]
    fn short_devices_follow_the_docker_cli() {
        let d = read_ok::<DeviceMapping>("/dev/ttyUSB0");
        assert_eq!(
            (d.source.as_str(), d.target, d.permissions),
            ("/dev/ttyUSB0", None, None)
        );
        let d = read_ok::<DeviceMapping>("/dev/a:/dev/b");
        assert_eq!(d.target.unwrap().as_str(), "/dev/b");
        let d = read_ok::<DeviceMapping>("/dev/a:rw");
        assert_eq!((d.target, d.permissions.unwrap().as_str()), (None, "rw"));
        let d = read_ok::<DeviceMapping>("/dev/a:/dev/b:rwm");
        assert_eq!(d.permissions.unwrap().as_str(), "rwm");
    }

    #[test]
    fn bad_devices_are_reported() {
        assert_eq!(
            codes_of::<DeviceMapping>("/dev/a:/dev/b:xyz"),
            [Code::InvalidValue]
        );
        assert_eq!(codes_of::<DeviceMapping>("a:b:c:d"), [Code::InvalidValue]);
        assert_eq!(
            codes_of::<DeviceMapping>("{target: /dev/b}"),
            [Code::MissingKey]
        );
        let d = read_ok::<DeviceMapping>("{source: /dev/a, target: /dev/b, permissions: r}");
        assert_eq!(d.source, "/dev/a");
    }

    #[test]
    fn secrets_and_configs_land_where_compose_puts_them() {
        let path = |yaml: &str, dir: &str| read_ok::<FileReference>(yaml).container_path(dir);
        assert_eq!(path("source: token\n", SECRETS_DIR), "/run/secrets/token");
        assert_eq!(
            path("source: token\ntarget: key.txt\n", SECRETS_DIR),
            "/run/secrets/key.txt"
        );
        assert_eq!(path("source: site\n", ""), "/site");
        assert_eq!(
            path("source: site\ntarget: etc/site.conf\n", ""),
            "/etc/site.conf"
        );
        assert_eq!(
            path("source: site\ntarget: /etc/site.conf\n", ""),
            "/etc/site.conf"
        );
    }
}
