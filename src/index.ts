// The pipeline, for use as a library: input -> validated spec -> rendered bundle -> files.
export { parseBundleSpec, type BundleInput, type BundleSpec, type ProviderInput, type ProviderSpec } from './input/providerSpec.js';
export { renderBundle, type BundleFile } from './render/renderBundle.js';
export { writeBundle, type WrittenFile } from './generate/writeBundle.js';
export { generateBundle, type GenerateOutcome } from './generate/generateBundle.js';
