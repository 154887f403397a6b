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
    pub fn label(self) -> &'static str {
        self.title()
    }

    /// The role as people call it (the same as [`Role::label`]).
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

/// How a contact stands on a project (SPEC.md §2): the lead unit's contact (牵头) reports the
/// figures that count; a co-operating unit's contact (协办) adds what their unit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentRole {
    Lead,
    Co,
}

impl AssignmentRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Co => "co",
        }
    }

    /// The role as stored; anything but "co" is the lead, as the database's default is.
    pub fn from_db(text: &str) -> Self {
        if text == Self::Co.as_str() {
            Self::Co
        } else {
            Self::Lead
        }
    }

    /// As an admin types it in /assign: lead, co, 牵头 or 协办.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "lead" | "牵头" => Some(Self::Lead),
            "co" | "协办" => Some(Self::Co),
            _ => None,
        }
    }

    /// The role as people call it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Lead => "牵头",
            Self::Co => "协办",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assignment_role_reads_back_from_the_database_and_names_itself() {
        assert_eq!(AssignmentRole::from_db("co").label(), "协办");
        assert_eq!(AssignmentRole::from_db("lead").label(), "牵头");
        assert_eq!(
            AssignmentRole::from_db(AssignmentRole::Co.as_str()),
            AssignmentRole::Co
        );
    }

    #[test]
    fn an_assignment_role_reads_as_an_admin_types_it() {
        assert_eq!(AssignmentRole::parse("lead"), Some(AssignmentRole::Lead));
        assert_eq!(AssignmentRole::parse("牵头"), Some(AssignmentRole::Lead));
        assert_eq!(AssignmentRole::parse("co"), Some(AssignmentRole::Co));
        assert_eq!(AssignmentRole::parse("协办"), Some(AssignmentRole::Co));
        assert_eq!(AssignmentRole::parse("Co"), None);
    }

    #[test]
    fn every_role_reads_back_from_the_database() {
        for role in [Role::Admin, Role::Leader, Role::Contact] {
            assert_eq!(Role::from_db(role.as_str()), Some(role));
        }
    }
}
