//! The app's existing auth wiring, recognised in the [`source`](super::source) model: which
//! module creates the provider's instance (and under which export), which routes, clients,
//! provider components and interceptor it already has, and whether it already hands a
//! provider token to an InsForge client. Each finding carries `file:line` evidence.
//!
//! This file reads every module with each recogniser in turn; what they find is a
//! [`Wiring`] (its parts are in `found.rs`), and `scan.rs` is how a recogniser reads one
//! module. One file per provider where its wiring differs (`auth0`, `better_auth`,
//! `stytch`, `kinde_workos`, `clerk`), and one per part every provider shares (`sign_out`,
//! `interceptor`, `insforge`, `layout`).

use std::path::Path;

pub use super::layouts::{Layout, PartialProvider, PROVIDER_COMPONENTS};
pub use super::source::Located;
use super::source::Module;
pub use found::{
    Adapter, AppBinding, Auth0Instance, BetterAuthUsers, Compose, DrizzleTable, InsforgeClient,
    Interceptor, Wiring,
};
use scan::Scan;

mod auth0;
mod better_auth;
mod clerk;
mod found;
mod insforge;
mod interceptor;
mod kinde_workos;
mod layout;
mod scan;
mod sign_out;
mod stytch;
pub use stytch::constant_in as stytch_constant;

/// What each module is read for, in this order: a later recogniser sees what an earlier one
/// found (sign-out, after WorkOS's `signOut()`).
const RECOGNISERS: &[fn(&mut Wiring, &Scan)] = &[
    auth0::recognise,
    better_auth::recognise,
    kinde_workos::recognise,
    stytch::recognise,
    sign_out::recognise,
    clerk::recognise,
    interceptor::recognise,
    insforge::recognise,
];

/// Recognise the wiring in `modules` (`texts` gives a module's source by path).
pub fn recognise(
    modules: &[Module],
    texts: &dyn Fn(&Path) -> Option<String>,
    aliases: &[super::tsconfig::Alias],
    packages: &[super::workspace::Package],
    files_read: usize,
) -> Wiring {
    let mut w = Wiring {
        files_read,
        ..Wiring::default()
    };
    for m in modules {
        if let Some(error) = &m.parse_error {
            w.unparsable.push((m.path.clone(), error.clone()));
            continue;
        }
        // The tool's own files are planned as its own, never taken for the app's wiring.
        if m.generated {
            continue;
        }
        let scan = Scan {
            m,
            texts,
            aliases,
            packages,
        };
        for recognise in RECOGNISERS {
            recognise(&mut w, &scan);
        }
    }
    // What only all the modules together say.
    layout::providers(&mut w, modules, texts, aliases, packages);
    kinde_workos::login_through_helper(&mut w, modules, texts, aliases, packages);
    insforge::stands_in(&mut w);
    w
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::source;
    use super::*;

    fn wiring(files: &[(&str, &str)]) -> Wiring {
        let modules: Vec<Module> = files
            .iter()
            .map(|(p, t)| source::parse(Path::new(p), t))
            .collect();
        let texts = |p: &Path| {
            files
                .iter()
                .find(|(f, _)| Path::new(f) == p)
                .map(|(_, t)| t.to_string())
        };
        let aliases = [super::super::tsconfig::Alias {
            prefix: "@/".into(),
            dir: PathBuf::new(),
        }];
        recognise(&modules, &texts, &aliases, &[], files.len())
    }

    #[test]
    fn auth0_instance_with_and_without_its_hook() {
        let w = wiring(&[(
            "src/lib/auth/client.ts",
            "import { Auth0Client } from '@auth0/nextjs-auth0/server';\n\nexport const authClient = new Auth0Client({\n  signInReturnToPath: '/dashboard',\n});\n",
        )]);
        let role = &w.roles["auth0"];
        assert_eq!(role.at.to_string(), "src/lib/auth/client.ts:3");
        assert_eq!(role.export.as_deref(), Some("authClient"));
        let a = w.auth0.unwrap();
        assert_eq!((a.hook, a.keeps_token), (None, false));

        let w = wiring(&[(
            "lib/auth0.ts",
            "import { Auth0Client } from '@auth0/nextjs-auth0/server';\nconst auth0 = new Auth0Client({\n  async beforeSessionSaved(session) { return session; },\n});\nexport default auth0;\n",
        )]);
        assert_eq!(w.roles["auth0"].export, None);
        assert_eq!(w.auth0.unwrap().hook, Some(3));
    }

    #[test]
    fn better_auth_users_follow_the_adapter_options_and_the_drizzle_schema() {
        let schema = "import { pgSchema, pgTable, text } from 'drizzle-orm/pg-core';\nconst auth = pgSchema('auth');\nexport const member = auth.table('members', {\n  id: text('member_id').primaryKey(),\n});\nexport const users = pgTable('users', { id: text().primaryKey() });\nconst hidden = pgTable('hidden', { id: text('id') });\nexport { member as person };\n";
        // `schema: { user: member }` maps the model to an export of another name.
        let w = wiring(&[
            ("src/db/schema.ts", schema),
            ("src/lib/auth.ts", "import { betterAuth } from 'better-auth';\nimport { drizzleAdapter } from 'better-auth/adapters/drizzle';\nimport * as s from '@/db/schema';\nexport const auth = betterAuth({\n  database: drizzleAdapter(db, { provider: 'pg', schema: { ...s, user: s.member } }),\n});\n"),
        ]);
        let users = w.better_auth_users.clone().unwrap();
        assert_eq!(
            (users.model.as_str(), users.export.as_str()),
            ("user", "member")
        );
        let tables: Vec<_> = w
            .drizzle_tables
            .iter()
            .map(|t| {
                (
                    t.export.as_str(),
                    t.schema.as_str(),
                    t.table.as_str(),
                    t.id_column.as_deref(),
                )
            })
            .collect();
        // `member` is exported as itself; the unexported table is not the schema's.
        assert_eq!(
            tables,
            [
                ("member", "auth", "members", Some("member_id")),
                ("users", "public", "users", Some("id")),
            ]
        );
        // `user: { modelName }` wins over the default key, a `database: pool` binding is
        // followed to its `new Pool`, and a search_path in the config is seen.
        let w = wiring(&[(
            "lib/auth.ts",
            "import { betterAuth } from 'better-auth';\nimport { Pool } from 'pg';\nconst pool = new Pool({ options: '-c search_path=auth' });\nexport const auth = betterAuth({ database: pool, user: { modelName: 'accounts_user' } });\n",
        )]);
        let users = w.better_auth_users.unwrap();
        assert_eq!(users.model, "accounts_user");
        assert!(users.search_path);
        assert_eq!(w.better_auth_database.unwrap().0, "new Pool");
        // `usePlural` makes the key `users`.
        let w = wiring(&[(
            "lib/auth.ts",
            "import { betterAuth } from 'better-auth';\nimport { drizzleAdapter } from 'better-auth/adapters/drizzle';\nexport const auth = betterAuth({ database: drizzleAdapter(db, { provider: 'pg', usePlural: true }) });\n",
        )]);
        assert_eq!(w.better_auth_users.unwrap().export, "users");
    }

    #[test]
    fn better_auth_kinde_workos_and_stytch_wiring() {
        let w = wiring(&[
            ("src/lib/auth/auth.ts", "import { betterAuth } from 'better-auth';\nimport { prismaAdapter } from 'better-auth/adapters/prisma';\nexport const auth = betterAuth({ database: prismaAdapter(prisma, { provider: 'postgresql' }) });\n"),
            ("src/lib/auth/client.ts", "import { createAuthClient } from 'better-auth/react';\nexport const authClient = createAuthClient();\n"),
            ("src/app/api/auth/[...all]/route.ts", "import { toNextJsHandler } from 'better-auth/next-js';\nimport { auth } from '@/lib/auth/auth';\nexport const { GET, POST } = toNextJsHandler(auth);\n"),
            ("app/api/auth/[...kindeAuth]/route.ts", "import { handleAuth } from '@kinde-oss/kinde-auth-nextjs/server';\nexport const GET = handleAuth();\n"),
            ("app/b2b.tsx", "'use client';\nimport { StytchB2BProvider } from '@stytch/nextjs/b2b';\n"),
            ("app/sign-in.tsx", "import { getSignInUrl, signOut } from '@workos-inc/authkit-nextjs';\nexport async function SignIn() {\n  const url = await getSignInUrl();\n  return <a href={url}>Sign in</a>;\n}\n"),
        ]);
        assert_eq!(w.ui["getSignInUrl"].to_string(), "app/sign-in.tsx:3");
        assert!(!w.ui.contains_key("signOut"), "imported, never called");
        for role in ["auth", "authClient", "auth-route", "kinde-route"] {
            assert!(w.roles.contains_key(role), "{role}: {:?}", w.roles);
        }
        assert_eq!(w.roles["auth"].at.to_string(), "src/lib/auth/auth.ts:3");
        let (db, provider, _) = w.better_auth_database.unwrap();
        assert_eq!(
            (db.as_str(), provider.as_deref()),
            ("prismaAdapter", Some("postgresql"))
        );
        assert!(w.stytch_b2b.is_some());
    }

    #[test]
    fn layout_providers_interceptor_and_an_existing_insforge_client() {
        let w = wiring(&[
            ("app/layout.tsx", "import { ClerkProvider } from '@clerk/nextjs';\nexport default function RootLayout({ children }) {\n  return (\n    <ClerkProvider>\n      <html><body>{children}</body></html>\n    </ClerkProvider>\n  );\n}\n"),
            ("middleware.ts", "import { clerkMiddleware } from '@clerk/nextjs/server';\nimport createMiddleware from 'next-intl/middleware';\nconst intl = createMiddleware(routing);\nexport default clerkMiddleware((auth, req) => intl(req));\nexport const config = { matcher: ['/((?!_next).*)'] };\n"),
            ("lib/insforge.ts", "import { createClient } from '@insforge/sdk';\nexport const client = (t: string) => createClient({ baseUrl: '', edgeFunctionToken: t });\n"),
        ]);
        assert_eq!(w.layout_providers[0].0, "ClerkProvider");
        assert_eq!(w.layout_providers[0].1.to_string(), "app/layout.tsx:4");
        let i = w.interceptor.unwrap();
        assert_eq!(i.provider_call, Some(("clerkMiddleware".into(), 4)));
        assert_eq!(i.chains, ["createMiddleware"]);
        assert_eq!(i.matcher, ["/((?!_next).*)"]);
        assert_eq!(w.insforge[0].token, "edgeFunctionToken");
    }
}
