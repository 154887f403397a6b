//! The three kinds of people the bot serves (SPEC.md §1).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    Leader,
    Contact,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Leader => "leader",
            Self::Contact => "contact",
        }
    }

    /// The role as people call it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Admin => "管理员（工作专班）",
            Self::Leader => "分管负责同志",
            Self::Contact => "单位联络员",
        }
    }

    pub fn from_db(text: &str) -> Option<Self> {
        [Self::Admin, Self::Leader, Self::Contact]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}
