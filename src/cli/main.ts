import { text } from 'node:stream/consumers';
import { runCli } from './program.js';

await runCli(process.argv, {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin: () => text(process.stdin),
  exit: (code) => {
    process.exitCode = code;
  },
});
