import { execFileSync } from 'node:child_process';

/**
 * A network namespace joined to this one by a veth pair: a host on its own link, whose traffic a
 * test can black-hole (iptables DROP inside the namespace keeps the link up but silent, the way a
 * dead route or a stuck firewall does). Addresses are on that private link only.
 */
export class TestNetns {
  private readonly n = 1 + Math.floor(Math.random() * 250);
  readonly name = `ocns${this.n}`;
  readonly hostAddress = `10.231.${this.n}.1`;
  readonly address = `10.231.${this.n}.2`;
  private readonly outside = `ocva${this.n}`;
  private readonly inside = `ocvb${this.n}`;

  create(): void {
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'ignore' });
    const inNs = (...args: string[]) => ip('netns', 'exec', this.name, ...args);
    // What a run killed before its clean-up may have left under the same names.
    this.destroy();
    try {
      ip('link', 'del', this.outside);
    } catch {
      // none left
    }
    ip('netns', 'add', this.name);
    ip('link', 'add', this.outside, 'type', 'veth', 'peer', 'name', this.inside);
    ip('link', 'set', this.inside, 'netns', this.name);
    ip('addr', 'add', `${this.hostAddress}/30`, 'dev', this.outside);
    ip('link', 'set', this.outside, 'up');
    inNs('ip', 'addr', 'add', `${this.address}/30`, 'dev', this.inside);
    inNs('ip', 'link', 'set', this.inside, 'up');
    inNs('ip', 'link', 'set', 'lo', 'up');
  }

  /** Drops every packet in and out of the namespace (on), or stops dropping (off). */
  blackhole(on: boolean): void {
    for (const chain of ['INPUT', 'OUTPUT'])
      execFileSync('ip', ['netns', 'exec', this.name, 'iptables', on ? '-I' : '-D', chain, '-j', 'DROP'], {
        stdio: 'ignore',
      });
  }

  destroy(): void {
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
