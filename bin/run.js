#!/usr/bin/env node
// Runs the plugin's commands from a clone, without the sf CLI: ./bin/run.js azure-authprovider generate ...
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
