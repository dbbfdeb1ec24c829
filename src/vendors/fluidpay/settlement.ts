import type { FastifyInstance } from 'fastify';
export async function settlementRoutes(_app: FastifyInstance): Promise<void> {}
