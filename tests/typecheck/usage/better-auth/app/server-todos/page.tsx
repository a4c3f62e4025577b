// The Server Component query the Better Auth next steps show, inside <Suspense> as they
// advise for cacheComponents (create-next-app's default): it reads the session cookie.
import { Suspense } from 'react';
import { redirect } from 'next/navigation';
import { getInsforgeServerClient } from '@/lib/insforge.server';

async function Todos() {
  const insforge = await getInsforgeServerClient();
  if (!insforge) redirect('/sign-in');
  const { data } = await insforge.database.from('todos').select('*');
  return <pre>{JSON.stringify(data)}</pre>;
}

export default function ServerTodosPage() {
  return (
    <Suspense fallback={<p>Loading…</p>}>
      <Todos />
    </Suspense>
  );
}
