use crate::{Area, Profile};

/// What the panel can show for local support, given the area the person picked (if any).
#[derive(Debug, PartialEq)]
pub enum AreaChoice<'a> {
    /// One area applies: the landlord covers only one, or the person picked it.
    Chosen(&'a Area),
    /// The landlord covers several areas and the person has not picked one yet.
    Ask(&'a [Area]),
}

impl Profile {
    /// Picks the area to show. An unknown id is treated as no choice, so a stale pick
    /// never hides the list.
    pub fn area(&self, picked: Option<&str>) -> AreaChoice<'_> {
        if let [only] = self.areas.as_slice() {
            return AreaChoice::Chosen(only);
        }
        match picked.and_then(|id| self.areas.iter().find(|a| a.id == id)) {
            Some(area) => AreaChoice::Chosen(area),
            None => AreaChoice::Ask(&self.areas),
        }
    }
}
