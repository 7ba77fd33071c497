import { parseArgs } from "node:util";
import { createUser, newUserInput, ORG_ROLES, PASSWORD_MAX, PASSWORD_MIN, PLATFORM_ROLES, UserInputError } from "../../db/users.server";
import { CliError, UsageError, type Command } from "./command";
import { withSql } from "./database";
import { readPassword } from "./read-password";

const USAGE = `npm run qiao -- user create --email <email> --name <name> --role ${PLATFORM_ROLES.join("|")} [--org <ref> [--org-role ${ORG_ROLES.join("|")}]]

Creates an account, e.g. a deployment's first admin. The password (at least ${PASSWORD_MIN} characters)
is read from stdin: typed without echo at a terminal (twice), or the first line when piped:

  printf '%s\\n' "$ADMIN_PASSWORD" | npm run qiao -- user create --email admin@example.org --name 管理员 --role admin

--org adds the user to the organization with that external ref (e.g. O-G001), with --org-role
(default: member; a manager may invite others into the organization).`;

export const userCommand: Command = {
  name: "user",
  summary: "manage accounts: `user create` (password from stdin)",
  usage: USAGE,
  async run(argv, { stdin, stdout, stderr }) {
    const [sub, ...rest] = argv;
    if (sub === undefined) throw new UsageError("which action? (available: create)");
    if (sub !== "create") throw new UsageError(`unknown action "user ${sub}" (available: create)`);

    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        email: { type: "string" },
        name: { type: "string" },
        role: { type: "string" },
        org: { type: "string" },
        "org-role": { type: "string" },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    for (const flag of ["email", "name", "role"] as const) {
      if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
    }
    if (values["org-role"] !== undefined && values.org === undefined) throw new UsageError("--org-role needs --org");

    // Validate the flags before asking for the password: nobody should type a password twice only
    // to learn the role was misspelt.
    const flags = newUserInput.omit({ password: true }).safeParse({
      email: values.email,
      name: values.name,
      role: values.role,
      org: values.org === undefined ? undefined : { ref: values.org, role: values["org-role"] ?? "member" },
    });
    if (!flags.success) throw new UsageError(flags.error.issues[0]?.message ?? "invalid input");
    const input = flags.data;

    return withSql(async (sql) => {
      const [taken] = await sql`select 1 from app_user where email = ${input.email}`;
      if (taken) throw new CliError(`a user with email ${input.email} already exists`);
      if (input.org) {
        const [org] = await sql`select 1 from organization where ref = ${input.org.ref}`;
        if (!org) throw new CliError(`no organization with ref ${input.org.ref}`);
      }

      const password = await readPassword("Password: ", stdin, stderr);
      if (password.length < PASSWORD_MIN) throw new CliError(`password must have at least ${PASSWORD_MIN} characters`, 2);
      if (password.length > PASSWORD_MAX) throw new CliError(`password must have at most ${PASSWORD_MAX} characters`, 2);
      if (stdin.isTTY) {
        const again = await readPassword("Repeat password: ", stdin, stderr);
        if (again !== password) throw new CliError("the passwords do not match", 2);
      }

      try {
        const user = await createUser(sql, { ...input, password });
        const membership = input.org ? ` (${input.org.role} of ${input.org.ref})` : "";
        stdout.write(`Created ${user.role} ${user.email} (id ${user.id})${membership}.\n`);
      } catch (error) {
        // Checked above, but another process may have won the race in between.
        if (error instanceof UserInputError) throw new CliError(error.message);
        throw error;
      }
    });
  },
};
