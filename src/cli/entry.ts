/**
 * The launcher's first stop: checks the Node version before loading anything else, because Ink on
 * an old Node exits silently without drawing, which is the worst way to fail at 3 a.m.
 */
const MIN_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);
if (major < MIN_MAJOR) {
  process.stderr.write(
    `opsconsole: needs Node.js ${MIN_MAJOR} or newer, but this is ${process.version} (${process.execPath}).\n` +
      '  fix: run `npm install` in the opsconsole checkout (it brings Node 24 into node_modules) and start\n' +
      '       it with bin/opsconsole or `npm run demo`, which use that Node.\n',
  );
  process.exit(2);
}
// V8's code cache on disk (Node 22+) roughly halves the time to load the bundle on later starts.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { main } = await import('./main');
const { finishOutput } = await import('./output');
// Exit explicitly (pollers and keep-alive sockets must not hold a finished command open), but only
// once everything written has reached the pipe: exiting earlier cuts the output short.
process.exit(await finishOutput(await main(process.argv.slice(2))));

export {};
