// Fastify's 'localhost' binds the addresses the machine's resolver gives for localhost, which on
// some machines is 127.0.0.1 alone. Vendor clients are configured with localhost and may reach
// either 127.0.0.1 or ::1, so the loopback default binds ::1 too wherever the machine has it, on
// the same port and with the same request handling (as Fastify's own extra bindings do).
import http from 'node:http';
import type { FastifyInstance } from 'fastify';

const COPIED_EVENTS = ['request', 'clientError', 'checkContinue', 'checkExpectation', 'upgrade'] as const;

/** Also listens on [::1]:port unless already bound there; resolves null where the machine has no IPv6 loopback. */
export async function bindIpv6Loopback(app: FastifyInstance, port: number): Promise<http.Server | null> {
  if (app.addresses().some((a) => (typeof a === 'string' ? a : a.address) === '::1')) return null;
  const main = app.server as http.Server;
  const extra = http.createServer();
  for (const event of COPIED_EVENTS) for (const listener of main.listeners(event)) extra.on(event, listener as (...args: unknown[]) => void);
  extra.keepAliveTimeout = main.keepAliveTimeout;
  extra.requestTimeout = main.requestTimeout;
  extra.headersTimeout = main.headersTimeout;
  return new Promise((resolve, reject) => {
    extra.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT') resolve(null);
      else reject(error);
    });
    extra.listen({ port, host: '::1', ipv6Only: true }, () => resolve(extra));
  });
}
