import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { ParseArgsConfig, parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { Accounts, ROLES } from '@pl/accounts';
import { DomainError } from '@pl/domain';
import { ORG_ROLES, OrgRole } from '@pl/persistence';
import { CliError } from '../cli-error';
import { say, table } from '../output';

export const ACCOUNTS_USAGE = `  users add <username> --role <${ROLES.join('|')}> [--org <slug>] [--region <name>] [--password <pw>]
                                   add a user (an editor, reviewer or viewer of --org; an admin; a region-viewer of --region);
                                   without --password it is asked for (or read from the first line of stdin)
  users list                       list the users with their roles
  users passwd <username> [--password <pw>]
                                   set a new password (the user's sessions end)
  users disable <username> | users enable <username>
                                   stop (or allow again) a user's sign-in, sessions and tokens
  tokens add <name> --user <username> [--role <${ORG_ROLES.join('|')}>]
                                   create an API token acting as the user (at most --role); the token is printed once,
                                   alone on the last line of stdout
  tokens list                      list the tokens (never their secrets)
  tokens revoke <name>             stop a token (a running API notices within AUTH_CACHE_MS)`;

/** Asks for a password: hidden on a terminal, else the first line of stdin (scripts pipe it). */
async function askPassword(prompt: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const tty = process.stdin.isTTY;
  if (tty) process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin, output: tty ? muted : undefined, terminal: tty });
  try {
    const line: string = await new Promise((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    if (tty) process.stderr.write('\n');
    return line;
  } finally {
    rl.close();
  }
}

/** A DomainError of the accounts library as the CLI's one-line error, in Chinese. */
async function cli<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof DomainError) throw new CliError(err.messageZh);
    throw err;
  }
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

function one(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new CliError(`${what} is required (exactly one)`);
  return positionals[0];
}

export async function runUsersCommand(args: string[], withDatabase: <T>(fn: (ds: DataSource) => Promise<T>) => Promise<T>): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parse(rest, { role: { type: 'string' }, org: { type: 'string' }, region: { type: 'string' }, password: { type: 'string' } });
      const username = one(positionals, '<username>');
      if (!values.role) throw new CliError(`--role <${ROLES.join('|')}> is required`);
      const password = (values.password as string | undefined) ?? (await askPassword(`${username} 的密码：`));
      const user = await withDatabase((ds) =>
        cli(new Accounts(ds).addUser({ username, password, role: values.role as never, org: values.org as string | undefined, region: values.region as string | undefined })),
      );
      const where = user.organizations.map((o) => `${o.name}（${o.slug}）${o.role}`).join('、') || (user.region ? `${user.region} ${user.role}` : String(user.role));
      say(`已添加用户 ${user.username}：${where}`);
      return;
    }
    case 'list': {
      const users = await withDatabase((ds) => new Accounts(ds).listUsers());
      if (!users.length) {
        say('还没有用户：npm run cli -- users add <用户名> --role admin');
        return;
      }
      say(
        table([
          ['用户名', '角色', '单位/地区', '状态'],
          ...users.map((u) => [
            u.username,
            u.role ?? u.organizations.map((o) => o.role).join('、'),
            u.region ?? u.organizations.map((o) => o.slug).join('、'),
            u.disabled ? '已停用' : '正常',
          ]),
        ]),
      );
      return;
    }
    case 'passwd': {
      const { values, positionals } = parse(rest, { password: { type: 'string' } });
      const username = one(positionals, '<username>');
      const password = (values.password as string | undefined) ?? (await askPassword(`${username} 的新密码：`));
      await withDatabase((ds) => cli(new Accounts(ds).setPassword(username, password)));
      say(`已为 ${username} 设置新密码，其已登录的会话均已退出`);
      return;
    }
    case 'disable':
    case 'enable': {
      const { positionals } = parse(rest, {});
      const username = one(positionals, '<username>');
      await withDatabase((ds) => cli(new Accounts(ds).setDisabled(username, sub === 'disable')));
      say(sub === 'disable' ? `已停用 ${username}：不能再登录，会话和令牌均失效` : `已启用 ${username}`);
      return;
    }
    default:
      throw new CliError(`users takes add, list, passwd, disable or enable\n${ACCOUNTS_USAGE}`);
  }
}

export async function runTokensCommand(
  args: string[],
  createdBy: string,
  withDatabase: <T>(fn: (ds: DataSource) => Promise<T>) => Promise<T>,
): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parse(rest, { user: { type: 'string' }, role: { type: 'string' } });
      const name = one(positionals, '<name>');
      if (!values.user) throw new CliError('--user <username> is required');
      const role = values.role as string | undefined;
      if (role !== undefined && !(ORG_ROLES as readonly string[]).includes(role)) throw new CliError(`--role must be one of ${ORG_ROLES.join(', ')}`);
      const { token } = await withDatabase((ds) => cli(new Accounts(ds).addToken({ name, username: String(values.user), createdBy, role: role as OrgRole | undefined })));
      say(`已为 ${String(values.user)} 创建令牌 ${name}（只显示这一次，请妥善保存；用法：Authorization: Bearer <令牌>）：`);
      // Alone on the last line, so that a script can take it with `tail -n 1`.
      say(token);
      return;
    }
    case 'list': {
      const tokens = await withDatabase((ds) => new Accounts(ds).listTokens());
      if (!tokens.length) {
        say('还没有令牌');
        return;
      }
      say(table([['名称', '用户', '角色上限', '创建', '状态'], ...tokens.map((t) => [t.name, t.user, t.role ?? '-', t.createdAt.slice(0, 16), t.revokedAt ? `已撤销 ${t.revokedAt.slice(0, 16)}` : '有效'])]));
      return;
    }
    case 'revoke': {
      const { positionals } = parse(rest, {});
      const name = one(positionals, '<name>');
      await withDatabase((ds) => cli(new Accounts(ds).revokeToken(name)));
      say(`已撤销令牌 ${name}`);
      return;
    }
    default:
      throw new CliError(`tokens takes add, list or revoke\n${ACCOUNTS_USAGE}`);
  }
}
