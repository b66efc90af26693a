/**
 * Every property test runs from one fixed seed, so that the suite gives the same verdict on every machine and run;
 * `npm run fuzz` and FC_SEED explore other seeds.
 */
import fc from 'fast-check'

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261201) })
