// The Server Component query the Stytch next steps show, inside <Suspense> for
// cacheComponents (create-next-app's default): it reads the session cookie.
import { Suspense } from 'react';
import { redirect } from 'next/navigation';
import { getInsforgeClient } from '@/lib/insforge';
import SignOutButton from './sign-out-button';

async function Todos() {
  const insforge = await getInsforgeClient();
  if (!insforge) redirect('/login');
  const { data, error } = await insforge.database.from('todos').select();
  return <pre>{JSON.stringify({ data, error })}</pre>;
}

export default function TodosPage() {
  return (
    <main>
      <SignOutButton />
      <Suspense fallback={<p>Loading…</p>}>
        <Todos />
      </Suspense>
    </main>
  );
}
