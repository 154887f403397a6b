//! Inline keyboards and their callback data. Callback data is written by the client and can be
//! forged: every press is parsed here and authorised again against the database.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::db::plan::UnitRow;
use crate::domain::role::Role;

/// What a button press asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Press {
    /// /invite without arguments: the role was chosen.
    InviteRole(Role),
    /// …and for a contact, the unit.
    InviteUnit(i64),
}

impl Press {
    pub fn data(&self) -> String {
        match self {
            Self::InviteRole(role) => format!("inv:{}", role.as_str()),
            Self::InviteUnit(unit) => format!("inv:contact:{unit}"),
        }
    }

    pub fn parse(data: &str) -> Option<Self> {
        let parts: Vec<&str> = data.split(':').collect();
        match parts.as_slice() {
            ["inv", "contact", unit] => {
                unit.parse().ok().filter(|id| *id > 0).map(Self::InviteUnit)
            }
            ["inv", role] => Role::from_db(role).map(Self::InviteRole),
            _ => None,
        }
    }
}

fn button(text: &str, press: Press) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.to_owned(), press.data())
}

pub fn invite_roles() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        button("联络员", Press::InviteRole(Role::Contact)),
        button("分管领导", Press::InviteRole(Role::Leader)),
        button("管理员", Press::InviteRole(Role::Admin)),
    ]])
}

/// Two units a row: long Chinese names fit a phone that way.
pub fn invite_units(units: &[UnitRow]) -> InlineKeyboardMarkup {
    let buttons: Vec<InlineKeyboardButton> = units
        .iter()
        .map(|u| button(&u.name, Press::InviteUnit(u.id)))
        .collect();
    InlineKeyboardMarkup::new(buttons.chunks(2).map(<[InlineKeyboardButton]>::to_vec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_data_reads_back_and_forgeries_are_rejected() {
        for press in [Press::InviteRole(Role::Leader), Press::InviteUnit(7)] {
            assert_eq!(Press::parse(&press.data()), Some(press));
        }
        assert_eq!(Press::parse("inv:king"), None);
        assert_eq!(Press::parse("inv:contact:-1"), None);
        assert_eq!(Press::parse("inv:contact:abc"), None);
        assert_eq!(Press::parse("rm:all"), None);
    }
}
