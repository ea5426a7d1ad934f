import { execFileSync } from 'node:child_process';
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  rmSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real, small file system that can be filled to the page: a tmpfs mounted for the test (the tests
 * run as root). tmpfs hands out whole pages, so "room for N more pages" is exact: a write into the
 * slack of a file's last page needs no page, a new file's first byte needs one.
 */
export class FullDisk {
  readonly filler: string;

  private constructor(
    readonly dir: string,
    readonly pageSize: number,
  ) {
    this.filler = join(dir, 'filler');
  }

  static mount(sizeKiB = 512): FullDisk {
    const dir = mkdtempSync(join(tmpdir(), 'oc-fulldisk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', dir]);
    } catch (err) {
      throw new Error(`these tests mount a tmpfs and must run as root: ${(err as Error).message}`);
    }
    return new FullDisk(dir, statfsSync(dir).bsize);
  }

  /** Pages still free. */
  freePages(): number {
    return statfsSync(this.dir).bavail;
  }

  /** Fills the file system, then gives back exactly `pages` pages. */
  leaveRoomFor(pages: number): void {
    const fd = openSync(this.filler, 'w');
    try {
      const page = Buffer.alloc(this.pageSize, 0x2e);
      try {
        for (;;) writeSync(fd, page);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
      ftruncateSync(fd, Math.max(0, fstatSync(fd).size - pages * this.pageSize));
    } finally {
      closeSync(fd);
    }
    const free = this.freePages();
    if (free !== pages) throw new Error(`the disk was to have ${pages} free pages, it has ${free}`);
  }

  /** Frees what `leaveRoomFor` took. */
  makeRoom(): void {
    rmSync(this.filler, { force: true });
  }

  unmount(): void {
    execFileSync('umount', [this.dir]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
