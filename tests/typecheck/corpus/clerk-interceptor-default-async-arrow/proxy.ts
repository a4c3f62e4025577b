import { NextResponse, type NextRequest } from 'next/server';

export default async (req: NextRequest) => {
  const country = req.headers.get('x-vercel-ip-country') ?? 'US';
  const res = NextResponse.next();
  res.cookies.set('country', country);
  return res;
};
