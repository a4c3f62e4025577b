//! Names the validator accepts but SQL must quote: reserved words (`user`, `order`) and
//! mixed case (`app.Notes`, an owner column `ownerId`). The generated SQL applies, re-applies
//! and isolates on them. (Hostile names are refused by the CLI: tests/cli/errors.rs.)

use crate::insforge::{create_roles, App, Backend, Db};
use crate::pg::Cluster;
use crate::proof::{apply_twice, check_shape, prove_isolation, Owned};

const A: &str = "kp_0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const B: &str = "kp_f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4";

#[test]
fn reserved_and_mixed_case_new_tables() {
    let cluster = Cluster::start();
    create_roles(&cluster);
    let app = App::init(
        "clerk",
        &[
            "--table",
            "user",
            "--table",
            "app.Notes",
            "--table",
            "order",
            "--owner-column",
            "ownerId",
        ],
    );
    let tables = [
        ("public.\"user\"", "user"),
        ("app.\"Notes\"", "Notes"),
        ("public.\"order\"", "order"),
    ];
    for (name, backend) in [("current", Backend::Current), ("legacy", Backend::Legacy)] {
        let db = Db::create(&cluster, name, backend);
        apply_twice(&db, app.rls());
        assert_eq!(
            db.admin("select count(*) from pg_class where relname in ('user', 'Notes', 'order') and relkind = 'r'"),
            "3"
        );
        for (qualified, relname) in tables {
            let t = Owned {
                qualified,
                relname,
                owner: "\"ownerId\"",
                cols: "",
                vals: "",
            };
            check_shape(&db, &t);
            prove_isolation(&db, &t, A, B, 0, 0);
        }
    }
}

#[test]
fn mixed_case_existing_table_and_owner_column() {
    let cluster = Cluster::start();
    create_roles(&cluster);
    let db = Db::create(&cluster, "current", Backend::Current);
    db.as_project_admin(
        r#"create schema app;
           create table app."Notes" (id uuid primary key default gen_random_uuid(), "OwnerId" text not null, body text);
           insert into app."Notes" ("OwnerId", body) values ('kp_0a1b2c3d4e5f60718293a4b5c6d7e8f9', 'mine');"#,
    )
    .rows();
    let app = App::init(
        "kinde",
        &[
            "--table",
            "app.Notes",
            "--existing",
            "--owner-column",
            "OwnerId",
        ],
    );
    apply_twice(&db, app.rls());
    let t = Owned {
        qualified: "app.\"Notes\"",
        relname: "Notes",
        owner: "\"OwnerId\"",
        cols: "body",
        vals: "'x'",
    };
    check_shape(&db, &t);
    prove_isolation(&db, &t, A, B, 1, 0);
}
