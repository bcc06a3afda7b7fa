import { greet } from './greet'

// A Workers-style handler: the default export answers Fetch requests. govite runs it on its own
// embedded JS engine in development; editing this file (or greet.ts) changes the next response.
export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/api/echo' && request.method === 'POST') {
      const body = await request.json()
      return Response.json({ echo: body, method: request.method })
    }
    return new Response(greet(url.searchParams.get('name') ?? 'edge'), {
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-served-by': 'govite-edge' },
    })
  },
}
