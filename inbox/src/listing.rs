//! The inbox's order: new requests oldest first, so the longest wait is seen first; then
//! contacted and closed, most recently changed first.

use crate::model::Item;
use crate::when::parse_rfc3339;

pub struct Group {
    pub heading: &'static str,
    pub items: Vec<Item>,
}

pub fn group(items: &[Item]) -> Vec<Group> {
    let pick = |status: &str| -> Vec<Item> {
        items
            .iter()
            .filter(|i| i.status == status)
            .cloned()
            .collect()
    };
    let mut new = pick("new");
    new.sort_by_key(|i| parse_rfc3339(&i.received_at));
    let latest_first = |mut v: Vec<Item>| {
        v.sort_by_key(|i| {
            std::cmp::Reverse(
                i.status_changed_at
                    .as_deref()
                    .and_then(parse_rfc3339)
                    .or_else(|| parse_rfc3339(&i.received_at)),
            )
        });
        v
    };
    vec![
        Group {
            heading: "New",
            items: new,
        },
        Group {
            heading: "Contacted",
            items: latest_first(pick("contacted")),
        },
        Group {
            heading: "Closed",
            items: latest_first(pick("closed")),
        },
    ]
}

/// The first block of the request id: enough for staff to tell requests apart out loud.
pub fn reference(request_id: &str) -> &str {
    request_id.split('-').next().unwrap_or(request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, status: &str, received: &str, changed: Option<&str>) -> Item {
        Item {
            request_id: id.to_owned(),
            status: status.to_owned(),
            received_at: received.to_owned(),
            expires_at: "2027-01-01T00:00:00Z".to_owned(),
            status_changed_at: changed.map(str::to_owned),
            outcome: None,
            key_id: None,
            sealed: true,
        }
    }

    #[test]
    fn new_oldest_first_then_the_rest_latest_first() {
        let items = [
            item("b", "new", "2026-11-23T10:00:00Z", None),
            item(
                "c",
                "contacted",
                "2026-11-01T10:00:00Z",
                Some("2026-11-02T10:00:00Z"),
            ),
            item("a", "new", "2026-11-22T10:00:00Z", None),
            item(
                "d",
                "contacted",
                "2026-11-01T10:00:00Z",
                Some("2026-11-05T10:00:00Z"),
            ),
            item(
                "e",
                "closed",
                "2026-11-01T10:00:00Z",
                Some("2026-11-03T10:00:00Z"),
            ),
        ];
        let groups = group(&items);
        let ids = |g: &Group| {
            g.items
                .iter()
                .map(|i| i.request_id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(groups[0].heading, "New");
        assert_eq!(ids(&groups[0]), ["a", "b"]);
        assert_eq!(ids(&groups[1]), ["d", "c"]);
        assert_eq!(ids(&groups[2]), ["e"]);
    }

    #[test]
    fn reference_is_the_first_block() {
        assert_eq!(
            reference("3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34"),
            "3f2b8c1e"
        );
    }
}
