import { NextResponse, type NextMiddleware } from 'next/server';

const handler: NextMiddleware = (req, event) => {
  event.waitUntil(Promise.resolve(req.nextUrl.pathname));
  return NextResponse.next();
};

export default handler;
