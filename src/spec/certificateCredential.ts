/*
 * A certificate credential read from PEM files: the certificate registered on the Entra app and its private key.
 * Both are checked here (parseable, and the key belongs to the certificate), so a wrong file is named before any
 * request is made.
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { Messages, SfError } from '@salesforce/core';
import { thumbprintOf } from '../verify/clientAssertion.js';
import { EXIT_CODES } from '../exitCodes.js';
import { FLAG_OF, type BundleInput, type FieldNaming } from './providerSpec.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'spec');

export type CertificateCredential = { kind: 'certificate'; certificatePem: string; privateKeyPem: string };

const refuse = (key: string, tokens: string[]): SfError => messages.createError(key, tokens, [], EXIT_CODES['invalid-input']);

function read(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw refuse('error.FileUnreadable', [flag, path, (error as NodeJS.ErrnoException).code ?? (error as Error).message]);
  }
}

function parseCertificate(pem: string, flag: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw refuse('error.NotACertificate', [flag, path]);
  }
}

export function certificateCredential(certificateFile: string, privateKeyFile: string): CertificateCredential {
  const certificatePem = read(certificateFile, '--certificate-file');
  const privateKeyPem = read(privateKeyFile, '--private-key-file');
  const certificate = parseCertificate(certificatePem, '--certificate-file', certificateFile);
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw refuse('error.NotAPrivateKey', ['--private-key-file', privateKeyFile]);
  }
  if (key.asymmetricKeyType !== 'rsa' || !certificate.checkPrivateKey(key)) {
    throw refuse('error.KeyNotForCertificate', ['--private-key-file', privateKeyFile, certificateFile]);
  }
  return { kind: 'certificate', certificatePem, privateKeyPem };
}

/**
 * Reads the certificate file of every provider that names one and fills in its thumbprint (x5t), which the plugin
 * puts in each assertion's header: Apex can sign with a Salesforce certificate but cannot read the certificate.
 */
export function resolveCertificateFiles(input: BundleInput, naming: FieldNaming = (field): string => FLAG_OF[field]): BundleInput {
  return {
    ...input,
    providers: input.providers.map((provider, index) => {
      const path = provider.certificateFile;
      if (path === undefined || path.trim() === '') return provider;
      const flag = naming('certificateFile', index);
      return { ...provider, certificateThumbprint: thumbprintOf(parseCertificate(read(path, flag), flag, path)) };
    }),
  };
}
