import { UsageError, type Command } from "./command";

export const helpCommand: Command = {
  name: "help",
  summary: "list the commands, or show one command's usage: `help <command>`",
  usage: "npm run qiao -- help [command]",
  async run(argv, { commands, stdout }) {
    const [name, ...extra] = argv;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (name !== undefined) {
      const command = commands.find((c) => c.name === name);
      if (!command) throw new UsageError(`unknown command "${name}"`);
      stdout.write(`Usage: ${command.usage}\n`);
      return;
    }
    stdout.write(generalHelp(commands));
  },
};

export function generalHelp(commands: readonly Command[]) {
  const width = Math.max(...commands.map((c) => c.name.length));
  return (
    "Qiao (桥) command line.\n\n" +
    "Usage: npm run qiao -- <command> [arguments]\n\n" +
    "Commands:\n" +
    commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n`).join("") +
    "\nDatabase commands use DATABASE_URL. `npm run qiao -- help <command>` shows a command's usage.\n"
  );
}
