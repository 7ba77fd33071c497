import { createInterface } from "node:readline";
import { CliError } from "./command";

/**
 * Reads a password from stdin: at a terminal, prompts (on stderr) without echo; when piped,
 * takes the first line. The password never appears in argv, where `ps` and shell history see it.
 */
export function readPassword(prompt: string, stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): Promise<string> {
  return stdin.isTTY ? readHidden(prompt, stdin, stderr) : readFirstLine(stdin);
}

function readFirstLine(stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: stdin, terminal: false, crlfDelay: Infinity });
    let done = false;
    rl.once("line", (line) => {
      done = true;
      rl.close();
      stdin.pause();
      resolve(line);
    });
    rl.once("close", () => {
      if (!done) reject(new CliError("no password on stdin (pipe it in, e.g. `printf '%s\\n' \"$PW\" | npm run qiao -- user create …`)", 2));
    });
  });
}

function readHidden(prompt: string, stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = "";
    stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.resume();
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      // A paste arrives as one chunk: handle it character by character.
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003") return finish(new CliError("cancelled", 130));
        if (ch === "\u0004") {
          if (value === "") return finish(new CliError("no password given", 2));
          return finish();
        }
        if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch >= " ") value += ch;
      }
    };
    stdin.on("data", onData);
  });
}
