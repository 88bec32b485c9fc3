//! The `partner-portal` binary as operators script it.

use std::process::Output;

use serde_json::Value;

use crate::helpers::{cli_command, cli_with_input, fresh_database, spawn_app};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A failure is one line on stderr, starting with `error:`, and a non-zero exit.
fn assert_refused(output: &Output, mentions: &str) {
    assert!(!output.status.success(), "succeeded: {}", stdout(output));
    let stderr = stderr(output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains(mentions),
        "{stderr} does not mention {mentions}"
    );
}

#[tokio::test]
async fn a_created_secret_is_alone_on_the_last_line_and_listed_without_its_value() {
    let app = spawn_app().await;

    let created = app.cli(&["secret", "create"]);
    assert!(created.status.success(), "{}", stderr(&created));
    let output = stdout(&created);
    let value = output.lines().last().unwrap();
    assert!(value.starts_with("ppw_") && value.len() >= 43, "{value}");

    let listed = app.cli(&["secret", "list", "--json"]);
    assert!(listed.status.success());
    assert!(!stdout(&listed).contains(value));
    let secrets: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(secrets.len(), 2);
    let newest = &secrets[1];
    for field in [
        "id",
        "header",
        "fingerprint",
        "created_at",
        "last_used_at",
        "active",
    ] {
        assert!(
            newest.get(field).is_some(),
            "{field} is missing from {newest}"
        );
    }
    assert_eq!(newest["header"], "x-api-key");
    assert_eq!(newest["active"], true);
    assert_eq!(newest["last_used_at"], Value::Null);
    assert!(output.contains(newest["fingerprint"].as_str().unwrap()));

    let table = app.cli(&["secret", "list"]);
    assert!(stdout(&table).contains("x-api-key"));
    assert!(!stdout(&table).contains(value));
}

#[tokio::test]
async fn tokens_are_listed_by_name_and_revoking_twice_says_so() {
    let app = spawn_app().await;
    let created = app.cli(&["token", "create", "booking backend"]);
    let value = stdout(&created).lines().last().unwrap().to_owned();
    assert!(value.starts_with("ppt_"), "{value}");

    let listed: Vec<Value> =
        serde_json::from_slice(&app.cli(&["token", "list", "--json"]).stdout).unwrap();
    let token = listed
        .iter()
        .find(|t| t["name"] == "booking backend")
        .unwrap();
    assert!(token.get("header").is_none());
    for field in ["id", "fingerprint", "created_at", "last_used_at", "active"] {
        assert!(
            token.get(field).is_some(),
            "{field} is missing from {token}"
        );
    }
    let token_id = token["id"].clone();
    let id = token_id.to_string();

    let revoked = app.cli(&["token", "revoke", &id]);
    assert!(revoked.status.success());
    let again = app.cli(&["token", "revoke", &id]);
    assert!(again.status.success());
    assert!(stdout(&again).contains("already revoked"));
    let listed: Vec<Value> =
        serde_json::from_slice(&app.cli(&["token", "list", "--json"]).stdout).unwrap();
    assert_eq!(
        listed.iter().find(|t| t["id"] == token_id).unwrap()["active"],
        false
    );

    assert_refused(&app.cli(&["token", "revoke", "999"]), "999");
    assert_refused(&app.cli(&["secret", "revoke", &id]), &id);
}

#[tokio::test]
async fn a_user_is_added_with_a_password_from_standard_input() {
    let app = spawn_app().await;

    let added = cli_with_input(
        &app.database_url,
        &["user", "add", "Admin@Example.com", "--role", "admin"],
        "correct horse battery\n",
    );
    assert!(added.status.success(), "{}", stderr(&added));

    let listed = stdout(&app.cli(&["user", "list"]));
    assert!(listed.contains("admin@example.com"), "{listed}");
    assert!(listed.contains("admin"));
    assert!(!listed.contains("correct horse"));

    let changed = cli_with_input(
        &app.database_url,
        &["user", "passwd", "admin@example.com"],
        "another long password\n",
    );
    assert!(changed.status.success(), "{}", stderr(&changed));
}

#[tokio::test]
async fn invalid_input_is_refused_with_one_line_and_changes_nothing() {
    let app = spawn_app().await;
    let url = app.database_url.clone();
    let before = [
        stdout(&app.cli(&["partner", "list"])),
        stdout(&app.cli(&["provider", "list"])),
        stdout(&app.cli(&["user", "list"])),
        stdout(&app.cli(&["secret", "list"])),
    ];

    assert_refused(
        &app.cli(&["provider", "add", "http://insecure.kaddio.com"]),
        "https",
    );
    assert_refused(&app.cli(&["provider", "add", "not a url"]), "not a url");
    assert_refused(
        &app.cli(&["provider", "add", "https://example.kaddio.com"]),
        "exists",
    );
    assert_refused(&app.cli(&["partner", "add", "acme"]), "already exists");
    assert_refused(&app.cli(&["partner", "add", "ac_me"]), "ac_me");
    assert_refused(&app.cli(&["partner", "disable", "nobody"]), "nobody");
    assert_refused(
        &app.cli(&["secret", "create", "--header", "Content-Type"]),
        "content-type",
    );
    assert_refused(
        &app.cli(&["secret", "create", "--header", "bad header"]),
        "header",
    );
    let admin = ["user", "add", "admin@example.com", "--role", "admin"];
    assert_refused(&cli_with_input(&url, &admin, "short\n"), "12 characters");
    let root = ["user", "add", "root@example.com", "--role", "root"];
    assert_refused(
        &cli_with_input(&url, &root, "a long enough password\n"),
        "root",
    );
    let nameless = ["user", "add", "not-an-address", "--role", "staff"];
    assert_refused(
        &cli_with_input(&url, &nameless, "a long enough password\n"),
        "address",
    );
    assert_refused(
        &cli_with_input(&url, &["user", "add", "a@b.se", "--role", "staff"], ""),
        "no password on standard input",
    );
    assert_refused(
        &app.cli(&["provider", "add", "https://user:hunter2@x.kaddio.com"]),
        "user name or password",
    );
    assert!(
        !stderr(&app.cli(&["provider", "add", "https://user:hunter2@x.kaddio.com"]))
            .contains("hunter2")
    );

    let after = [
        stdout(&app.cli(&["partner", "list"])),
        stdout(&app.cli(&["provider", "list"])),
        stdout(&app.cli(&["user", "list"])),
        stdout(&app.cli(&["secret", "list"])),
    ];
    assert_eq!(before, after);
}

#[tokio::test]
async fn unusable_command_lines_are_refused_by_the_parser() {
    let app = spawn_app().await;

    for args in [
        &["frobnicate"][..],
        &["user", "add", "a@b.se"],
        &["secret", "revoke", "one"],
        &[],
    ] {
        let output = app.cli(args);
        assert!(!output.status.success(), "{args:?} succeeded");
        let stderr = stderr(&output);
        assert!(
            stderr.contains("Usage") || stderr.contains("--help"),
            "{args:?}: {stderr}"
        );
    }
}

#[tokio::test]
async fn a_command_that_meets_a_locked_database_says_so_in_one_line() {
    use sqlx::Connection;

    let app = spawn_app().await;
    let mut lock = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut lock)
        .await
        .unwrap();

    let output = app.cli(&["partner", "add", "blocked"]);

    assert_refused(&output, "locked by another process");
    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    assert!(!stdout(&app.cli(&["partner", "list"])).contains("blocked"));
}

#[test]
fn commands_started_together_on_a_new_database_all_succeed() {
    // The race is short; a few fresh databases make losing it likely.
    for _ in 0..5 {
        let (_dir, database_url) = fresh_database();

        let children: Vec<_> = (0..4)
            .map(|_| {
                cli_command(&database_url, &["partner", "list"])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();

        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "{}", stderr(&output));
        }
    }
}

#[test]
fn a_public_url_that_cannot_carry_the_webhook_path_is_refused() {
    let (_dir, database_url) = fresh_database();

    for (url, mentions) in [
        ("ftp://portal.example.com", "https://"),
        ("https://portal.example.com/?x=1", "query"),
        (
            "ftp://user:hunter2@portal.example.com",
            "user name or password",
        ),
    ] {
        let args = ["serve", "--bind", "127.0.0.1:0", "--public-url", url];
        let output = cli_command(&database_url, &args).output().unwrap();

        assert_refused(&output, mentions);
        assert!(!stderr(&output).contains("hunter2"), "{}", stderr(&output));
    }
}

#[test]
fn every_subcommand_has_help() {
    let commands: &[&[&str]] = &[
        &[],
        &["serve"],
        &["user"],
        &["user", "add"],
        &["user", "list"],
        &["user", "passwd"],
        &["user", "disable"],
        &["partner"],
        &["partner", "add"],
        &["partner", "list"],
        &["partner", "disable"],
        &["partner", "enable"],
        &["provider"],
        &["provider", "add"],
        &["provider", "list"],
        &["provider", "disable"],
        &["provider", "enable"],
        &["secret"],
        &["secret", "create"],
        &["secret", "list"],
        &["secret", "revoke"],
        &["token"],
        &["token", "create"],
        &["token", "list"],
        &["token", "revoke"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let output = cli_command("sqlite://unused-by-help.db", &args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        let help = stdout(&output);
        assert!(help.contains("Usage: partner-portal"), "{args:?}: {help}");
    }
    assert!(!std::path::Path::new("unused-by-help.db").exists());
}

#[test]
fn the_default_database_is_created_under_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();

    let output = cli_command("", &["partner", "list"])
        .env_remove("DATABASE_URL")
        .current_dir(dir.path())
        .output()
        .unwrap();

    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir.path().join("data/portal.db").exists());
}

#[test]
fn a_database_url_that_is_not_sqlite_is_refused_clearly() {
    let output = cli_command("mysql://localhost/portal", &["partner", "list"])
        .output()
        .unwrap();

    assert_refused(&output, "mysql");
}
