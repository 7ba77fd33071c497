/** Lets the current test call console.error without failing (see per-file.ts). */
export function allowConsoleError() {
  globalThis.__qiaoAllowConsoleError = true;
}
