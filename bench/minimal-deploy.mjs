// The lower bound of a deploy, for the benchmark: plain jsforce submits a zip and polls checkDeployStatus back to back
// (no pause between polls) until it is done, then prints the deploy ID and status. Plain JavaScript, so node runs it
// without a compile step, as it runs the plugin.
//   node bench/minimal-deploy.mjs <instanceUrl> <accessToken> <apiVersion> <zipFile> <testLevel>
import { readFile } from 'node:fs/promises';
import { Connection } from '@jsforce/jsforce-node';

const [instanceUrl, accessToken, version, zipFile, testLevel] = process.argv.slice(2);
const conn = new Connection({ instanceUrl, accessToken, version });
const { id } = await conn.metadata.deploy(await readFile(zipFile), { rollbackOnError: true, singlePackage: true, checkOnly: false, testLevel });
let result;
do {
  result = await conn.metadata.checkDeployStatus(id, true);
} while (!result.done);
process.stdout.write(`${JSON.stringify({ id, status: result.status })}\n`);
