// The pipeline, for use as a library: input -> validated spec -> rendered bundle -> files.
export { parseBundleSpec, type BundleInput, type BundleSpec, type ProviderInput, type ProviderSpec } from './spec/providerSpec.js';
export { renderBundle, type BundleFile } from './render/renderBundle.js';
export { writeBundle, type WrittenFile } from './output/writeBundle.js';
export { generateBundle, type GenerateResult } from './generateBundle.js';
