//! Image references split into name, tag and digest, for the outputs that let a user change
//! the tag: the Helm chart's `image.repository`/`image.tag` values and Kustomize's `images:`.

/// An image reference: `name[:tag][@digest]`. The name keeps a registry port
/// (`localhost:5000/web`): a tag is only a `:` after the last `/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageReference<'a> {
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageReference<'a> {
    #[must_use]
    pub fn parse(image: &'a str) -> Self {
        let (rest, digest) = match image.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (image, None),
        };
        let last_segment = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest.rfind(':') {
            Some(colon) if colon >= last_segment => {
                (rest.get(..colon).unwrap_or(rest), rest.get(colon + 1..))
            }
            _ => (rest, None),
        };
        Self { name, tag, digest }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(image: &str) -> (&str, Option<&str>, Option<&str>) {
        let r = ImageReference::parse(image);
        (r.name, r.tag, r.digest)
    }

    #[test]
    fn image_references_split_at_the_tag_not_at_a_registry_port() {
        assert_eq!(parts("nginx"), ("nginx", None, None));
        assert_eq!(parts("nginx:1.27"), ("nginx", Some("1.27"), None));
        assert_eq!(
            parts("localhost:5000/shop/web"),
            ("localhost:5000/shop/web", None, None)
        );
        assert_eq!(
            parts("localhost:5000/web:2@sha256:ab"),
            ("localhost:5000/web", Some("2"), Some("sha256:ab"))
        );
        assert_eq!(parts("web@sha256:ab"), ("web", None, Some("sha256:ab")));
        assert_eq!(parts("web:"), ("web", Some(""), None));
    }
}
