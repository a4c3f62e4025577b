import { NextResponse } from "next/server";
import type { NextRequest } from "next/server";

const config = {
  matcher: ["/((?!_next|favicon.ico).*)"],
};

const middleware = (request: NextRequest) => {
  const response = NextResponse.next();
  response.headers.set("x-pathname", request.nextUrl.pathname);
  return response;
};

export { config, middleware as default };
