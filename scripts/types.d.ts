declare module "async-exit-hook" {
  type Hook = (done?: () => void) => void;
  function exitHook(hook: Hook): void;
  namespace exitHook {
    function forceExitTimeout(ms: number): void;
    function hookEvent(event: string, code?: number, filter?: (...args: unknown[]) => boolean): void;
    function unhookEvent(event: string): void;
  }
  export default exitHook;
}
