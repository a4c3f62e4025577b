// The Server Component query and sign-out form the WorkOS next steps show, inside
// <Suspense> as they advise for cacheComponents (create-next-app's default).
import { Suspense } from 'react';
import { redirect } from 'next/navigation';
import { signOut } from '@workos-inc/authkit-nextjs';
import { getInsforgeClient } from '@/lib/insforge';

async function Todos() {
  const insforge = await getInsforgeClient();
  if (!insforge) redirect('/login?returnTo=/todos');
  const { data, error } = await insforge.database.from('todos').select();
  return <pre>{JSON.stringify({ data, error })}</pre>;
}

export default function TodosPage() {
  return (
    <main>
      <form
        action={async () => {
          'use server';
          await signOut();
        }}
      >
        <button type="submit">Sign out</button>
      </form>
      <Suspense fallback={<p>Loading…</p>}>
        <Todos />
      </Suspense>
    </main>
  );
}
