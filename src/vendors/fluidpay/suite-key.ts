// The key FluidPay's own test suites use; the demo tenant accepts it so they run unchanged.
// BURSAR_FLUIDPAY_SUITE_KEY=off turns it off (keys are unique system-wide, so no other tenant holds it).
export const FLUIDPAY_SUITE_API_KEY = 'api_0wUsHIlrkK1I6ADno5MfT10UjhR';

export const suiteKeyDisabled = (): boolean => ['off', 'false', '0', 'no'].includes((process.env.BURSAR_FLUIDPAY_SUITE_KEY ?? '').toLowerCase());
