//! Suite cases: Accounts: users, sessions, API tokens.

use super::*;

/// The [`Accounts`](crate::Accounts) cases, one `#[test]` each, given a function that runs a case
/// on a fresh store of the backend.
#[macro_export]
macro_rules! accounts_suite {
    ($run:path) => {
        $crate::store_suite!(@cases $run,
            users_are_added_once_and_found_by_name,
            sessions_live_until_they_expire_or_the_user_is_disabled,
            api_tokens_name_their_user_until_revoked
        );
    };
}

/// A name is taken once (a second is a conflict, not a failure of the database); users are
/// listed by name; an unknown user cannot be changed.
pub fn users_are_added_once_and_found_by_name(s: &mut dyn crate::Accounts) {
    use crate::app::Role;
    assert_eq!(s.user_count().unwrap(), 0);
    let zoe = s.add_user("zoe", "hash-z", Role::Admin).unwrap();
    let ann = s.add_user("ann", "hash-a", Role::Analyst).unwrap();
    assert_ne!(zoe, ann);
    match s.add_user("zoe", "other", Role::Viewer) {
        Err(StoreError::Conflict(m)) => assert!(m.contains("zoe"), "{m}"),
        other => panic!("a second `zoe` must be a conflict, got {other:?}"),
    }
    let (u, hash) = s.user_by_name("zoe").unwrap().unwrap();
    assert_eq!(
        (u.id, u.role, hash.as_str(), u.disabled),
        (zoe, Role::Admin, "hash-z", false)
    );
    assert!(s.user_by_name("nobody").unwrap().is_none());
    let names: Vec<String> = s.users().unwrap().into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["ann", "zoe"]);
    assert_eq!(s.user_count().unwrap(), 2);
    s.update_user(ann, Some(Role::Viewer), None, None).unwrap();
    assert_eq!(s.user_by_name("ann").unwrap().unwrap().0.role, Role::Viewer);
    assert!(matches!(
        s.update_user(ann + zoe + 100, Some(Role::Viewer), None, None),
        Err(StoreError::NotFound(_))
    ));
}

/// A session names its user and CSRF token until it expires, is ended, or the user is disabled or
/// given a new password (which ends every session of the user).
pub fn sessions_live_until_they_expire_or_the_user_is_disabled(s: &mut dyn crate::Accounts) {
    use crate::app::Role;
    let ann = s.add_user("ann", "h", Role::Analyst).unwrap();
    let later = now() + 3600;
    s.create_session("live", ann, "csrf-1", later).unwrap();
    s.create_session("old", ann, "csrf-2", now() - 10).unwrap();
    let (u, csrf) = s.session_user("live").unwrap().unwrap();
    assert_eq!((u.id, csrf.as_str()), (ann, "csrf-1"));
    assert!(s.session_user("old").unwrap().is_none(), "expired");
    assert!(s.session_user("unknown").unwrap().is_none());
    s.delete_session("live").unwrap();
    assert!(s.session_user("live").unwrap().is_none(), "ended");
    s.create_session("again", ann, "csrf-3", later).unwrap();
    s.update_user(ann, None, Some("new-hash"), None).unwrap();
    assert!(
        s.session_user("again").unwrap().is_none(),
        "a new password ends sessions"
    );
    s.create_session("third", ann, "csrf-4", later).unwrap();
    s.update_user(ann, None, None, Some(true)).unwrap();
    assert!(s.session_user("third").unwrap().is_none(), "disabled");
    assert!(s.user_by_name("ann").unwrap().unwrap().0.disabled);
}

/// An API token names its user until it is revoked (by its owner only) or the user is disabled;
/// a user's tokens are listed in the order they were made.
pub fn api_tokens_name_their_user_until_revoked(s: &mut dyn crate::Accounts) {
    use crate::app::Role;
    let ann = s.add_user("ann", "h", Role::Analyst).unwrap();
    let bob = s.add_user("bob", "h", Role::Viewer).unwrap();
    let t1 = s.create_api_token(ann, "laptop", "th-1").unwrap();
    let t2 = s.create_api_token(ann, "ci", "th-2").unwrap();
    s.create_api_token(bob, "bob's", "th-3").unwrap();
    assert_eq!(s.token_user("th-1").unwrap().unwrap().id, ann);
    assert!(s.token_user("th-x").unwrap().is_none());
    let listed: Vec<(i64, String)> = s
        .api_tokens(ann)
        .unwrap()
        .into_iter()
        .map(|(id, name, _, used)| {
            assert_eq!(used, None);
            (id, name)
        })
        .collect();
    assert_eq!(listed, [(t1, "laptop".to_string()), (t2, "ci".to_string())]);
    assert!(!s.revoke_api_token(bob, t1).unwrap(), "not bob's token");
    assert!(s.revoke_api_token(ann, t1).unwrap());
    assert!(s.token_user("th-1").unwrap().is_none());
    assert!(!s.revoke_api_token(ann, t1).unwrap(), "already revoked");
    s.update_user(ann, None, None, Some(true)).unwrap();
    assert!(s.token_user("th-2").unwrap().is_none(), "disabled");
    assert_eq!(s.token_user("th-3").unwrap().unwrap().id, bob);
}
