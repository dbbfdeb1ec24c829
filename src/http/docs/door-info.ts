// What GET /, /_health, the banner and the docs say about each front door: its base path for
// vendor clients, whether it is live (has routes), and where its reference and notes are.
import type { FrontDoor } from '../front-door.ts';
import type { RouteCatalog } from './route-catalog.ts';

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
    base_path: `${atRoot ? '' : door.prefix}${door.clientPath ?? ''}` || '/',
    reference: `/_docs/${door.vendor}`,
    readme: `/_docs/files/${door.readme ?? 'README.md'}`,
  }));
}
