// What GET /, /_health, the banner and the docs say about each front door: its base path for
// vendor clients, whether it is live (has routes), and where its reference and notes are.
import type { FrontDoor } from '../front-door.ts';
import type { RouteCatalog } from './route-catalog.ts';

/** The path a vendor's client library is given as its base URL, under the door's prefix. */
export const CLIENT_BASE: Record<string, string> = {
  chargeover: '/api/v3',
  fluidpay: '/api',
  chargedesk: '',
  affinipay: '/v1',
  invoiced: '',
};

/** The README section that describes each door (a file path and an anchor). */
export const DOOR_README: Record<string, string> = {
  chargeover: 'README.md#chargeover',
  fluidpay: 'src/vendors/fluidpay/README.md',
  chargedesk: 'README.md#front-doors',
  affinipay: 'README.md#front-doors',
  invoiced: 'README.md#front-doors',
};

export interface DoorInfo {
  vendor: string;
  live: boolean;
  base_path: string;
  reference: string;
  readme: string;
}

export function doorInfo(doors: readonly FrontDoor[], catalog: RouteCatalog, atRoot = false): DoorInfo[] {
  return doors.map((door) => ({
    vendor: door.vendor,
    live: catalog.isLive(door.vendor),
    base_path: `${atRoot ? '' : door.prefix}${CLIENT_BASE[door.vendor] ?? ''}` || '/',
    reference: `/_docs/${door.vendor}`,
    readme: `/_docs/files/${DOOR_README[door.vendor] ?? 'README.md'}`,
  }));
}
