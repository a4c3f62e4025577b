//! What the generated row-level security costs: `cargo bench --bench rls`.
//!
//! A throwaway PostgreSQL (the SQL tests' cluster), the migration the real binary writes for
//! `--table todos`, 1,000,000 rows across 1,000 users, and one user's
//! `select count(*)` and `select * … order by created_at desc limit 50`, timed inside the
//! server (planning included, medians of many runs) under:
//!   (a) the generated policies, as that user (role authenticated, claims set);
//!   (b) the floor: no RLS (superuser) with `where user_id = '…'`, same table and index;
//!   (c) the naive form from the public guides: `user_id = requesting_user_id()` without the
//!       sub-select, and no index.
//! Target: (a) within 1.5x of (b), and at least 20x faster than (c). Exits 1 if missed.

#[path = "../tests/common/preflight.rs"]
mod preflight;

#[path = "../tests/sql/guard.rs"]
mod guard;
#[allow(dead_code)]
#[path = "../tests/sql/insforge.rs"]
mod insforge;
#[allow(dead_code)]
#[path = "../tests/sql/pg.rs"]
mod pg;

use std::time::Instant;

use insforge::{create_roles, literal, App, As, Backend, Db};
use pg::Cluster;

const USERS: u32 = 1_000;
const ROWS: u32 = 1_000_000;
const USER: &str = "user_0042";
/// Runs per fast query (after warm-up), and per naive one (each scans the whole table).
const FAST_RUNS: u32 = 301;
const NAIVE_RUNS: u32 = 9;

struct Query {
    label: &'static str,
    /// `{table}` and `{filter}` (empty, or `where user_id = '…'`) are filled in.
    sql: &'static str,
}

const QUERIES: [Query; 2] = [
    Query {
        label: "select count(*)",
        sql: "select count(*) from {table} {filter}",
    },
    Query {
        label: "select * order by created_at desc limit 50",
        sql: "select * from {table} {filter} order by created_at desc limit 50",
    },
];

#[derive(Clone, Copy)]
enum Case {
    Generated,
    Floor,
    Naive,
}

impl Case {
    fn sql(self, query: &Query) -> String {
        let (table, filter) = match self {
            Case::Generated => ("public.todos", String::new()),
            Case::Floor => ("public.todos", format!("where user_id = {}", literal(USER))),
            Case::Naive => ("public.todos_naive", String::new()),
        };
        let sql = query
            .sql
            .replace("{table}", table)
            .replace("{filter}", &filter);
        sql.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Run a script as this case's caller: the user for (a) and (c), the superuser for (b).
    fn run(self, db: &Db, script: &str) -> String {
        match self {
            Case::Floor => db.admin(script),
            Case::Generated | Case::Naive => db.ok(As::User(USER), script),
        }
    }
}

fn main() {
    let started = Instant::now();
    let cluster = Cluster::start_with(&[
        ("shared_buffers", "256MB"),
        ("max_wal_size", "4GB"),
        ("checkpoint_timeout", "30min"),
    ]);
    create_roles(&cluster);
    let db = Db::create(&cluster, "bench", Backend::Current);
    let app = App::init("clerk", &["--table", "todos"]);
    db.apply(app.rls()).rows();

    let load = Instant::now();
    db.admin(&format!(
        "insert into public.todos (user_id, created_at)
         select format('user_%s', lpad((g % {USERS})::text, 4, '0')),
                timestamptz '2026-01-01' + make_interval(secs => g)
         from generate_series(1, {ROWS}) g;
         -- (c): the guides' policy, on a copy without any index.
         create table public.todos_naive (like public.todos including defaults);
         insert into public.todos_naive select * from public.todos;
         alter table public.todos_naive enable row level security;
         create policy todos_naive_select on public.todos_naive
           for select to authenticated using (user_id = public.requesting_user_id());
         grant select on public.todos_naive to authenticated;
         vacuum (analyze) public.todos;
         vacuum (analyze) public.todos_naive;
         create function public.bench_ms(q text, n int) returns text language plpgsql as $$
         declare
           t0 timestamptz;
           ms double precision[] := '{{}}';
         begin
           for i in 1..n loop
             t0 := clock_timestamp();
             execute q;
             ms := ms || 1000 * extract(epoch from clock_timestamp() - t0)::double precision;
           end loop;
           return array_to_string(ms, ' ');
         end
         $$;
         grant execute on function public.bench_ms(text, int) to authenticated;"
    ));
    println!(
        "RLS benchmark: {ROWS} rows across {USERS} users ({} each), as {USER}; loaded in {:.1?}",
        ROWS / USERS,
        load.elapsed()
    );
    println!(
        "server-side time per query, planning included (clock_timestamp() around EXECUTE), median of {FAST_RUNS} runs ({NAIVE_RUNS} for the naive form)\n"
    );

    let cases = [
        ("(a) generated", Case::Generated),
        ("(b) floor", Case::Floor),
        ("(c) naive", Case::Naive),
    ];
    let newest = db.admin(&format!(
        "select max(created_at) from public.todos where user_id = {}",
        literal(USER)
    ));
    let mut met = true;
    for query in &QUERIES {
        println!("{}", query.label);
        let mut medians = Vec::new();
        for (name, case) in cases {
            let sql = case.sql(query);
            // Each form returns the same answer: the user's 1,000 rows, or their newest 50.
            let (check, expected) = if query.label.contains("count") {
                (format!("{sql};"), (ROWS / USERS).to_string())
            } else {
                (
                    format!("select count(*), max(created_at), min(user_id), max(user_id) from ({sql}) q;"),
                    format!("50|{newest}|{USER}|{USER}"),
                )
            };
            assert_eq!(case.run(&db, &check), expected, "{name}: {sql}");

            let plan = case.run(&db, &format!("explain (costs off) {sql};"));
            let runs = if matches!(case, Case::Naive) {
                NAIVE_RUNS
            } else {
                FAST_RUNS
            };
            let warmup = if matches!(case, Case::Naive) { 1 } else { 30 };
            let timings = case.run(
                &db,
                &format!(
                    "select public.bench_ms({q}, {warmup}) \\g /dev/null\nselect public.bench_ms({q}, {runs});",
                    q = literal(&sql)
                ),
            );
            let median = median(&timings);
            println!("  {name:<14} {median:>10.3} ms   {sql}");
            for line in plan.lines() {
                println!("  {:<14} {:>10}      | {line}", "", "");
            }
            medians.push(median);
        }
        let (a, b, c) = (medians[0], medians[1], medians[2]);
        let (a_b, c_a) = (a / b, c / a);
        let ok = a_b <= 1.5 && c_a >= 20.0;
        met &= ok;
        println!(
            "  a/b = {a_b:.2}x (target <= 1.5x; a-b = {:.1} us)   c/a = {c_a:.0}x (target >= 20x)   {}\n",
            (a - b) * 1000.0,
            if ok { "met" } else { "MISSED" }
        );
    }
    println!(
        "target {}; total {:.1?}",
        if met { "met" } else { "MISSED" },
        started.elapsed()
    );
    drop(db);
    drop(cluster);
    if !met {
        std::process::exit(1);
    }
}

fn median(timings: &str) -> f64 {
    let mut ms: Vec<f64> = timings
        .split_whitespace()
        .map(|t| t.parse().expect("a number"))
        .collect();
    assert!(!ms.is_empty(), "no timings");
    ms.sort_by(f64::total_cmp);
    let mid = ms.len() / 2;
    if ms.len() % 2 == 1 {
        ms[mid]
    } else {
        (ms[mid - 1] + ms[mid]) / 2.0
    }
}
