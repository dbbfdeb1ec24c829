// /webhooks (spec 2.2 30-32, 4.10) and /agents (33-34, 4.11). Webhooks are the core's endpoints
// (src/core/webhooks, format `chargedesk`, events the notification codes or ["*"] for all=1), so the
// shared delivery sends to them; agents are the door's settings under the tenant row lock.
// Notifications come from the event log (notifications.ts).
import type { FastifyInstance } from 'fastify';
import { changeDoorSettings } from '../../core/tenants/door-settings.ts';
import { queueEmail } from '../../core/outbox/outbox.ts';
import { createEndpoint, deleteEndpoint } from '../../core/webhooks/endpoints.ts';
import { decodeId, encodeId } from './ids.ts';
import { cdRequest } from './context.ts';
import { NOTIFICATION_CODES, NOTIFICATIONS } from './catalogue.ts';
import { badParam, notFoundHere } from './errors.ts';
import { optFlag, optText, reqText, VENDOR, wordList } from './wire.ts';

interface Agent {
  name: string;
  email: string;
  role: string;
  status: string;
  invited_at: number;
}

export async function hookRoutes(app: FastifyInstance): Promise<void> {
  app.get('/webhooks/notifications', async () => NOTIFICATIONS);

  app.post('/webhooks', async (request) => {
    const req = cdRequest(request);
    const url = reqText(req.body, 'url');
    if (!/^https?:\/\/[^/\s]+/i.test(url)) throw badParam('url must be an http or https URL', 'url');
    const all = optFlag(req.body, 'all') ?? false;
    const notifications = wordList(req.body, 'notifications') ?? [];
    if (!all && notifications.length === 0) throw badParam('Provide notifications or all=1', 'notifications');
    const unknown = notifications.find((n) => !NOTIFICATION_CODES.includes(n));
    if (unknown) throw badParam(`Unknown notification ${unknown}`, 'notifications');
    const endpoint = await createEndpoint(req.ctx, { format: VENDOR, url, events: all ? ['*'] : [...new Set(notifications)] });
    return { webhook_id: encodeId('wh', endpoint.id) };
  });

  app.delete('/webhooks/:id', async (request) => {
    const req = cdRequest(request);
    const id = (request.params as { id: string }).id;
    const endpointId = decodeId('wh', id);
    const found =
      endpointId !== null &&
      (await deleteEndpoint(req.ctx, endpointId, { format: VENDOR }).then(
        () => true,
        () => false,
      ));
    if (!found) throw notFoundHere('webhook');
    return { deleted: true, webhook_id: id };
  });

  app.post('/agents', async (request) => {
    const req = cdRequest(request);
    const name = reqText(req.body, 'name');
    const email = reqText(req.body, 'email');
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw badParam('email must be an e-mail address', 'email');
    const role = reqText(req.body, 'role', { max: 64 });
    const now = Math.floor(req.ctx.clock.now() / 1000);
    const result = await changeDoorSettings(req.ctx, VENDOR, (current) => {
      const agents = [...((current.agents as Agent[] | undefined) ?? [])];
      const at = agents.findIndex((a) => a.email.toLowerCase() === email.toLowerCase());
      if (at >= 0) {
        const admins = agents.filter((a) => a.role === 'admin');
        if (agents[at].role === 'admin' && role !== 'admin' && admins.length === 1) throw badParam('A company must keep at least one admin', 'role');
        agents[at] = { ...agents[at], role };
        return { next: { ...current, agents }, result: { agent: agents[at], created: false } };
      }
      const agent: Agent = { name, email, role, status: 'invited', invited_at: now };
      return { next: { ...current, agents: [...agents, agent] }, result: { agent, created: true } };
    });
    if (result.created)
      await queueEmail(req.ctx, {
        to: email,
        subject: `You have been invited to ${req.company} on ChargeDesk`,
        body: `${name}, you have been invited as ${role}.`,
        meta: { door: VENDOR, kind: 'agent_invitation' },
      });
    return { object: 'agent', name: result.agent.name, email: result.agent.email, role: result.agent.role, created: result.created };
  });

  app.delete('/agents/:email', async (request) => {
    const req = cdRequest(request);
    const email = (request.params as { email: string }).email;
    const found = await changeDoorSettings(req.ctx, VENDOR, (current) => {
      const agents = (current.agents as Agent[] | undefined) ?? [];
      const agent = agents.find((a) => a.email.toLowerCase() === email.toLowerCase());
      if (agent && agent.role === 'admin' && agents.filter((a) => a.role === 'admin').length === 1) throw badParam('A company must keep at least one admin', 'email');
      return { next: { ...current, agents: agents.filter((a) => a !== agent) }, result: agent !== undefined };
    });
    if (!found) throw notFoundHere('agent');
    return { deleted: true, email };
  });

  void optText;
}
