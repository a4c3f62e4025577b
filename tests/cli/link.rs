//! An app linked to its InsForge project (`.insforge/project.json`, as `npx @insforge/cli
//! link` writes it): the URL comes from the link, `.gitignore` gets `.insforge/` (the file
//! holds an admin key), and the key appears nowhere.

use crate::harness::Test;

fn yes() -> [&'static str; 3] {
    ["--yes", "--table", "todos"]
}

const KEY: &str = "ik_5f1c0ffee0ddba11deadbeef0123456789";

fn linked(fixture: &str) -> Test {
    Test::fixture(fixture).file(
        ".insforge/project.json",
        &format!(
            r#"{{"project_id":"0b9d0c1e","project_name":"todo","org_id":"org1","appkey":"ab12cd","region":"us-east","api_key":"{KEY}","oss_host":"https://ab12cd.us-east.insforge.app"}}"#
        ),
    )
}

#[test]
fn a_linked_app_gets_its_url_and_ignores_the_link() {
    let t = linked("clerk").args(yes());
    let run = t.run().success();
    assert!(
        t.read(".env.local")
            .contains("NEXT_PUBLIC_INSFORGE_URL=https://ab12cd.us-east.insforge.app\n"),
        "{}",
        t.read(".env.local")
    );
    let gitignore = t.read(".gitignore");
    assert!(
        gitignore.contains("\n.insforge/\n")
            && gitignore.contains(".insforge/ the InsForge admin key"),
        "{gitignore}"
    );
    assert!(run
        .stdout
        .contains("NEXT_PUBLIC_INSFORGE_URL is the linked project's URL (.insforge/project.json)"));
    // The key is in no output, and in no file the tool wrote.
    let json = t.run_with(&["--dry-run".into(), "--json".into(), "--yes".into()]);
    let detect = t.command("detect", &["--json"]);
    for text in [run.all(), json.all(), detect.all()] {
        assert!(!text.contains(KEY), "{text}");
    }
    for (path, bytes) in t.files() {
        if path.starts_with(".insforge") {
            continue;
        }
        assert!(
            !String::from_utf8_lossy(&bytes).contains(KEY),
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_rule_that_ignores_the_link_already_is_enough() {
    let t = linked("clerk")
        .file(".gitignore", "node_modules\n.insforge\n.env*.local\n")
        .args(yes());
    t.run().success();
    assert_eq!(
        t.read(".gitignore"),
        "node_modules\n.insforge\n.env*.local\n"
    );
}

#[test]
fn a_link_that_cannot_be_used_stops_the_run_naming_the_file() {
    for text in [
        "{".to_string(),
        format!(r#"{{"project_id":"p","api_key":"{KEY}"}}"#),
        format!(r#"{{"project_id":"p","api_key":"{KEY}","oss_host":"https://bad host"}}"#),
    ] {
        let t = Test::fixture("clerk")
            .file(".insforge/project.json", &text)
            .args(yes());
        let before = t.tree();
        let run = t.run().code(2);
        assert!(
            run.stderr.contains(".insforge/project.json")
                && run.stderr.contains("npx @insforge/cli link"),
            "{}",
            run.stderr
        );
        assert!(!run.all().contains(KEY), "{}", run.all());
        assert_eq!(t.tree(), before);
    }
}
