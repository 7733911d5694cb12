/*
 * Deadlines for network waits. jsforce (under @salesforce/core) waits up to 30 minutes for an answer's headers and
 * forever for a body that stops halfway; undici's fetch waits minutes for either. Every request the plugin waits on
 * through here ends by its deadline: the per-request timeout (AZURE_AUTHPROVIDER_REQUEST_TIMEOUT seconds, default
 * 120), never later than the end of the step it belongs to (deploy's --wait). A late answer is dropped.
 */
import { Messages, type SfError } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { guardJsforce } from './jsforceGuards.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'network');

export const REQUEST_TIMEOUT_ENV = 'AZURE_AUTHPROVIDER_REQUEST_TIMEOUT';
const DEFAULT_REQUEST_TIMEOUT_S = 120;

/** The names of those errors, which the retry policy reads as "ask again" (retry.ts): a lost or garbled answer says nothing about the request. */
export const NO_ANSWER = 'NoAnswerError';
export const MALFORMED_ANSWER = 'MalformedAnswerError';

/** The per-request deadline in ms; bad input (exit 2) when the variable holds no number of seconds from 1 to 3600. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[REQUEST_TIMEOUT_ENV]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_REQUEST_TIMEOUT_S * 1000;
  const seconds = /^\d+(?:\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(seconds >= 1 && seconds <= 3600)) throw messages.createError('error.BadRequestTimeout', [REQUEST_TIMEOUT_ENV], [], EXIT_CODES['invalid-input']);
  return seconds * 1000;
}

export function noAnswer(operation: string, ms: number): SfError {
  return messages.createError('error.NoAnswer', [operation, Math.round(ms / 100) / 10]);
}

/** `what`: what came instead, in words (never the body itself, which may quote a secret or carry controls). */
export function malformedAnswer(operation: string, what: string): SfError {
  return messages.createError('error.MalformedAnswer', [operation, what]);
}

/** What an answer that is not JSON looks like, in words. */
export function describeAnswer(status: number, contentType: string | null, text: string): string {
  if (text.trim() === '') return messages.getMessage('answer.Empty', [status]);
  if (/html/i.test(contentType ?? '') || /^\s*<(?:!doctype|html)/i.test(text)) return messages.getMessage('answer.Html', [status]);
  return messages.getMessage('answer.NotJson', [status, contentType ?? '-']);
}

export const unrelatedAnswer = (what: string): string => messages.getMessage('answer.Unrelated', [what]);
export const unreadable = (): string => messages.getMessage('answer.Unreadable');

/** How the XML parser under jsforce reports an answer that is not XML ("Non-whitespace before first tag.\nLine: 0 ..."). */
const SAX_ERROR = /\nLine: \d+\nColumn: \d+/;

/**
 * `call` within `ms`, or a NoAnswer error naming `operation`. The signal aborts the request where the caller can
 * pass it on (fetch); a jsforce request cannot be aborted, and its answer, should it come, is ignored.
 * jsforce reads an answer it cannot parse as text and then trips over it, or passes on its XML parser's error: such
 * a TypeError (one without a network cause) or parser error becomes a MalformedAnswer.
 */
export async function withDeadline<T>(operation: string, ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  guardJsforce(requestTimeoutMs());
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(noAnswer(operation, ms));
      controller.abort();
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } catch (error) {
    if ((error instanceof TypeError && error.cause === undefined) || SAX_ERROR.test((error as Error).message)) throw malformedAnswer(operation, unreadable());
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The time left until `deadline` (epoch ms), as one request's deadline: at most the per-request timeout, at least 1 s. */
export function timeLeft(deadline: number): number {
  return Math.max(1000, Math.min(requestTimeoutMs(), deadline - Date.now()));
}
