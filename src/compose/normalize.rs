//! Removing repeated entries after merging, as `docker compose` does.
//!
//! Merging appends sequences, so an override file that re-declares a port or a mount would
//! leave it twice. Each kind of entry has an identity (a mount its target path, a port its
//! host address, number and protocol); a later entry with the same identity replaces the
//! earlier one in place.

use std::hash::Hash;

use crate::compose::model::Project;
use crate::compose::model::mounts::SECRETS_DIR;
use crate::hash::HashMap;

/// Makes every identity-keyed list of every service unique.
pub fn deduplicate(project: &mut Project) {
    for service in project.services.values_mut() {
        unique_by(&mut service.ports, |p| {
            (
                p.host_ip.clone().unwrap_or_else(|| "0.0.0.0".into()),
                p.published.clone(),
                p.target,
                p.protocol().to_owned(),
            )
        });
        unique_by(&mut service.volumes, |v| v.target.clone());
        unique_by(&mut service.secrets, |s| s.container_path(SECRETS_DIR));
        unique_by(&mut service.configs, |c| c.container_path(""));
        unique_by(&mut service.expose, |e| e.value.clone());
        unique_by(&mut service.env_file, |e| e.path.clone());
        unique_by(&mut service.profiles, |s| s.value.clone());
        if let Some(rare) = &mut service.rare {
            unique_by(&mut rare.links, |l| l.value.clone());
            unique_by(&mut rare.devices, |d| {
                d.target
                    .as_ref()
                    .map_or_else(|| d.source.clone(), |t| t.value.clone())
            });
            for list in [
                &mut rare.dns.0,
                &mut rare.dns_search.0,
                &mut rare.tmpfs.0,
                &mut rare.dns_opt,
                &mut rare.cap_add,
                &mut rare.cap_drop,
                &mut rare.external_links,
                &mut rare.security_opt,
            ] {
                unique_by(list, |s| s.value.clone());
            }
        }
        for network in service.networks.values_mut() {
            unique_by(&mut network.aliases, |a| a.value.clone());
            if let Some(rare) = &mut network.rare {
                unique_by(&mut rare.link_local_ips, |a| a.value.clone());
            }
        }
    }
}

/// Keeps the first position of each identity, holding the last entry written for it.
fn unique_by<T, K: Eq + Hash>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    // Most lists have one entry or none: nothing to compare, no index to build.
    if items.len() < 2 {
        return;
    }
    let mut positions: HashMap<K, usize> = HashMap::default();
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        if let Some(slot) = positions.get(&key(&item)).and_then(|&i| out.get_mut(i)) {
            *slot = item;
        } else {
            positions.insert(key(&item), out.len());
            out.push(item);
        }
    }
    *items = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_entries_replace_earlier_ones_in_place() {
        let mut items = vec![("a", 1), ("b", 2), ("a", 3)];
        unique_by(&mut items, |(k, _)| *k);
        assert_eq!(items, [("a", 3), ("b", 2)]);
    }
}
