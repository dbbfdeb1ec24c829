// Spec §5 gateway cases with JSON bodies; gateway-cases.ts has the cases.
import { gatewayConformance } from './gateway-cases.ts';

gatewayConformance(true);
