'use client';

// The sign-up/sign-in calls and client component query the Better Auth next steps show.
import { useEffect, useState } from 'react';
import { signIn, signOut, signUp } from '@/lib/auth-client';
import { useInsforge } from '@/lib/insforge';

export default function TodosPage() {
  const { client, isReady } = useInsforge();
  const [rows, setRows] = useState<unknown[]>([]);
  useEffect(() => {
    if (!isReady) return;
    void client.database
      .from('todos')
      .select('*')
      .then(({ data, error }) => {
        if (!error && data) setRows(data);
      });
  }, [client, isReady]);

  const email = 'user@example.com';
  const password = 'correct horse battery staple';
  return (
    <main>
      <button type="button" onClick={() => void signUp.email({ email, password, name: 'User' })}>
        Sign up
      </button>
      <button type="button" onClick={() => void signIn.email({ email, password })}>
        Sign in
      </button>
      <button type="button" onClick={() => void signOut()}>
        Sign out
      </button>
      <pre>{JSON.stringify(rows)}</pre>
    </main>
  );
}
