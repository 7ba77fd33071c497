// What every `npm run qiao -- <command>` module exports. Add a command: write
// scripts/commands/<name>.ts exporting a Command, and list it in scripts/qiao.ts.

export type CommandContext = {
  /** every registered command, for `help` */
  commands: readonly Command[];
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
};

export type Command = {
  name: string;
  /** one line for the command list */
  summary: string;
  /** the full usage text shown by `help <name>` and on a usage error */
  usage: string;
  /** resolves to the exit code (0 when omitted) */
  run(argv: string[], ctx: CommandContext): Promise<number | void>;
};

/** A failure the user can fix, printed without a stack trace. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Wrong command-line input: printed with the command's usage, exit code 2. */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, 2);
  }
}
