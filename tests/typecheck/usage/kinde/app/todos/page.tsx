// The sign-in links and Server Component query the Kinde next steps show, the query inside
// <Suspense> for cacheComponents (create-next-app's default): it reads the session cookie.
import { Suspense } from 'react';
import { redirect } from 'next/navigation';
import { LoginLink, LogoutLink } from '@kinde-oss/kinde-auth-nextjs/components';
import { getInsforgeClient } from '@/lib/insforge';

async function Todos() {
  const insforge = await getInsforgeClient();
  if (!insforge) redirect('/api/auth/login');
  const { data, error } = await insforge.database.from('todos').select();
  return <pre>{JSON.stringify({ data, error })}</pre>;
}

export default function TodosPage() {
  return (
    <main>
      <LoginLink>Sign in</LoginLink> <LogoutLink>Sign out</LogoutLink>
      <Suspense fallback={<p>Loading…</p>}>
        <Todos />
      </Suspense>
    </main>
  );
}
