//! Per-container kernel limits: `ulimits` and `blkio_config`.

use crate::compose::model::de::{Cx, FromNode};
use crate::compose::model::syntax::ByteSize;
use crate::compose::yaml::{Node, Value};
use crate::source::Spanned;

crate::compose_struct! {
    @map_only
    /// One ulimit. A single number sets both limits.
    pub struct Ulimit in "a ulimit" {
        "soft" => soft: i64,
        "hard" => hard: i64,
    }
    required ["soft", "hard"]
}

impl FromNode for Ulimit {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let ulimit = match &node.value {
            Value::Map(map) => Self::read_map(node, map, cx),
            Value::Scalar(_) => {
                let limit = i64::from_node(node, cx)?;
                Self {
                    soft: limit,
                    hard: limit,
                    span: Some(node.span),
                    ..Self::default()
                }
            }
            Value::Seq(_) => {
                cx.invalid_type(node, "a number or a mapping with `soft` and `hard`");
                return None;
            }
        };
        if ulimit.keys.get("hard").is_some()
            && ulimit.soft >= 0
            && ulimit.hard >= 0
            && ulimit.soft > ulimit.hard
        {
            cx.invalid_value(
                ulimit.keys.get("soft").unwrap_or(node.span),
                format!(
                    "the soft limit {} is above the hard limit {}",
                    ulimit.soft, ulimit.hard
                ),
                "make `soft` at most `hard`",
            );
        }
        Some(ulimit)
    }
}

crate::compose_struct! {
    /// Block IO limits (`blkio_config`).
    pub struct BlkioConfig in "`blkio_config`" {
        "device_read_bps" => device_read_bps: Vec<Spanned<BlkioLimit>>,
        "device_read_iops" => device_read_iops: Vec<Spanned<BlkioLimit>>,
        "device_write_bps" => device_write_bps: Vec<Spanned<BlkioLimit>>,
        "device_write_iops" => device_write_iops: Vec<Spanned<BlkioLimit>>,
        /// Relative weight, 10 to 1000.
        "weight" => weight: Option<Spanned<u16>>,
        "weight_device" => weight_device: Vec<Spanned<BlkioWeight>>,
    }
}

crate::compose_struct! {
    /// A rate limit on one device (bytes per second, or operations per second for `*_iops`).
    pub struct BlkioLimit in "a device rate limit" {
        "path" => path: String,
        "rate" => rate: Option<Spanned<ByteSize>>,
    }
    required ["path", "rate"]
}

crate::compose_struct! {
    /// A weight on one device.
    pub struct BlkioWeight in "a device weight" {
        "path" => path: String,
        "weight" => weight: Option<Spanned<u16>>,
    }
    required ["path", "weight"]
}
