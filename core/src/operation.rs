//! The platform calls the client makes, each with its method and idempotence.

/// One platform call. Errors carry it, so that a binding can say which call
/// failed and whether repeating it is safe, in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `GET /elements/{key}/oauth/url`: step 1.
    OAuthUrl,
    /// `POST /instances`: step 3, which spends the single-use code.
    CreateInstance,
    /// `GET /instances/{id}`.
    GetInstance,
    /// `GET /instances`.
    ListInstances,
    /// `DELETE /instances/{id}`.
    DeleteInstance,
}

impl Operation {
    /// Every operation, in a fixed order.
    pub const ALL: [Operation; 5] = [
        Operation::OAuthUrl,
        Operation::CreateInstance,
        Operation::GetInstance,
        Operation::ListInstances,
        Operation::DeleteInstance,
    ];

    /// The snake_case name shared by every language (`create_instance`...).
    pub fn name(self) -> &'static str {
        match self {
            Operation::OAuthUrl => "oauth_url",
            Operation::CreateInstance => "create_instance",
            Operation::GetInstance => "get_instance",
            Operation::ListInstances => "list_instances",
            Operation::DeleteInstance => "delete_instance",
        }
    }

    /// The HTTP method.
    pub fn method(self) -> &'static str {
        match self {
            Operation::OAuthUrl | Operation::GetInstance | Operation::ListInstances => "GET",
            Operation::CreateInstance => "POST",
            Operation::DeleteInstance => "DELETE",
        }
    }

    /// The endpoint as the platform's documentation writes it, for messages
    /// that must read the same in every language.
    pub fn endpoint(self) -> &'static str {
        match self {
            Operation::OAuthUrl => "GET /elements/{key}/oauth/url",
            Operation::CreateInstance => "POST /instances",
            Operation::GetInstance => "GET /instances/{id}",
            Operation::ListInstances => "GET /instances",
            Operation::DeleteInstance => "DELETE /instances/{id}",
        }
    }

    /// True when sending it twice has the effect of sending it once, so that
    /// a failed attempt may be repeated. A create spends its code; a delete
    /// that went through answers 404 the second time: neither is.
    pub fn is_idempotent(self) -> bool {
        matches!(
            self,
            Operation::OAuthUrl | Operation::GetInstance | Operation::ListInstances
        )
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
