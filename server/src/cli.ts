#!/usr/bin/env node
/**
 * The `realm-tabs-server` command line. Prints exactly one line, `listening on http://HOST:PORT`,
 * once it accepts requests; stops cleanly on SIGTERM/SIGINT.
 * @packageDocumentation
 */
import { USAGE, parseCli } from "./cliArgs.js";
import { startServer, type RunningServer, type StartServerOptions } from "./index.js";
import { nativeBindingHint } from "./startupHint.js";

async function main(): Promise<void> {
  let options: StartServerOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const started: { server?: RunningServer } = {};
  let pending: string | undefined;
  let stopping = false;
  const stop = (signal: string): void => {
    // a signal during startup stops the server as soon as it has started
    const server = started.server;
    if (server === undefined) {
      pending ??= signal;
      return;
    }
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      process.stderr.write(`forced exit: close did not finish within 10 s after ${signal}\n`);
      process.exit(1);
    }, 10_000);
    deadline.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  // installed before the listening line, so a supervisor that signals right after it gets a clean exit
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  const server = await startServer(options);
  started.server = server;
  if (pending !== undefined) {
    stop(pending);
    return;
  }
  process.stdout.write(`listening on ${server.url}\n`);
}

main().catch((err: unknown) => {
  const hint = nativeBindingHint(err);
  if (hint !== undefined) process.stderr.write(`${hint}\n`);
  else process.stderr.write(`realm-tabs-server failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
