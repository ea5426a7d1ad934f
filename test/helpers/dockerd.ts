import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_IMAGE = 'opsbox:1.0.0';

/**
 * A real Docker Engine for tests: vfs storage, no iptables, no bridge (containers use
 * --network none), its own socket and data under a temp dir; the image is a busybox rootfs imported
 * without any registry.
 */
export class TestDockerd {
  readonly dir = mkdtempSync(join(tmpdir(), 'oc-dockerd-'));
  readonly socket = join(this.dir, 'docker.sock');
  private child: ChildProcess | undefined;

  async start(): Promise<void> {
    this.child = spawn(
      'dockerd',
      [
        '--iptables=false',
        '--ip-forward=false',
        '--bridge=none',
        '--storage-driver=vfs',
        `--host=unix://${this.socket}`,
        `--data-root=${join(this.dir, 'data')}`,
        `--exec-root=${join(this.dir, 'exec')}`,
        `--pidfile=${join(this.dir, 'docker.pid')}`,
      ],
      { stdio: ['ignore', 'ignore', openSync(join(this.dir, 'dockerd.log'), 'a')] },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        this.docker('version', '--format', '{{.Server.Version}}');
        return;
      } catch {
        if (Date.now() > deadline || this.child.exitCode !== null) {
          throw new Error(
            `dockerd did not start: ${readFileSync(join(this.dir, 'dockerd.log'), 'utf8').split('\n').slice(-5).join('\n')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /**
   * Removes the containers, then stops the engine and the containerd it started. `keepContainers`:
   * an engine stopped to be started again (a test of riding out a restart) keeps them.
   */
  async stop({ keepContainers = false }: { keepContainers?: boolean } = {}): Promise<void> {
    if (!keepContainers) this.removeContainers();
    await this.killEngine();
    for (const pattern of [
      `containerd --config ${join(this.dir, 'exec')}`,
      `containerd-shim.*${join(this.dir, 'exec')}`,
    ]) {
      try {
        execFileSync('pkill', ['-KILL', '-f', pattern]);
      } catch {
        // already gone
      }
    }
    rmSync(join(this.dir, 'docker.pid'), { force: true });
    // A stale containerd pid file makes the next dockerd wait for a containerd that is gone.
    rmSync(join(this.dir, 'exec', 'containerd', 'containerd.pid'), { force: true });
    // A new containerd cannot start while the old one still holds its database.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        execFileSync('pgrep', ['-f', `containerd.*${join(this.dir, 'exec')}`]);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Containers outlive their engine and its shims (each is the first process of its own PID
   * namespace, reparented to init): removed while the engine still answers, they do not go on
   * loading the machine for the rest of the run.
   */
  private removeContainers(): void {
    try {
      const env = { ...process.env, DOCKER_HOST: `unix://${this.socket}` };
      const ids = execFileSync('docker', ['ps', '-aq'], { env, encoding: 'utf8', timeout: 10_000 });
      const list = ids.split('\n').filter(Boolean);
      if (list.length > 0)
        execFileSync('docker', ['rm', '-f', ...list], { env, stdio: 'ignore', timeout: 20_000 });
    } catch {
      // the engine is gone already: nothing to ask it
    }
  }

  private async killEngine(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  docker(...args: string[]): string {
    return execFileSync('docker', args, {
      env: { ...process.env, DOCKER_HOST: `unix://${this.socket}` },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  buildImage(): void {
    const rootfs = join(this.dir, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    execFileSync('cp', ['/bin/busybox', join(rootfs, 'bin', 'busybox')]);
    for (const applet of ['sh', 'sleep', 'echo', 'true', 'false', 'cat', 'ls', 'yes']) {
      const link = join(rootfs, 'bin', applet);
      if (!existsSync(link)) symlinkSync('busybox', link);
    }
    writeFileSync(join(this.dir, 'build.sh'), `tar -C '${rootfs}' -c . | docker import - ${TEST_IMAGE}\n`);
    execFileSync('sh', [join(this.dir, 'build.sh')], {
      env: { ...process.env, DOCKER_HOST: `unix://${this.socket}` },
      stdio: 'ignore',
    });
  }
}
