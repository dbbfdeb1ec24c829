// Spec §5 gateway cases with form bodies (the PHP client's encoding); gateway-cases.ts has the cases.
import { gatewayConformance } from './gateway-cases.ts';

gatewayConformance(false);
