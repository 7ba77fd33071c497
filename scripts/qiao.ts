/**
 * `npm run qiao -- <command>`: Qiao's command line. Each command lives in
 * scripts/commands/<name>.ts; list it below to register it.
 *
 * Exit codes: 0 done, 1 failed (the message says why), 2 bad command-line input, 130 cancelled.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CliError, UsageError, type Command, type CommandContext } from "./commands/command";
import { exportCommand } from "./commands/export";
import { generateCommand } from "./commands/generate";
import { generalHelp, helpCommand } from "./commands/help";
import { importCommand } from "./commands/import";
import { matchCommand } from "./commands/match";
import { migrateCommand } from "./commands/migrate";
import { reindexCommand } from "./commands/reindex";
import { seedCommand } from "./commands/seed";
import { userCommand } from "./commands/user";

export const COMMANDS: readonly Command[] = [
  migrateCommand,
  seedCommand,
  userCommand,
  importCommand,
  exportCommand,
  generateCommand,
  reindexCommand,
  matchCommand,
  helpCommand,
];

/** Turns what a user can fix into one clear line; anything else keeps its stack. */
function describe(error: unknown): { message: string; exitCode: number; stack?: string } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  // parseArgs: unknown option, missing option value …
  if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
    return { message: error.message, exitCode: 2 };
  }
  if (error instanceof Error && "code" in error) {
    const code = String(error.code);
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT" || code === "CONNECT_TIMEOUT") {
      return { message: `cannot reach PostgreSQL (${code}): is DATABASE_URL right and the server running?`, exitCode: 1 };
    }
    if (code === "3D000") return { message: `${error.message}: create it first (createdb), then run migrate`, exitCode: 1 };
    if (code === "28P01" || code === "28000") return { message: `PostgreSQL refused the login: ${error.message}`, exitCode: 1 };
    if (code === "42P01") {
      return { message: `${error.message}: the database has no Qiao schema yet, run \`npm run qiao -- migrate\` first`, exitCode: 1 };
    }
  }
  return { message: error instanceof Error ? error.message : String(error), exitCode: 1, stack: error instanceof Error ? error.stack : undefined };
}

export async function main(argv: string[], ctx: Omit<CommandContext, "commands"> = process): Promise<number> {
  const context: CommandContext = { ...ctx, commands: COMMANDS };
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    (name === undefined ? context.stderr : context.stdout).write(generalHelp(COMMANDS));
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    context.stderr.write(`qiao: unknown command "${name}"\n\n${generalHelp(COMMANDS)}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    context.stdout.write(`Usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return (await command.run(rest, context)) ?? 0;
  } catch (error) {
    const { message, exitCode, stack } = describe(error);
    context.stderr.write(`qiao ${name}: ${message}\n`);
    if (exitCode === 2 || error instanceof UsageError) {
      // the synopsis only; the whole text is one `help` away
      const synopsis = command.usage.split("\n")[0];
      context.stderr.write(`Usage: ${synopsis}\n(\`npm run qiao -- help ${command.name}\` for details)\n`);
    } else if (stack) {
      // not a failure we anticipated: the stack is what a bug report needs
      context.stderr.write(`${stack}\n`);
    }
    return exitCode;
  }
}

// Only when run as a script (tests import main()).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
