/*
 * The users a deploy depends on: each provider's execution user, the --assign-to users and the deploying user. Every
 * one must be an active user of the org (read with findUsers), checked before anything is sent.
 */
import { Messages } from '@salesforce/core';
import type { OrgUser } from '../salesforce/orgProfile.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { sameName } from '../salesforce/salesforceNames.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

/** Lower-case usernames and the flag that named each. */
export type WantedUsers = Map<string, string>;


export function wantedUsers(executionUsers: ReadonlyArray<string | undefined>, assignTo: readonly string[], deployer: string): WantedUsers {
  const wanted: WantedUsers = new Map();
  for (const username of executionUsers) if (username) wanted.set(username.toLowerCase(), '--execution-user');
  for (const username of assignTo) wanted.set(username.toLowerCase(), '--assign-to');
  wanted.set(deployer.toLowerCase(), '--target-org');
  return wanted;
}

/** Refuses unknown and inactive users; returns who gets the permission set: the deployer first, then --assign-to, each once. */
export function requireUsers(wanted: WantedUsers, users: readonly OrgUser[], assignTo: readonly string[], deployer: string): OrgUser[] {
  const problems: string[] = [];
  for (const [username, flag] of wanted) {
    const user = users.find((candidate) => sameName(candidate.username, username));
    if (!user) problems.push(messages.getMessage('error.UnknownUser', [flag, username]));
    else if (!user.isActive) problems.push(messages.getMessage('error.InactiveUser', [flag, user.username]));
  }
  if (problems.length > 0) throw messages.createError('error.Users', [problems.join('\n')], [], EXIT_CODES['invalid-input']);
  const assignees = [deployer, ...assignTo].map((name) => users.find((user) => sameName(user.username, name))!);
  return assignees.filter((user, index) => assignees.findIndex((other) => other.id === user.id) === index);
}
