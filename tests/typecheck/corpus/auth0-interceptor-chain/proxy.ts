import { NextResponse, type NextRequest } from 'next/server';

type Middleware = (req: NextRequest) => NextResponse | undefined;

function chain(items: Middleware[]) {
  return (req: NextRequest) => {
    for (const item of items) {
      const res = item(req);
      if (res) return res;
    }
    return NextResponse.next();
  };
}

const withHeaders: Middleware = () => undefined;
const withRedirects: Middleware = (req) =>
  req.nextUrl.pathname === '/old' ? NextResponse.redirect(new URL('/', req.url)) : undefined;

export default chain([withHeaders, withRedirects]);
