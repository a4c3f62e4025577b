import { NextResponse, type NextProxy } from 'next/server';

const proxy: NextProxy = async (request, event) => {
  event.waitUntil(Promise.resolve(request.nextUrl.pathname));
  return NextResponse.next();
};

export default proxy;
