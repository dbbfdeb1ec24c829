import type { FrontDoor } from '../http/front-door.ts';
import { chargeOverDoor } from './chargeover/door.ts';
import { fluidPayDoor } from './fluidpay/door.ts';
import { chargeDeskDoor } from './chargedesk/door.ts';
import { affiniPayDoor } from './affinipay/door.ts';
import { invoicedDoor } from './invoiced/door.ts';

export const FRONT_DOORS: readonly FrontDoor[] = [chargeOverDoor, fluidPayDoor, chargeDeskDoor, affiniPayDoor, invoicedDoor];
