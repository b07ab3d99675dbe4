//! The Rust column of `tests/surface.json` against the real Rust surface, in
//! both directions: every name the manifest gives exists, and every public
//! field, method and function of the shared types is in the manifest.

use elements_auth::{ErrorDetails, ErrorKind, CLIENT_OPTIONS};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(root().join("tests/surface.json")).expect("surface.json");
    serde_json::from_str(&text).expect("surface.json is JSON")
}

/// The Rust names of a manifest group (those that are not `{"none": ...}`).
fn rust_names(m: &Value, group: &str) -> BTreeSet<String> {
    let items = m["groups"][group]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("group {group} is missing"));
    items
        .iter()
        .filter_map(|i| i["rust"].as_str().map(str::to_owned))
        .collect()
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// The public fields of `struct name` in `file`.
fn struct_fields(file: &syn::File, name: &str) -> BTreeSet<String> {
    for item in &file.items {
        if let syn::Item::Struct(s) = item {
            if s.ident == name {
                return s
                    .fields
                    .iter()
                    .filter(|f| is_pub(&f.vis))
                    .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                    .collect();
            }
        }
    }
    panic!("no struct {name}");
}

/// The public methods of every `impl name` block in `file`.
fn impl_methods(file: &syn::File, name: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(p) = &*imp.self_ty else {
            continue;
        };
        if !p.path.is_ident(name) {
            continue;
        }
        for it in &imp.items {
            if let syn::ImplItem::Fn(f) = it {
                if is_pub(&f.vis) {
                    out.insert(f.sig.ident.to_string());
                }
            }
        }
    }
    assert!(!out.is_empty(), "no public methods on {name}");
    out
}

/// The public free functions and constants of `file`.
fn free_items(file: &syn::File) -> BTreeSet<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) if is_pub(&f.vis) => Some(f.sig.ident.to_string()),
            syn::Item::Const(c) if is_pub(&c.vis) => Some(c.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The names `lib.rs` re-exports with `pub use`.
fn reexports(file: &syn::File) -> BTreeSet<String> {
    fn walk(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(p) => walk(&p.tree, out),
            syn::UseTree::Name(n) => {
                out.insert(n.ident.to_string());
            }
            syn::UseTree::Rename(r) => {
                out.insert(r.rename.to_string());
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| walk(t, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = BTreeSet::new();
    for item in &file.items {
        if let syn::Item::Use(u) = item {
            if is_pub(&u.vis) {
                walk(&u.tree, &mut out);
            }
        }
    }
    out
}

/// `CamelCase`, as opposed to `snake_case` functions and `SCREAMING` constants.
fn is_type_name(n: &str) -> bool {
    n.chars().next().is_some_and(char::is_uppercase) && n.chars().any(char::is_lowercase)
}

fn same(group: &str, manifest: &BTreeSet<String>, real: &BTreeSet<String>) {
    let missing: Vec<_> = manifest.difference(real).collect();
    let unlisted: Vec<_> = real.difference(manifest).collect();
    assert!(
        missing.is_empty() && unlisted.is_empty(),
        "group {group}: in the manifest but not in Rust: {missing:?}; in Rust but not in the manifest: {unlisted:?}"
    );
}

fn src(crate_dir: &str, file: &str) -> syn::File {
    parse(&root().join(crate_dir).join("src").join(file))
}

#[test]
fn client_options_match_the_manifest() {
    let m = manifest();
    let names = rust_names(&m, "client_options");
    let spec: BTreeSet<String> = CLIENT_OPTIONS.iter().map(|s| s.name.to_owned()).collect();
    same("client_options (CLIENT_OPTIONS)", &names, &spec);
    let mut fields = struct_fields(&src("core", "options.rs"), "ClientOptions");
    // Set by each binding to name itself in the User-Agent, not by users.
    assert!(fields.remove("binding"));
    same("client_options (ClientOptions fields)", &names, &fields);
}

#[test]
fn client_methods_match_the_manifest() {
    let m = manifest();
    same(
        "client",
        &rust_names(&m, "client"),
        &impl_methods(&src("core", "client.rs"), "Client"),
    );
}

#[test]
fn request_and_result_fields_match_the_manifest() {
    let m = manifest();
    for (group, file, name) in [
        ("oauth_url_request", "oauth.rs", "OAuthUrlRequest"),
        ("oauth_url", "oauth.rs", "OAuthUrl"),
        (
            "create_instance_request",
            "instance.rs",
            "CreateInstanceRequest",
        ),
        ("events", "instance.rs", "Events"),
        ("instance", "instance.rs", "Instance"),
        ("grant", "callback.rs", "Grant"),
        ("state_claims", "state.rs", "StateClaims"),
    ] {
        same(
            group,
            &rust_names(&m, group),
            &struct_fields(&src("core", file), name),
        );
    }
}

#[test]
fn free_functions_and_constants_match_the_manifest() {
    let m = manifest();
    let lib = src("core", "lib.rs");
    let exported = reexports(&lib);
    let mut defined = free_items(&lib);
    for file in [
        "callback.rs",
        "event.rs",
        "webhook.rs",
        "text.rs",
        "validate.rs",
        "options.rs",
        "state.rs",
    ] {
        defined.extend(free_items(&src("core", file)));
    }
    // What lib.rs re-exports or defines that is a function or a constant.
    let mut real: BTreeSet<String> = defined
        .into_iter()
        .filter(|n| exported.contains(n) || free_items(&lib).contains(n))
        .collect();
    // Defaults and limits of the options are documented with the options.
    real.retain(|n| !(n.starts_with("DEFAULT_") || n.starts_with("MAX_")));
    real.remove("CLIENT_OPTIONS");
    real.remove("RETRYABLE_STATUSES");
    let mut listed = rust_names(&m, "functions");
    listed.extend(
        rust_names(&m, "support")
            .into_iter()
            .filter(|n| !is_type_name(n)),
    );
    listed.extend(
        rust_names(&m, "constants")
            .into_iter()
            .filter(|n| !n.contains("::")),
    );
    same("functions + support + constants", &listed, &real);
}

#[test]
fn types_match_the_manifest() {
    let m = manifest();
    let mut listed = rust_names(&m, "types");
    listed.extend(
        rust_names(&m, "support")
            .into_iter()
            .filter(|n| is_type_name(n)),
    );
    let mut exported: BTreeSet<String> = reexports(&src("core", "lib.rs"))
        .into_iter()
        .filter(|n| is_type_name(n))
        .collect();
    // The sandbox's own types, re-exported by nobody but defined in its lib.rs.
    let sandbox = src("sandbox", "lib.rs");
    for item in &sandbox.items {
        if let syn::Item::Struct(s) = item {
            if is_pub(&s.vis) {
                exported.insert(s.ident.to_string());
            }
        }
    }
    // ...or in its modules, re-exported by its lib.rs (the events' types).
    exported.extend(reexports(&sandbox).into_iter().filter(|n| is_type_name(n)));
    same("types + support types", &listed, &exported);
}

#[test]
fn error_kinds_and_fields_match_the_manifest() {
    let m = manifest();
    let items = m["groups"]["error_kinds"]["items"].as_array().unwrap();
    let concepts: Vec<&str> = items
        .iter()
        .map(|i| i["concept"].as_str().unwrap())
        .collect();
    let kinds: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(concepts, kinds, "error kinds and their order");
    for (i, item) in items.iter().enumerate() {
        assert_eq!(
            format!("{:?}", ErrorKind::ALL[i]),
            item["rust"].as_str().unwrap()
        );
        assert_eq!(item["cli"].as_str().unwrap(), (10 + i).to_string());
    }
    let fields: Vec<String> = m["groups"]["error_fields"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["rust"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        ErrorDetails::FIELD_NAMES,
        "error fields and their order"
    );
    let details: BTreeSet<String> = struct_fields(&src("core", "error.rs"), "ErrorDetails");
    same(
        "error_fields (ErrorDetails)",
        &fields.into_iter().collect(),
        &details,
    );
}

#[test]
fn sandbox_matches_the_manifest() {
    let m = manifest();
    let lib = src("sandbox", "lib.rs");
    same(
        "sandbox_options",
        &rust_names(&m, "sandbox_options"),
        &struct_fields(&lib, "SandboxOptions"),
    );
    same(
        "sandbox",
        &rust_names(&m, "sandbox"),
        &impl_methods(&lib, "Sandbox"),
    );
}

#[test]
fn state_signer_matches_the_manifest() {
    let m = manifest();
    same(
        "state_signer",
        &rust_names(&m, "state_signer"),
        &impl_methods(&src("core", "state.rs"), "StateSigner"),
    );
}

#[test]
fn every_group_names_each_language_or_says_why_not() {
    let m = manifest();
    let languages: Vec<&str> = m["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for (group, body) in m["groups"].as_object().unwrap() {
        for item in body["items"].as_array().unwrap() {
            for lang in &languages {
                let v = &item[*lang];
                let ok = v.as_str().is_some_and(|s| !s.is_empty())
                    || v["none"].as_str().is_some_and(|s| s.len() > 10);
                assert!(
                    ok,
                    "{group}.{}: {lang} is neither a name nor a reason",
                    item["concept"]
                );
            }
        }
    }
}

// --- events: the notification types, the deliveries, trigger_event's arguments ---

/// The parameter names (without `self`) of the public method `name` of `impl ty` in `file`.
fn method_params(file: &syn::File, ty: &str, name: &str) -> BTreeSet<String> {
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(p) = &*imp.self_ty else {
            continue;
        };
        if imp.trait_.is_some() || !p.path.is_ident(ty) {
            continue;
        }
        for it in &imp.items {
            if let syn::ImplItem::Fn(f) = it {
                if f.sig.ident == name && is_pub(&f.vis) {
                    return f
                        .sig
                        .inputs
                        .iter()
                        .filter_map(|arg| match arg {
                            syn::FnArg::Typed(t) => match &*t.pat {
                                syn::Pat::Ident(i) => Some(i.ident.to_string()),
                                _ => None,
                            },
                            syn::FnArg::Receiver(_) => None,
                        })
                        .collect();
                }
            }
        }
    }
    panic!("no public {ty}::{name}");
}

#[test]
fn event_types_and_trigger_arguments_match_the_manifest() {
    let m = manifest();
    for (group, krate, file, name) in [
        (
            "event_notification",
            "core",
            "event.rs",
            "EventNotification",
        ),
        (
            "notification_event",
            "core",
            "event.rs",
            "NotificationEvent",
        ),
        ("delivery", "sandbox", "events.rs", "Delivery"),
    ] {
        same(
            group,
            &rust_names(&m, group),
            &struct_fields(&src(krate, file), name),
        );
    }
    same(
        "trigger_event",
        &rust_names(&m, "trigger_event"),
        &method_params(&src("sandbox", "lib.rs"), "Sandbox", "trigger_event"),
    );
}
