import { NextResponse, type NextRequest } from 'next/server';

const handler = (request: NextRequest) => {
  const res = NextResponse.next();
  res.headers.set('x-request-id', crypto.randomUUID());
  return res;
};

export default handler;
