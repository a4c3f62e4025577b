'use client';

// The client component query the Clerk next steps show.
import { useEffect, useState } from 'react';
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
  return <pre>{JSON.stringify(rows)}</pre>;
}
