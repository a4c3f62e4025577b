// The Server Component query the Auth0 next steps show, inside <Suspense> as they advise
// for cacheComponents (create-next-app's default): it reads the session cookie.
import { Suspense } from 'react';
import { redirect } from 'next/navigation';
import { getInsforgeClient } from '@/lib/insforge';

async function Todos() {
  const insforge = await getInsforgeClient();
  if (!insforge) redirect('/auth/login');
  const { data, error } = await insforge.database.from('todos').select();
  return <pre>{JSON.stringify({ data, error })}</pre>;
}

export default function TodosPage() {
  return (
    <main>
      <a href="/auth/logout">Log out</a>
      <Suspense fallback={<p>Loading…</p>}>
        <Todos />
      </Suspense>
    </main>
  );
}
