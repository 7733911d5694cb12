/*
 * A certificate credential read from PEM files: the certificate registered on the Entra app and its private key.
 * Both are checked here (parseable, and the key belongs to the certificate), so a wrong file is named before any
 * request is made.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { Messages, SfError } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import type { BundleInput } from './providerSpec.js';
import type { FieldNaming } from './checker.js';
import { FLAG_OF } from './providerFields.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'spec');

export type CertificateCredential = { kind: 'certificate'; certificatePem: string; privateKeyPem: string };

/** base64url of the SHA-1 of the certificate's DER encoding: how Entra finds the key that signed the assertion. */
export function thumbprintOf(certificate: X509Certificate): string {
  return createHash('sha1').update(certificate.raw).digest('base64url');
}

const refuse = (key: string, tokens: string[]): SfError => messages.createError(key, tokens, [], EXIT_CODES['invalid-input']);

/** PEM labels of private keys: PKCS#8, encrypted PKCS#8, and the traditional RSA and EC forms (RFC 7468). */
const PRIVATE_KEY_PEM = /-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/;

/** PEM certificates and keys take a few KB; a chain of several, some tens. */
const PEM_FILE_MAX = 256 * 1024;

/**
 * A PEM file's text, read only from a regular file of sane size: opened without blocking (a FIFO would wait for a
 * writer forever), then checked by what the descriptor is, not by its name (/dev/zero never ends).
 */
function read(path: string, flag: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw refuse('error.FileUnreadable', [flag, path, (error as NodeJS.ErrnoException).code ?? (error as Error).message]);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw refuse('error.NotARegularFile', [flag, path]);
    if (stats.size > PEM_FILE_MAX) throw refuse('error.FileTooLarge', [flag, path, String(PEM_FILE_MAX / 1024)]);
    return readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof SfError) throw error;
    throw refuse('error.FileUnreadable', [flag, path, (error as NodeJS.ErrnoException).code ?? (error as Error).message]);
  } finally {
    closeSync(fd);
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
export function resolveCertificateFiles(
  input: BundleInput,
  naming: FieldNaming = (field): string => FLAG_OF[field]
): { input: BundleInput; warnings: string[] } {
  const warnings: string[] = [];
  const providers = input.providers.map((provider, index) => {
    const path = provider.certificateFile;
    if (path === undefined || path.trim() === '') return provider;
    const flag = naming('certificateFile', index);
    const pem = read(path, flag);
    // Only the certificate is read; a key beside it is a copy of what should live in the org's certificate store only.
    if (PRIVATE_KEY_PEM.test(pem)) warnings.push(messages.getMessage('warning.PrivateKeyBesideCertificate', [flag, path]));
    return { ...provider, certificateThumbprint: thumbprintOf(parseCertificate(pem, flag, path)) };
  });
  return { input: { ...input, providers }, warnings };
}
