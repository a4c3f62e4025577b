import { authkit, handleAuthkitHeaders } from '@workos-inc/authkit-nextjs';
import type { NextRequest } from 'next/server';

export default async function proxy(request: NextRequest) {
  const { headers } = await authkit(request);
  return handleAuthkitHeaders(request, headers);
}
